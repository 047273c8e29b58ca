"""The workspace home's cockpit: its figures for a dataset built here (worked out by hand
below), its scope, the list behind every figure (followed, its total compared), the tile
maps' colours and the number of queries it costs."""

import datetime
import html
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.charts import TILE_GRID
from credit_records import rules, services
from credit_records.models import RecordStatus, Severity
from credit_records.selectors import department_standing
from credit_records.selectors.cockpit import (
    records_by_month,
    records_by_region,
    records_by_status,
    rectification_punctuality,
)
from procurement import rules as procurement_rules
from procurement.selectors import last_signing_day_past_filing

from ..builders.clock import at
from ..builders.core import DepartmentFactory, UserFactory
from ..builders.debt import make_profile
from ..builders.evaluations import make_published_round
from ..builders.procurement import make_acceptance, make_contract, make_payment, make_project
from ..builders.records import make_record, make_rectifying_record

HOME = "/workspace/"
TODAY = datetime.date(2026, 6, 15)


def _report_and_verify(record, *, on: datetime.date, time_machine, supervisor, liaison):
    time_machine.move_to(at(on), tick=False)
    services.record_submit_report(record=record, actor=liaison, content="已整改到位。")
    services.record_verify(record=record, actor=supervisor, reason="核验通过")


@pytest.fixture
def dataset(time_machine, regions):
    """Built on 2 March 2026 and read on 15 June 2026 (``TODAY``):

    南京市 itself: 市财政局 (a serious confirmed record: D; a general record decided
      2024-06-30 and closed, its rectification verified on the day it was required, with
      the default deadline, on time) and 市交通局 (a general record in rectification, due 1 April,
      never reported: D, overdue).
    江宁区 (Nanjing): 住建局, a general record verified on 10 April for a 15 April deadline
      (on time; verified is still open: C), and a general record decided 2024-07-01, confirmed.
    苏州市: 财政局, a general record verified on 5 May for a 20 April deadline (late), then
      closed (B); and a draft.
    徐州市: 教育局, a record exempted after a fault-tolerance claim (A: nothing counts).
    """
    time_machine.move_to(at(datetime.date(2026, 3, 2)), tick=False)
    province = UserFactory(username="province", role="Supervisor", region=regions["320000"])
    nanjing = UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    d = {
        "nj_finance": DepartmentFactory(name="南京市财政局", region=regions["320100"]),
        "nj_transport": DepartmentFactory(name="南京市交通局", region=regions["320100"]),
        "jiangning": DepartmentFactory(name="江宁区住建局", region=regions["320115"]),
        "suzhou": DepartmentFactory(name="苏州市财政局", region=regions["320500"]),
        "xuzhou": DepartmentFactory(name="徐州市教育局", region=regions["320300"]),
    }
    liaison = UserFactory(username="liaison", role="Department liaison", department=d["nj_finance"])
    r = {}
    r["serious"] = make_record(
        d["nj_finance"], severity=Severity.SERIOUS, decision_date=datetime.date(2026, 2, 20)
    )
    r["old_closed"] = make_record(
        d["nj_finance"], state="closed", decision_date=datetime.date(2024, 6, 30)
    )
    r["overdue"] = make_rectifying_record(
        d["nj_transport"],
        deadline=datetime.date(2026, 4, 1),
        decision_date=datetime.date(2026, 3, 1),
    )
    r["on_time"] = make_rectifying_record(
        d["jiangning"], deadline=datetime.date(2026, 4, 15), decision_date=datetime.date(2026, 3, 1)
    )
    r["old_confirmed"] = make_record(d["jiangning"], decision_date=datetime.date(2024, 7, 1))
    r["late"] = make_rectifying_record(
        d["suzhou"], deadline=datetime.date(2026, 4, 20), decision_date=datetime.date(2026, 3, 2)
    )
    r["draft"] = make_record(d["suzhou"], state="draft", decision_date=datetime.date(2026, 3, 2))
    r["exempted"] = make_record(
        d["xuzhou"], state="exempted", decision_date=datetime.date(2026, 1, 15)
    )
    _report_and_verify(
        r["on_time"],
        on=datetime.date(2026, 4, 10),
        time_machine=time_machine,
        supervisor=None,
        liaison=None,
    )
    _report_and_verify(
        r["late"],
        on=datetime.date(2026, 5, 5),
        time_machine=time_machine,
        supervisor=None,
        liaison=None,
    )
    services.record_close(record=r["late"], actor=None, reason="整改完成")

    # Procurement: 南京市财政局 buys; 苏州市财政局 owes a large supplier.
    time_machine.move_to(at(datetime.date(2026, 4, 1)), tick=False)
    unsigned = make_project(d["nj_finance"])  # awarded 2 March, no contract: past 1 April
    unfiled = make_contract(make_project(d["nj_finance"]), filed_after=None)
    owed = make_contract(make_project(d["nj_finance"], sme=True))
    make_acceptance(owed)
    make_payment(owed, amount="100000")  # due 30 days after acceptance, never paid
    big = make_contract(make_project(d["suzhou"], sme=False))
    make_acceptance(big)
    make_payment(big, amount="100000")

    # Debt: the 13 cities in 2025, by debt ratio: 南京 90 (green), 苏州 150 (yellow), 徐州 250
    # (orange), 无锡 350 (red), the nine others 100 (green).
    ratios = {"320100": 90, "320500": 150, "320300": 250, "320200": 350}
    for code in TILE_GRID:
        make_profile(regions[code], 2025, ratio=ratios.get(code, 100))

    # Evaluations: Nanjing's county round (江宁区, 玄武区), published.
    make_published_round(regions)

    time_machine.move_to(at(TODAY), tick=False)
    return {
        "province": province,
        "nanjing": nanjing,
        "liaison": liaison,
        "departments": d,
        "records": r,
        "projects": {"unsigned": unsigned, "unfiled": unfiled},
    }


