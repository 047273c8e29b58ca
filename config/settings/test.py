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
