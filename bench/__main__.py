"""``python -m bench``: every benchmark; ``python -m bench public`` the public disclosure pages
with 100,000 published records, ``python -m bench exports`` the spreadsheet exports and
imports (bench/exports.py), ``python -m bench imports`` validated record imports through the
admin's resource (bench/imports.py), ``python -m bench scan`` the deadline scan over a
province's backlog (bench/scan.py), ``python -m bench load`` the whole portal under gunicorn
and wrk (bench/load.py), ``python -m bench reports`` a department's credit report
(bench/reports.py), ``python -m bench province`` the whole portal over a province's data
(bench/province.py: 1,000,000 records, 40,000 departments, 5,000,000 history rows),
``python -m bench names`` department name searches over 40,000 departments (bench/names.py),
``python -m bench pages`` the signed-in pages' CPU time per request (bench/pages.py).
Options after ``python -m bench`` alone go to the public one.

Fills a scratch PostgreSQL database (``DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/chengxin_bench, created if missing) with 100,000
published dishonesty records and some unpublished ones, then requests the public pages
through Django's test client and prints, per page, the queries it makes and its time in
milliseconds (median and 95th percentile over ``--runs`` requests): "cold" with the cache
emptied before every request (the list's count is computed each time), "warm" with the count
and the home page's figures cached, as most visitors get them.

The data is kept between runs; ``--rebuild`` starts again. ``--explain`` prints PostgreSQL's
plan for each page's record queries, to check that they use the indexes.

Never point it at a database you care about: it empties the one it is given.
"""

import argparse
import datetime
import html
import os
import random
import re
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench"
MARKER = "BENCH"  # decision numbers of the benchmark's records start with this


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    from django.conf import settings

    # The test client's host. Not setup_test_environment(): its template instrumentation
    # (copying every template context for the test client) would inflate the timings.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def uscc(sequence: int, region_code: str) -> str:
    from core.uscc import identifier_from_number, make_uscc

    return make_uscc(
        prefix="11", region_code=region_code, identifier=identifier_from_number(sequence)
    )


