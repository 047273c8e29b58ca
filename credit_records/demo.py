"""Demo data for ``make run``: believable Jiangsu departments and one account per role.

Idempotent: every object is found by its natural key before it is created, and a demo
account is saved only when it differs from the demo's (a changed password is reset), so
running it again changes nothing, not even the history tables.
"""

import hashlib

from django.db import transaction

from core.models import Department, DepartmentKind, Region, User
from core.reference import load_jiangsu_regions
from core.roles import STAFF_ROLES, Role
from core.services import user_assign_role
from core.uscc import USCC_ALPHABET, make_uscc

from .demo_objections import seed_objections

DEMO_PASSWORD = "chengxin-demo"

# (name, region code, kind, parent department name or None)
DEPARTMENTS = [
    ("江苏省发展和改革委员会", "320000", DepartmentKind.ORGAN, None),
    ("江苏省财政厅", "320000", DepartmentKind.ORGAN, None),
    (
        "江苏省公共信用信息中心",
        "320000",
        DepartmentKind.PUBLIC_INSTITUTION,
        "江苏省发展和改革委员会",
    ),
    ("江苏省住房和城乡建设厅", "320000", DepartmentKind.ORGAN, None),
    ("南京市人民政府办公厅", "320100", DepartmentKind.ORGAN, None),
    ("南京市发展和改革委员会", "320100", DepartmentKind.ORGAN, None),
    ("南京市财政局", "320100", DepartmentKind.ORGAN, None),
    ("南京市市场监督管理局", "320100", DepartmentKind.ORGAN, None),
    ("南京市交通运输局", "320100", DepartmentKind.ORGAN, None),
    ("南京市政府采购中心", "320100", DepartmentKind.PUBLIC_INSTITUTION, "南京市财政局"),
    ("南京市玄武区人民政府", "320102", DepartmentKind.ORGAN, None),
    ("南京市江宁区住房和城乡建设局", "320115", DepartmentKind.ORGAN, None),
    ("南京市鼓楼区教育局", "320106", DepartmentKind.ORGAN, None),
    ("苏州市人民政府办公室", "320500", DepartmentKind.ORGAN, None),
    ("苏州市发展和改革委员会", "320500", DepartmentKind.ORGAN, None),
    ("苏州市财政局", "320500", DepartmentKind.ORGAN, None),
    ("苏州市住房和城乡建设局", "320500", DepartmentKind.ORGAN, None),
    ("苏州市姑苏区人民政府", "320508", DepartmentKind.ORGAN, None),
    ("昆山市人民政府", "320583", DepartmentKind.ORGAN, None),
    ("昆山市财政局", "320583", DepartmentKind.ORGAN, None),
    ("常熟市水务局", "320581", DepartmentKind.ORGAN, None),
    ("无锡市财政局", "320200", DepartmentKind.ORGAN, None),
    ("无锡市交通运输局", "320200", DepartmentKind.ORGAN, None),
    ("江阴市人民政府", "320281", DepartmentKind.ORGAN, None),
    ("徐州市财政局", "320300", DepartmentKind.ORGAN, None),
    ("常州市市场监督管理局", "320400", DepartmentKind.ORGAN, None),
    ("南通市财政局", "320600", DepartmentKind.ORGAN, None),
    ("扬州市住房和城乡建设局", "321000", DepartmentKind.ORGAN, None),
    ("盐城市医疗保障局", "320900", DepartmentKind.ORGAN, None),
    ("泰州市人民医院", "321200", DepartmentKind.PUBLIC_INSTITUTION, None),
]

# (username, display name, role, region code or None, department name or None)
ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMINISTRATOR, None, None),
    ("province", "省信用办 王主任", Role.SUPERVISOR, "320000", None),
    ("nanjing", "南京市信用办 李科长", Role.SUPERVISOR, "320100", None),
    ("suzhou", "苏州市信用办 陈科长", Role.SUPERVISOR, "320500", None),
    ("nanjing_liaison", "南京市财政局 赵联络员", Role.LIAISON, None, "南京市财政局"),
    ("auditor", "省审计厅 周审计员", Role.AUDITOR, "320000", None),
]


