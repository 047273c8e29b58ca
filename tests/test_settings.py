"""The settings modules, each loaded in a fresh interpreter with a controlled environment.

The environment is stripped of everything the settings read, and ``CHENGXIN_VAR_DIR`` points
at a temporary folder, so nothing here touches the repository's ``var/``.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import skip_or_fail

REPO = Path(__file__).resolve().parent.parent

READ_SETTINGS = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = sys.argv[1]
from django.conf import settings
names = sys.argv[2:]
print(json.dumps({name: getattr(settings, name) for name in names}, default=str))
"""


def clean_environment(var_dir: Path, **variables: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
        and not name.startswith(("DJANGO_", "CHENGXIN_"))
    }
    env["CHENGXIN_VAR_DIR"] = str(var_dir)
    env.update(variables)
    return env


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


def read_settings(module: str, env: dict[str, str], *names: str) -> dict:
    result = run(["-c", READ_SETTINGS, module, *names], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def var_dir(tmp_path):
    return tmp_path / "var"


@pytest.fixture(autouse=True)
def no_dotenv():
    if (REPO / ".env").exists():
        skip_or_fail("a developer .env would override the defaults under test")


def random_secret_key() -> str:
    return secrets.token_urlsafe(64)


# --- The embedded default ---------------------------------------------------------------------


def test_with_no_environment_the_portal_runs_on_sqlite_and_a_filesystem_broker(var_dir):
    settings = read_settings(
        "config.settings.base",
        clean_environment(var_dir),
        "DATABASES",
        "CELERY_BROKER_URL",
        "CELERY_BROKER_TRANSPORT_OPTIONS",
        "EMAIL_BACKEND",
        "EMAIL_FILE_PATH",
        "TIME_ZONE",
        "LANGUAGE_CODE",
        "USE_TZ",
        "MEDIA_ROOT",
        "STATIC_ROOT",
        "ENVIRONMENT",
    )
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]).parent == var_dir
    assert settings["CELERY_BROKER_URL"] == "filesystem://"
    options = settings["CELERY_BROKER_TRANSPORT_OPTIONS"]
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        folder = Path(options[key])
        assert folder.is_relative_to(var_dir), key
        assert folder.is_dir(), f"{key} is created so a worker can start at once"
    assert options["data_folder_in"] == options["data_folder_out"]
    assert settings["EMAIL_BACKEND"] == "config.mail.SummaryFileEmailBackend"
    assert Path(settings["EMAIL_FILE_PATH"]) == var_dir / "mail"
    assert settings["TIME_ZONE"] == "Asia/Shanghai"
    assert settings["USE_TZ"] is True
    assert settings["LANGUAGE_CODE"] == "zh-hans"
    assert Path(settings["MEDIA_ROOT"]).is_relative_to(var_dir)
    assert Path(settings["STATIC_ROOT"]).is_relative_to(var_dir)
    assert settings["ENVIRONMENT"] == "development"


def test_a_variable_set_to_the_empty_string_means_the_default(var_dir):
    env = clean_environment(var_dir, DATABASE_URL="", CELERY_BROKER_URL="")
    settings = read_settings("config.settings.base", env, "DATABASES", "CELERY_BROKER_URL")
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["CELERY_BROKER_URL"] == "filesystem://"


# --- The same settings on PostgreSQL and Redis ------------------------------------------------


