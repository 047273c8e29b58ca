"""Demo procurement for ``make run``: projects at every stage over the demo departments
(noticed, awarded, contracted, accepted, paid, paid late), the red flags they raise, and one
flag confirmed into a violation with its dishonesty record; then the government agreements
and arrears of ``demo_agreements``.

Idempotent: a project found by (purchaser, code) is left as it is, and the violation is
entered only once. Dates are relative to the day of the first run.
"""

import datetime
import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import Department
from core.uscc import USCC_ALPHABET, make_uscc
from credit_records.models import RecordStatus
from credit_records.services import record_confirm

from . import services
from .models import (
    Acceptance,
    AcceptanceResult,
    Contract,
    FlagRule,
    FlagStatus,
    Payment,
    ProcurementMethod,
    ProcurementProject,
    RedFlag,
    Supplier,
    Violation,
)

# (name, region code, SME)
SUPPLIERS = [
    ("南京智联信息技术有限公司", "320100", True),
    ("江苏恒通建设工程有限公司", "320100", False),
    ("苏州工程监理咨询有限公司", "320500", True),
    ("无锡长江办公设备有限公司", "320200", True),
    ("南京宏图安防科技有限公司", "320100", True),
]

M = ProcurementMethod


def _days(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


# Each project: purchaser, code, title, method, budget, days ago noticed, then optionally
# award (days ago, supplier, amount), contract (days ago signed, amount, supplementary, term,
# days ago filed), acceptance (days ago delivered, days ago accepted) and payments
# ((amount, days ago paid or None), ...).
PROJECTS = [
    {  # paid, the second instalment late: an SME paid 45 days after its due date
        "purchaser": "南京市财政局",
        "code": "NJCZ-CG-001",
        "title": "财政业务系统运维服务",
        "method": M.OPEN_TENDER,
        "budget": "1200000",
        "noticed": 200,
        "award": (170, "南京智联信息技术有限公司", "1150000"),
        "contract": (160, "1150000", "0", 30, 157),
        "acceptance": (100, 95),
        "payments": [("575000", 80), ("575000", 20)],
    },
    {  # accepted, an SME still unpaid past the 60-day cap (the contract agreed 90 days)
        "purchaser": "南京市财政局",
        "code": "NJCZ-CG-002",
        "title": "会计档案数字化加工",
        "method": M.COMPETITIVE_NEGOTIATION,
        "budget": "600000",
        "noticed": 150,
        "award": (130, "南京智联信息技术有限公司", "580000"),
        "contract": (120, "580000", "0", 90, 118),
        "acceptance": (110, 100),
        "payments": [("580000", None)],
    },
    {  # contracted late, above budget, not filed
        "purchaser": "南京市交通运输局",
        "code": "NJJT-CG-003",
        "title": "交通监控设备采购",
        "method": M.OPEN_TENDER,
        "budget": "800000",
        "noticed": 110,
        "award": (90, "江苏恒通建设工程有限公司", "860000"),
        "contract": (40, "860000", "0", None, None),
    },
    {  # noticed only
        "purchaser": "南京市政府采购中心",
        "code": "NJCG-CG-010",
        "title": "办公家具采购",
        "method": M.INQUIRY,
        "budget": "300000",
        "noticed": 20,
    },
    {  # awarded, within the signing period
        "purchaser": "南京市鼓楼区教育局",
        "code": "GLJY-CG-002",
        "title": "校园安防系统改造",
        "method": M.COMPETITIVE_CONSULTATION,
        "budget": "500000",
        "noticed": 30,
        "award": (12, "南京宏图安防科技有限公司", "480000"),
    },
    {  # accepted, a payment falling due in two days (a reminder goes out)
        "purchaser": "南京市江宁区住房和城乡建设局",
        "code": "JNZJ-CG-004",
        "title": "道路养护材料采购",
        "method": M.INQUIRY,
        "budget": "350000",
        "noticed": 70,
        "award": (50, "南京宏图安防科技有限公司", "340000"),
        "contract": (45, "340000", "0", 30, 42),
        "acceptance": (30, 28),
        "payments": [("340000", None)],
    },
    {  # paid on time, but supplementary contracts above 10%
        "purchaser": "苏州市住房和城乡建设局",
        "code": "SZZJ-CG-005",
        "title": "老旧小区改造监理服务",
        "method": M.OPEN_TENDER,
        "budget": "2000000",
        "noticed": 180,
        "award": (150, "苏州工程监理咨询有限公司", "1900000"),
        "contract": (140, "1900000", "250000", 30, 138),
        "acceptance": (70, 60),
        "payments": [("2150000", 40)],
    },
    # A purchaser leaning on single-source procurement this year.
    {
        "purchaser": "无锡市财政局",
        "code": "WXCZ-CG-001",
        "title": "预算管理一体化系统升级",
        "method": M.SINGLE_SOURCE,
        "budget": "900000",
        "noticed": 75,
        "award": (60, "南京智联信息技术有限公司", "900000"),
        "contract": (55, "900000", "0", 30, 52),
        "acceptance": (20, None),
    },
    {
        "purchaser": "无锡市财政局",
        "code": "WXCZ-CG-002",
        "title": "财政专网维护服务",
        "method": M.SINGLE_SOURCE,
        "budget": "400000",
        "noticed": 75,
        "award": (60, "南京智联信息技术有限公司", "400000"),
        "contract": (58, "400000", "0", 30, 56),
    },
    {
        "purchaser": "无锡市财政局",
        "code": "WXCZ-CG-003",
        "title": "办公设备采购",
        "method": M.OPEN_TENDER,
        "budget": "200000",
        "noticed": 80,
        "award": (60, "无锡长江办公设备有限公司", "195000"),
        "contract": (57, "195000", "0", 30, 55),
        "acceptance": (40, 38),
        "payments": [("195000", 20)],
    },
]

VIOLATION_NUMBER = "宁财采监〔{year}〕3号"


def demo_supplier_uscc(name: str, region_code: str) -> str:
    """A valid, stable code for a demo company: 91 (enterprise), the region, an
    organisation code from the name and both check characters (GB 11714 and GB 32100)."""
    digest = hashlib.sha256(name.encode()).digest()
    identifier = "".join(USCC_ALPHABET[byte % len(USCC_ALPHABET)] for byte in digest[:8])
    return make_uscc(prefix="91", region_code=region_code, identifier=identifier)


def _build(spec: dict, purchaser: Department, suppliers: dict[str, Supplier]) -> None:
    project = ProcurementProject(
        purchaser=purchaser,
        code=spec["code"],
        title=spec["title"],
        method=spec["method"],
        budget=Decimal(spec["budget"]),
        notice_date=_days(spec["noticed"]),
    )
    if "award" in spec:
        days, supplier, amount = spec["award"]
        project.award_date = _days(days)
        project.supplier = suppliers[supplier]
        project.award_amount = Decimal(amount)
    services.project_save(actor=None, project=project)
    if "contract" not in spec:
        return
    signed, amount, supplementary, term, filed = spec["contract"]
    contract = services.contract_save(
        actor=None,
        contract=Contract(
            project=project,
            number=f"{spec['code']}-HT",
            signed_date=_days(signed),
            amount=Decimal(amount),
            supplementary_amount=Decimal(supplementary),
            payment_term_days=term,
            filed_date=_days(filed) if filed is not None else None,
        ),
    )
    if "acceptance" not in spec:
        return
    delivered, accepted = spec["acceptance"]
    services.acceptance_save(
        actor=None,
        acceptance=Acceptance(
            contract=contract,
            delivery_date=_days(delivered),
            acceptance_date=_days(accepted) if accepted is not None else None,
            result=AcceptanceResult.PASSED if accepted is not None else AcceptanceResult.PENDING,
        ),
    )
    for sequence, (amount, paid) in enumerate(spec.get("payments", []), start=1):
        services.payment_save(
            actor=None,
            payment=Payment(
                contract=contract,
                sequence=sequence,
                amount=Decimal(amount),
                paid_date=_days(paid) if paid is not None else None,
            ),
        )


@transaction.atomic
def seed_demo() -> dict[str, int]:
    created = {"suppliers": 0, "projects": 0, "flags": 0, "violations": 0}
    suppliers = {}
    for name, region_code, sme in SUPPLIERS:
        supplier, was_created = Supplier.objects.get_or_create(
            uscc=demo_supplier_uscc(name, region_code), defaults={"name": name, "is_sme": sme}
        )
        suppliers[name] = supplier
        created["suppliers"] += was_created
    departments = {
        d.name: d for d in Department.objects.filter(name__in={p["purchaser"] for p in PROJECTS})
    }
    flags_before = RedFlag.objects.count()
    for spec in PROJECTS:
        purchaser = departments.get(spec["purchaser"])
        if purchaser is None:
            continue  # the core demo data was not loaded
        if ProcurementProject.objects.filter(purchaser=purchaser, code=spec["code"]).exists():
            continue
        with services.deferred_flag_checks():
            _build(spec, purchaser, suppliers)
        created["projects"] += 1
    services.scan()
    created["flags"] = RedFlag.objects.count() - flags_before

    # One flag confirmed: the SME paid 45 days late becomes a violation and a record.
    flag = (
        RedFlag.objects.filter(
            rule=FlagRule.SME_PAYMENT_LATE,
            project__code="NJCZ-CG-001",
            payment__paid_date__isnull=False,
        )
        .select_related("purchaser")
        .first()
    )
    if flag is not None and flag.status == FlagStatus.OPEN:
        number = VIOLATION_NUMBER.format(year=timezone.localdate().year)
        if not Violation.objects.filter(purchaser=flag.purchaser, decision_number=number).exists():
            violation = services.flag_confirm(
                actor=None,
                flag=flag,
                severity="general",
                decision_number=number,
                issuing_authority="南京市财政局政府采购监督管理处",
                decided_on=timezone.localdate() - datetime.timedelta(days=5),
            )
            if violation.record and violation.record.status == RecordStatus.DRAFT:
                record_confirm(record=violation.record, actor=None, reason="经核实属实")
            created["violations"] += 1
    from .demo_agreements import seed_agreements

    created.update(seed_agreements())
    return created
