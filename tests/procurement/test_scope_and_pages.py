"""Scope (a Nanjing supervisor never sees a Suzhou purchaser's projects, anywhere), the
pages, the export, the API, the admin and the department profile's panel."""

import csv
import datetime
import io

import pytest

from procurement import services
from procurement.models import FlagRule, ProcurementProject, RedFlag, ViolationKind

from ..builders.procurement import make_acceptance, make_contract, make_payment, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def nanjing_project(purchaser):
    project = make_project(purchaser, code="NJ-001", budget="100000", award_amount="120000")
    contract = make_contract(project)
    make_acceptance(contract)
    make_payment(contract)
    return project


@pytest.fixture
def suzhou_project(suzhou_purchaser):
    return make_project(suzhou_purchaser, code="SZ-001")


WORKSPACE_LISTS = [
    "/workspace/procurement/projects/",
    "/workspace/procurement/contracts/",
    "/workspace/procurement/payments/",
    "/workspace/procurement/flags/",
    "/workspace/procurement/violations/",
]


def test_a_nanjing_supervisor_sees_only_nanjing_projects_in_lists_and_exports(
    login, nanjing_supervisor, nanjing_project, suzhou_project
):
    client = login(nanjing_supervisor)
    body = client.get("/workspace/procurement/projects/").content.decode()
    assert "NJ-001" in body and "SZ-001" not in body
    response = client.get("/workspace/procurement/projects/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["NJ-001"]
    for url in WORKSPACE_LISTS:
        assert client.get(url).status_code == 200, url
        assert client.get(url + "?export=xlsx").status_code == 200, url


def test_a_suzhou_project_is_a_404_for_a_nanjing_supervisor_everywhere(
    login, nanjing_supervisor, suzhou_project, suzhou_purchaser
):
    client = login(nanjing_supervisor)
    pk = suzhou_project.pk
    for url in [
        f"/workspace/procurement/projects/{pk}/",
        f"/workspace/procurement/projects/{pk}/edit/",
        f"/workspace/procurement/projects/{pk}/contract/",
        f"/workspace/procurement/purchasers/{suzhou_purchaser.uscc}/",
        f"/api/v1/procurement/projects/{pk}/",
        f"/api/v1/procurement/purchasers/{suzhou_purchaser.uscc}/",
        f"/admin/procurement/procurementproject/{pk}/change/",
        f"/admin/procurement/procurementproject/{pk}/history/",
    ]:
        assert client.get(url).status_code == 404, url
    api = client.get("/api/v1/procurement/projects/").json()
    assert api["count"] == 0
    admin_list = client.get("/admin/procurement/procurementproject/").content.decode()
    assert "SZ-001" not in admin_list


def test_a_liaison_sees_their_own_departments_purchases_read_only(
    login, nanjing_liaison, nanjing_project, other_purchaser
):
    other = make_project(other_purchaser, code="JT-001")
    client = login(nanjing_liaison)
    body = client.get("/workspace/procurement/projects/").content.decode()
    assert "NJ-001" in body and "JT-001" not in body
    assert client.get(f"/workspace/procurement/projects/{nanjing_project.pk}/").status_code == 200
    assert client.get(f"/workspace/procurement/projects/{other.pk}/").status_code == 404
    assert (
        client.get(f"/workspace/procurement/projects/{nanjing_project.pk}/edit/").status_code == 403
    )
    assert client.get("/workspace/procurement/projects/?export=csv").status_code == 403


def test_an_auditor_reads_and_exports_but_cannot_decide(login, auditor, nanjing_project):
    client = login(auditor)
    assert client.get("/workspace/procurement/flags/?export=csv").status_code == 200
    flag = RedFlag.objects.filter(project=nanjing_project).first()
    response = client.post(f"/workspace/procurement/flags/{flag.pk}/dismiss/", {"reason": "x"})
    assert response.status_code == 403


def test_the_project_page_shows_its_whole_life_with_its_flags(
    login, nanjing_supervisor, nanjing_project
):
    body = (
        login(nanjing_supervisor)
        .get(f"/workspace/procurement/projects/{nanjing_project.pk}/")
        .content.decode()
    )
    # notice → award → contract → acceptance → payments, all done but the payment
    assert body.count('class="life-step') == 5
    assert body.count('class="life-step done"') == 4
    assert "NJ-001" in body
    flag = RedFlag.objects.get(project=nanjing_project, rule=FlagRule.AWARD_OVER_BUDGET)
    assert flag.describe() in body
    assert f"/workspace/procurement/flags/{flag.pk}/confirm/" in body


def test_officials_confirm_a_flag_through_the_form(login, nanjing_supervisor, nanjing_project):
    flag = RedFlag.objects.get(project=nanjing_project, rule=FlagRule.AWARD_OVER_BUDGET)
    client = login(nanjing_supervisor)
    bad = client.post(f"/workspace/procurement/flags/{flag.pk}/confirm/", {"severity": "general"})
    assert bad.status_code == 400
    response = client.post(
        f"/workspace/procurement/flags/{flag.pk}/confirm/",
        {
            "kind": "contract_management",
            "severity": "general",
            "decision_number": "宁财采监〔2026〕5号",
            "issuing_authority": "南京市财政局",
            "decided_on": "2026-11-19",
            "facts": "",
            "create_record": "on",
        },
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == "confirmed"
    record_page = client.get(f"/workspace/records/{flag.violation.record_id}/").content.decode()
    assert f"/workspace/procurement/violations/{flag.violation.pk}/" in record_page


def test_a_project_form_shows_errors_next_to_the_fields(login, nanjing_supervisor, purchaser):
    response = login(nanjing_supervisor).post(
        "/workspace/procurement/projects/new/",
        {
            "purchaser": purchaser.pk,
            "code": "X-1",
            "title": "t",
            "method": "open_tender",
            "budget": "100",
            "notice_date": "2026-05-01",
            "award_date": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ProcurementProject.objects.filter(code="X-1").exists()


@pytest.fixture
def two_violations(purchaser):
    """A general violation (−5 for two years) and a serious one (−50): 45 points, 1 star."""
    for severity, number, decided_on in [
        ("general", "宁财采监〔2026〕3号", datetime.date(2026, 6, 1)),
        ("serious", "宁财采监〔2026〕4号", datetime.date(2026, 7, 1)),
    ]:
        services.violation_create(
            actor=None,
            purchaser=purchaser,
            kind=ViolationKind.OTHER,
            severity=severity,
            decision_number=number,
            issuing_authority="南京市财政局",
            decided_on=decided_on,
            facts="事实",
            create_record=False,
        )


SCORE_REASONS = [
    "初始分：100",
    "宁财采监〔2026〕3号（一般）：其他，扣 5 分，计至 2028-06-01",
    "宁财采监〔2026〕4号（严重）：其他，扣 50 分",
]


def test_the_department_profile_shows_the_purchaser_credit_panel(
    login, nanjing_supervisor, nanjing_project, purchaser, two_violations
):
    body = (
        login(nanjing_supervisor).get(f"/workspace/departments/{purchaser.uscc}/").content.decode()
    )
    assert "purchaser-credit-heading" in body
    assert f"/workspace/procurement/purchasers/{purchaser.uscc}/" in body
    panel = body[body.index('aria-labelledby="purchaser-credit-heading"') :]
    assert '<span class="grade-letter">45</span>' in panel
    assert 'aria-label="1 星"' in panel
    for reason in SCORE_REASONS:
        assert f"<li>{reason}</li>" in panel


def test_the_purchaser_page_shows_the_score_and_reasons(
    login, nanjing_supervisor, purchaser, nanjing_project, two_violations
):
    response = login(nanjing_supervisor).get(f"/workspace/procurement/purchasers/{purchaser.uscc}/")
    assert response.status_code == 200
    body = response.content.decode()
    standing = body[body.index('aria-labelledby="score-heading"') :]
    assert '<span class="grade-letter">45</span>' in standing
    assert 'aria-label="1 星"' in standing
    for reason in SCORE_REASONS:
        assert f"<li>{reason}</li>" in standing


def test_the_api_lists_flags_and_dismisses_one(login, nanjing_supervisor, nanjing_project):
    client = login(nanjing_supervisor)
    flags = client.get("/api/v1/procurement/flags/?rule=award_over_budget").json()
    assert flags["count"] == 1
    pk = flags["results"][0]["id"]
    assert client.get("/api/v1/procurement/flags/?rulez=x").status_code == 400
    assert client.post(f"/api/v1/procurement/flags/{pk}/dismiss/", {}).status_code == 400
    response = client.post(
        f"/api/v1/procurement/flags/{pk}/dismiss/",
        {"reason": "预算已调整"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    again = client.post(
        f"/api/v1/procurement/flags/{pk}/dismiss/", {"reason": "x"}, content_type="application/json"
    )
    assert again.status_code == 409


def test_the_api_creates_a_project_only_inside_the_scope(
    login, nanjing_supervisor, purchaser, suzhou_purchaser
):
    client = login(nanjing_supervisor)
    data = {
        "purchaser": purchaser.uscc,
        "code": "API-1",
        "title": "接口项目",
        "method": "inquiry",
        "budget": "5000.00",
        "notice_date": "2026-11-01",
    }
    assert (
        client.post(
            "/api/v1/procurement/projects/", data, content_type="application/json"
        ).status_code
        == 201
    )
    data.update(purchaser=suzhou_purchaser.uscc, code="API-2")
    response = client.post("/api/v1/procurement/projects/", data, content_type="application/json")
    assert response.status_code == 400
    assert "purchaser" in response.json()


def _grant(user, *codenames):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="procurement", codename__in=codenames)
    )


def test_each_form_page_needs_its_own_models_permission(login, nanjing_liaison, nanjing_project):
    """A liaison reads only; given one model's permission at a time, the page of that model
    opens (and its link shows) and the others stay closed. The project's own change
    permission opens none of them."""
    pk = nanjing_project.pk
    payment = nanjing_project.contract.payments.get()
    pages = {
        "contract": f"/workspace/procurement/projects/{pk}/contract/",
        "acceptance": f"/workspace/procurement/projects/{pk}/acceptance/",
        "new payment": f"/workspace/procurement/projects/{pk}/payments/new/",
        "payment": f"/workspace/procurement/projects/{pk}/payments/{payment.pk}/",
    }

    def opens():
        client = login(nanjing_liaison)
        return {name for name, url in pages.items() if client.get(url).status_code == 200}

    def links():
        body = login(nanjing_liaison).get(f"/workspace/procurement/projects/{pk}/").content
        return {name for name, url in pages.items() if f'href="{url}"'.encode() in body}

    assert opens() == set() and links() == set()
    _grant(nanjing_liaison, "change_procurementproject")
    assert opens() == set() and links() == set()
    _grant(nanjing_liaison, "change_contract")
    assert opens() == {"contract"} == links()
    _grant(nanjing_liaison, "change_acceptance")
    assert opens() == {"contract", "acceptance"} == links()
    _grant(nanjing_liaison, "add_payment")
    assert opens() == {"contract", "acceptance", "new payment"} == links()
    _grant(nanjing_liaison, "change_payment")
    assert opens() == set(pages) == links()


def test_recording_a_first_contract_needs_the_add_permission(login, nanjing_liaison, purchaser):
    project = make_project(purchaser, code="NEW-CONTRACT")
    url = f"/workspace/procurement/projects/{project.pk}/contract/"
    _grant(nanjing_liaison, "change_contract")
    assert login(nanjing_liaison).get(url).status_code == 403
    _grant(nanjing_liaison, "add_contract")
    assert login(nanjing_liaison).get(url).status_code == 200
