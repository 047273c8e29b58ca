"""The steps that can be taken on a dishonesty record, each declared once (NetBox's
``netbox/object_actions.py`` is the model).

Each ``RecordAction`` names its URL slug (``/workspace/records/<pk>/<slug>/`` and
``/api/v1/records/<pk>/<slug>/``), its label, the service that takes it, the Django
permission it needs, the states it is open in and who may take it there, the workspace form
and the API serializer of its input. The workspace pages, the API's viewset actions, the
admin's bulk actions and ``selectors.available_actions`` all read ``RECORD_ACTIONS``.

The status transitions stay on the model (django-fsm is the state machine): an action that
moves the status names its transition, and its states and role check are the transition's
``source`` and ``permission``, read from there rather than written a second time.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from core.admin.base import refusal_message
from core.exceptions import WorkflowConflict
from core.roles import Role

from . import selectors, services
from .api import serializers as s
from .forms import (
    CloseForm,
    ConfirmForm,
    CreditRepairForm,
    EvidenceForm,
    ExplanationForm,
    ExtendDeadlineForm,
    FaultToleranceClaimForm,
    ReportForm,
    RequireRectificationForm,
    ReturnForm,
    VerifyForm,
)
from .models import COUNTING_STATUSES, RECTIFYING_STATUSES, DishonestyRecord, RecordStatus
from .models.records import is_liaison_of, is_supervisor
from .objection_forms import ObjectionForm


def is_supervisor_or_liaison(record, user) -> bool:
    # Any liaison, not only the department's own: the record was read through the user's
    # scope already, which keeps a liaison to their own department's records.
    return is_supervisor(record, user) or user.role == Role.LIAISON


def is_not_auditor(record, user) -> bool:
    # Auditors read; everyone else who can see a record may add evidence to it.
    return user.role != Role.AUDITOR


@dataclass(frozen=True)
class AdminBulkAction:
    """The action as a bulk action of the record admin's change list (with a reason)."""

    name: str
    description: str
    done_message: str


@dataclass(frozen=True)
class RecordAction:
    slug: str
    label: str
    service: Callable
    # The Django permission the role needs (a 403 before any state is looked at).
    permission: str
    form_class: type
    # The API's input; None: no ``/api/v1/records/<pk>/<slug>/`` endpoint (credit repair is
    # applied for through ``/api/v1/credit-repairs/``).
    serializer_class: type | None = None
    api_summary: str = ""
    # The model's transition this action takes, if it moves the record's status: its
    # ``source`` and ``permission`` are then the states and the role check.
    transition: str | None = None
    # For the actions that are not transitions: the states they are open in, who may take
    # them, and what else must hold (e.g. no claim already pending).
    states: tuple[str, ...] = ()
    role_check: Callable | None = None
    condition: Callable | None = None
    # Whether ``available_actions`` lists it. Evidence can be added in nearly every state, so
    # the API's per-record list has never named it; the record page offers it all the same.
    listed: bool = True
    style: str = "primary"
    admin: AdminBulkAction | None = None

    @property
    def api_name(self) -> str:
        """The viewset action's name (``self.action`` in the API, ``record-<slug>`` routes)."""
        return self.transition or self.slug.replace("-", "_")

    @property
    def allowed_states(self) -> tuple[str, ...]:
        if self.transition is None:
            return self.states
        meta = getattr(DishonestyRecord, self.transition)._django_fsm
        return tuple(meta.transitions)

    def allows(self, record: DishonestyRecord, user) -> bool:
        """Whether ``user`` (who can see the record) may take this step on it now."""
        if self.transition is not None:
            method = getattr(record, self.transition)
            return can_proceed(method) and has_transition_perm(method, user)
        return (
            record.status in self.states
            and self.role_check(record, user)
            and (self.condition is None or self.condition(record))
        )


def _transition(
    slug: str,
    name: str,
    service: Callable,
    form_class,
    serializer_class,
    summary: str,
    *,
    permission: str = "credit_records.change_dishonestyrecord",
    **options,
) -> RecordAction:
    """An action that takes the model's transition ``name``, labelled as the transition is."""
    return RecordAction(
        slug=slug,
        label=services.transition_label(name),
        service=service,
        permission=permission,
        form_class=form_class,
        serializer_class=serializer_class,
        api_summary=summary,
        transition=name,
        **options,
    )


