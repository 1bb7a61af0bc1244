"""Settings for the war-analysis archive.

Everything that differs between a laptop and production comes from the
environment: ``DATABASE_URL``, ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``
and ``CSRF_TRUSTED_ORIGINS``.  With none of them set the archive runs on a
SQLite file under ``var/`` with DEBUG off, so a missing ``SECRET_KEY`` is an
error rather than a silently weak default.
"""

import importlib.util
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
    "django_filters",
    "reversion",
    "ninja",
    "csp",
    "axes",
    "articles",
    "research",
]
# The benchmarks and the corpus generator: installed with the [benchmark] extra.
if importlib.util.find_spec("benchmarking") and importlib.util.find_spec("tantivy"):
    INSTALLED_APPS.append("benchmarking")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so that static files (SVG included) carry the policy too.
    "csp.middleware.CSPMiddleware",
    "archive.request_limits.QueryStringLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "archive.middleware.StatementTimeoutMiddleware",
    "archive.replicas.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a login that axes locked out into its lockout response (archive/login_lockout.py).
    "axes.middleware.AxesMiddleware",
    "archive.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "archive.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "archive.wsgi.application"

DEFAULT_SQLITE_PATH = BASE_DIR / "var" / "archive.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that vanished should fail a request in seconds, not hang
    # it for the operating system's TCP timeout.  The URL may set its own.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # No JIT compilation: PostgreSQL compiles a statement whose estimated cost
    # passes jit_above_cost, and a search's estimates are high (testing a match
    # is priced at 100 operators: search/postgres.py MATCH_COST), so pages paid
    # for compiling short statements: 245 ms of a 407 ms statement counting the
    # places in Ukraine at 1,000,000 synthetic articles.  The URL may set its own.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
# Read replicas (archive/replicas.py): PostgreSQL streaming replicas of the
# primary, as URLs separated by commas; public pages, searches, exports and the
# API read from a healthy one.  In tests they mirror the primary (and so are
# skipped: a mirror is not in recovery).
ARCHIVE_REPLICA_ALIASES = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    replica = dj_database_url.parse(
        url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    postgresql = "django.db.backends.postgresql"
    if postgresql not in {replica["ENGINE"]} & {DATABASES["default"]["ENGINE"]}:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS needs PostgreSQL, for the primary and every replica."
        )
    # A replica that is down costs a request at most this, once per check.
    replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    replica["OPTIONS"].setdefault("options", DATABASES["default"]["OPTIONS"]["options"])
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{number}"] = replica
    ARCHIVE_REPLICA_ALIASES.append(f"replica_{number}")
DATABASE_ROUTERS = ["archive.replicas.ReplicaRouter"]
# A replica further behind the primary than this is skipped until it catches up.
ARCHIVE_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("ARCHIVE_REPLICA_MAX_LAG_SECONDS", 10))
# How long a worker trusts its last look at a replica's health.
ARCHIVE_REPLICA_CHECK_SECONDS = float(os.environ.get("ARCHIVE_REPLICA_CHECK_SECONDS", 5))
# A client that wrote reads the primary for this long: longer than the lag allowed.
ARCHIVE_PRIMARY_AFTER_WRITE_SECONDS = int(os.environ.get("ARCHIVE_PRIMARY_AFTER_WRITE_SECONDS", 60))
if (
    ARCHIVE_PRIMARY_AFTER_WRITE_SECONDS
    <= ARCHIVE_REPLICA_MAX_LAG_SECONDS + ARCHIVE_REPLICA_CHECK_SECONDS
):
    raise ImproperlyConfigured(
        "ARCHIVE_PRIMARY_AFTER_WRITE_SECONDS must exceed ARCHIVE_REPLICA_MAX_LAG_SECONDS plus "
        "ARCHIVE_REPLICA_CHECK_SECONDS, or an editor could read a replica without their change."
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers keep searching while an import writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if DATABASES["default"]["NAME"] == str(DEFAULT_SQLITE_PATH):
        DEFAULT_SQLITE_PATH.parent.mkdir(exist_ok=True)

# A statement of a web request running longer than this is stopped and the
# request answered 503 (archive.middleware.StatementTimeoutMiddleware); 0: no
# limit.  Management commands, imports and migrations are never limited.
DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", 10_000))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# The database cache: shared by every worker process.  Its table is made by a
# migration (articles 0006).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "archive_cache",
    }
}

# Admin login lockouts (django-axes, archive/login_lockout.py): failures are
# recorded in the database, so every worker and host sees the same counts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "archive.login_lockout.AdminLoginHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("ADMIN_LOGIN_MAX_FAILURES", 5))
ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
)
AXES_COOLOFF_TIME = timedelta(seconds=int(os.environ.get("ADMIN_LOGIN_WINDOW_SECONDS", 15 * 60)))
# A refused login is not counted, so that the lockout ends when its cool-off says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "archive.login_lockout.normalised_username"
AXES_LOCKOUT_CALLABLE = "archive.login_lockout.locked_out_response"
# The client's address: REMOTE_ADDR, or behind ADMIN_LOGIN_PROXIES reverse
# proxies that each append to X-Forwarded-For, the address the first of them
# saw (django-ipware).  A header the client forged has too many addresses and
# yields none: every forger counts as one unknown address.
ADMIN_LOGIN_PROXIES = int(os.environ.get("ADMIN_LOGIN_PROXIES", 0))
if ADMIN_LOGIN_PROXIES:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    AXES_IPWARE_PROXY_COUNT = ADMIN_LOGIN_PROXIES - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# ``manage.py loaddata demo`` finds fixtures/demo.json (see build_demo_fixture).
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Production hardening: on whenever DEBUG is off.  SECURE_SSL_REDIRECT can be
# turned off for a deployment whose proxy already redirects, and by the tests.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# A load balancer checks health over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, images and fonts only
# from this site, no inline script or style, no plugins, no framing, forms post
# only here.  A view that needs more says so with csp.decorators.csp_update.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The archive's own settings.
ARCHIVE_PAGE_SIZE = 20
# A longer query string is refused with a page saying so (archive/request_limits.py):
# below gunicorn's limit_request_line (gunicorn.conf.py, 8,190 bytes for the whole
# "GET /search/?… HTTP/1.1" line), which would refuse it with a bare 400.
ARCHIVE_MAX_QUERY_STRING = 8_000
# Search counts matching articles up to this many and then says "10,000+": an
# exact count of a very common word would cost more than the search itself.
ARCHIVE_SEARCH_COUNT_LIMIT = 10_000
# A search page reads the newest this many matches (SearchResults.rows): its
# pages by relevance, its facets and, when they are all the matches, its month
# chart come from them.  Ranking and counting them grows with their number:
# at 100,000 synthetic articles on PostgreSQL, "forces" took 414 ms a page
# reading 10,000, 99 ms reading 2,000.
ARCHIVE_SEARCH_WINDOW = 2_000
