"""Court enforcement against government bodies (府院联动): a court's notices move a court case
through its life, and the supervising office records a settlement.

* "About to be listed" (pre_listing) opens the case with a pre-listing warning to the
  department's liaisons and its supervising credit office, and a deadline to settle counted
  in working days (``CHENGXIN_COURT_CASE_SETTLE_WORKING_DAYS``; ``core.calendar``), which the
  deadline engine reminds of (``court_case_deadlines``).
* Settled in time: the office closes the case with the evidence (``court_case_settle``).
* "Listed" (listed): the body is on the list of dishonest judgment debtors (失信被执行人);
  a draft dishonesty record of that category is made, for an official to confirm.
* "Delisted" (delisted): the listing is recorded as ended; the case is closed.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import add_working_days
from core.exceptions import WorkflowConflict
from core.models import NotificationKind, User
from core.notifications import liaisons_of, notify_translated, supervisors_of
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history

from .. import intake_formats as formats
from ..models import (
    CourtCase,
    CourtCaseStatus,
    IntakeItem,
    IntakeKind,
    RecordCategory,
    RecordSource,
    Severity,
)

# Listing as a dishonest judgment debtor is a serious breach of faith by a government body
# (it fails to carry out a court's effective judgment); the confirming official may change it.
LISTING_SEVERITY = Severity.SERIOUS


def settle_by(notice_date: datetime.date) -> datetime.date:
    """The last day to settle: the configured number of working days after the notice."""
    return add_working_days(notice_date, settings.CHENGXIN_COURT_CASE_SETTLE_WORKING_DAYS)


def court_case_url(case: CourtCase) -> str:
    from django.urls import reverse

    return reverse("workspace:court_case_list") + f"?case={case.case_number}"


def _warn(case: CourtCase) -> None:
    department = case.department
    notify_translated(
        [*liaisons_of(department), *supervisors_of(department.region)],
        kind=NotificationKind.WORKFLOW,
        describe=lambda: (
            _("%(department)s is about to be listed as a dishonest judgment debtor")
            % {"department": department.name},
            _(
                "%(court)s, case %(case)s: settle by %(date)s, or the court lists the "
                "department and a dishonesty record is drafted."
            )
            % {"court": case.court, "case": case.case_number, "date": case.settle_by},
        ),
        url=court_case_url(case),
        target=case,
    )


def _values(item: IntakeItem) -> dict:
    values, errors = formats.clean_item(IntakeKind.COURT_CASE, item.payload)
    if errors:
        raise ValidationError(list(errors.values()))
    return values


def court_notice_apply(*, item: IntakeItem, actor: User | None):
    """Apply an accepted court notice (called by ``intake.intake_item_accept`` under its
    transaction and checks). Returns (the drafted record or None, the outcome's words)."""
    values = _values(item)
    notice = values["notice_type"]
    case = CourtCase.objects.select_for_update().filter(case_number=values["case_number"]).first()
    if notice == formats.NOTICE_PRE_LISTING:
        if case is not None:
            raise WorkflowConflict(_("This court case is open already."))
        case = CourtCase(
            case_number=values["case_number"],
            court=values["court"],
            department=item.department,
            creditor=values.get("creditor", ""),
            amount=values.get("amount"),
            notice_date=values["notice_date"],
            settle_by=settle_by(values["notice_date"]),
        )
        case.full_clean()
        save_with_history(case, actor=actor, reason=_("Pre-listing warning"))
        _warn(case)
        return None, _("Court case %(case)s: warning until %(date)s") % {
            "case": case.case_number,
            "date": case.settle_by,
        }
    if notice == formats.NOTICE_LISTED:
        return _list(case, item, values, actor)
    if case is None or case.status != CourtCaseStatus.LISTED:
        raise WorkflowConflict(_("Only a listed court case can be delisted."))
    case.status = CourtCaseStatus.DELISTED
    case.delisted_on = values["notice_date"]
    case.delisting_note = values.get("facts", "") or item.document_number
    save_with_history(case, actor=actor, reason=_("Delisted"))
    return None, _("Court case %(case)s delisted") % {"case": case.case_number}


def _list(case, item, values, actor):
    from .intake import intake_note
    from .records import record_create

    if case is None:  # listed without a warning reaching us first
        case = CourtCase(
            case_number=values["case_number"],
            court=values["court"],
            department=item.department,
            creditor=values.get("creditor", ""),
            amount=values.get("amount"),
            notice_date=values["notice_date"],
            settle_by=values["notice_date"],
        )
    elif case.status != CourtCaseStatus.WARNING:
        raise WorkflowConflict(_("This court case is not waiting to be listed."))
    facts = values.get("facts") or _(
        "Listed by %(court)s as a dishonest judgment debtor in enforcement case %(case)s."
    ) % {"court": values["court"], "case": values["case_number"]}
    record = record_create(
        actor=actor,
        department=item.department,
        category=RecordCategory.DISHONEST_DEBTOR,
        severity=LISTING_SEVERITY,
        decision_number=values["case_number"],
        issuing_authority=values["court"],
        decision_date=values["notice_date"],
        facts=facts,
        internal_notes=intake_note(item),
        source=RecordSource.INTAKE,
    )
    case.status = CourtCaseStatus.LISTED
    case.listed_on = values["notice_date"]
    case.record = record
    case.full_clean()
    save_with_history(case, actor=actor, reason=_("Listed"))
    return record, _("Court case %(case)s listed: draft record drafted") % {
        "case": case.case_number
    }


@transaction.atomic
def court_case_settle(
    *, case: CourtCase, actor: User | None, settled_on: datetime.date, evidence: str
) -> CourtCase:
    """The department settled before being listed: the supervising office closes the case
    with the evidence (payment voucher, the court's confirmation …)."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, CourtCase, case.pk)
    evidence = (evidence or "").strip()
    errors = {}
    if not evidence:
        errors["evidence"] = _("Describe the evidence of the settlement.")
    if settled_on is None:
        errors["settled_on"] = _("Give the day of the settlement.")
    elif settled_on > timezone.localdate():
        errors["settled_on"] = _("The settlement cannot be in the future.")
    elif settled_on < case.notice_date:
        errors["settled_on"] = _("The settlement cannot be before the court's notice.")
    if errors:
        raise ValidationError(errors)
    case = CourtCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CourtCaseStatus.WARNING:
        raise WorkflowConflict(_("Only a case under a pre-listing warning can be settled."))
    case.status = CourtCaseStatus.SETTLED
    case.settled_on = settled_on
    case.settlement_evidence = evidence
    save_with_history(case, actor=actor, reason=_("Settled"))
    return case