# --- The figures ---------------------------------------------------------------------------


def test_records_by_status_count_every_status_in_scope(dataset):
    counts = records_by_status(dataset["province"])
    # serious, old_confirmed; overdue; on_time; old_closed, late; draft; exempted
    assert counts == {
        RecordStatus.DRAFT: 1,
        RecordStatus.CONFIRMED: 2,
        RecordStatus.RECTIFICATION_REQUIRED: 0,
        RecordStatus.IN_PROGRESS: 1,
        RecordStatus.REPORT_SUBMITTED: 0,
        RecordStatus.VERIFIED: 1,
        RecordStatus.CLOSED: 2,
        RecordStatus.EXEMPTED: 1,
        RecordStatus.WITHDRAWN: 0,
    }


def test_a_city_supervisors_figures_leave_other_cities_out(dataset):
    counts = records_by_status(dataset["nanjing"])
    # Nanjing's five: serious, old_closed, overdue, on_time, old_confirmed.
    assert sum(counts.values()) == 5
    assert counts[RecordStatus.DRAFT] == 0  # the draft is Suzhou's
    assert counts[RecordStatus.EXEMPTED] == 0  # Xuzhou's
    punctuality = rectification_punctuality(dataset["nanjing"], TODAY)
    # old_closed, overdue, on_time: Suzhou's late one apart.
    assert (punctuality["due"], punctuality["on_time"]) == (3, 2)


def test_the_trend_counts_entered_records_by_month_over_24_months(dataset):
    months = records_by_month(dataset["province"], today=TODAY)
    assert len(months) == 24
    assert months[0][0] == datetime.date(2024, 7, 1)  # 2024-06-30's record falls outside
    assert months[-1][0] == datetime.date(2026, 6, 1)
    by_month = {start: count for start, count in months if count}
    # The draft (March 2026) is not counted; the exempted record (January) is.
    assert by_month == {
        datetime.date(2024, 7, 1): 1,
        datetime.date(2026, 1, 1): 1,
        datetime.date(2026, 2, 1): 1,
        datetime.date(2026, 3, 1): 3,
    }


def test_the_on_time_rate_counts_rectifications_whose_deadline_has_passed(dataset):
    figures = rectification_punctuality(dataset["province"], TODAY)
    # Due: old_closed (verified on 2 March, on time), overdue (never verified), on_time
    # (10 April for 15 April), late (5 May for 20 April).
    assert figures["due"] == 4
    assert figures["on_time"] == 2
    assert figures["late"] == 2
    assert figures["rate"] == 50


