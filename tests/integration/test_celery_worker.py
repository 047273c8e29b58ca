"""A real Celery worker, started the way production starts one, answers on the broker."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.redis


def test_a_celery_worker_started_from_the_config_app_answers_on_redis(redis_url, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "CELERY_BROKER_URL": redis_url,
        "CHENGXIN_VAR_DIR": str(tmp_path),
    }
    node = f"chengxin-test-{os.getpid()}@localhost"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-B",
            "--pool=solo",
            "-n",
            node,
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = Celery(broker=redis_url)
    try:
        replies = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not replies:
            assert worker.poll() is None, worker.stdout.read()
            replies = client.control.ping(destination=[node], timeout=1.0)
        assert replies == [{node: {"ok": "pong"}}]
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        client.close()
    assert "beat: Starting" in output
