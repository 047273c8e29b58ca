"""``python -m bench province``: the portal over a whole province (issue 25).

Builds (``bench/province_data.py``, with COPY) a scratch PostgreSQL database
(``BENCH_PROVINCE_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/chengxin_bench_province; **dropped and recreated** by
``--rebuild`` or when its data is not the province's) holding 40,000 departments, 250,000
officials, 1,000,000 records with 5,000,000 history rows and the rest, then measures in one
run, side by side:

- ``load``: gunicorn on the production settings and wrk, as ``python -m bench load`` does:
  the trivial view, the public list, search by name and by credit code, a public department
  page; the workspace record list, a department profile and the API list for a province and
  for a county supervisor; the workspace's department search; each page's throughput
  relative to the trivial view;
- ``profile``: where the signed-in pages' time goes, in-process (``bench/page_profile.py``):
  each page's CPU, SQL and queries a request, its profile summed by library, and its slowest
  functions;
- ``search``: searching departments by part of their name (2, 3 and 4+ characters), one
  client, through the workspace's department list;
- ``history``: a record's workspace page with 5,000,000 history rows in the table, then with
  the table swapped for an empty one;
- ``exports``: the record list as CSV and XLSX, 100,000 and 1,000,000 rows, each in its own
  process (``bench/exports.py``), with the peak memory;
- ``imports``: a validated import of 100,000 records (``bench/imports.py``);
- ``evaluation``: computing rounds over the 13 cities and the 95 counties;
- ``scan``: the deadline scan over the 50,000 open rectifications: the first (its reminders)
  and a second with nothing new.

``--only NAME`` (repeatable) runs some of them; ``--scale 0.01`` builds a small province to
try it out; ``--json FILE`` writes the figures. Figures: docs/performance.md.
"""

import argparse
import contextlib
import json
import os
import secrets
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_province"
PARTS = ["load", "profile", "search", "history", "exports", "imports", "evaluation", "scan"]
SEARCH_TERMS = {
    "2 characters": ["财政", "教育", "中学", "卫生", "鼓楼"],
    "3 characters": ["财政局", "苏州市", "人民医", "审计局", "第3中"],
    "4+ characters": ["市场监督管理", "昆山市教育局", "第12小学", "南京市玄武区", "公共资源交易"],
}


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def built(sizes: dict) -> bool:
    from credit_records.models import DishonestyRecord

    history = DishonestyRecord.history.model
    try:
        return (
            DishonestyRecord.objects.count() == sizes["records"]
            and history.objects.count() == sizes["records"] * sizes["history_per_record"]
        )
    except Exception:
        return False


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed_gets(client, path: str, runs: int) -> list[float]:
    timings = []
    for _run in range(runs + 2):
        started = time.perf_counter()
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return timings[2:]


def signed_in_client(username: str):
    from django.contrib.auth import get_user_model

    from bench import load

    return load.signed_in_client(get_user_model().objects.get(username=username))


def summary(timings: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "runs": len(timings),
    }


# -- parts --------------------------------------------------------------------------------


def measure_search(args) -> dict:
    """Department search through the workspace's department list, one client."""
    client = signed_in_client("prov-supervisor")
    results = {}
    for length, terms in SEARCH_TERMS.items():
        timings = []
        for term in terms:
            timings += timed_gets(client, f"/workspace/departments/?q={term}", args.runs // 3)
        results[length] = summary(timings)
        print(
            f"  search, {length}: p50 {results[length]['p50_ms']} ms, "
            f"p95 {results[length]['p95_ms']} ms"
        )
    return results


def measure_history(args) -> dict:
    """A record's workspace page with the full history table, then with an empty one."""
    from django.db import connection

    from credit_records.models import DishonestyRecord

    table = DishonestyRecord.history.model._meta.db_table
    record = DishonestyRecord.objects.filter(status="rectification_required").order_by("pk").first()
    client = signed_in_client("prov-supervisor")
    path = f"/workspace/records/{record.pk}/"
    rows = DishonestyRecord.history.model.objects.count()
    full = timed_gets(client, path, args.runs)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_full")
        try:
            cursor.execute(f"CREATE TABLE {table} (LIKE {table}_full INCLUDING ALL)")
            cursor.execute(
                f"INSERT INTO {table} SELECT * FROM {table}_full WHERE id = %s", [record.pk]
            )
            cursor.execute(f"ANALYZE {table}")
            empty = timed_gets(client, path, args.runs)
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"ALTER TABLE {table}_full RENAME TO {table}")
    result = {
        "history_rows": rows,
        "full": summary(full),
        "only_this_record": summary(empty),
    }
    result["p95_ratio"] = round(result["full"]["p95_ms"] / result["only_this_record"]["p95_ms"], 3)
    print(
        f"  record page: {rows:,} history rows p95 {result['full']['p95_ms']} ms; "
        f"only the record's own p95 {result['only_this_record']['p95_ms']} ms "
        f"(×{result['p95_ratio']})"
    )
    return result


