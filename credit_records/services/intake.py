"""Intake (归集): receiving items from other systems into the staging queue, and an official's
decisions on them (accept, reject, match by hand).

Every item, pushed on the API, pulled from a source's endpoint or read from a file, goes
through ``intake_receive``: validated (a bad item is refused with its reasons and writes
nothing), matched to a department by its credit code (an invalid or unknown code stages it as
"unmatched" with the reason), and stored once per source and document number: a repeat, even
one arriving from two pulls at the same moment, is reported as a duplicate (the unique
constraint decides the race, never a read). A source set to accept automatically turns a
matched item into its draft record straight away.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import WorkflowConflict
from core.models import Department, Region, User
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history
from core.uscc import normalize_uscc
from core.validators import validate_uscc

from .. import intake_formats as formats
from ..models import (
    IntakeItem,
    IntakeKind,
    IntakeSource,
    IntakeStatus,
    RecordCategory,
    RecordSource,
    Severity,
)

STAGED, ACCEPTED, DUPLICATE, UNMATCHED, REFUSED = (
    "staged",
    "accepted",
    "duplicate",
    "unmatched",
    "refused",
)
OUTCOME_LABELS = {
    STAGED: gettext_lazy("staged"),
    ACCEPTED: gettext_lazy("accepted"),
    DUPLICATE: gettext_lazy("duplicate"),
    UNMATCHED: gettext_lazy("unmatched"),
    REFUSED: gettext_lazy("refused"),
}
# A penalty's draft record: an administrative penalty of general severity until the official
# who confirms the draft says otherwise (the severity is theirs to judge, not the source's).
PENALTY_SEVERITY = Severity.GENERAL


@dataclass
class ItemResult:
    """What became of one item of a batch, in the batch's order."""

    index: int
    outcome: str
    document_number: str = ""
    item_id: int | None = None
    reason: str = ""
    errors: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = {"index": self.index, "outcome": self.outcome}
        if self.document_number:
            data["document_number"] = self.document_number
        if self.item_id is not None:
            data["id"] = self.item_id
        if self.reason:
            data["reason"] = self.reason
        if self.errors:
            data["errors"] = self.errors
        return data


class BatchRefused(ValidationError):
    """An all-or-nothing batch with bad items: ``bad`` maps each bad item's index to its
    errors by field key. Nothing was written."""

    def __init__(self, bad: dict[int, dict[str, str]]):
        self.bad = bad
        super().__init__(
            [f"{index + 1}: {'; '.join(errors.values())}" for index, errors in bad.items()],
            code="intake_refused",
        )


def ensure_may_push(actor, source: IntakeSource, kind: str) -> None:
    """A push needs the intake role (or a supervisor's), an active source of that kind, and,
    where the source names its pushing account, that account."""
    ensure_role(actor, Role.INTAKE, Role.SUPERVISOR)
    if not source.is_active:
        raise ValidationError({"source": _("This source is not active.")})
    if source.kind != kind:
        raise ValidationError(
            {"source": _("This source sends %(kind)s.") % {"kind": source.get_kind_display()}}
        )
    if (
        actor is not None
        and source.account_id
        and source.account_id != actor.pk
        and not actor.has_full_scope
    ):
        raise ValidationError({"source": _("Your account may not push to this source.")})


def _json_safe(raw) -> dict:
    if not isinstance(raw, dict):
        return {"item": str(raw)[:2000]}
    return {
        str(key): value.isoformat()
        if isinstance(value, datetime.date)
        else value
        if isinstance(value, str | int | float | bool) or value is None
        else str(value)
        for key, value in raw.items()
    }


def _match(code: str, departments: dict) -> tuple[Department | None, str]:
    """The department a credit code names, or the reason there is none."""
    if not code:
        return None, _("No credit code was given.")
    try:
        validate_uscc(code)
    except ValidationError as error:
        return None, " ".join(error.messages)
    department = departments.get(code)
    if department is None:
        return None, _("No department has the credit code %(code)s.") % {"code": code}
    return department, ""


