"""Demo government agreements and arrears for ``make run``: an obligation kept on time, one
kept late, one due soon (a reminder), one awaiting its condition, one overdue and flagged,
one overdue after the department's head changed (新官不理旧账), one confirmed into a violation
with a draft dishonesty record; arrears in every ageing bucket, a repayment plan with a paid,
an overdue (flagged) and a coming instalment, an individual business, and a baseline per city.

Idempotent: an agreement found by (department, number), an arrears item by (department,
reference) is left as it is. Dates are relative to the day of the first run.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.models import Department, Region
from core.uscc import make_uscc

from . import services
from .demo import demo_supplier_uscc
from .models import (
    Agreement,
    ArrearsBaseline,
    ArrearsItem,
    FlagRule,
    FlagStatus,
    Obligation,
    ObligationEvent,
    RedFlag,
)


def _days(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


# department, number, kind, title, enterprise, region of the enterprise, SME, signed (days ago),
# obligations: (description, amount or None, due (days ago; negative: ahead) or None,
# condition, paid or done (days ago) or None)
AGREEMENTS = [
    (
        "南京市发展和改革委员会",
        "NJFG-XY-2025-01",
        "investment",
        "新能源电池项目招商引资协议",
        "南京锂电新能源科技有限公司",
        "320100",
        True,
        300,
        [
            ("兑现落户奖励资金", "2000000", 120, "", 125),
            ("兑现设备购置补贴", "1500000", -5, "", None),
            ("返还土地出让金", "800000", None, "企业竣工投产", None),
            ("协调办理用电增容", None, 200, "", 190),
        ],
    ),
    (
        "南京市江宁区住房和城乡建设局",
        "JNZJ-GC-2024-07",
        "construction",
        "保障性住房配套道路工程施工合同",
        "江苏恒通建设工程有限公司",
        "320100",
        False,
        420,
        [("支付工程进度款", "3600000", 30, "", None)],
    ),
    (
        "苏州市住房和城乡建设局",
        "SZZJ-PPP-2023-02",
        "ppp",
        "城市污水处理特许经营协议",
        "苏州水务环境工程有限公司",
        "320500",
        True,
        700,
        [
            ("支付可行性缺口补助（第一年）", "5200000", 200, "", None),
            ("支付可行性缺口补助（第二年）", "5200000", 20, "", 2),
        ],
    ),
    (
        "南京市财政局",
        "NJCZ-GM-2025-03",
        "services",
        "财政票据电子化服务采购协议",
        "南京智联信息技术有限公司",
        "320100",
        True,
        200,
        [("支付服务费", "360000", 60, "", 50)],
    ),
]

# department, reference, kind, description, enterprise, region, SME, individual, amount,
# due (days ago), plan: [(due days ago (negative: ahead), amount, paid days ago or None)]
ARREARS = [
    (
        "南京市交通运输局",
        "NJJT-QK-001",
        "construction",
        "农村公路改造工程尾款",
        "南京通达路桥工程有限公司",
        "320100",
        True,
        False,
        "1200000",
        400,
        [(60, "400000", 58), (10, "400000", None), (-20, "400000", None)],
    ),
    (
        "南京市鼓楼区教育局",
        "GLJY-QK-003",
        "goods",
        "校服采购货款",
        "王记服装店",
        "320100",
        True,
        True,
        "86000",
        45,
        [],
    ),
    (
        "南京市玄武区人民政府",
        "XWQ-QK-010",
        "services",
        "物业服务费",
        "南京安居物业管理有限公司",
        "320100",
        False,
        False,
        "240000",
        150,
        [],
    ),
    (
        "苏州市姑苏区人民政府",
        "GSQ-QK-002",
        "construction",
        "古城保护修缮工程款",
        "苏州古建园林工程有限公司",
        "320500",
        True,
        False,
        "950000",
        250,
        [],
    ),
    (
        "苏州市财政局",
        "SZCZ-QK-005",
        "services",
        "审计服务费",
        "苏州工程监理咨询有限公司",
        "320500",
        True,
        False,
        "200000",
        20,
        [(5, "120000", 5)],
    ),
]

VIOLATION_NUMBER = "苏信办〔{year}〕8号"


def _change_heads() -> None:
    """The 江宁 housing bureau's head changed after its road contract was signed and before
    the progress payment fell due: the old head signed, the new one let it fall overdue."""
    department = Department.objects.filter(name="南京市江宁区住房和城乡建设局").first()
    if department is None or department.head_since == _days(60):
        return
    department.head_name = "陈建华"
    department.head_since = _days(900)
    department.save()
    department.head_name = "刘志远"
    department.head_since = _days(60)
    department.save()


def _agreements(departments) -> int:
    created = 0
    for name, number, kind, title, enterprise, region, sme, signed, obligations in AGREEMENTS:
        department = departments.get(name)
        if (
            department is None
            or Agreement.objects.filter(department=department, number=number).exists()
        ):
            continue
        agreement = services.agreement_save(
            actor=None,
            agreement=Agreement(
                department=department,
                kind=kind,
                number=number,
                title=title,
                counterparty_name=enterprise,
                counterparty_uscc=demo_supplier_uscc(enterprise, region),
                counterparty_is_sme=sme,
                signed_date=_days(signed),
            ),
        )
        for description, amount, due, condition, done in obligations:
            obligation = services.obligation_save(
                actor=None,
                obligation=Obligation(
                    agreement=agreement,
                    description=description,
                    amount=Decimal(amount) if amount else None,
                    agreed_due_date=_days(due) if due is not None else None,
                    condition=condition,
                    days_after_condition=30 if condition else 0,
                ),
            )
            if done is not None:
                services.obligation_event_record(
                    actor=None,
                    event=ObligationEvent(
                        obligation=obligation,
                        date=_days(done),
                        description=description,
                        amount=Decimal(amount) if amount else None,
                        completes=amount is None,
                    ),
                )
        created += 1
    return created


def _arrears(departments) -> int:
    created = 0
    for spec in ARREARS:
        name, reference, kind, description, enterprise, region, sme, individual = spec[:8]
        amount, due, plan = spec[8:]
        department = departments.get(name)
        if (
            department is None
            or ArrearsItem.objects.filter(department=department, reference=reference).exists()
        ):
            continue
        code = demo_supplier_uscc(enterprise, region)
        if individual:
            code = make_uscc(prefix="92", region_code=region, identifier=code[8:16])
        item = services.arrears_item_save(
            actor=None,
            item=ArrearsItem(
                department=department,
                reference=reference,
                kind=kind,
                description=description,
                creditor_name=enterprise,
                creditor_uscc=code,
                creditor_is_sme=sme,
                amount=Decimal(amount),
                due_date=_days(due),
            ),
        )
        if plan:
            instalments = services.repayment_plan_set(
                actor=None,
                item=item,
                agreed_on=_days(max(d for d, _a, _p in plan) + 10),
                instalments=[(_days(d), Decimal(a)) for d, a, _p in plan],
            )
            for instalment, (_d, _a, paid) in zip(instalments, plan, strict=True):
                if paid is not None:
                    services.instalment_pay(actor=None, instalment=instalment, paid_on=_days(paid))
        created += 1
    return created


def seed_agreements() -> dict[str, int]:
    names = {spec[0] for spec in AGREEMENTS} | {spec[0] for spec in ARREARS}
    departments = {d.name: d for d in Department.objects.filter(name__in=names)}
    if not departments:
        return {"agreements": 0, "arrears": 0}
    _change_heads()
    created = {"agreements": _agreements(departments), "arrears": _arrears(departments)}
    start_of_year = timezone.localdate().replace(month=1, day=1)
    for code, amount in (("320100", "2600000"), ("320500", "1500000")):
        region = Region.objects.filter(code=code).first()
        if region is not None:
            ArrearsBaseline.objects.get_or_create(
                region=region,
                as_of=start_of_year,
                defaults={"amount": Decimal(amount), "note": "清欠专项行动基数"},
            )
    services.obligations_scan()
    services.instalments_scan()
    # One overdue obligation confirmed: the PPP subsidy two hundred days late.
    flag = (
        RedFlag.objects.filter(
            rule=FlagRule.OBLIGATION_OVERDUE,
            status=FlagStatus.OPEN,
            obligation__agreement__number="SZZJ-PPP-2023-02",
            obligation__fulfilled_on__isnull=True,
        )
        .select_related("purchaser")
        .first()
    )
    if flag is not None:
        services.flag_confirm(
            actor=None,
            flag=flag,
            severity="serious",
            decision_number=VIOLATION_NUMBER.format(year=timezone.localdate().year),
            issuing_authority="苏州市社会信用体系建设领导小组办公室",
            decided_on=timezone.localdate() - datetime.timedelta(days=3),
        )
    return created