def demo_uscc(name: str, region_code: str, kind: str) -> str:
    """A valid, stable code for a demo department: 11 (organ) or 12 (institution), the
    region code, an organisation code derived from the name, and both check characters
    (GB 11714 and GB 32100)."""
    prefix = "12" if kind == DepartmentKind.PUBLIC_INSTITUTION else "11"
    digest = hashlib.sha256(name.encode()).digest()
    identifier = "".join(USCC_ALPHABET[byte % len(USCC_ALPHABET)] for byte in digest[:8])
    return make_uscc(prefix=prefix, region_code=region_code, identifier=identifier)


# Officials: (department name, name, employee number, position)
OFFICIALS = [
    ("南京市财政局", "张晓明", "NJCZ-0102", "政府采购处处长"),
    ("南京市财政局", "李建国", "NJCZ-0215", "国库处副处长"),
    ("南京市交通运输局", "王丽华", "NJJT-0031", "建设管理处处长"),
    ("苏州市住房和城乡建设局", "陈志强", "SZZJ-0120", "市场监管处处长"),
    ("无锡市财政局", "刘海燕", "WXCZ-0088", "债务管理处处长"),
    ("南京市市场监督管理局", "周文斌", "NJSJ-0301", "执法稽查局局长"),
]

# Records: (department, decision number, category, severity, authority, days ago, state,
#           officials, facts). ``state`` names how far the workflow has gone. The number's
# ``{year}`` is the decision date's year (the dates are relative to the day of seeding).
RECORDS = [
    (
        "南京市市场监督管理局",
        "宁市监罚〔{year}〕88号",
        "administrative_penalty",
        "general",
        "南京市人民政府",
        12,
        "draft",
        ["周文斌"],
        "未按规定履行行政协议约定的支付义务，经督促后仍未整改。",
    ),
    (
        "苏州市住房和城乡建设局",
        "苏府督〔{year}〕15号",
        "broken_commitment",
        "general",
        "苏州市人民政府督查室",
        40,
        "confirmed",
        ["陈志强"],
        "对企业作出的项目配套承诺未按期兑现。",
    ),
    (
        "南京市财政局",
        "宁政督〔{year}〕31号",
        "sme_arrears",
        "general",
        "南京市人民政府督查室",
        27,
        "rectification_required",
        ["张晓明"],
        "拖欠中小企业货款超过合同约定期限60日以上。",
    ),
    (
        "南京市交通运输局",
        "宁纪〔{year}〕7号",
        "disciplinary_sanction",
        "serious",
        "中共南京市纪律检查委员会",
        95,
        "in_progress_overdue",
        ["王丽华"],
        "工程建设项目招标中违规指定供应商，相关责任人受到党纪处分。",
    ),
    (
        "南京市财政局",
        "({year})苏0102民初1234号",
        "court_judgment",
        "general",
        "南京市玄武区人民法院",
        70,
        "report_submitted",
        ["李建国"],
        "未履行生效判决确定的合同付款义务。",
    ),
    (
        "无锡市财政局",
        "锡审决〔{year}〕19号",
        "debt_default",
        "serious",
        "无锡市审计局",
        150,
        "verified",
        ["刘海燕"],
        "政府专项债券资金未按规定用途使用且逾期未还本付息。",
    ),
    (
        "徐州市财政局",
        "徐政罚〔{year}〕42号",
        "administrative_penalty",
        "general",
        "江苏省财政厅",
        300,
        "closed",
        [],
        "政府采购项目未在规定期限内签订合同。",
    ),
    (
        "南通市财政局",
        "通财监〔{year}〕8号",
        "procurement_violation",
        "general",
        "江苏省财政厅",
        200,
        "repaired",
        [],
        "采购文件设置歧视性条款，限制潜在供应商。",
    ),
    (
        "常州市市场监督管理局",
        "常纪问〔{year}〕3号",
        "accountability",
        "general",
        "中共常州市纪律检查委员会",
        50,
        "exempted",
        [],
        "疫情防控期间先行先试的便企措施引发程序瑕疵，经容错纠错认定免责。",
    ),
    (
        "苏州市财政局",
        "苏财罚〔{year}〕21号",
        "administrative_penalty",
        "minor",
        "苏州市人民政府",
        35,
        "claim_pending",
        [],
        "未按规定时限公开政府采购合同。",
    ),
    (
        "扬州市住房和城乡建设局",
        "扬法执〔{year}〕55号",
        "dishonest_debtor",
        "serious",
        "扬州市中级人民法院",
        4 * 365 + 30,
        "closed",
        [],
        "曾被列为失信被执行人，现已履行完毕并移出名单。",
    ),
    # Rectified and verified by their (past) deadline, and one verified late: the public
    # home page's on-time rate is computed over rectifications whose deadline has passed.
    (
        "南京市江宁区住房和城乡建设局",
        "宁江建罚〔{year}〕6号",
        "administrative_penalty",
        "general",
        "南京市江宁区人民政府",
        160,
        "closed_on_time",
        [],
        "建设工程项目竣工验收后未按合同约定期限支付工程尾款。",
    ),
    (
        "南京市鼓楼区教育局",
        "鼓政督〔{year}〕12号",
        "broken_commitment",
        "general",
        "南京市鼓楼区人民政府督查室",
        120,
        "verified_on_time",
        [],
        "未按承诺时限拨付校舍改造项目配套资金。",
    ),
    (
        "昆山市财政局",
        "昆审决〔{year}〕27号",
        "sme_arrears",
        "general",
        "昆山市审计局",
        200,
        "closed_on_time",
        [],
        "拖欠中小企业信息化服务费用，超过合同约定付款期限。",
    ),
    (
        "盐城市医疗保障局",
        "盐政督〔{year}〕9号",
        "procurement_violation",
        "general",
        "盐城市人民政府督查室",
        140,
        "verified_on_time",
        [],
        "医用耗材集中采购项目未按规定公开采购结果。",
    ),
    (
        "泰州市人民医院",
        "({year})苏1202民初877号",
        "court_judgment",
        "general",
        "泰州市海陵区人民法院",
        180,
        "verified_late",
        [],
        "未按生效判决确定的期限支付医疗设备采购款。",
    ),
]

