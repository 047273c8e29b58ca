"""The reasons the system itself gives on a record's timeline: the escalation ladder's steps
and the end of public disclosure.

An official's reason is their own words and stays as written. A system step's reason is one
of the portal's sentences, so its event keeps the sentence's code and parameters and the
sentence is worded in the reader's language when shown (the record page, the API). The event's
``reason`` still holds the sentence in the default language, for the admin and for searching;
events written before the codes existed have only that text, and show it."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

OVERDUE = "overdue"
ESCALATED = "escalated"
ACCOUNTABILITY_PROPOSED = "accountability_proposed"
DISCLOSURE_EXPIRED = "disclosure_expired"
OBJECTION_OVERDUE = "objection_overdue"
OBJECTION_ESCALATED = "objection_escalated"

SENTENCES = {
    OVERDUE: _("Deadline %(date)s passed without verified rectification."),
    ESCALATED: _("Escalated to the credit office of %(region)s."),
    ACCOUNTABILITY_PROPOSED: _(
        "Accountability proposed for: %(names)s; honours restriction extended by %(months)d months."
    ),
    DISCLOSURE_EXPIRED: _("The maximum disclosure period ended on %(date)s."),
    OBJECTION_OVERDUE: _("The objection was due to be decided by %(date)s."),
    OBJECTION_ESCALATED: _(
        "The undecided objection was escalated to the credit office of %(region)s."
    ),
}


def list_names(names: list[str]) -> str:
    """People's names listed the way the active language lists them."""
    if not names:
        return gettext("no official recorded")
    separator = "、" if (translation.get_language() or "").startswith("zh") else ", "
    return separator.join(names)


def render(code: str, params: dict) -> str:
    """The sentence ``code`` with ``params``, in the active language. A ``names`` parameter
    is a list of names, joined the way the language lists them."""
    values = dict(params)
    if "names" in values:
        values["names"] = list_names(values["names"])
    return str(SENTENCES[code]) % values


def reason_fields(code: str, **params) -> dict:
    """A RecordEvent's reason fields for the system sentence ``code``: the code, its
    parameters (JSON values: dates as ISO text) and the sentence in the default language."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = render(code, params)
    return {"reason": reason, "reason_code": code, "reason_params": params}


def display(event) -> str:
    """What the reader sees as ``event``'s reason: the system sentence in their language, or
    the stored text (an official's words, an event from before the codes, a code no longer
    known or parameters that no longer fit)."""
    if event.reason_code:
        try:
            return render(event.reason_code, event.reason_params or {})
        except (KeyError, TypeError, ValueError):
            pass
    return event.reason
