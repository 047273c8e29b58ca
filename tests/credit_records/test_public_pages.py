"""The public disclosure pages under /public/, their CSV and JSON exports and the public API:
anonymous, only published records, no personal data, cacheable, and as fast on the
hundredth page as on the first."""

import csv
import datetime
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext, override
from pypdf import PdfReader

from core.models import Department
from core.reports.services import period_limit_start
from credit_records import services
from credit_records.demo import demo_decision_number, seed_demo
from credit_records.demo_objections import demo_objection_number
from credit_records.models import (
    Attachment,
    Commendation,
    DishonestyRecord,
    PublicOfficial,
    Rectification,
)
from credit_records.publication import mask_name
from credit_records.rules import disclosure_window
from credit_records.selectors import published_records

from ..builders.core import DepartmentFactory
from ..builders.records import OfficialFactory, make_record

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Counts, figures and the API's rate-limit history live in the cache."""
    cache.clear()
    yield
    cache.clear()


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"] == "application/pdf":
        # A credit report: its text, the lines joined (a table cell wraps a long number).
        pages = PdfReader(io.BytesIO(content)).pages
        return "".join(page.extract_text() for page in pages).replace("\n", "")
    return content.decode("utf-8-sig")


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response


def zh(message: str) -> str:
    with override("zh-hans"):
        return gettext(message)


# --- The leak test: every public page and export over the demo data ----------------------------

# The demo's records that must never be shown, with a phrase from their facts.
UNPUBLISHED = {
    "draft": (demo_decision_number("宁市监罚〔{year}〕88号"), "未按规定履行行政协议约定的支付义务"),
    "exempted": (demo_decision_number("常纪问〔{year}〕3号"), "疫情防控期间先行先试"),
    "minor, not disclosed": (
        demo_decision_number("苏财罚〔{year}〕21号"),
        "未按规定时限公开政府采购合同",
    ),
    "expired": (demo_decision_number("扬法执〔{year}〕55号"), "曾被列为失信被执行人"),
    "repaired": (demo_decision_number("通财监〔{year}〕8号"), "采购文件设置歧视性条款"),
    "withdrawn after an objection": (
        demo_objection_number("苏财罚〔{year}〕36号"),
        "拖欠中小企业服务费用",
    ),
    "suspended pending an objection": (
        demo_objection_number("宁财督〔{year}〕9号"),
        "政府采购项目验收超过合同约定期限",
    ),
}
PUBLISHED = [
    demo_decision_number(template)
    for template in (
        "苏府督〔{year}〕15号",
        "宁政督〔{year}〕31号",
        "宁纪〔{year}〕7号",
        "({year})苏0102民初1234号",
        "锡审决〔{year}〕19号",
        "徐政罚〔{year}〕42号",
        "宁江建罚〔{year}〕6号",
        "鼓政督〔{year}〕12号",
        "昆审决〔{year}〕27号",
        "盐政督〔{year}〕9号",
        "({year})苏1202民初877号",
    )
]
OFFICIALS = {
    "张晓明": ("张*明", "NJCZ-0102", "政府采购处处长"),
    "李建国": ("李*国", "NJCZ-0215", "国库处副处长"),
    "王丽华": ("王*华", "NJJT-0031", "建设管理处处长"),
    "陈志强": ("陈*强", "SZZJ-0120", "市场监管处处长"),
    "刘海燕": ("刘*燕", "WXCZ-0088", "债务管理处处长"),
    "周文斌": ("周*斌", "NJSJ-0301", "执法稽查局局长"),  # responsible only for the draft
}
NEVER_PUBLIC = [
    *(phrase for pair in UNPUBLISHED.values() for phrase in pair),
    *OFFICIALS,  # full names
    *(number for _masked, number, _position in OFFICIALS.values()),
    *(position for _masked, _number, position in OFFICIALS.values()),
    "周*斌",  # even masked: their only record is a draft
    # Internal notes and evidence (added to every demo record below).
    "内部备注",
    "内部证据材料",
    "evidence/leak",
    # Objections: the department's explanation and the office's reasons.
    "保证金已于合同约定期限内退还",
    "不属于容错纠错情形，异议不成立",
    # Fault-tolerance claims, explanations, reports, reviews and repair applications.
    "属于探索性改革中的无意过失",
    "符合容错纠错情形",
    "相关处室对合同付款节点把关不严",
    "已完成全部欠款支付",
    "整改材料齐全",
    "书面说明原因，限期完成整改",
    "本单位承诺严格遵守",
    "符合信用修复条件",
    # Who entered, reviewed or decided anything.
    "系统管理员",
    "王主任",
    "李科长",
    "陈科长",
    "赵联络员",
    "周审计员",
    "demo.chengxin.invalid",
]


