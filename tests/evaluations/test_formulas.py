"""Each computed formula on a small fixture, with the expected value worked out by hand from
the formula's documentation (``evaluations.indicators``), and its empty case.

Today is fixed at 2026-11-20 and the period is the calendar year 2026; the subject is
南京市江宁区 (320115), and 南京市玄武区 (320102) holds data that must not count.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from credit_records import services
from credit_records.models import Rectification
from evaluations import indicators
from evaluations.models import RoundSubject
from procurement.models import FlagRule, FlagStatus, Payment, ProcurementProject, RedFlag

from ..builders.core import DepartmentFactory
from ..builders.debt import make_profile
from ..builders.procurement import make_contract, make_payment, make_project
from ..builders.records import make_record, make_rectifying_record

pytestmark = pytest.mark.django_db
D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
PERIOD = indicators.Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to("2026-11-20 10:00:00+08:00", tick=False)


@pytest.fixture
def jiangning(regions):
    return RoundSubject(region=regions["320115"], name="江宁区")


@pytest.fixture
def department(regions):
    return DepartmentFactory(region=regions["320115"])


@pytest.fixture
def elsewhere(regions):
    return DepartmentFactory(region=regions["320102"])


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def rectification(department, *, deadline, verified=None, escalation=0):
    """A record under rectification with the given deadline, verification and escalation."""
    record = make_record(department, state="rectification_required")
    Rectification.objects.filter(record=record).update(
        deadline=day(deadline),
        verified_at=None
        if verified is None
        else datetime.datetime.fromisoformat(verified).replace(tzinfo=SHANGHAI),
        escalation_level=escalation,
    )
    return record.pk


# --- rectification_on_time --------------------------------------------------------------------
#
# On time = the report that was finally verified was submitted on or before the deadline (the
# escalation ladder stands still from that submission; credit_records.punctuality). A returned
# report does not count. Days are Shanghai days.


@pytest.fixture
def rectify(time_machine, department):
    """``rectify(deadline, ("submit", moment), ("return", moment), ("verify", moment), ...)``:
    a record of ``department`` required on 2026-01-05 to rectify by ``deadline``, explained,
    then taken through the steps by the real services, each at its moment (Shanghai time);
    the clock then returns to the module's today."""

    def run(deadline: str, *steps, where=None):
        time_machine.move_to(datetime.datetime(2026, 1, 5, 9, tzinfo=SHANGHAI), tick=False)
        record = make_rectifying_record(where or department, deadline=day(deadline))
        actions = {
            "submit": lambda: services.record_submit_report(
                record=record, actor=None, content="已完成整改。"
            ),
            "return": lambda: services.record_return(record=record, actor=None, reason="材料不全"),
            "verify": lambda: services.record_verify(record=record, actor=None, reason="整改到位"),
        }
        for action, moment in steps:
            time_machine.move_to(
                datetime.datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI), tick=False
            )
            actions[action]()
        time_machine.move_to("2026-11-20 10:00:00+08:00", tick=False)
        return record.pk

    return run


def on_time_figures(subject):
    value, inputs = indicators.compute("rectification_on_time", subject, PERIOD)
    return value, inputs


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # Submitted on the deadline day (late in the evening) and verified: on time.
        ([("submit", "2026-06-30 23:30"), ("verify", "2026-07-01 09:00")], "on_time"),
        # Submitted the day after the deadline, just after midnight: late.
        ([("submit", "2026-07-01 00:10"), ("verify", "2026-07-01 09:00")], "late"),
        # Submitted well before, verified weeks after the deadline: on time (the supervisor's
        # delay is not the department's).
        ([("submit", "2026-06-20 10:00"), ("verify", "2026-08-15 09:00")], "on_time"),
        # A report submitted in time but returned, then a verified one after the deadline: the
        # returned report does not count.
        (
            [
                ("submit", "2026-06-20 10:00"),
                ("return", "2026-06-25 10:00"),
                ("submit", "2026-07-02 10:00"),
                ("verify", "2026-07-03 10:00"),
            ],
            "late",
        ),
        # Returned, then resubmitted on the deadline day and verified later: on time.
        (
            [
                ("submit", "2026-06-10 10:00"),
                ("return", "2026-06-15 10:00"),
                ("submit", "2026-06-30 18:00"),
                ("verify", "2026-07-10 10:00"),
            ],
            "on_time",
        ),
    ],
)
def test_a_rectification_is_on_time_when_its_verified_report_was_submitted_by_the_deadline(
    jiangning, rectify, steps, expected
):
    record_id = rectify("2026-06-30", *steps)

    value, inputs = on_time_figures(jiangning)

    assert (inputs["due"], inputs["record_ids"]) == (1, [record_id])
    if expected == "on_time":
        assert (value, inputs["on_time_record_ids"]) == (D("100.00"), [record_id])
    else:
        assert (value, inputs["on_time_record_ids"]) == (D("0.00"), [])


