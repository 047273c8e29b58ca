"""``python -m bench imports``: validated imports of 10,000 dishonesty records, as the admin
runs them, on PostgreSQL (issue 9: at least 5,000 validated rows/s).

Uses the public benchmark's data (``python -m bench`` builds it; this module builds it too if
it is missing). The rows are the first ``--rows`` records of the record list, exported with
``DishonestyRecordResource`` and given new decision numbers, so that every row is a new
record of an existing department. Each measurement runs in its own subprocess:

- ``preview``: the admin's first step, ``import_data(dry_run=True)``: every row converted and
  validated, nothing saved;
- ``confirm``: the second step, ``import_data(dry_run=False)`` as ``process_dataset`` calls it
  (all or nothing): validated again, then saved with one history row and one timeline entry
  a record, in a transaction that is rolled back once timed (the data stays as it was);
- ``round trip``: the same records exported and imported back unchanged (a dry run): every
  row is found and skipped;
- ``admin preview page`` and ``admin confirm``: the same file through the admin with
  Django's test client, from the upload to the rendered preview of every row, and from the
  confirm form to the redirect (with the admin's log entries), rolled back likewise;
- ``own road`` (``--own-road``, slow): django-import-export's own per-row road (a savepoint,
  a deep copy, a diff and a save a row) for the preview, for comparison.

Figures and the reasoning are in docs/exports.md.
"""

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import time

MEASUREMENTS = (
    "preview",
    "confirm",
    "round trip",
    "admin preview page",
    "admin confirm",
)


def import_rows(rows: int, *, new: bool = True):
    """The first ``rows`` records of the record list as an import file (a tablib Dataset),
    renumbered into new records when ``new``."""
    from tablib import Dataset

    from bench.exports import record_queryset
    from credit_records.resources import DishonestyRecordResource

    source = DishonestyRecordResource().export(queryset=record_queryset(rows))
    if not new:
        return source
    number = source.headers.index(
        str(DishonestyRecordResource.fields["decision_number"].column_name)
    )
    data = Dataset(headers=source.headers)
    for index, row in enumerate(source):
        row = list(row)
        row[number] = f"IMPORT〔2026〕{index}号"
        data.append(row)
    return data


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()


def _resource_class(own_road: bool):
    from credit_records.resources import DishonestyRecordResource

    if not own_road:
        return DishonestyRecordResource

    class OwnRoad(DishonestyRecordResource):
        def bulk_import_possible(self, dataset, fields):
            return False

    return OwnRoad


