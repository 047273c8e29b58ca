"""``python -m bench reports``: how long a typical department's credit report takes to render.

Builds, in a scratch PostgreSQL database (``DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/chengxin_bench_reports, created if missing), one
department with a typical credit file: 12 dishonesty records in every state (some rectified,
one repaired), 6 commendations and 10 commitments, then issues its official report with every
section over five years ``--runs`` times (the register entry, the sections' queries, the PDF
with its font subset and QR code, the SHA-256) and its public report, and prints the median
and 95th percentile in milliseconds and the file's size. The issue's target: under 2 seconds,
under 1 MB. Figures in docs/performance.md.

Never point it at a database you care about: it adds to the one it is given.
"""

import argparse
import datetime
import os
import statistics
import time

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/chengxin_bench_reports"


def build_department():
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    from core.models import Department, Region
    from credit_records.models import Commendation, Commitment, PublicOfficial
    from tests.builders.core import valid_uscc
    from tests.builders.records import make_record

    name = "南京市基准测试局"
    department = Department.objects.filter(name=name).first()
    if department is not None:
        return department
    region = Region.objects.get(code="320100")
    department = Department.objects.create(
        name=name, region=region, uscc=valid_uscc(990_001, "320100")
    )
    today = timezone.localdate()
    states = ["confirmed", "rectification_required", "in_progress", "verified", "closed"]
    for index in range(12):
        make_record(
            department,
            state=states[index % len(states)],
            decision_number=f"宁基准罚〔{today.year}〕{index + 1}号",
            decision_date=today - datetime.timedelta(days=40 + 90 * index),
        )
    officials = [
        PublicOfficial.objects.create(
            department=department, name=f"王{chr(0x4E00 + i)}明", employee_number=f"BN-{i}"
        )
        for i in range(4)
    ]
    for index in range(6):
        Commendation.objects.create(
            department=department,
            official=officials[index % 4] if index % 2 else None,
            title=f"南京市政务诚信建设先进集体（第{index + 1}批）",
            level="city",
            issuing_authority="南京市人民政府",
            date=today - relativedelta(months=5 * index + 1),
        )
    for index in range(10):
        Commitment.objects.create(
            department=department,
            content=f"按期支付中小企业账款，第{index + 1}项服务合同不拖欠。",
            promised_date=today - relativedelta(months=4 * index + 1),
        )
    return department


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench reports")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    from bench.__main__ import ensure_database, setup_django

    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core.models import Region
    from core.reference import load_jiangsu_regions

    if not Region.objects.filter(code="320100").exists():
        load_jiangsu_regions(Region)
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    from core.models import ReportPurpose, ReportVariant
    from core.reports.sections import available_sections
    from core.reports.services import report_issue

    department = build_department()
    today = timezone.localdate()
    start = today - relativedelta(years=5) + datetime.timedelta(days=1)
    # Wall-clock time, and this process's CPU time: on a shared machine the wall clock
    # measures the neighbours too (the load average is printed with the figures).
    print(f"load average: {os.getloadavg()[0]:.1f}")
    print(f"{'report':<28}{'median ms':>10}{'p95 ms':>10}{'CPU ms':>10}{'size KB':>10}")
    for variant in (ReportVariant.OFFICIAL, ReportVariant.PUBLIC):
        public = variant == ReportVariant.PUBLIC
        sections = [s.key for s in available_sections(public=public)]
        timings, cpu, size = [], [], 0
        for _run in range(args.runs):
            began = time.perf_counter()
            began_cpu = time.process_time()
            issued = report_issue(
                department=department,
                variant=variant,
                period_start=start,
                period_end=today,
                sections=sections,
                purpose=ReportPurpose.HONOURS,
            )
            timings.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            size = len(issued.content)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        label = f"{variant}, {len(sections)} sections"
        print(
            f"{label:<28}{statistics.median(timings):>10.0f}{p95:>10.0f}"
            f"{statistics.median(cpu):>10.0f}{size / 1024:>10.0f}"
        )
    return 0
