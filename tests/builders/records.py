"""Credit-records test data: officials, and dishonesty records brought to a state by the
real services (``make_record``, ``make_rectifying_record``)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from credit_records import services
from credit_records.models import DishonestyRecord, PublicOfficial, RecordCategory, Severity

from .core import DepartmentFactory


class OfficialFactory(DjangoModelFactory):
    class Meta:
        model = PublicOfficial

    name = factory.Sequence(lambda n: f"公职人员{n}")
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    department = factory.SubFactory(DepartmentFactory)
    position = "科长"


class RecordFactory(factory.Factory):
    """A draft dishonesty record, entered the way every record is: through
    ``services.record_create`` (as the system, ``actor=None``). Decided a month ago, so it is
    inside its disclosure window; pass ``decision_date`` to move it."""

    class Meta:
        model = DishonestyRecord

    department = factory.SubFactory(DepartmentFactory)
    category = RecordCategory.ADMINISTRATIVE_PENALTY
    severity = Severity.GENERAL
    decision_number = factory.Sequence(lambda n: f"苏财罚〔2026〕{n + 1}号")
    issuing_authority = "江苏省财政厅"
    decision_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    facts = "未按合同约定期限支付中小企业账款。"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.record_create(actor=kwargs.pop("actor", None), **kwargs)


# The workflow path a record takes, in order; ``make_record`` walks it up to the state asked.
RECORD_PATH = (
    "draft",
    "confirmed",
    "rectification_required",
    "in_progress",
    "report_submitted",
    "verified",
    "closed",
)


def make_record(
    department=None,
    *,
    actor=None,
    liaison=None,
    state="confirmed",
    severity=Severity.GENERAL,
    decision_date=None,
    **fields,
) -> DishonestyRecord:
    """A record brought to ``state`` by the real services, step by step, the way users do it.

    ``actor`` takes the supervisor's steps and ``liaison`` the department's; either may be
    None (a trusted system call). ``state`` is one of ``RECORD_PATH`` or ``"exempted"``
    (confirmed, then an approved fault-tolerance claim). "closed" goes through verification.
    """
    if decision_date is not None:
        fields["decision_date"] = decision_date
    record = RecordFactory(
        department=department or DepartmentFactory(), severity=severity, actor=actor, **fields
    )
    target = "confirmed" if state == "exempted" else state
    steps = {
        "confirmed": lambda: services.record_confirm(record=record, actor=actor),
        "rectification_required": lambda: services.record_require_rectification(
            record=record, actor=actor, requirements="补缴款项并公开说明"
        ),
        "in_progress": lambda: services.record_submit_explanation(
            record=record, actor=liaison, explanation="合同审批流程过长导致逾期付款。"
        ),
        "report_submitted": lambda: services.record_submit_report(
            record=record, actor=liaison, content="已支付全部欠款并修订付款流程。"
        ),
        "verified": lambda: services.record_verify(record=record, actor=actor, reason="整改到位"),
        "closed": lambda: services.record_close(record=record, actor=actor, reason="整改完成"),
    }
    for step in RECORD_PATH[1 : RECORD_PATH.index(target) + 1]:
        steps[step]()
    if state == "exempted":
        claim = services.fault_tolerance_claim_file(
            record=record, actor=liaison, grounds="先行先试中出现的失误，未谋取私利。"
        )
        services.fault_tolerance_claim_review(
            claim=claim, actor=actor, approve=True, reason="符合容错情形"
        )
    record.refresh_from_db()
    return record


def make_rectifying_record(
    department,
    *,
    deadline: datetime.date,
    supervisor=None,
    liaison=None,
    explained: bool = True,
    **fields,
):
    """A confirmed record whose rectification is due on ``deadline``, required today by
    ``supervisor``; with ``explained`` the liaison has also sent the written explanation (the
    rectification is in progress)."""
    record = make_record(department, actor=supervisor, liaison=liaison, state="confirmed", **fields)
    services.record_require_rectification(
        record=record, actor=supervisor, deadline=deadline, requirements="补缴欠款并公开说明"
    )
    if explained:
        services.record_submit_explanation(
            record=record, actor=liaison, explanation="合同审批环节过多导致逾期付款。"
        )
    record.refresh_from_db()
    return record


def make_objection(
    record,
    *,
    actor=None,
    grounds: str = "facts_wrong",
    explanation: str = "处罚决定认定的付款日期有误，实际已按期支付。",
    files=(),
):
    """An objection to ``record``, filed through the service (by ``actor``: the department's
    liaison, or None as the provincial platform on its behalf)."""
    return services.objection_file(
        record=record, actor=actor, grounds=grounds, explanation=explanation, files=files
    )
