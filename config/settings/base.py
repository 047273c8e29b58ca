"""Settings shared by every run mode, driven by the environment (django-environ).

With no environment at all the portal runs on the embedded defaults: an SQLite file and a
``filesystem://`` Celery broker under ``var/``, and email printed to the console. Setting
``DATABASE_URL`` and ``CELERY_BROKER_URL`` moves the same code onto PostgreSQL and Redis.
Every variable is listed in ``.env.example``.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer may keep overrides in .env; the real environment always wins.
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"), overwrite=False)

# A variable set to the empty string means "use the default", as if it were unset.
VAR_DIR = Path(env.str("CHENGXIN_VAR_DIR", default="") or BASE_DIR / "var")

# Which kind of deployment this is; demo data refuses to load into "production".
ENVIRONMENT = "development"

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Only ever used by the embedded development mode; production refuses to start without its own.
SECRET_KEY = (
    env.str("DJANGO_SECRET_KEY", default="")
    or "django-insecure-chengxin-development-key-do-not-deploy"
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Index expressions with an operator class (core/search.py's trigram index) and the
    # array lookups; harmless on SQLite.
    "django.contrib.postgres",
    "django_filters",
    "import_export",
    "rest_framework",
    "rest_framework.authtoken",
    # --- Sign-in: second factor and single sign-on (core/signin/) ---
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    # --- end sign-in ---
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # django-axes, with a translated name for its admin group (core/axes_app.py).
    "core.axes_app.SignInThrottlingConfig",
    "csp",
    "core",
    "credit_records",
    "procurement",
    "debt",
    "evaluations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PortalLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # --- Sign-in: which device verified the session; the second factor required by role ---
    "django_otp.middleware.OTPMiddleware",
    "core.signin.middleware.RequireTwoFactorMiddleware",
    # --- end sign-in ---
    "django.contrib.messages.middleware.MessageMiddleware",
    # Keeps the signed-in session's row (its last activity) for "My sessions" (core/sessions.py).
    "core.sessions.SessionActivityMiddleware",
    # After the user and messages are known, so its 400 page has the usual layout.
    "core.middleware.RejectNulCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
            # ``money`` (amounts as 1,234,567.80) is used on nearly every page.
            "builtins": ["core.templatetags.chengxin_format"],
        },
    },
]

DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'chengxin.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker use the file at the same time.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL;")
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Parameters sent apart from the query (server-side binding) let psycopg prepare a query
    # run five times on a connection, so PostgreSQL plans it once rather than at every
    # request: planning was most of a profile page's 11 ms of SQL (docs/performance.md).
    # Off (DATABASE_PREPARED_STATEMENTS=false) behind a pooler that cannot keep prepared
    # statements (PgBouncer before 1.21 in transaction mode).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache keeps the public pages' counts and the public API's rate-limit history. Django's
# in-process memory cache by default; several web processes should share one, e.g.
# CACHE_URL=redis://127.0.0.1:6379/1.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's, reusing its Redis client instead of building one per operation (core/cache.py).
    CACHES["default"]["BACKEND"] = "core.cache.RedisCache"

AUTH_USER_MODEL = "core.User"
# django-axes first: it refuses a locked-out username and address before the password is
# even checked, and counts every failure.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The password backend, refusing all but break-glass administrators when
    # CHENGXIN_LOCAL_PASSWORDS is off (core/signin/backends.py); then single sign-on.
    "core.signin.backends.PasswordBackend",
    "core.signin.oidc.MatchingOIDCBackend",
]
# Each user's permissions are kept in the cache for this long (core/backends.py),
# by default only when the cache is shared by every process: a role taken away in one process
# must not live on in another's memory.
CHENGXIN_PERMISSION_CACHE_SECONDS = env.int(
    "CHENGXIN_PERMISSION_CACHE_SECONDS",
    default=0 if CACHES["default"]["BACKEND"].endswith("LocMemCache") else 300,
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "core.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]

# Internationalisation: officials and the public read Simplified Chinese; English is offered.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# The empty choice of every list filter reads "all" (django-filter's default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = _("All")
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default="") or VAR_DIR / "static")
MEDIA_URL = "media/"
# Evidence attachments live here; they are never served publicly (no MEDIA_URL route).
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default="") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# By default every email is written to a file under var/mail/ with a one-line note on the
# console (config/mail.py); a deployment sets the SMTP backend.
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="config.mail.SummaryFileEmailBackend")
EMAIL_FILE_PATH = Path(env.str("DJANGO_EMAIL_FILE_PATH", default="") or VAR_DIR / "mail")
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
# A hung mail server must not hold a worker until the task time limit.
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="chengxin@localhost")
# The portal's address as users reach it, for links in emails.
CHENGXIN_BASE_URL = env.str("CHENGXIN_BASE_URL", default="http://127.0.0.1:8000")

# --- Domain defaults (BRIEF.md); each can be changed per deployment -------------------------
# Days a department gets to rectify, unless the supervisor sets another deadline.
CHENGXIN_RECTIFICATION_DAYS = env.int("CHENGXIN_RECTIFICATION_DAYS", default=30)
# Working days the credit office has to decide a credit-repair application.
CHENGXIN_REPAIR_REVIEW_WORKING_DAYS = env.int("CHENGXIN_REPAIR_REVIEW_WORKING_DAYS", default=10)
# Objections to a record (异议申诉), in working days from the day one is filed: the credit
# office acknowledges it, then decides it (credit_records/rules.py says where the defaults
# come from). An undecided objection is notified as overdue, then escalated to the parent
# region's office: calendar days after the decision was due, for each of the two steps.
CHENGXIN_OBJECTION_ACKNOWLEDGE_WORKING_DAYS = env.int(
    "CHENGXIN_OBJECTION_ACKNOWLEDGE_WORKING_DAYS", default=2
)
CHENGXIN_OBJECTION_DECISION_WORKING_DAYS = env.int(
    "CHENGXIN_OBJECTION_DECISION_WORKING_DAYS", default=10
)
CHENGXIN_OBJECTION_ESCALATION_DAYS = env.list(
    "CHENGXIN_OBJECTION_ESCALATION_DAYS", cast=int, default=[1, 5]
)
# Largest evidence file accepted.
CHENGXIN_ATTACHMENT_MAX_BYTES = env.int("CHENGXIN_ATTACHMENT_MAX_BYTES", default=20 * 2**20)
# A ZIP package (an XLSX or ODS import, a DOCX, XLSX or OFD evidence file) is refused before
# anything is unpacked when its parts would unpack to more than this many bytes in all, or
# when it holds more parts than this (a zip bomb renamed .xlsx).
CHENGXIN_ZIP_MAX_UNCOMPRESSED_BYTES = env.int(
    "CHENGXIN_ZIP_MAX_UNCOMPRESSED_BYTES", default=256 * 2**20
)
CHENGXIN_ZIP_MAX_MEMBERS = env.int("CHENGXIN_ZIP_MAX_MEMBERS", default=1000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
# Public disclosure pages: how long browsers and shared caches may keep a page (seconds), how
# long the server keeps a list's count and the home page's figures, and the public API's
# rate limit per client address.
CHENGXIN_PUBLIC_MAX_AGE = env.int("CHENGXIN_PUBLIC_MAX_AGE", default=300)
CHENGXIN_PUBLIC_CACHE_SECONDS = env.int("CHENGXIN_PUBLIC_CACHE_SECONDS", default=120)
# The workspace home's figures, counted over the viewer's whole scope, are kept this long for
# everyone with the same scope and permissions (core.cockpit.cached_figures; 0: not kept).
CHENGXIN_COCKPIT_CACHE_SECONDS = env.int("CHENGXIN_COCKPIT_CACHE_SECONDS", default=300)
# How long the server keeps a rendered anonymous public page (and a list's filter form) at
# most (0: not at all). Any change to what they show replaces them at once
# (core/public_cache.py); this bounds the writes that send no signal.
CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS = env.int("CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS", default=120)
CHENGXIN_PUBLIC_API_RATE = env.str("CHENGXIN_PUBLIC_API_RATE", default="60/minute")
# ``python -m bench load`` only: serve /bench/ping/, a view that does nothing (the
# framework's floor). Never on in a deployment.
CHENGXIN_BENCH_ROUTES = env.bool("CHENGXIN_BENCH_ROUTES", default=False)
# Days before a deadline on which reminders go out (each stage once).
CHENGXIN_REMINDER_DAYS = sorted(
    env.list("CHENGXIN_REMINDER_DAYS", cast=int, default=[7, 3, 1]), reverse=True
)
# Days the written explanation of causes is due after rectification is required.
CHENGXIN_EXPLANATION_DAYS = env.int("CHENGXIN_EXPLANATION_DAYS", default=10)
# The escalation ladder of an overdue rectification: days after the deadline for step 1
# (overdue), then the further days before step 2 (parent region) and step 3 (accountability).
CHENGXIN_ESCALATION_DAYS = env.list("CHENGXIN_ESCALATION_DAYS", cast=int, default=[1, 15, 30])
# Months added to a department's honours restriction by the ladder's last step.
CHENGXIN_HONOURS_EXTENSION_MONTHS = env.int("CHENGXIN_HONOURS_EXTENSION_MONTHS", default=12)
# How often beat runs the deadline scan (seconds). The scan is idempotent.
CHENGXIN_SCAN_SECONDS = env.int("CHENGXIN_SCAN_SECONDS", default=60)
# A backlog of overdue rectifications is taken up the ladder this many at a time, each batch
# committed on its own; a scan starts no new batch after this many seconds (its task is
# stopped at 240) and leaves the rest to the next scan or to another worker's.
CHENGXIN_LADDER_BATCH = env.int("CHENGXIN_LADDER_BATCH", default=200)
CHENGXIN_SCAN_BUDGET_SECONDS = env.int("CHENGXIN_SCAN_BUDGET_SECONDS", default=180)
# A scan that finds a backlog of more than two batches queues this many workers in all
# (itself and helpers) to share it; set it to the number of Celery worker processes.
CHENGXIN_LADDER_WORKERS = env.int("CHENGXIN_LADDER_WORKERS", default=2)
# A worker claims a notification's email before sending it; a claim older than this that was
# never marked sent is taken as lost (the worker died mid-send) and the email is sent again.
CHENGXIN_EMAIL_CLAIM_SECONDS = env.int("CHENGXIN_EMAIL_CLAIM_SECONDS", default=600)
# Background exports (core/export_jobs.py): a list export of more rows than this
# is prepared in the background; its file is kept this many days; a running export whose
# progress has not moved for this many minutes is failed (its worker died); at most this
# many exports per user are queued or running at once.
CHENGXIN_EXPORT_BACKGROUND_ROWS = env.int("CHENGXIN_EXPORT_BACKGROUND_ROWS", default=20_000)
CHENGXIN_EXPORT_KEEP_DAYS = env.int("CHENGXIN_EXPORT_KEEP_DAYS", default=7)
CHENGXIN_EXPORT_STALE_MINUTES = env.int("CHENGXIN_EXPORT_STALE_MINUTES", default=15)
CHENGXIN_EXPORT_MAX_ACTIVE = env.int("CHENGXIN_EXPORT_MAX_ACTIVE", default=5)
# A round's computation (evaluations.services.computation) that is queued or running refuses
# another request; one that has not moved for this many minutes is taken as lost.
CHENGXIN_COMPUTATION_STALE_MINUTES = env.int("CHENGXIN_COMPUTATION_STALE_MINUTES", default=30)

# --- Government procurement (procurement/rules.py); rates and shares are decimal strings ---
# Days from the award to the contract's signing, and working days from signing to filing.
CHENGXIN_PROCUREMENT_SIGNING_DAYS = env.int("CHENGXIN_PROCUREMENT_SIGNING_DAYS", default=30)
CHENGXIN_PROCUREMENT_FILING_WORKING_DAYS = env.int(
    "CHENGXIN_PROCUREMENT_FILING_WORKING_DAYS", default=7
)
# Supplementary contracts may add at most this share of the contract amount.
CHENGXIN_PROCUREMENT_SUPPLEMENTARY_CAP = env.str(
    "CHENGXIN_PROCUREMENT_SUPPLEMENTARY_CAP", default="0.10"
)
# SMEs are paid within 30 days of delivery/acceptance, or the agreed term up to 60 days.
CHENGXIN_PROCUREMENT_SME_PAYMENT_DAYS = env.int("CHENGXIN_PROCUREMENT_SME_PAYMENT_DAYS", default=30)
CHENGXIN_PROCUREMENT_SME_PAYMENT_MAX_DAYS = env.int(
    "CHENGXIN_PROCUREMENT_SME_PAYMENT_MAX_DAYS", default=60
)
# Late interest per day when the contract agrees none (0.05%).
CHENGXIN_PROCUREMENT_LATE_INTEREST_DAILY_RATE = env.str(
    "CHENGXIN_PROCUREMENT_LATE_INTEREST_DAILY_RATE", default="0.0005"
)
# Days after delivery by which acceptance should be done.
CHENGXIN_PROCUREMENT_ACCEPTANCE_DAYS = env.int("CHENGXIN_PROCUREMENT_ACCEPTANCE_DAYS", default=30)
# A purchaser's single-source share of a year's awarded amount above which a flag is raised,
# once it has at least this many awarded projects that year.
CHENGXIN_PROCUREMENT_SINGLE_SOURCE_SHARE = env.str(
    "CHENGXIN_PROCUREMENT_SINGLE_SOURCE_SHARE", default="0.30"
)
CHENGXIN_PROCUREMENT_SINGLE_SOURCE_MIN_PROJECTS = env.int(
    "CHENGXIN_PROCUREMENT_SINGLE_SOURCE_MIN_PROJECTS", default=3
)
# Purchaser credit score: start, points per serious and general violation, years a general
# (and a serious, 0 = no limit) violation counts, and the scores for 5, 4, 3 and 2 stars.
CHENGXIN_PROCUREMENT_SCORE_START = env.int("CHENGXIN_PROCUREMENT_SCORE_START", default=100)
CHENGXIN_PROCUREMENT_SCORE_SERIOUS = env.int("CHENGXIN_PROCUREMENT_SCORE_SERIOUS", default=50)
CHENGXIN_PROCUREMENT_SCORE_GENERAL = env.int("CHENGXIN_PROCUREMENT_SCORE_GENERAL", default=5)
CHENGXIN_PROCUREMENT_GENERAL_COUNTS_YEARS = env.int(
    "CHENGXIN_PROCUREMENT_GENERAL_COUNTS_YEARS", default=2
)
CHENGXIN_PROCUREMENT_SERIOUS_COUNTS_YEARS = env.int(
    "CHENGXIN_PROCUREMENT_SERIOUS_COUNTS_YEARS", default=0
)
CHENGXIN_PROCUREMENT_STAR_THRESHOLDS = env.list(
    "CHENGXIN_PROCUREMENT_STAR_THRESHOLDS", cast=int, default=[90, 80, 70, 60]
)
# Prefix of the OCDS ocid of every project ("<prefix>-<project id>").
CHENGXIN_PROCUREMENT_OCID_PREFIX = env.str(
    "CHENGXIN_PROCUREMENT_OCID_PREFIX", default="ocds-chengxin"
)
# How often beat runs the red-flag scan (seconds). The scan is idempotent.
CHENGXIN_PROCUREMENT_SCAN_SECONDS = env.int("CHENGXIN_PROCUREMENT_SCAN_SECONDS", default=3600)
# Local government debt (BRIEF.md): the debt-ratio percentages from which the yellow, orange
# and red grades start (below yellow is green), the days a region has to answer an issued risk
# warning, and the days after the overdue notice before it goes to the parent region's office.
CHENGXIN_DEBT_YELLOW_FROM = env.str("CHENGXIN_DEBT_YELLOW_FROM", default="120")
CHENGXIN_DEBT_ORANGE_FROM = env.str("CHENGXIN_DEBT_ORANGE_FROM", default="200")
CHENGXIN_DEBT_RED_FROM = env.str("CHENGXIN_DEBT_RED_FROM", default="300")
CHENGXIN_DEBT_WARNING_RESPONSE_DAYS = env.int("CHENGXIN_DEBT_WARNING_RESPONSE_DAYS", default=30)
CHENGXIN_DEBT_WARNING_ESCALATION_DAYS = env.int("CHENGXIN_DEBT_WARNING_ESCALATION_DAYS", default=15)

# Complaints and tips from the public (credit_records/complaint_rules.py). A complaint of late
# payment to an SME is reviewed (accepted or not) within 10 working days of receipt: MIIT
# 《保障中小企业款项支付投诉处理暂行办法》(工信部企业〔2021〕224号); other complaints within
# 15 days, as 《信访工作条例》(2022) gives for deciding whether to accept a petition. Handling
# after acceptance: 30 days for SME payment complaints (the measures' period for reaching a
# result) and 60 days for others (《信访工作条例》), each ending on the next working day when
# it falls on a rest day (Civil Code art. 203). Days are calendar days unless named working.
CHENGXIN_COMPLAINT_SME_DECISION_WORKING_DAYS = env.int(
    "CHENGXIN_COMPLAINT_SME_DECISION_WORKING_DAYS", default=10
)
CHENGXIN_COMPLAINT_DECISION_DAYS = env.int("CHENGXIN_COMPLAINT_DECISION_DAYS", default=15)
CHENGXIN_COMPLAINT_SME_HANDLING_DAYS = env.int("CHENGXIN_COMPLAINT_SME_HANDLING_DAYS", default=30)
CHENGXIN_COMPLAINT_HANDLING_DAYS = env.int("CHENGXIN_COMPLAINT_HANDLING_DAYS", default=60)
# An overdue complaint is notified the day after its limit and escalated to the parent
# region's office this many days later.
CHENGXIN_COMPLAINT_ESCALATION_DAYS = env.int("CHENGXIN_COMPLAINT_ESCALATION_DAYS", default=15)
# Intake from other systems (credit_records/services/intake*). A court's pre-listing notice
# against a government body (府院联动) gives the department this many working days to settle
# before it is listed as a dishonest judgment debtor. 10 is a configurable assumption: courts
# commonly send a 履行告知/预警 notice with a period of about ten days before listing under
# 《最高人民法院关于公布失信被执行人名单信息的若干规定》 art. 1, and provincial 府院联动 schemes
# fix their own period; set the province's figure here.
CHENGXIN_COURT_CASE_SETTLE_WORKING_DAYS = env.int(
    "CHENGXIN_COURT_CASE_SETTLE_WORKING_DAYS", default=10
)
# A pull of a source's endpoint gives up after this many seconds (connect and read each).
CHENGXIN_INTAKE_PULL_TIMEOUT = env.int("CHENGXIN_INTAKE_PULL_TIMEOUT", default=20)
# How often the beat looks for sources due to be pulled (each source has its own interval).
CHENGXIN_INTAKE_SCAN_SECONDS = env.int("CHENGXIN_INTAKE_SCAN_SECONDS", default=300)
# Abuse of the public form, without outside services: complaints filed per client address
# (counted in the cache, like CHENGXIN_PUBLIC_API_RATE), status look-ups per address, the
# window in which the same description about the same department and category is refused as
# a duplicate, and how many evidence files one complaint may carry.
CHENGXIN_COMPLAINT_RATE = env.str("CHENGXIN_COMPLAINT_RATE", default="5/hour")
CHENGXIN_COMPLAINT_STATUS_RATE = env.str("CHENGXIN_COMPLAINT_STATUS_RATE", default="30/hour")
CHENGXIN_COMPLAINT_DUPLICATE_DAYS = env.int("CHENGXIN_COMPLAINT_DUPLICATE_DAYS", default=30)
CHENGXIN_COMPLAINT_MAX_FILES = env.int("CHENGXIN_COMPLAINT_MAX_FILES", default=5)

# Credit reports (core/reports): how long an issued report is valid (months; 发改财金〔2025〕565号
# reports are checked when used, so they expire), and how many verifications (by code or
# file) and public reports one client address may ask for (counted in the cache).
CHENGXIN_REPORT_VALID_MONTHS = env.int("CHENGXIN_REPORT_VALID_MONTHS", default=3)
CHENGXIN_REPORT_VERIFY_RATE = env.str("CHENGXIN_REPORT_VERIFY_RATE", default="30/hour")
CHENGXIN_REPORT_PUBLIC_RATE = env.str("CHENGXIN_REPORT_PUBLIC_RATE", default="20/hour")

# Integrity evaluations: the lowest totals of the grades 优秀, 良好 and 合格 (below: 不合格).
CHENGXIN_EVALUATION_GRADES = env.list(
    "CHENGXIN_EVALUATION_GRADES", cast=str, default=["90", "80", "60"]
)
# The working days the evaluated regions have to file feedback on their draft scores once a
# round enters review (counted from the next working day; the organiser may move the date).
CHENGXIN_EVALUATION_FEEDBACK_WORKING_DAYS = env.int(
    "CHENGXIN_EVALUATION_FEEDBACK_WORKING_DAYS", default=5
)

# Webhooks (core/webhooks.py, docs/exchange.md): how often beat runs the delivery scan, the
# seconds a receiver has to answer, the first retry delay (doubling after each failure up to
# the maximum) and the hours after which a failing delivery is given up (an administrator may
# resend it). Targets must be HTTPS unless HTTP is allowed, and may resolve to private,
# loopback or link-local addresses only inside the networks listed (CIDR).
CHENGXIN_WEBHOOK_SCAN_SECONDS = env.int("CHENGXIN_WEBHOOK_SCAN_SECONDS", default=30)
CHENGXIN_WEBHOOK_TIMEOUT = env.int("CHENGXIN_WEBHOOK_TIMEOUT", default=10)
CHENGXIN_WEBHOOK_RETRY_BASE_SECONDS = env.int("CHENGXIN_WEBHOOK_RETRY_BASE_SECONDS", default=60)
CHENGXIN_WEBHOOK_RETRY_MAX_SECONDS = env.int("CHENGXIN_WEBHOOK_RETRY_MAX_SECONDS", default=6 * 3600)
CHENGXIN_WEBHOOK_RETRY_HOURS = env.int("CHENGXIN_WEBHOOK_RETRY_HOURS", default=72)
CHENGXIN_WEBHOOK_ALLOW_HTTP = env.bool("CHENGXIN_WEBHOOK_ALLOW_HTTP", default=False)
CHENGXIN_WEBHOOK_NETWORKS = env.list("CHENGXIN_WEBHOOK_NETWORKS", default=[])
# The 数据来源单位 (data source unit) named in every record the exchange feed and webhooks send.
CHENGXIN_EXCHANGE_SOURCE_UNIT = env.str(
    "CHENGXIN_EXCHANGE_SOURCE_UNIT", default="江苏省政务诚信监督平台"
)

# --- Celery --------------------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's file transport: producers write into one folder, the worker reads from it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # A message a worker took but never acknowledged (it was killed mid-task: the idempotent
    # tasks acknowledge late) goes back to the queue after this many seconds. Longer than
    # the longest task (CELERY_TASK_TIME_LIMIT), or a slow task would be run twice at once.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Late acknowledgement holds a message until its task ends; prefetching more would hold
# messages another worker could run.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic scans, declared in code. Each derives its work from the database, so a run
# missed while the broker was down is made up by the next one.
CELERY_BEAT_SCHEDULE = {
    "deadline-scan": {
        "task": "credit_records.tasks.scan_deadlines",
        "schedule": CHENGXIN_SCAN_SECONDS,
        "options": {"expires": CHENGXIN_SCAN_SECONDS},
    },
    "send-pending-emails": {
        "task": "credit_records.tasks.send_pending_emails",
        "schedule": CHENGXIN_SCAN_SECONDS,
        "options": {"expires": CHENGXIN_SCAN_SECONDS},
    },
    "procurement-red-flag-scan": {
        "task": "procurement.tasks.scan_red_flags",
        "schedule": CHENGXIN_PROCUREMENT_SCAN_SECONDS,
        "options": {"expires": CHENGXIN_PROCUREMENT_SCAN_SECONDS},
    },
    "debt-warning-scan": {
        "task": "debt.tasks.scan_warnings",
        "schedule": CHENGXIN_SCAN_SECONDS,
        "options": {"expires": CHENGXIN_SCAN_SECONDS},
    },
    "intake-pull": {
        "task": "credit_records.tasks.pull_intake_sources",
        "schedule": CHENGXIN_INTAKE_SCAN_SECONDS,
        "options": {"expires": CHENGXIN_INTAKE_SCAN_SECONDS},
    },
    "deliver-webhooks": {
        "task": "core.tasks.deliver_webhooks",
        "schedule": CHENGXIN_WEBHOOK_SCAN_SECONDS,
        "options": {"expires": CHENGXIN_WEBHOOK_SCAN_SECONDS},
    },
    # Yesterday's transparency checkpoint: made once, whichever hourly run comes first.
    "transparency-checkpoint": {
        "task": "core.tasks.transparency_checkpoint",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    "export-jobs-maintenance": {
        "task": "credit_records.tasks.maintain_export_jobs",
        "schedule": 300,
        "options": {"expires": 300},
    },
    # The access log's expired rows and the rows of sessions that expired unseen.
    "access-log-retention": {
        "task": "core.tasks.purge_access_log",
        "schedule": 6 * 60 * 60,
        "options": {"expires": 60 * 60},
    },
    # Old history and log rows archived, then deleted (core/retention.py); once a day.
    "archive-old-rows": {
        "task": "core.tasks.archive_old_rows",
        "schedule": 24 * 60 * 60,
        "options": {"expires": 6 * 60 * 60},
    },
}
# Fail fast when the broker is down: a user's action must not hang on a side effect.
CELERY_BROKER_CONNECTION_TIMEOUT = 3

# --- Libraries -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Django REST framework's tokens, refused once expired (core/signin/tokens.py). First,
        # so that a request without valid credentials is answered 401 with
        # "WWW-Authenticate: Token" (the first class names the scheme), not 403.
        "core.signin.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # A body nested too deeply for the JSON decoder is a 400 like any malformed body.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, with fields some readers do not get declared optional.
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    # Services' exceptions (conflict, permission, scope, validation) become HTTP answers here.
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    # Only the public endpoints are throttled (``credit_records.api.public``).
    "DEFAULT_THROTTLE_RATES": {"public": CHENGXIN_PUBLIC_API_RATE},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chengxin API",
    "DESCRIPTION": "Government-integrity supervision portal",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status"; each choice set gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "RecordStatusEnum": "credit_records.models.RecordStatus",
        "ReviewStatusEnum": "credit_records.models.ReviewStatus",
        "CommitmentStatusEnum": "credit_records.models.CommitmentStatus",
        "SeverityEnum": "credit_records.models.Severity",
        "ViolationSeverityEnum": "procurement.models.ViolationSeverity",
        "ViolationKindEnum": "procurement.models.ViolationKind",
        "FlagStatusEnum": "procurement.models.FlagStatus",
        "RoundStatusEnum": "evaluations.models.RoundStatus",
        "EvaluationGradeEnum": "evaluations.models.Grade",
        "ScoreSourceEnum": "evaluations.models.ScoreSource",
        "FeedbackStatusEnum": "evaluations.models.FeedbackStatus",
        # Kept under their names from before the evaluations' own "grade" and "source".
        "GradeEnum": "debt.models.Grade",
        "SourceEnum": "credit_records.models.RecordSource",
        "ObjectionGroundsEnum": "credit_records.models.ObjectionGrounds",
        "ObjectionOutcomeEnum": "credit_records.models.ObjectionOutcome",
        # A record's category, also the category of the draft record a complaint may become.
        "CategoryEnum": "credit_records.models.RecordCategory",
        "ComplaintCategoryEnum": "credit_records.models.ComplaintCategory",
        "ComplaintStatusEnum": "credit_records.models.ComplaintStatus",
        "ComplaintOutcomeEnum": "credit_records.models.ComplaintOutcome",
        "ActionEnum": "credit_records.models.RecordEventAction",
        "ComplaintEventActionEnum": "credit_records.models.ComplaintEventAction",
    },
    # Separate request components: writable fields and file uploads described as such.
    "COMPONENT_SPLIT_REQUEST": True,
}

# django-import-export: importing and exporting each need their own explicit permission
# (``<app>.import_<model>`` / ``<app>.export_<model>``), every import runs in one transaction
# (all-or-nothing) and exported cells that look like formulas are neutralised.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors": {"()": "config.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own default sends these to a console handler of its own (when DEBUG),
        # without the filter above: every refused request printed its traceback twice.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # Its own level, so that the one-line email notes show even where the Celery worker
        # runs at WARNING (scripts/run.sh).
        "chengxin.mail": {"level": "INFO"},
    },
}

# --- Sign-in: single sign-on, second factor, API tokens (core/signin/, docs/deployment.md) ----
# Single sign-on with OpenID Connect (mozilla-django-oidc): on when CHENGXIN_OIDC_CLIENT_ID
# is set. The provider's endpoints are given one by one (its discovery document lists them).
# A person is matched to an existing account by one claim of their identity
# (CHENGXIN_OIDC_MATCH_CLAIM) compared with one field of the account
# (CHENGXIN_OIDC_MATCH_FIELD: username or email); single sign-on never creates an account,
# a role or a scope.
OIDC_RP_CLIENT_ID = env.str("CHENGXIN_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("CHENGXIN_OIDC_CLIENT_SECRET", default="")
CHENGXIN_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
CHENGXIN_OIDC_ISSUER = env.str("CHENGXIN_OIDC_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("CHENGXIN_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("CHENGXIN_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("CHENGXIN_OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("CHENGXIN_OIDC_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("CHENGXIN_OIDC_SIGN_ALGORITHM", default="RS256")
OIDC_RP_SCOPES = env.str("CHENGXIN_OIDC_SCOPES", default="openid profile email")
CHENGXIN_OIDC_MATCH_CLAIM = env.str("CHENGXIN_OIDC_MATCH_CLAIM", default="preferred_username")
CHENGXIN_OIDC_MATCH_FIELD = env.str("CHENGXIN_OIDC_MATCH_FIELD", default="username")
# The label of the sign-in button (the identity platform's name as users know it).
CHENGXIN_OIDC_BUTTON_LABEL = env.str("CHENGXIN_OIDC_BUTTON_LABEL", default="")
OIDC_CREATE_USER = False
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.int("CHENGXIN_OIDC_TIMEOUT_SECONDS", default=10)
OIDC_VERIFY_SSL = env.bool("CHENGXIN_OIDC_VERIFY_TLS", default=True)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
# Off: only break-glass administrators (the account's "break-glass access" box) sign in with
# a password, on the sign-in page and the admin's; everyone else through single sign-on.
CHENGXIN_LOCAL_PASSWORDS = env.bool("CHENGXIN_LOCAL_PASSWORDS", default=True)
# Roles that must sign in with a second factor (TOTP, django-otp), by their stored names
# (core/roles.py): Administrator, Supervisor, Department liaison, Auditor.
CHENGXIN_TWO_FACTOR_ROLES = env.list(
    "CHENGXIN_TWO_FACTOR_ROLES", default=["Administrator", "Supervisor"]
)
OTP_TOTP_ISSUER = env.str("CHENGXIN_TOTP_ISSUER", default="Chengxin")
# Minutes between the password and the code on the two-step sign-in.
CHENGXIN_TWO_FACTOR_PENDING_MINUTES = 5
# Days an API token works after it is issued or rotated.
CHENGXIN_API_TOKEN_DAYS = env.int("CHENGXIN_API_TOKEN_DAYS", default=90)
# --- end sign-in ---

# --- Security ------------------------------------------------------------------------------
# An official's session ends with the browser (unless DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE is
# false) and CHENGXIN_SESSION_HOURS after sign-in at the latest.
SESSION_COOKIE_AGE = env.int("CHENGXIN_SESSION_HOURS", default=8) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions are read from the cache (and written through to the database, which "My sessions"
# and a cache eviction fall back on) when the cache is shared by every process: a signed-in
# request then makes no session query. With the in-process cache a sign-out in one process
# would not reach another's copy, so the database alone.
SESSION_ENGINE = env.str(
    "DJANGO_SESSION_ENGINE",
    default="django.contrib.sessions.backends."
    + ("db" if CACHES["default"]["BACKEND"].endswith("LocMemCache") else "cached_db"),
)
# No script of ours reads the CSRF cookie: forms carry the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page of the portal uses (core.middleware).
CHENGXIN_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# Content-Security-Policy (django-csp 4): every script, stylesheet and image comes from our
# own static files; no inline script, style attribute or event handler is allowed. The API
# docs use drf-spectacular's split Swagger view, whose script is a separate request, for the
# same reason.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Sign-in throttling (django-axes): after CHENGXIN_LOGIN_FAILURE_LIMIT failed attempts for
# one username from one address, that combination is refused for
# CHENGXIN_LOGIN_LOCKOUT_MINUTES with the lockout page (HTTP 429); a successful sign-in
# clears the count. Failures are kept in the database every web process shares.
AXES_FAILURE_LIMIT = env.int("CHENGXIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CHENGXIN_LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The client's address (core/network.py). Clients connecting directly: only
# REMOTE_ADDR, whatever headers they send. Behind reverse proxies set CHENGXIN_PROXY_COUNT to
# their number; X-Forwarded-For is then read as Django REST framework reads it, or every
# client would share the proxy's address and be locked out together.
CHENGXIN_PROXY_COUNT = env.int("CHENGXIN_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.network.client_ip"
REST_FRAMEWORK["NUM_PROXIES"] = CHENGXIN_PROXY_COUNT

# --- Access log, sessions, password reset (core/access_log.py, core/sessions.py) -----------
# Views of civil servants' personal data and every export or report download are logged
# (who, when, what, from which address) and kept this many days, then deleted by the
# "access-log-retention" beat task. Three years by default: the Personal Information
# Protection Law keeps the records of processing at least three years (PIPL art. 56), which
# also covers the six months the Cybersecurity Law asks of network logs (art. 21).
CHENGXIN_ACCESS_LOG_RETENTION_DAYS = env.int("CHENGXIN_ACCESS_LOG_RETENTION_DAYS", default=3 * 365)
# --- Retention (core/retention.py, manage.py archive_old_rows, docs/deployment.md) ---------
# History rows (django-simple-history), finished webhook deliveries and the reminder logs of
# deadlines long past are archived to CHENGXIN_ARCHIVE_DIR, then deleted, once older than
# this many years. 0 (the default) keeps them for ever: the history of dishonesty records
# belongs to the credit files, whose retention is the archives office's decision under the
# Archives Law, not the portal's; set it once that decision is made.
CHENGXIN_HISTORY_RETENTION_YEARS = env.int("CHENGXIN_HISTORY_RETENTION_YEARS", default=0)
# Read notifications older than this many days are archived, then deleted (0: kept). Unread
# ones are kept whatever their age: they are still the official's to do.
CHENGXIN_NOTIFICATION_RETENTION_DAYS = env.int("CHENGXIN_NOTIFICATION_RETENTION_DAYS", default=365)
# Where the archives go: one folder per table of gzipped JSON Lines files (loaddata reads them).
CHENGXIN_ARCHIVE_DIR = Path(env.str("CHENGXIN_ARCHIVE_DIR", default="") or VAR_DIR / "archive")
# A signed-in session's last activity ("My sessions") is written at most this often.
CHENGXIN_SESSION_TOUCH_MINUTES = env.int("CHENGXIN_SESSION_TOUCH_MINUTES", default=5)
# A password reset link works once, and only this long after it was sent (Django's
# PASSWORD_RESET_TIMEOUT, in seconds; Django's own default of three days is long for a link
# that lets anyone holding the mailbox into a supervisory account).
PASSWORD_RESET_TIMEOUT = env.int("CHENGXIN_PASSWORD_RESET_MINUTES", default=60) * 60
# Reset requests per client address and per email address entered (counted in the cache,
# like CHENGXIN_PUBLIC_API_RATE): mail bombing an official, or probing many addresses.
CHENGXIN_PASSWORD_RESET_RATE_PER_IP = env.str(
    "CHENGXIN_PASSWORD_RESET_RATE_PER_IP", default="10/hour"
)
CHENGXIN_PASSWORD_RESET_RATE_PER_EMAIL = env.str(
    "CHENGXIN_PASSWORD_RESET_RATE_PER_EMAIL", default="3/hour"
)

for _folder in (
    VAR_DIR,
    STATIC_ROOT,
    *(BROKER_DIR / name for name in ("queue", "processed", "control")),
):
    _folder.mkdir(parents=True, exist_ok=True)