@pytest.fixture
def demo(db):
    """The demo data, with internal notes and evidence on every record."""
    seed_demo()
    for record in DishonestyRecord.objects.select_related("department"):
        DishonestyRecord.objects.filter(pk=record.pk).update(
            internal_notes=f"内部备注{record.pk}：举报人为某供应商，勿公开。"
        )
        Attachment.objects.create(
            record=record,
            department=record.department,
            file=f"evidence/leak/{record.pk}.pdf",
            original_name=f"内部证据材料{record.pk}.pdf",
            content_type="application/pdf",
            size=1024,
        )


def every_public_text(client) -> dict[str, str]:
    """Every public page and export, and the public API, as text, keyed by URL."""
    urls = [
        "/public/",
        "/public/records/",
        "/public/records.csv",
        "/public/records.json",
        "/api/v1/public/records/",
        "/public/sitemap.xml",
        "/robots.txt",
    ]
    for record in published_records():
        urls += [f"/public/records/{record.pk}/", f"/api/v1/public/records/{record.pk}/"]
    today = timezone.localdate()
    report_start = period_limit_start(today).isoformat()
    for department in Department.objects.all():
        urls += [
            f"/public/departments/{department.uscc}/",
            # The public credit report, over the longest period it may cover (five years).
            f"/public/departments/{department.uscc}/report.pdf?period_start={report_start}",
            f"/public/records/?q={department.uscc.lower()}",
            f"/public/records.csv?q={department.uscc}",
        ]
    for code in ("320000", "320100", "320500", "321000", "320600", "320400"):
        urls += [f"/public/records/?region={code}", f"/api/v1/public/records/?region={code}"]
    texts = {}
    # Every download and API answer counts against one client's rate limit: not the subject.
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "10000/minute"}}
    with override_settings(REST_FRAMEWORK=rest, CHENGXIN_REPORT_PUBLIC_RATE="10000/minute"):
        responses = [(url, get(client, url)) for url in urls]
    for url, response in responses:
        text = body(response)
        if response["Content-Type"].startswith("application/json"):
            # Compare the data, not its escaping.
            text = json.dumps(json.loads(text), ensure_ascii=False)
        texts[url] = text
    return texts


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_public_page_or_export_shows_anything_the_disclosure_rules_keep_back(demo, language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    texts = every_public_text(client)
    leaks = [
        (phrase, url) for url, text in texts.items() for phrase in NEVER_PUBLIC if phrase in text
    ]
    assert leaks == []
    everything = "\n".join(texts.values())
    for number in PUBLISHED:
        assert number in texts["/public/records/"]
        assert number in texts["/public/records.csv"]
        assert number in texts["/public/records.json"]
        assert number in texts["/api/v1/public/records/"]
    for masked, _number, _position in list(OFFICIALS.values())[:5]:
        assert masked in everything
    # The public reports list the published records (and are read, not skipped as binary).
    reports = "\n".join(text for url, text in texts.items() if "/report.pdf" in url)
    for number in PUBLISHED:
        assert number in reports


def test_the_public_pages_show_the_demos_published_records_and_no_other(demo):
    data = get(Client(), "/api/v1/public/records/?page_size=100").json()
    shown = {row["decision_number"] for row in data["results"]}
    assert data["count"] == len(shown)
    assert set(PUBLISHED) <= shown
    assert not shown & {number for number, _facts in UNPUBLISHED.values()}
    today = timezone.localdate()
    for record in DishonestyRecord.objects.filter(decision_number__in=shown):
        assert record.status not in ("draft", "exempted")
        assert record.disclose
        assert record.decision_date <= today < record.disclosure_ends
        assert record.disclosure_ended_early_on is None


def test_unpublished_records_are_not_found_on_any_public_address(demo):
    client = Client()
    hidden = DishonestyRecord.objects.exclude(pk__in=published_records().values("pk"))
    assert hidden.count() == len(UNPUBLISHED)
    for record in hidden:
        get(client, f"/public/records/{record.pk}/", status=404)
        get(client, f"/api/v1/public/records/{record.pk}/", status=404)
    get(client, "/public/records/999999/", status=404)


def test_a_department_page_shows_its_commendations_with_the_officials_names_masked(demo):
    department = Department.objects.get(name="南京市财政局")
    page = body(get(Client(), f"/public/departments/{department.uscc}/"))
    assert "南京市优秀公务员" in page
    assert "李*国" in page
    assert "李建国" not in page


# --- Masking ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张", "*"),
        ("张明", "张*"),
        ("张晓明", "张*明"),
        ("欧阳晓明", "欧*明"),
        ("买买提·艾力", "买*力"),
        ("  张晓明 ", "张*明"),
        ("", ""),
    ],
)
def test_an_officials_name_is_masked_to_its_first_and_last_character(name, masked):
    assert mask_name(name) == masked


