"""Domain rules with numbers in them, in one place (BRIEF.md names their sources).

Disclosure periods follow the NDRC credit-repair measures: minor records normally are not
published (at most 3 months), general ones at least 3 months and at most 1 year, serious ones
at least 1 year and at most 3 years, all counted from the decision date.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import Severity


@dataclass(frozen=True)
class DisclosurePeriod:
    minimum_months: int
    maximum_months: int
    published_by_default: bool


DISCLOSURE_PERIODS = {
    Severity.MINOR: DisclosurePeriod(0, 3, published_by_default=False),
    Severity.GENERAL: DisclosurePeriod(3, 12, published_by_default=True),
    Severity.SERIOUS: DisclosurePeriod(12, 36, published_by_default=True),
}


def disclosure_window(severity: str, decision_date: datetime.date) -> tuple[datetime.date, ...]:
    """(minimum period ends, disclosure ends): the first day on which credit repair may be
    applied for, and the first day on which the record is no longer public."""
    period = DISCLOSURE_PERIODS[Severity(severity)]
    return (
        decision_date + relativedelta(months=period.minimum_months),
        decision_date + relativedelta(months=period.maximum_months),
    )


def honours_restriction_months(severity: str, extended: bool = False) -> int:
    """How long after closing a record keeps its department out of honours: the severity's
    minimum disclosure period, plus the extension the escalation ladder's last step adds."""
    months = DISCLOSURE_PERIODS[Severity(severity)].minimum_months
    return months + (settings.CHENGXIN_HONOURS_EXTENSION_MONTHS if extended else 0)


def honours_restricted_until(
    severity: str, closed_on: datetime.date, extended: bool = False
) -> datetime.date:
    return closed_on + relativedelta(months=honours_restriction_months(severity, extended))


def default_rectification_deadline(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=settings.CHENGXIN_RECTIFICATION_DAYS)


def is_working_day(day: datetime.date, exceptions: dict | None = None) -> bool:
    """Working status of ``day``: the calendar's row if it has one (holidays, weekends,
    调休 working weekends), else Monday to Friday."""
    if exceptions is None:
        from .models import CalendarDay

        exceptions = dict(
            CalendarDay.objects.filter(date=day).values_list("date", "is_working_day")
        )
    return exceptions.get(day, day.weekday() < 5)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day ``days`` working days after ``start``, by the working-day calendar."""
    from .models import CalendarDay

    # Holidays rarely stretch a period beyond three times its length; widen if they do.
    span = max(days * 3 + 14, 30)
    while True:
        exceptions = dict(
            CalendarDay.objects.filter(
                date__gt=start, date__lte=start + datetime.timedelta(days=span)
            ).values_list("date", "is_working_day")
        )
        current, remaining = start, days
        while remaining > 0 and current < start + datetime.timedelta(days=span):
            current += datetime.timedelta(days=1)
            if is_working_day(current, exceptions):
                remaining -= 1
        if remaining == 0:
            return current
        span *= 2


# Evidence files: what we accept, recognised by their first bytes, not only by their name.
ATTACHMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".ofd": (b"PK\x03\x04",),
}
ATTACHMENT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ofd": "application/ofd",
}


def validate_attachment(uploaded) -> str:
    """Check an uploaded evidence file; returns the content type to store."""
    from pathlib import Path

    suffix = Path(uploaded.name or "").suffix.lower()
    if suffix not in ATTACHMENT_SIGNATURES:
        raise ValidationError(
            _("“%(name)s”: only %(types)s files are accepted."),
            code="attachment_type",
            params={
                "name": uploaded.name,
                "types": "、".join(sorted(s.lstrip(".").upper() for s in ATTACHMENT_SIGNATURES)),
            },
        )
    limit = settings.CHENGXIN_ATTACHMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s."),
            code="attachment_size",
            params={
                "name": uploaded.name,
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(limit),
            },
        )
    if uploaded.size == 0:
        raise ValidationError(
            _("“%(name)s” is empty."), code="attachment_empty", params={"name": uploaded.name}
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if not head.startswith(ATTACHMENT_SIGNATURES[suffix]) or not _zip_package_is(
        uploaded, ATTACHMENT_PACKAGE_MEMBERS.get(suffix)
    ):
        raise ValidationError(
            _("“%(name)s” is not really a %(type)s file."),
            code="attachment_content",
            params={"name": uploaded.name, "type": suffix.lstrip(".").upper()},
        )
    return ATTACHMENT_CONTENT_TYPES[suffix]


# Office and OFD documents are ZIP packages: any ZIP archive starts with the same four bytes,
# so the package must also hold the part that makes it that kind of document.
ATTACHMENT_PACKAGE_MEMBERS = {
    ".docx": ("[Content_Types].xml", "word/document.xml"),
    ".xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    ".ofd": ("OFD.xml",),
}


def _zip_package_is(uploaded, members) -> bool:
    """Whether ``uploaded`` is a readable ZIP holding all of ``members`` (True when there are
    no members to look for, i.e. the format is not a ZIP package)."""
    import zipfile

    if not members:
        return True
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        uploaded.seek(0)
    return all(member in names for member in members)


# Spreadsheet imports (the admin's import page): the chosen format's content, whatever the name.
EXECUTABLE_OR_DOCUMENT_SIGNATURES = (
    b"MZ",  # Windows executables
    b"\x7fELF",
    b"\xca\xfe\xba\xbe",  # Mach-O and Java classes
    b"#!",
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
)
IMPORT_PACKAGE_MEMBERS = {
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "ods": ("mimetype", "content.xml"),
}


def validate_import_file(uploaded, extension: str) -> None:
    """Refuse an import file whose content is not of the chosen ``extension``'s format: a
    workbook must be a real workbook package, and a text format (CSV, TSV, JSON, YAML) plain
    text rather than HTML, a program or some other binary file renamed."""
    uploaded.seek(0)
    head = uploaded.read(4096)
    uploaded.seek(0)
    extension = extension.lower().lstrip(".")
    if extension in IMPORT_PACKAGE_MEMBERS:
        valid = head.startswith(b"PK\x03\x04") and _zip_package_is(
            uploaded, IMPORT_PACKAGE_MEMBERS[extension]
        )
    elif extension == "xls":
        valid = head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    else:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        valid = (
            b"\x00" not in head
            and not text.startswith(EXECUTABLE_OR_DOCUMENT_SIGNATURES)
            and not text.startswith(b"<")
        )
    if not valid:
        raise ValidationError(
            _("“%(name)s” is not really a %(type)s file."),
            code="import_content",
            params={"name": uploaded.name, "type": extension.upper()},
        )


# The permissions each record action needs, keyed by the action's name in the workspace
# (``/workspace/records/<pk>/<action>/``). The pages and the API both read this table: a role
# that could not submit an action is refused it (403) before any state is looked at.
RECORD_ACTION_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "confirm": ("credit_records.change_dishonestyrecord",),
    "require-rectification": ("credit_records.change_dishonestyrecord",),
    "submit-explanation": ("credit_records.add_rectificationreport",),
    "submit-report": ("credit_records.add_rectificationreport",),
    "verify": ("credit_records.change_dishonestyrecord",),
    "return": ("credit_records.change_dishonestyrecord",),
    "close": ("credit_records.change_dishonestyrecord",),
    "extend-deadline": ("credit_records.add_deadlineextension",),
    "claim-fault-tolerance": ("credit_records.add_faulttoleranceclaim",),
    "apply-credit-repair": ("credit_records.add_creditrepairapplication",),
    "add-evidence": ("credit_records.add_attachment",),
}
