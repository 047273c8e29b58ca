"""``python -m bench load``: the portal under load, as deployed, with 100,000 records.

Uses the public benchmark's data (``bench/__main__.py`` ``populate``: 100,000 published and
10,000 unpublished records in 2,000 departments; built here if missing) in a scratch
PostgreSQL database (``BENCH_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/chengxin_bench), collects the static files, starts
gunicorn (``--workers``, default 2) on the production settings over plain HTTP with a Redis
cache (``BENCH_CACHE_URL``, default redis://127.0.0.1:6379/8), signs a province supervisor in
(a session cookie and an API token) and drives each page with wrk (Debian package ``wrk``)
for ``--duration`` seconds with ``--connections`` clients:

- ``trivial view``: /bench/ping/, every middleware and no work: the framework's floor;
- the public record list and a public department page (anonymous: served from the cache);
- the workspace record list and a department's credit profile (signed in);
- the API's record list (token).

Prints requests/s, latency p50/p95/p99 (from wrk's ``done()`` hook, ``bench/wrk_report.lua``),
errors (socket errors and answers other than 2xx/3xx) and each page's throughput relative to
the trivial view, as a table and as JSON (``--json FILE`` writes it to a file). Figures and
what they mean: docs/performance.md.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.__main__ import DEFAULT_DATABASE_URL, ensure_database, populate, setup_django

ROOT = Path(__file__).resolve().parent.parent
LUA_REPORT = Path(__file__).resolve().parent / "wrk_report.lua"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/8"
BENCH_USER = "bench-supervisor"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database_url: str, cache_url: str, secret: str) -> dict[str, str]:
    """Production settings, over plain HTTP on the loopback interface."""
    static_root = ROOT / "var" / "bench-static"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secret,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "CELERY_BROKER_URL": cache_url,
        "CHENGXIN_BENCH_ROUTES": "true",
        # Nothing stops a load test sooner than the public API's per-address rate limit.
        "CHENGXIN_PUBLIC_API_RATE": "1000000/minute",
        # config/gunicorn.py recycles a worker every ~2,000 requests (a leak guard): at the
        # trivial view's rate that would restart them every second and time the restarts.
        "GUNICORN_MAX_REQUESTS": "0",
    }


def require_wrk() -> str | None:
    wrk = shutil.which("wrk")
    if wrk is None:
        print(
            "The load benchmark needs wrk, an HTTP load generator: on Debian or Ubuntu "
            "`sudo apt-get install wrk` (https://github.com/wg/wrk).",
            file=sys.stderr,
        )
    return wrk


def sign_in() -> tuple[str, str]:
    """A province supervisor (sees every record): a session id and an API token."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from core.models import Region
    from core.roles import Role
    from core.services import user_assign_role

    User = get_user_model()
    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        province = Region.objects.get(code="320000")
        user = User.objects.create_user(BENCH_USER, password=secrets.token_urlsafe(16))
        user.region = province
        user.save()
        user_assign_role(user=user, role=Role.SUPERVISOR, region=province, actor=None)
    client = signed_in_client(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    token, _created = Token.objects.get_or_create(user=user)
    return session, token.key


def signed_in_client(user):
    """A test client signed in as ``user``, with the second factor passed as the sign-in
    page passes it (supervisors must use one: ``CHENGXIN_TWO_FACTOR_ROLES``), so that the
    two-factor middleware's cost is measured and the pages answer instead of redirecting."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def targets(session_header: str, token: str) -> list[dict]:
    from core.models import Department
    from credit_records.selectors import published_records

    department = Department.objects.filter(records__in=published_records()).order_by("pk").first()
    signed_in = {"Cookie": session_header}
    return [
        {"name": "trivial view", "path": "/bench/ping/", "headers": {}},
        {"name": "public list (anonymous)", "path": "/public/records/", "headers": {}},
        {
            "name": "public department (anonymous)",
            "path": f"/public/departments/{department.uscc}/",
            "headers": {},
        },
        {"name": "workspace record list", "path": "/workspace/records/", "headers": signed_in},
        {
            "name": "workspace department profile",
            "path": f"/workspace/departments/{department.uscc}/",
            "headers": signed_in,
        },
        {
            "name": "API record list (token)",
            "path": "/api/v1/records/",
            "headers": {"Authorization": f"Token {token}"},
        },
    ]


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def check(base: str, target: dict) -> int:
    """One request before the load: the page must answer 200 itself (a redirect to the
    sign-in page would count as a success in wrk's figures). Returns the body's size."""
    request = urllib.request.Request(base + target["path"], headers=target["headers"])
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            if response.url != base + target["path"]:
                raise RuntimeError(f"{target['path']} redirected to {response.url}")
            return len(response.read())
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{target['path']} answered {error.code}") from None


def run_wrk(wrk: str, base: str, target: dict, args) -> dict:
    command = [
        wrk,
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={args.duration}s",
        "--timeout=10s",
        "--latency",
        f"--script={LUA_REPORT}",
    ]
    for name, value in target["headers"].items():
        command += ["--header", f"{name}: {value}"]
    command.append(base + target["path"])
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {result.stderr or result.stdout}")
    for line in result.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    raise RuntimeError(f"no report from wrk:\n{result.stdout}")


def start_gunicorn(port: int, environment: dict, workers: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--timeout=60",
        "--access-logfile=-" if os.environ.get("BENCH_ACCESS_LOG") else "--error-logfile=-",
    ]
    config = ROOT / "config" / "gunicorn.py"
    if config.is_file():
        # The deployment's own settings; the command line's bind and workers win.
        command[4:4] = ["--config=python:config.gunicorn"]
    log = open(ROOT / "var" / "bench-gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def print_report(results: list[dict], args, busy_note: str) -> None:
    floor = results[0]["requests_per_second"] or 1
    print()
    print(
        f"Load: gunicorn {args.workers} workers, wrk {args.threads} threads, "
        f"{args.connections} connections, {args.duration} s per page, {args.records:,} "
        f"records on PostgreSQL{busy_note}"
    )
    header = (
        f"{'page':<32} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7} {'× floor':>8} {'KB':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in results:
        print(
            f"{row['name']:<32} {row['requests_per_second']:>8.1f} {row['p50_ms']:>8.1f} "
            f"{row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['errors']:>7} "
            f"{row['requests_per_second'] / floor:>8.3f} {row['body_bytes'] / 1024:>6.1f}"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--records", type=int, default=100_000, help="published records")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=8, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=15, help="seconds per page")
    parser.add_argument("--only", help="run only the pages whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    wrk = require_wrk()
    if wrk is None:
        return 2
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "The load benchmark needs PostgreSQL: BENCH_DATABASE_URL=postgres://…", file=sys.stderr
        )
        return 2
    cache_url = os.environ.get("BENCH_CACHE_URL") or DEFAULT_CACHE_URL
    secret = secrets.token_urlsafe(50)
    environment = server_environment(url, cache_url, secret)
    # This process signs the supervisor in: same secret (the session's hash), same cache.
    for name in ("DJANGO_SECRET_KEY", "CACHE_URL", "CHENGXIN_BENCH_ROUTES"):
        os.environ[name] = environment[name]
    ensure_database(url)
    setup_django(url)
    from django.conf import settings
    from django.core.cache import cache

    populate(args.records, rebuild=False)
    # The other benchmarks share this database and roll back what they write (bench/imports.py
    # inserts 10,000 records several times): until autovacuum passes, those dead rows slow
    # every query by a fifth. A deployed database is vacuumed by then; measure that one.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    cache.clear()  # start every run from an empty page cache (Redis database of its own)
    print("Collecting static files…")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    session, token = sign_in()
    session_header = f"{settings.SESSION_COOKIE_NAME}={session}"
    pages = targets(session_header, token)
    if args.only:
        pages = [pages[0], *(p for p in pages[1:] if args.only in p["name"])]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, environment, args.workers)
    results = []
    try:
        wait_until_up(base, server)
        for target in pages:
            size = check(base, target)
            # A short warm-up: imports, connections, template loading, the cache.
            warm = argparse.Namespace(**{**vars(args), "duration": 2})
            run_wrk(wrk, base, target, warm)
            report = run_wrk(wrk, base, target, args)
            report.update(name=target["name"], path=target["path"], body_bytes=size)
            results.append(report)
            print(
                f"  {target['name']}: {report['requests_per_second']:.1f} req/s, "
                f"p95 {report['p95_ms']:.1f} ms, {report['errors']} errors"
            )
    finally:
        stop(server)
    floor = results[0]["requests_per_second"] or 1
    for row in results:
        row["ratio_to_trivial"] = round(row["requests_per_second"] / floor, 4)
    load = os.getloadavg()[0]
    busy = f" (load average {load:.1f} on {os.cpu_count()} CPUs)"
    print_report(results, args, busy)
    summary = {
        "settings": {
            "workers": args.workers,
            "connections": args.connections,
            "threads": args.threads,
            "duration_s": args.duration,
            "records": args.records,
            "load_average": round(load, 2),
            "cpus": os.cpu_count(),
        },
        "results": results,
    }
    print(json.dumps(summary, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    return 1 if any(row["errors"] for row in results) else 0
