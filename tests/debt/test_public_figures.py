"""The public debt page shows every published ratio and the financial capacity, and offers
the same published figures as CSV (UTF-8 with a BOM, formulas neutralised); a withheld
profile is in neither."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.utils.translation import gettext

from core.models import Region

from ..builders.debt import make_profile

pytestmark = pytest.mark.django_db


def csv_table(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel and WPS read Chinese right
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def published(regions):
    nanjing, suzhou = regions["320100"], regions["320500"]
    make_profile(nanjing, 2024, ratio="150")
    nanjing_2025 = make_profile(
        nanjing, 2025, ratio="180", overdue_amount=Decimal("4.5"), new_debt=Decimal("27")
    )
    make_profile(suzhou, 2025, ratio="95", published=False)  # withheld
    return nanjing_2025


def test_the_page_shows_capacity_overdue_and_new_debt_ratios(published, client):
    html = client.get("/public/debt/?year=2025").content.decode()
    assessment = published.assessment

    assert assessment.overdue_ratio == Decimal("2.50")  # 4.5 of a balance of 180
    assert assessment.new_debt_ratio == Decimal("18.00")  # 27 of last year's balance of 150
    row = re.findall(r'<th scope="row">南京市</th>(.*?)</tr>', html, re.S)[0]  # the year's table
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    # Limits, balances, capacity, then debt, limit, debt-service, overdue, new-debt ratios.
    assert cells[4] == "100.00"
    assert cells[5] == str(assessment.debt_ratio) == "180.00"
    assert cells[8:10] == ["2.50", "18.00"]
    assert "苏州市" not in html
    assert 'href="/public/debt/figures.csv?year=2025"' in html
    assert 'href="/public/debt/figures.csv"' in html


def test_the_csv_holds_the_published_figures_only(published, client):
    rows = csv_table(client.get("/public/debt/figures.csv"))

    header, *data = rows
    assert header[:3] == [gettext("Region"), gettext("Region code"), gettext("Year")]
    by_key = {(row[0], row[2]): dict(zip(header, row, strict=True)) for row in data}
    assert set(by_key) == {("南京市", "2025"), ("南京市", "2024")}  # Suzhou is withheld
    nanjing = by_key[("南京市", "2025")]
    label = published.assessment._meta.get_field
    assert nanjing[str(label("overdue_ratio").verbose_name)] == "2.50"
    assert nanjing[str(label("new_debt_ratio").verbose_name)] == "18.00"
    assert nanjing[str(label("debt_ratio").verbose_name)] == "180.00"
    capacity = str(published._meta.get_field("financial_capacity").verbose_name)
    assert Decimal(nanjing[capacity]) == Decimal("100")
    assert nanjing[gettext("Grade")] == str(published.assessment.get_grade_display())


def test_the_csv_of_one_year_and_a_bad_year(published, client):
    rows = csv_table(client.get("/public/debt/figures.csv", {"year": 2024}))
    assert [row[2] for row in rows[1:]] == ["2024"]
    bad = client.get("/public/debt/figures.csv", {"year": "abc"})
    assert bad.status_code == 400
    assert "year" in bad.json()["errors"]


def test_the_csv_neutralises_formulas(published, client):
    Region.objects.filter(code="320100").update(name='=HYPERLINK("http://x","南京")')

    rows = csv_table(client.get("/public/debt/figures.csv"))

    assert {row[0] for row in rows[1:]} == {'\'=HYPERLINK("http://x","南京")'}