def test_a_record_page_names_its_responsible_officials_masked(nanjing_department):
    official = OfficialFactory(
        name="欧阳晓明", employee_number="NJ-7788", department=nanjing_department
    )
    record = make_record(nanjing_department, officials=[official])
    page = body(get(Client(), f"/public/records/{record.pk}/"))
    assert "欧*明" in page
    assert "欧阳晓明" not in page
    assert "NJ-7788" not in page


# --- The disclosure window ----------------------------------------------------------------------


def on(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), SHANGHAI), tick=False
    )


def is_public(record) -> bool:
    cache.clear()
    client = Client()
    in_selector = published_records().filter(pk=record.pk).exists()
    page = client.get(f"/public/records/{record.pk}/").status_code == 200
    api = client.get(f"/api/v1/public/records/{record.pk}/").status_code == 200
    listed = record.decision_number in body(client.get("/public/records/"))
    assert in_selector == page == api == listed
    return in_selector


@pytest.mark.parametrize("severity", ["general", "serious"])
def test_a_record_is_public_from_its_decision_date_until_its_disclosure_ends(
    nanjing_department, severity
):
    decision = timezone.localdate() - datetime.timedelta(days=20)
    record = make_record(nanjing_department, severity=severity, decision_date=decision)
    one_day = datetime.timedelta(days=1)
    assert record.minimum_period_ends > decision
    expected = {
        decision - one_day: False,
        decision: True,
        record.minimum_period_ends - one_day: True,
        record.minimum_period_ends: True,  # the minimum period ending changes nothing by itself
        record.minimum_period_ends + one_day: True,
        record.disclosure_ends - one_day: True,
        record.disclosure_ends: False,  # the first day no longer public
        record.disclosure_ends + one_day: False,
    }
    for day, public in expected.items():
        with on(day):
            assert is_public(record) is public, day


def test_a_repaired_record_leaves_the_public_pages_the_day_the_repair_is_approved(
    nanjing_department,
):
    record = make_record(
        nanjing_department,
        state="closed",
        decision_date=timezone.localdate() - datetime.timedelta(days=120),
    )
    assert is_public(record)
    application = services.credit_repair_apply(
        record=record, actor=None, commitment_text="本单位承诺今后按期付款。"
    )
    services.credit_repair_decide(
        application=application, actor=None, approve=True, reason="符合修复条件"
    )
    assert not is_public(record)


@pytest.mark.parametrize(
    ("state", "fields"),
    [
        ("draft", {}),
        ("exempted", {}),
        ("confirmed", {"disclose": False}),
        ("confirmed", {"severity": "minor"}),  # minor records are not published by default
    ],
)
def test_drafts_exempted_and_undisclosed_records_are_never_public(
    nanjing_department, state, fields
):
    record = make_record(nanjing_department, state=state, **fields)
    assert not is_public(record)


def test_a_minor_record_the_supervisor_chose_to_publish_is_public(nanjing_department):
    record = make_record(nanjing_department, severity="minor", disclose=True)
    assert is_public(record)


# --- Search and filters -------------------------------------------------------------------------


@pytest.fixture
def spread(regions):
    """Published records in Nanjing (city and a county) and Suzhou, and one hidden draft."""
    nanjing = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    jiangning = DepartmentFactory(name="南京市江宁区住房和城乡建设局", region=regions["320115"])
    suzhou = DepartmentFactory(name="苏州市财政局", region=regions["320500"])
    today = timezone.localdate()
    last_year = today - datetime.timedelta(days=400)
    return {
        "nanjing": make_record(nanjing, decision_number="宁财〔2026〕1号", category="sme_arrears"),
        "jiangning": make_record(
            jiangning,
            decision_number="江宁建〔2025〕2号",
            severity="serious",
            category="procurement_violation",
            decision_date=last_year,
        ),
        "suzhou": make_record(suzhou, decision_number="苏财〔2026〕3号", category="sme_arrears"),
        "draft": make_record(nanjing, decision_number="宁财〔2026〕4号", state="draft"),
        "departments": {"nanjing": nanjing, "jiangning": jiangning, "suzhou": suzhou},
        "last_year": last_year.year,
    }


