"""Accord settings, read from the environment (see `.env.example`)."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("ACCORD_DATA_DIR", BASE_DIR / "var")

DEBUG = env_bool("ACCORD_DEBUG", False)
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, or one generated once and kept in the data folder.

    A self-hosted install must start with no set-up, yet never share a known key.
    """
    key = env_str("ACCORD_SECRET_KEY", "")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ACCORD_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("ACCORD_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accord.core",
    "accord.users",
    "accord.directory",
    "accord.catalog",
    "accord.sales",
    "accord.billing",
    "accord.activities",
    "accord.exchange",
    "accord.dedup",
    "accord.imports",
    "accord.web",
    "accord.api",
    "accord.demo",
    "accord.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accord.users.middleware.SessionRulesMiddleware",
    "accord.users.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After UserLanguageMiddleware, which gives audit events the client's IP address.
    "accord.web.views.base.RefusedAccessMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "users.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]

# ---------------------------------------------------------------- database
DATABASE_URL = env_str("ACCORD_DATABASE_URL", f"sqlite:///{DATA_DIR / 'accord.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("ACCORD_DB_CONN_MAX_AGE", 60))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on busy_timeout instead of failing on lock upgrade.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=10000; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _db["ENGINE"].startswith("django.db.backends.postgresql"):
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------- background tasks
TASKS = {
    "default": {
        "BACKEND": env_str("ACCORD_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
ACCORD_WORKER_POLL_SECONDS = float(env_int("ACCORD_WORKER_POLL_MS", 500)) / 1000
# The exchange with 1C: the most one protocol session may upload (archives unpacked
# included), and the most members an archive may hold (docs/exchange/commerceml.md).
ACCORD_EXCHANGE_MAX_UPLOAD = env_int("ACCORD_EXCHANGE_MAX_UPLOAD", 4 * 1024**3)
ACCORD_EXCHANGE_MAX_ARCHIVE_MEMBERS = env_int("ACCORD_EXCHANGE_MAX_ARCHIVE_MEMBERS", 100_000)
# The largest spreadsheet an import accepts, in bytes.
ACCORD_IMPORT_MAX_UPLOAD = env_int("ACCORD_IMPORT_MAX_UPLOAD", 1024**3)
# Days the work folders of finished exchange sessions and uploads are kept.
ACCORD_EXCHANGE_KEEP_DAYS = env_int("ACCORD_EXCHANGE_KEEP_DAYS", 7)
# /healthz calls the worker stale when its heartbeat is older than this.
ACCORD_WORKER_STALE_SECONDS = env_int("ACCORD_WORKER_STALE_SECONDS", 60)

# Activities: the address links in e-mailed notifications start with, the sender of
# those e-mails, and the days without activity after which a deal gets a reminder.
ACCORD_BASE_URL = env_str("ACCORD_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env_str("ACCORD_EMAIL_FROM", "accord@localhost")
EMAIL_BACKEND = env_str("ACCORD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("ACCORD_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ACCORD_EMAIL_PORT", 25)
ACCORD_DEAL_IDLE_DAYS = env_int("ACCORD_DEAL_IDLE_DAYS", 14)

# ---------------------------------------------------------------- i18n
LANGUAGE_CODE = env_str("ACCORD_LANGUAGE", "ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "accord" / "locale"]
TIME_ZONE = env_str("ACCORD_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
# Phones typed without a country code are read as numbers of this region.
ACCORD_PHONE_REGION = env_str("ACCORD_PHONE_REGION", "RU")
ACCORD_CURRENCY = env_str("ACCORD_CURRENCY", "RUB")

# ---------------------------------------------------------------- static files
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start when it is missing
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
MEDIA_ROOT = DATA_DIR / "media"
# Serve straight from the app folders when collectstatic has not run (demo, development).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# ---------------------------------------------------------------- security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A session ends this long after sign-in whatever happens (absolute age), or after this long
# without a request (idle; accord.users.middleware.SessionRulesMiddleware).
ACCORD_SESSION_MAX_HOURS = env_int("ACCORD_SESSION_MAX_HOURS", 12)
ACCORD_SESSION_IDLE_MINUTES = env_int("ACCORD_SESSION_IDLE_MINUTES", 480)
SESSION_COOKIE_AGE = ACCORD_SESSION_MAX_HOURS * 60 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Served over HTTPS: secure cookies, HSTS and a redirect from http. Off by default so that
# `make demo` works on plain http://127.0.0.1:8000; never on together with ACCORD_DEBUG.
ACCORD_HTTPS = env_bool("ACCORD_HTTPS", False) and not DEBUG
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = ACCORD_HTTPS
SECURE_SSL_REDIRECT = ACCORD_HTTPS and env_bool("ACCORD_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a local monitor may probe over plain http
SECURE_HSTS_SECONDS = env_int("ACCORD_HSTS_SECONDS", 60 * 60 * 24 * 365) if ACCORD_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ACCORD_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("ACCORD_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
if env_bool("ACCORD_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Two-factor sign-in: the name shown in authenticator apps. Wrong codes count toward the
# login throttle below, and django-otp slows repeated failures of one device as well.
OTP_TOTP_ISSUER = env_str("ACCORD_OTP_ISSUER", "Accord")
AUTHENTICATION_BACKENDS = ["accord.users.backends.AccordBackend"]
# Login throttling: at most this many failures per login and address, and per address,
# within the window; then tries from that address are refused until the window passes.
ACCORD_LOGIN_WINDOW_SECONDS = env_int("ACCORD_LOGIN_WINDOW_SECONDS", 900)
ACCORD_LOGIN_MAX_PER_USER = env_int("ACCORD_LOGIN_MAX_PER_USER", 5)
ACCORD_LOGIN_MAX_PER_IP = env_int("ACCORD_LOGIN_MAX_PER_IP", 30)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# ---------------------------------------------------------------- logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("ACCORD_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