def measure_exports(args, url: str) -> dict:
    from bench import exports

    results = {}
    total = _record_count()
    for rows in (100_000, total):
        for name in ("csv floor", "ours, CSV", "ours, XLSX"):
            result = exports.measure(name, rows, url)
            results[f"{name} {rows}"] = result
            if "skipped" in result:
                print(f"  export {name}, {rows:,} rows: skipped ({result['skipped']})")
                continue
            print(
                f"  export {name}, {rows:,} rows: {result['seconds']:.1f} s, "
                f"{rows / result['seconds']:,.0f} rows/s, peak {result['peak_mb']:.0f} MB, "
                f"{result['bytes'] / 1e6:.0f} MB"
            )
    return results


def _record_count() -> int:
    from credit_records.models import DishonestyRecord

    return DishonestyRecord.objects.count()


def measure_imports(args, url: str) -> dict:
    from bench import imports
    from bench.exports import ensure_superuser

    # The importer is the admin's user: without one, each history row's author would be
    # looked up a row at a time (the road of an import with no user), as the first runs here
    # did (2,700 rows/s, half of it that).
    ensure_superuser()
    rows = min(100_000, _record_count())
    results = {}
    for name in ("preview", "confirm"):
        result = imports.measure(name, rows, url)
        results[name] = result
        print(f"  import {name}, {rows:,} rows: {json.dumps(result, ensure_ascii=False)}")
    return results


def measure_evaluation(args) -> dict:
    import datetime

    from core.models import Region
    from evaluations import services
    from evaluations.models import Round

    province = Region.objects.get(code="320000")
    year = datetime.date.today().year - 1
    scheme = services.default_scheme()
    results = {}
    for level in ("city", "county"):
        name = f"基准 {year} {level} {secrets.token_hex(3)}"
        evaluation_round = services.round_create(
            actor=None,
            name=name,
            scheme=scheme,
            organiser=province,
            level=level,
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
        )
        services.round_start_scoring(actor=None, round=evaluation_round)
        started = time.perf_counter()
        cpu = time.process_time()
        services.round_compute(actor=None, round=evaluation_round)
        seconds = time.perf_counter() - started
        evaluation_round = Round.objects.get(pk=evaluation_round.pk)
        subjects = evaluation_round.subjects.count()
        results[level] = {
            "subjects": subjects,
            "seconds": round(seconds, 1),
            "cpu_seconds": round(time.process_time() - cpu, 1),
            "status": evaluation_round.computation_status,
        }
        print(f"  evaluation round over {subjects} {level} regions: {seconds:.1f} s")
    return results


def measure_scan(args) -> dict:
    from django.db import connection

    from credit_records.tasks import scan_deadlines

    results = {}
    for phase in ("first scan", "second scan (nothing new)"):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(count):
            outcome = scan_deadlines()
        results[phase] = {
            "seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu, 1),
            "queries": queries,
            "outcome": outcome,
        }
        print(f"  {phase}: {json.dumps(results[phase], ensure_ascii=False)}")
    return results


