"""Settings for DSPT Lookup.

Every setting that changes between machines comes from an environment
variable, read here and nowhere else:

- DEBUG: "1" for local development. Off unless set.
- SECRET_KEY: required when DEBUG is off.
- ALLOWED_HOSTS: comma-separated host names.
- DATABASE_URL: a PostgreSQL URL. Without it the app starts and uses its own
  embedded PostgreSQL (see dsptlookup/embedded_db.py).
- CSRF_TRUSTED_ORIGINS: comma-separated origins, for a site behind a proxy.
- SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS: HTTPS settings for production.
- EMBEDDED_PGDATA: where the embedded server keeps its data (default .pgdata/).
- EMBEDDED_DATABASE_NAME: the database on the embedded server (default dsptlookup;
  the benchmarks use their own).
"""

import os
from pathlib import Path

import dj_database_url
import pghistory

from dsptlookup import embedded_db

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("ALLOW_INSECURE_SECRET_KEY"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (or DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "providers.staff.apps.StaffAdminConfig",  # Django's admin, with a second factor (providers/staff/)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "procrastinate.contrib.django",
    # The record of changes (providers/history/) and the second factor (providers/staff/): docs/adr/0025.
    "pgtrigger",
    "pghistory",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "providers",
]

MIDDLEWARE = [
    "dsptlookup.observability.RequestLogMiddleware",  # first: times and logs every answer
    "dsptlookup.replica.ReplicaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "dsptlookup.middleware.OpenDataMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dsptlookup.middleware.JunkInputMiddleware",
    "dsptlookup.middleware.HeavyRequestThrottleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor (providers/staff/)
    "dsptlookup.middleware.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "providers.staff.sessions.StaffSessionMiddleware",  # staff sessions end when idle or old (and say why)
    "providers.history.context.RecordChangesMiddleware",  # a staff member's changes are recorded as theirs
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dsptlookup.middleware.ContentSecurityPolicyMiddleware",
    "dsptlookup.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "dsptlookup.urls"
WSGI_APPLICATION = "dsptlookup.wsgi.application"

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
                "providers.context_processors.service",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# One rule for the app and the tests: DATABASE_URL if set, else embedded.
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
EMBEDDED_PGDATA = Path(os.environ.get("EMBEDDED_PGDATA", BASE_DIR / ".pgdata"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DATABASE_URL must point at a PostgreSQL server.")
    USING_EMBEDDED_DATABASE = False
else:
    DATABASES = {
        "default": embedded_db.database_settings(
            EMBEDDED_PGDATA, os.environ.get("EMBEDDED_DATABASE_NAME", embedded_db.DEFAULT_DATABASE_NAME)
        )
    }
    USING_EMBEDDED_DATABASE = True

# A web request's query may run this long before PostgreSQL cancels it (the
# visitor gets the "try again" page, 503), so one expensive request cannot
# hold a worker. Imports, rematching and migrations set their own, longer
# limit inside their transaction (providers/imports/skeleton.py).
DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "2000"))
IMPORT_STATEMENT_TIMEOUT_MS = int(os.environ.get("IMPORT_STATEMENT_TIMEOUT_MS", "0"))  # 0: no limit
# Give up connecting to a database that does not answer after this many seconds.
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
# Server-side binding: parameters travel apart from the SQL text. Django
# leaves psycopg's automatic prepared statements off; turning them on
# (prepare_threshold) was measured and made the search no quicker, as most
# of a search query's time is spent running it, not planning it.
DATABASES["default"].setdefault("OPTIONS", {}).update({
    "server_side_binding": True,
    "connect_timeout": DATABASE_CONNECT_TIMEOUT,
    "options": f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}",
})

# A read replica (docs/scaling.md, dsptlookup/replica.py): public GET requests read from it while it
# answers and is at most REPLICA_MAX_LAG_SECONDS behind, checked each REPLICA_CHECK_SECONDS in each process.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "30"))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "1"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],
        "connect_timeout": int(os.environ.get("REPLICA_CONNECT_TIMEOUT", "1")),  # a stopped replica: give up fast
    }
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["dsptlookup.replica.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache in the database that every app process shares (badges, England's figures and feed, the data
# version); its writes never fail a request (dsptlookup/cache.py). `make migrate` creates its table.
CACHES = {
    "default": {
        "BACKEND": "dsptlookup.cache.SharedCache",
        "LOCATION": "dsptlookup_cache",
    }
}

# Admin sign-in (dsptlookup/login_limits.py): this many failed attempts for
# one username from one address, or this many from one address for any
# usernames; past that, one more try each LOGIN_LOCKOUT_SECONDS.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
# How many proxies (load balancers) of ours stand in front of the app. With
# 0 the visitor's address is REMOTE_ADDR; with N it is read from
# X-Forwarded-For as our outermost proxy saw it.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))

# --- Admin trust (docs/adr/0025-admin-trust.md) ---------------------------------------------------------
# Every staff account signs in with a second factor: an authenticator app (TOTP), a passkey (WebAuthn) or a
# recovery code (providers/staff/). A staff session ends after this long without a request, and this long in all.
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_SECONDS", "1800"))
STAFF_SESSION_MAX_SECONDS = int(os.environ.get("STAFF_SESSION_MAX_SECONDS", str(12 * 3600)))
# Only staff have sessions; the cookie outlives the session by an hour, so the page can say why it ended.
SESSION_COOKIE_AGE = STAFF_SESSION_MAX_SECONDS + 3600
LOGIN_REDIRECT_URL = "/admin/"
OTP_TOTP_ISSUER = "DSPT Lookup"
# Passkeys belong to the host name the admin is on; the browser's origin must be one of these (browsers allow
# passkeys only over HTTPS, or on http://localhost).
OTP_WEBAUTHN_RP_ID_CALLABLE = "providers.staff.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME = "DSPT Lookup"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a passkey is the second factor, never the only one
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ALLOWED_ORIGINS") or sorted(
    origin for origin in {os.environ.get("SITE_URL", "").rstrip("/"), *CSRF_TRUSTED_ORIGINS,
                          f"http://localhost:{os.environ.get('PORT', '8000')}" if DEBUG else ""}
    if origin.startswith(("https://", "http://localhost")))