def listed(query: str) -> set[str]:
    response = get(Client(), f"/public/records/?{query}")
    return {row.decision_number for row in response.context["rows"]}


def test_the_list_searches_by_credit_code_in_any_case_or_by_part_of_a_name(spread):
    uscc = spread["departments"]["nanjing"].uscc
    assert listed(f"q={uscc.lower()}") == {"宁财〔2026〕1号"}
    assert listed(f"q={uscc}") == {"宁财〔2026〕1号"}
    assert listed("q=财政局") == {"宁财〔2026〕1号", "苏财〔2026〕3号"}
    assert listed("q=江宁") == {"江宁建〔2025〕2号"}
    assert listed("q=不存在的部门") == set()


def test_a_region_filter_includes_the_regions_below_it(spread):
    assert listed("region=320100") == {"宁财〔2026〕1号", "江宁建〔2025〕2号"}
    assert listed("region=320115") == {"江宁建〔2025〕2号"}
    assert listed("region=320500") == {"苏财〔2026〕3号"}
    assert listed("region=320000") == {"宁财〔2026〕1号", "江宁建〔2025〕2号", "苏财〔2026〕3号"}


def test_the_list_filters_by_category_severity_and_year_together(spread):
    assert listed("category=sme_arrears") == {"宁财〔2026〕1号", "苏财〔2026〕3号"}
    assert listed("severity=serious") == {"江宁建〔2025〕2号"}
    assert listed(f"year={spread['last_year']}") == {"江宁建〔2025〕2号"}
    assert listed("category=sme_arrears&region=320500&severity=general") == {"苏财〔2026〕3号"}


def test_a_filter_value_that_does_not_exist_is_a_clear_error(spread):
    response = get(Client(), "/public/records/?region=999999", status=400)
    assert response.context["filter"].errors["region"]
    assert response.context["rows"] == []
    get(Client(), "/public/records.csv?severity=catastrophic", status=400)
    get(Client(), "/public/records/?cursor=not-a-cursor", status=400)


def test_the_exports_follow_the_lists_current_filter(spread):
    client = Client()
    rows = list(csv.reader(io.StringIO(body(get(client, "/public/records.csv?region=320100")))))
    assert rows[0][0] == zh("Decision number")
    assert sorted(row[0] for row in rows[1:]) == ["宁财〔2026〕1号", "江宁建〔2025〕2号"]
    data = json.loads(body(get(client, "/public/records.json?region=320100&severity=serious")))
    assert data["filters"] == {"region": "320100", "severity": "serious"}
    assert [row["decision_number"] for row in data["results"]] == ["江宁建〔2025〕2号"]


def test_the_list_links_its_csv_json_and_api_with_the_current_filter(spread):
    page = body(get(Client(), "/public/records/?region=320100&category=sme_arrears"))
    for path in ("/public/records.csv", "/public/records.json", "/api/v1/public/records/"):
        assert f'href="{path}?region=320100&amp;category=sme_arrears"' in page


def test_the_csv_export_has_a_bom_and_neutralises_formulas(nanjing_department):
    make_record(nanjing_department, facts='=HYPERLINK("http://example.com","点击")')
    response = get(Client(), "/public/records.csv")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    facts = rows[0].index(zh("Facts"))
    assert rows[1][facts] == '\'=HYPERLINK("http://example.com","点击")'


# --- Pagination and query counts ----------------------------------------------------------------


