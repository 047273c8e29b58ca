"""``python -m bench exports``: spreadsheet exports and imports with 100,000 records.

Uses the public benchmark's data (``python -m bench`` builds it; this module builds it too if
it is missing) and times, at 10,000 and 100,000 rows of the record list (in its order, with
its annotations), each in its own subprocess so that every peak memory figure is its own:

- ``csv floor``: the ``csv`` module writing the raw rows of one ``values_list()`` query;
- ``XlsxWriter``: XlsxWriter in constant-memory mode writing those raw rows;
- ``rustpy-xlsxwriter``: the Rust-backed writer writing those raw rows (if installed);
- ``import-export``: django-import-export's default path (``DishonestyRecordResource``
  ``export()`` then its XLSX format), as the admin's export does;
- ``ours, CSV`` / ``ours, XLSX``: ``credit_records.exports`` with the record list's columns
  (choice labels, names, ISO dates, formula neutralisation), exactly what ``?export=`` sends;
- ``job, CSV`` / ``job, XLSX``: a background export (``credit_records.export_jobs``): the
  job claimed, the list's view set up for the user, the rows counted, written with progress
  updates every 5,000 rows and the file saved under MEDIA_ROOT/exports/.

``python -m bench exports --only "job, CSV" --only "job, XLSX"`` runs just those.

Then a validated import (dry run, in a transaction that is rolled back) of 10,000 new rows
through ``DishonestyRecordResource``. Figures and the reasoning are in docs/exports.md.
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

SIZES = (10_000, 100_000)
MEASUREMENTS = (
    "csv floor",
    "XlsxWriter",
    "rustpy-xlsxwriter",
    "import-export",
    "ours, CSV",
    "ours, XLSX",
    "job, CSV",
    "job, XLSX",
)


def record_queryset(rows: int):
    """The first ``rows`` records of an administrator's record list, as the list reads them."""
    from credit_records.models import DishonestyRecord
    from credit_records.selectors import with_record_list_annotations
    from credit_records.views import RecordListView

    queryset = with_record_list_annotations(RecordListView.queryset.all())
    return queryset.order_by(*(DishonestyRecord._meta.ordering or ["-pk"]))[:rows]


def raw_rows(rows: int):
    from credit_records.views import record_export_columns

    sources = [column.source for column in record_export_columns()]
    return sources, record_queryset(rows).values_list(*sources).iterator(chunk_size=5000)


def run_one(name: str, rows: int) -> dict:
    """One measurement, in this process; returns the seconds, the rows and the peak RSS."""
    from django.utils import translation

    translation.activate("zh-hans")
    written = 0
    started = time.perf_counter()
    with tempfile.TemporaryFile() as handle:
        if name == "csv floor":
            import io

            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            writer = csv.writer(text)
            headers, values = raw_rows(rows)
            writer.writerow(headers)
            for row in values:
                writer.writerow(row)
                written += 1
            text.flush()
            text.detach()
        elif name == "XlsxWriter":
            from core.exports import write_xlsx_python

            headers, values = raw_rows(rows)
            texts = ([str(v) for v in row] for row in values)
            write_xlsx_python(handle, _counted(texts), headers, "bench")
            written = rows
        elif name == "rustpy-xlsxwriter":
            from core.exports import rustpy_xlsxwriter, write_xlsx_rust

            if rustpy_xlsxwriter is None:
                return {"skipped": "not installed"}
            headers, values = raw_rows(rows)
            texts = ([str(v) for v in row] for row in values)
            write_xlsx_rust(handle, texts, headers, "bench")
            written = rows
        elif name == "import-export":
            from import_export.formats.base_formats import XLSX

            from credit_records.resources import DishonestyRecordResource

            dataset = DishonestyRecordResource().export(queryset=record_queryset(rows))
            handle.write(XLSX().export_data(dataset))
            written = len(dataset)
        elif name.startswith("ours"):
            from core.exports import csv_response, xlsx_response
            from credit_records.views import record_export_columns

            columns = record_export_columns()
            if name == "ours, CSV":
                response = csv_response(record_queryset(rows), columns, "bench")
                for chunk in response.streaming_content:
                    handle.write(chunk)
                    written += 1
                written -= 2  # the BOM and the header
            else:
                response = xlsx_response(record_queryset(rows), columns, "bench", "bench")
                for chunk in response.streaming_content:
                    handle.write(chunk)
                response.close()
                written = rows
        elif name.startswith("job"):
            written = run_job("csv" if name == "job, CSV" else "xlsx", rows)
        elif name == "import":
            written = run_import(rows)
        size = handle.tell()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": written, "peak_mb": peak_rss_mb(), "bytes": size}


