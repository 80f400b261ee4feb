"""Knotwork settings, read from the environment.

The defaults are safe for production (DEBUG off, secure cookies, HTTPS); on a laptop, `make run` writes
var/local.env with DEBUG=1 and a generated SECRET_KEY, which these settings read when the environment does not set them.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KNOTWORK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def read_local_env(path: Path) -> dict[str, str]:
    """Read a development checkout's `local.env` (KEY=value lines), so documented commands run without exports.

    `make run` writes it once with DEBUG=1 and a generated SECRET_KEY; it is git-ignored, so a production install,
    set up from a clean checkout, has none. It may set only those two: anything else belongs in the environment,
    and a key silently ignored would be a trap.
    """
    if not path.is_file():
        return {}
    values = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or name not in {"DEBUG", "SECRET_KEY"}:
            raise ImproperlyConfigured(
                f"{path}, line {number}: only DEBUG=... and SECRET_KEY=... belong here; set other settings "
                "in the environment"
            )
        values[name] = value.strip()
    return values


# The environment wins over the local file, one variable at a time.
LOCAL_ENV_FILE = VAR_DIR / "local.env"
_local_env = read_local_env(LOCAL_ENV_FILE)
for _name, _value in _local_env.items():
    if os.environ.get(_name, "") == "":
        os.environ[_name] = _value

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY (a long random string) in the environment. For development, `make run` writes "
            f"{LOCAL_ENV_FILE} once with DEBUG=1 and a generated key (or export DEBUG=1)."
        )
    SECRET_KEY = "knotwork-development-only-key-not-for-production-use-0123456789abcdef"  # noqa: S105 (dev only)
# Earlier keys, comma separated: what they signed (sessions, links) stays valid while a new key takes over.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "knotwork.core.apps.KnotworkAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "ninja",  # serves the API docs page from local static files instead of a CDN
    "phonenumber_field",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "auditlog",
    "django_tasks_db",
    "knotwork.core",
    "knotwork.clinics",
    "knotwork.accounts",
    "knotwork.audit",
    "knotwork.messaging",
    "knotwork.patients",
    "knotwork.atlas",
    "knotwork.assessment",
    "knotwork.portal",
    "knotwork.treatment",
    "knotwork.reports",
    "knotwork.outcomes",
    "knotwork.plans",
    "knotwork.scheduling",
    "knotwork.followup",
    "knotwork.documents",
    "knotwork.billing",
    "knotwork.letters",
    "knotwork.evidence",
    "knotwork.booking",
    "knotwork.webhooks",
    "knotwork.fhir",
    "knotwork.imports",
    "knotwork.chart",
    "knotwork.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "knotwork.core.api.ProblemDetailsMiddleware",  # every error under /api/ as problem+json
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "knotwork.accounts.middleware.SecondFactorMiddleware",
    "knotwork.core.middleware.InactivityTimeoutMiddleware",
    "knotwork.core.middleware.ClinicTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    "knotwork.accounts.middleware.UserSessionTrackingMiddleware",
    "knotwork.audit.middleware.AuditContextMiddleware",
    "knotwork.core.middleware.AccessRuleMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "knotwork.core.context_processors.clinic",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
# SQLite (WAL) is the embedded default; PostgreSQL through DATABASE_URL is the production engine.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'knotwork.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One connection per server thread, kept between requests (its pragmas run once, when it opens), and
    # checked before reuse: opening a connection and repeating the pragmas cost about 6 ms on every request.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "600"))
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
# PostgreSQL behind PgBouncer in transaction mode (docs/postgresql.md): no server-side cursors, which would outlive
# the transaction PgBouncer gives the connection for.
if env_bool("PGBOUNCER", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# A read replica for reports and exports (knotwork.core.replica): set REPLICA_DATABASE_URL to use one.
if os.environ.get("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["REPLICA_DATABASE_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS", False)
    DATABASE_ROUTERS = ["knotwork.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Webhooks (docs/webhooks.md): an endpoint is switched off after this many failed attempts in a row.
WEBHOOKS_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOKS_DISABLE_AFTER_FAILURES", "10"))
# Allow http://127.0.0.1 endpoints (tests; a program running beside Knotwork).
WEBHOOKS_ALLOW_LOOPBACK = env_bool("WEBHOOKS_ALLOW_LOOPBACK", False)
# Allow endpoints on private networks (10.x, 192.168.x, fd00::/8 …): for a clinic that runs Knotwork and the
# receiving program in its own network. Off by default, so no clinic can make the server call inside its network.
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", False)
# FHIR bulk export files are deleted this many hours after they are written (docs/fhir.md).
FHIR_EXPORT_RETENTION_HOURS = int(os.environ.get("FHIR_EXPORT_RETENTION_HOURS", "24"))
# Calls per minute per API key (docs/api.md); counted in the cache, so use a shared cache (Redis) when the API runs
# in more than one process.
API_KEY_RATE_LIMIT = int(os.environ.get("API_KEY_RATE_LIMIT", "120"))

# --- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Axes', Django's and allauth's backends, each loading the user with their clinic and its settings in one query.
AUTHENTICATION_BACKENDS = [
    "knotwork.accounts.backends.AxesBackend",
    "knotwork.accounts.backends.ModelBackend",
    "knotwork.accounts.backends.AllauthBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "knotwork.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # staff join by invitation, which already proves the address
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Knotwork] "
# django-axes counts failed passwords and authenticator codes in the database (every worker sees them), so
# allauth's per-process limit is off; that also switches off allauth's own code limit, hence the MFA form.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Knotwork"
# Staff join by invitation, which proves the address; without this, a stranger's password-reset request (which
# adds an unverified address row) would stop an owner from ever setting up the authenticator they must have.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_FORMS = {"authenticate": "knotwork.accounts.forms.SecondFactorForm"}
MFA_TRUST_ENABLED = False  # every sign-in asks for the code; no "trust this browser"
USERSESSIONS_TRACK_ACTIVITY = True  # the Sessions page shows last seen (knotwork.accounts.middleware refreshes it)

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# Wrong authenticator codes for one account from all addresses together, per cool-off, before the code step locks
# for that account everywhere (the axes lockout above counts per address and account).
KNOTWORK_CODE_FAILURE_ACCOUNT_LIMIT = int(os.environ.get("CODE_FAILURE_ACCOUNT_LIMIT", "10"))
if KNOTWORK_CODE_FAILURE_ACCOUNT_LIMIT < 1:
    raise ImproperlyConfigured("CODE_FAILURE_ACCOUNT_LIMIT must be 1 or more.")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "knotwork.accounts.adapter.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "knotwork.accounts.views.locked_out"
# One client address for the lockout, the audit trail and the session list (X-Forwarded-For only behind a proxy).
AXES_CLIENT_IP_CALLABLE = "knotwork.core.middleware.client_ip_address"
AXES_VERBOSE = False

# Sessions end after inactivity (a clinic setting); this is only the hard upper bound.
# Django's database sessions, read with one SQL statement (knotwork/accounts/sessions.py).
SESSION_ENGINE = "knotwork.accounts.sessions"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- security -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the operator's proxies the client address is the one the outermost proxy put in X-Forwarded-For
# (knotwork.core.middleware.client_ip_address); PROXY_COUNT says how many proxies stand in front of Django.
KNOTWORK_TRUST_X_FORWARDED_FOR = env_bool("BEHIND_PROXY", False)
KNOTWORK_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
if KNOTWORK_PROXY_COUNT < 1:
    raise ImproperlyConfigured("PROXY_COUNT must be 1 or more: the number of proxies in front of Knotwork.")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and generated documents (docs/documents.md): a private folder under var/ by default, never served as
# static files (every read goes through an audited view); S3-compatible object storage in production with
# STORAGE_BACKEND=s3 and the AWS_* variables below (django-storages).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "filesystem")
# The largest document a clinic may upload (docs/documents.md).
KNOTWORK_DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_MB", "20")) * 1024 * 1024
if STORAGE_BACKEND not in ("filesystem", "s3"):
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be 'filesystem' or 's3', not {STORAGE_BACKEND!r}")
_DEFAULT_STORAGE: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # at MEDIA_ROOT
if STORAGE_BACKEND == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "location": os.environ.get("AWS_LOCATION", "knotwork"),
        },
    }
    if not _DEFAULT_STORAGE["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME")
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- email ----------------------------------------------------------------------------------
# Development prints email to the console; production sends through SMTP (Django 6.1 MAILERS).
EMAIL_BACKEND_NAME = os.environ.get("EMAIL_BACKEND", "console" if DEBUG else "smtp")
_MAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
if EMAIL_BACKEND_NAME not in _MAIL_BACKENDS:
    raise ImproperlyConfigured(f"EMAIL_BACKEND must be one of {sorted(_MAIL_BACKENDS)}, not {EMAIL_BACKEND_NAME!r}")
MAILERS = {"default": {"BACKEND": _MAIL_BACKENDS[EMAIL_BACKEND_NAME]}}
if EMAIL_BACKEND_NAME == "smtp":
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "587")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Knotwork <knotwork@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- tasks ----------------------------------------------------------------------------------
# "immediate" runs a task in the web process (a laptop needs no worker); "database" queues it for
# `manage.py db_worker` (django-tasks-db), which production runs beside gunicorn.
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_task_backend = os.environ.get("TASKS_BACKEND", "immediate")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}, not {_task_backend!r}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}
# Finished task rows (ids and outcomes only) are deleted by the sweep (`send_due_messages`) after this many days.
KNOTWORK_TASK_RESULTS_KEPT_DAYS = int(os.environ.get("TASK_RESULTS_KEPT_DAYS", "7"))
if KNOTWORK_TASK_RESULTS_KEPT_DAYS < 1:
    raise ImproperlyConfigured("TASK_RESULTS_KEPT_DAYS must be a whole number of days, 1 or more.")
# How Knotwork reaches patients, tried in order (knotwork/messaging/channels.py says how to add SMS).
PATIENT_MESSAGE_CHANNELS = ["knotwork.messaging.channels.EmailChannel", "knotwork.messaging.channels.TextChannel"]
# Text messages (knotwork/messaging/sms.py, docs/messages.md): off unless SMS_PROVIDER names a gateway.
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "")
if SMS_PROVIDER not in ("", "console", "twilio"):
    raise ImproperlyConfigured(f"SMS_PROVIDER must be empty, 'console' or 'twilio', not {SMS_PROVIDER!r}")
SMS_API_BASE = os.environ.get("SMS_API_BASE", "https://api.twilio.com")
SMS_ACCOUNT_SID = os.environ.get("SMS_ACCOUNT_SID", "")
SMS_AUTH_TOKEN = os.environ.get("SMS_AUTH_TOKEN", "")
SMS_FROM = os.environ.get("SMS_FROM", "")
if SMS_PROVIDER == "twilio" and not (SMS_ACCOUNT_SID and SMS_AUTH_TOKEN and SMS_FROM):
    raise ImproperlyConfigured("SMS_PROVIDER=twilio needs SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM")

# --- audit ----------------------------------------------------------------------------------
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- locale ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = os.environ.get("PHONE_REGION", "US")
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"

# --- logging: ids only, never patient data ----------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Links carry their token in the path (a patient link's first request, an invitation, a calendar feed).
    "filters": {"redact_tokens": {"()": "knotwork.core.logs.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # runserver's access log, through the filtered handler too
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# Owners must use an authenticator app (TOTP); staff are offered it. Only a development install
# may turn the requirement off.
KNOTWORK_OWNER_MFA_REQUIRED = env_bool("OWNER_MFA_REQUIRED", True)

# The address people reach this installation at; used in links sent by email.
KNOTWORK_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
FORM_RENDERER = "knotwork.core.forms.KnotworkFormRenderer"

# HSTS preload commits the whole domain (and its subdomains) to HTTPS for years; the operator decides
# (SECURE_HSTS_PRELOAD=1), so the deploy check does not nag about it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
