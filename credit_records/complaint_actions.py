"""The handling office's steps on a complaint, each declared once: its URL slug
(``/workspace/complaints/<pk>/<slug>/`` and ``/api/v1/complaints/<pk>/<slug>/``), label,
transition, workspace form, and how the service is called with the form's (or the API
serializer's) cleaned data. The workspace page and the API both read ``COMPLAINT_ACTIONS``;
the states and who may take a step are the transition's (``models.complaints``)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from .complaint_forms import (
    ComplaintAcceptForm,
    ComplaintAssignForm,
    ComplaintCloseForm,
    ComplaintRejectForm,
)
from .services import complaints as services


@dataclass(frozen=True)
class ComplaintAction:
    slug: str
    label: str
    transition: str
    form_class: type
    # (complaint, actor, cleaned data) -> the complaint after the step.
    take: Callable
    style: str = "primary"

    def allows(self, complaint, user) -> bool:
        method = getattr(complaint, self.transition)
        return can_proceed(method) and has_transition_perm(method, user)

    def form(self, complaint, data=None, files=None, prefix=None):
        kwargs = {"auto_id": f"{self.slug}-%s"}
        if self.form_class is ComplaintAssignForm:
            kwargs["assignees"] = services.assignable_users(complaint)
        return (
            self.form_class(data, files, **kwargs)
            if data is not None
            else self.form_class(**kwargs)
        )


def _close(complaint, actor, data):
    record = {
        "severity": data.get("severity"),
        "category": data.get("record_category"),
        "decision_number": data.get("decision_number"),
        "issuing_authority": data.get("issuing_authority"),
        "decision_date": data.get("decision_date"),
        "facts": data.get("facts"),
    }
    return services.complaint_close(
        complaint=complaint,
        actor=actor,
        outcome=data["outcome"],
        reason=data["reason"],
        referred_to=data.get("referred_to", ""),
        record=record,
    )


COMPLAINT_ACTIONS = {
    action.slug: action
    for action in (
        ComplaintAction(
            "accept",
            _("Accept"),
            "accept",
            ComplaintAcceptForm,
            lambda c, actor, d: services.complaint_accept(
                complaint=c, actor=actor, reason=d.get("reason", "")
            ),
        ),
        ComplaintAction(
            "reject",
            _("Do not accept"),
            "reject",
            ComplaintRejectForm,
            lambda c, actor, d: services.complaint_reject(
                complaint=c, actor=actor, reason=d.get("reason", "")
            ),
            style="secondary",
        ),
        ComplaintAction(
            "assign",
            _("Assign for investigation"),
            "assign",
            ComplaintAssignForm,
            lambda c, actor, d: services.complaint_assign(
                complaint=c, actor=actor, assignee=d.get("assignee"), note=d.get("note", "")
            ),
        ),
        ComplaintAction("close", _("Close with an outcome"), "close", ComplaintCloseForm, _close),
    )
}


def available_complaint_actions(complaint, user) -> list[ComplaintAction]:
    if not user.has_perm("credit_records.change_complaint"):
        return []
    return [action for action in COMPLAINT_ACTIONS.values() if action.allows(complaint, user)]
