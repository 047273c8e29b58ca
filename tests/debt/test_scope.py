"""Scope: a Nanjing supervisor cannot see Suzhou's debt anywhere (lists, pages, exports,
API, admin: absent or 404); the province sees every city; liaisons see no debt at all."""

import pytest

from debt.models import RiskWarning

from ..builders.debt import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles(regions):
    return {
        "nanjing": make_profile(regions["320100"], ratio="150"),
        "suzhou": make_profile(regions["320500"], ratio="250"),
    }


LISTS = [
    "/workspace/debt/",
    "/workspace/debt/profiles/",
    "/workspace/debt/assessments/",
    "/workspace/debt/warnings/",
]


@pytest.mark.parametrize("url", LISTS)
def test_a_city_supervisor_sees_only_their_city(url, profiles, nanjing_supervisor, login):
    page = login(nanjing_supervisor).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "南京市" in body
    assert "苏州市" not in body


@pytest.mark.parametrize("url", LISTS)
def test_the_province_sees_every_city(url, profiles, province_supervisor, login):
    body = login(province_supervisor).get(url).content.decode()
    assert "南京市" in body
    assert "苏州市" in body


def test_another_citys_pages_are_not_found(profiles, nanjing_supervisor, login):
    client = login(nanjing_supervisor)
    suzhou_warning = RiskWarning.objects.get(region__code="320500")
    assert client.get("/workspace/debt/regions/320500/").status_code == 404
    assert client.get(f"/workspace/debt/profiles/{profiles['suzhou'].pk}/edit/").status_code == 404
    assert client.get(f"/workspace/debt/warnings/{suzhou_warning.pk}/").status_code == 404
    assert (
        client.post(
            f"/workspace/debt/warnings/{suzhou_warning.pk}/issue/", {"required_response": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(f"/workspace/debt/profiles/{profiles['suzhou'].pk}/recompute/").status_code
        == 404
    )
    assert client.get("/workspace/debt/regions/320100/").status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_hold_only_rows_in_scope(fmt, profiles, nanjing_supervisor, login):
    response = login(nanjing_supervisor).get(f"/workspace/debt/profiles/?export={fmt}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    if fmt == "csv":
        text = content.decode("utf-8-sig")
        assert "南京市" in text
        assert "苏州市" not in text
    else:
        import io

        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = {str(cell.value) for row in sheet.iter_rows() for cell in row}
        assert "南京市" in cells
        assert "苏州市" not in cells


def test_the_api_lists_only_rows_in_scope(profiles, nanjing_supervisor, login):
    client = login(nanjing_supervisor)
    listing = client.get("/api/v1/debt/profiles/").json()
    assert [row["region"] for row in listing["results"]] == ["320100"]
    assert client.get(f"/api/v1/debt/profiles/{profiles['suzhou'].pk}/").status_code == 404
    assessments = client.get("/api/v1/debt/assessments/").json()["results"]
    assert {row["region"] for row in assessments} == {"320100"}
    warnings = client.get("/api/v1/debt/warnings/").json()["results"]
    assert {row["region"] for row in warnings} == {"320100"}


def test_the_api_refuses_writing_outside_the_scope(profiles, nanjing_supervisor, login):
    client = login(nanjing_supervisor)
    suzhou_warning = RiskWarning.objects.get(region__code="320500")
    response = client.post(
        f"/api/v1/debt/warnings/{suzhou_warning.pk}/issue/",
        {"required_response": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    created = client.post(
        "/api/v1/debt/profiles/",
        {
            "region": "320500",
            "year": 2024,
            "general_limit": "1",
            "special_limit": "1",
            "general_balance": "1",
            "special_balance": "1",
            "financial_capacity": "1",
            "principal_due": "0",
            "interest_due": "0",
        },
        content_type="application/json",
    )
    assert created.status_code == 400
    assert "region" in created.json()


def test_the_admin_hides_other_cities(profiles, nanjing_supervisor, login):
    client = login(nanjing_supervisor)
    changelist = client.get("/admin/debt/debtprofile/")
    assert changelist.status_code == 200
    assert "南京市" in changelist.content.decode()
    assert "苏州市" not in changelist.content.decode()
    change = client.get(f"/admin/debt/debtprofile/{profiles['suzhou'].pk}/change/")
    assert change.status_code == 404
    history = client.get(f"/admin/debt/debtprofile/{profiles['suzhou'].pk}/history/")
    assert history.status_code == 404


def test_a_liaison_sees_no_debt(profiles, nanjing_liaison, login):
    client = login(nanjing_liaison)
    assert client.get("/workspace/debt/").status_code == 403
    assert client.get("/workspace/debt/regions/320100/").status_code == 403
    assert client.get("/api/v1/debt/profiles/").status_code == 403


def test_an_auditor_views_and_exports(profiles, auditor, login):
    client = login(auditor)
    assert client.get("/workspace/debt/profiles/?export=csv").status_code == 200
    assert client.get("/workspace/debt/regions/320500/").status_code == 200
    assert (
        client.post("/api/v1/debt/profiles/", {}, content_type="application/json").status_code
        == 403
    )