_ACTIONS = [
    _transition(
        "confirm",
        "confirm",
        services.record_confirm,
        ConfirmForm,
        s.ReasonSerializer,
        "Confirm a draft record",
        admin=AdminBulkAction(
            "confirm_records",
            _("Confirm the selected drafts"),
            _("%(count)d record(s) confirmed."),
        ),
    ),
    _transition(
        "require-rectification",
        "require_rectification",
        services.record_require_rectification,
        RequireRectificationForm,
        s.RequireRectificationSerializer,
        "Require rectification by a deadline",
    ),
    _transition(
        "submit-explanation",
        "submit_explanation",
        services.record_submit_explanation,
        ExplanationForm,
        s.ExplanationSerializer,
        "Submit the written explanation of the causes",
        permission="credit_records.add_rectificationreport",
    ),
    _transition(
        "submit-report",
        "submit_report",
        services.record_submit_report,
        ReportForm,
        s.ReportSerializer,
        "Submit a rectification report with evidence",
        permission="credit_records.add_rectificationreport",
    ),
    _transition(
        "verify",
        "verify",
        services.record_verify,
        VerifyForm,
        s.ReasonSerializer,
        "Verify the rectification (accept the latest report)",
    ),
    _transition(
        "return",
        "return_report",
        services.record_return,
        ReturnForm,
        s.ReasonSerializer,
        "Return the latest report, with the reasons",
        style="secondary",
    ),
    _transition(
        "close",
        "close",
        services.record_close,
        CloseForm,
        s.ReasonSerializer,
        "Close the record",
        style="secondary",
        admin=AdminBulkAction(
            "close_records",
            _("Close the selected verified records"),
            _("%(count)d record(s) closed."),
        ),
    ),
    RecordAction(
        slug="extend-deadline",
        label=_("Extend the deadline"),
        service=services.rectification_extend,
        permission="credit_records.add_deadlineextension",
        form_class=ExtendDeadlineForm,
        serializer_class=s.ExtendDeadlineSerializer,
        api_summary="Extend the rectification deadline",
        states=tuple(RECTIFYING_STATUSES),
        role_check=is_supervisor,
        style="secondary",
    ),
    RecordAction(
        slug="claim-fault-tolerance",
        label=_("Claim fault tolerance"),
        service=services.fault_tolerance_claim_file,
        permission="credit_records.add_faulttoleranceclaim",
        form_class=FaultToleranceClaimForm,
        serializer_class=s.ClaimSerializer,
        api_summary="Claim fault tolerance (容错纠错)",
        states=(RecordStatus.CONFIRMED, RecordStatus.RECTIFICATION_REQUIRED),
        role_check=is_supervisor_or_liaison,
        condition=selectors.no_pending_claim,
        style="secondary",
    ),
    RecordAction(
        slug="apply-credit-repair",
        label=_("Apply for credit repair"),
        service=services.credit_repair_apply,
        permission="credit_records.add_creditrepairapplication",
        form_class=CreditRepairForm,
        states=(RecordStatus.VERIFIED, RecordStatus.CLOSED),
        role_check=is_supervisor_or_liaison,
        condition=selectors.credit_repair_open,
        style="secondary",
    ),
    RecordAction(
        slug="object",
        label=_("File an objection"),
        service=services.objection_file,
        permission="credit_records.add_objection",
        form_class=ObjectionForm,
        # In the workspace the department's liaison files it; the provincial platform files on
        # the department's behalf through /api/v1/objections/ (services.objection_file).
        states=tuple(COUNTING_STATUSES),
        role_check=is_liaison_of,
        condition=selectors.no_pending_objection,
        style="secondary",
    ),
    RecordAction(
        slug="add-evidence",
        label=_("Add evidence"),
        service=services.record_add_evidence,
        permission="credit_records.add_attachment",
        form_class=EvidenceForm,
        serializer_class=s.EvidenceSerializer,
        api_summary="Attach evidence files to the record",
        states=tuple(
            status
            for status in RecordStatus
            if status not in (RecordStatus.DRAFT, *services.EVIDENCE_CLOSED_STATUSES)
        ),
        role_check=is_not_auditor,
        listed=False,
        style="secondary",
    ),
]

# In this order on the record page: the step that moves the record on comes first.
RECORD_ACTIONS: dict[str, RecordAction] = {action.slug: action for action in _ACTIONS}


@dataclass
class BulkOutcome:
    """What ``take_on_each`` did: the records the step was taken on, and the ones refused,
    each with the service's reason."""

    done: list = field(default_factory=list)
    refused: list[tuple[DishonestyRecord, str]] = field(default_factory=list)


def take_on_each(action: RecordAction, records, *, actor, **arguments) -> BulkOutcome:
    """Take ``action`` on each of ``records`` in turn, through its service, each in the
    service's own transaction: one record refused (a colleague confirmed it a minute ago,
    it is no draft, the role may not take the step on it) leaves the others done, and the
    outcome names both, so that the official is told what happened to every record. Each of
    these steps is a decision on its own record, with its own audit entry and notices; none
    depends on another, so there is nothing an all-or-nothing rule would protect."""
    outcome = BulkOutcome()
    for record in records:
        try:
            action.service(record=record, actor=actor, **arguments)
        except (WorkflowConflict, PermissionDenied, ValidationError, Http404) as error:
            outcome.refused.append((record, refusal_message(error)))
        else:
            outcome.done.append(record)
    return outcome
