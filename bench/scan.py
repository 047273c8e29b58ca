"""``python -m bench scan``: the deadline scan over a province's backlog.

Fills a scratch PostgreSQL database (``DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/chengxin_bench_scan, created if missing) with 500
departments across Jiangsu's regions, a liaison for each and a credit office for every city,
and open rectifications: ``--overdue`` of them (default 45,000) with every ladder step due,
and ``--window`` (default 10,000) due within the reminder windows. Then, in one process, as a
worker would:

1. the first scan's reminders (every rectification in the windows is reminded once);
2. the catch-up of the ladder (three steps each, with their timeline events, history rows,
   notifications and accountability proposals), batch by batch as ``escalate_overdue`` does;
3. a scan with nothing new to do, whole (``run_scan``), with its queries counted.

Notifications' emails are queued as tasks (an in-memory broker here), not sent: a worker
sends them apart from the scan. The figures go to docs/performance.md by hand.

Never point it at a database you care about: it empties the one it is given.
"""

import argparse
import datetime
import os
import sys
import time

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_scan"


def populate(overdue: int, window: int, today: datetime.date) -> None:
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from bench.__main__ import uscc
    from core.models import Department, Region, RegionLevel, User
    from core.reference import load_jiangsu_regions
    from core.roles import Role
    from credit_records.models import DishonestyRecord, RecordStatus, Rectification
    from credit_records.rules import disclosure_window

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    load_jiangsu_regions(Region)
    started = time.perf_counter()
    regions = list(Region.objects.exclude(level=RegionLevel.PROVINCE).order_by("code"))
    departments = Department.objects.bulk_create(
        Department(name=f"扫描部门{n:04d}", uscc=uscc(n + 1, region.code), region=region)
        for n, region in enumerate(regions[n % len(regions)] for n in range(500))
    )
    liaison_group = Group.objects.get(name=Role.LIAISON.value)
    supervisor_group = Group.objects.get(name=Role.SUPERVISOR.value)
    liaisons = User.objects.bulk_create(
        User(username=f"liaison{n}", email=f"liaison{n}@example.gov.cn", department=department)
        for n, department in enumerate(departments)
    )
    offices = User.objects.bulk_create(
        User(username=f"office{region.code}", email=f"{region.code}@example.gov.cn", region=region)
        for region in regions
        if region.level == RegionLevel.CITY
    )
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=liaison_group.pk) for user in liaisons]
        + [User.groups.through(user_id=user.pk, group_id=supervisor_group.pk) for user in offices]
    )

    def records(count, deadline, offset):
        decided = deadline - datetime.timedelta(days=30)
        minimum, ends = disclosure_window("general", decided)
        return DishonestyRecord.objects.bulk_create(
            (
                DishonestyRecord(
                    department=departments[n % len(departments)],
                    category="contract",
                    severity="general",
                    decision_number=f"SCAN〔2026〕{offset + n}号",
                    issuing_authority="江苏省财政厅",
                    decision_date=decided,
                    minimum_period_ends=minimum,
                    disclosure_ends=ends,
                    facts="未按期整改。",
                    status=RecordStatus.IN_PROGRESS,
                )
                for n in range(count)
            ),
            batch_size=5000,
        )

    late = records(overdue, today - datetime.timedelta(days=60), 0)
    soon = records(window, today + datetime.timedelta(days=2), overdue)
    Rectification.objects.bulk_create(
        [Rectification(record_id=r.pk, deadline=today - datetime.timedelta(days=60)) for r in late]
        + [
            Rectification(record_id=r.pk, deadline=today + datetime.timedelta(days=2)) for r in soon
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"Created {len(departments)} departments, {overdue:,} overdue and {window:,} upcoming "
        f"rectifications in {time.perf_counter() - started:.0f} s."
    )


def timed(label, call, profile=False):
    """Run ``call``, printing its time and the queries it made (counted by a wrapper, not
    the debug log, which keeps only the last 9,000)."""
    from django.db import connection

    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counting):
        result = profiler.runcall(call) if profiler else call()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{label}: {elapsed:.1f} s ({cpu:.1f} s of this process's CPU), "
        f"{count[0]:,} queries → {result}"
    )
    if profiler:
        import pstats

        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return elapsed, count[0], result


def _share(today, index, parts, results):
    from django.db import connection

    from credit_records import ladder

    connection.close()  # a forked process opens its own connection
    started = time.process_time()
    steps = ladder.escalate_overdue(today, share=(index, parts))
    results.put((steps, time.process_time() - started))


def catch_up_in_processes(today, workers: int):
    """The catch-up shared by ``workers`` processes, each taking the backlog from its own
    point as the scan's helper tasks do (``ladder.escalate_overdue(share=…)``)."""
    import multiprocessing

    from django.db import connection

    connection.close()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    started = time.perf_counter()
    processes = [
        context.Process(target=_share, args=(today, index, workers, results))
        for index in range(workers)
    ]
    for process in processes:
        process.start()
    shares = [results.get() for _process in processes]
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    steps = sum(steps for steps, _cpu in shares)
    print(
        f"Ladder catch-up in {workers} processes: {elapsed:.1f} s, "
        f"steps per process {[s for s, _c in shares]}, "
        f"CPU per process {[round(c, 1) for _s, c in shares]} s"
    )
    return elapsed, 0, steps


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench scan", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--overdue", type=int, default=45_000)
    parser.add_argument("--window", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="profile the catch-up")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes sharing the catch-up, as the scan's helper tasks share it",
    )
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    from bench.__main__ import ensure_database, setup_django

    ensure_database(url)
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    setup_django(url)
    from django.utils import timezone

    from core.models import Notification
    from credit_records import deadlines

    today = timezone.localdate()
    populate(args.overdue, args.window, today)
    timed("Reminders, first scan", lambda: deadlines.send_reminders(today))
    if args.workers > 1:
        seconds, queries, steps = catch_up_in_processes(today, args.workers)
    else:
        seconds, queries, steps = timed(
            "Ladder catch-up", lambda: deadlines.escalate_overdue(today), args.profile
        )
    print(
        f"  {steps:,} steps: {seconds / max(steps, 1) * 1000:.2f} ms and "
        f"{queries / max(steps, 1):.2f} queries per step; "
        f"{Notification.objects.count():,} notifications"
    )
    timed("Whole scan, nothing new", lambda: deadlines.run_scan(today))
    timed("Whole scan, nothing new, again", lambda: deadlines.run_scan(today))
    return 0
