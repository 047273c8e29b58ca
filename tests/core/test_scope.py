"""Scope: a user sees and changes only their region's subtree (or, for a liaison, their own
department), on every page that can reach a department: workspace, admin, autocomplete."""

import pytest
from django.contrib.auth.models import Group

from core.models import Department, Region, User
from core.roles import Role
from core.scope import scope_queryset

from ..builders.core import UserFactory, valid_uscc

WORKSPACE_LIST = "/workspace/departments/"
ADMIN_LIST = "/admin/core/department/"


def detail_url(department):
    return f"/workspace/departments/{department.uscc}/"


def admin_change_url(department):
    return f"{ADMIN_LIST}{department.pk}/change/"


def admin_form_data(department, **changes):
    data = {
        "name": department.name,
        "uscc": department.uscc,
        "kind": department.kind,
        "region": department.region_id,
        "parent": department.parent_id or "",
        "active": "on" if department.active else "",
    }
    data.update(changes)
    return data


def listed_departments(response):
    return {department.name for department in response.context["object_list"]}


def admin_listed_departments(response):
    return {department.name for department in response.context["cl"].result_list}


@pytest.fixture
def departments(nanjing_department, jiangning_department, suzhou_department):
    return nanjing_department, jiangning_department, suzhou_department


# --- Supervisors: a region and everything below it -----------------------------------------


def test_a_nanjing_supervisor_lists_nanjing_and_its_counties_but_not_suzhou(
    login, nanjing_supervisor, departments
):
    response = login(nanjing_supervisor).get(WORKSPACE_LIST)
    assert response.status_code == 200
    assert listed_departments(response) == {"南京市财政局", "南京市江宁区住房和城乡建设局"}
    assert "苏州市财政局" not in response.content.decode()


def test_a_nanjing_supervisor_cannot_open_a_suzhou_department(
    login, nanjing_supervisor, suzhou_department
):
    assert login(nanjing_supervisor).get(detail_url(suzhou_department)).status_code == 404


def test_a_nanjing_supervisor_opens_a_department_in_a_nanjing_county(
    login, nanjing_supervisor, jiangning_department
):
    response = login(nanjing_supervisor).get(detail_url(jiangning_department))
    assert response.status_code == 200
    assert jiangning_department.name in response.content.decode()


def test_the_provincial_supervisor_sees_nanjing_and_suzhou(login, province_supervisor, departments):
    client = login(province_supervisor)
    assert listed_departments(client.get(WORKSPACE_LIST)) == {
        department.name for department in departments
    }
    for department in departments:
        assert client.get(detail_url(department)).status_code == 200


def test_a_suzhou_supervisor_does_not_see_nanjing(login, suzhou_supervisor, departments):
    response = login(suzhou_supervisor).get(WORKSPACE_LIST)
    assert listed_departments(response) == {"苏州市财政局"}


def test_the_region_list_of_a_nanjing_supervisor_stops_at_nanjing(
    login, nanjing_supervisor, regions
):
    response = login(nanjing_supervisor).get("/workspace/regions/", {"page": 1})
    codes = {region.code for region in response.context["paginator"].object_list}
    expected = {code for code in regions if code.startswith("3201")}
    assert codes == expected
    assert "320500" not in codes
    assert "320000" not in codes


# --- The admin shows and changes the same scope ---------------------------------------------


def test_a_nanjing_supervisor_admin_changelist_omits_suzhou(login, nanjing_supervisor, departments):
    response = login(nanjing_supervisor).get(ADMIN_LIST)
    assert response.status_code == 200
    assert admin_listed_departments(response) == {"南京市财政局", "南京市江宁区住房和城乡建设局"}
    assert "苏州市财政局" not in response.content.decode()


def test_the_provincial_supervisor_admin_changelist_shows_every_city(
    login, province_supervisor, departments
):
    response = login(province_supervisor).get(ADMIN_LIST)
    assert admin_listed_departments(response) == {department.name for department in departments}


def test_a_nanjing_supervisor_cannot_open_a_suzhou_department_in_the_admin(
    login, nanjing_supervisor, suzhou_department
):
    assert login(nanjing_supervisor).get(admin_change_url(suzhou_department)).status_code == 404


def test_a_nanjing_supervisor_cannot_change_a_suzhou_department_in_the_admin(
    login, nanjing_supervisor, suzhou_department
):
    response = login(nanjing_supervisor).post(
        admin_change_url(suzhou_department), admin_form_data(suzhou_department, name="改名")
    )
    assert response.status_code == 404
    suzhou_department.refresh_from_db()
    assert suzhou_department.name == "苏州市财政局"


