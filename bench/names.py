"""``python -m bench names``: searching departments by any part of their Chinese name.

Fills a scratch PostgreSQL database (``DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/chengxin_bench_names, created if missing) with Jiangsu's
13 cities and 95 counties (core.reference) and ``--departments`` (default
40,000) departments with realistic, unique names — region plus bureau (南京市鼓楼区财政局),
the bureaus' centres and offices (苏州市吴江区市场监督管理局信息中心), schools, towns and
streets — and ``--records``
(default 20,000) published dishonesty records spread over them. Then it times name searches of
2, 3 and 4+ characters, common ones (财政 matches thousands) and rare ones:

* "ORM": the department list's filter (core.filters.DepartmentFilter) as the pages and the
  API use it, counted and its first page of 25 read;
* "workspace": the workspace department list ``/workspace/departments/?q=…`` through Django's
  test client, signed in as a province supervisor (all 40,000 in scope);
* "public": the public record search ``/public/records/?q=…`` (departments found by name,
  then their records).

It prints p50/p95 in milliseconds per search and per length, and with ``--explain`` the plan
of the ORM's query. The figures go to docs/performance.md by hand.

Never point it at a database you care about: it empties the one it is given.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time

from bench.__main__ import ensure_database, percentile, setup_django, uscc

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_names"
BENCH_USER = "bench-names-supervisor"

# The units every city and county has (a county's 财政局 is as common as a city's).
BUREAUS = [
    "人民政府办公室", "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局",
    "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局",
    "住房和城乡建设局", "交通运输局", "水务局", "农业农村局", "商务局", "文化广电和旅游局",
    "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
    "医疗保障局", "城市管理局", "数据局", "行政审批局", "信访局", "机关事务管理局",
    "地方金融监督管理局", "体育局", "粮食和物资储备局", "人民防空办公室", "档案馆",
    "税务局", "供销合作总社", "住房公积金管理中心", "公共资源交易中心", "人民法院",
    "人民检察院", "消防救援支队", "气象局", "烟草专卖局", "总工会", "妇女联合会",
    "红十字会", "残疾人联合会", "科学技术协会", "政务服务管理办公室",
]  # fmt: skip
UNITS = [
    "办公室", "信息中心", "综合服务中心", "执法大队", "政务服务中心", "培训中心",
    "财务结算中心", "档案室", "监察室", "后勤服务中心", "法规科", "人事科", "规划科",
    "宣传科", "督查室", "机关党委", "稽查支队", "事务中心", "发展研究中心", "服务站",
]  # fmt: skip
TOWNS = ["城东", "城西", "城南", "城北", "新城", "开发区", "高新区", "湖滨", "河口", "东山"]
NUMBERS = "一二三四五六七八九十"

# (label, search term): 2, 3 and 4+ characters, common and rare.
SEARCHES = [
    ("2 chars, common (财政)", "财政"),
    ("2 chars, common (中心)", "中心"),
    ("2 chars, a county (吴江)", "吴江"),
    ("2 chars, rare (档案室 units: 案室)", "案室"),
    ("2 chars, no match (飞机)", "飞机"),
    ("3 chars, common (财政局)", "财政局"),
    ("3 chars, a district (鼓楼区)", "鼓楼区"),
    ("3 chars, rare (烟草专)", "烟草专"),
    ("4+ chars, common (市场监督管理局)", "市场监督管理局"),
    ("4+ chars, one county's (吴江区财政)", "吴江区财政"),
    ("4+ chars, one department", "苏州市吴江区市场监督管理局"),
    ("4+ chars, no match (航空航天局)", "航空航天局"),
]


def department_names(regions, count: int, rng: random.Random) -> list[tuple[str, object]]:
    """``count`` unique (name, region) pairs, as a province's register would have them."""
    names = []
    for region in regions:
        # A county's full name carries its city (苏州市吴江区), as its departments' names do.
        prefix = region.name if region.parent is None else f"{region.parent.name}{region.name}"
        for bureau in BUREAUS:
            names.append((f"{prefix}{bureau}", region))
            names.extend((f"{prefix}{bureau}{unit}", region) for unit in UNITS)
        for n in range(1, 31):
            number = NUMBERS[n - 1] if n <= 10 else f"{n}"
            names.append((f"{prefix}第{number}中学", region))
            names.append((f"{prefix}第{number}小学", region))
            names.append((f"{prefix}实验幼儿园{number}部", region))
        for town in TOWNS:
            names.append((f"{prefix}{town}街道办事处", region))
            names.append((f"{prefix}{town}镇人民政府", region))
            names.append((f"{prefix}{town}卫生院", region))
    rng.shuffle(names)
    if len(names) < count:
        raise SystemExit(f"Only {len(names):,} distinct names; ask for fewer departments.")
    return names[:count]