def test_a_rectification_verified_on_its_deadline_day_is_on_time(time_machine, nanjing_department):
    time_machine.move_to(at(datetime.date(2026, 3, 2)), tick=False)
    record = make_rectifying_record(nanjing_department, deadline=datetime.date(2026, 4, 15))
    # 23:30 on the deadline day in Shanghai is 15:30 UTC, still the deadline day.
    time_machine.move_to(at(datetime.date(2026, 4, 15), 23, 30), tick=False)
    services.record_submit_report(record=record, actor=None, content="已整改。")
    services.record_verify(record=record, actor=None, reason="整改到位")
    time_machine.move_to(at(datetime.date(2026, 4, 16)), tick=False)
    admin = UserFactory(username="admin", role="Administrator", is_superuser=True)
    figures = rectification_punctuality(admin)
    assert (figures["due"], figures["on_time"]) == (1, 1)


def test_the_province_compares_its_cities_with_their_standing(dataset):
    rows = {row.region.code: row for row in records_by_region(dataset["province"])}
    assert len(rows) == 14  # the province itself and its 13 cities
    nanjing, suzhou, xuzhou = rows["320100"], rows["320500"], rows["320300"]
    assert (nanjing.departments, nanjing.records) == (3, 5)
    assert nanjing.graded == {"B": 0, "C": 1, "D": 2}
    assert nanjing.standing == "D"  # two of three departments are D: at least 5%
    assert (suzhou.departments, suzhou.records, suzhou.standing) == (1, 1, "B")
    assert (xuzhou.departments, xuzhou.records, xuzhou.standing) == (1, 1, "A")
    assert rows["320200"].standing == ""  # no departments at all
    assert rows["320000"].itself and rows["320000"].records == 0


def test_the_region_grades_agree_with_each_departments_standing(dataset):
    rows = {row.region.code: row for row in records_by_region(dataset["province"])}
    grades = Counter(
        department_standing(department, TODAY).grade.value
        for department in dataset["departments"].values()
        if department.region.path.startswith("320000/320100/")
    )
    assert rows["320100"].graded == {"B": grades["B"], "C": grades["C"], "D": grades["D"]}


def test_a_city_compares_its_own_departments_and_its_counties(dataset):
    rows = {row.region.code: row for row in records_by_region(dataset["nanjing"])}
    assert rows["320100"].itself
    assert (rows["320100"].departments, rows["320100"].records) == (2, 3)
    assert (rows["320115"].departments, rows["320115"].records, rows["320115"].standing) == (
        1,
        2,
        "C",
    )
    assert "320500" not in rows


@pytest.mark.parametrize(
    ("departments", "d", "c", "b", "expected"),
    [
        (0, 0, 0, 0, ""),
        (10, 0, 0, 0, "A"),
        (20, 1, 0, 0, "D"),  # exactly 5%
        (21, 1, 0, 0, "B"),  # 4.76%: below the share, but a department is below A
        (100, 4, 1, 0, "C"),  # C or D: exactly 5%
        (100, 4, 0, 0, "B"),
        (100, 0, 0, 1, "B"),
        (100, 5, 20, 0, "D"),
    ],
)
def test_a_regions_standing_is_the_worst_grade_held_by_five_per_cent(
    departments, d, c, b, expected
):
    assert rules.region_standing(departments, graded_d=d, graded_c=c, graded_b=b) == expected


def test_the_filing_deadline_has_passed_for_contracts_signed_up_to_the_cutoff(db):
    for offset in range(0, 60):
        today = datetime.date(2026, 9, 20) + datetime.timedelta(days=offset)  # 国庆 included
        cutoff = last_signing_day_past_filing(today)
        assert procurement_rules.filing_deadline(cutoff) < today
        assert procurement_rules.filing_deadline(cutoff + datetime.timedelta(days=1)) >= today


# --- The page: links, tiles, scope, queries -----------------------------------------------

FIGURE_LINK = re.compile(r"<a\b[^>]*?\bdata-figure=\"(\d+)\"[^>]*>", re.S)
HREF = re.compile(r"\bhref=\"([^\"]+)\"")


def figure_links(page: str) -> list[tuple[int, str]]:
    links = []
    for match in FIGURE_LINK.finditer(page):
        href = HREF.search(match.group(0))
        assert href, f"a figure without a link: {match.group(0)}"
        links.append((int(match.group(1)), html.unescape(href.group(1))))
    return links