def load_targets(
    session_province: str, session_county: str, token_province: str, token_county: str
):
    from core.models import Department, Region
    from credit_records.selectors import published_records

    county = Region.objects.get(code="320583")
    department = (
        Department.objects.filter(region=county, records__in=published_records())
        .order_by("pk")
        .first()
    )
    province_cookie = {"Cookie": session_province}
    county_cookie = {"Cookie": session_county}
    return [
        {"name": "trivial view", "path": "/bench/ping/", "headers": {}},
        {"name": "public list", "path": "/public/records/", "headers": {}},
        {"name": "public search by name", "path": "/public/records/?q=昆山市财政局", "headers": {}},
        {
            "name": "public search by credit code",
            "path": f"/public/records/?q={department.uscc}",
            "headers": {},
        },
        {
            "name": "public department",
            "path": f"/public/departments/{department.uscc}/",
            "headers": {},
        },
        {
            "name": "record list, province",
            "path": "/workspace/records/",
            "headers": province_cookie,
        },
        {"name": "record list, county", "path": "/workspace/records/", "headers": county_cookie},
        {
            "name": "profile, province",
            "path": f"/workspace/departments/{department.uscc}/",
            "headers": province_cookie,
        },
        {
            "name": "profile, county",
            "path": f"/workspace/departments/{department.uscc}/",
            "headers": county_cookie,
        },
        {
            "name": "API list, province",
            "path": "/api/v1/records/",
            "headers": {"Authorization": f"Token {token_province}"},
        },
        {
            "name": "API list, county",
            "path": "/api/v1/records/",
            "headers": {"Authorization": f"Token {token_county}"},
        },
        {
            "name": "department search (2 chars)",
            "path": "/workspace/departments/?q=财政",
            "headers": province_cookie,
        },
        {
            "name": "department search (4 chars)",
            "path": "/workspace/departments/?q=市场监督",
            "headers": province_cookie,
        },
    ]