COMMENDATIONS = [
    (
        "江苏省诚信建设示范单位",
        "provincial",
        "江苏省社会信用体系建设领导小组",
        220,
        "昆山市人民政府",
        None,
    ),
    (
        "全国政务公开先进单位",
        "national",
        "国务院办公厅政务公开办公室",
        400,
        "苏州市人民政府办公室",
        None,
    ),
    ("南京市优秀公务员", "city", "南京市人民政府", 120, "南京市财政局", "李建国"),
]

# (department, content, due in days (negative: past), state)
COMMITMENTS = [
    ("南京市财政局", "2026年底前清偿全部拖欠中小企业账款。", 34, "pending"),
    ("苏州市发展和改革委员会", "重点项目审批时限压缩至15个工作日以内。", -60, "fulfilled"),
    ("无锡市交通运输局", "按合同约定向施工企业支付工程进度款。", -20, "broken"),
]


def decision_number(template: str, decision_date) -> str:
    return template.format(year=decision_date.year)


def demo_decision_number(template: str, today=None) -> str:
    """The number the demo record ``template`` gets when seeded on ``today``."""
    from datetime import timedelta

    from django.utils import timezone

    today = today or timezone.localdate()
    days_ago = next(row[5] for row in RECORDS if row[1] == template)
    return decision_number(template, today - timedelta(days=days_ago))


def _backdate_rectification(record, *, late: bool):
    """Moves a rectification just verified into the past: the deadline 45 days after the
    decision, the report and the verification a few days before it (or, ``late``, after it).
    Returns the day of verification."""
    import datetime

    from django.utils import timezone

    from .models import Rectification, RectificationReport

    deadline = record.decision_date + datetime.timedelta(days=45)
    verified_on = deadline + datetime.timedelta(days=6 if late else -3)

    def at(day, hour):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    Rectification.objects.filter(record=record).update(
        deadline=deadline,
        created_at=at(record.decision_date + datetime.timedelta(days=2), 9),
        explanation_due=record.decision_date + datetime.timedelta(days=10),
        explanation_submitted_at=at(record.decision_date + datetime.timedelta(days=8), 15),
        verified_at=at(verified_on, 10),
    )
    RectificationReport.objects.filter(rectification__record=record).update(
        submitted_at=at(verified_on - datetime.timedelta(days=2), 16),
        decided_at=at(verified_on, 10),
    )
    return verified_on