def list_total(response) -> int:
    context = response.context
    if context.get("page_obj") is not None:
        return context["page_obj"].paginator.count
    if "subjects" in context:  # an evaluation round's results
        return len(context["subjects"])
    return len(context["object_list"])


@pytest.mark.parametrize("who", ["province", "nanjing", "liaison"])
def test_every_figure_links_to_a_list_of_exactly_that_many_rows(login, dataset, who):
    client = login(dataset[who])
    page = client.get(HOME).content.decode()
    links = figure_links(page)
    assert len(links) > 10
    for figure, url in links:
        response = client.get(url)
        assert response.status_code == 200, url
        assert list_total(response) == figure, url


def test_the_province_sees_every_panel_with_its_figures(login, dataset):
    page = login(dataset["province"]).get(HOME).content.decode()
    links = dict((url, figure) for figure, url in figure_links(page))
    assert links["/workspace/records/?overdue=true"] == 1
    assert links["/workspace/records/?punctuality=due"] == 4
    assert links["/workspace/records/?punctuality=late"] == 2
    assert links["/workspace/procurement/projects/?signing_overdue=true"] == 1
    assert links["/workspace/procurement/contracts/?filing_overdue=true"] == 1
    # Nanjing's SME payment and Suzhou's large supplier's.
    assert links["/workspace/procurement/payments/?paid=false&late=true"] == 2
    assert links["/workspace/procurement/payments/?paid=false&late=true&sme=true"] == 1
    assert links["/workspace/debt/profiles/?year=2025&grade=green&level=city"] == 10
    assert links["/workspace/debt/profiles/?year=2025&grade=red&level=city"] == 1


def test_a_city_supervisors_page_does_not_count_other_cities(login, dataset):
    page = login(dataset["nanjing"]).get(HOME).content.decode()
    links = dict((url, figure) for figure, url in figure_links(page))
    assert links["/workspace/procurement/payments/?paid=false&late=true"] == 1  # not Suzhou's
    assert links["/workspace/records/?punctuality=due"] == 3
    assert "cockpit-standing-map" not in page  # one city: its counties as bars instead
    assert "cockpit-regions" in page
    assert "苏州" not in page


def tiles(page: str, chart_id: str) -> dict[str, str]:
    svg = page[page.index(f'id="{chart_id}"') :]
    svg = svg[: svg.index("</svg>")]
    return {
        code: css
        for css, code in re.findall(r'<a class="map-tile ([\w-]+)"[^>]*?data-region="(\d+)"', svg)
    }


def test_the_standing_map_has_13_tiles_coloured_by_standing(login, dataset):
    page = login(dataset["province"]).get(HOME).content.decode()
    standing = tiles(page, "cockpit-standing-map")
    assert set(standing) == set(TILE_GRID)
    assert standing["320100"] == "standing-D"
    assert standing["320500"] == "standing-B"
    assert standing["320300"] == "standing-A"
    assert Counter(standing.values())["standing-none"] == 10


def test_the_debt_map_has_13_tiles_coloured_by_grade(login, dataset):
    page = login(dataset["province"]).get(HOME).content.decode()
    grades = tiles(page, "cockpit-debt-map")
    assert len(grades) == 13
    assert grades["320100"] == "grade-green"
    assert grades["320500"] == "grade-yellow"
    assert grades["320300"] == "grade-orange"
    assert grades["320200"] == "grade-red"
    assert Counter(grades.values())["grade-green"] == 10


def test_a_liaison_sees_a_reduced_cockpit_of_their_department(login, dataset):
    page = login(dataset["liaison"]).get(HOME).content.decode()
    assert "cockpit-status" in page and "cockpit-flags" in page
    assert "cockpit-standing-map" not in page and "cockpit-debt-map" not in page
    assert "debt/warnings" not in page  # no debt figures for a department's liaison
    links = dict((url, figure) for figure, url in figure_links(page))
    # 南京市财政局's records: the serious one and the closed one.
    assert links["/workspace/records/?status=confirmed"] == 1
    assert links["/workspace/records/?status=closed"] == 1


