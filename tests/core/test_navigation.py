"""The workspace navigation: grouped into menus, each showing only what the role may open."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def navigation(client, path="/workspace/"):
    response = client.get(path)
    assert response.status_code == 200
    return response.context["workspace_nav"], response.content.decode()


def labels(items):
    return [str(item["label"]) for item in items]


def urls(items):
    found = []
    for item in items:
        found += [child["url"] for child in item.get("children", [])] or [item["url"]]
    return found


def test_a_supervisor_finds_every_page_in_six_entries_and_the_admin(nanjing_supervisor, login):
    items, body = navigation(login(nanjing_supervisor))
    assert len(items) == 6
    assert set(urls(items)) == {
        reverse(name)
        for name in [
            "workspace:home",
            "workspace:record_list",
            "workspace:department_list",
            "workspace:official_list",
            "workspace:commendation_list",
            "workspace:commitment_list",
            "workspace:region_list",
            "procurement:project_list",
            "procurement:flag_list",
            "debt:overview",
            "debt:warning_list",
            "evaluations:round_list",
            "workspace:objection_list",
            "workspace:complaint_list",
            "workspace:export_list",
            "workspace:watch_list",
            "workspace:intake_list",
            "workspace:court_case_list",
            "workspace:report_list",
            "procurement:agreement_list",
            "procurement:arrears_ledger",
            "two_factor_setup",
            "api_token",
            "session_list",
        ]
    }
    # The menus are <details> drop-downs: every link is in the page, no script needed.
    assert body.count('<li class="nav-menu">') == 4
    for url in urls(items):
        assert f'href="{url}"' in body
    assert "<script" not in body


def test_a_liaison_sees_only_the_menus_of_what_the_role_may_open(nanjing_liaison, login):
    items, body = navigation(login(nanjing_liaison))
    shown = urls(items)
    assert reverse("workspace:record_list") in shown
    for hidden in ["debt:overview", "debt:warning_list", "evaluations:round_list"]:
        assert reverse(hidden) not in shown
    assert 'href="/admin/"' not in body
    # No menu is ever empty, and a menu left with one link is shown as that link.
    for item in items:
        assert "children" not in item or len(item["children"]) > 1


def test_the_menu_of_the_current_page_is_marked(nanjing_supervisor, login):
    items, body = navigation(login(nanjing_supervisor), reverse("workspace:department_list"))
    menu = next(item for item in items if item.get("children"))
    assert menu["active"]
    assert [child["active"] for child in menu["children"]].count(True) == 1
    assert '<summary class="active">' in body
    assert 'aria-current="page"' in body


# Where the supervision pages lead; a liaison reaches none of them.
SUPERVISION_URLS = [
    "/workspace/debt/",
    "/workspace/debt/warnings/",
    "/workspace/evaluations/",
    "/admin/",
]


def navigation_links(client) -> dict[str, str]:
    """The main navigation's links on the workspace home, URL -> label, menus included."""
    page = client.get("/workspace/").content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', page, re.S)
    assert nav, "the workspace home has no main navigation"
    return {
        url: label.strip()
        for url, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(0))
    }


def test_a_liaison_sees_no_debt_evaluation_or_admin_item(login, nanjing_liaison):
    links = navigation_links(login(nanjing_liaison))

    assert not any(
        url.startswith(("/admin/", "/workspace/debt/", "/workspace/evaluations/")) for url in links
    )
    assert links.get(reverse("workspace:record_list")) == "失信记录"  # their own records


@pytest.mark.parametrize(
    "role_fixture", ["province_supervisor", "nanjing_supervisor", "auditor", "administrator"]
)
def test_supervisors_auditors_and_administrators_see_debt_evaluations_and_admin(
    request, login, role_fixture
):
    links = navigation_links(login(request.getfixturevalue(role_fixture)))

    for url in SUPERVISION_URLS:
        assert url in links, (role_fixture, url, links)
    assert links["/workspace/debt/warnings/"] == "债务风险预警"
    assert links["/workspace/evaluations/"] == "政务诚信评价"
