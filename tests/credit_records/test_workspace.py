"""The officials' workspace: the home page's counts, the department list's filters and pages,
and the language switch."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from core.models import Department
from credit_records import selectors
from credit_records.models import Rectification

from ..builders.core import DepartmentFactory
from ..builders.records import make_record

HOME = "/workspace/"
LIST = "/workspace/departments/"


@pytest.fixture
def landscape(regions):
    """Departments in Nanjing (city and counties) and in Suzhou, of both kinds."""
    nanjing = [
        DepartmentFactory(name="南京市财政局", region=regions["320100"]),
        DepartmentFactory(name="南京市交通运输局", region=regions["320100"]),
        DepartmentFactory(name="南京市政府采购中心", region=regions["320100"], kind="institution"),
        DepartmentFactory(name="江宁区住房和城乡建设局", region=regions["320115"]),
        DepartmentFactory(name="鼓楼区教育局", region=regions["320106"], active=False),
    ]
    suzhou = [
        DepartmentFactory(name="苏州市财政局", region=regions["320500"]),
        DepartmentFactory(name="昆山市财政局", region=regions["320583"]),
        DepartmentFactory(name="苏州市立医院", region=regions["320500"], kind="institution"),
    ]
    return {"nanjing": nanjing, "suzhou": suzhou}


def stat(response, label: str) -> int:
    """The number shown next to a headline label on the home page."""
    with override("zh-hans"):
        translated = gettext(label)
    page = response.content.decode()
    match = re.search(
        r'stat-value">\s*([\d,]+)\s*</span>\s*<span class="stat-label">\s*' + re.escape(translated),
        page,
    )
    assert match, f"no headline {translated!r}"
    return int(match.group(1).replace(",", ""))


def listed(response) -> set[str]:
    return {department.name for department in response.context["object_list"]}


# --- Home ------------------------------------------------------------------------------------


def test_the_home_page_counts_only_the_departments_in_a_nanjing_supervisors_scope(
    login, nanjing_supervisor, landscape
):
    response = login(nanjing_supervisor).get(HOME)
    nanjing = landscape["nanjing"]
    assert stat(response, "Departments") == len(nanjing)
    assert stat(response, "Active departments") == sum(d.active for d in nanjing)
    assert stat(response, "Government organs") == sum(d.kind == "organ" for d in nanjing)
    assert stat(response, "Public institutions") == sum(d.kind == "institution" for d in nanjing)


def test_the_home_page_of_the_provincial_supervisor_counts_every_city(
    login, province_supervisor, landscape
):
    response = login(province_supervisor).get(HOME)
    assert stat(response, "Departments") == len(landscape["nanjing"]) + len(landscape["suzhou"])


def test_the_home_page_of_a_liaison_counts_their_own_department(login, nanjing_liaison, landscape):
    assert stat(login(nanjing_liaison).get(HOME), "Departments") == 1


def test_the_home_page_of_a_user_without_a_role_counts_nothing(login, user_without_role, landscape):
    response = login(user_without_role).get(HOME)
    assert response.status_code == 200
    assert stat(response, "Departments") == 0
    assert stat(response, "Regions") == 0


def test_the_provincial_home_page_breaks_departments_down_by_city(
    login, province_supervisor, landscape
):
    rows = login(province_supervisor).get(HOME).context["by_region"]
    by_city = {row["region"].code: row["departments"] for row in rows}
    assert by_city["320100"] == len(landscape["nanjing"])  # the city and its counties
    assert by_city["320500"] == len(landscape["suzhou"])
    assert by_city["320200"] == 0
    assert len(by_city) == 13


def test_the_nanjing_home_page_breaks_departments_down_by_county(
    login, nanjing_supervisor, landscape
):
    rows = login(nanjing_supervisor).get(HOME).context["by_region"]
    counts = {row["region"].code: row["departments"] for row in rows}
    assert counts["320100"] == 3  # directly in the city
    assert counts["320115"] == 1
    assert counts["320106"] == 1
    assert "320500" not in counts


# --- The department list -------------------------------------------------------------------


def test_searching_by_part_of_a_name(login, province_supervisor, landscape):
    response = login(province_supervisor).get(LIST, {"q": "财政"})
    assert listed(response) == {"南京市财政局", "苏州市财政局", "昆山市财政局"}


def test_searching_by_a_credit_code_typed_in_lower_case(login, province_supervisor, landscape):
    target = landscape["suzhou"][1]
    response = login(province_supervisor).get(LIST, {"q": f" {target.uscc.lower()} "})
    assert listed(response) == {target.name}


def test_a_search_cannot_reach_outside_the_scope(login, nanjing_supervisor, landscape):
    target = landscape["suzhou"][0]
    client = login(nanjing_supervisor)
    assert listed(client.get(LIST, {"q": target.uscc})) == set()
    assert listed(client.get(LIST, {"q": "苏州"})) == set()


def test_filtering_by_a_city_includes_its_counties(login, province_supervisor, landscape, regions):
    response = login(province_supervisor).get(LIST, {"region": regions["320100"].pk})
    assert listed(response) == {department.name for department in landscape["nanjing"]}


def test_filtering_by_a_county_shows_only_that_county(
    login, province_supervisor, landscape, regions
):
    response = login(province_supervisor).get(LIST, {"region": regions["320583"].pk})
    assert listed(response) == {"昆山市财政局"}


def test_filtering_by_kind(login, province_supervisor, landscape):
    response = login(province_supervisor).get(LIST, {"kind": "institution"})
    assert listed(response) == {"南京市政府采购中心", "苏州市立医院"}


def test_filtering_by_status(login, nanjing_supervisor, landscape):
    client = login(nanjing_supervisor)
    assert listed(client.get(LIST, {"active": "false"})) == {"鼓楼区教育局"}
    assert "鼓楼区教育局" not in listed(client.get(LIST, {"active": "true"}))


def test_filters_combine(login, province_supervisor, landscape, regions):
    response = login(province_supervisor).get(
        LIST, {"region": regions["320500"].pk, "kind": "organ", "q": "财政"}
    )
    assert listed(response) == {"苏州市财政局", "昆山市财政局"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "bogus"), ("region", "99999999"), ("region", "abc")],
)
def test_an_unknown_filter_value_shows_a_form_error_instead_of_failing(
    login, province_supervisor, landscape, field, value
):
    response = login(province_supervisor).get(LIST, {field: value})
    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert field in errors
    assert escape(errors[field][0]) in response.content.decode()


def test_a_region_outside_the_scope_is_an_unknown_filter_value(
    login, nanjing_supervisor, landscape, regions
):
    response = login(nanjing_supervisor).get(LIST, {"region": regions["320500"].pk})
    assert response.status_code == 200
    assert "region" in response.context["filter"].form.errors
    assert listed(response) == set()
    assert "苏州市财政局" not in response.content.decode()


def test_the_region_choices_offered_are_those_in_scope(login, nanjing_supervisor, regions):
    response = login(nanjing_supervisor).get(LIST)
    offered = {region.code for region in response.context["filter"].form.fields["region"].queryset}
    assert offered == {code for code in regions if code.startswith("3201")}


def test_a_long_list_is_split_into_pages_that_keep_the_filters(login, nanjing_supervisor, regions):
    for number in range(30):
        DepartmentFactory(name=f"南京测试局{number:02d}", region=regions["320100"])
    DepartmentFactory(name="南京测试事业单位", region=regions["320100"], kind="institution")
    client = login(nanjing_supervisor)

    first = client.get(LIST, {"kind": "organ"})
    page_size = first.context["paginator"].per_page
    assert len(first.context["object_list"]) == page_size < 30
    assert first.context["paginator"].count == 30
    next_link = re.search(r'href="\?([^"]+)" rel="next"', first.content.decode()).group(1)
    assert "kind=organ" in next_link and "page=2" in next_link

    second = client.get(f"{LIST}?{next_link.replace('&amp;', '&')}")
    assert len(second.context["object_list"]) == 30 - page_size
    assert listed(first).isdisjoint(listed(second))
    assert "南京测试事业单位" not in listed(first) | listed(second)


def test_a_page_beyond_the_last_is_not_found_rather_than_an_error(
    login, nanjing_supervisor, landscape
):
    assert login(nanjing_supervisor).get(LIST, {"page": 99}).status_code == 404


def test_the_department_page_shows_its_code_region_and_subordinates(
    login, nanjing_supervisor, regions
):
    parent = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    DepartmentFactory(name="南京市政府采购中心", region=regions["320100"], parent=parent)
    response = login(nanjing_supervisor).get(f"{LIST}{parent.uscc}/")
    page = response.content.decode()
    assert parent.uscc in page
    assert "南京市" in page
    assert "南京市政府采购中心" in page


def test_the_department_page_shows_the_head_told_when_a_rectification_is_overdue(
    login, nanjing_supervisor, regions
):
    department = DepartmentFactory(
        name="南京市财政局",
        region=regions["320100"],
        head_name="王局长",
        head_email="head@czj.nanjing.gov.cn",
    )
    without_head = DepartmentFactory(name="南京市审计局", region=regions["320100"])
    client = login(nanjing_supervisor)

    page = client.get(f"{LIST}{department.uscc}/").content.decode()
    assert "王局长" in page
    assert 'href="mailto:head@czj.nanjing.gov.cn"' in page
    assert "mailto:" not in client.get(f"{LIST}{without_head.uscc}/").content.decode()


def test_the_department_page_shows_its_change_history(login, nanjing_supervisor, regions):
    department = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    department.name = "南京市财政局（新）"
    department.save()
    response = login(nanjing_supervisor).get(f"{LIST}{department.uscc}/")
    assert len(response.context["history"]) == 2
    assert Department.objects.get().name == "南京市财政局（新）"


def test_the_department_page_shows_the_newest_records_and_links_to_all_of_them(
    login, nanjing_supervisor, regions
):
    department = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    start = datetime.date(2026, 1, 1)
    for n in range(23):
        make_record(
            department,
            state="draft",
            decision_number=f"宁财罚〔2026〕{n}号",
            decision_date=start + datetime.timedelta(days=n),
        )
    response = login(nanjing_supervisor).get(f"{LIST}{department.uscc}/")
    page = response.content.decode()
    shown = [record.decision_number for record in response.context["records"]]
    assert shown == [f"宁财罚〔2026〕{n}号" for n in range(22, 2, -1)]  # newest first, 20
    assert response.context["records_total"] == 23
    assert escape(f"/workspace/records/?department={department.uscc}") in page
    # The link leads to every record of the department.
    listed_records = login(nanjing_supervisor).get(
        f"/workspace/records/?department={department.uscc}"
    )
    assert listed_records.context["paginator"].count == 23


def test_an_exempted_record_is_kept_for_audit_apart_without_a_disclosure_date(
    login, nanjing_supervisor, regions
):
    department = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    confirmed = make_record(department, state="confirmed", decision_number="宁财罚〔2026〕1号")
    exempted = make_record(department, state="exempted", decision_number="宁财罚〔2026〕2号")

    response = login(nanjing_supervisor).get(f"{LIST}{department.uscc}/")
    page = response.content.decode()

    assert [record.pk for record in response.context["records"]] == [confirmed.pk]
    assert response.context["records_total"] == 1
    assert [record.pk for record in response.context["exempted_records"]] == [exempted.pk]
    audit_section = page[page.index('id="exempted-records"') :]
    audit_section = audit_section[: audit_section.index("</section>")]
    assert exempted.decision_number in audit_section
    assert "已免责（容错纠错）" in audit_section
    assert exempted.disclosure_ends.strftime("%Y-%m-%d") not in audit_section
    in_file = page[: page.index('id="exempted-records"')]
    assert exempted.decision_number not in in_file.split('id="records-heading"')[1]
    assert confirmed.disclosure_ends.strftime("%Y-%m-%d") in in_file


def test_the_department_page_reads_the_same_queries_however_many_records(
    login, nanjing_supervisor, regions, django_assert_num_queries
):
    """No query a record, nor a step of the timeline (the page reads only some of a record's
    fields: a template touching another would show here)."""
    department = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    client = login(nanjing_supervisor)
    url = f"{LIST}{department.uscc}/"
    make_record(department, state="closed", severity="serious")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for state in ("draft", "confirmed", "rectification_required", "in_progress", "closed"):
        for severity in ("minor", "general", "serious"):
            make_record(department, state=state, severity=severity)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["records"]) == 16


def test_the_profile_reads_standing_and_honours_as_the_selectors_do(
    login, nanjing_supervisor, regions
):
    """The profile takes the standing and honours status from its one query of the records;
    they are those the selectors compute on their own, whatever the records' states."""
    department = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    today = timezone.localdate()
    for n, (state, severity, days_ago) in enumerate(
        [
            ("draft", "serious", 10),
            ("confirmed", "general", 40),
            ("rectification_required", "minor", 100),
            ("closed", "serious", 200),
            ("closed", "minor", 900),
            ("exempted", "serious", 30),
        ]
    ):
        make_record(
            department,
            state=state,
            severity=severity,
            decision_number=f"宁财罚〔2026〕{n}号",
            decision_date=today - datetime.timedelta(days=days_ago),
        )
    overdue = make_record(department, state="rectification_required", severity="minor")
    Rectification.objects.filter(record=overdue).update(deadline=today - datetime.timedelta(days=5))
    profile = selectors.department_credit_profile(department)
    assert any("overdue" in reason or "逾期" in reason for reason in profile.standing.reasons)
    assert profile.standing == selectors.department_standing(department)
    assert profile.honours == selectors.honours_status(department)
    assert profile.standing.grade in ("C", "D") and not profile.honours.eligible
    response = login(nanjing_supervisor).get(f"{LIST}{department.uscc}/")
    assert response.context["standing"] == profile.standing
    assert response.context["honours"] == profile.honours