def bulk_published(departments, count: int, start: int = 0) -> None:
    """Published records straight into the table, fast: the workflow is not under test here.
    A third of them name a responsible official."""
    today = timezone.localdate()
    records = []
    for index in range(start, start + count):
        decision = today - datetime.timedelta(days=index % 200)
        minimum, ends = disclosure_window("general", decision)
        records.append(
            DishonestyRecord(
                department=departments[index % len(departments)],
                category="administrative_penalty",
                severity="general",
                decision_number=f"批量〔2026〕{index}号",
                issuing_authority="江苏省财政厅",
                decision_date=decision,
                facts="未按规定期限支付款项。",
                status="confirmed",
                disclose=True,
                minimum_period_ends=minimum,
                disclosure_ends=ends,
            )
        )
    created = DishonestyRecord.objects.bulk_create(records)
    Through = DishonestyRecord.officials.through
    officials = {
        department.pk: PublicOfficial.objects.get_or_create(
            department=department,
            employee_number=f"B-{department.pk}",
            defaults={"name": "赵钱孙"},
        )[0]
        for department in departments
    }
    Through.objects.bulk_create(
        Through(dishonestyrecord_id=record.pk, publicofficial_id=officials[record.department_id].pk)
        for record in created[::3]
    )


def queries(client, url) -> int:
    """Queries to answer ``url`` with an empty cache (the cached count would hide one)."""
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        assert response.status_code == 200, url
        body(response)
    return len(context.captured_queries)


def follow(client, url: str, steps: int) -> str:
    """The URL of the page ``steps`` "next" links after ``url``."""
    for _step in range(steps):
        response = client.get(url)
        url = response.context["next_url"]
        assert url, "ran out of pages"
    return url


@pytest.fixture
def departments(regions):
    return [
        DepartmentFactory(region=regions[code]) for code in ("320100", "320115", "320500", "320583")
    ]


def test_walking_the_pages_shows_every_published_record_once_newest_first(departments):
    bulk_published(departments, 60)
    client = Client()
    seen = []
    url = "/public/records/"
    while url:
        response = get(client, url)
        seen += [(row.decision_date, row.pk) for row in response.context["rows"]]
        assert response.context["count"] == 60
        url = response.context["next_url"]
    assert len(seen) == 60
    assert seen == sorted(seen, reverse=True)
    # And back: the previous links retrace the same pages.
    last = get(client, get(client, "/public/records/").context["last_url"]).context
    assert [(row.decision_date, row.pk) for row in last["rows"]] == seen[-25:]
    back = get(client, last["previous_url"]).context
    assert [(row.decision_date, row.pk) for row in back["rows"]] == seen[-50:-25]


def test_a_page_costs_the_same_queries_whatever_its_depth_or_the_data_size(departments):
    client = Client()
    bulk_published(departments, 30)
    filtered = "/public/records/?region=320100&severity=general&year="
    small = {
        "first": queries(client, "/public/records/"),
        "second": queries(client, follow(client, "/public/records/", 1)),
    }
    small_filtered = queries(client, filtered)
    bulk_published(departments, 270, start=30)
    large = {
        "first": queries(client, "/public/records/"),
        "deep": queries(client, follow(client, "/public/records/", 8)),
        "last": queries(client, get(client, "/public/records/").context["last_url"]),
    }
    # The count, the page's rows, their officials, and the regions of the filter's list
    # (kept in the cache, emptied before each request here).
    assert set(small.values()) == set(large.values()) == {4}
    assert small_filtered == queries(client, filtered) == 4
    assert queries(client, follow(client, filtered, 3)) == 4


def test_with_the_count_and_regions_cached_a_page_costs_two_queries(
    departments, django_assert_num_queries
):
    bulk_published(departments, 60)
    client = Client()
    deep = follow(client, "/public/records/", 2)
    client.get(deep)
    with django_assert_num_queries(2):  # the page's rows and their officials
        assert client.get(deep).status_code == 200


def test_the_api_costs_the_same_queries_whatever_its_depth_or_the_data_size(departments):
    client = Client()
    bulk_published(departments, 10)
    small = queries(client, "/api/v1/public/records/?page_size=5")
    bulk_published(departments, 290, start=10)
    url = "/api/v1/public/records/?page_size=5"
    for _step in range(20):
        url = client.get(url).json()["next"]
    deep = queries(client, url)
    # The page's rows, their officials, the count.
    assert small == deep == queries(client, "/api/v1/public/records/") == 3


def test_the_home_and_department_pages_cost_the_same_queries_whatever_the_data_size(
    departments, django_assert_num_queries
):
    client = Client()
    bulk_published(departments, 5)
    uscc = departments[0].uscc
    home, department = (
        queries(client, "/public/"),
        queries(client, f"/public/departments/{uscc}/"),
    )
    bulk_published(departments, 200, start=5)
    assert queries(client, "/public/") == home == 7
    assert queries(client, f"/public/departments/{uscc}/") == department == 5
    # A cached home page's figures cost nothing.
    client.get("/public/")
    with django_assert_num_queries(0):
        client.get("/public/")