def peak_rss_mb() -> float:
    """This process's own peak RSS. Linux's ``ru_maxrss`` carries the parent's peak over an
    exec (the parent may have just built 110,000 records); ``VmHWM`` does not."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_job(fmt: str, rows: int) -> int:
    """A background export job of the administrator's record list, run in this process the
    way the worker runs it; returns the rows it wrote. No filter of the benchmark's records
    gives exactly ``rows`` rows, so the list's filtered queryset is cut to ``rows``; the rest
    is the job's own path."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from core import export_jobs
    from core.models import ExportJob, ExportStatus

    real_source = export_jobs.export_source

    def first_rows(**kwargs):
        source = real_source(**kwargs)
        source.queryset = source.queryset[:rows]
        return source

    export_jobs.export_source = first_rows
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="chengxin-bench-media-")
    user = get_user_model().objects.filter(is_superuser=True).first()
    job = ExportJob.objects.create(
        requested_by=user,
        view_name="workspace:record_list",
        title="bench",
        format=fmt,
        language="zh-hans",
        expires_at=timezone_now(),
    )
    try:
        assert export_jobs.export_job_run(job.pk) == "done", ExportJob.objects.get(pk=job.pk).error
        job.refresh_from_db()
        assert job.status == ExportStatus.DONE
        return job.rows_written
    finally:
        if job.file:
            job.file.delete(save=False)
        job.delete()


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def _counted(rows):
    yield from rows


def run_import(rows: int) -> int:
    """A validated dry-run import of ``rows`` new records; returns the rows it accepted."""
    from django.contrib.auth import get_user_model
    from tablib import Dataset

    from credit_records.resources import DishonestyRecordResource

    source = DishonestyRecordResource().export(queryset=record_queryset(rows))
    number = source.headers.index(
        str(DishonestyRecordResource.fields["decision_number"].column_name)
    )
    data = Dataset(headers=source.headers)
    for index, row in enumerate(source):
        row = list(row)
        row[number] = f"IMPORT〔2026〕{index}号"
        data.append(row)
    user = get_user_model().objects.filter(is_superuser=True).first()
    resource_ = DishonestyRecordResource(user=user)
    started = time.perf_counter()
    result = resource_.import_data(data, dry_run=True, use_transactions=True, user=user)
    elapsed = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors(), (
        [e.error for _n, errors in result.row_errors() for e in errors][:3],
        [r.error for r in result.invalid_rows][:3],
    )
    print(json.dumps({"import_seconds": elapsed}), file=sys.stderr)
    return result.totals["new"]


def measure(name: str, rows: int, url: str) -> dict:
    command = [sys.executable, "-m", "bench", "exports", "--one", name, "--rows", str(rows)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DATABASE_URL": url},
    )
    if done.returncode:
        return {"skipped": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for line in done.stderr.splitlines():
        if line.startswith("{"):
            result.update(json.loads(line))
    return result


def ensure_superuser() -> None:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not User.objects.filter(is_superuser=True).exists():
        User.objects.create_superuser("bench-admin", "bench@example.invalid", "bench-admin")


def main(argv=None) -> int:
    from bench.__main__ import DEFAULT_DATABASE_URL, ensure_database, populate, setup_django

    parser = argparse.ArgumentParser(prog="python -m bench exports", description=__doc__)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--records", type=int, default=100_000, help="published records")
    parser.add_argument("--import-rows", type=int, default=10_000, help="rows to import")
    parser.add_argument(
        "--only", action="append", choices=MEASUREMENTS, help="run only these measurements"
    )
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        print("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    if args.one:
        setup_django(url)
        print(json.dumps(run_one(args.one, args.rows)))
        return 0

    ensure_database(url)
    setup_django(url)
    from django.db import connection

    populate(args.records, rebuild=False)
    ensure_superuser()
    sizes = [size for size in SIZES if size <= args.records]
    names = [name for name in MEASUREMENTS if not args.only or name in args.only]
    if args.only and "csv floor" not in names:
        names.insert(0, "csv floor")  # the ratios are to the floor
    results = {(name, size): measure(name, size, url) for size in sizes for name in names}
    imported = measure("import", args.import_rows, url) if not args.only else None

    print()
    print(f"Exports of the record list (16 columns), PostgreSQL {connection.pg_version // 10000}")
    header = f"{'writer':<20}" + "".join(
        f"{f'{size:,} rows/s':>16}{'× floor':>9}{'peak MB':>9}" for size in sizes
    )
    print(header + f"{'MB growth':>11}")
    print("-" * (len(header) + 11))
    for name in names:
        line = f"{name:<20}"
        peaks = []
        for size in sizes:
            result, floor = results[(name, size)], results[("csv floor", size)]
            if "skipped" in result:
                line += f"{'skipped':>34}"
                continue
            ratio = result["seconds"] / floor["seconds"]
            line += f"{size / result['seconds']:>16,.0f}{ratio:>9.1f}{result['peak_mb']:>9.1f}"
            peaks.append(result["peak_mb"])
        growth = f"{peaks[-1] - peaks[0]:>11.1f}" if len(peaks) == len(sizes) > 1 else ""
        print(line + growth)
        for size in sizes:
            if "skipped" in results[(name, size)]:
                print(f"    {name} at {size:,}: {results[(name, size)]['skipped']}")
    print()
    for size in sizes:
        if args.only:
            break
        ours = results[("ours, XLSX", size)].get("seconds")
        default = results[("import-export", size)].get("seconds")
        if ours and default:
            print(f"ours, XLSX vs import-export at {size:,} rows: {default / ours:.1f}× faster")
    if imported is None:
        pass
    elif "skipped" in imported:
        print(f"import: failed: {imported['skipped']}")
    else:
        print(
            f"Validated import (dry run, one transaction) of {imported['rows']:,} rows: "
            f"{imported['import_seconds']:.1f} s, "
            f"{imported['rows'] / imported['import_seconds']:,.0f} rows/s"
        )
    return 0
