"""``python -m bench pages``: the CPU time of the signed-in pages, request by request.

``python -m bench load`` measures throughput under wrk, which on a shared machine measures
the neighbours too. This one measures what a page costs its own process: each page is
requested ``--runs`` times through Django's test client, in one process, on the production
settings (``config.settings.production``: DEBUG off, the cached template loader, the same
middleware) with the load benchmark's Redis cache (``BENCH_CACHE_URL``, default
redis://127.0.0.1:6379/8: the permission cache and the fragment caches on, as deployed) and
``CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS`` at its production default, over the public
benchmark's data (``bench/__main__.py`` ``populate``, built if missing).

Two officials are signed in: the province's supervisor (the load benchmark's: every record in
scope) and a county's supervisor (the county of the data with the most records). For each,
the pages are:

- the trivial view (/bench/ping/: every middleware and no work, the floor);
- the workspace record list (/workspace/records/, 25 a page);
- a department's credit profile (/workspace/departments/<uscc>/, a department in scope);
- the API's record list (/api/v1/records/, 50 a page, token).

Prints, per page: the queries of one request, the median and 90th percentile of the
process's CPU time (``time.process_time``: PostgreSQL's and Redis's own time is not in it)
and of the wall clock, and the CPU time relative to the trivial view's. ``--profile`` adds a
cProfile of each page's runs, top ``--top`` functions by cumulative and by own time.
Figures and what they mean: docs/performance.md.
"""

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import time

from bench.__main__ import DEFAULT_DATABASE_URL, ensure_database, populate, setup_django
from bench.load import BENCH_USER, DEFAULT_CACHE_URL, ROOT, server_environment, signed_in_client

COUNTY_USER = "bench-county-supervisor"


def county_with_most_records():
    from django.db.models import Count

    from core.models import Region, RegionLevel

    return (
        Region.objects.filter(level=RegionLevel.COUNTY)
        .annotate(records=Count("departments__records"))
        .order_by("-records", "code")
        .first()
    )


