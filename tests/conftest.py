"""Shared fixtures.

``CHENGXIN_REQUIRE_SERVICES=1`` (set by ``.ci/run``) turns every "PostgreSQL / Redis /
Chromium is not available here" skip into a failure, so CI can never pass by skipping.
"""

import os
import shutil

import pytest
from django.db import connection

from core.models import Region
from core.reference import CITIES, COUNTIES, PROVINCE, load_jiangsu_regions

from .builders.core import DepartmentFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("CHENGXIN_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHENGXIN_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def default_language():
    """A request in English (LocaleMiddleware activates it in the test's thread) must not
    leak into the next test, whose spreadsheet headers are built in the default language."""
    from django.utils import translation

    yield
    translation.deactivate()


def skip_or_fail(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (required: CHENGXIN_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def require_postgres(db):
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://…")


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        skip_or_fail("needs Redis: set CELERY_BROKER_URL=redis://…")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis at {url} is not reachable: {error}")
    return url


@pytest.fixture(scope="session")
def chromium_path():
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"needs Chromium at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def regions(db):
    """The Jiangsu reference regions, keyed by code.

    The data migration loads them, but transactional tests flush the database, so the
    fixture makes sure they are there.
    """
    return ensure_jiangsu_regions()


def ensure_jiangsu_regions() -> dict:
    """The reference regions by code, loaded again if a transactional test flushed them
    (also for module-scoped data built outside the ``regions`` fixture)."""
    codes = [PROVINCE[0], *(code for code, _name in CITIES), *(code for code, _name in COUNTIES)]
    if Region.objects.filter(code__in=codes).count() < len(codes):  # one query when loaded
        load_jiangsu_regions(Region)
    return {region.code: region for region in Region.objects.all()}


@pytest.fixture
def nanjing_department(regions):
    return DepartmentFactory(name="南京市财政局", region=regions["320100"])


@pytest.fixture
def suzhou_department(regions):
    return DepartmentFactory(name="苏州市财政局", region=regions["320500"])


@pytest.fixture
def province_supervisor(regions):
    return UserFactory(username="province", role="Supervisor", region=regions["320000"])


@pytest.fixture
def nanjing_supervisor(regions):
    return UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])


@pytest.fixture
def suzhou_supervisor(regions):
    return UserFactory(username="suzhou", role="Supervisor", region=regions["320500"])


@pytest.fixture
def nanjing_liaison(nanjing_department):
    return UserFactory(username="liaison", role="Department liaison", department=nanjing_department)


@pytest.fixture
def auditor(regions):
    return UserFactory(username="auditor", role="Auditor", region=regions["320000"])


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", role="Administrator", is_superuser=True)


@pytest.fixture
def jiangning_department(regions):
    """A county-level department below Nanjing (江宁区, 320115)."""
    return DepartmentFactory(name="南京市江宁区住房和城乡建设局", region=regions["320115"])


@pytest.fixture
def user_without_role(db):
    """Signed in, but given no role and no scope."""
    return UserFactory(username="nobody")


@pytest.fixture
def login():
    """``login(user)`` returns a fresh test client signed in as ``user``."""
    from django.test import Client

    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login
