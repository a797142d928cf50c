"""Liaison settings: one file, driven by the environment, SQLite first.

Every setting a deployer may change is read from an environment variable and documented
in README.md's configuration table (a test fails when one is missing there). A secret may
also come from a file named by ``<NAME>_FILE`` so that it never sits in the environment.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """Read ``name`` from the environment, or from the file named by ``name_FILE``."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# The fallback key is only for local development and tests; check_production_settings
# (a system check) refuses to run with it when DEBUG is off.
DEV_SECRET_KEY = "liaison-development-only-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_NAME = env("SITE_NAME", "Liaison")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_countries",
    "django_htmx",
    "django_tasks_db",
    "simple_history",
    "ninja",
    # Failed sign-ins and lockouts (ADR 0020).
    "axes",
    "liaison.core",
    "liaison.accounts",
    "liaison.people",
    "liaison.activities",
    "liaison.records",
    "liaison.approvals",
    "liaison.security",
    "liaison.vetting",
    "liaison.reports",
    "liaison.outcomes",
    "liaison.funding",
    "liaison.retention",
    "liaison.exchange",
    "liaison.oversight",
    "liaison.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (SECURE_CSP below; ADR 0020).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Outermost but one: it must see the error pages that the inner layers produce.
    "liaison.core.middleware.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Where the request comes from, for the authentication log (core/clients.py).
    "liaison.core.clients.ClientMiddleware",
    # Inside WhiteNoise: static files keep their long cache; every page and API answer
    # (they carry records) is ``Cache-Control: no-store``.
    "liaison.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle lock and absolute lifetime of sessions (SESSION_IDLE_MINUTES, ..._HOURS).
    "liaison.accounts.middleware.SessionLockMiddleware",
    # Users whose role requires MFA reach only the enrolment pages until they enrol.
    "liaison.accounts.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # API rate limits per token and per address (429 with Retry-After).
    "liaison.accounts.middleware.ApiRateLimitMiddleware",
    # Last: answers a locked-out sign-in with the lockout page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liaison.urls"
# Django's form renderer with its <input> templates written in Python (core/renderers.py).
FORM_RENDERER = "liaison.core.renderers.LiaisonFormRenderer"
WSGI_APPLICATION = "liaison.wsgi.application"
ASGI_APPLICATION = "liaison.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "liaison" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liaison.accounts.context_processors.site",
            ],
        },
    },
]

# SQLite at var/liaison.sqlite3 unless DATABASE_URL says otherwise (PostgreSQL in production).
DEFAULT_SQLITE_PATH = BASE_DIR / "var" / "liaison.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh checkout has no var/: create it so every manage.py command works at once.
    DEFAULT_SQLITE_PATH.parent.mkdir(exist_ok=True)
    # WAL lets the server read while a import or task writes; IMMEDIATE avoids
    # "database is locked" upgrades in write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out account or address before the password is
# even checked (ADR 0020).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "activities:list"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Validates nothing: its password_changed hook revokes the account's API tokens.
    {"NAME": "liaison.accounts.services.RevokeTokensOnPasswordChange"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# USWDS comes from the npm registry (package-lock.json) and is served from node_modules
# under /static/uswds/: nothing is loaded from a CDN at run time. build/static holds what
# `make assets` bundles from those packages (build/static/liaison/combo-box-rows.js).
STATICFILES_DIRS = [
    BASE_DIR / "liaison" / "static",
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
    BASE_DIR / "build" / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Imports of legacy spreadsheets (ADR 0022). A running import writes in one transaction, so
# its progress and a request to cancel it travel through files the web and worker
# processes share (IMPORT_PROGRESS_DIR), not the database. Files of more than
# IMPORT_BACKGROUND_ROWS rows are checked and imported by the task worker.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "imports": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env("IMPORT_PROGRESS_DIR", str(BASE_DIR / "var" / "imports")),
    },
}
IMPORT_BACKGROUND_ROWS = int(env("IMPORT_BACKGROUND_ROWS", "200"))
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))

