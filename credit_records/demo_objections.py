"""Demo objections (异议申诉) for ``make run``: one record for each state an objection can be
in, found by its facts so that seeding again changes nothing."""

from datetime import timedelta

from django.utils import timezone

from core.models import Department, User

# (department, decision number, days ago, facts, grounds, explanation, state)
# ``state``: filed, suspended (acknowledged, disclosure suspended), corrected, withdrawn,
# rejected.
OBJECTIONS = [
    (
        "南京市财政局",
        "宁财督〔{year}〕5号",
        35,
        "未按合同约定向中标供应商支付履约保证金退还款项。",
        "facts_wrong",
        "保证金已于合同约定期限内退还，附银行回单。",
        "filed",
    ),
    (
        "南京市财政局",
        "宁财督〔{year}〕9号",
        50,
        "政府采购项目验收超过合同约定期限。",
        "not_attributable",
        "验收延误系供应商未按期交付所致，不应归责于本部门。",
        "suspended",
    ),
    (
        "南京市发展和改革委员会",
        "宁发改罚〔{year}〕3号",
        60,
        "未按承诺时限兑现招商引资配套政策。",
        "severity_or_period",
        "涉及金额较小且已于一个月内兑现，应认定为轻微失信。",
        "corrected",
    ),
    (
        "苏州市财政局",
        "苏财罚〔{year}〕36号",
        45,
        "拖欠中小企业服务费用。",
        "repaired_still_shown",
        "欠款已全额支付并经信用中国完成信用修复，记录仍在公示。",
        "withdrawn",
    ),
    (
        "无锡市交通运输局",
        "锡交罚〔{year}〕14号",
        70,
        "未按规定公开行政许可办理结果。",
        "fault_tolerance",
        "属于改革探索中的无意过失，应予容错。",
        "rejected",
    ),
]


def seed_objections(departments: dict[str, Department]) -> int:
    from . import services
    from .models import DishonestyRecord, ObjectionOutcome, Severity

    today = timezone.localdate()
    admin = User.objects.get(username="admin")
    liaison = User.objects.get(username="nanjing_liaison")
    created = 0
    for department_name, number, days_ago, facts, grounds, explanation, state in OBJECTIONS:
        department = departments[department_name]
        if DishonestyRecord.objects.filter(department=department, facts=facts).exists():
            continue
        created += 1
        decided = today - timedelta(days=days_ago)
        record = services.record_create(
            actor=admin,
            department=department,
            category="administrative_penalty",
            severity=Severity.GENERAL,
            decision_number=number.format(year=decided.year),
            issuing_authority=f"{department.region.name}人民政府",
            decision_date=decided,
            facts=facts,
        )
        record = services.record_confirm(record=record, actor=admin)
        filer = liaison if department == liaison.department else None
        objection = services.objection_file(
            record=record, actor=filer, grounds=grounds, explanation=explanation
        )
        if state == "filed":
            continue
        if state == "suspended":
            services.objection_acknowledge(
                objection=objection,
                actor=admin,
                suspend_disclosure=True,
                note="已受理，核实期间暂停公示。",
            )
        elif state == "corrected":
            services.objection_decide(
                objection=objection,
                actor=admin,
                uphold=True,
                outcome=ObjectionOutcome.CORRECTED,
                reason="经核实，情节轻微且已及时纠正，改为轻微失信。",
                corrections={"severity": Severity.MINOR},
            )
        elif state == "withdrawn":
            services.objection_decide(
                objection=objection,
                actor=admin,
                uphold=True,
                outcome=ObjectionOutcome.WITHDRAWN,
                reason="经核实，该记录已完成信用修复，予以撤销。",
            )
        else:
            services.objection_decide(
                objection=objection,
                actor=admin,
                uphold=False,
                reason="经核实，该行为不属于容错纠错情形，异议不成立。",
            )
    return created


def demo_objection_number(template: str, today=None) -> str:
    """The number the demo objection's record ``template`` gets when seeded on ``today``."""
    today = today or timezone.localdate()
    days_ago = next(row[2] for row in OBJECTIONS if row[1] == template)
    return template.format(year=(today - timedelta(days=days_ago)).year)