def measure_profile(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from rest_framework.authtoken.models import Token

    from bench import page_profile

    users = {name: get_user_model().objects.get(username=name) for name in PROFILED_USERS}
    clients = {name: signed_in_client(name) for name in PROFILED_USERS}
    tokens = {name: Token.objects.get_or_create(user=user)[0].key for name, user in users.items()}
    results = {}
    for target in load_targets("", "", tokens[PROFILED_USERS[0]], tokens[PROFILED_USERS[1]]):
        if target["name"] == "trivial view" or target["name"].startswith("public"):
            continue
        who = PROFILED_USERS[1] if "county" in target["name"] else PROFILED_USERS[0]
        if target["name"].startswith("API"):
            client, headers = Client(), target["headers"]
        else:
            client, headers = clients[who], {}
        # As the server keeps them: the filter forms' fragments cached (the other parts time
        # pages as rendered).
        with override_settings(CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS=SERVER_FRAGMENT_SECONDS):
            figures = page_profile.measure(client, target["path"], headers=headers, runs=args.runs)
        page_profile.print_report(target["name"], figures)
        results[target["name"]] = figures
    return results


PROFILED_USERS = ("prov-supervisor", "county-supervisor")
SERVER_FRAGMENT_SECONDS = 120  # config/settings/base.py's default


def measure_load(args, url: str) -> list[dict]:
    import subprocess
    from urllib.parse import quote

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from rest_framework.authtoken.models import Token

    from bench import load

    wrk = load.require_wrk()
    if wrk is None:
        return []
    cache.clear()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=load.ROOT,
        env=args.server_environment,
        check=True,
    )
    sessions, tokens = [], []
    for username in PROFILED_USERS:
        user = get_user_model().objects.get(username=username)
        client = load.signed_in_client(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        sessions.append(f"{settings.SESSION_COOKIE_NAME}={cookie}")
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    targets = load_targets(sessions[0], sessions[1], tokens[0], tokens[1])
    for target in targets:
        target["path"] = quote(target["path"], safe="/?=&")
    port = load.free_port()
    base = f"http://127.0.0.1:{port}"
    server = load.start_gunicorn(port, args.server_environment, args.workers)
    wrk_args = argparse.Namespace(threads=2, connections=args.connections, duration=args.duration)
    results = []
    try:
        load.wait_until_up(base, server)
        for target in targets:
            size = load.check(base, target)
            load.run_wrk(wrk, base, target, argparse.Namespace(**{**vars(wrk_args), "duration": 2}))
            report = load.run_wrk(wrk, base, target, wrk_args)
            report.update(name=target["name"], path=target["path"], body_bytes=size)
            results.append(report)
            print(
                f"  {target['name']}: {report['requests_per_second']:.1f} req/s, "
                f"p95 {report['p95_ms']:.1f} ms, {report['errors']} errors",
                flush=True,
            )
    finally:
        load.stop(server)
    floor = results[0]["requests_per_second"] or 1
    for row in results:
        row["ratio_to_trivial"] = round(row["requests_per_second"] / floor, 4)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench province", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the province's size")
    parser.add_argument("--rebuild", action="store_true", help="drop and build the data again")
    parser.add_argument("--build-only", action="store_true", help="build, measure nothing")
    parser.add_argument("--only", action="append", choices=PARTS, help="measure only these")
    parser.add_argument("--runs", type=int, default=30, help="requests per in-process page")
    parser.add_argument("--duration", type=int, default=10, help="wrk seconds per page")
    parser.add_argument("--connections", type=int, default=8, help="wrk clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    from bench import load
    from bench.__main__ import ensure_database, setup_django
    from bench.province_data import Builder, scaled

    url = os.environ.get("BENCH_PROVINCE_DATABASE_URL") or DEFAULT_URL
    cache_url = os.environ.get("BENCH_CACHE_URL") or load.DEFAULT_CACHE_URL
    args.server_environment = load.server_environment(url, cache_url, secrets.token_urlsafe(50))
    for name in ("DJANGO_SECRET_KEY", "CACHE_URL", "CHENGXIN_BENCH_ROUTES"):
        os.environ[name] = args.server_environment[name]
    # In-process pages are timed as rendered (the load part measures the page cache).
    os.environ.setdefault("CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS", "0")
    os.environ["BENCH_DATABASE_URL"] = url
    sizes = scaled(args.scale)
    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    figures: dict = {"sizes": sizes}
    if args.rebuild or not built(sizes):
        connection.close()
        recreate_database(url)
        call_command("migrate", verbosity=0)
        print(f"Building the province (scale {args.scale}) in {url.rsplit('/', 1)[-1]}:")
        builder = Builder(args.scale)
        started = time.perf_counter()
        builder.build()
        total = time.perf_counter() - started
        print(f"Built in {total:.0f} s ({total / 60:.1f} min).")
        figures["build"] = {"seconds": round(total), "steps": builder.timings}
    else:
        print("Reusing the province already built (--rebuild to redo).")
    if args.build_only:
        return 0

    parts = args.only or PARTS
    for part in parts:
        print(f"\n{part}:", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            if part == "load":
                figures["load"] = measure_load(args, url)
            elif part == "profile":
                figures["profile"] = measure_profile(args)
            elif part == "search":
                figures["search"] = measure_search(args)
            elif part == "history":
                figures["history"] = measure_history(args)
            elif part == "exports":
                figures["exports"] = measure_exports(args, url)
            elif part == "imports":
                figures["imports"] = measure_imports(args, url)
            elif part == "evaluation":
                figures["evaluation"] = measure_evaluation(args)
            elif part == "scan":
                figures["scan"] = measure_scan(args)
    if figures.get("load"):
        load.print_report(
            figures["load"],
            argparse.Namespace(
                workers=args.workers,
                threads=2,
                connections=args.connections,
                duration=args.duration,
                records=sizes["records"],
            ),
            f" (load average {os.getloadavg()[0]:.1f})",
        )
    figures["load_average"] = os.getloadavg()
    print(json.dumps(figures, ensure_ascii=False, default=str))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(figures, handle, ensure_ascii=False, indent=2, default=str)
    return 0