def populate(published: int, rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from core.models import Department, Region, RegionLevel
    from core.reference import load_jiangsu_regions
    from credit_records.models import (
        COUNTING_STATUSES,
        RECTIFYING_STATUSES,
        DishonestyRecord,
        PublicOfficial,
        RecordCategory,
        RecordStatus,
        Rectification,
    )
    from credit_records.rules import disclosure_window
    from credit_records.selectors import published_records

    call_command("migrate", verbosity=0)
    if not rebuild and published_records().count() == published:
        print(f"Reusing the {published:,} published records already there (--rebuild to redo).")
        return
    started = time.perf_counter()
    call_command("flush", interactive=False, verbosity=0)
    load_jiangsu_regions(Region)
    rng = random.Random(20260401)
    today = datetime.date.today()
    regions = list(Region.objects.exclude(level=RegionLevel.PROVINCE))
    departments = Department.objects.bulk_create(
        Department(name=f"基准部门{n:04d}", uscc=uscc(n + 1, region.code), region=region)
        for n, region in enumerate(rng.choice(regions) for _ in range(2000))
    )
    officials = PublicOfficial.objects.bulk_create(
        PublicOfficial(
            name=f"基准{n:04d}号", employee_number=f"B{n:05d}", department=d, position="科长"
        )
        for n, d in enumerate(departments)
    )
    official_of = {official.department_id: official for official in officials}
    categories = list(RecordCategory.values)

    def record(number: int, *, status, disclose=True, severity=None, age_days=None, **extra):
        severity = severity or rng.choices(["general", "serious", "minor"], [70, 25, 5])[0]
        if age_days is None:
            longest = {"general": 364, "serious": 3 * 365 - 2, "minor": 89}[severity]
            age_days = rng.randint(0, longest)
        decision = today - datetime.timedelta(days=age_days)
        minimum, ends = disclosure_window(severity, decision)
        return DishonestyRecord(
            department=rng.choice(departments),
            category=rng.choice(categories),
            severity=severity,
            decision_number=f"{MARKER}〔{decision.year}〕{number}号",
            issuing_authority="江苏省财政厅",
            decision_date=decision,
            facts="未按合同约定期限支付中小企业账款，经督促后仍未整改。",
            internal_notes="基准测试内部备注",
            status=status,
            disclose=disclose,
            minimum_period_ends=minimum,
            disclosure_ends=ends,
            **extra,
        )

    rows = [record(n, status=rng.choice(COUNTING_STATUSES)) for n in range(published)]
    # What must stay hidden: drafts, exempted, undisclosed, expired and repaired records.
    hidden = published // 10
    for n in range(published, published + hidden):
        kind = n % 5
        if kind == 0:
            rows.append(record(n, status=RecordStatus.DRAFT))
        elif kind == 1:
            rows.append(record(n, status=RecordStatus.EXEMPTED))
        elif kind == 2:
            rows.append(record(n, status=RecordStatus.CONFIRMED, disclose=False))
        elif kind == 3:
            rows.append(record(n, status=RecordStatus.CLOSED, severity="serious", age_days=4 * 365))
        else:
            rows.append(record(n, status=RecordStatus.CLOSED, disclosure_ended_early_on=today))
    created = DishonestyRecord.objects.bulk_create(rows, batch_size=5000)
    Through = DishonestyRecord.officials.through
    Through.objects.bulk_create(
        (
            Through(dishonestyrecord_id=r.pk, publicofficial_id=official_of[r.department_id].pk)
            for r in created[::3]
        ),
        batch_size=5000,
    )
    Rectification.objects.bulk_create(
        (
            Rectification(
                record_id=r.pk,
                deadline=r.decision_date + datetime.timedelta(days=30),
                verified_at=None
                if r.status in RECTIFYING_STATUSES
                else datetime.datetime.combine(
                    r.decision_date + datetime.timedelta(days=rng.randint(5, 45)),
                    datetime.time(10),
                    tzinfo=datetime.UTC,
                ),
            )
            for r in created
            if r.status not in (RecordStatus.CONFIRMED, RecordStatus.DRAFT, RecordStatus.EXEMPTED)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        # Fresh statistics, and the visibility map that lets counts read only the indexes.
        cursor.execute("VACUUM ANALYZE")
    print(
        f"Created {len(departments):,} departments, {published:,} published and {hidden:,} "
        f"unpublished records in {time.perf_counter() - started:.0f} s."
    )


def scenarios(published: int) -> list[tuple[str, str]]:
    from core.keyset import LAST, NEXT, Cursor
    from core.models import Department
    from credit_records.selectors import published_records

    ordered = published_records().order_by("-decision_date", "-pk")
    deep_at = int(published * 0.9)
    deep = ordered.values_list("decision_date", "pk")[deep_at]
    deep_cursor = Cursor(NEXT, *deep).encode()
    department = (
        Department.objects.filter(records__in=published_records()).order_by("pk").distinct().first()
    )
    year = datetime.date.today().year - 1
    filtered = f"region=320500&category=sme_arrears&severity=serious&year={year}"
    county = "region=320583&severity=serious"
    return [
        ("list, page 1", "/public/records/"),
        (f"list, deep page (row {deep_at:,})", f"/public/records/?cursor={deep_cursor}"),
        ("list, last page", f"/public/records/?cursor={Cursor(LAST).encode()}"),
        ("search by credit code (lower case)", f"/public/records/?q={department.uscc.lower()}"),
        ("search by name", "/public/records/?q=基准部门12"),
        ("filtered: city+category+severity+year", f"/public/records/?{filtered}"),
        ("filtered, deep-ish page", None),  # filled in below: follow "next" 5 times
        ("API, page 1", "/api/v1/public/records/"),
        (f"API, deep page (row {deep_at:,})", f"/api/v1/public/records/?cursor={deep_cursor}"),
        ("home page (figures)", "/public/"),
        ("department page", f"/public/departments/{department.uscc}/"),
        ("record page", f"/public/records/{ordered.values_list('pk', flat=True)[500]}/"),
        ("CSV export, one county's serious records", f"/public/records.csv?{county}"),
    ]


def follow_next(client, url: str, steps: int) -> str:
    """The page ``steps`` "next" links after ``url``, as a visitor reaches it."""
    for _step in range(steps):
        match = re.search(r'<a href="([^"]+)" rel="next">', client.get(url).content.decode())
        if not match:
            break
        url = html.unescape(match.group(1))
    return url


def measure(client, url: str, runs: int, cold: bool) -> list[float]:
    from django.core.cache import cache

    timings = []
    for _run in range(runs + 2):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        timings.append(elapsed)
    return timings[2:]  # the first two warm up connections and caches


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def explain(queries) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if "credit_records_dishonestyrecord" not in sql or not sql.startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
            print("    " + sql[:160] + ("…" if len(sql) > 160 else ""))
            for (line,) in cursor.fetchall():
                print("      " + line)


def offset_reference(published: int, runs: int) -> list[float]:
    """The same deep page fetched with OFFSET, for comparison (not used by the pages)."""
    from credit_records.selectors import public_record_queryset

    offset = int(published * 0.9)
    timings = []
    for _run in range(runs + 2):
        started = time.perf_counter()
        list(public_record_queryset()[offset : offset + 25])
        timings.append((time.perf_counter() - started) * 1000)
    return timings[2:]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["exports"]:
        from bench import exports

        return exports.main(argv[1:])
    if argv[:1] == ["imports"]:
        from bench import imports

        return imports.main(argv[1:])
    if argv[:1] == ["reports"]:
        from bench import reports

        return reports.main(argv[1:])
    if argv[:1] == ["scan"]:
        from bench import scan

        return scan.main(argv[1:])
    if argv[:1] == ["names"]:
        from bench import names

        return names.main(argv[1:])
    if argv[:1] == ["province"]:
        from bench import province

        return province.main(argv[1:])
    if argv[:1] == ["load"]:
        from bench import load

        return load.main(argv[1:])
    if argv[:1] == ["pages"]:
        from bench import pages

        return pages.main(argv[1:])
    if argv[:1] == ["public"]:
        return public(argv[1:])
    if argv:
        return public(argv)
    from bench import exports, imports, load, reports

    if public([]) or exports.main([]) or imports.main([]) or reports.main([]):
        return 1
    if load.require_wrk() is None:
        print("Skipping the load benchmark (no wrk).")
        return 0
    return load.main([])


def public(argv) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench public", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--records", type=int, default=100_000, help="published records")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--rebuild", action="store_true", help="recreate the data")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    ensure_database(url)
    # This benchmark times the rendering; the rendered-page cache (credit_records/public_cache.py)
    # would answer the "warm" requests without any. ``python -m bench load`` measures that.
    os.environ.setdefault("CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS", "0")
    setup_django(url)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    populate(args.records, args.rebuild)
    client = Client()
    rows = []
    pages = scenarios(args.records)
    for name, path in pages:
        if path is None:
            path = follow_next(client, pages[5][1], 5)
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
        # Read now: the next request empties the connection's query log.
        captured = list(context.captured_queries)
        if args.explain:
            print(f"\n  {name}: {path}")
            explain(captured)
        cold = measure(client, path, args.runs, cold=True)
        warm = measure(client, path, args.runs, cold=False)
        rows.append((name, len(captured), cold, warm))
    reference = offset_reference(args.records, args.runs)

    print()
    print(
        f"Public pages, {args.records:,} published records, PostgreSQL "
        f"{connection.pg_version // 10000}, {args.runs} runs each (ms)"
    )
    columns = ("queries", "cold p50", "cold p95", "warm p50", "warm p95")
    header = f"{'page':<44} {columns[0]:>7} " + " ".join(f"{c:>9}" for c in columns[1:])
    print(header)
    print("-" * len(header))
    for name, count, cold, warm in rows:
        print(
            f"{name:<44} {count:>7} {statistics.median(cold):>9.1f} "
            f"{percentile(cold, 0.95):>9.1f} {statistics.median(warm):>9.1f} "
            f"{percentile(warm, 0.95):>9.1f}"
        )
    print(
        f"{'(reference: same deep page by OFFSET, ORM only)':<44} {1:>7} "
        f"{statistics.median(reference):>9.1f} {percentile(reference, 0.95):>9.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
