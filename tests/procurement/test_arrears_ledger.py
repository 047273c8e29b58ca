"""The arrears ledger: ageing at each bucket's edges, the SME share, repayment plans and their
limits, an overdue instalment flagged like an overdue obligation (and confirmed into a
record), procurement's late SME payments read from the payments (no copy), progress against a
region's baseline, complaint links, and a city seeing its own arrears only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.deadlines import SOURCES
from credit_records.models import ComplaintCategory, RecordCategory
from procurement import agreement_rules as ar
from procurement import ledger, services
from procurement.models import ArrearsBaseline, ArrearsItem, FlagRule, RedFlag, ViolationKind

from ..builders.agreements import make_agreement, make_arrears
from ..builders.complaints import make_complaint
from ..builders.procurement import make_acceptance, make_contract, make_payment, make_project

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)  # the procurement tests' fixed day


def items_and_payments(user=None):
    if user is None:
        from procurement.models import Payment

        return ArrearsItem.objects.all(), Payment.objects.all()
    return ledger.scoped_items(user), ledger.scoped_payments(user)


# --- ageing buckets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "days, bucket",
    [
        (0, None),
        (1, "d30"),
        (30, "d30"),
        (31, "d90"),
        (90, "d90"),
        (91, "d180"),
        (180, "d180"),
        (181, "d365"),
        (365, "d365"),
        (366, "over365"),
    ],
)
def test_each_bucket_holds_its_upper_edge(days, bucket):
    assert ar.ageing_bucket(days) == bucket


@pytest.mark.parametrize(
    "days, bucket", [(30, "d30"), (31, "d90"), (365, "d365"), (366, "over365")]
)
def test_the_ledger_ages_arrears_by_days_since_the_due_date(purchaser, days, bucket):
    make_arrears(purchaser, amount="1000", due=TODAY - datetime.timedelta(days=days))
    found = ledger.lines(*items_and_payments(), TODAY)
    assert [(line.days_overdue, line.bucket) for line in found] == [(days, bucket)]
    summary = ledger.total(found)
    assert summary.buckets[bucket] == Decimal("1000.00")
    assert sum(summary.buckets.values()) == Decimal("1000.00")


def test_arrears_due_today_are_not_yet_in_the_ledger(purchaser):
    make_arrears(purchaser, due=TODAY)
    assert ledger.lines(*items_and_payments(), TODAY) == []


def test_the_bucket_due_ranges_match_the_buckets():
    for key, *_rest in ar.AGEING_BUCKETS:
        earliest, latest = ar.bucket_due_range(key, TODAY)
        assert ar.ageing_bucket((TODAY - latest).days) == key
        if earliest is not None:
            assert ar.ageing_bucket((TODAY - earliest).days) == key
            assert ar.ageing_bucket((TODAY - earliest).days + 1) != key


# --- SME share and summaries -----------------------------------------------------------------


def test_the_sme_share_is_the_smes_part_of_what_is_outstanding(purchaser, other_purchaser):
    make_arrears(purchaser, amount="300", sme=True, due=TODAY - datetime.timedelta(days=5))
    make_arrears(purchaser, amount="100", sme=False, due=TODAY - datetime.timedelta(days=5))
    make_arrears(other_purchaser, amount="50", sme=True, due=TODAY - datetime.timedelta(days=5))
    found = ledger.lines(*items_and_payments(), TODAY)
    rows = {row.name: row for row in ledger.summarise(found, "department")}
    assert rows[purchaser.name].outstanding == Decimal("400.00")
    assert rows[purchaser.name].sme_share == Decimal("75.00")
    assert ledger.total(found).sme_share == Decimal("77.78")  # 350 of 450
    by_city = ledger.summarise(found, "city")
    assert [(row.name, row.outstanding) for row in by_city] == [("南京市", Decimal("450.00"))]


# --- repayment plans -------------------------------------------------------------------------


def test_a_plan_may_total_exactly_what_is_owed_but_not_a_cent_more(purchaser):
    item = make_arrears(purchaser, amount="1000")
    with pytest.raises(ValidationError) as error:
        services.repayment_plan_set(
            actor=None,
            item=item,
            agreed_on=datetime.date(2026, 7, 1),
            instalments=[
                (datetime.date(2026, 8, 1), Decimal("500")),
                (datetime.date(2026, 9, 1), Decimal("500.01")),
            ],
        )
    assert "instalments" in error.value.message_dict
    assert not item.instalments.exists()
    created = services.repayment_plan_set(
        actor=None,
        item=item,
        agreed_on=datetime.date(2026, 7, 1),
        instalments=[
            (datetime.date(2026, 8, 1), Decimal("500")),
            (datetime.date(2026, 9, 1), Decimal("500")),
        ],
    )
    assert [(i.sequence, i.amount) for i in created] == [(1, Decimal("500")), (2, Decimal("500"))]


def test_instalments_fall_due_in_order_and_not_before_the_plan(purchaser):
    item = make_arrears(purchaser, amount="1000")
    for instalments in (
        [(datetime.date(2026, 9, 1), Decimal("100")), (datetime.date(2026, 8, 1), Decimal("100"))],
        [(datetime.date(2026, 6, 30), Decimal("100"))],
        [(datetime.date(2026, 8, 1), Decimal("0"))],
    ):
        with pytest.raises(ValidationError):
            services.repayment_plan_set(
                actor=None, item=item, agreed_on=datetime.date(2026, 7, 1), instalments=instalments
            )
    assert not item.instalments.exists()


def test_a_new_plan_keeps_the_paid_instalments_and_counts_them(purchaser):
    item = make_arrears(purchaser, amount="1000")
    first, _second = services.repayment_plan_set(
        actor=None,
        item=item,
        agreed_on=datetime.date(2026, 7, 1),
        instalments=[
            (datetime.date(2026, 8, 1), Decimal("400")),
            (datetime.date(2026, 9, 1), Decimal("600")),
        ],
    )
    services.instalment_pay(actor=None, instalment=first, paid_on=datetime.date(2026, 8, 1))
    with pytest.raises(ValidationError):
        services.repayment_plan_set(
            actor=None,
            item=item,
            agreed_on=datetime.date(2026, 9, 2),
            instalments=[(datetime.date(2026, 12, 1), Decimal("600.01"))],
        )
    services.repayment_plan_set(
        actor=None,
        item=item,
        agreed_on=datetime.date(2026, 9, 2),
        instalments=[
            (datetime.date(2026, 12, 1), Decimal("300")),
            (datetime.date(2027, 1, 4), Decimal("300")),
        ],
    )
    assert list(item.instalments.values_list("sequence", "amount", "paid_on")) == [
        (1, Decimal("400.00"), datetime.date(2026, 8, 1)),
        (2, Decimal("300.00"), None),
        (3, Decimal("300.00"), None),
    ]
    line = ledger.lines(*items_and_payments(), TODAY)[0]
    assert (line.repaid, line.outstanding) == (Decimal("400.00"), Decimal("600.00"))


def test_a_repayment_outside_a_plan_reduces_what_is_outstanding(purchaser):
    item = make_arrears(purchaser, amount="1000")
    services.repayment_record(actor=None, item=item, paid_on=TODAY, amount=Decimal("1000"))
    line = ledger.lines(*items_and_payments(), TODAY)[0]
    assert (line.outstanding, line.bucket, line.repaid) == (0, None, Decimal("1000.00"))
    with pytest.raises(ValidationError):
        services.repayment_record(actor=None, item=item, paid_on=TODAY, amount=Decimal("0.01"))


# --- overdue instalments ---------------------------------------------------------------------


def _plan(item, due):
    return services.repayment_plan_set(
        actor=None,
        item=item,
        agreed_on=datetime.date(2026, 7, 1),
        instalments=[(due, Decimal("500"))],
    )[0]


def test_an_instalment_is_flagged_the_day_after_its_due_day_not_on_it(purchaser):
    due = datetime.date(2026, 8, 31)
    instalment = _plan(make_arrears(purchaser, amount="1000"), due)
    services.instalments_scan(due)
    assert not RedFlag.objects.filter(instalment=instalment).exists()
    services.instalments_scan(due + datetime.timedelta(days=1))
    services.instalments_scan(due + datetime.timedelta(days=1))
    flag = RedFlag.objects.get(instalment=instalment)
    assert (flag.rule, flag.evidence["days_overdue"]) == (FlagRule.INSTALMENT_OVERDUE, 1)


def test_an_instalment_paid_on_its_due_day_is_never_flagged(purchaser):
    due = datetime.date(2026, 8, 31)
    instalment = _plan(make_arrears(purchaser), due)
    services.instalment_pay(actor=None, instalment=instalment, paid_on=due)
    services.instalments_scan(TODAY)
    assert not RedFlag.objects.filter(instalment=instalment).exists()


def test_an_overdue_instalment_to_an_sme_is_confirmed_as_sme_arrears(purchaser, nanjing_supervisor):
    instalment = _plan(make_arrears(purchaser, sme=True), datetime.date(2026, 8, 31))
    services.instalments_scan(TODAY)
    flag = RedFlag.objects.get(instalment=instalment)
    violation = services.flag_confirm(
        actor=nanjing_supervisor,
        flag=flag,
        severity="general",
        decision_number="宁信办〔2026〕30号",
        issuing_authority="南京市信用办",
    )
    assert violation.kind == ViolationKind.SME_ARREARS
    assert violation.record.category == RecordCategory.SME_ARREARS


def test_an_unpaid_instalment_gets_reminders(purchaser):
    due = datetime.date(2026, 11, 23)
    instalment = _plan(make_arrears(purchaser), due)
    assert [i.object_id for i in SOURCES["arrears_instalment"].items(due, due)] == [instalment.pk]


# --- procurement payments in the ledger ------------------------------------------------------


def test_a_late_sme_procurement_payment_appears_in_the_ledger_from_the_payment(purchaser):
    project = make_project(purchaser, sme=True)
    contract = make_contract(project)
    make_acceptance(contract)
    payment = make_payment(contract, amount="100000", disputed="20000")
    assert payment.due_date < TODAY
    found = ledger.lines(*items_and_payments(), TODAY)
    assert [(line.source, line.pk, line.outstanding) for line in found] == [
        ("procurement", payment.pk, Decimal("80000.00"))
    ]
    assert line_days(found) == [(TODAY - payment.due_date).days]
    assert not ArrearsItem.objects.exists()  # read, not copied
    # Paid (late): repaid, no longer outstanding.
    payment.paid_date = TODAY
    services.payment_save(actor=None, payment=payment)
    (line,) = ledger.lines(*items_and_payments(), TODAY)
    assert (line.outstanding, line.repaid) == (0, Decimal("80000.00"))


def line_days(found):
    return [line.days_overdue for line in found]


def test_a_non_sme_procurement_payment_is_not_in_the_ledger(purchaser):
    contract = make_contract(make_project(purchaser, sme=False))
    make_acceptance(contract)
    make_payment(contract)
    assert ledger.lines(*items_and_payments(), TODAY) == []


# --- baseline --------------------------------------------------------------------------------


def test_progress_is_the_fall_of_the_stock_from_the_baseline(purchaser, regions):
    nanjing = regions["320100"]
    ArrearsBaseline.objects.create(region=nanjing, as_of=datetime.date(2026, 1, 1), amount=1000)
    item = make_arrears(purchaser, amount="800", due=datetime.date(2025, 12, 1))
    services.repayment_record(actor=None, item=item, paid_on=TODAY, amount=Decimal("550"))
    result = ledger.progress(nanjing, TODAY)
    assert (result.outstanding, result.reduced, result.percent) == (
        Decimal("250.00"),
        Decimal("750.00"),
        Decimal("75.00"),
    )
    assert ar.reduction(Decimal("0"), Decimal("10")) == (Decimal("-10"), None)


# --- complaints and scope --------------------------------------------------------------------


def test_a_complaint_about_sme_arrears_links_to_arrears_or_an_agreement(
    purchaser, nanjing_supervisor
):
    complaint, _code = make_complaint(purchaser)
    item = make_arrears(purchaser)
    link = services.complaint_link(actor=nanjing_supervisor, complaint=complaint, arrears_item=item)
    assert link.arrears_item == item
    with pytest.raises(ValidationError):
        services.complaint_link(actor=nanjing_supervisor, complaint=complaint, arrears_item=item)
    agreement = make_agreement(purchaser)
    services.complaint_link(actor=nanjing_supervisor, complaint=complaint, agreement=agreement)
    assert complaint.procurement_links.count() == 2


def test_a_complaint_of_another_category_or_department_is_not_linked(
    purchaser, other_purchaser, nanjing_supervisor
):
    other, _code = make_complaint(purchaser, category=ComplaintCategory.INACTION)
    with pytest.raises(ValidationError):
        services.complaint_link(
            actor=nanjing_supervisor, complaint=other, arrears_item=make_arrears(purchaser)
        )
    complaint, _code = make_complaint(purchaser)
    with pytest.raises(ValidationError):
        services.complaint_link(
            actor=nanjing_supervisor,
            complaint=complaint,
            arrears_item=make_arrears(other_purchaser),
        )


def test_a_city_sees_its_own_arrears_and_agreements_only(
    purchaser, suzhou_purchaser, nanjing_supervisor, suzhou_supervisor
):
    from core.scope import scope_queryset
    from procurement.models import Agreement

    mine = make_arrears(purchaser, due=TODAY - datetime.timedelta(days=3))
    theirs = make_arrears(suzhou_purchaser, due=TODAY - datetime.timedelta(days=3))
    make_agreement(purchaser)
    make_agreement(suzhou_purchaser)
    assert [line.pk for line in ledger.lines(*items_and_payments(nanjing_supervisor), TODAY)] == [
        mine.pk
    ]
    assert [line.pk for line in ledger.lines(*items_and_payments(suzhou_supervisor), TODAY)] == [
        theirs.pk
    ]
    assert {a.department for a in scope_queryset(nanjing_supervisor, Agreement.objects.all())} == {
        purchaser
    }
