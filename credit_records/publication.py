"""What the public sees of a dishonesty record: one representation, ``PublicRecord``, for the
public pages, their CSV and JSON exports and the public API.

A public page never receives a ``DishonestyRecord``: it receives ``PublicRecord`` objects,
which hold the fields the disclosure rules allow and nothing else. Internal notes, evidence,
fault-tolerance claims, who entered or reviewed what, and the officials' employee numbers
and full names are not among them, so no template or export can show them by mistake.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.exports import Column
from core.models import RegionLevel

from .models import RECTIFYING_STATUSES, DishonestyRecord


def mask_name(name: str) -> str:
    """A civil servant's name as the public may read it: the first and the last character,
    one ``*`` for everything between (张晓明 → 张*明, 欧阳晓明 → 欧*明), so the length of the
    name is not shown either. A two-character name keeps its first (张明 → 张*); a single
    character is hidden entirely."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}*{name[-1]}"


def region_label(region) -> str:
    """A county with its city (there is a 鼓楼区 in Nanjing and one in Xuzhou)."""
    if region.level == RegionLevel.COUNTY and region.parent_id:
        return f"{region.parent.name} {region.name}"
    return region.name


@dataclass(frozen=True)
class PublicRecord:
    pk: int
    decision_number: str
    department_name: str
    department_uscc: str
    region_code: str
    region_name: str
    category: str
    category_label: str
    severity: str
    severity_label: str
    status: str
    status_label: str
    issuing_authority: str
    decision_date: datetime.date
    minimum_period_ends: datetime.date
    disclosure_ends: datetime.date
    facts: str
    officials: tuple[str, ...]
    rectification_deadline: datetime.date | None
    rectification_verified_on: datetime.date | None
    rectification_overdue: bool
    # The department's objection to the record is under review (异议处理中).
    objection_pending: bool = False

    def as_dict(self, *, url: str = "", department_url: str = "") -> dict:
        """The JSON form (public API and JSON export); keys are stable, labels follow the
        request's language."""
        return {
            "id": self.pk,
            "url": url,
            "decision_number": self.decision_number,
            "department": self.department_name,
            "department_uscc": self.department_uscc,
            "department_url": department_url,
            "region_code": self.region_code,
            "region": self.region_name,
            "category": self.category,
            "category_label": self.category_label,
            "severity": self.severity,
            "severity_label": self.severity_label,
            "status": self.status,
            "status_label": self.status_label,
            "issuing_authority": self.issuing_authority,
            "decision_date": self.decision_date.isoformat(),
            "minimum_period_ends": self.minimum_period_ends.isoformat(),
            "disclosure_ends": self.disclosure_ends.isoformat(),
            "facts": self.facts,
            "responsible_officials": list(self.officials),
            "rectification_deadline": _iso(self.rectification_deadline),
            "rectification_verified_on": _iso(self.rectification_verified_on),
            "rectification_overdue": self.rectification_overdue,
            "objection_pending": self.objection_pending,
        }


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def public_record(record: DishonestyRecord) -> PublicRecord:
    """The public representation of a published record (``selectors.public_record_queryset``
    loads everything this reads, so it makes no query)."""
    from django.utils import timezone

    department = record.department
    region = department.region
    rectification = getattr(record, "rectification", None)
    verified_at = rectification.verified_at if rectification is not None else None
    deadline = rectification.deadline if rectification is not None else None
    return PublicRecord(
        pk=record.pk,
        decision_number=record.decision_number,
        department_name=department.name,
        department_uscc=department.uscc,
        region_code=region.code,
        region_name=region_label(region),
        category=record.category,
        category_label=str(record.get_category_display()),
        severity=record.severity,
        severity_label=str(record.get_severity_display()),
        status=record.status,
        status_label=str(record.get_status_display()),
        issuing_authority=record.issuing_authority,
        decision_date=record.decision_date,
        minimum_period_ends=record.minimum_period_ends,
        disclosure_ends=record.disclosure_ends,
        facts=record.facts,
        officials=tuple(mask_name(official.name) for official in record.officials.all()),
        rectification_deadline=deadline,
        rectification_verified_on=timezone.localdate(verified_at) if verified_at else None,
        rectification_overdue=bool(
            deadline and record.status in RECTIFYING_STATUSES and deadline < timezone.localdate()
        ),
        objection_pending=bool(getattr(record, "objection_pending", False)),
    )


def public_csv_columns(
    record_url: Callable[[PublicRecord], str],
) -> list[Column]:
    """The columns of the public CSV export, one per public field."""
    return [
        Column(_("Decision number"), lambda r: r.decision_number),
        Column(_("Department"), lambda r: r.department_name),
        Column(_("Unified social credit code"), lambda r: r.department_uscc),
        Column(_("Region"), lambda r: r.region_name),
        Column(_("Region code"), lambda r: r.region_code),
        Column(_("Category"), lambda r: r.category_label),
        Column(_("Severity"), lambda r: r.severity_label),
        Column(_("Status"), lambda r: r.status_label),
        Column(_("Issuing authority"), lambda r: r.issuing_authority),
        Column(_("Decision date"), lambda r: r.decision_date),
        Column(_("Credit repair possible from"), lambda r: r.minimum_period_ends),
        Column(_("Disclosure ends on"), lambda r: r.disclosure_ends),
        Column(_("Responsible officials"), lambda r: "、".join(r.officials)),
        Column(_("Rectification deadline"), lambda r: r.rectification_deadline),
        Column(_("Rectification verified on"), lambda r: r.rectification_verified_on),
        Column(_("Overdue"), lambda r: r.rectification_overdue),
        Column(_("Objection under review"), lambda r: r.objection_pending),
        Column(_("Facts"), lambda r: r.facts),
        Column(_("Link"), record_url),
    ]


@dataclass(frozen=True)
class PublicCommendation:
    title: str
    level_label: str
    issuing_authority: str
    date: datetime.date
    honoree: str  # the department's name, or the official's masked name


def public_commendation(commendation) -> PublicCommendation:
    official = commendation.official
    return PublicCommendation(
        title=commendation.title,
        level_label=str(commendation.get_level_display()),
        issuing_authority=commendation.issuing_authority,
        date=commendation.date,
        honoree=mask_name(official.name) if official else commendation.department.name,
    )