# Notices (approvals/tasks.py) go through Django's default mailer: printed to the
# console unless EMAIL_BACKEND names another, e.g. django.core.mail.backends.smtp.EmailBackend
# with EMAIL_HOST and EMAIL_PORT (passed to the SMTP backend only).
EMAIL_BACKEND_PATH = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_MAIL_OPTIONS: dict[str, object] = {}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {"host": env("EMAIL_HOST", "localhost"), "port": int(env("EMAIL_PORT", "25"))}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "liaison@localhost")
# Where notices point readers (links in emails must be absolute).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS (ADR 0020, docs/security.md): outside DEBUG every plain-HTTP request is redirected
# to HTTPS (except /healthz, which a load balancer asks over HTTP) and browsers are told to
# use nothing else for a year (HSTS). Behind a TLS-terminating proxy, name the header it
# sets: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (its value must then be "https").
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
if env("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (env("SECURE_PROXY_SSL_HEADER"), "https")

# A strict Content-Security-Policy (Django's own middleware): scripts, styles, images and
# fonts only from this site, no inline script, no inline style, no plugins, no framing,
# forms post only here. htmx is told not to inject its indicator <style> (base.html's
# htmx-config meta); templates carry no style="" (tests/test_csp.py reads them all).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # USWDS's stylesheet draws some icons from data: URIs.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Behind a proxy: the request header holding the client's address (its last entry is
# used), e.g. HTTP_X_FORWARDED_FOR. Empty: REMOTE_ADDR (core/clients.py).
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", "")

# Failed sign-ins (CJIS 5.5.3: no more than 5 consecutive invalid attempts, then the
# account locks for 10 minutes unless an administrator releases it). Counted per account
# name AND per client address, each on its own; a successful sign-in resets the count.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "10")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The lockout lasts the set time from the failure that caused it; attempts during it
# do not extend it (its end, logged with the lockout, stays true).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "liaison.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "liaison.core.clients.client_ip"
# Liaison's own authentication log (accounts.AuthEvent) records sign-ins; unlocking goes
# through accounts.services.account_unlock, which logs it, not through axes' admin.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

# API tokens (ADR 0020): lifetime in days (the longest a token may be given, and the
# default), and rate limits: requests per window per token and per client address.
API_TOKEN_DAYS = int(env("API_TOKEN_DAYS", "90"))
API_RATE_LIMIT_TOKEN = int(env("API_RATE_LIMIT_TOKEN", "120"))
API_RATE_LIMIT_ADDRESS = int(env("API_RATE_LIMIT_ADDRESS", "300"))
API_RATE_WINDOW_SECONDS = int(env("API_RATE_WINDOW_SECONDS", "60"))

# Sessions (CJIS 5.5.5 session lock; ASVS 3.3): signed out after this many minutes
# without a request, and this many hours after signing in whatever happens. The cookie
# lives no longer than the absolute lifetime and ends with the browser.
SESSION_IDLE_MINUTES = int(env("SESSION_IDLE_MINUTES", "30"))
SESSION_ABSOLUTE_HOURS = int(env("SESSION_ABSOLUTE_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# MFA (ADR 0021; CJIS 5.6.2.2 advanced authentication): users holding any of these roles
# (comma-separated role names) must set up an authenticator app before they can reach
# anything else; everyone else may. Sign-in asks an enrolled user for a code.
MFA_REQUIRED_ROLES = [
    r.strip() for r in env("MFA_REQUIRED_ROLES", "security,overseer,admin").split(",") if r.strip()
]
# Sensitive actions (granting roles in the admin, creating API tokens, changing one's MFA;
# reauthentication_required in accounts/reauth.py) ask for the password or an MFA code
# again when the last one was given more than this many minutes ago.
REAUTH_MINUTES = int(env("REAUTH_MINUTES", "10"))

# Single sign-on with the department's identity provider (OpenID Connect; ADR 0021). On
# when OIDC_ISSUER is set (the provider's issuer URL, whose
# /.well-known/openid-configuration is read). Accounts are matched by verified e-mail,
# or created with no role. The client secret may come from OIDC_CLIENT_SECRET_FILE.
OIDC_ISSUER = env("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", "your department's sign-in")

# CJIS system-use notification: text shown above the sign-in form (empty: none).
LOGIN_BANNER = env("LOGIN_BANNER", "")

# Page size for HTML lists and API list endpoints.
PAGE_SIZE = int(env("PAGE_SIZE", "25"))
# The agencies' own country (ISO 3166-1 alpha-2): the oversight summary does not count it
# as a foreign country.
HOME_COUNTRY = env("HOME_COUNTRY", "US")
# Lists count matches up to this many and then say "more than N" (core/pagination.py).
LIST_COUNT_LIMIT = int(env("LIST_COUNT_LIMIT", "1000"))
# Foreign contacts are reported within this many business days of an activity's return
# (SEAD-3). Business days skip Saturdays, Sundays and the holidays listed here
# (comma-separated ISO dates, e.g. "2026-12-25,2027-01-01"; default none).
CONTACT_REPORT_BUSINESS_DAYS = int(env("CONTACT_REPORT_BUSINESS_DAYS", "5"))
BUSINESS_HOLIDAYS = [d.strip() for d in env("BUSINESS_HOLIDAYS", "").split(",") if d.strip()]

# Evaluation reports' attachments (materials received on an activity, ADR 0017): stored
# under MEDIA_ROOT (never served directly: downloads go through a permission check),
# at most REPORT_ATTACHMENT_MAX_BYTES each, and only of the listed file extensions.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
REPORT_ATTACHMENT_MAX_BYTES = int(env("REPORT_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
REPORT_ATTACHMENT_TYPES = [
    t.strip().lower().lstrip(".")
    for t in env("REPORT_ATTACHMENT_TYPES", "pdf,docx,xlsx,pptx,odt,txt,jpg,jpeg,png").split(",")
    if t.strip()
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
