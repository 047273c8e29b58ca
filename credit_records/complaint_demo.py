"""Demo complaints (``make run``): one in each state, in Nanjing and Suzhou, some with the
complainant's contact details (seen by the handling office only) and one overdue, so the
scan reminds and escalates it. Idempotent: a demo complaint already filed is not filed again."""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.models import Department, User

from . import complaint_rules
from .models import Complaint, ComplaintCategory, ComplaintOutcome
from .services import complaints as services

# (department, category, description, contact, state, outcome, office username)
DEMO_COMPLAINTS = [
    (
        "南京市财政局",
        ComplaintCategory.SME_ARREARS,
        "我公司2025年为贵局提供的办公设备已于2025年9月验收合格，合同约定验收后30日内付款，"
        "至今仍有12.5万元未付，多次催要无果。",
        {"name": "王小明", "organisation": "南京明远科技有限公司", "phone": "13800001234"},
        "received",
        None,
        "nanjing",
    ),
    (
        "南京市江宁区住房和城乡建设局",
        ComplaintCategory.BROKEN_PROMISE,
        "区里招商时承诺的厂房租金补贴三年未兑现，相关文件和会议纪要已附上。",
        None,
        "investigating",
        None,
        "nanjing",
    ),
    (
        "苏州市财政局",
        ComplaintCategory.SME_ARREARS,
        "苏州市某工程项目款约38万元逾期半年未支付，合同编号SZ-2025-118。",
        {"organisation": "苏州恒信建材有限公司", "email": "finance@hengxin.example"},
        "accepted",
        None,
        "suzhou",
    ),
    (
        "南京市财政局",
        ComplaintCategory.PROCUREMENT,
        "政府采购项目验收后迟迟不付款，供应商多次反映未获答复。",
        None,
        "closed",
        ComplaintOutcome.RED_FLAG,
        "nanjing",
    ),
    (
        "苏州市住房和城乡建设局",
        ComplaintCategory.INACTION,
        "小区违建问题反映多次，住建部门一直未处理。",
        None,
        "rejected",
        None,
        "suzhou",
    ),
]


def _overdue(complaint: Complaint) -> None:
    """Received three weeks ago and still not decided: the scan reminds and escalates it."""
    received = timezone.localdate() - datetime.timedelta(days=21)
    Complaint.objects.filter(pk=complaint.pk).update(
        received_on=received,
        decision_due=complaint_rules.decision_due(complaint.category, received),
    )


def seed_complaints() -> int:
    created = 0
    for name, category, text, contact, state, outcome, office in DEMO_COMPLAINTS:
        department = Department.objects.filter(name=name).first()
        actor = User.objects.filter(username=office).first()
        if department is None or actor is None:
            continue
        digest = services.description_digest(text)
        if Complaint.objects.filter(department=department, description_hash=digest).exists():
            continue
        sme = category == ComplaintCategory.SME_ARREARS
        complaint, _code = services.complaint_file(
            department=department,
            category=category,
            description=text,
            contract_reference="合同编号 2025-118" if sme else "",
            amount_owed=Decimal("125000.00") if sme else None,
            contact=contact,
        )
        created += 1
        if state == "received":
            _overdue(complaint)
            continue
        if state == "rejected":
            services.complaint_reject(
                complaint=complaint,
                actor=actor,
                reason="反映事项属于城市管理综合执法职责，请向12345热线反映。",
            )
            continue
        services.complaint_accept(complaint=complaint, actor=actor, reason="材料齐全，予以受理。")
        if state == "accepted":
            continue
        services.complaint_assign(complaint=complaint, actor=actor, assignee=actor)
        if state == "closed":
            services.complaint_close(
                complaint=complaint,
                actor=actor,
                outcome=outcome,
                reason="经调查核实，验收合格后超过30日未付款，已生成政府采购风险提示。",
            )
    return created