# The record of changes (providers/history/): events carry the app's clock; kept this many days (at least two
# years), then the worker deletes them.
PGHISTORY_CREATED_AT_FUNCTION = "public.dspt_now()"
# An event's copies of foreign keys are not indexed (each index would slow every import's events); the links
# to the changed row and to the context are (providers/history/tracking.py).
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
HISTORY_KEEP_DAYS = max(731, int(os.environ.get("HISTORY_KEEP_DAYS", "1100")))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files (served by whitenoise) ----------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# --- Uploads ---------------------------------------------------------------
# Import files are streamed to a temporary file, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
IMPORT_UPLOAD_MAX_BYTES = int(os.environ.get("IMPORT_UPLOAD_MAX_BYTES", 100 * 1024 * 1024))
# Expensive requests (area pages, long searches), measured by what they cost: each client address may spend
# this many seconds of the app's time a second on them, on average, this many at once, and wait this long for
# its turn before getting 429 (dsptlookup/middleware.py), counted across every app server.
HEAVY_SECONDS_PER_SECOND = float(os.environ.get("HEAVY_SECONDS_PER_SECOND", "0.5"))
HEAVY_BURST_SECONDS = float(os.environ.get("HEAVY_BURST_SECONDS", "5"))
HEAVY_MAX_WAIT_SECONDS = float(os.environ.get("HEAVY_MAX_WAIT_SECONDS", "2"))
# Any request body larger than this is refused unread, except a signed-in
# admin's upload (dsptlookup/middleware.py). Public forms send a few KB.
PUBLIC_MAX_BODY_BYTES = int(os.environ.get("PUBLIC_MAX_BODY_BYTES", 64 * 1024))
# Checking a list (/check-a-list/, providers/checking/): a visitor's file may be this large and hold this many
# rows; each client may check LIST_CHECKS_BURST lists at once, then one each LIST_CHECK_EVERY_SECONDS.
LIST_CHECK_MAX_BYTES = int(os.environ.get("LIST_CHECK_MAX_BYTES", 5 * 1024 * 1024))
LIST_CHECK_MAX_ROWS = int(os.environ.get("LIST_CHECK_MAX_ROWS", "5000"))
LIST_CHECKS_BURST = float(os.environ.get("LIST_CHECKS_BURST", "5"))
LIST_CHECK_EVERY_SECONDS = float(os.environ.get("LIST_CHECK_EVERY_SECONDS", "20"))
# How far a file may make us go before it is rejected as broken or hostile
# (providers/imports/spreadsheets.py; docs/adr/0011-bounded-file-reading.md).
# The defaults are far above any real CQC, DSPT, ODS or postcode file.
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", 1_000_000_000))  # per zip part
IMPORT_MAX_PACKING_RATIO = int(os.environ.get("IMPORT_MAX_PACKING_RATIO", 200))  # unpacked / packed size
IMPORT_MAX_REPEAT = int(os.environ.get("IMPORT_MAX_REPEAT", 1000))  # a value or row repeated
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", 1000))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 2_000_000))  # rows read, and a value's row number
IMPORT_MAX_CELL_CHARS = int(os.environ.get("IMPORT_MAX_CELL_CHARS", 10_000))
IMPORT_MAX_LINE_CHARS = int(os.environ.get("IMPORT_MAX_LINE_CHARS", 1_000_000))  # one line of a CSV file
IMPORT_MAX_XML_DEPTH = int(os.environ.get("IMPORT_MAX_XML_DEPTH", 100))
IMPORT_MAX_SHARED_STRINGS = int(os.environ.get("IMPORT_MAX_SHARED_STRINGS", 2_000_000))  # distinct texts in .xlsx
# Where to email a note when a visitor reports a problem (optional; reports
# are always kept in the admin). Email settings: Django's EMAIL_* defaults.
PROBLEM_REPORT_EMAIL = os.environ.get("PROBLEM_REPORT_EMAIL", "")