def supervisor(username: str, region):
    """A supervisor of ``region`` (created the first time), and their API token."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from core.roles import Role
    from core.services import user_assign_role

    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, password=secrets.token_urlsafe(16))
        user_assign_role(user=user, role=Role.SUPERVISOR, region=region, actor=None)
    token, _created = Token.objects.get_or_create(user=user)
    return user, token.key


def department_in_scope(user):
    """The department with the most published records the user may open (a full profile)."""
    from django.db.models import Count

    from core.models import Department
    from core.scope import scope_queryset

    return (
        scope_queryset(user, Department.objects.all())
        .annotate(n=Count("records"))
        .order_by("-n", "pk")
        .first()
    )


def pages_for(user, token: str) -> list[tuple[str, str, dict, bool]]:
    """(name, path, headers, whether the request carries the signed-in session's cookie)."""
    department = department_in_scope(user)
    api = {"HTTP_AUTHORIZATION": f"Token {token}"}
    return [
        ("record list", "/workspace/records/", {}, True),
        ("department profile", f"/workspace/departments/{department.uscc}/", {}, True),
        # As an API client calls it: the token, no session cookie.
        ("API record list", "/api/v1/records/", api, False),
    ]


def run_page(client, path: str, headers: dict, runs: int, profiler=None, phases=None):
    """(queries of one request, CPU ms per run, wall ms per run, response size)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _warm in range(3):  # imports, templates, caches, the permission cache
        response = client.get(path, **headers)
        assert response.status_code == 200, (path, response.status_code, response.get("Location"))
    with CaptureQueriesContext(connection) as context:
        client.get(path, **headers)
    queries = len(context.captured_queries)
    cpu, wall = [], []
    if phases:
        phases.reset()
    for _run in range(runs):
        if profiler:
            profiler.enable()
        started_cpu, started = time.process_time(), time.perf_counter()
        response = client.get(path, **headers)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        if profiler:
            profiler.disable()
    return queries, cpu, wall, len(response.content)


class Phases:
    """The process's CPU time split by what it was doing (``--phases``): the functions below
    are wrapped, and each phase gets its own time, not that of the phases inside it (the
    queries a template makes are the database's, not the template's)."""

    WRAPPED = [
        ("database (ORM)", "django.db.models.query", "QuerySet", "_fetch_all"),
        ("database (ORM)", "django.db.models.sql.compiler", "SQLCompiler", "execute_sql"),
        ("cache", "django.core.cache.backends.redis", "RedisCacheClient", "get"),
        ("cache", "django.core.cache.backends.redis", "RedisCacheClient", "get_many"),
        ("cache", "django.core.cache.backends.redis", "RedisCacheClient", "set"),
        ("cache", "django.core.cache.backends.redis", "RedisCacheClient", "add"),
        ("templates", "django.template.base", "Template", "render"),
        (
            "serialisation (DRF)",
            "rest_framework.serializers",
            "ListSerializer",
            "to_representation",
        ),
        ("JSON rendering", "rest_framework.renderers", "JSONRenderer", "render"),
    ]

    def __init__(self):
        import importlib

        self.totals: dict[str, float] = {}
        self.stack: list[list] = []
        self.originals = []
        for phase, module, cls, name in self.WRAPPED:
            owner = getattr(importlib.import_module(module), cls)
            original = owner.__dict__[name]
            self.originals.append((owner, name, original))
            setattr(owner, name, self._wrap(phase, original))

    def _wrap(self, phase, original):
        phases = self

        def wrapper(*args, **kwargs):
            if phases.stack and phases.stack[-1][0] == phase:
                return original(*args, **kwargs)  # nested in its own phase: counted once
            frame = [phase, time.process_time(), 0.0]
            phases.stack.append(frame)
            try:
                return original(*args, **kwargs)
            finally:
                phases.stack.pop()
                elapsed = time.process_time() - frame[1]
                phases.totals[phase] = phases.totals.get(phase, 0.0) + elapsed - frame[2]
                if phases.stack:
                    phases.stack[-1][2] += elapsed

        return wrapper

    def reset(self) -> None:
        self.totals = {}

    def restore(self) -> None:
        for owner, name, original in self.originals:
            setattr(owner, name, original)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def print_profile(profiler, top: int) -> None:
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print(f"    top {top} by {order}:")
        for line in lines[start:]:
            if line.strip():
                print("    " + line)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench pages", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--records", type=int, default=100_000, help="published records")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--profile", action="store_true", help="print a cProfile per page")
    parser.add_argument("--phases", action="store_true", help="split each page's CPU time by phase")
    parser.add_argument("--top", type=int, default=25, help="functions per profile")
    parser.add_argument("--only", help="only the pages whose name contains this")
    parser.add_argument("--who", choices=("province", "county"), help="only this supervisor")
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print("The benchmark needs PostgreSQL: BENCH_DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    cache_url = os.environ.get("BENCH_CACHE_URL") or DEFAULT_CACHE_URL
    environment = server_environment(url, cache_url, secrets.token_urlsafe(50))
    environment["DJANGO_ALLOWED_HOSTS"] += ",testserver"
    os.environ.update(environment)
    ensure_database(url)
    # The manifest of the static files: the production storage refuses a page without it.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    setup_django(url)
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from core.models import Region

    populate(args.records, rebuild=False)
    cache.clear()
    county = county_with_most_records()
    officials = [
        ("province", supervisor(BENCH_USER, Region.objects.get(code="320000"))),
        (f"county {county.code}", supervisor(COUNTY_USER, county)),
    ]
    if args.who:
        officials = [o for o in officials if o[0].startswith(args.who)]
    rows = []
    # The floor, as the load benchmark's: every middleware, no work, anonymous.
    pages = [("", ("trivial view", "/bench/ping/", {}, False))]
    for who, (user, token) in officials:
        pages += [(who, page) for page in pages_for(user, token)]
    clients = {"": Client()}
    for who, (user, _token) in officials:
        clients[who] = signed_in_client(user)
    for who, (name, path, headers, signed_in) in pages:
        if args.only and args.only not in name and name != "trivial view":
            continue
        client = clients[who] if signed_in else Client()
        profiler = cProfile.Profile() if args.profile and name != "trivial view" else None
        phases = Phases() if args.phases else None
        try:
            queries, cpu, wall, size = run_page(client, path, headers, args.runs, profiler, phases)
        finally:
            if phases:
                phases.restore()
        rows.append((who, name, queries, cpu, wall, size))
        print(
            f"  {who}, {name}: {queries} queries, CPU {statistics.median(cpu):.1f} ms "
            f"(median), wall {statistics.median(wall):.1f} ms"
        )
        if phases:
            total = sum(cpu)
            split = {k: v * 1000 for k, v in phases.totals.items()}
            split["the rest (middleware, view, framework)"] = total - sum(split.values())
            print(
                "    CPU ms per request: "
                + ", ".join(f"{k} {v / args.runs:.1f}" for k, v in split.items())
            )
        if profiler:
            print(f"  {path}")
            print_profile(profiler, args.top)

    print()
    print(
        f"Signed-in pages in-process, {args.records:,} records, PostgreSQL "
        f"{connection.pg_version // 10000}, {settings.CACHES['default']['BACKEND'].split('.')[-1]}"
        f", {args.runs} runs each (load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs)"
    )
    header = (
        f"{'who':<14} {'page':<20} {'queries':>7} {'CPU p50':>8} {'CPU p90':>8} "
        f"{'wall p50':>8} {'× floor':>8} {'KB':>6}"
    )
    print(header)
    print("-" * len(header))
    floor_cpu = statistics.median(rows[0][3])
    for who, name, queries, cpu, wall, size in rows:
        median = statistics.median(cpu)
        # Throughput relative to the trivial view's, if a request cost only this CPU time.
        ratio = floor_cpu / median if median else 0
        print(
            f"{who:<14} {name:<20} {queries:>7} {median:>8.2f} {percentile(cpu, 0.9):>8.2f} "
            f"{statistics.median(wall):>8.2f} {ratio:>8.3f} {size / 1024:>6.1f}"
        )
    return 0
