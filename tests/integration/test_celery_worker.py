"""A real Celery worker, started the way production starts one, answers on the broker."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.redis


@pytest.fixture
def own_broker(redis_url):
    """A Redis database of its own (14), emptied first: tasks that other runs left on the
    shared database would keep a solo worker busy and its ping unanswered."""
    parts = urlsplit(redis_url)
    url = urlunsplit((parts.scheme, parts.netloc, "/14", "", ""))
    import redis

    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def test_a_celery_worker_started_from_the_config_app_answers_on_redis(
    own_broker, tmp_path, monkeypatch
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "CELERY_BROKER_URL": own_broker,
        "CHENGXIN_VAR_DIR": str(tmp_path),
    }
    node = f"chengxin-test-{os.getpid()}@localhost"
    log = tmp_path / "worker.log"
    # The log goes to a file: a pipe nobody reads fills up and blocks the worker.
    with log.open("w") as output:
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
                "--without-gossip",
                "--without-mingle",
                "-n",
                node,
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    # Celery lets the CELERY_BROKER_URL variable win over the broker it is given.
    monkeypatch.setenv("CELERY_BROKER_URL", own_broker)
    client = Celery(broker=own_broker)
    try:
        replies = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not replies:
            assert worker.poll() is None, log.read_text()
            replies = client.control.ping(destination=[node], timeout=1.0)
        assert replies == [{node: {"ok": "pong"}}], log.read_text()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        client.close()
    assert "beat: Starting" in log.read_text()
