"""Demo intake (``make run``): the provincial credit platform as a push-only source of
administrative penalties, with its platform account, a court as a source of enforcement
notices, and a few staged items: matched, unmatched (an unknown code and one failing its
checksum) and a court's pre-listing notice accepted into an open court case. Idempotent: the
source remembers each document, so a second run stages nothing new."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from core.models import Department, Region, User
from core.roles import Role

from .models import IntakeItem, IntakeKind, IntakeSource, IntakeStatus
from .services import intake as services

PLATFORM_ACCOUNT = "credit_platform"


def _account() -> User:
    user, created = User.objects.get_or_create(
        username=PLATFORM_ACCOUNT, defaults={"last_name": "省公共信用信息平台"}
    )
    if created:
        user.set_unusable_password()  # signs in with its API token only
        user.save()
        user.groups.set([Group.objects.get(name=Role.INTAKE.value)])
    return user


def seed_intake() -> int:
    """Stage the demo items; returns how many were new."""
    account = _account()
    province = Region.objects.get(code="320000")
    platform, _created = IntakeSource.objects.get_or_create(
        code="js-credit-platform",
        defaults={
            "name": "江苏省公共信用信息平台（双公示）",
            "kind": IntakeKind.PENALTY,
            "region": province,
            "account": account,
        },
    )
    court, _created = IntakeSource.objects.get_or_create(
        code="nanjing-courts",
        defaults={
            "name": "南京市中级人民法院（府院联动）",
            "kind": IntakeKind.COURT_CASE,
            "region": Region.objects.get(code="320100"),
            "account": account,
        },
    )
    finance = Department.objects.get(name="南京市财政局")
    today = timezone.localdate()
    decided = (today - datetime.timedelta(days=20)).isoformat()
    penalty = {
        "violation_type": "违反政府采购规定",
        "violation_facts": "未按合同约定期限支付中小企业货款。",
        "legal_basis": "《保障中小企业款项支付条例》第八条",
        "penalty_category": "警告",
        "penalty_content": "警告，责令限期改正",
        "decision_date": decided,
        "authority": "江苏省市场监督管理局",
        "data_source": "江苏省公共信用信息中心",
    }
    results = services.intake_receive(
        source=platform,
        kind=IntakeKind.PENALTY,
        items=[
            {
                **penalty,
                "subject_name": finance.name,
                "subject_uscc": finance.uscc,
                "document_number": f"苏市监罚〔{today.year}〕88号",
            },
            {
                **penalty,
                "subject_name": "某县教育局",
                "subject_uscc": "11320000MB0000000X",
                "document_number": f"苏市监罚〔{today.year}〕89号",
            },
        ],
        actor=account,
    )
    notice = services.intake_receive(
        source=court,
        kind=IntakeKind.COURT_CASE,
        items=[
            {
                "notice_number": f"({today.year})苏01执预12号",
                "notice_type": "pre_listing",
                "case_number": f"({today.year})苏01执345号",
                "court": "南京市中级人民法院",
                "subject_name": finance.name,
                "subject_uscc": finance.uscc,
                "creditor": "南京明远科技有限公司",
                "amount": "125000.00",
                "notice_date": (today - datetime.timedelta(days=2)).isoformat(),
            }
        ],
        actor=account,
    )
    for result in notice:
        if result.outcome == services.STAGED:
            item = IntakeItem.objects.get(pk=result.item_id)
            if item.status == IntakeStatus.STAGED:
                services.intake_item_accept(item=item, actor=None)
    return sum(1 for r in [*results, *notice] if r.outcome != services.DUPLICATE)