# --- Language --------------------------------------------------------------------------------


def test_the_login_page_is_in_chinese_until_the_visitor_switches_to_english(client, db):
    with override("zh-hans"):
        chinese_sign_in = gettext("Sign in")
    assert chinese_sign_in != "Sign in"  # the catalogue translates it

    page = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hans"' in page
    assert chinese_sign_in in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in page
    assert "Sign in" in page
    assert chinese_sign_in not in page


def test_a_browser_asking_for_english_still_gets_chinese_by_default(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page


def test_the_workspace_follows_the_chosen_language(login, nanjing_supervisor, landscape):
    client = login(nanjing_supervisor)
    with override("zh-hans"):
        chinese = gettext("Departments")
    assert chinese in client.get(LIST).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": LIST})
    page = client.get(LIST).content.decode()
    assert "<h1>Departments</h1>" in page
    assert f"<h1>{chinese}</h1>" not in page


def test_the_officials_list_pages_in_a_stable_order(client, regions, nanjing_supervisor):
    """The list counts accountability entries (an aggregate, which drops Meta.ordering), so it
    orders itself: by department, then name, the same on every page."""
    import warnings

    from django.core.paginator import UnorderedObjectListWarning

    from ..builders.records import OfficialFactory

    finance = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    transport = DepartmentFactory(name="南京市交通运输局", region=regions["320100"])
    for name in ("王明", "李华"):
        OfficialFactory(name=name, department=transport)
        OfficialFactory(name=name, department=finance)
    client.force_login(nanjing_supervisor)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        response = client.get("/workspace/officials/")
    assert response.status_code == 200
    shown = [(o.department.name, o.name) for o in response.context["object_list"]]
    assert shown == sorted(shown)
    assert len(shown) == 4