# --- Email: following by email and renewal reminders (docs/adr/0021-following-by-email.md) ---
# The worker sends through this SMTP server. `make run` starts a local one on 127.0.0.1:1025 that keeps
# each message in .mail/ (manage.py run_mail_server); production sets its own.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025" if DEBUG else "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")  # STARTTLS, usually on port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")  # TLS from the start, usually on port 465
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "DSPT Lookup <no-reply@dsptlookup.example>")
# The site's public address, for links in emails (the worker has no request to take it from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
FOLLOW_CONFIRM_DAYS = int(os.environ.get("FOLLOW_CONFIRM_DAYS", "7"))  # a confirmation link works this long
FOLLOW_KEEP_SENT_DAYS = int(os.environ.get("FOLLOW_KEEP_SENT_DAYS", "30"))  # then a sent message is deleted
# A care service's reply (providers/replies/): confirmation emails an address gets a day, and how long its
# address is kept after the last email we would send about it (declined, archived, dealt with).
REPLY_CONFIRMATIONS_A_DAY = int(os.environ.get("REPLY_CONFIRMATIONS_A_DAY", "3"))
REPLY_KEEP_EMAIL_DAYS = int(os.environ.get("REPLY_KEEP_EMAIL_DAYS", "30"))
# Counting without tracking (providers/performance/): when the worker works out /performance/'s figures, how
# long a search that found nothing (scrubbed) and feedback words are kept, and the counts a day.
PERFORMANCE_CRON = os.environ.get("PERFORMANCE_CRON", "20 * * * *")
UNFOUND_KEEP_DAYS = int(os.environ.get("UNFOUND_KEEP_DAYS", "30"))
FEEDBACK_KEEP_DAYS = int(os.environ.get("FEEDBACK_KEEP_DAYS", "90"))
TALLY_KEEP_DAYS = int(os.environ.get("TALLY_KEEP_DAYS", "800"))
FOLLOW_SEND_BATCH = int(os.environ.get("FOLLOW_SEND_BATCH", "200"))  # messages one sending job sends at most
FOLLOW_DIGEST_CRON = os.environ.get("FOLLOW_DIGEST_CRON", "0 7 * * *")  # daily digests and reminders

# The official DSPT record of an organisation, by its ODS code.
DSPT_ORGANISATION_URL = os.environ.get("DSPT_ORGANISATION_URL", "https://www.dsptoolkit.nhs.uk/OrganisationSearch/{code}")
# A readable file imports without the rows it cannot read, listing each one;
# more than this share of rows set aside rejects the whole file
# (docs/import-policy.md).
IMPORT_MAX_BAD_ROWS_PERCENT = float(os.environ.get("IMPORT_MAX_BAD_ROWS_PERCENT", "1"))

# --- Security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preloading is a promise to browsers that is slow to undo: only when asked for.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ([] if SECURE_HSTS_PRELOAD else ["security.W021"]) + (
    # No HTTPS address configured (SITE_URL): passkeys stay off; the authenticator app and recovery codes work.
    [] if OTP_WEBAUTHN_ALLOWED_ORIGINS else ["otp_webauthn.E030"])
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Paths that must never be redirected to HTTPS by SecurityMiddleware.
SECURE_REDIRECT_EXEMPT: list[str] = []

# Content Security Policy: only our own files; no inline script or style.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The same for the pages other websites may show in a frame: the embedded search, and reconciliation's preview.
CONTENT_SECURITY_POLICY_FRAMABLE = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")
# Addresses any website may read (CORS; dsptlookup/middleware.py, OpenDataMiddleware).
OPEN_DATA_PATHS = (r"^/(api/v1/|reconcile(/|$)|download/services\.json$|"
                   r"services/[^/]+/(badge\.svg|badge\.png|badge@2x\.png|qr\.svg)$)")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Every log line carries the request id (dsptlookup/observability.py); one line per request