# --- The home page's figures ---------------------------------------------------------------------


def test_the_home_page_counts_published_records_by_city_and_category(spread, regions):
    province = DepartmentFactory(name="江苏省财政厅", region=regions["320000"])
    make_record(province, category="debt_default")
    figures = get(Client(), "/public/").context["figures"]
    cities = {city["code"]: city["count"] for city in figures["cities"]}
    assert cities["320100"] == 2  # Nanjing's own and Jiangning's
    assert cities["320500"] == 1
    assert cities["320200"] == 0
    assert figures["province_level"] == 1
    assert figures["records"] == 4
    assert figures["by_category"] == {
        "sme_arrears": 2,
        "procurement_violation": 1,
        "debt_default": 1,
    }


def test_the_home_page_counts_departments_whose_honours_a_published_record_cancels(regions):
    open_record = DepartmentFactory(region=regions["320100"])
    closed_long_ago = DepartmentFactory(region=regions["320100"])
    undisclosed = DepartmentFactory(region=regions["320100"])
    make_record(open_record)
    record = make_record(closed_long_ago, state="closed")
    # Decided a year ago, closed 200 days ago: its honours restriction has run out.
    DishonestyRecord.objects.filter(pk=record.pk).update(
        decision_date=timezone.localdate() - datetime.timedelta(days=365),
        closed_on=timezone.localdate() - datetime.timedelta(days=200),
    )
    make_record(undisclosed, disclose=False)
    figures = get(Client(), "/public/").context["figures"]
    assert figures["honours_cancelled"] == 1


def test_the_on_time_rate_counts_rectifications_verified_by_a_deadline_that_has_passed(
    nanjing_department,
):
    today = timezone.localdate()
    now = timezone.now()

    def rectification(deadline_in_days: int, verified_days_ago: int | None, **fields):
        record = make_record(nanjing_department, state="rectification_required", **fields)
        Rectification.objects.filter(record=record).update(
            deadline=today + datetime.timedelta(days=deadline_in_days),
            verified_at=None
            if verified_days_ago is None
            else now - datetime.timedelta(days=verified_days_ago),
        )

    rectification(-10, 12)  # verified two days before its deadline: on time
    rectification(-10, 10)  # verified on the deadline day: on time
    rectification(-10, 5)  # verified five days late
    rectification(-1, None)  # deadline passed yesterday, not verified
    rectification(5, None)  # deadline ahead: not counted
    rectification(5, 1)  # verified early, deadline ahead: not counted yet
    rectification(-10, None, disclose=False)  # not published: not counted
    response = get(Client(), "/public/")
    assert response.context["figures"]["rectification"] == {"due": 4, "on_time": 2}
    assert response.context["on_time_rate"] == 50
    assert "on-time-method" in body(response)


def test_the_on_time_rate_judges_a_rectification_by_the_submission_of_its_verified_report(
    nanjing_department, time_machine
):
    """credit_records.punctuality, the evaluation's rule: the report finally verified must
    have been submitted by the deadline; a returned report does not count; a report sent in
    time and awaiting verification is not counted yet."""
    shanghai = datetime.timezone(datetime.timedelta(hours=8))

    def at(text):
        return datetime.datetime.fromisoformat(text).replace(tzinfo=shanghai)

    def rectify(*steps):
        time_machine.move_to(at("2026-03-02 09:00"), tick=False)
        record = make_record(nanjing_department, state="rectification_required")
        Rectification.objects.filter(record=record).update(deadline=datetime.date(2026, 3, 31))
        actions = {
            "submit": lambda: services.record_submit_report(
                record=record, actor=None, content="已整改"
            ),
            "return": lambda: services.record_return(record=record, actor=None, reason="不完整"),
            "verify": lambda: services.record_verify(record=record, actor=None, reason="到位"),
        }
        services.record_submit_explanation(record=record, actor=None, explanation="原因说明")
        for action, moment in steps:
            time_machine.move_to(at(moment), tick=False)
            actions[action]()

    rectify(("submit", "2026-03-31 23:30"), ("verify", "2026-04-20 09:00"))  # on time
    rectify(("submit", "2026-04-01 00:10"), ("verify", "2026-04-02 09:00"))  # late
    rectify(  # returned in time, the verified one after the deadline: late
        ("submit", "2026-03-20 09:00"),
        ("return", "2026-03-25 09:00"),
        ("submit", "2026-04-03 09:00"),
        ("verify", "2026-04-05 09:00"),
    )
    rectify(("submit", "2026-03-30 09:00"))  # in time, awaiting verification: not counted
    time_machine.move_to(at("2026-05-01 10:00"), tick=False)

    response = get(Client(), "/public/")

    assert response.context["figures"]["rectification"] == {"due": 3, "on_time": 1}


