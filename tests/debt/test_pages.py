"""The debt pages render with their server-side SVG charts (nothing loaded from elsewhere),
the public disclosure page shows published figures to anyone, the API saves through the
services, and the demo data loads idempotently."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from debt import charts
from debt.models import DebtProfile, EmergencyEvent, RiskAssessment, RiskWarning, WarningStatus

from ..builders.debt import make_profile

pytestmark = pytest.mark.django_db

SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def svgs(html: str) -> list[str]:
    return SVG.findall(html)


def assert_self_contained(svg: str) -> None:
    assert "http://" not in svg and "https://" not in svg and "//" not in svg.replace("</", "")
    assert "<script" not in svg
    assert "<title" in svg


@pytest.fixture
def series(regions):
    nanjing = regions["320100"]
    for year, ratio in [(2021, "110"), (2022, "125"), (2023, "180"), (2024, "210")]:
        make_profile(nanjing, year, ratio=ratio)
    return make_profile(nanjing, 2025, ratio="305", general_limit=Decimal("300"))


def test_the_region_page_draws_both_charts(series, nanjing_supervisor, login):
    page = login(nanjing_supervisor).get("/workspace/debt/regions/320100/")
    assert page.status_code == 200
    html = page.content.decode()
    drawn = svgs(html)
    assert len(drawn) == 2
    for svg in drawn:
        assert_self_contained(svg)
    ratio, balance = drawn
    assert "305" in ratio and "2021" in ratio
    assert "<polyline" in ratio
    assert "chart-flagged" in balance  # 2025's balance is above its limit
    assert 'class="badge bad"' in html  # the breach is flagged in the table too


def test_the_overview_draws_regions_by_grade(series, regions, province_supervisor, login):
    make_profile(regions["320500"], 2025, ratio="90")
    page = login(province_supervisor).get("/workspace/debt/?year=2025")
    html = page.content.decode()
    (svg,) = svgs(html)
    assert_self_contained(svg)
    assert "grade-red" in svg and "grade-green" in svg
    assert "南京市" in svg and "苏州市" in svg and "无锡市" in svg  # no data: still listed
    assert 'href="/workspace/debt/regions/320100/"' in html


def test_the_overview_counts_the_cities_and_shows_the_province_apart(
    regions, province_supervisor, login
):
    make_profile(regions["320000"], 2025, ratio="250")  # the province as a whole: orange
    make_profile(regions["320100"], 2025, ratio="90")  # green
    make_profile(regions["320500"], 2025, ratio="95")  # green
    make_profile(regions["321100"], 2025, ratio="320")  # red

    page = login(province_supervisor).get("/workspace/debt/?year=2025")
    html = page.content.decode()

    counts = {g["grade"]: g["count"] for g in page.context["grades"]}
    assert counts == {"green": 2, "yellow": 0, "orange": 0, "red": 1}
    stats = dict(re.findall(r'grade=(\w+)"><span class="stat-value">(\d+)<', html))
    assert stats == {"green": "2", "yellow": "0", "orange": "0", "red": "1"}
    (svg,) = svgs(html)
    assert svg.count('class="chart-bar"') == 13  # the 13 cities, not the province
    assert "江苏省" not in svg
    # The province stays in the table, marked as the total, and its ratio is shown apart.
    assert [row.region.code for row in page.context["totals"]] == ["320000"]
    assert page.context["rows"][0].region.code == "320000" and page.context["rows"][0].total
    assert 'class="debt-total-row"' in html
    assert 'href="/workspace/debt/regions/320000/"><span class="stat-value">250.00%' in html


def test_a_city_overview_counts_its_districts_not_itself(regions, nanjing_supervisor, login):
    nanjing = regions["320100"]
    district = nanjing.children.order_by("code").first()
    make_profile(nanjing, 2025, ratio="320")  # red: the city as a whole
    make_profile(district, 2025, ratio="90")

    page = login(nanjing_supervisor).get("/workspace/debt/?year=2025")

    counts = {g["grade"]: g["count"] for g in page.context["grades"]}
    assert counts == {"green": 1, "yellow": 0, "orange": 0, "red": 0}
    assert [row.region for row in page.context["totals"]] == [nanjing]


def test_a_chart_with_one_year_and_no_ratio_still_renders():
    svg = charts.line_chart(
        chart_id="x",
        title="t",
        description="d",
        categories=["2025"],
        series=[charts.Series("s", [None])],
    )
    assert svg.startswith("<svg")


def test_the_lists_render_with_filters(series, province_supervisor, login):
    client = login(province_supervisor)
    for url in [
        "/workspace/debt/profiles/?year=2025&grade=red",
        "/workspace/debt/assessments/?grade=red",
        "/workspace/debt/warnings/?status=draft",
        "/workspace/debt/emergencies/",
        "/workspace/debt/audits/",
        "/workspace/debt/terms/",
        "/workspace/debt/bonds/",
        "/workspace/debt/ratings/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/workspace/debt/profiles/?year=2025&grade=green").context["rows"] == []
    assert len(client.get("/workspace/debt/profiles/?grade=red").context["rows"]) == 1


def test_the_profile_form_saves_through_the_service(regions, nanjing_supervisor, login):
    client = login(nanjing_supervisor)
    data = {
        "region": regions["320100"].pk,
        "year": 2025,
        "general_limit": "600",
        "special_limit": "900",
        "general_balance": "500",
        "special_balance": "700",
        "financial_capacity": "400",
        "principal_due": "90",
        "interest_due": "30",
        "overdue_amount": "0",
        "new_debt": "100",
        "published": "on",
        "notes": "",
    }
    assert client.post("/workspace/debt/profiles/new/", data).status_code == 302
    assert RiskAssessment.objects.get().grade == "red"
    again = client.post("/workspace/debt/profiles/new/", data)
    assert again.status_code == 200
    assert DebtProfile.objects.count() == 1
    negative = client.post(
        "/workspace/debt/profiles/new/", {**data, "year": 2024, "new_debt": "-1"}
    )
    assert negative.status_code == 200
    assert DebtProfile.objects.count() == 1


def test_the_public_page_shows_published_figures_to_anyone(series, regions, client):
    make_profile(regions["320500"], 2025, ratio="90", published=False)
    page = client.get("/public/debt/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "南京市" in html
    assert "苏州市" not in html  # withheld
    assert "305.00" in html
    (svg,) = svgs(html)
    assert_self_contained(svg)
    assert 'href="/public/debt/"' in html  # the public navigation's debt slot is a link now
    assert page["Cache-Control"].startswith("public") or "public" in page["Cache-Control"]
    assert client.get("/public/debt/?year=2021").status_code == 200
    assert client.get("/public/debt/?year=abc").status_code == 200


def test_the_api_creates_a_profile_and_assesses_it(
    regions, nanjing_supervisor, province_supervisor, login
):
    client = login(nanjing_supervisor)
    response = client.post(
        "/api/v1/debt/profiles/",
        {
            "region": "320100",
            "year": 2025,
            "general_limit": "100",
            "special_limit": "100",
            "general_balance": "150",
            "special_balance": "50",
            "financial_capacity": "100",
            "principal_due": "10",
            "interest_due": "5",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["assessment"]["debt_ratio"] == "200.00"
    assert body["assessment"]["grade"] == "orange"
    assert body["assessment"]["general_limit_breached"] is True
    duplicate = client.post(
        "/api/v1/debt/profiles/",
        {**response.json(), "assessment": None},
        content_type="application/json",
    )
    assert duplicate.status_code == 400
    assert client.get("/api/v1/debt/profiles/?colour=red").status_code == 400
    # Two grounds, two drafts: the orange grade, and the general balance above its limit.
    assert set(RiskWarning.objects.values_list("ground", flat=True)) == {"grade", "limit"}
    warning = RiskWarning.objects.get(ground="grade")
    # Nanjing's warning is issued by the office above it.
    client = login(province_supervisor)
    issued = client.post(
        f"/api/v1/debt/warnings/{warning.pk}/issue/",
        {"required_response": "说明原因"},
        content_type="application/json",
    )
    assert issued.status_code == 200
    assert issued.json()["status"] == WarningStatus.ISSUED
    again = client.post(
        f"/api/v1/debt/warnings/{warning.pk}/issue/", {}, content_type="application/json"
    )
    assert again.status_code == 409


def test_the_demo_data_loads_twice_without_duplicates(regions):
    from debt.demo import seed_demo

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (DebtProfile.objects.count(), RiskWarning.objects.count())
    assert counts[0] == 14 * 5
    assert seed_demo()["profiles"] == 0
    assert (DebtProfile.objects.count(), RiskWarning.objects.count()) == counts
    grades_2025 = set(
        RiskAssessment.objects.filter(profile__year=2025).values_list("grade", flat=True)
    )
    assert grades_2025 == {"green", "yellow", "orange", "red"}
    assert RiskAssessment.objects.filter(special_limit_breached=True).exists()
    assert RiskWarning.objects.filter(status=WarningStatus.DRAFT).exists()
    assert RiskWarning.objects.filter(status=WarningStatus.ISSUED).count() == 1
    # Only the current drafts wait: each region's older drafts on the same ground were
    # superseded by the service.
    drafts = RiskWarning.objects.filter(status=WarningStatus.DRAFT)
    assert set(drafts.values_list("profile__year", flat=True)) == {2025}
    assert drafts.count() == drafts.values("region", "ground").distinct().count()
    assert RiskWarning.objects.filter(status=WarningStatus.WITHDRAWN, automatic=True).exists()
    assert EmergencyEvent.objects.count() == 1
