"""The database itself refuses what can never be true: a write that bypasses every form and
service (a queryset ``update``, a ``bulk_create``, a hand-written data fix) still cannot store
a negative amount, a percentage above 100, a date before the one it follows, or a second copy
of something unique. And a form, the admin or an import shows the constraint's own message
instead of failing with a 500."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from django.utils import timezone
from django.utils.translation import gettext, override

from credit_records.models import (
    AccountabilityEntry,
    Commitment,
    DishonestyRecord,
    Rectification,
)
from debt.models import BondIssue, CreditRating, DebtProfile, EmergencyEvent
from evaluations.models import Dimension, Indicator, Round, RoundSubject, Score
from procurement.models import Payment, RedFlag

from ..builders.debt import make_profile
from ..builders.evaluations import make_county_round, make_small_scheme
from ..builders.records import OfficialFactory, make_record

pytestmark = pytest.mark.django_db

D = Decimal


def refused(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.fixture
def record(nanjing_department, nanjing_supervisor):
    official = OfficialFactory(department=nanjing_department)
    return make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        state="rectification_required",
        officials=[official],
    )


# --- dates ----------------------------------------------------------------------------------


def test_the_database_refuses_dates_before_the_ones_they_follow(record, regions):
    before = record.decision_date - datetime.timedelta(days=1)
    records = DishonestyRecord.objects.filter(pk=record.pk)
    refused(lambda: records.update(closed_on=before))
    refused(lambda: records.update(disclosure_ended_early_on=before))
    refused(lambda: records.update(minimum_period_ends=before))
    event = EmergencyEvent.objects.create(
        region=regions["320115"],
        title="城投债券兑付风险",
        level="IV",
        occurred_on=datetime.date(2026, 3, 1),
        description="到期债券兑付资金不足",
    )
    events = EmergencyEvent.objects.filter(pk=event.pk)
    refused(lambda: events.update(resolved_on=datetime.date(2026, 2, 1)))
    refused(lambda: events.update(status="resolved"))  # resolved, but no date
    events.update(status="resolved", resolved_on=datetime.date(2026, 4, 1))


# --- amounts --------------------------------------------------------------------------------


def test_the_database_refuses_negative_amounts(regions):
    profile = make_profile(regions["320115"])
    profiles = DebtProfile.objects.filter(pk=profile.pk)
    refused(lambda: profiles.update(general_balance=D("-1")))
    refused(lambda: profiles.update(financial_capacity=D("0")))
    refused(lambda: profiles.update(year=1999))
    refused(
        lambda: EmergencyEvent.objects.create(
            region=regions["320115"],
            title="风险事件",
            level="IV",
            occurred_on=datetime.date(2026, 3, 1),
            description="…",
            amount_involved=D("-0.5"),
        )
    )


def test_the_database_refuses_a_negative_payment_or_interest(nanjing_department):
    from ..builders.procurement import make_contract, make_payment, make_project

    payment = make_payment(make_contract(make_project(nanjing_department)))
    refused(lambda: Payment.objects.filter(pk=payment.pk).update(late_interest=D("-0.01")))
    refused(lambda: Payment.objects.filter(pk=payment.pk).update(amount=D("-1")))


# --- percentages and points ----------------------------------------------------------------


def test_the_database_refuses_percentages_outside_0_to_100(regions):
    scheme = make_small_scheme()
    evaluation_round = make_county_round(regions, scheme)
    dimension = scheme.dimensions.first()
    refused(lambda: Dimension.objects.filter(pk=dimension.pk).update(weight=D("120")))
    refused(lambda: Indicator.objects.filter(dimension=dimension).update(weight=D("-1")))
    refused(lambda: Round.objects.filter(pk=evaluation_round.pk).update(progress=101))
    subjects = RoundSubject.objects.filter(round=evaluation_round)
    refused(lambda: subjects.update(bonus=D("-1")))
    refused(lambda: subjects.update(total=D("-0.01")))
    subject = subjects.first()
    indicator = Indicator.objects.filter(dimension=dimension).first()
    refused(
        lambda: Score.objects.create(
            round=evaluation_round,
            subject=subject,
            indicator=indicator,
            source="manual",
            value=D("-5"),
        )
    )
    refused(
        lambda: Score.objects.create(
            round=evaluation_round,
            subject=subject,
            indicator=indicator,
            source="manual",
            value=D("50"),
            weight=D("101"),
        )
    )
    bond = BondIssue.objects.create(
        region=regions["320115"],
        code="2605001",
        name="2026年江苏省政府专项债券（一期）",
        bond_type="special",
        amount=D("10"),
        rate=D("2.1"),
        issue_date=datetime.date(2026, 3, 1),
        maturity_date=datetime.date(2036, 3, 1),
    )
    refused(lambda: BondIssue.objects.filter(pk=bond.pk).update(rate=D("100.5")))
    refused(lambda: BondIssue.objects.filter(pk=bond.pk).update(amount=D("0")))


# --- uniqueness ----------------------------------------------------------------------------


def test_the_database_refuses_a_second_copy_of_what_is_unique(record, regions):
    entry = AccountabilityEntry.objects.get(record=record)
    refused(
        lambda: AccountabilityEntry.objects.bulk_create(
            [AccountabilityEntry(official=entry.official, record=record, kind=entry.kind)]
        )
    )
    refused(
        lambda: Rectification.objects.bulk_create(
            [Rectification(record=record, deadline=timezone.localdate())]
        )
    )
    profile = make_profile(regions["320115"])
    refused(
        lambda: DebtProfile.objects.bulk_create(
            [DebtProfile(region=profile.region, year=profile.year, financial_capacity=D("1"))]
        )
    )
    rating = {"region": regions["320000"], "agency": "中诚信", "rating": "AAA"}
    CreditRating.objects.create(**rating, rated_on=datetime.date(2026, 1, 5))
    refused(lambda: CreditRating.objects.create(**rating, rated_on=datetime.date(2026, 1, 5)))
    flag = {"rule": "late_signing", "object_key": "project:1", "purchaser": record.department}
    RedFlag.objects.create(**flag)
    refused(lambda: RedFlag.objects.create(**flag))


# --- states that cannot go together --------------------------------------------------------


def test_the_database_refuses_states_that_cannot_go_together(record, nanjing_department):
    commitment = Commitment.objects.create(
        department=nanjing_department,
        content="按期办结",
        promised_date=timezone.localdate(),
    )
    refused(lambda: Commitment.objects.filter(pk=commitment.pk).update(resulting_record=record))
    refused(lambda: Rectification.objects.filter(record=record).update(escalation_level=4))


# --- what the user sees ---------------------------------------------------------------------


def test_the_admin_shows_the_constraint_message_instead_of_a_server_error(
    administrator, login, regions
):
    client = login(administrator)

    response = client.post(
        "/admin/debt/emergencyevent/add/",
        {
            "region": regions["320115"].pk,
            "title": "城投债券兑付风险",
            "level": "IV",
            "status": "resolved",
            "occurred_on": "2026-03-01",
            "description": "到期债券兑付资金不足",
        },
    )

    assert response.status_code == 200
    with override("zh-hans"):
        message = gettext("A resolved event needs the date it was resolved.")
    assert message in response.content.decode()
    assert not EmergencyEvent.objects.exists()


@pytest.mark.parametrize(
    ("model", "fields", "message"),
    [
        (
            Rectification,
            {"escalation_level": 4},
            "The escalation level is between 0 and 3.",
        ),
        (
            Commitment,
            {"status": "pending", "resulting_record": "record"},
            "Only a broken commitment can become a dishonesty record.",
        ),
    ],
    ids=["rectification", "commitment"],
)
def test_a_model_form_shows_the_constraint_message(record, model, fields, message):
    """Model validation (what every ModelForm, the admin and the imports run) checks the
    constraints and names them in the user's language."""
    if model is Rectification:
        instance = record.rectification
    else:
        instance = Commitment(
            department=record.department, content="按期办结", promised_date=timezone.localdate()
        )
    data = {
        field.name: getattr(instance, field.attname)
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key
    }
    data.update({k: (record.pk if v == "record" else v) for k, v in fields.items()})
    form_class = modelform_factory(model, fields=list(data))

    with override("zh-hans"):
        form = form_class(data=data, instance=instance)
        assert not form.is_valid()
        assert gettext(message) in form.non_field_errors()
