"""The SME payment clock of 《保障中小企业款项支付条例》 (State Council decree 802, in force
2025-06-01): art. 9 (30 days, an agreed term at most 60), art. 10 (the term runs from the end
of the agreed acceptance period when the purchaser accepts late or never), art. 15 (the
undisputed part is due on time), art. 17 (the agreed late-payment rate, not below the
one-year LPR at signing, else 0.05% a day). Expected values are worked out here from the
rules, with the 2026 holidays of the State Council's notice where a day rolls (Civil Code
art. 203)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.models import CalendarDay, LoanPrimeRate
from core.reference import load_loan_prime_rates
from procurement import rules, services
from procurement.models import Contract, FlagRule, Payment, RedFlag

from ..builders.clock import at
from ..builders.core import UserFactory
from ..builders.procurement import (
    make_acceptance,
    make_contract,
    make_paid_project,
    make_payment,
    make_project,
)

pytestmark = pytest.mark.django_db

D = datetime.date
DELIVERED = D(2026, 3, 22)  # the builders' delivery: signed 12 March, delivered 10 days later


@pytest.fixture(autouse=True)
def loan_prime_rates():
    load_loan_prime_rates(LoanPrimeRate)


# --- when the term starts and ends -------------------------------------------------------------

# (agreed acceptance days, acceptance: (result, day) or None, payment depends on acceptance,
#  due date, how it is worked out)
CLOCK = [
    (
        10,
        ("passed", D(2026, 3, 27)),
        True,
        D(2026, 4, 27),
        "accepted within the period, 27 Mar: +30 = Sun 26 Apr, so Mon 27 Apr",
    ),
    (
        10,
        None,
        True,
        D(2026, 5, 6),
        "never accepted: the period ends 1 Apr; +30 = 1 May, Labour Day (1-5 May off): 6 May",
    ),
    (
        10,
        ("passed", D(2026, 4, 20)),
        True,
        D(2026, 5, 6),
        "accepted late, 20 Apr: still from the end of the period, 1 Apr: 6 May",
    ),
    (None, None, True, D(2026, 5, 21), "none agreed: 30 days, to 21 Apr; +30 = Thu 21 May"),
    (
        13,
        None,
        True,
        D(2026, 5, 7),
        "the period ends Sat 4 Apr, Qingming (4-6 Apr): Tue 7 Apr; +30 = Thu 7 May",
    ),
    (
        10,
        ("failed", D(2026, 3, 30)),
        True,
        None,
        "failed acceptance: nothing due until the supplier makes good",
    ),
    (
        10,
        None,
        False,
        D(2026, 4, 21),
        "payment not tied to acceptance: delivery 22 Mar +30 = Tue 21 Apr",
    ),
]


@pytest.mark.parametrize(("period", "acceptance", "after_acceptance", "due", "why"), CLOCK)
def test_the_payment_term_runs_from_acceptance_or_the_end_of_the_agreed_period(
    purchaser, period, acceptance, after_acceptance, due, why
):
    result, day = acceptance or ("pending", None)
    assert (
        rules.payment_due_date(
            delivery_date=DELIVERED,
            acceptance_date=day,
            acceptance_result=result,
            acceptance_days=period,
            after_acceptance=after_acceptance,
            agreed_days=None,
            is_sme=True,
        )
        == due
    ), why

    # The same through the services, as the pages and imports store it.
    contract = make_contract(
        make_project(purchaser), acceptance_days=period, after_acceptance=after_acceptance
    )
    accepted_after = None if day is None else (day - DELIVERED).days
    saved = make_acceptance(contract, accepted_after=accepted_after)
    if result == "failed":
        saved.result = "failed"
        services.acceptance_save(actor=None, acceptance=saved)
    assert make_payment(contract).due_date == due, why


def test_withheld_acceptance_no_longer_stops_the_clock_or_the_flag(purchaser, time_machine):
    time_machine.move_to(at(D(2026, 3, 23)), tick=False)
    contract = make_contract(make_project(purchaser), acceptance_days=10)
    make_acceptance(contract, accepted_after=None)  # delivered 22 Mar, never accepted
    payment = make_payment(contract)
    assert payment.due_date == D(2026, 5, 6)

    time_machine.move_to(at(D(2026, 5, 6), 20), tick=False)
    services.scan()
    assert not RedFlag.objects.filter(payment=payment).exists()

    time_machine.move_to(at(D(2026, 5, 16), 2), tick=False)
    services.scan()
    flag = RedFlag.objects.get(payment=payment, rule=FlagRule.SME_PAYMENT_LATE)
    # 10 days late on 100,000 yuan at 0.05% a day.
    assert (flag.evidence["days_late"], flag.evidence["late_interest"]) == (10, "500.00")
    assert RedFlag.objects.filter(project=contract.project, rule=FlagRule.ACCEPTANCE_LATE).exists()


def test_recording_acceptance_within_the_period_brings_the_due_date_forward(purchaser):
    contract = make_contract(make_project(purchaser), acceptance_days=10)
    acceptance = make_acceptance(contract, accepted_after=None)
    payment = make_payment(contract)
    assert payment.due_date == D(2026, 5, 6)  # the latest it can be
    acceptance.acceptance_date = D(2026, 3, 25)
    services.acceptance_save(actor=None, acceptance=acceptance)
    payment.refresh_from_db()
    assert payment.due_date == D(2026, 4, 24)  # 25 Mar + 30, a Friday


# --- a term above 60 days with an SME ---------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "sme", "flagged"),
    [
        (60, True, False),
        (61, True, True),
        (90, True, True),
        (90, False, False),
        (None, True, False),
    ],
)
def test_a_term_above_60_days_agreed_with_an_sme_is_flagged(purchaser, term, sme, flagged):
    contract = make_contract(make_project(purchaser, sme=sme), term=term)
    raised = RedFlag.objects.filter(
        project=contract.project, rule=FlagRule.SME_TERM_OVER_LIMIT
    ).first()
    assert (raised is not None) is flagged
    if flagged:
        assert (raised.evidence["agreed_days"], raised.evidence["limit"]) == (term, 60)
        assert f"{term}" in raised.describe() and "60" in raised.describe()
        assert raised.object_key == f"contract:{contract.pk}"


def test_lateness_under_a_term_above_60_days_counts_from_day_60(purchaser):
    # Accepted Mon 23 Mar: day 60 is Fri 22 May, so a payment on day 61 is one day late.
    payment = make_paid_project(purchaser, paid_days_after_acceptance=61, term=90, accepted_after=1)
    assert payment.due_date == D(2026, 5, 22)
    assert payment.late_days == 1


# --- interest: the agreed rate or 0.05% a day, on the undisputed part --------------------------

# (agreed rate % a year, disputed yuan, days late, interest, how)
INTEREST = [
    (None, "0", 10, "500.00", "100,000 × 0.05% × 10"),
    ("3.6", "0", 10, "100.00", "100,000 × 3.6% ÷ 360 × 10"),
    ("3.0", "0", 10, "83.33", "100,000 × 3% ÷ 360 × 10 = 83.333…"),
    ("18", "0", 10, "500.00", "18% a year ÷ 360 is 0.05% a day"),
    (None, "40000", 10, "300.00", "60,000 undisputed × 0.05% × 10"),
    ("3.6", "99999.99", 10, "0.00", "0.01 undisputed × 0.01% × 10 rounds to 0.00"),
    (None, "100000", 0, "0.00", "wholly disputed: nothing late"),
]


@pytest.mark.parametrize(("rate", "disputed", "days", "interest", "how"), INTEREST)
def test_late_interest_counts_on_the_undisputed_part_at_the_agreed_rate(
    purchaser, rate, disputed, days, interest, how
):
    contract = make_contract(make_project(purchaser), interest_rate=rate)
    make_acceptance(contract, accepted_after=3)  # accepted Wed 25 Mar: due Fri 24 Apr
    payment = make_payment(contract, disputed=disputed, paid=D(2026, 5, 4))  # 10 days on
    assert payment.due_date == D(2026, 4, 24)
    assert (payment.late_days, str(payment.late_interest)) == (days, interest), how
    flagged = RedFlag.objects.filter(payment=payment, rule=FlagRule.SME_PAYMENT_LATE)
    assert flagged.exists() is (days > 0)


def test_a_partly_disputed_unpaid_instalment_shows_its_interest_so_far(
    purchaser, login, auditor, time_machine
):
    contract = make_contract(make_project(purchaser, code="DISPUTE-1"))
    make_acceptance(contract, accepted_after=3)  # due Fri 24 Apr
    payment = make_payment(contract, disputed="40000")
    time_machine.move_to(at(D(2026, 5, 4)), tick=False)
    client = login(auditor)
    api = client.get(f"/api/v1/procurement/payments/{payment.pk}/").json()
    assert (api["disputed_amount"], api["late_days"], api["late_interest"]) == (
        "40000.00",
        10,
        "300.00",
    )
    flag = RedFlag.objects.get(payment=payment)
    assert "60,000.00" in flag.describe() and "40,000.00" in flag.describe()


def test_a_disputed_amount_above_the_instalment_is_refused(purchaser):
    contract = make_contract(make_project(purchaser))
    with pytest.raises(ValidationError) as refused:
        make_payment(contract, amount="1000", disputed="1000.01")
    assert "disputed_amount" in refused.value.message_dict
    assert not Payment.objects.exists()


# --- the agreed rate may not be below the one-year LPR at signing ------------------------------

# (signed on, agreed rate, accepted, how): the LPR was 3.10% from 21 Oct 2024, 3.00% from
# 20 May 2025 (National Interbank Funding Center).
LPR_FLOOR = [
    (D(2025, 5, 20), "3.00", True, "equal to the LPR of 3.00% in force that day"),
    (D(2025, 5, 20), "2.99", False, "below 3.00%"),
    (D(2025, 5, 19), "3.00", False, "the day before, the LPR was still 3.10%"),
    (D(2025, 5, 19), "3.10", True, "equal to 3.10%"),
    (D(2019, 8, 1), "1.00", True, "before the first LPR on file: nothing to compare"),
]


@pytest.mark.parametrize(("signed", "rate", "accepted", "how"), LPR_FLOOR)
def test_an_agreed_rate_below_the_lpr_at_signing_is_refused(purchaser, signed, rate, accepted, how):
    project = make_project(purchaser, award_date=signed - datetime.timedelta(days=5))
    if accepted:
        contract = make_contract(project, signed_after=5, interest_rate=rate)
        assert contract.late_interest_rate == Decimal(rate), how
        return
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_contract(project, signed_after=5, interest_rate=rate)
    (message,) = refused.value.message_dict["late_interest_rate"]
    assert "art. 17" in message and "LPR" in message, how
    assert not Contract.objects.filter(project=project).exists()


def test_a_supplier_that_is_not_an_sme_may_agree_any_rate(purchaser):
    project = make_project(purchaser, sme=False, award_date=D(2025, 6, 1))
    assert make_contract(project, interest_rate="1.00").late_interest_rate == Decimal("1.00")


def test_the_lpr_an_administrator_adds_applies_to_later_signings(purchaser):
    LoanPrimeRate.objects.create(effective_date=D(2026, 6, 22), one_year_percent="3.50")
    project = make_project(purchaser, award_date=D(2026, 6, 20))
    with pytest.raises(ValidationError):
        make_contract(project, signed_after=3, interest_rate="3.20")
    assert make_contract(project, signed_after=1, interest_rate="3.20")  # signed 21 June


def test_the_contract_form_and_the_api_name_the_rule(login, nanjing_supervisor, purchaser):
    project = make_project(purchaser, award_date=D(2025, 6, 1))
    client = login(nanjing_supervisor)
    response = client.post(
        f"/workspace/procurement/projects/{project.pk}/contract/",
        {
            "signed_date": "2025-06-10",
            "amount": "100000",
            "supplementary_amount": "0",
            "payment_after_acceptance": "on",
            "late_interest_rate": "2.5",
        },
    )
    assert response.status_code == 200
    assert "late_interest_rate" in response.context["form"].errors
    assert not Contract.objects.exists()

    response = client.post(
        "/api/v1/procurement/contracts/",
        {
            "project": project.pk,
            "signed_date": "2025-06-10",
            "amount": "100000.00",
            "late_interest_rate": "2.5000",
            "acceptance_period_days": 15,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "late_interest_rate" in response.json()
    assert not Contract.objects.exists()

    response = client.post(
        "/api/v1/procurement/contracts/",
        {
            "project": project.pk,
            "signed_date": "2025-06-10",
            "amount": "100000.00",
            "late_interest_rate": "3.5000",
            "acceptance_period_days": 15,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["acceptance_period_days"], response.json()["late_interest_rate"]) == (
        15,
        "3.5000",
    )


# --- imports and exports carry the new columns --------------------------------------------------


def test_contracts_and_payments_import_the_acceptance_period_rate_and_dispute(
    nanjing_supervisor, purchaser
):
    from procurement.resources import ContractResource, PaymentResource

    from .test_import import contract_row, errors_by_row, run

    project = make_project(purchaser, code="IMP-1", award_date=D(2026, 5, 25))
    result = run(
        ContractResource(user=nanjing_supervisor),
        [contract_row(purchaser, acceptance_period_days="15", late_interest_rate="3.6")],
        nanjing_supervisor,
    )
    assert not result.has_errors() and not result.has_validation_errors(), errors_by_row(result)
    contract = Contract.objects.get(project=project)
    assert (contract.acceptance_period_days, contract.late_interest_rate) == (15, Decimal("3.6"))

    bad = run(
        ContractResource(user=nanjing_supervisor),
        [contract_row(purchaser, late_interest_rate="1.0")],
        nanjing_supervisor,
    )
    assert "late_interest_rate" in errors_by_row(bad)[1]
    contract.refresh_from_db()
    assert contract.late_interest_rate == Decimal("3.6")

    result = run(
        PaymentResource(user=nanjing_supervisor),
        [
            {
                "purchaser": purchaser.uscc,
                "contract": "IMP-1",
                "sequence": "1",
                "amount": "50000",
                "disputed_amount": "20000",
            },
            {
                "purchaser": purchaser.uscc,
                "contract": "IMP-1",
                "sequence": "2",
                "amount": "40000",
                "disputed_amount": "",
            },
        ],
        nanjing_supervisor,
    )
    assert not result.has_errors() and not result.has_validation_errors(), errors_by_row(result)
    assert sorted(Payment.objects.values_list("sequence", "disputed_amount")) == [
        (1, Decimal("20000.00")),
        (2, Decimal("0.00")),
    ]


# --- the calendar moves stored due dates --------------------------------------------------------


def test_a_local_day_off_entered_in_the_admin_moves_a_due_date_on_it(login, purchaser):
    contract = make_contract(make_project(purchaser))
    make_acceptance(contract, accepted_after=3)
    payment = make_payment(contract)
    assert payment.due_date == D(2026, 4, 24)  # Friday
    admin = UserFactory(username="calendar-admin", is_superuser=True, is_staff=True)
    response = login(admin).post(
        "/admin/core/calendarday/add/",
        {"date": "2026-04-24", "is_working_day": "", "note": "地方假日"},
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.due_date == D(2026, 4, 27)  # past the weekend to Monday
    assert payment.history.first().history_change_reason

    CalendarDay.objects.get(date=D(2026, 4, 24)).delete()
    from core.holidays import calendar_changed

    calendar_changed.send(sender=CalendarDay, first=D(2026, 4, 24), last=D(2026, 4, 24))
    payment.refresh_from_db()
    assert payment.due_date == D(2026, 4, 24)


def test_the_evaluation_leaves_a_wholly_disputed_unpaid_instalment_out(regions):
    from evaluations import indicators
    from evaluations.models import RoundSubject

    from ..builders.core import DepartmentFactory

    department = DepartmentFactory(region=regions["320115"])
    subject = RoundSubject(region=regions["320115"], name="江宁区")
    period = indicators.Period(start=D(2026, 1, 1), end=D(2026, 12, 31))
    disputed = make_contract(make_project(department))
    make_acceptance(disputed, accepted_after=3)
    make_payment(disputed, disputed="100000")  # due 24 Apr 2026, wholly disputed, unpaid
    overdue = make_contract(make_project(department))
    make_acceptance(overdue, accepted_after=3)
    late = make_payment(overdue, disputed="1")  # due 24 Apr 2026, mostly undisputed, unpaid

    value, inputs = indicators.compute("sme_payment_on_time", subject, period)
    # Counted: the partly disputed overdue one only; paid on time: 0 of 1.
    assert (value, inputs["payment_ids"]) == (Decimal("0.00"), [late.pk])
