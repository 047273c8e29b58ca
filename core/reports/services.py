"""Issuing and verifying credit reports.

A report is rendered once, for one request, and never again: the register (``IssuedReport``)
keeps its verification code and the SHA-256 of the exact bytes handed out. Verification by
code says what was issued (subject, issue date, validity, variant); verification by file
recomputes the SHA-256, so a file changed by a single byte is not genuine.

The rules (发改财金〔2025〕565号, special credit reports in place of certificates of no
violation): the subject chooses the period, at most five years, and the areas (sections);
repaired items are marked as such; a report is valid for a limited time
(``CHENGXIN_REPORT_VALID_MONTHS``, three months by default).
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Department, IssuedReport, ReportPurpose, ReportVariant

from .pdf import CoverPage, render_report
from .sections import ReportRequest, available_sections, build_sections

# 发改财金〔2025〕565号: the subject may choose a period of up to five years.
MAX_PERIOD_YEARS = 5
# Crockford's base32 without the letters read as digits (I, L, O) or as a word (U): 20
# characters are 100 bits, so guessing a valid code is infeasible even before the rate
# limit on the verification page.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20
CODE_GROUP = 5


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalize_code(text: str) -> str:
    """A code as typed (any case, spaces or dashes anywhere, O for 0, I or L for 1) in its
    stored form; "" when it cannot be one."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    raw = raw.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return ""
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def period_limit_start(period_end: datetime.date) -> datetime.date:
    """The earliest start a period ending on ``period_end`` may have (five years)."""
    return period_end - relativedelta(years=MAX_PERIOD_YEARS) + datetime.timedelta(days=1)


def validate_period(
    period_start: datetime.date, period_end: datetime.date, today: datetime.date
) -> None:
    """A period is at most five years long (发改财金〔2025〕565号), starts before it ends and
    does not end in the future."""
    errors = {}
    if period_end > today:
        errors["period_end"] = _("The period cannot end after today.")
    if period_start > period_end:
        errors["period_start"] = _("The period must not end before it starts.")
    elif period_start < period_limit_start(period_end):
        errors["period_start"] = _(
            "A credit report covers at most %(years)d years; choose a later start."
        ) % {"years": MAX_PERIOD_YEARS}
    if errors:
        raise ValidationError(errors)


def validate_sections(sections, *, public: bool) -> list[str]:
    allowed = [s.key for s in available_sections(public=public)]
    chosen = [key for key in allowed if key in set(sections or ())]
    unknown = sorted(set(sections or ()) - set(allowed))
    if unknown or not chosen:
        raise ValidationError(
            {"sections": _("Choose at least one of the report's sections.")}
            if not unknown
            else {"sections": _("Unknown section: %(name)s.") % {"name": ", ".join(unknown)}}
        )
    return chosen


def verify_url(code: str = "") -> str:
    """The absolute address of the verification page (with the code), for the QR code."""
    path = reverse("public:report_verify")
    base = settings.CHENGXIN_BASE_URL.rstrip("/")
    return f"{base}{path}?code={code}" if code else f"{base}{path}"


def report_number(report: IssuedReport) -> str:
    issued = timezone.localtime(report.issued_at)
    return f"XYBG{issued:%Y%m%d}{report.pk:07d}"


def region_label(region) -> str:
    """A county with its city (there is a 鼓楼区 in Nanjing and one in Xuzhou)."""
    if region.parent_id and region.parent and region.parent.parent_id:
        return f"{region.parent.name} {region.name}"
    return region.name


@dataclass
class Issued:
    report: IssuedReport
    content: bytes

    @property
    def filename(self) -> str:
        return f"credit-report-{self.report.department.uscc}-{self.report.code}.pdf"


def report_issue(
    *,
    department: Department,
    variant: str,
    period_start: datetime.date,
    period_end: datetime.date,
    sections: list[str],
    actor=None,
    purpose: str = ReportPurpose.PUBLIC,
    purpose_note: str = "",
    now: datetime.datetime | None = None,
) -> Issued:
    """Render the department's report and enter it in the register; returns the register
    entry and the PDF bytes (the only copy). The caller has checked that ``actor`` may see
    the department (``core.scope``); the public variant reads only published data."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    public = variant == ReportVariant.PUBLIC
    if public:
        purpose, purpose_note, actor = ReportPurpose.PUBLIC, "", None
    elif purpose not in ReportPurpose.values or purpose == ReportPurpose.PUBLIC:
        raise ValidationError({"purpose": _("Choose the purpose of the report.")})
    elif purpose == ReportPurpose.OTHER and not purpose_note.strip():
        raise ValidationError({"purpose_note": _("Say what the report is for.")})
    validate_period(period_start, period_end, today)
    chosen = validate_sections(sections, public=public)
    request = ReportRequest(department, period_start, period_end, public, today, actor)
    built = build_sections(request, chosen)
    months = settings.CHENGXIN_REPORT_VALID_MONTHS
    with transaction.atomic():
        report = IssuedReport.objects.create(
            code=new_code(),
            department=department,
            variant=variant,
            purpose=purpose,
            purpose_note=purpose_note.strip(),
            period_start=period_start,
            period_end=period_end,
            sections=chosen,
            issued_at=now,
            valid_until=today + relativedelta(months=months) - datetime.timedelta(days=1),
            issued_by=actor,
        )
        cover = CoverPage(
            department_name=department.name,
            uscc=department.uscc,
            region=region_label(department.region),
            period_start=period_start,
            period_end=period_end,
            issued_at=timezone.localtime(now),
            valid_until=report.valid_until,
            number=report_number(report),
            code=report.code,
            variant_label=str(report.get_variant_display()),
            purpose_label=_purpose_text(report),
            verify_url=verify_url(report.code),
        )
        content = render_report(cover, built)
        report.sha256 = hashlib.sha256(content).hexdigest()
        report.size = len(content)
        report.save(update_fields=["sha256", "size"])
    return Issued(report, content)


def _purpose_text(report: IssuedReport) -> str:
    label = str(report.get_purpose_display())
    return f"{label}：{report.purpose_note}" if report.purpose_note else label


# --- verification --------------------------------------------------------------------------


class Verdict:
    GENUINE = "genuine"
    EXPIRED = "expired"
    NOT_GENUINE = "not_genuine"


@dataclass
class Verification:
    verdict: str
    report: IssuedReport | None = None

    @property
    def genuine(self) -> bool:
        return self.verdict in (Verdict.GENUINE, Verdict.EXPIRED)


def _verdict(report: IssuedReport | None, today: datetime.date) -> Verification:
    if report is None:
        return Verification(Verdict.NOT_GENUINE)
    if report.expired(today):
        return Verification(Verdict.EXPIRED, report)
    return Verification(Verdict.GENUINE, report)


def _register():
    return IssuedReport.objects.select_related("department", "department__region__parent")


def report_verify_code(code: str, today: datetime.date | None = None) -> Verification:
    today = today or timezone.localdate()
    normalized = normalize_code(code)
    report = _register().filter(code=normalized).first() if normalized else None
    return _verdict(report, today)


def report_verify_file(content: bytes, today: datetime.date | None = None) -> Verification:
    """Genuine only when these exact bytes were issued: any change alters the SHA-256."""
    today = today or timezone.localdate()
    digest = hashlib.sha256(content).hexdigest()
    return _verdict(_register().filter(sha256=digest).first(), today)