def test_a_report_submitted_in_time_and_awaiting_verification_is_left_out_until_decided(
    jiangning, rectify
):
    # The deadline has passed, but the department's report (sent in time) waits for the
    # supervisor: the ladder is paused, and the indicator does not call it late either.
    waiting = rectify("2026-06-30", ("submit", "2026-06-29 10:00"))
    # A report sent after the deadline is late whatever its verification will say.
    late = rectify("2026-06-30", ("submit", "2026-07-05 10:00"))
    done = rectify("2026-06-30", ("submit", "2026-06-01 10:00"), ("verify", "2026-06-02 10:00"))

    value, inputs = on_time_figures(jiangning)

    # Due: late and done; on time: done. 1 / 2 = 50.00.
    assert value == D("50.00")
    assert inputs["record_ids"] == sorted([late, done])
    assert inputs["on_time_record_ids"] == [done]
    assert inputs["awaiting_verification_record_ids"] == [waiting]


def test_rectification_on_time_counts_only_due_rectifications_of_the_subject_and_period(
    jiangning, rectify, elsewhere
):
    on_time = rectify("2026-06-30", ("submit", "2026-06-30 12:00"), ("verify", "2026-07-02 09:00"))
    overdue = rectify("2026-09-30")  # no report, deadline passed: late
    rectify("2026-12-15")  # not due yet, nothing submitted: left out
    early = rectify("2026-12-15", ("submit", "2026-11-01 09:00"), ("verify", "2026-11-02 09:00"))
    rectify("2026-06-30", where=elsewhere)  # another district

    value, inputs = on_time_figures(jiangning)

    # Due: on_time, overdue, early. On time: on_time and early. 2 / 3 = 66.67.
    assert value == D("66.67")
    assert (inputs["due"], inputs["on_time"]) == (3, 2)
    assert inputs["record_ids"] == sorted([on_time, overdue, early])
    assert inputs["on_time_record_ids"] == sorted([on_time, early])


def test_a_rectification_verified_without_a_report_on_file_is_judged_by_its_verification_day(
    jiangning, department
):
    # Data from before reports were kept: the verification day stands in for the report's.
    on_time = rectification(department, deadline="2026-06-30", verified="2026-06-30 23:30")
    late = rectification(department, deadline="2026-06-30", verified="2026-07-01 08:00")

    value, inputs = on_time_figures(jiangning)

    assert value == D("50.00")
    assert inputs["record_ids"] == sorted([on_time, late])
    assert inputs["on_time_record_ids"] == [on_time]


def test_rectification_on_time_without_anything_due_is_no_data(jiangning, department):
    rectification(department, deadline="2026-12-15")  # not due yet

    value, inputs = indicators.compute("rectification_on_time", jiangning, PERIOD)

    assert value == D("100.00")
    assert inputs == {"due": 0, "on_time": 0, "no_data": True}


# --- escalated_rectifications -----------------------------------------------------------------