def _home_region(source: IntakeSource) -> Region:
    if source.region_id:
        return source.region
    return Region.objects.filter(parent__isnull=True).order_by("code").first()


def intake_receive(
    *,
    source: IntakeSource,
    kind: str,
    items: list,
    actor: User | None,
    all_or_nothing: bool = False,
) -> list[ItemResult]:
    """Stage a batch of items from ``source``; returns what became of each.

    Each item is checked on its own: a bad one is refused and writes nothing, the others are
    staged. With ``all_or_nothing`` (file imports) one bad item refuses the whole batch: a
    ValidationError lists every bad item's reasons and nothing is written."""
    if len(items) > formats.MAX_BATCH:
        raise ValidationError(
            _("A batch may carry at most %(limit)d items.") % {"limit": formats.MAX_BATCH}
        )
    cleaned = [formats.clean_item(kind, raw) for raw in items]
    if all_or_nothing:
        bad = {index: errors for index, (_values, errors) in enumerate(cleaned) if errors}
        if bad:
            raise BatchRefused(bad)
    document_key = formats.DOCUMENT_KEY[kind]
    codes = {
        normalize_uscc(values.get("subject_uscc", "")) for values, errors in cleaned if not errors
    }
    departments = {
        d.uscc: d for d in Department.objects.select_related("region").filter(uscc__in=codes)
    }
    documents = [values[document_key] for values, errors in cleaned if not errors]
    existing = dict(
        IntakeItem.objects.filter(source=source, document_number__in=documents).values_list(
            "document_number", "pk"
        )
    )
    home = _home_region(source)
    results: list = [None] * len(items)
    # Inserted in document-number order: two batches overlapping in any order then wait on
    # each other's rows in the same order, never in a deadlock.
    order = sorted(range(len(items)), key=lambda i: cleaned[i][0].get(document_key, ""))
    with transaction.atomic():
        for index in order:
            values, errors = cleaned[index]
            if errors:
                results[index] = ItemResult(index, REFUSED, errors=errors)
                continue
            document = values[document_key]
            if document in existing:
                results[index] = ItemResult(index, DUPLICATE, document, existing[document])
                continue
            result = _stage(source, kind, items[index], values, document, departments, home, actor)
            result.index = index
            results[index] = result
            if result.item_id is not None:
                existing[document] = result.item_id
    return results


def _stage(source, kind, raw, values, document, departments, home, actor) -> ItemResult:
    code = normalize_uscc(values.get("subject_uscc", ""))
    department, problem = _match(code, departments)
    item = IntakeItem(
        source=source,
        kind=kind,
        document_number=document,
        subject_name=values["subject_name"],
        subject_uscc=code,
        department=department,
        region=department.region if department else home,
        decision_date=values.get(formats.DATE_KEY[kind]),
        status=IntakeStatus.STAGED if department else IntakeStatus.UNMATCHED,
        problem=problem[:300],
        payload=_json_safe(raw),
        received_by=actor,
    )
    try:
        with transaction.atomic():
            item._history_user = actor
            item.save()
    except IntegrityError:
        # Another pull or push stored this document a moment ago.
        twin = IntakeItem.objects.filter(source=source, document_number=document).first()
        return ItemResult(0, DUPLICATE, document, twin.pk if twin else None)
    if department is None:
        return ItemResult(0, UNMATCHED, document, item.pk, reason=item.problem)
    if source.auto_accept:
        try:
            with transaction.atomic():
                intake_item_accept(item=item, actor=None)
        except (ValidationError, WorkflowConflict) as error:
            # Left for an official: the draft could not be made (say, the department has a
            # record with this decision number already).
            reason = " ".join(getattr(error, "messages", [str(error)]))
            return ItemResult(0, STAGED, document, item.pk, reason=reason)
        return ItemResult(0, ACCEPTED, document, item.pk)
    return ItemResult(0, STAGED, document, item.pk)


