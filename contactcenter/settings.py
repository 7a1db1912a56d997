"""Settings, read from the environment only (see .env.example for every variable)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from redis.asyncio.retry import Retry as RedisRetry
from redis.backoff import NoBackoff

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept under var/.

    A self-hosted install should not run with a key printed in a public repository, and a
    newcomer should not have to invent one: the first start writes a random key readable only
    by its owner.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "contactcenter.staff.admin_config.StaffAdminConfig",  # django.contrib.admin with two-step
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_tasks",
    "django_tasks_db",
    # Django Ninja's own copy of Swagger UI and Redoc as static files: the API's documentation
    # page works with no internet (without the app, Ninja loads them from a CDN).
    "ninja",
    "contactcenter.core",
    "contactcenter.agency",
    "contactcenter.offices",
    "contactcenter.people",
    "contactcenter.cases",
    "contactcenter.audit",
    "contactcenter.staff",
    "contactcenter.inquiries",
    "contactcenter.routing",
    "contactcenter.notifications",
    "contactcenter.desk",
    "contactcenter.servicerequests",
    "contactcenter.appointments",
    "contactcenter.ivr",
    "contactcenter.assistant",
    "contactcenter.chat",
    "contactcenter.operations",
    "contactcenter.surveys",
    "contactcenter.workforce",
    "contactcenter.intake",
    "contactcenter.mailroom",
    "contactcenter.portal",
    "contactcenter.records",
    "contactcenter.setup",
    # Public accounts (the online account): allauth after our apps, so the portal's templates
    # for its pages win.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

# Django's own middleware, as subclasses that run their hooks on the event loop under ASGI
# instead of handing each one to a thread and back (core/loop_middleware.py).
MIDDLEWARE = [
    "contactcenter.core.loop_middleware.SecurityMiddleware",
    "contactcenter.core.loop_middleware.PermissionsPolicyMiddleware",
    "contactcenter.core.static_files.StaticFilesMiddleware",
    # After static files (they need no policy); early enough that every page's nonce is set
    # before any view renders and the header is written after every other middleware.
    "contactcenter.core.loop_middleware.CSPMiddleware",
    "contactcenter.core.loop_middleware.SessionMiddleware",
    "contactcenter.core.loop_middleware.LocaleMiddleware",
    "contactcenter.core.loop_middleware.CommonMiddleware",
    "contactcenter.core.loop_middleware.CsrfViewMiddleware",
    "contactcenter.core.loop_middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "contactcenter.core.loop_middleware.MessageMiddleware",
    "contactcenter.core.loop_middleware.XFrameOptionsMiddleware",
]

# Django looks for its own middleware by dotted path; ours subclass it, and core/checks.py runs
# the same deploy checks with each subclass read as its parent (they come back as core.W00x).
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

ROOT_URLCONF = "contactcenter.urls"
ASGI_APPLICATION = "contactcenter.asgi.application"
WSGI_APPLICATION = "contactcenter.wsgi.application"

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
                "contactcenter.staff.context_processors.staff_navigation",
                "contactcenter.agency.context_processors.agency",
            ],
        },
    },
]

# Django's widgets written in Python where they are plain (inputs, text areas, selects): the same
# markup as its templates, a third of the staff workspace page's time saved.
FORM_RENDERER = "contactcenter.core.form_rendering.PythonWidgetRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'contactcenter.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at BEGIN
    # so two writers queue on the busy timeout instead of failing half-way with "locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Under ASGI each request may run in a different thread, so Django's persistent
    # connections pile up (one per thread); a bounded psycopg pool per process replaces them.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN", 2),
        "max_size": env_int("DATABASE_POOL_MAX", 20),
        "timeout": 10,
    }
    # Django binds parameters on the client and never prepares; a few hot statements (the
    # routing claim) use a server-binding cursor with prepare=True, which psycopg honours only
    # when a threshold is set. This one is never reached, so nothing else gets prepared.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env_int(
        "DATABASE_PREPARE_THRESHOLD", 1_000_000_000
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and channel layer ---------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# --- Redis outages (degrade, do not fail): core/redis_fallback.py -----------------------------
# A call to Redis that cannot connect within this, or gets no answer within the next, opens a
# per-process breaker: for REDIS_RETRY_SECONDS the cache and rate limits use the process's
# memory, live pushes are skipped and sockets are told to come back (1013).
REDIS_CONNECT_TIMEOUT_SECONDS = float(os.environ.get("REDIS_CONNECT_TIMEOUT_SECONDS", "1.0"))
REDIS_SOCKET_TIMEOUT_SECONDS = float(os.environ.get("REDIS_SOCKET_TIMEOUT_SECONDS", "1.0"))
REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS", "5.0"))
# Time-outs (not refusals) count as an outage only once nothing has answered for this long.
REDIS_TIMEOUT_GRACE_SECONDS = float(os.environ.get("REDIS_TIMEOUT_GRACE_SECONDS", "2.0"))
# The channel layers' connections: a short connect time-out, and one retry at once on a new
# connection, so a pooled connection Redis closed while away (the first use after it returns)
# is not taken for another outage.
REDIS_LAYER_CONNECTION = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
    "retry": RedisRetry(NoBackoff(), 1),
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "contactcenter.core.redis_fallback.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cc",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 gives every read a 5-second timeout and a process 100 connections; the
            # layer's idle receive blocks on the server for 5 seconds, so idle sockets would be
            # torn down, and many sockets closing at once each leave their groups.
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "max_connections": 2000,
                        **REDIS_LAYER_CONNECTION,
                    }
                ]
            },
        },
        # Live chat: publish/subscribe, pushed by Redis to every server (chat/events.py).
        "chat": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        **REDIS_LAYER_CONNECTION,
                    }
                ]
            },
        },
    }
else:
    # One process only: rate-limit counters and chat events stay in this process's memory.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Staff keep Django's own backend (first); the public sign in by email through allauth.
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend, letting go of the pooled connection while it hashes a password.
    "contactcenter.staff.backends.PooledModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Online accounts (allauth) --------------------------------------------------------------
ACCOUNT_ADAPTER = "contactcenter.portal.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get(
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http" if DEBUG else "https"
)
# Lock-out: after ACCOUNT_LOGIN_FAILURES wrong passwords for one account within the window,
# sign-in for that account is refused until the window passes (counted in the shared cache).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "{}/m/ip,{}/{}s/key".format(
        env_int("ACCOUNT_LOGIN_FAILURES_PER_IP_MINUTE", 20),
        env_int("ACCOUNT_LOGIN_FAILURES", 5),
        env_int("ACCOUNT_LOCKOUT_SECONDS", 900),
    ),
    "signup": os.environ.get("ACCOUNT_SIGNUP_RATE", "20/m/ip"),
    "reset_password": os.environ.get("ACCOUNT_RESET_PASSWORD_RATE", "20/m/ip,5/5m/key"),
    "confirm_email": "1/3m/key",
}
# allauth counts per client address: AccountAdapter.get_client_ip applies TRUSTED_PROXIES.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Contact Center")
SOCIALACCOUNT_ADAPTER = "contactcenter.portal.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_ONLY = False
# OpenID Connect (for example Login.gov): off unless OIDC_CLIENT_ID and OIDC_SERVER_URL are set.
SOCIALACCOUNT_PROVIDERS: dict = {"openid_connect": {"APPS": []}}
if os.environ.get("OIDC_CLIENT_ID") and os.environ.get("OIDC_SERVER_URL"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": os.environ.get("OIDC_PROVIDER_ID", "logingov"),
            "name": os.environ.get("OIDC_PROVIDER_NAME", "Login.gov"),
            "client_id": os.environ["OIDC_CLIENT_ID"],
            "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
            "settings": {
                "server_url": os.environ["OIDC_SERVER_URL"],
                # With no client secret (Login.gov takes none) the client is a public PKCE
                # client: the token request carries the client id and the PKCE verifier only.
                "token_auth_method": os.environ.get(
                    "OIDC_TOKEN_AUTH_METHOD",
                    "client_secret_basic"
                    if os.environ.get("OIDC_CLIENT_SECRET")
                    else "client_secret_post",
                ),
                "scope": env_list("OIDC_SCOPES", "openid,email"),
                "fetch_userinfo": True,
                "oauth_pkce_enabled": True,
            },
        }
    )
    if os.environ.get(
        "OIDC_ACR_VALUES"
    ):  # Login.gov requires one, e.g. urn:acr.login.gov:auth-only
        SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["settings"]["auth_params"] = {
            "acr_values": os.environ["OIDC_ACR_VALUES"]
        }

# Staff pages need TOTP and a session that passed a code; off by default in the demo (DEBUG).
STAFF_REQUIRE_TWO_STEP = env_bool("STAFF_REQUIRE_TWO_STEP", not DEBUG)

# Online account: access codes, public-form rate limits, upload scanning hook.
PORTAL_ACCESS_CODE_DAYS = env_int("PORTAL_ACCESS_CODE_DAYS", 90)
PORTAL_ACCESS_CODE_MAX_ATTEMPTS = env_int("PORTAL_ACCESS_CODE_MAX_ATTEMPTS", 5)
PORTAL_FORM_RATE_LIMIT = env_int("PORTAL_FORM_RATE_LIMIT", 5)
PORTAL_FORM_RATE_WINDOW_SECONDS = env_int("PORTAL_FORM_RATE_WINDOW_SECONDS", 3600)
PORTAL_UPLOAD_SCANNER = os.environ.get("PORTAL_UPLOAD_SCANNER", "")

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
# The project's own catalogue, then the sign-in pages' texts from django-allauth as this site
# writes them (sentence case in English, "usted" in Spanish), both before the apps' own.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "allauth_texts" / "locale"]
USE_I18N = True
TIME_ZONE = "America/New_York"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
# Collected static files, gzipped beside each file, served by WhiteNoise with the encoding the
# browser asks for: always with DEBUG off, and in the demo (`make run` turns it on with DEBUG),
# so the demo's pages weigh what production's do. Off, files come straight from the source
# folders (an edited stylesheet shows on the next load) and uncompressed. With DEBUG on the
# pages still name files by their plain names; WhiteNoise finds those in STATIC_ROOT too.
STATIC_COLLECTED = env_bool("STATIC_COLLECTED", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED

# --- Security (production defaults whenever DEBUG is off) -----------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- Input edges: staff sign-in lock-out, request size caps, CSP ---------------------------
# Staff password sign-in (desk and admin): after STAFF_LOGIN_FAILURES wrong passwords for one
# username, or STAFF_LOGIN_FAILURES_PER_IP from one client address, sign-in is refused for
# STAFF_LOCKOUT_SECONDS, even with the right password (counted in the shared cache).
STAFF_LOGIN_FAILURES = env_int("STAFF_LOGIN_FAILURES", 5)
STAFF_LOGIN_FAILURES_PER_IP = env_int("STAFF_LOGIN_FAILURES_PER_IP", 20)
STAFF_LOCKOUT_SECONDS = env_int("STAFF_LOCKOUT_SECONDS", 900)
# Request bodies are refused (413) past these sizes before Django reads them: the declared
# Content-Length and the bytes actually streamed. Upload pages take a larger body.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 1024 * 1024)
UPLOAD_REQUEST_MAX_BYTES = env_int("UPLOAD_REQUEST_MAX_BYTES", 55 * 1024 * 1024)
# One evidence file at most (refused while it streams in), and the decoded size of a PDF's
# streams past which it is taken for a decompression bomb.
SERVICE_REQUEST_EVIDENCE_MAX_BYTES = env_int("SERVICE_REQUEST_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
UPLOAD_PDF_DECODED_MAX_BYTES = env_int("UPLOAD_PDF_DECODED_MAX_BYTES", 50 * 1024 * 1024)
# Django's own limits: form fields in memory, and files kept in memory before spilling to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_HANDLERS = [
    "contactcenter.core.upload_limits.FileSizeCapHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Content-Security-Policy (django-csp): scripts and styles from this site only, or carrying the
# request's nonce; no plug-ins, no framing, no other site's forms. An OpenID Connect server
# takes the sign-in form's redirect. Permissions-Policy turns off features no page uses.
_CSP_FORM_ACTION = [SELF]
if os.environ.get("OIDC_SERVER_URL"):
    _CSP_FORM_ACTION.append(os.environ["OIDC_SERVER_URL"].rstrip("/"))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": _CSP_FORM_ACTION,
    }
}
PERMISSIONS_POLICY = os.environ.get(
    "PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()",
)

# --- Product settings -----------------------------------------------------------------------
# Case-status look-ups per client per window: receipt numbers are sequential, so an unlimited
# look-up would let anyone walk the whole caseload.
CASE_STATUS_RATE_LIMIT = env_int("CASE_STATUS_RATE_LIMIT", 30)
CASE_STATUS_RATE_WINDOW_SECONDS = env_int("CASE_STATUS_RATE_WINDOW_SECONDS", 60)
ASSISTANT_RATE_LIMIT = env_int("ASSISTANT_RATE_LIMIT", 60)
ASSISTANT_RATE_WINDOW_SECONDS = env_int("ASSISTANT_RATE_WINDOW_SECONDS", 60)

# --- Processes and proxies (serve's supervision, the web server's proxy rule) ---------------
# The proxies (addresses or CIDR networks, comma-separated) whose X-Forwarded-For is believed;
# the client is the right-most hop that is not one of them. Empty, the default: the header is
# ignored and the socket's peer is the client (uvicorn is started with --no-proxy-headers).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")


# --- Records: the disclosure log's chain, retention, exports --------------------------------
# The key of the disclosure log's keyed-hash chain (HMAC-SHA256), kept outside the database so
# that someone who can write to the database cannot re-seal what they changed. Either the key
# itself or a file holding it (preferred: readable by the service user only). With DEBUG false
# and neither, `check --deploy` fails (audit.E001), every command warns (audit.W001) and the
# sealing job refuses to run; rows are still written, and sealed once the key is set.
# In development (DEBUG) with neither, one is generated once under var/, as SECRET_KEY is.
def _audit_chain_key() -> str:
    if key := os.environ.get("AUDIT_CHAIN_KEY"):
        return key
    if key_file := os.environ.get("AUDIT_CHAIN_KEY_FILE"):
        return Path(key_file).read_text().strip()
    if not DEBUG:
        return ""
    generated = VAR_DIR / "audit_chain_key"
    if not generated.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(generated, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return generated.read_text().strip()


AUDIT_CHAIN_KEY = _audit_chain_key()
# Rows are sealed after they are committed, by a periodic job every AUDIT_SEAL_EVERY_SECONDS;
# a row may stay unsealed at most AUDIT_SEAL_MAX_DELAY_SECONDS, after which audit-verify
# reports it (an unsealed old row is one inserted behind the job's back, or a stopped worker).
AUDIT_SEAL_EVERY_SECONDS = env_int("AUDIT_SEAL_EVERY_SECONDS", 60)
AUDIT_SEAL_MAX_DELAY_SECONDS = env_int("AUDIT_SEAL_MAX_DELAY_SECONDS", 900)
# Retention per record type (GRS 6.5 and the Privacy Act's accounting) as data; the daily
# purge job honours legal holds. Empty: the file shipped in contactcenter/records/data/.
RECORDS_RETENTION_FILE = os.environ.get("RECORDS_RETENTION_FILE", "")
RECORDS_PURGE_EVERY_HOURS = env_int("RECORDS_PURGE_EVERY_HOURS", 24)

# --- Logging (never personal data in a log line) --------------------------------------------
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # The twilio library logs each request's parameters (the recipient's number) at INFO,
        # and urllib3 each request's URL, query included, at DEBUG.
        "twilio": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
        # httpx logs every request's method and URL (query included) at INFO: PII could ride
        # in a query, and `contactcenter call --url` printed them between the caller's turns.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # The pool's own warnings quote the server's message (host, database, user); the
        # worker logs a lost database by the error's class instead (core.db_outage).
        "psycopg.pool": {"level": "ERROR"},
        # fpdf2's font subsetting reports every table it prunes at INFO (a records export).
        "fontTools": {"level": "WARNING"},
    },
}

# --- Live help and routing -------------------------------------------------------------------
LIVE_HELP_TIME_ZONE = os.environ.get("LIVE_HELP_TIME_ZONE", "America/New_York")
LIVE_HELP_OPENS_AT = os.environ.get("LIVE_HELP_OPENS_AT", "08:00")
LIVE_HELP_CLOSES_AT = os.environ.get("LIVE_HELP_CLOSES_AT", "20:00")
# For demonstrations outside office hours only: offer work at any hour.
LIVE_HELP_ALWAYS_OPEN = env_bool("LIVE_HELP_ALWAYS_OPEN", False)
# Business days from escalation to the Tier 2 callback's due time, by urgency.
CALLBACK_DUE_BUSINESS_DAYS = {
    "urgent": env_int("CALLBACK_DUE_URGENT_DAYS", 2),
    "regular": env_int("CALLBACK_DUE_REGULAR_DAYS", 7),
}
IDENTITY_MAX_FAILURES = 3
# --- Identity check: which answers prove who the person is ----------------------------------
# The applicant's date of birth always, then at least this many of the ZIP code on file and
# the last four digits of the A-Number (1: either; 2: both). Every answer given must match;
# a representative gives the bar number and the applicant's date of birth.
IDENTITY_APPLICANT_EXTRA_ANSWERS = env_int("IDENTITY_APPLICANT_EXTRA_ANSWERS", 1)
if IDENTITY_APPLICANT_EXTRA_ANSWERS not in (1, 2):
    raise ImproperlyConfigured("IDENTITY_APPLICANT_EXTRA_ANSWERS must be 1 or 2.")

# --- Notifications ---------------------------------------------------------------------------
# Email: console by default; SMTP through the usual Django settings (EMAIL_HOST, ...).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Contact Center <no-reply@localhost>")
# Texts: console (default), memory, or twilio (needs the three TWILIO_* settings).
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "console")
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
# The public base URL Twilio calls (e.g. https://contact.example.gov) when a proxy sits between.
TWILIO_WEBHOOK_BASE_URL = os.environ.get("TWILIO_WEBHOOK_BASE_URL", "")
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 4)
# --- Sends exactly once (as far as the provider allows) -------------------------------------
# A text or email still "sending" this long after its worker took it lost that worker: the
# provider is asked whether it took the text (NOTIFICATIONS_PROVIDER_CHECKS rounds, one per
# run of the stalled-work job) before it is sent again. Twilio also reports each text's
# progress to /webhooks/twilio/sms/status/<id>. TWILIO_API_BASE_URL points the twilio library
# (texts, and the call bridge in ivr/bridge.py) at another server that answers like Twilio's
# REST API (a compatible provider, tests, the fault benchmark); empty means api.twilio.com.
NOTIFICATIONS_STALLED_AFTER_SECONDS = env_int("NOTIFICATIONS_STALLED_AFTER_SECONDS", 600)
NOTIFICATIONS_PROVIDER_CHECKS = env_int("NOTIFICATIONS_PROVIDER_CHECKS", 2)
# How often the stalled-work job looks (one round of asking per run).
NOTIFICATIONS_STALLED_CHECK_SECONDS = env_int("NOTIFICATIONS_STALLED_CHECK_SECONDS", 300)
TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL", "")

# --- Email intake (contactcenter/intake, docs/intake.md) ---------------------------------------
# The address people write to; replies go back to it with a signed token (reply+TOKEN@...).
INTAKE_EMAIL_ADDRESS = os.environ.get("INTAKE_EMAIL_ADDRESS", "") or DEFAULT_FROM_EMAIL
# Addresses that stand for a topic, as phone lines do ("adoption@example.gov=intercountry-
# adoption,..."): mail written to one opens its inquiry on that topic, routed to the queue
# that takes it (routing/data/queues.yaml `topics`).
INTAKE_EMAIL_TOPIC_ADDRESSES = dict(
    pair.split("=", 1) for pair in env_list("INTAKE_EMAIL_TOPIC_ADDRESSES", "") if "=" in pair
)
# A whole message past this size is refused (told so, unless it was automatic) and kept aside;
# one attachment past INTAKE_ATTACHMENT_MAX_BYTES is recorded and not kept.
INTAKE_EMAIL_MAX_BYTES = env_int("INTAKE_EMAIL_MAX_BYTES", 10 * 1024 * 1024)
INTAKE_ATTACHMENT_MAX_BYTES = env_int("INTAKE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Attachment kinds kept, read from the file's first bytes (pdf, png, jpeg, gif, tiff, text,
# email, zip, ...); anything else is recorded with the reason and not kept.
INTAKE_ATTACHMENT_KINDS = env_list("INTAKE_ATTACHMENT_KINDS", "pdf,png,jpeg,gif,tiff,text,email")
# At most one acknowledgement per sender in this period, and at most this many new inquiries
# per sender per hour (more are refused and kept).
INTAKE_ACK_PERIOD_SECONDS = env_int("INTAKE_ACK_PERIOD_SECONDS", 24 * 3600)
INTAKE_NEW_PER_SENDER_PER_HOUR = env_int("INTAKE_NEW_PER_SENDER_PER_HOUR", 5)
# Our emails: a failed send is tried again after INTAKE_OUTBOUND_RETRY_SECONDS x 1, 4, 16 ...
# up to INTAKE_OUTBOUND_MAX_ATTEMPTS tries; one still "sending" after
# INTAKE_OUTBOUND_STALLED_SECONDS lost its worker and goes again (same Message-ID); the
# periodic check runs every INTAKE_OUTBOUND_CHECK_SECONDS.
INTAKE_OUTBOUND_MAX_ATTEMPTS = env_int("INTAKE_OUTBOUND_MAX_ATTEMPTS", 4)
INTAKE_OUTBOUND_RETRY_SECONDS = env_int("INTAKE_OUTBOUND_RETRY_SECONDS", 60)
INTAKE_OUTBOUND_STALLED_SECONDS = env_int("INTAKE_OUTBOUND_STALLED_SECONDS", 600)
INTAKE_OUTBOUND_CHECK_SECONDS = env_int("INTAKE_OUTBOUND_CHECK_SECONDS", 300)
# Case details may go out by email only to a verified person, and only if the agency allows it.
INTAKE_EMAIL_CASE_DATA_ALLOWED = env_bool("INTAKE_EMAIL_CASE_DATA_ALLOWED", False)
# The mailbox `mail-poll` reads (TLS always; INTAKE_IMAP_DONE_FOLDER: move there once received,
# else mark seen).
INTAKE_IMAP_HOST = os.environ.get("INTAKE_IMAP_HOST", "")
INTAKE_IMAP_PORT = env_int("INTAKE_IMAP_PORT", 993)
INTAKE_IMAP_USER = os.environ.get("INTAKE_IMAP_USER", "")
INTAKE_IMAP_PASSWORD = os.environ.get("INTAKE_IMAP_PASSWORD", "")
INTAKE_IMAP_FOLDER = os.environ.get("INTAKE_IMAP_FOLDER", "INBOX")
INTAKE_IMAP_DONE_FOLDER = os.environ.get("INTAKE_IMAP_DONE_FOLDER", "")
INTAKE_IMAP_BATCH = env_int("INTAKE_IMAP_BATCH", 200)
# Messages received in one transaction (mailbox and import); the mailbox marks them once their
# transaction has committed. New questions are written together (a few subtransactions for
# all of them); replies, machine mail and the rest take a savepoint each. PostgreSQL keeps 64
# subtransactions per backend in its cache: a chunk of 100 usually stays under that. In the
# intake benchmark 100 ran faster than 50 or 25 (112-114 against 103-107 messages a second).
INTAKE_RECEIVE_CHUNK = env_int("INTAKE_RECEIVE_CHUNK", 100)
# The worker polls the mailbox this often (when INTAKE_IMAP_HOST is set).
INTAKE_IMAP_POLL_SECONDS = env_int("INTAKE_IMAP_POLL_SECONDS", 60)
# implicit (port 993) or starttls; there is no plain-text mode. INTAKE_IMAP_CA_FILE: a CA
# bundle to trust instead of the system's (a private mail server's own certificate).
INTAKE_IMAP_TLS = os.environ.get("INTAKE_IMAP_TLS", "implicit")
INTAKE_IMAP_CA_FILE = os.environ.get("INTAKE_IMAP_CA_FILE", "")
# --- Mail room: scanned letters and fax (contactcenter/mailroom, docs/intake.md) -------------
# One scanned file (PDF, TIFF or JPEG) at most, and its pages at most; a larger one is refused
# with the reason and nothing is kept. The upload handler's cap (SERVICE_REQUEST_EVIDENCE_
# MAX_BYTES) applies first while the file streams in.
MAILROOM_SCAN_MAX_BYTES = env_int("MAILROOM_SCAN_MAX_BYTES", 10 * 1024 * 1024)
MAILROOM_SCAN_MAX_PAGES = env_int("MAILROOM_SCAN_MAX_PAGES", 30)
# Tesseract's languages for every page, and the pixels per inch a PDF page is rendered at.
MAILROOM_OCR_LANGUAGES = os.environ.get("MAILROOM_OCR_LANGUAGES", "eng+spa")
MAILROOM_RENDER_DPI = env_int("MAILROOM_RENDER_DPI", 200)
# The generic fax webhook (/webhooks/fax/generic/): HMAC-SHA256 of the body with this secret,
# hex, in the X-Fax-Signature header. Unset: the URL answers 404.
MAILROOM_FAX_WEBHOOK_SECRET = os.environ.get("MAILROOM_FAX_WEBHOOK_SECRET", "")
# Telnyx's fax webhook (/webhooks/fax/telnyx/): the account's Ed25519 public key (base64), and
# how old a signed timestamp may be. Unset key: the URL answers 404.
MAILROOM_TELNYX_PUBLIC_KEY = os.environ.get("MAILROOM_TELNYX_PUBLIC_KEY", "")
MAILROOM_TELNYX_TOLERANCE_SECONDS = env_int("MAILROOM_TELNYX_TOLERANCE_SECONDS", 300)
# Where a provider's media URL is fetched from: the dotted path of a FaxMediaFetcher
# (contactcenter/mailroom/fax_media.py); tests put a fake in its place.
MAILROOM_FAX_FETCHER = os.environ.get(
    "MAILROOM_FAX_FETCHER", "contactcenter.mailroom.fax_media.HttpsFaxMediaFetcher"
)
MAILROOM_FAX_MAX_BYTES = env_int("MAILROOM_FAX_MAX_BYTES", 20 * 1024 * 1024)
# Host names a media URL may point at (each, or under it); empty: any named HTTPS host (never
# an IP address or localhost).
MAILROOM_FAX_MEDIA_HOSTS = env_list("MAILROOM_FAX_MEDIA_HOSTS", "")
# The number faxes reach, printed on cover sheets and letters (the agency's name and mailing
# address there come from its profile).
MAILROOM_AGENCY_FAX = os.environ.get("MAILROOM_AGENCY_FAX", "+1 000 000 0000")

# django-anymail's inbound webhooks (/webhooks/anymail/<provider>/inbound/): basic auth
# ("user:password") and each provider's signing key (e.g. MAILGUN_WEBHOOK_SIGNING_KEY).
# Unset values stay out of the dict: an empty signing key would "check" against "".
# Without ANYMAIL_WEBHOOK_SECRET the inbound webhook URLs answer 404.
ANYMAIL = {
    setting: os.environ[name]
    for setting, name in (
        ("WEBHOOK_SECRET", "ANYMAIL_WEBHOOK_SECRET"),
        ("MAILGUN_WEBHOOK_SIGNING_KEY", "MAILGUN_WEBHOOK_SIGNING_KEY"),
    )
    if os.environ.get(name)
}
# The browser phone (ivr/browser_phone.py): an API key and its secret sign the access tokens
# the desk hands to Twilio's Voice JavaScript SDK; the TwiML app receives calls an agent
# places from the browser. A token lives VOICE_TOKEN_TTL_SECONDS (Twilio allows up to a day)
# and the desk asks for a new one before it ends. Without the key, agents take calls on a
# phone number instead.
TWILIO_API_KEY_SID = os.environ.get("TWILIO_API_KEY_SID", "")
TWILIO_API_KEY_SECRET = os.environ.get("TWILIO_API_KEY_SECRET", "")
TWILIO_TWIML_APP_SID = os.environ.get("TWILIO_TWIML_APP_SID", "")
VOICE_TOKEN_TTL_SECONDS = env_int("VOICE_TOKEN_TTL_SECONDS", 3600)
# Where people read news about their inquiry (used in emails and texts instead of details).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Tier 2 calls are placed only inside this window (weekdays, Eastern, not on holidays).
CALLBACK_WINDOW_OPENS_AT = os.environ.get("CALLBACK_WINDOW_OPENS_AT", "07:00")
CALLBACK_WINDOW_CLOSES_AT = os.environ.get("CALLBACK_WINDOW_CLOSES_AT", "18:30")
CALLBACK_MAX_FAILED_ATTEMPTS = env_int("CALLBACK_MAX_FAILED_ATTEMPTS", 2)
# After-contact work: an agent's wrap-up ends by itself after this many seconds (the periodic
# job desk.end_after_contact makes them available again); 0 means it never ends by itself.
DESK_AFTER_CONTACT_SECONDS = env_int("DESK_AFTER_CONTACT_SECONDS", 60)
if DESK_AFTER_CONTACT_SECONDS < 0:
    raise ImproperlyConfigured("DESK_AFTER_CONTACT_SECONDS must be 0 or more.")

# Operations: the counts service levels are worked out from, per interval of this many minutes
# in the agency's time zone (TIME_ZONE): 15 or 30; anything else is refused at start-up (a
# system check, operations/checks.py).
OPERATIONS_INTERVAL_MINUTES = env_int("OPERATIONS_INTERVAL_MINUTES", 15)
# An abandon within this many seconds of entering the queue is a "short abandon" (a misdial,
# a person who changed their mind), which a queue's formula may leave out.
OPERATIONS_SHORT_ABANDON_SECONDS = env_int("OPERATIONS_SHORT_ABANDON_SECONDS", 5)
# The fold counts an event only once it has been in the log this long, so a transaction that
# stored an earlier one and has not yet committed is not passed over (see operations/services).
OPERATIONS_FOLD_SETTLE_SECONDS = env_int("OPERATIONS_FOLD_SETTLE_SECONDS", 60)