def test_escalated_rectifications_take_20_points_each(jiangning, department, elsewhere):
    rectification(department, deadline="2026-03-31", escalation=0)
    rectification(department, deadline="2026-04-30", escalation=1)  # own office only
    second = rectification(department, deadline="2026-05-31", escalation=2)
    third = rectification(department, deadline="2026-06-30", escalation=3)
    rectification(department, deadline="2025-06-30", escalation=3)  # last year
    rectification(elsewhere, deadline="2026-06-30", escalation=3)  # another district

    value, inputs = indicators.compute("escalated_rectifications", jiangning, PERIOD)

    # Levels 2 and 3 in the period: 2 escalations; 100 − 20 × 2 = 60.
    assert value == D("60.00")
    assert inputs == {"escalated": 2, "record_ids": sorted([second, third])}


def test_escalated_rectifications_floor_at_zero_and_none_is_full_marks(jiangning, department):
    value, inputs = indicators.compute("escalated_rectifications", jiangning, PERIOD)
    assert (value, inputs) == (D("100.00"), {"escalated": 0, "record_ids": []})

    for month in range(1, 7):
        rectification(department, deadline=f"2026-{month:02d}-15", escalation=2)
    value, _inputs = indicators.compute("escalated_rectifications", jiangning, PERIOD)
    # 100 − 20 × 6 = −20, at least 0.
    assert value == D("0.00")


# --- procurement_red_flags --------------------------------------------------------------------


def flag(purchaser, *, project=None, payment=None, status=FlagStatus.OPEN):
    target = project or payment
    return RedFlag.objects.create(
        rule=FlagRule.LATE_SIGNING if project else FlagRule.SME_PAYMENT_LATE,
        object_key=f"{type(target).__name__}-{target.pk}",
        purchaser=purchaser,
        project=project,
        payment=payment,
        status=status,
        reason="已核实" if status == FlagStatus.DISMISSED else "",
    ).pk


def test_procurement_red_flags_per_100_projects(jiangning, department, elsewhere):
    awarded = make_project(department)  # noticed 2026-02-10, awarded, with a contract
    payment = make_payment(make_contract(awarded))
    projects = [awarded] + [make_project(department, award_date=None) for _ in range(39)]
    last_year = make_project(department, award_date=None)
    ProcurementProject.objects.filter(pk=last_year.pk).update(notice_date=day("2025-06-01"))
    RedFlag.objects.all().delete()  # only the flags below
    counted = [
        flag(department, project=projects[1]),
        flag(department, project=projects[2], status=FlagStatus.CONFIRMED),
        flag(department, payment=payment),  # on a payment of a project of the period
    ]
    flag(department, project=projects[3], status=FlagStatus.DISMISSED)
    flag(department, project=last_year)
    flag(elsewhere, project=make_project(elsewhere, award_date=None))

    value, inputs = indicators.compute("procurement_red_flags", jiangning, PERIOD)

    # 3 flags not dismissed on 40 projects noticed in 2026 = 7.50 per 100;
    # 100 − 10 × 7.5 = 25.00.
    assert value == D("25.00")
    assert inputs == {
        "projects": 40,
        "flags": 3,
        "per_100_projects": "7.50",
        "flag_ids": sorted(counted),
    }


def test_procurement_red_flags_without_projects_is_no_data(jiangning, department):
    value, inputs = indicators.compute("procurement_red_flags", jiangning, PERIOD)
    assert value == D("100.00")
    assert inputs == {"projects": 0, "flags": 0, "no_data": True}


# --- sme_payment_on_time ----------------------------------------------------------------------


def payment(purchaser, *, due, paid=None, late_days=0, sme=True):
    row = make_payment(make_contract(make_project(purchaser, sme=sme)))
    Payment.objects.filter(pk=row.pk).update(
        due_date=day(due), paid_date=None if paid is None else day(paid), late_days=late_days
    )
    return row.pk


def test_sme_payment_on_time_is_the_share_paid_on_time(jiangning, department, elsewhere):
    on_time = payment(department, due="2026-05-31", paid="2026-05-20")
    late = payment(department, due="2026-05-31", paid="2026-06-10", late_days=10)
    overdue = payment(department, due="2026-10-31")  # unpaid, due date passed
    payment(department, due="2026-12-31")  # unpaid, not due yet: left out
    payment(department, due="2026-05-31", paid="2026-06-10", late_days=10, sme=False)
    payment(department, due="2025-05-31", paid="2025-06-10", late_days=10)  # last year
    payment(elsewhere, due="2026-05-31", paid="2026-06-10", late_days=10)

    value, inputs = indicators.compute("sme_payment_on_time", jiangning, PERIOD)

    # Counted: on_time, late, overdue; paid on time: 1 of 3 = 33.33.
    assert value == D("33.33")
    assert inputs == {
        "payments_due": 3,
        "on_time": 1,
        "payment_ids": sorted([on_time, late, overdue]),
        "late_payment_ids": sorted([late, overdue]),
    }


