"""Real Celery workers for the integration tests: started as subprocesses on a Redis broker
against the test database, watched, and stopped."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def worker_environment(broker_url: str, var_dir: Path) -> dict[str, str]:
    settings = connection.settings_dict
    database = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker_url,
        "CHENGXIN_VAR_DIR": str(var_dir),
    }


def start_worker(
    broker_url: str, tmp_path: Path, name: str, *, app: str = "config", **environment: str
) -> tuple[subprocess.Popen, Path]:
    """A solo worker of ``app`` named ``name-…`` (unique per run), logging to a file (a pipe
    nobody reads fills up and blocks the worker); ``environment`` adds variables."""
    log = tmp_path / f"{name}.log"
    node = f"{name}-{os.getpid()}-{uuid.uuid4().hex[:8]}@localhost"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                app,
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                node,
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env={**worker_environment(broker_url, tmp_path), **environment},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return worker, log


def stop(worker: subprocess.Popen) -> None:
    """A warm shutdown (the running task finishes), a kill if that takes too long."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def wait_for(condition, worker, log: Path, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert worker.poll() is None, f"the worker stopped:\n{log.read_text()}"
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"not seen within {seconds} s; worker log:\n{log.read_text()}")
