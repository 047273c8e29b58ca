"""Logging filters for every run mode.

Django logs a refused request (``PermissionDenied``, a 403) with the exception's whole
traceback. A refusal is the portal working as intended, not a fault: one line saying which
path was refused is what an operator needs; tracebacks stay for server errors.
"""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Drops the traceback from records of 4xx responses (``status_code`` in the record's
    extra, as ``django.utils.log.log_response`` sets it); the message line stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