def test_a_nanjing_supervisor_can_change_a_nanjing_department_in_the_admin(
    login, nanjing_supervisor, nanjing_department
):
    response = login(nanjing_supervisor).post(
        admin_change_url(nanjing_department),
        admin_form_data(nanjing_department, name="南京市财政局（新）"),
    )
    assert response.status_code == 302
    nanjing_department.refresh_from_db()
    assert nanjing_department.name == "南京市财政局（新）"


def test_a_nanjing_supervisor_cannot_read_the_history_of_a_suzhou_department(
    login, nanjing_supervisor, suzhou_department
):
    response = login(nanjing_supervisor).get(f"{ADMIN_LIST}{suzhou_department.pk}/history/")
    assert response.status_code == 404
    assert "苏州市财政局" not in response.content.decode()


def test_a_nanjing_supervisor_cannot_revert_a_suzhou_department_through_its_history(
    login, nanjing_supervisor, suzhou_department, regions
):
    version = suzhou_department.history.latest()
    url = f"{ADMIN_LIST}{suzhou_department.pk}/history/{version.history_id}/"
    client = login(nanjing_supervisor)
    assert client.get(url).status_code == 404
    response = client.post(
        url, admin_form_data(suzhou_department, name="改名", region=regions["320100"].pk)
    )
    assert response.status_code == 404
    suzhou_department.refresh_from_db()
    assert (suzhou_department.name, suzhou_department.region.code) == ("苏州市财政局", "320500")


def test_a_nanjing_supervisor_cannot_open_a_suzhou_region_in_the_admin(
    login, nanjing_supervisor, regions
):
    client = login(nanjing_supervisor)
    assert client.get(f"/admin/core/region/{regions['320500'].pk}/change/").status_code == 404
    listed = client.get("/admin/core/region/", {"all": ""}).context["cl"].result_list
    assert {region.code for region in listed} == {c for c in regions if c.startswith("3201")}


def test_a_nanjing_supervisor_cannot_add_a_department_in_a_suzhou_region(
    login, nanjing_supervisor, regions
):
    uscc = valid_uscc(7, "320500")
    response = login(nanjing_supervisor).post(
        f"{ADMIN_LIST}add/",
        {"name": "苏州市新部门", "uscc": uscc, "kind": "organ", "region": regions["320500"].pk},
    )
    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not Department.objects.filter(uscc=uscc).exists()


def test_a_nanjing_supervisor_cannot_move_a_nanjing_department_to_suzhou(
    login, nanjing_supervisor, nanjing_department, regions
):
    response = login(nanjing_supervisor).post(
        admin_change_url(nanjing_department),
        admin_form_data(nanjing_department, region=regions["320500"].pk),
    )
    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    nanjing_department.refresh_from_db()
    assert nanjing_department.region.code == "320100"


