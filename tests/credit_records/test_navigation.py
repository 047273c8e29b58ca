"""The workspace navigation follows the role: a department liaison sees neither the debt
and evaluation sections nor the admin; supervisors, auditors and administrators do."""

import re

import pytest

pytestmark = pytest.mark.django_db

# Label (as users read it, zh-hans by default) and where it leads.
SUPERVISION_ITEMS = {
    "政府债务": "/workspace/debt/",
    "债务风险预警": "/workspace/debt/warnings/",
    "政务诚信评价": "/workspace/evaluations/",
    "管理后台": "/admin/",
}


def navigation(client) -> dict[str, str]:
    """The main navigation's links on the workspace home, label -> URL."""
    page = client.get("/workspace/").content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', page, re.S)
    assert nav, "the workspace home has no main navigation"
    return {
        label.strip(): url
        for url, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(0))
    }


def test_a_liaison_sees_no_debt_evaluation_or_admin_item(login, nanjing_liaison):
    items = navigation(login(nanjing_liaison))

    assert not set(SUPERVISION_ITEMS) & set(items)
    assert not any(
        url.startswith(("/admin/", "/workspace/debt/", "/workspace/evaluations/"))
        for url in items.values()
    )
    assert "失信记录" in items  # the liaison's own records are still there


@pytest.mark.parametrize(
    "role_fixture", ["province_supervisor", "nanjing_supervisor", "auditor", "administrator"]
)
def test_supervisors_auditors_and_administrators_see_debt_evaluations_and_admin(
    request, login, role_fixture
):
    items = navigation(login(request.getfixturevalue(role_fixture)))

    for label, url in SUPERVISION_ITEMS.items():
        assert items.get(label) == url, (role_fixture, label, items)