def test_with_no_rectification_due_the_on_time_rate_is_a_dash_not_a_division_by_zero(db):
    response = get(Client(), "/public/")
    assert response.context["on_time_rate"] is None


# --- Department pages ----------------------------------------------------------------------------


def test_a_departments_standing_ignores_records_the_public_may_not_see(nanjing_department):
    make_record(nanjing_department, severity="minor", decision_number="宁财〔2026〕9号")
    make_record(
        nanjing_department, severity="serious", decision_number="宁财〔2026〕8号", disclose=False
    )
    response = get(Client(), f"/public/departments/{nanjing_department.uscc}/")
    page = body(response)
    assert response.context["standing"].grade == "A"
    assert not response.context["honours_cancelled"]
    assert "宁财〔2026〕9号" not in page
    assert "宁财〔2026〕8号" not in page


def test_a_departments_standing_follows_its_published_records(nanjing_department):
    make_record(nanjing_department, severity="serious", decision_number="宁财〔2026〕7号")
    response = get(Client(), f"/public/departments/{nanjing_department.uscc}/")
    assert response.context["standing"].grade == "D"
    assert response.context["honours_cancelled"]
    assert "宁财〔2026〕7号" in body(response)


def test_a_department_address_in_lower_case_redirects_to_the_canonical_one(regions):
    department = DepartmentFactory(uscc="11100000MB0341032Y", region=regions["320000"])
    response = Client().get("/public/departments/11100000mb0341032y/")
    assert response.status_code == 301
    assert response["Location"] == f"/public/departments/{department.uscc}/"
    get(Client(), "/public/departments/91350100M000100Y43/", status=404)


def test_a_department_with_commendations_and_no_records_is_in_good_standing(nanjing_department):
    Commendation.objects.create(
        title="江苏省诚信建设示范单位",
        level="provincial",
        issuing_authority="江苏省社会信用体系建设领导小组",
        date=timezone.localdate(),
        department=nanjing_department,
    )
    response = get(Client(), f"/public/departments/{nanjing_department.uscc}/")
    assert response.context["standing"].grade == "A"
    assert "江苏省诚信建设示范单位" in body(response)


# --- The public API ------------------------------------------------------------------------------


def test_the_public_api_needs_no_sign_in_while_the_rest_of_the_api_does(spread):
    client = Client()
    assert client.get("/api/v1/public/records/").status_code == 200
    assert client.get("/api/v1/records/").status_code in (401, 403)


def test_the_public_api_refuses_unknown_parameters_and_bad_values(spread):
    client = Client()
    response = get(client, "/api/v1/public/records/?severty=serious", status=400)
    assert "severty" in response.json()
    assert "region" in get(client, "/api/v1/public/records/?region=999999", status=400).json()
    assert "cursor" in get(client, "/api/v1/public/records/?cursor=xyz", status=400).json()
    assert "page_size" in get(client, "/api/v1/public/records/?page_size=1000", status=400).json()


def test_the_public_api_filters_like_the_list(spread):
    uscc = spread["departments"]["jiangning"].uscc
    data = get(Client(), f"/api/v1/public/records/?q={uscc.lower()}").json()
    assert [row["decision_number"] for row in data["results"]] == ["江宁建〔2025〕2号"]
    assert data["results"][0]["department_url"].endswith(f"/public/departments/{uscc}/")


