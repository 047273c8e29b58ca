"""The formats of incoming items, one table per kind: each field's key (the JSON key and the
file's column), its Chinese label (a file's header may use either), whether it is required and
its type. ``clean_item`` turns one received item into clean values or the reasons it is
refused; pure functions, no database.

Administrative penalties follow the national 双公示 administrative-penalty data standard's
field list (行政相对人名称 … 数据来源单位). The keys are English snake_case with the standard's
Chinese label beside each: the standard's own abbreviated keys differ between its versions and
between provincial platforms, so a source maps its names to these (docs/exchange.md).

A bad field (missing, malformed date or amount, unknown notice type) refuses the item. An
invalid or unknown credit code does not: the item is staged as "unmatched" for an official to
match by hand (``services.intake``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import IntakeKind

TEXT, DATE, AMOUNT, CHOICE = "text", "date", "amount", "choice"


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the standard's Chinese name: also accepted as a file's column header
    required: bool = True
    type: str = TEXT
    max_length: int = 2000
    choices: tuple = ()


PENALTY_FIELDS = (
    Field("subject_name", "行政相对人名称", max_length=200),
    Field("subject_category", "行政相对人类别", required=False, max_length=50),
    Field("subject_uscc", "统一社会信用代码", max_length=40),
    Field("legal_representative", "法定代表人", required=False, max_length=100),
    Field("document_number", "行政处罚决定书文号", max_length=100),
    Field("violation_type", "违法行为类型", max_length=200),
    Field("violation_facts", "违法事实"),
    Field("legal_basis", "处罚依据"),
    Field("penalty_category", "处罚类别", max_length=200),
    Field("penalty_content", "处罚内容"),
    Field("fine_amount", "罚款金额（万元）", required=False, type=AMOUNT),
    Field(
        "confiscated_amount",
        "没收违法所得、没收非法财物的金额（万元）",
        required=False,
        type=AMOUNT,
    ),
    Field("licence_affected", "暂扣或吊销证照名称及编号", required=False, max_length=200),
    Field("decision_date", "处罚决定日期", type=DATE),
    Field("valid_until", "处罚有效期", required=False, type=DATE),
    Field("publicity_until", "公示截止期", required=False, type=DATE),
    Field("authority", "处罚机关", max_length=200),
    Field("authority_uscc", "处罚机关统一社会信用代码", required=False, max_length=40),
    Field("data_source", "数据来源单位", max_length=200),
    Field("data_source_uscc", "数据来源单位统一社会信用代码", required=False, max_length=40),
    Field("remarks", "备注", required=False),
)

NOTICE_PRE_LISTING, NOTICE_LISTED, NOTICE_DELISTED = "pre_listing", "listed", "delisted"
NOTICE_TYPES = {
    NOTICE_PRE_LISTING: gettext_lazy("About to be listed (pre-listing warning)"),
    NOTICE_LISTED: gettext_lazy("Listed as dishonest judgment debtor"),
    NOTICE_DELISTED: gettext_lazy("Delisted"),
}

COURT_CASE_FIELDS = (
    Field("notice_number", "通知文书号", max_length=100),
    Field("notice_type", "通知类型", type=CHOICE, choices=tuple(NOTICE_TYPES)),
    Field("case_number", "执行案号", max_length=100),
    Field("court", "执行法院", max_length=200),
    Field("subject_name", "被执行人名称", max_length=200),
    Field("subject_uscc", "被执行人统一社会信用代码", max_length=40),
    Field("creditor", "申请执行人", required=False, max_length=200),
    Field("amount", "执行标的（元）", required=False, type=AMOUNT),
    Field("notice_date", "通知日期", type=DATE),
    Field("facts", "失信情形", required=False),
)

TRADING_FIELDS = (
    Field("document_number", "处理决定文号", max_length=100),
    Field("subject_name", "采购人（招标人）名称", max_length=200),
    Field("subject_uscc", "统一社会信用代码", max_length=40),
    Field("project_code", "项目编号", required=False, max_length=100),
    Field("project_name", "项目名称", required=False, max_length=200),
    Field("violation_type", "违法违规行为", max_length=200),
    Field("penalty_content", "处理结果"),
    Field("decision_date", "处理决定日期", type=DATE),
    Field("authority", "处理机关", max_length=200),
    Field("platform", "交易平台", required=False, max_length=200),
)

FIELDS = {
    IntakeKind.PENALTY: PENALTY_FIELDS,
    IntakeKind.COURT_CASE: COURT_CASE_FIELDS,
    IntakeKind.TRADING: TRADING_FIELDS,
}
# The field whose value is the item's document number (what a repeat is recognised by).
DOCUMENT_KEY = {
    IntakeKind.PENALTY: "document_number",
    IntakeKind.COURT_CASE: "notice_number",
    IntakeKind.TRADING: "document_number",
}
# The date an item's record is decided on.
DATE_KEY = {
    IntakeKind.PENALTY: "decision_date",
    IntakeKind.COURT_CASE: "notice_date",
    IntakeKind.TRADING: "decision_date",
}
# The most items one push or one pulled page may carry.
MAX_BATCH = 5000


def column_keys(kind: str) -> dict[str, str]:
    """A file's header (key or Chinese label) -> the field's key."""
    mapping = {}
    for field in FIELDS[kind]:
        mapping[field.key] = field.key
        mapping[field.label] = field.key
    return mapping


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    return datetime.date.fromisoformat(text[:10])


def _amount(value) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    amount = Decimal(str(value).strip().replace(",", ""))
    if not amount.is_finite() or amount < 0:
        raise InvalidOperation
    return amount


def clean_item(kind: str, raw) -> tuple[dict, dict[str, str]]:
    """(clean values, errors by field key) of one received item. Unknown keys are kept in the
    payload but not read; empty optional fields are left out."""
    if not isinstance(raw, dict):
        return {}, {"item": _("An item must be an object of fields.")}
    if _holds_nul(raw):
        # No database keeps a NUL character in text: refused, never a server error.
        return {}, {"item": _("An item may not contain NUL characters.")}
    values, errors = {}, {}
    for field in FIELDS[kind]:
        value = raw.get(field.key)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if field.required:
                errors[field.key] = _("%(label)s is required.") % {"label": field.label}
            continue
        try:
            if field.type == DATE:
                value = _date(value)
            elif field.type == AMOUNT:
                value = _amount(value)
            elif field.type == CHOICE:
                if value not in field.choices:
                    raise ValueError
            elif not isinstance(value, str | int):
                raise TypeError
            else:
                value = str(value)
                if len(value) > field.max_length:
                    errors[field.key] = _("%(label)s is longer than %(limit)d characters.") % {
                        "label": field.label,
                        "limit": field.max_length,
                    }
                    continue
        except (ValueError, TypeError, InvalidOperation):
            errors[field.key] = _invalid(field)
            continue
        values[field.key] = value
    return values, errors


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _invalid(field: Field) -> str:
    if field.type == DATE:
        return _("%(label)s is not a date (YYYY-MM-DD).") % {"label": field.label}
    if field.type == AMOUNT:
        return _("%(label)s is not an amount.") % {"label": field.label}
    if field.type == CHOICE:
        return _("%(label)s must be one of: %(choices)s.") % {
            "label": field.label,
            "choices": ", ".join(field.choices),
        }
    return _("%(label)s must be text.") % {"label": field.label}


def as_json(values: dict) -> dict:
    """Clean values as JSON (dates ISO, amounts as strings): the payload kept for audit."""
    return {
        key: value.isoformat()
        if isinstance(value, datetime.date)
        else str(value)
        if isinstance(value, Decimal)
        else value
        for key, value in values.items()
    }