def populate(departments: int, records: int, rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from core.models import Department, Region, RegionLevel
    from core.reference import load_jiangsu_regions
    from credit_records.models import DishonestyRecord, RecordStatus
    from credit_records.rules import disclosure_window
    from credit_records.selectors import published_records

    call_command("migrate", verbosity=0)
    if (
        not rebuild
        and Department.objects.count() == departments
        and published_records().count() == records
    ):
        print(f"Reusing the {departments:,} departments already there (--rebuild to redo).")
        return
    started = time.perf_counter()
    call_command("flush", interactive=False, verbosity=0)
    load_jiangsu_regions(Region)
    rng = random.Random(20261207)
    regions = list(
        Region.objects.exclude(level=RegionLevel.PROVINCE).select_related("parent").order_by("code")
    )
    for region in regions:
        if region.parent and region.parent.level == RegionLevel.PROVINCE:
            region.parent = None  # a city's departments are named after the city alone
    rows = Department.objects.bulk_create(
        (
            Department(name=name, uscc=uscc(n + 1, region.code), region_id=region.pk)
            for n, (name, region) in enumerate(department_names(regions, departments, rng))
        ),
        batch_size=5000,
    )
    today = datetime.date.today()
    minimum, ends = disclosure_window("general", today - datetime.timedelta(days=30))
    DishonestyRecord.objects.bulk_create(
        (
            DishonestyRecord(
                department=rng.choice(rows),
                category="contract",
                severity="general",
                decision_number=f"NAMES〔{today.year}〕{n}号",
                issuing_authority="江苏省财政厅",
                decision_date=today - datetime.timedelta(days=30),
                facts="未按合同约定期限支付中小企业账款。",
                status=RecordStatus.CONFIRMED,
                disclose=True,
                minimum_period_ends=minimum,
                disclosure_ends=ends,
            )
            for n in range(records)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"Created {len(rows):,} departments and {records:,} published records in "
        f"{time.perf_counter() - started:.0f} s."
    )


def supervisor_client():
    """A test client signed in as a province supervisor (every department in scope)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from core.models import Region
    from core.roles import Role
    from core.services import user_assign_role

    User = get_user_model()
    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        province = Region.objects.get(code="320000")
        user = User.objects.create_user(BENCH_USER)
        user.region = province
        user.save()
        user_assign_role(user=user, role=Role.SUPERVISOR, region=province, actor=None)
    client = Client()
    client.force_login(user)
    return client


def orm_search(term: str) -> int:
    """What a list page asks of the database: the count and the first page."""
    from core.filters import DepartmentFilter
    from core.models import Department

    queryset = DepartmentFilter(data={"q": term}, queryset=Department.objects.all()).qs
    count = queryset.count()
    list(queryset.select_related("region")[:25])
    return count


def timed(function, runs: int) -> list[float]:
    timings = []
    for _run in range(runs + 2):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return timings[2:]  # the first two warm up connections and caches


def get(client, url: str):
    def fetch():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return fetch


def explain(term: str) -> None:
    from django.db import connection

    from core.filters import DepartmentFilter
    from core.models import Department

    queryset = DepartmentFilter(data={"q": term}, queryset=Department.objects.all()).qs
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
        for (line,) in cursor.fetchall():
            print("      " + line)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench names", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--departments", type=int, default=40_000)
    parser.add_argument("--records", type=int, default=20_000, help="published records")
    parser.add_argument("--runs", type=int, default=30, help="timed searches each")
    parser.add_argument("--rebuild", action="store_true", help="recreate the data")
    parser.add_argument("--explain", action="store_true", help="print the ORM query's plans")
    parser.add_argument("--no-pages", action="store_true", help="time the ORM filter only")
    parser.add_argument(
        "--before",
        action="store_true",
        help="as before issue 25: a plain icontains read without indexes (ORM only)",
    )
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    ensure_database(url)
    # Time the searches, not the caches: no rendered-page cache, counts emptied every time.
    os.environ.setdefault("CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS", "0")
    setup_django(url)
    from urllib.parse import quote

    from django.conf import settings

    # The supervisor signs in without a second factor: the page is timed, not the sign-in.
    settings.CHENGXIN_TWO_FACTOR_ROLES = []

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    populate(args.departments, args.records, args.rebuild)
    if args.before:
        # Other index scans are switched off too: the ORM's queries only, no pages.
        args.no_pages = True
        from django.db.models import Q

        import core.filters

        core.filters.name_contains = lambda field, term: Q(**{f"{field}__icontains": term})
        with connection.cursor() as cursor:
            cursor.execute("SET enable_bitmapscan = off")
            cursor.execute("SET enable_indexscan = off")
    client = None if args.no_pages else supervisor_client()
    public = None if args.no_pages else Client()

    rows = []
    for label, term in SEARCHES:
        matches = orm_search(term)
        if args.explain:
            print(f"\n  {label}: {matches:,} departments")
            explain(term)
        results = [timed(lambda term=term: orm_search(term), args.runs)]
        if client is not None:
            for browser, path in (
                (client, f"/workspace/departments/?q={quote(term)}"),
                (public, f"/public/records/?q={quote(term)}"),
            ):
                fetch = get(browser, path)
                results.append(timed(lambda fetch=fetch: (cache.clear(), fetch()), args.runs))
        rows.append((label, len(term), matches, results))

    print()
    print(
        f"Department name search{' (before: no name index)' if args.before else ''}, "
        f"{args.departments:,} departments, PostgreSQL "
        f"{connection.pg_version // 10000}, {args.runs} runs each (ms)"
    )
    columns = ["ORM p50", "ORM p95"]
    if client is not None:
        columns += ["work p50", "work p95", "public p50", "public p95"]
    header = f"{'search':<40} {'found':>6} " + " ".join(f"{c:>10}" for c in columns)
    print(header)
    print("-" * len(header))
    by_length: dict[str, list[float]] = {}
    for label, length, matches, results in rows:
        cells = []
        for timings in results:
            cells += [statistics.median(timings), percentile(timings, 0.95)]
        print(f"{label:<40} {matches:>6} " + " ".join(f"{c:>10.1f}" for c in cells))
        bucket = "2" if length == 2 else "3" if length == 3 else "4+"
        by_length.setdefault(bucket, []).extend(results[0])
    print()
    for bucket, timings in by_length.items():
        print(
            f"ORM, {bucket} characters: p50 {statistics.median(timings):.1f} ms, "
            f"p95 {percentile(timings, 0.95):.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