def test_sme_payment_on_time_without_payments_due_is_no_data(jiangning, department):
    payment(department, due="2026-12-31")  # not due yet
    value, inputs = indicators.compute("sme_payment_on_time", jiangning, PERIOD)
    assert value == D("100.00")
    assert inputs == {"payments_due": 0, "on_time": 0, "no_data": True}


# --- debt_risk_grade and debt_limit_compliance ------------------------------------------------


def test_debt_risk_grade_uses_the_latest_assessment_up_to_the_periods_year(regions, jiangning):
    make_profile(regions["320115"], 2024, ratio=350)  # red
    yellow = make_profile(regions["320115"], 2025, ratio=150)  # yellow
    make_profile(regions["320115"], 2027, ratio=50)  # after the period: ignored
    make_profile(regions["320102"], 2026, ratio=50)  # another district

    value, inputs = indicators.compute("debt_risk_grade", jiangning, PERIOD)

    # No 2026 assessment; the latest up to 2026 is 2025's, yellow = 80.
    assert value == D("80.00")
    assert inputs == {
        "year": 2025,
        "period_year": 2026,
        "grade": "yellow",
        "debt_ratio": "150.00",
        "assessment_id": yellow.assessment.pk,
    }


def test_debt_risk_grade_grades_each_colour(regions, jiangning):
    # 150 % yellow (80) in 2025 replaced by a 2026 assessment at 250 % (orange, 60).
    make_profile(regions["320115"], 2025, ratio=150)
    make_profile(regions["320115"], 2026, ratio=250)
    value, inputs = indicators.compute("debt_risk_grade", jiangning, PERIOD)
    assert (value, inputs["grade"], inputs["year"]) == (D("60.00"), "orange", 2026)


def test_debt_indicators_without_any_assessment_are_no_data(regions, jiangning, department):
    make_profile(regions["320115"], 2027, ratio=350)  # only a later year
    for key in ["debt_risk_grade", "debt_limit_compliance"]:
        value, inputs = indicators.compute(key, jiangning, PERIOD)
        assert (value, inputs) == (D("100.00"), {"period_year": 2026, "no_data": True})
    # A department has no debt profile of its own.
    one_department = RoundSubject(region=regions["320115"], department=department, name="局")
    assert indicators.compute("debt_risk_grade", one_department, PERIOD)[1]["no_data"]


def test_debt_limit_compliance_within_above_and_overdue(regions, jiangning):
    # Within the limits (50 + 80 against 600 and 900), nothing overdue: 100.
    within = make_profile(regions["320115"], 2024)
    value, inputs = indicators.compute("debt_limit_compliance", jiangning, PERIOD)
    assert value == D("100.00")
    assert inputs == {
        "year": 2024,
        "period_year": 2026,
        "limit_breached": False,
        "overdue_amount": "0",
        "assessment_id": within.assessment.pk,
    }

    # Within the limits, 5 overdue: 100 − 20 = 80.
    make_profile(regions["320115"], 2025, overdue_amount=D("5"))
    value, inputs = indicators.compute("debt_limit_compliance", jiangning, PERIOD)
    assert (value, inputs["year"], inputs["overdue_amount"]) == (D("80.00"), 2025, "5.0000")

    # General balance 700 above its limit of 600, and 5 overdue: 0 − 20, at least 0.
    make_profile(regions["320115"], 2026, general_balance=D("700"), overdue_amount=D("5"))
    value, inputs = indicators.compute("debt_limit_compliance", jiangning, PERIOD)
    assert (value, inputs["limit_breached"], inputs["year"]) == (D("0.00"), True, 2026)