def test_the_cockpit_costs_the_same_queries_however_much_data_there_is(login, dataset, regions):
    client = login(dataset["province"])
    client.get(HOME)  # warm the caches (permissions, counts)
    with CaptureQueriesContext(connection) as before:
        client.get(HOME)
    for code in ("320200", "320400", "320600", "320800", "321000"):
        department = DepartmentFactory(region=regions[code])
        make_record(department, severity=Severity.SERIOUS)
        make_record(department, state="closed")
        make_project(department)
    with CaptureQueriesContext(connection) as after:
        client.get(HOME)
    assert len(after) == len(before)
    # The whole home page: session, user, headline counts and every panel of the cockpit.
    assert len(before) <= 45


def test_the_amount_owed_to_smes_is_shown_with_separators(login, dataset):
    page = login(dataset["province"]).get(HOME).content.decode()
    assert f"{Decimal('100000'):,.2f}" in page


def test_a_county_supervisor_sees_their_county_without_a_breakdown(login, dataset, regions):
    county = UserFactory(username="jiangning", role="Supervisor", region=regions["320115"])
    response = login(county).get(HOME)
    assert response.status_code == 200
    page = response.content.decode()
    assert "cockpit-regions" not in page and "cockpit-standing-map" not in page
    links = dict((url, figure) for figure, url in figure_links(page))
    # 江宁区's two records: on_time (verified) and old_confirmed.
    assert links["/workspace/records/?status=verified"] == 1
    assert links["/workspace/records/?status=confirmed"] == 1
    assert links["/workspace/records/?punctuality=due"] == 1


# --- Kept for everyone with the same scope (core.cockpit.cached_figures) --------------------


def drafts_shown(response) -> int:
    return response.context["summary"]["drafts"]


@pytest.fixture
def kept_figures(settings):
    from django.core.cache import cache

    settings.CHENGXIN_COCKPIT_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_the_home_s_figures_are_kept_for_supervisors_of_the_same_scope(
    kept_figures, login, regions, nanjing_department, suzhou_department
):
    from credit_records.models import DishonestyRecord

    from ..builders.records import RecordFactory

    RecordFactory(department=nanjing_department)
    first = UserFactory(role="Supervisor", region=regions["320100"])
    second = UserFactory(role="Supervisor", region=regions["320100"])
    counted = login(first).get("/workspace/")
    assert drafts_shown(counted) == 1
    assert "本页数字统计于" in counted.content.decode()

    RecordFactory(department=nanjing_department)  # a second draft, counted at the next count
    assert DishonestyRecord.objects.filter(status="draft").count() == 2
    with CaptureQueriesContext(connection) as kept_queries:
        kept = login(second).get("/workspace/")
    assert drafts_shown(kept) == 1  # the first supervisor's count, kept
    assert kept.context["as_of"] == counted.context["as_of"]
    with CaptureQueriesContext(connection) as counting_queries:
        recounted = login(second).get("/workspace/?fresh=1")
    assert drafts_shown(recounted) == 2
    assert recounted.context["as_of"] > counted.context["as_of"]
    assert len(kept_queries) < len(counting_queries)


def test_a_supervisor_of_another_scope_or_with_other_permissions_counts_their_own(
    kept_figures, login, regions, nanjing_department, suzhou_department
):
    from ..builders.records import RecordFactory

    RecordFactory(department=nanjing_department)
    nanjing = UserFactory(role="Supervisor", region=regions["320100"])
    assert drafts_shown(login(nanjing).get("/workspace/")) == 1
    suzhou = UserFactory(role="Supervisor", region=regions["320500"])
    assert drafts_shown(login(suzhou).get("/workspace/")) == 0
    # A liaison of the Nanjing department: the same department's records, but their own scope.
    liaison = UserFactory(role="Department liaison", department=nanjing_department)
    RecordFactory(department=nanjing_department)
    assert drafts_shown(login(liaison).get("/workspace/")) == 2


def test_with_no_keeping_the_home_counts_at_every_request_and_says_no_time(
    login, regions, nanjing_department
):
    from ..builders.records import RecordFactory

    supervisor = UserFactory(role="Supervisor", region=regions["320100"])
    client = login(supervisor)
    RecordFactory(department=nanjing_department)
    assert drafts_shown(client.get("/workspace/")) == 1
    RecordFactory(department=nanjing_department)
    response = client.get("/workspace/")
    assert drafts_shown(response) == 2
    assert response.context["as_of"] is None
    assert "本页数字统计于" not in response.content.decode()
