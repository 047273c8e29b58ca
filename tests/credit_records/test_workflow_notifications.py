"""Who hears of each step the other side must act on: the supervising office of a written
explanation and of a credit-repair application it has to review, the department of the
decision on its application. In-app, and by email once the step has committed."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from core.models import Notification, NotificationKind
from credit_records import services
from credit_records.models import Severity

from ..builders.clock import at
from ..builders.core import UserFactory
from ..builders.records import make_record
from ..builders.tasks import celery_eager

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(nanjing_department, nanjing_supervisor, nanjing_liaison):
    nanjing_supervisor.email = "office@nanjing.gov.cn"
    nanjing_supervisor.save()
    nanjing_liaison.email = "liaison@czj.nanjing.gov.cn"
    nanjing_liaison.save()
    return {
        "department": nanjing_department,
        "office": nanjing_supervisor,
        "liaison": nanjing_liaison,
        # Another supervisor of the same office hears of the office's work too.
        "colleague": UserFactory(
            username="nanjing-2", role="Supervisor", region=nanjing_supervisor.region
        ),
    }


def told():
    return sorted(
        Notification.objects.filter(kind=NotificationKind.WORKFLOW).values_list(
            "recipient__username", flat=True
        )
    )


@pytest.fixture
def verified_record(time_machine, people):
    time_machine.move_to(at(datetime.date(2026, 9, 29)), tick=False)
    record = make_record(
        people["department"],
        actor=people["office"],
        liaison=people["liaison"],
        state="verified",
        severity=Severity.GENERAL,
        decision_date=datetime.date(2026, 5, 20),
    )
    Notification.objects.all().delete()
    return record


def test_a_written_explanation_tells_the_supervising_office_it_awaits_review(
    people, django_capture_on_commit_callbacks
):
    record = make_record(
        people["department"], actor=people["office"], state="rectification_required"
    )
    Notification.objects.all().delete()
    mail.outbox.clear()

    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        services.record_submit_explanation(
            record=record, actor=people["liaison"], explanation="审批环节过多导致逾期付款。"
        )

    assert told() == ["nanjing", "nanjing-2"]
    assert Notification.objects.about(record).count() == 2
    assert [message.to for message in mail.outbox] == [["office@nanjing.gov.cn"]]


def test_a_credit_repair_application_tells_the_supervising_office_it_must_decide(
    people, verified_record
):
    services.credit_repair_apply(
        record=verified_record, actor=people["liaison"], commitment_text="依法依规履约"
    )

    assert told() == ["nanjing", "nanjing-2"]


@pytest.mark.parametrize("approve", [True, False])
def test_the_decision_on_a_credit_repair_is_told_to_the_department(
    people, verified_record, approve
):
    application = services.credit_repair_apply(
        record=verified_record, actor=people["liaison"], commitment_text="依法依规履约"
    )
    Notification.objects.all().delete()

    services.credit_repair_decide(
        application=application, actor=people["office"], approve=approve, reason="材料齐全"
    )

    assert told() == ["liaison"]
    assert Notification.objects.get().target == verified_record


def test_a_refused_step_tells_nobody(people, verified_record):
    with pytest.raises(ValidationError):
        services.credit_repair_apply(
            record=verified_record, actor=people["liaison"], commitment_text=""
        )

    assert told() == []
