"""Settings for the test suite: the base settings, made fast and deterministic.

``DATABASE_URL`` still decides the database, so CI runs the same tests on PostgreSQL.
"""

from .base import *  # noqa: F403
from .base import env

ENVIRONMENT = "test"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if not env.str("DATABASE_URL", default=""):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CELERY_TASK_ALWAYS_EAGER = False
# Django's test client signs in without a request (client.login, authenticate()), which
# django-axes refuses. Sign-in throttling is switched on explicitly where it is tested
# (tests/core/test_login_throttling.py, the browser tests).
AXES_ENABLED = False
# Tests read each response's template context, which a cached page has not: the page cache
# is switched on by the tests of it (tests/core/test_public_cache.py).
CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS = 0
CHENGXIN_COCKPIT_CACHE_SECONDS = 0
# Kept per user in the cache only in the tests of the cache itself (test_permission_cache.py).
CHENGXIN_PERMISSION_CACHE_SECONDS = 0
# The second factor is asked of no role by default, so that the tests' force_login() reaches
# the pages; the tests of it switch it on (tests/core/test_two_factor.py, the browser test).
CHENGXIN_TWO_FACTOR_ROLES = []