def test_the_public_api_is_rate_limited_per_client(spread):
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "3/minute"}}
    client = Client()
    with override_settings(REST_FRAMEWORK=rest):
        statuses = [client.get("/api/v1/public/records/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_public_api_serializer_declares_every_field_it_returns(spread):
    from credit_records.api.public import PublicRecordSerializer

    row = get(Client(), "/api/v1/public/records/").json()["results"][0]
    assert set(row) == set(PublicRecordSerializer().fields)


def test_the_schema_documents_the_public_api(db, administrator):
    client = Client()
    client.force_login(administrator)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/public/records/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "region", "category", "severity", "year", "cursor", "page_size"} <= names


# --- Anonymous access, caching, robots and sitemap ------------------------------------------------

PUBLIC_URLS = [
    "/public/",
    "/public/records/",
    "/public/records.csv",
    "/public/records.json",
    "/api/v1/public/records/",
    "/public/sitemap.xml",
    "/robots.txt",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_addresses_are_open_to_anyone_and_cacheable(spread, url):
    response = get(Client(), url)
    assert "public" in response["Cache-Control"]
    assert f"max-age={settings.CHENGXIN_PUBLIC_MAX_AGE}" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    assert not response.cookies  # no CSRF or session cookie: shared caches may keep it


def test_record_and_department_pages_are_cacheable_and_not_found_is_not(spread):
    client = Client()
    record = spread["nanjing"]
    assert "public" in get(client, f"/public/records/{record.pk}/")["Cache-Control"]
    department = spread["departments"]["suzhou"]
    assert "public" in get(client, f"/public/departments/{department.uscc}/")["Cache-Control"]
    missing = get(client, f"/public/records/{spread['draft'].pk}/", status=404)
    assert "public" not in missing.get("Cache-Control", "")


def test_a_signed_in_official_sees_the_same_public_pages(spread, login, nanjing_supervisor):
    anonymous = body(get(Client(), "/public/records/"))
    signed_in = body(get(login(nanjing_supervisor), "/public/records/"))
    assert anonymous == signed_in
    assert "/workspace/" not in signed_in
    assert "/admin/" not in signed_in


def test_robots_txt_opens_the_public_pages_and_names_the_sitemap(db):
    response = get(Client(), "/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = body(response).splitlines()
    assert "Allow: /public/" in lines
    assert "Disallow: /" in lines
    assert "Disallow: /public/records.csv" in lines
    assert "Sitemap: http://testserver/public/sitemap.xml" in lines
    assert lines.index("Disallow: /public/records/?") < lines.index("Allow: /public/")


def test_the_sitemap_lists_every_department_page(spread):
    page = body(get(Client(), "/public/sitemap.xml"))
    for department in Department.objects.all():
        assert f"<loc>http://testserver/public/departments/{department.uscc}/</loc>" in page
    assert "<loc>http://testserver/public/records/</loc>" in page


def test_the_public_pages_are_chinese_by_default_with_their_own_layout(spread):
    page = body(get(Client(), "/public/", status=200))
    assert '<html lang="zh-hans">' in page
    assert 'href="#main"' in page
    assert "<script" not in page
    assert "css/public.css" in page
    assert "/workspace/" not in page and "/admin/" not in page


def test_the_language_switch_works_without_a_csrf_token(spread):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/public/language/", {"language": "en", "next": "/public/records/"})
    assert response.status_code == 302
    assert response["Location"] == "/public/records/"
    assert '<html lang="en">' in body(get(client, "/public/records/"))


def test_the_navigation_keeps_slots_for_the_pages_later_issues_add(db):
    page = body(get(Client(), "/public/"))
    for label in ("Evaluation results", "Government procurement", "Government debt"):
        assert zh(label) in page
    # Every reserved slot has been filled by its issue: each is a link now.
    for url in ("/public/evaluations/", "/public/procurement/", "/public/debt/"):
        assert f'href="{url}"' in page
    assert 'aria-disabled="true"' not in page


def test_a_department_with_many_records_shows_the_newest_and_links_to_all_of_them(
    nanjing_department,
):
    today = timezone.localdate()
    for number in range(23):
        make_record(
            nanjing_department,
            decision_number=f"宁多〔2026〕{number + 1}号",
            decision_date=today - datetime.timedelta(days=30 + number),
        )
    # The oldest one is serious: the standing still reads it, though the table leaves it out.
    make_record(
        nanjing_department,
        severity="serious",
        decision_number="宁多〔2026〕99号",
        decision_date=today - datetime.timedelta(days=200),
    )

    response = get(Client(), f"/public/departments/{nanjing_department.uscc}/")
    page = body(response)

    shown = [row.decision_number for row in response.context["records"]]
    assert len(shown) == 20
    assert shown[0] == "宁多〔2026〕1号"  # the newest first
    assert "宁多〔2026〕99号" not in shown  # the oldest, past the first 20
    assert response.context["standing"].grade == "D"  # read from all 24
    assert "宁多〔2026〕99号" in page  # named among the reasons of the standing
    assert zh("All published records of this department") in page
    assert f'href="/public/records/?q={nanjing_department.uscc}"' in page
