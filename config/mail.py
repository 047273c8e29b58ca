"""The embedded default's email backend: every message is written in full to a file under
``var/mail/`` and the console gets one line per message.

Django's console backend prints each message whole (headers, MIME parts, the body), so the
demo's first deadline scan pushed the ``make run`` banner off the screen with about 1,400 lines.
A deployment sets ``DJANGO_EMAIL_BACKEND`` to the SMTP backend instead (``.env.example``).
"""

import logging

from django.core.mail.backends.filebased import EmailBackend as FileBasedEmailBackend

logger = logging.getLogger("chengxin.mail")


class SummaryFileEmailBackend(FileBasedEmailBackend):
    """Django's file-based backend (one file per connection, under ``EMAIL_FILE_PATH``) that
    also logs a one-line summary of what it wrote."""

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        if sent:
            recipients = sorted({address for m in email_messages for address in m.recipients()})
            subjects = "; ".join(str(m.subject) for m in email_messages[:3])
            logger.info(
                "%d email(s) to %s: %s (full text in %s)",
                sent,
                ", ".join(recipients[:3]) + (" …" if len(recipients) > 3 else ""),
                subjects,
                self._fname,
            )
        return sent