def _users():
    return {user.username: user for user in User.objects.all()}


def _seed_credit_files(departments: dict[str, Department]) -> int:
    from datetime import timedelta

    from django.utils import timezone

    from . import services
    from .models import (
        Commendation,
        Commitment,
        DishonestyRecord,
        PublicOfficial,
    )

    today = timezone.localdate()
    users = _users()
    admin = users["admin"]
    liaison = users["nanjing_liaison"]
    officials = {}
    for department_name, name, number, position in OFFICIALS:
        officials[name], _created = PublicOfficial.objects.get_or_create(
            department=departments[department_name],
            employee_number=number,
            defaults={"name": name, "position": position},
        )
    created = 0
    for (
        department_name,
        number,
        category,
        severity,
        authority,
        days_ago,
        state,
        official_names,
        facts,
    ) in RECORDS:
        department = departments[department_name]
        # Found by its facts: the number's year depends on the day the demo was first seeded.
        if DishonestyRecord.objects.filter(department=department, facts=facts).exists():
            continue
        created += 1
        decision_date = today - timedelta(days=days_ago)
        record = services.record_create(
            actor=admin,
            department=department,
            category=category,
            severity=severity,
            decision_number=decision_number(number, decision_date),
            issuing_authority=authority,
            decision_date=decision_date,
            facts=facts,
            officials=[officials[name] for name in official_names],
        )
        if state == "draft":
            continue
        record = services.record_confirm(record=record, actor=admin)
        if state == "confirmed":
            continue
        if state in ("closed", "repaired") and days_ago > 365 * 3:
            record = services.record_close(
                record=record, actor=admin, reason="已履行完毕，无需另行整改。"
            )
            # Closed long ago: outside its disclosure window, kept for the audit trail.
            DishonestyRecord.objects.filter(pk=record.pk).update(
                closed_on=today - timedelta(days=days_ago - 60)
            )
            continue
        if state == "exempted" or state == "claim_pending":
            claim = services.fault_tolerance_claim_file(
                record=record,
                actor=admin,
                grounds="属于探索性改革中的无意过失，已及时纠正，未造成重大损失。",
            )
            if state == "exempted":
                services.fault_tolerance_claim_review(
                    claim=claim, actor=admin, approve=True, reason="符合容错纠错情形，予以免责。"
                )
            continue
        deadline = today + timedelta(days=3)
        if state == "in_progress_overdue":
            deadline = today + timedelta(days=1)
        record = services.record_require_rectification(
            record=record,
            actor=admin,
            deadline=deadline,
            requirements="书面说明原因，限期完成整改并提交整改报告及证明材料。",
        )
        if state == "rectification_required":
            continue
        actor = liaison if department == liaison.department else None
        record = services.record_submit_explanation(
            record=record,
            actor=actor,
            explanation="相关处室对合同付款节点把关不严，内部审批流程过长。",
        )
        if state == "in_progress_overdue":
            # The deadline has since passed without a report.
            from .models import Rectification

            Rectification.objects.filter(record=record).update(deadline=today - timedelta(days=9))
            continue
        services.record_submit_report(
            record=record,
            actor=actor,
            content="已完成全部欠款支付，修订内部付款审批制度，并对责任人进行了约谈。",
        )
        if state == "report_submitted":
            continue
        record = services.record_verify(
            record=record, actor=admin, reason="整改材料齐全，予以确认。"
        )
        if state.endswith(("_on_time", "_late")):
            verified_on = _backdate_rectification(record, late=state.endswith("_late"))
        if state in ("verified", "verified_on_time", "verified_late"):
            continue
        record = services.record_close(record=record, actor=admin, reason="整改已核验，予以办结。")
        if state == "closed_on_time":
            DishonestyRecord.objects.filter(pk=record.pk).update(
                closed_on=verified_on + timedelta(days=2)
            )
        if state == "repaired":
            DishonestyRecord.objects.filter(pk=record.pk).update(
                minimum_period_ends=today - timedelta(days=10)
            )
            record.refresh_from_db()
            application = services.credit_repair_apply(
                record=record,
                actor=admin,
                commitment_text="本单位承诺严格遵守政府采购法律法规，今后不再发生同类失信行为。",
                statement="已纠正失信行为，履行相关义务。",
            )
            services.credit_repair_decide(
                application=application, actor=admin, approve=True, reason="符合信用修复条件。"
            )
    for title, level, authority, days_ago, department_name, official_name in COMMENDATIONS:
        Commendation.objects.get_or_create(
            title=title,
            department=departments[department_name],
            defaults={
                "level": level,
                "issuing_authority": authority,
                "date": today - timedelta(days=days_ago),
                "official": officials.get(official_name) if official_name else None,
            },
        )
    for department_name, content, due_in, state in COMMITMENTS:
        commitment, was_created = Commitment.objects.get_or_create(
            department=departments[department_name],
            content=content,
            defaults={"promised_date": today + timedelta(days=due_in)},
        )
        if was_created and state != "pending":
            services.commitment_assess(
                commitment=commitment,
                actor=admin,
                fulfilled=state == "fulfilled",
                evidence="经核查，" + ("已按期兑现。" if state == "fulfilled" else "未按期兑现。"),
            )
    return created


