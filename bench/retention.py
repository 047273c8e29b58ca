"""``python -m bench.retention [--rows N ...]``: ``manage.py archive_old_rows`` over a large
history table. For each N, fills the region history (``core.historicalregion``) with N rows
dated ten years back over 1,000 regions, then archives them (the newest row of each region
stays) in its own subprocess, and prints the rows per second, the archive's size and the
subprocess's peak memory: the memory must not grow with N. Run it against a scratch
PostgreSQL database (``DATABASE_URL``): it deletes the region history it made.
"""

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def fill(rows: int) -> None:
    setup()
    from django.utils import timezone

    from core.models import Region

    history = Region.history.model
    history.objects.all().delete()
    when = timezone.now() - datetime.timedelta(days=3650)
    batch = []
    for n in range(rows):
        batch.append(
            history(
                id=100_000 + n % 1000,
                code=f"{990000 + n % 1000}",
                name=f"区域{n % 1000}",
                level="county",
                parent_id=None,
                path=f"{n % 1000}",
                history_date=when + datetime.timedelta(seconds=n),
                history_type="~",
            )
        )
        if len(batch) == 10_000:
            history.objects.bulk_create(batch)
            batch = []
    history.objects.bulk_create(batch)


def archive(folder: str) -> dict:
    setup()
    from django.core.management import call_command

    from core.models import Region

    started = time.perf_counter()
    call_command("archive_old_rows", "--only", Region.history.model._meta.label_lower)
    seconds = time.perf_counter() - started
    files = list(Path(folder).rglob("*.jsonl.gz"))
    return {
        "seconds": seconds,
        "left": Region.history.model.objects.count(),
        "files": len(files),
        "bytes": sum(f.stat().st_size for f in files),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument("--step")
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.step == "fill":
        fill(args.rows[0])
        return
    if args.step == "archive":
        print(json.dumps(archive(args.folder)))
        return
    for rows in args.rows or [50_000, 500_000]:
        with tempfile.TemporaryDirectory() as folder:
            env = {
                **os.environ,
                "CHENGXIN_ARCHIVE_DIR": folder,
                "CHENGXIN_HISTORY_RETENTION_YEARS": "5",
            }
            me = [sys.executable, "-m", "bench.retention"]
            subprocess.run([*me, "--step", "fill", "--rows", str(rows)], env=env, check=True)
            out = subprocess.run(
                [*me, "--step", "archive", "--folder", folder],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            print(
                f"{rows:>9,} rows: {figures['seconds']:.1f} s "
                f"({(rows - figures['left']) / figures['seconds']:,.0f} rows/s), "
                f"{figures['files']} files, {figures['bytes'] / 2**20:.1f} MiB, "
                f"{figures['left']} left, peak {figures['peak_mb']:.0f} MiB"
            )


if __name__ == "__main__":
    main()
