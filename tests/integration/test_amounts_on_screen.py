"""Amounts of money read alike on every screen: a comma between thousands and two decimals
("9,999,999,999,999.99"), rounded half up to the cent, never in scientific notation, whatever
the language; codes, dates and amounts are kept on one line (``.nowrap``, ``.mono``, ``.num``)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template import engines
from django.utils import translation

from core.money import format_money
from procurement.models import Payment

from ..builders.debt import make_profile
from ..builders.procurement import make_contract, make_payment, make_project

LARGEST = "9999999999999.99"  # the largest amount a procurement field holds
SHOWN = "9,999,999,999,999.99"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0.00"),
        (Decimal("0"), "0.00"),
        (Decimal("0.005"), "0.01"),  # half up (四舍五入), not half to even
        (Decimal("0.004999"), "0.00"),
        (Decimal("0.015"), "0.02"),
        (Decimal("2.675"), "2.68"),
        (2.675, "2.68"),  # a float is read as it prints, not as its binary value
        (Decimal(LARGEST), SHOWN),
        (Decimal("999.995"), "1,000.00"),
        (Decimal("1234567.8"), "1,234,567.80"),
        (1234567, "1,234,567.00"),
        ("1234.5", "1,234.50"),
        (Decimal("-1234.5"), "-1,234.50"),
        (Decimal("-0.001"), "0.00"),  # no "-0.00"
        (Decimal("-0.005"), "-0.01"),
        (Decimal("1E+7"), "10,000,000.00"),  # never scientific notation
        (Decimal("1E-7"), "0.00"),
        (
            Decimal("123456789012345678901234567890.125"),
            "123,456,789,012,345,678,901,234,567,890.13",
        ),
    ],
)
def test_an_amount_shows_thousands_separators_and_two_decimals(value, shown):
    assert format_money(value) == shown


@pytest.mark.parametrize("value", [None, "", "abc", Decimal("NaN"), Decimal("Infinity"), True])
def test_no_amount_or_something_not_a_number_shows_a_dash(value):
    assert format_money(value) == "—"


def test_the_template_filter_is_there_on_every_page_and_does_not_follow_the_language():
    template = engines["django"].from_string("{{ amount|money }}|{{ missing|money }}")
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert template.render({"amount": Decimal("-1234567.805")}) == "-1,234,567.81|—"


def cell_text(html: str, text: str) -> bool:
    """Whether ``text`` is shown whole (not broken into pieces by markup)."""
    return text in re.sub(r"\s+", " ", html)


@pytest.mark.django_db
def test_procurement_pages_show_the_largest_amount_with_separators(
    login, nanjing_supervisor, nanjing_department, client
):
    project = make_project(nanjing_department, code="MAX-S", budget=LARGEST, award_amount=LARGEST)
    contract = make_contract(project, amount=LARGEST)
    make_payment(contract, amount="1234567.8")
    session = login(nanjing_supervisor)
    for url in (
        "/workspace/procurement/projects/",
        f"/workspace/procurement/projects/{project.pk}/",
        "/workspace/procurement/contracts/",
    ):
        html = session.get(url).content.decode()
        assert cell_text(html, SHOWN), url
        assert LARGEST not in html, url
        assert "E+" not in html, url
    html = session.get("/workspace/procurement/payments/").content.decode()
    assert cell_text(html, "1,234,567.80")
    assert '<td class="num">1,234,567.80</td>' in html

    public = client.get(f"/public/procurement/projects/{project.pk}/").content.decode()
    assert cell_text(public, SHOWN)


@pytest.mark.django_db
def test_the_admin_change_lists_show_amounts_with_separators(
    login, administrator, nanjing_department
):
    project = make_project(nanjing_department, code="MAX-A", budget=LARGEST, award_amount=LARGEST)
    make_payment(make_contract(project, amount=LARGEST), amount="1234567.8")
    assert Payment.objects.count() == 1
    session = login(administrator)
    projects = session.get("/admin/procurement/procurementproject/").content.decode()
    assert f'<span class="money">{SHOWN}</span>' in projects
    payments = session.get("/admin/procurement/payment/").content.decode()
    assert '<span class="money">1,234,567.80</span>' in payments
    # Still sortable by the amount's own field.
    assert session.get("/admin/procurement/payment/?o=3").status_code == 200


@pytest.mark.django_db
def test_debt_pages_show_amounts_in_100_million_yuan_with_separators(
    login, nanjing_supervisor, regions, client
):
    make_profile(
        regions["320100"],
        2025,
        general_limit=Decimal("12345.6789"),
        general_balance=Decimal("1234.5"),
        financial_capacity=Decimal("2000"),
    )
    html = login(nanjing_supervisor).get("/workspace/debt/regions/320100/").content.decode()
    assert cell_text(html, "12,345.68")
    assert cell_text(html, "1,234.50")
    public = client.get("/public/debt/").content.decode()
    assert cell_text(public, "12,345.68")


@pytest.mark.django_db
def test_dates_codes_and_amounts_are_kept_on_one_line(
    login, nanjing_supervisor, nanjing_department
):
    project = make_project(nanjing_department, code="CG-NOWRAP", budget=LARGEST)
    html = login(nanjing_supervisor).get(f"/workspace/procurement/projects/{project.pk}/")
    html = html.content.decode()
    notice = project.notice_date.isoformat()
    assert f'<span class="nowrap">{notice}</span>' in html
    workspace_css = Path(finders.find("css/chengxin.css")).read_text(encoding="utf-8")
    public_css = Path(finders.find("css/public.css")).read_text(encoding="utf-8")
    assert ".nowrap, .mono, .table .num { white-space: nowrap; }" in workspace_css
    assert ".nowrap, .pub-mono, .pub-table .num { white-space: nowrap; }" in public_css


def test_an_exact_amount_keeps_the_decimals_that_decide_a_comparison():
    from core.money import format_money

    assert format_money(Decimal("20.0001"), exact=True) == "20.0001"
    assert format_money(Decimal("20.0001")) == "20.00"
    assert format_money(Decimal("20"), exact=True) == "20.00"
    assert format_money(Decimal("1234567.125"), exact=True) == "1,234,567.125"
    assert format_money(Decimal("20.10"), exact=True) == "20.10"
