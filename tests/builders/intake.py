"""Intake test data: sources and items in the exchange formats (docs/exchange.md)."""

from credit_records.models import IntakeKind, IntakeSource


def make_source(code="provincial-platform", kind=IntakeKind.PENALTY, **fields) -> IntakeSource:
    fields.setdefault("name", f"来源{code}")
    return IntakeSource.objects.create(code=code, kind=kind, **fields)


def penalty_item(number: int | str, uscc: str, **overrides) -> dict:
    item = {
        "subject_name": "南京市某局",
        "subject_uscc": uscc,
        "document_number": f"宁市监罚〔2026〕{number}号",
        "violation_type": "违反政府采购规定",
        "violation_facts": "未按合同约定期限支付中小企业款项。",
        "legal_basis": "《保障中小企业款项支付条例》第八条",
        "penalty_category": "警告",
        "penalty_content": "警告并责令改正",
        "decision_date": "2026-03-02",
        "authority": "南京市市场监督管理局",
        "data_source": "江苏省公共信用信息中心",
    }
    item.update(overrides)
    return item


def court_item(notice: str, case_number: str, uscc: str, notice_date: str, **overrides) -> dict:
    item = {
        "notice_number": f"{case_number}-{notice}",
        "notice_type": notice,
        "case_number": case_number,
        "court": "南京市玄武区人民法院",
        "subject_name": "南京市某局",
        "subject_uscc": uscc,
        "creditor": "某建设有限公司",
        "amount": "1250000.00",
        "notice_date": notice_date,
    }
    item.update(overrides)
    return item