def time_import(rows: int, *, dry_run: bool, new: bool = True, own_road: bool = False):
    """One ``import_data`` call, timed; its effects rolled back afterwards."""
    from django.db import transaction

    data = import_rows(rows, new=new)
    user = _superuser()
    resource = _resource_class(own_road)(user=user)
    with transaction.atomic():
        started, cpu = time.perf_counter(), time.process_time()
        result = resource.import_data(
            data,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=not dry_run,
            retain_instance_in_row_result=not dry_run,
            user=user,
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        transaction.set_rollback(True)
    assert not result.has_errors() and not result.has_validation_errors(), (
        [str(error.error) for error in result.base_errors][:3],
        [row.error for row in result.invalid_rows][:3],
    )
    return {"seconds": seconds, "cpu": cpu, "rows": len(data), "totals": dict(result.totals)}


def time_admin(rows: int):
    """The file uploaded to the admin, previewed, then confirmed; rolled back afterwards."""
    import re

    from django.contrib import admin
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test import Client

    from credit_records.models import DishonestyRecord

    data = import_rows(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(data.headers)
    writer.writerows(data)
    content = buffer.getvalue().encode("utf-8-sig")
    client = Client()
    client.force_login(_superuser())
    model_admin = admin.site._registry[DishonestyRecord]
    formats = [file_format().get_title() for file_format in model_admin.get_import_formats()]
    base = "/admin/credit_records/dishonestyrecord/"
    timings = {}
    with transaction.atomic():
        started, cpu = time.perf_counter(), time.process_time()
        upload = SimpleUploadedFile("records.csv", content, "text/csv")
        preview = client.post(
            f"{base}import/",
            {"resource": "0", "format": str(formats.index("csv")), "import_file": upload},
        )
        page = preview.content
        timings["admin preview page"] = {
            "seconds": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
            "rows": rows,
            "page_mb": len(page) / 1e6,
        }
        assert preview.status_code == 200, preview.status_code
        names = "import_file_name|original_file_name|format|resource"
        form = {
            name.decode(): value.decode()
            for name, value in re.findall(
                rb'name="(' + names.encode() + rb')"[^>]*value="([^"]*)"', page
            )
        }
        assert len(form) == 4, "the preview has no confirm form: some rows were refused"
        started, cpu = time.perf_counter(), time.process_time()
        confirmed = client.post(f"{base}process_import/", form)
        timings["admin confirm"] = {
            "seconds": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
            "rows": rows,
        }
        assert confirmed.status_code == 302, confirmed.status_code
        imported = DishonestyRecord.objects.filter(decision_number__startswith="IMPORT").count()
        assert imported == rows, imported
        transaction.set_rollback(True)
    return timings


def run_one(name: str, rows: int) -> dict:
    from django.utils import translation

    translation.activate("zh-hans")
    if name == "preview":
        return time_import(rows, dry_run=True)
    if name == "confirm":
        return time_import(rows, dry_run=False)
    if name == "round trip":
        return time_import(rows, dry_run=True, new=False)
    if name == "own road":
        return time_import(rows, dry_run=True, own_road=True)
    if name == "admin":
        return time_admin(rows)
    raise ValueError(name)


def measure(name: str, rows: int, url: str) -> dict:
    command = [sys.executable, "-m", "bench", "imports", "--one", name, "--rows", str(rows)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DATABASE_URL": url},
    )
    if done.returncode:
        return {"skipped": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    from bench.__main__ import DEFAULT_DATABASE_URL, ensure_database, populate, setup_django
    from bench.exports import ensure_superuser

    parser = argparse.ArgumentParser(prog="python -m bench imports", description=__doc__)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=10_000, help="rows to import")
    parser.add_argument("--records", type=int, default=100_000, help="published records")
    parser.add_argument(
        "--own-road",
        action="store_true",
        help="also time django-import-export's own per-row road (slow)",
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
    results = {
        "preview": measure("preview", args.rows, url),
        "confirm": measure("confirm", args.rows, url),
        "round trip": measure("round trip", args.rows, url),
    }
    admin = measure("admin", args.rows, url)
    for name in ("admin preview page", "admin confirm"):
        results[name] = admin.get(name, admin)
    names = list(MEASUREMENTS)
    if args.own_road:
        results["own road"] = measure("own road", args.rows, url)
        names.append("own road")

    print()
    print(
        f"Validated imports of {args.rows:,} dishonesty records, PostgreSQL "
        f"{connection.pg_version // 10000} (load average {os.getloadavg()[0]:.1f})"
    )
    header = f"{'measurement':<22}{'seconds':>9}{'rows/s':>10}{'CPU s':>8}{'CPU rows/s':>12}  rows"
    print(header)
    print("-" * (len(header) + 20))
    for name in names:
        result = results[name]
        if "skipped" in result:
            print(f"{name:<22}skipped: {result['skipped']}")
            continue
        totals = result.get("totals")
        detail = (
            ", ".join(f"{count:,} {kind}" for kind, count in totals.items() if count)
            if totals
            else f"{result['rows']:,}"
            + (f", page {result['page_mb']:.1f} MB" if "page_mb" in result else "")
        )
        print(
            f"{name:<22}{result['seconds']:>9.2f}{result['rows'] / result['seconds']:>10,.0f}"
            f"{result['cpu']:>8.2f}{result['rows'] / result['cpu']:>12,.0f}  {detail}"
        )
    print(
        "\nrows/s is the wall clock; CPU is this process's own time (the database's is not in"
        "\nit). The target (issue 9) is 5,000 validated rows/s for preview and confirm."
    )
    return 0