def test_a_nanjing_supervisor_cannot_place_a_department_below_a_suzhou_department(
    login, nanjing_supervisor, nanjing_department, suzhou_department
):
    response = login(nanjing_supervisor).post(
        admin_change_url(nanjing_department),
        admin_form_data(nanjing_department, parent=suzhou_department.pk),
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    nanjing_department.refresh_from_db()
    assert nanjing_department.parent is None


def autocomplete(client, field_name, term):
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "core",
            "model_name": "department",
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    return {result["text"] for result in response.json()["results"]}


def test_the_region_autocomplete_offers_a_nanjing_supervisor_only_nanjing_regions(
    login, nanjing_supervisor, regions
):
    client = login(nanjing_supervisor)
    assert autocomplete(client, "region", "苏州") == set()
    assert autocomplete(client, "region", "区") == {
        region.name
        for code, region in regions.items()
        if code.startswith("3201") and code != "320100"
    }


def test_the_parent_department_autocomplete_offers_a_nanjing_supervisor_only_nanjing(
    login, nanjing_supervisor, departments
):
    client = login(nanjing_supervisor)
    assert autocomplete(client, "parent", "财政局") == {"南京市财政局"}


def test_the_provincial_supervisor_autocomplete_offers_every_city(
    login, province_supervisor, regions
):
    assert autocomplete(login(province_supervisor), "region", "苏州") == {"苏州市"}


# --- Department liaisons: one department -----------------------------------------------------


def test_a_liaison_lists_only_their_own_department(login, nanjing_liaison, departments):
    response = login(nanjing_liaison).get(WORKSPACE_LIST)
    assert listed_departments(response) == {"南京市财政局"}


def test_a_liaison_opens_their_own_department(login, nanjing_liaison, nanjing_department):
    assert login(nanjing_liaison).get(detail_url(nanjing_department)).status_code == 200


def test_a_liaison_cannot_open_another_nanjing_department(
    login, nanjing_liaison, departments, regions
):
    neighbour = Department.objects.create(
        name="南京市交通运输局", uscc=valid_uscc(99, "320100"), region=regions["320100"]
    )
    client = login(nanjing_liaison)
    assert client.get(detail_url(neighbour)).status_code == 404
    assert client.get(detail_url(departments[1])).status_code == 404
    assert client.get(detail_url(departments[2])).status_code == 404


# --- Auditors: everything in the province, read only ----------------------------------------


def test_the_auditor_sees_every_department_in_the_province(login, auditor, departments):
    client = login(auditor)
    assert listed_departments(client.get(WORKSPACE_LIST)) == {d.name for d in departments}
    assert admin_listed_departments(client.get(ADMIN_LIST)) == {d.name for d in departments}
    assert client.get(admin_change_url(departments[2])).status_code == 200


def test_the_auditor_cannot_change_a_department_in_the_admin(login, auditor, suzhou_department):
    response = login(auditor).post(
        admin_change_url(suzhou_department), admin_form_data(suzhou_department, name="改名")
    )
    assert response.status_code == 403
    suzhou_department.refresh_from_db()
    assert suzhou_department.name == "苏州市财政局"


def test_the_auditor_cannot_revert_a_department_through_its_history(
    login, auditor, suzhou_department
):
    version = suzhou_department.history.latest()
    response = login(auditor).post(
        f"{ADMIN_LIST}{suzhou_department.pk}/history/{version.history_id}/",
        admin_form_data(suzhou_department, name="改名"),
    )
    assert response.status_code == 403
    suzhou_department.refresh_from_db()
    assert suzhou_department.name == "苏州市财政局"


def test_the_auditor_cannot_add_a_department_in_the_admin(login, auditor, regions):
    uscc = valid_uscc(8, "320100")
    response = login(auditor).post(
        f"{ADMIN_LIST}add/",
        {"name": "新部门", "uscc": uscc, "kind": "organ", "region": regions["320100"].pk},
    )
    assert response.status_code == 403
    assert not Department.objects.filter(uscc=uscc).exists()


# --- No scope, no sign-in ---------------------------------------------------------------------


def test_a_user_without_a_role_sees_no_department(login, user_without_role, departments):
    client = login(user_without_role)
    assert client.get(WORKSPACE_LIST).status_code == 403
    assert client.get(detail_url(departments[0])).status_code == 403
    assert scope_queryset(user_without_role, Department.objects.all()).count() == 0


def test_a_supervisor_left_without_a_scope_sees_nothing_rather_than_everything(login, departments):
    # A scope can be lost by hand (a region cleared in the database); the selector fails closed.
    user = UserFactory(username="lost", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.SUPERVISOR.value))
    client = login(user)
    response = client.get(WORKSPACE_LIST)
    assert response.status_code == 200
    assert listed_departments(response) == set()
    assert client.get(detail_url(departments[0])).status_code == 404
    assert admin_listed_departments(client.get(ADMIN_LIST)) == set()
    assert client.get(admin_change_url(departments[0])).status_code == 404


def test_a_deactivated_supervisor_sees_nothing(nanjing_supervisor, departments):
    nanjing_supervisor.is_active = False
    nanjing_supervisor.save()
    assert not scope_queryset(nanjing_supervisor, Department.objects.all()).exists()
    assert not scope_queryset(nanjing_supervisor, Region.objects.all()).exists()


def test_users_are_out_of_every_supervisor_scope(nanjing_supervisor, nanjing_liaison):
    assert not scope_queryset(nanjing_supervisor, User.objects.all()).exists()
    assert not scope_queryset(nanjing_liaison, User.objects.all()).exists()


@pytest.mark.parametrize("url", ["/workspace/", WORKSPACE_LIST, "/workspace/regions/"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, nanjing_department, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next={url}")


def test_an_anonymous_visitor_cannot_open_a_department(client, nanjing_department):
    response = client.get(detail_url(nanjing_department))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get(ADMIN_LIST).status_code == 302


# --- Rows that hang from a department: named by the subtree's departments ------------------


def test_a_supervisor_s_records_are_those_of_the_departments_of_their_subtree(
    nanjing_supervisor, departments
):
    from credit_records.models import DishonestyRecord
    from tests.builders.records import RecordFactory

    nanjing, jiangning, _suzhou = departments
    for department in departments:
        RecordFactory(department=department)
    scoped = scope_queryset(nanjing_supervisor, DishonestyRecord.objects.all())
    assert {record.department for record in scoped} == {nanjing, jiangning}
    # Named by the departments' ids, not a join through each record's department to its
    # region: the list's order index then serves a county's page (docs/performance.md).
    sql = str(scoped.query)
    assert '"department_id" IN (SELECT' in sql
    assert sql.split(" WHERE ")[0].count("JOIN") == 0