def _locked(item: IntakeItem) -> IntakeItem:
    return (
        IntakeItem.objects.select_for_update(of=("self",))
        .select_related("source", "department__region")
        .get(pk=item.pk)
    )


def _penalty_record(item: IntakeItem, actor) -> object:
    from .records import record_create

    values, _errors = formats.clean_item(IntakeKind.PENALTY, item.payload)
    facts = "\n".join(
        part
        for part in (
            values.get("violation_facts", ""),
            _("Legal basis: %(basis)s") % {"basis": values.get("legal_basis", "")},
            _("Penalty: %(category)s; %(content)s")
            % {
                "category": values.get("penalty_category", ""),
                "content": values.get("penalty_content", ""),
            },
        )
        if part
    )
    return record_create(
        actor=actor,
        department=item.department,
        category=RecordCategory.ADMINISTRATIVE_PENALTY,
        severity=PENALTY_SEVERITY,
        decision_number=item.document_number,
        issuing_authority=values.get("authority", ""),
        decision_date=values["decision_date"],
        facts=facts,
        internal_notes=intake_note(item),
        source=RecordSource.INTAKE,
    )


def intake_note(item: IntakeItem) -> str:
    """The note a record drafted from an item keeps: where it came from, for audit (the raw
    payload stays on the item, linked from the record)."""
    return _("From intake source %(source)s, document %(document)s, item #%(item)d.") % {
        "source": item.source.name,
        "document": item.document_number,
        "item": item.pk,
    }


@transaction.atomic
def intake_item_accept(*, item: IntakeItem, actor: User | None) -> IntakeItem:
    """Accept a matched item: a penalty becomes a draft dishonesty record, a court notice
    moves its court case (``court_cases``), a trading-platform item goes to the handler the
    procurement app registered (a red flag against the purchaser)."""
    from . import court_cases, intake_handlers

    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, IntakeItem, item.pk)
    item = _locked(item)
    if item.status != IntakeStatus.STAGED:
        raise WorkflowConflict(
            _("Only a matched item waiting for a decision can be accepted; this one is %(s)s.")
            % {"s": item.get_status_display()}
        )
    if item.kind == IntakeKind.PENALTY:
        item.record = _penalty_record(item, actor)
        item.outcome = _("Draft record %(number)s") % {"number": item.record.decision_number}
    elif item.kind == IntakeKind.COURT_CASE:
        item.record, item.outcome = court_cases.court_notice_apply(item=item, actor=actor)
    else:
        item.outcome = intake_handlers.handle(item, actor=actor)
    item.status = IntakeStatus.ACCEPTED
    item.decided_by = actor
    item.decided_at = timezone.now()
    save_with_history(item, actor=actor, reason=_("Accepted"))
    return item


@transaction.atomic
def intake_item_reject(*, item: IntakeItem, actor: User | None, reason: str) -> IntakeItem:
    """Reject an item waiting in the queue (matched or not), with the reasons."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, IntakeItem, item.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reasons for rejecting this item.")})
    item = _locked(item)
    if item.status not in (IntakeStatus.STAGED, IntakeStatus.UNMATCHED):
        raise WorkflowConflict(_("This item has been decided already."))
    item.status = IntakeStatus.REJECTED
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.decision_reason = reason
    save_with_history(item, actor=actor, reason=_("Rejected"))
    return item


@transaction.atomic
def intake_item_match(
    *, item: IntakeItem, actor: User | None, department: Department
) -> IntakeItem:
    """Match an unmatched item to a department by hand (both in the official's scope); it then
    waits for a decision like any matched item."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, IntakeItem, item.pk)
        ensure_in_scope(actor, Department, department.pk)
    item = _locked(item)
    if item.status != IntakeStatus.UNMATCHED:
        raise WorkflowConflict(_("Only an unmatched item can be matched by hand."))
    item.department = department
    item.region = department.region
    item.status = IntakeStatus.STAGED
    item.problem = ""
    save_with_history(
        item, actor=actor, reason=_("Matched to %(name)s") % {"name": department.name}
    )
    return item
