"""Demo data of the debt app for ``make run``: the province and its 13 cities over
2021–2025 with believable figures (亿元), a few regions in each grade, one limit breach, draft
and issued warnings, an emergency event, an audit, a term assessment, bonds and ratings.

Idempotent: everything is looked up by its natural key first, and profiles go through the
service (which computes the assessments and drafts the warnings once).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from core.models import Department, DepartmentKind, Region
from core.reference import CITIES, PROVINCE
from credit_records.demo import demo_uscc
from credit_records.models import Severity

from . import services
from .models import (
    BondIssue,
    BondType,
    CreditRating,
    DebtAudit,
    DebtProfile,
    EmergencyEvent,
    EmergencyLevel,
    EmergencyStatus,
    RatingOutlook,
    RiskWarning,
    TermAssessment,
    TermConclusion,
    WarningStatus,
)

YEARS = range(2021, 2026)
CENT = Decimal("0.01")

# Region code: (comprehensive financial capacity in 2025, debt ratio in 2025, in %). The
# ratios climb about 5% of their 2025 level a year, so several regions cross a threshold.
FIGURES = {
    "320000": (Decimal("19800"), Decimal("128")),
    "320100": (Decimal("3050"), Decimal("158")),
    "320200": (Decimal("1620"), Decimal("104")),
    "320300": (Decimal("1180"), Decimal("166")),
    "320400": (Decimal("1010"), Decimal("142")),
    "320500": (Decimal("3380"), Decimal("92")),
    "320600": (Decimal("1350"), Decimal("112")),
    "320700": (Decimal("610"), Decimal("236")),
    "320800": (Decimal("640"), Decimal("306")),
    "320900": (Decimal("1020"), Decimal("137")),
    "321000": (Decimal("760"), Decimal("212")),
    "321100": (Decimal("540"), Decimal("318")),
    "321200": (Decimal("720"), Decimal("224")),
    "321300": (Decimal("560"), Decimal("98")),
}
# 连云港's special bonds ran past their limit in 2025; 淮安 had overdue debt in 2025.
BREACH = ("320700", 2025)
OVERDUE = ("320800", 2025, Decimal("3.20"))


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def profile_figures(code: str, year: int) -> dict[str, Decimal]:
    capacity_2025, ratio_2025 = FIGURES[code]
    back = 2025 - year
    capacity = _q(capacity_2025 / Decimal("1.04") ** back)
    ratio = ratio_2025 * (1 - Decimal("0.05") * back)
    balance = capacity * ratio / 100
    general = _q(balance * Decimal("0.44"))
    special = _q(balance - general)
    breach = (code, year) == BREACH
    # Headroom under the limits differs from city to city (3–11%).
    headroom = 1 + Decimal(3 + 2 * (int(code[2:4]) % 5)) / 100
    return {
        "general_limit": _q(general * headroom),
        "special_limit": _q(special * (Decimal("0.98") if breach else headroom)),
        "general_balance": general,
        "special_balance": special,
        "financial_capacity": capacity,
        "principal_due": _q(balance * Decimal("0.08")),
        "interest_due": _q(balance * Decimal("0.03")),
        "overdue_amount": OVERDUE[2] if (code, year) == OVERDUE[:2] else Decimal("0"),
        "new_debt": _q(balance * Decimal("0.12")),
    }


def _governments(regions: dict[str, Region]) -> dict[str, Department]:
    """Each region's people's government, the subject of a debt-default record."""
    governments = {}
    for code, region in regions.items():
        name = f"{region.name}人民政府"
        governments[code], _created = Department.objects.get_or_create(
            uscc=demo_uscc(name, code, DepartmentKind.ORGAN),
            defaults={"name": name, "region": region, "kind": DepartmentKind.ORGAN},
        )
    return governments


@transaction.atomic
def seed_demo() -> dict[str, int]:
    codes = [PROVINCE[0], *(code for code, _name in CITIES)]
    regions = {region.code: region for region in Region.objects.filter(code__in=codes)}
    if len(regions) < len(codes):
        return {"profiles": 0, "skipped": "Jiangsu regions are missing"}
    governments = _governments(regions)
    created = {"profiles": 0, "warnings_issued": 0, "other": 0}
    for year in YEARS:
        for code in codes:
            if DebtProfile.objects.filter(region=regions[code], year=year).exists():
                continue
            services.profile_create(
                actor=None, region=regions[code], year=year, **profile_figures(code, year)
            )
            created["profiles"] += 1
    today = timezone.localdate()
    # 镇江 went red: its warning has been issued; the others wait as drafts.
    zhenjiang = (
        RiskWarning.objects.filter(region=regions["321100"], automatic=True, grade="red")
        .order_by("-profile__year")
        .first()
    )
    if zhenjiang is not None and zhenjiang.status == WarningStatus.DRAFT:
        services.warning_issue(
            actor=None,
            warning=zhenjiang,
            required_response="说明债务率超过300%的原因，报送化债方案及时间表。",
            response_deadline=today + datetime.timedelta(days=20),
        )
        created["warnings_issued"] += 1
    created["other"] += _seed_records(regions, governments, today)
    return created


def _seed_records(regions, governments, today: datetime.date) -> int:
    count = 0
    huaian, zhenjiang = regions["320800"], regions["321100"]
    _event, was_created = EmergencyEvent.objects.get_or_create(
        region=huaian,
        title="市属平台公司债务本息逾期",
        occurred_on=datetime.date(2025, 9, 18),
        defaults={
            "level": EmergencyLevel.IV,
            "status": EmergencyStatus.RESPONDING,
            "description": "某市属平台公司到期债务本息3.2亿元未能按期偿还。",
            "actions_taken": "启动Ⅳ级债务风险应急响应；市财政统筹调度资金，协商展期，"
            "压减一般性支出。",
            "amount_involved": Decimal("3.20"),
        },
    )
    count += was_created
    _audit, was_created = DebtAudit.objects.get_or_create(
        region=zhenjiang,
        report_number="苏审经责〔2025〕21号",
        defaults={
            "leading_official": "张某某",
            "position": "原市长",
            "term_start": datetime.date(2019, 1, 10),
            "term_end": datetime.date(2024, 12, 31),
            "audit_authority": "江苏省审计厅",
            "report_date": datetime.date(2025, 6, 30),
            "findings": "任期内新增政府债务较快，部分专项债券资金闲置，"
            "个别项目收益不足以覆盖本息。",
            "irregular_amount": Decimal("12.60"),
            "accountability": "对相关责任人进行诫勉谈话，责令限期整改。",
        },
    )
    count += was_created
    _term, was_created = TermAssessment.objects.get_or_create(
        region=regions["320100"],
        period_start=2021,
        period_end=2025,
        defaults={
            "borrowing_score": Decimal("88.50"),
            "use_score": Decimal("85.00"),
            "management_score": Decimal("90.00"),
            "conclusion": TermConclusion.GOOD,
            "comments": "举债规范，专项债券使用效益较好，需关注偿债高峰。",
            "assessed_on": datetime.date(2025, 12, 20),
        },
    )
    count += was_created
    bonds = [
        (
            "JS2025G01",
            "320000",
            "2025年江苏省政府一般债券（一期）",
            BondType.GENERAL,
            "300",
            "1.85",
        ),
        (
            "JS2025Z03",
            "320100",
            "2025年江苏省政府专项债券（三期）",
            BondType.SPECIAL,
            "120",
            "2.05",
        ),
        ("JS2025Z07", "320700", "2025年江苏省政府专项债券（七期）", BondType.SPECIAL, "45", "2.10"),
    ]
    for code, region_code, name, bond_type, amount, rate in bonds:
        _bond, was_created = BondIssue.objects.get_or_create(
            code=code,
            defaults={
                "region": regions[region_code],
                "name": name,
                "bond_type": bond_type,
                "amount": Decimal(amount),
                "rate": Decimal(rate),
                "issue_date": datetime.date(2025, 4, 15),
                "maturity_date": datetime.date(2035, 4, 15),
                "purpose": "基础设施建设" if bond_type == BondType.SPECIAL else "弥补财政赤字",
                "project": "城市轨道交通" if region_code == "320100" else "",
            },
        )
        count += was_created
    for region_code, agency, rating, outlook in [
        ("320000", "中诚信国际", "AAA", RatingOutlook.STABLE),
        ("320800", "联合资信", "AA+", RatingOutlook.NEGATIVE),
    ]:
        _rating, was_created = CreditRating.objects.get_or_create(
            region=regions[region_code],
            agency=agency,
            rated_on=datetime.date(2025, 7, 1),
            defaults={"rating": rating, "outlook": outlook},
        )
        count += was_created
    profile = DebtProfile.objects.get(region=huaian, year=OVERDUE[1])
    if not profile.defaults.exists():
        services.debt_default_report(
            actor=None,
            profile=profile,
            department=governments["320800"],
            severity=Severity.GENERAL,
            # The number's year is the decision's (the date is relative to the seeding day).
            decision_number=f"苏财债〔{(today - datetime.timedelta(days=10)).year}〕8号",
            issuing_authority="江苏省财政厅",
            decision_date=today - datetime.timedelta(days=10),
            facts="淮安市2025年末政府债务逾期3.2亿元，未按期偿还到期本息。",
        )
        count += 1
    return count