@transaction.atomic
def seed_demo() -> dict[str, int]:
    created = {"regions": load_jiangsu_regions(Region), "departments": 0, "users": 0}
    regions = {region.code: region for region in Region.objects.all()}
    departments: dict[str, Department] = {}
    for name, region_code, kind, parent_name in DEPARTMENTS:
        department, was_created = Department.objects.get_or_create(
            uscc=demo_uscc(name, region_code, kind),
            defaults={
                "name": name,
                "region": regions[region_code],
                "kind": kind,
                "parent": departments.get(parent_name) if parent_name else None,
            },
        )
        departments[name] = department
        created["departments"] += was_created
    for username, display_name, role, region_code, department_name in ACCOUNTS:
        user, was_created = User.objects.get_or_create(username=username)
        created["users"] += was_created
        region = regions[region_code] if region_code else None
        department = departments[department_name] if department_name else None
        wanted = {
            "last_name": display_name,
            "email": f"{username}@demo.chengxin.invalid",
            "is_superuser": role == Role.ADMINISTRATOR,
        }
        # Saved only when something differs: every save adds a row to the user's history.
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed.append("password")
        scope = (role, region.pk if region else None, department.pk if department else None)
        if scope != (user.role, user.region_id, user.department_id) or (
            user.is_staff != (role in STAFF_ROLES or user.is_superuser)
        ):
            user_assign_role(user=user, role=role, region=region, department=department, actor=None)
        elif changed:
            user.save()
    created["records"] = _seed_credit_files(departments)
    created["objections"] = seed_objections(departments)
    from .complaint_demo import seed_complaints

    created["complaints"] = seed_complaints()
    from .intake_demo import seed_intake

    created["intake"] = seed_intake()
    created["subscriptions"] = seed_subscription()
    return created


def seed_subscription() -> int:
    """The provincial public credit platform, subscribed to the publication events (a demo
    address under ``.invalid``: deliveries fail and are retried, as the admin shows)."""
    from core.models import WebhookSubscription

    from .exchange import FEED_ACTIONS

    _subscription, was_created = WebhookSubscription.objects.get_or_create(
        name="江苏省公共信用信息平台（演示）",
        defaults={
            "target_url": "https://credit.jiangsu.demo.invalid/webhooks/chengxin",
            "event_types": sorted(FEED_ACTIONS),
            "secret": "demo-secret-change-me",
            "active": True,
        },
    )
    return int(was_created)