# (logger dsptlookup.requests) unless REQUEST_LOG=0.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "dsptlookup.observability.RequestIdFilter"},
                "no_typed_text": {"()": "dsptlookup.observability.SuspiciousRequestFilter"}},
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "line"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"dsptlookup.requests": {"level": "INFO" if os.environ.get("REQUEST_LOG", "1") == "1" else "WARNING"},
                # Django names each kind of refused request's logger; their messages quote what was typed.
                **{f"django.security.{kind}": {"filters": ["no_typed_text"]} for kind in (
                    "DisallowedModelAdminToField", "DisallowedHost", "DisallowedRedirect", "SuspiciousOperation",
                    "SuspiciousFileOperation", "RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent")}},
}

# Prometheus metrics at /metrics (dsptlookup/health.py): from these networks (the scraper's
# address, as client_address sees it), or anywhere with "Authorization: Bearer <METRICS_TOKEN>".
METRICS_ALLOWED_NETWORKS = [n.strip() for n in os.environ.get("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128").split(",")
                            if n.strip()]
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# --- Shared caches in front of the app (docs/adr/0026-serving-from-the-edge.md) ---------------------------
# Public pages say how long a shared cache may keep them and what they show (Surrogate-Key, Cache-Tag);
# after a change the worker purges those keys through EDGE_PURGE: none (the default: pages live their
# lifetime), log, http (POST {"keys": [...]} to EDGE_PURGE_URL), fastly (EDGE_PURGE_SERVICE) or cloudflare
# (EDGE_PURGE_ZONE), with EDGE_PURGE_TOKEN.
EDGE_PURGE = os.environ.get("EDGE_PURGE", "none")
EDGE_PURGE_URL = os.environ.get("EDGE_PURGE_URL", "")
EDGE_PURGE_SERVICE = os.environ.get("EDGE_PURGE_SERVICE", "")
EDGE_PURGE_ZONE = os.environ.get("EDGE_PURGE_ZONE", "")
EDGE_PURGE_TOKEN = os.environ.get("EDGE_PURGE_TOKEN", "")
EDGE_PURGE_TIMEOUT = float(os.environ.get("EDGE_PURGE_TIMEOUT", "10"))

# --- The service ------------------------------------------------------------
SERVICE_NAME = "DSPT Lookup"

# A previewed upload not imported within this many hours is deleted; upload it again.
IMPORT_UPLOAD_KEEP_HOURS = float(os.environ.get("IMPORT_UPLOAD_KEEP_HOURS", "24"))

# --- Background work and fresh data (docs/adr/0014-background-imports.md) ---
# Imports run in a worker (`manage.py run_worker`, started by `make run`) from
# a task queue kept in PostgreSQL (procrastinate), one import at a time.
# How many jobs one worker runs at once (imports still take turns).
WORKER_CONCURRENCY = int(os.environ.get("WORKER_CONCURRENCY", "2"))
# Where `manage.py refresh_data` and the scheduled refresh download each
# source. A source with no URL is left alone.
REFRESH_SOURCES = {
    "dspt": os.environ.get("DSPT_EXPORT_URL", ""),
    "cqc": os.environ.get("CQC_LOCATIONS_URL", ""),
    "cqc_page": os.environ.get("CQC_LOCATIONS_PAGE_URL", ""),
    "ods_sites": os.environ.get("ODS_CARE_HOME_SITES_URL", ""),
    "ods_head_offices": os.environ.get("ODS_CARE_HOME_HQ_URL", ""),
    "postcodes": os.environ.get("POSTCODES_URL", ""),
}
# When the worker refreshes each kind of data (cron syntax, server time).
# The DSPT changes daily; CQC publishes weekly and monthly; ODS monthly.
REFRESH_DSPT_CRON = os.environ.get("REFRESH_DSPT_CRON", "15 5 * * *")
REFRESH_CQC_CRON = os.environ.get("REFRESH_CQC_CRON", "45 5 * * 1")
REFRESH_ODS_CRON = os.environ.get("REFRESH_ODS_CRON", "30 4 2 * *")
# How long a download may take, and how big the file may be.
REFRESH_TIMEOUT_SECONDS = float(os.environ.get("REFRESH_TIMEOUT_SECONDS", "120"))
REFRESH_MAX_BYTES = int(os.environ.get("REFRESH_MAX_BYTES", 200 * 1024 * 1024))
# Pages warn that the data may be out of date after this many days without
# fresh data (counted from the date the source published it).
DSPT_STALE_DAYS = int(os.environ.get("DSPT_STALE_DAYS", "14"))
CQC_STALE_DAYS = int(os.environ.get("CQC_STALE_DAYS", "45"))