def test_database_and_broker_urls_move_the_same_settings_onto_postgresql_and_redis(var_dir):
    env = clean_environment(
        var_dir,
        DATABASE_URL="postgres://u@h:5432/db",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
    )
    settings = read_settings("config.settings.base", env, "DATABASES", "CELERY_BROKER_URL")
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["HOST"], int(database["PORT"])) == (
        "db",
        "u",
        "h",
        5432,
    )
    assert database["CONN_HEALTH_CHECKS"] is True
    assert settings["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/3"


@pytest.mark.parametrize(("variable", "prepared"), [(None, True), ("true", True), ("false", False)])
def test_postgresql_queries_are_prepared_unless_a_pooler_forbids_it(var_dir, variable, prepared):
    extra = {} if variable is None else {"DATABASE_PREPARED_STATEMENTS": variable}
    env = clean_environment(var_dir, DATABASE_URL="postgres://u@h:5432/db", **extra)
    options = read_settings("config.settings.base", env, "DATABASES")["DATABASES"]["default"]
    options = options.get("OPTIONS", {})
    if prepared:
        assert options["server_side_binding"] is True
        assert options["prepare_threshold"] == 5
    else:
        assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_sqlite_takes_no_postgresql_options(var_dir):
    settings = read_settings("config.settings.base", clean_environment(var_dir), "DATABASES")
    options = settings["DATABASES"]["default"]["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_sessions_are_read_from_the_cache_only_when_every_process_shares_it(var_dir):
    env = clean_environment(var_dir)
    env.pop("CACHE_URL", None)
    alone = read_settings("config.settings.base", env, "SESSION_ENGINE")
    shared = read_settings(
        "config.settings.base",
        clean_environment(var_dir, CACHE_URL="redis://127.0.0.1:6379/1"),
        "SESSION_ENGINE",
    )
    assert alone["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert shared["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


# --- Production refuses to start half-configured ---------------------------------------------


@pytest.mark.parametrize(
    ("missing", "present"),
    [
        ("DJANGO_SECRET_KEY", {"DJANGO_ALLOWED_HOSTS": "chengxin.example.gov.cn"}),
        ("DJANGO_ALLOWED_HOSTS", {"DJANGO_SECRET_KEY": random_secret_key()}),
    ],
)
def test_production_without_a_required_variable_fails_naming_it(var_dir, missing, present):
    env = clean_environment(var_dir, DJANGO_SETTINGS_MODULE="config.settings.production", **present)
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_treats_an_empty_secret_key_as_missing(var_dir):
    env = clean_environment(
        var_dir,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="  ",
        DJANGO_ALLOWED_HOSTS="chengxin.example.gov.cn",
    )
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_configured_production_passes_the_deployment_checks(var_dir):
    env = clean_environment(
        var_dir,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=random_secret_key(),
        DJANGO_ALLOWED_HOSTS="chengxin.example.gov.cn,www.chengxin.example.gov.cn",
    )
    result = run(["manage.py", "check", "--deploy"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_never_runs_in_debug_mode(var_dir):
    env = clean_environment(
        var_dir,
        DJANGO_SECRET_KEY=random_secret_key(),
        DJANGO_ALLOWED_HOSTS="a.example.gov.cn, b.example.gov.cn",
        DJANGO_DEBUG="true",
    )
    settings = read_settings(
        "config.settings.production", env, "DEBUG", "ALLOWED_HOSTS", "ENVIRONMENT"
    )
    assert settings == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["a.example.gov.cn", "b.example.gov.cn"],
        "ENVIRONMENT": "production",
    }


# --- Production behind gunicorn ---------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_production_with_its_static_files_and_an_access_log(var_dir, tmp_path):
    """collectstatic, then gunicorn started as chengxin-web.service starts it: WhiteNoise
    serves the hashed static files, /healthz answers, and each request is logged on stdout
    with the client address the proxy reported."""
    import time
    import urllib.request

    port = free_port()
    env = clean_environment(
        var_dir,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=random_secret_key(),
        DJANGO_ALLOWED_HOSTS="chengxin.example.gov.cn",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
    )
    collected = run(["manage.py", "collectstatic", "--noinput"], env)
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((var_dir / "static" / "staticfiles.json").read_text())
    stylesheet = manifest["paths"]["css/chengxin.css"]
    assert stylesheet != "css/chengxin.css", "hashed names, so browsers may cache for ever"

    log = tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(gunicorn), "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )

    def get(path: str):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            headers={
                "Host": "chengxin.example.gov.cn",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "203.0.113.7",
            },
        )
        return urllib.request.urlopen(request, timeout=10)

    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            try:
                health = get("/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        assert health.status == 200
        assert json.loads(health.read())["database"] == "ok"
        static = get(f"/static/{stylesheet}")
        assert static.status == 200
        assert "max-age=315360000" in static.headers["Cache-Control"]
        assert b"{" in static.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
    access = log.read_text()
    assert "203.0.113.7 127.0.0.1 - [" in access
    assert f'GET /static/{stylesheet} HTTP/1.1" 200' in access
