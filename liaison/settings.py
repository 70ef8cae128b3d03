"""Settings of Liaison, read from the environment (see README "Deployment").

Local defaults are safe for a developer's machine: SQLite in the project folder,
DEBUG off unless DJANGO_DEBUG is set. Production sets DATABASE_URL and friends.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from liaison.database import guard_postgresql, process_kind

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
TESTING = env_bool("LIAISON_TESTING")


def _local_secret_key() -> str:
    """Without DJANGO_SECRET_KEY, a random key kept in the project folder (mode 0600).

    The embedded default then survives restarts without a shared, guessable key.
    """
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local_secret_key()

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else ""
)
if TESTING:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # Django's widget templates, for FORM_RENDERER = TemplatesSetting
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    # Top of the layout first; imports run downwards (DESIGN "Layout").
    "liaison",
    "reports",
    "notifications",
    "meetings",
    "issues",
    "organisation",
    "audit",
    "printing",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Control characters in a query string or an API body: 400 naming the field (liaison/text.py).
    "liaison.middleware.ControlCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form posted after the session ended: sign in, then back to the form's page.
    "liaison.middleware.SignInAgainMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "organisation.sessions.SessionLimitMiddleware",
    "audit.log.AuditMiddleware",
    # Last: turns a locked-out sign-in into the lockout answer (organisation/lockout.py).
    "axes.middleware.AxesMiddleware",
    # Closest to the views: a statement timeout or a database away → 503 (liaison/database.py).
    "liaison.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "liaison.urls"

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
                "django.template.context_processors.i18n",
                "liaison.context_processors.navigation",
                "notifications.context_processors.notifications",
            ],
        },
    },
]

# Form widgets: the common ones written in Python (liaison/form_renderer.py, issue 16), the
# rest through TEMPLATES (Django's widget templates, from the django.forms app).
FORM_RENDERER = "liaison.form_renderer.FormRenderer"

WSGI_APPLICATION = "liaison.wsgi.application"

# "web", "worker" or "command" (liaison/database.py): decides the statement timeout.
LIAISON_PROCESS = process_kind()
DATABASES: dict[str, dict[str, Any]] = {
    "default": dict(
        dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        )
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a writer commits: the embedded default serves a
    # handful of people at once without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Statement timeout by kind of process, the optional pool, health checks (liaison/database.py).
    DATABASES["default"] = guard_postgresql(DATABASES["default"], LIAISON_PROCESS)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisation.User"
LOGIN_URL = "/accounts/login/"
# Our own page for a stale form (liaison.views): says what happened and offers the way back.
CSRF_FAILURE_VIEW = "liaison.views.csrf_failure"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Identity and sessions (DESIGN "Security"; 等保 2.0 level 3 身份鉴别).
LIAISON_LOGIN_FAILURES = int(os.environ.get("LIAISON_LOGIN_FAILURES", "5"))
LIAISON_LOCKOUT_MINUTES = int(os.environ.get("LIAISON_LOCKOUT_MINUTES", "15"))
LIAISON_SESSION_IDLE_MINUTES = int(os.environ.get("LIAISON_SESSION_IDLE_MINUTES", "480"))
LIAISON_SESSION_MAX_DAYS = 7  # at most a week after sign-in, however active
LIAISON_TOKEN_DAYS = int(os.environ.get("LIAISON_TOKEN_DAYS", "30"))
# Work orders (DESIGN "The bottleneck state machine"): the 签收 window in working days, and
# how many extension requests (延期申请) may be approved per issue.
LIAISON_ACCEPT_DAYS = int(os.environ.get("LIAISON_ACCEPT_DAYS", "1"))
LIAISON_MAX_EXTENSIONS = int(os.environ.get("LIAISON_MAX_EXTENSIONS", "3"))
# Agendas at any scale (DESIGN "Meetings"): a section lists at most this many issues, the
# most urgent first, and says how many more there are with a link to the full list.
LIAISON_AGENDA_SECTION_LIMIT = int(os.environ.get("LIAISON_AGENDA_SECTION_LIMIT", "50"))
# send_reminders issues the automatic 督办 when an issue is still overdue this many working
# days after its automatic 催办 (DESIGN "The bottleneck state machine").
LIAISON_SUPERVISE_AFTER = int(os.environ.get("LIAISON_SUPERVISE_AFTER", "5"))
# send_reminders tells each person once a day, in one digest listing their overdue, 超时未签收
# and due-soon issues (on, the default); off (0), one notification per issue and person.
LIAISON_REMINDER_DIGEST = env_bool("LIAISON_REMINDER_DIGEST", True)
# Behind a reverse proxy: the request header that carries the client address (e.g.
# HTTP_X_REAL_IP); unset, the audit log and the lockout read REMOTE_ADDR.
LIAISON_CLIENT_IP_HEADER = os.environ.get("LIAISON_CLIENT_IP_HEADER", "")

# Idle timeout: a session lives LIAISON_SESSION_IDLE_MINUTES after its last save, and
# organisation.sessions.SessionLimitMiddleware re-saves it on activity (and ends it 7 days
# after sign-in).
SESSION_COOKIE_AGE = LIAISON_SESSION_IDLE_MINUTES * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "organisation.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]

# Sign-in lockout by django-axes: LIAISON_LOGIN_FAILURES failures for one username (whatever
# the address) lock it for LIAISON_LOCKOUT_MINUTES; failures older than that are forgotten.
# A failure during the lockout does not prolong it.
AXES_FAILURE_LIMIT = LIAISON_LOGIN_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=LIAISON_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "organisation.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "audit.log.client_ip"
AXES_ENABLE_ADMIN = False  # unlocking is 「登录锁定」 in the organisation's admin
AXES_VERBOSE = False
# axes.W006 asks to lock by address too; DESIGN locks by username ("for one username"), and
# the web form and token endpoint send no other parameter an attacker could rotate.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Rendered documents (the annual report): one stored copy each, rendered again by the task
# worker when its figures change (reports.cached), as files: no Redis needed. Outside MEDIA_ROOT (never served); a scale-out points
# DOCUMENT_CACHE_DIR at storage every app process shares, as it does MEDIA_ROOT. The tests
# keep them in memory, per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "documents": {
        # Django's file cache, with an `add` that is one atomic claim across processes.
        "BACKEND": "liaison.cache.FileCache",
        "LOCATION": os.environ.get("DOCUMENT_CACHE_DIR", str(BASE_DIR / ".cache" / "documents")),
        # One copy per document, replaced by each rendering; an older copy is still served
        # while its successor renders, so it is kept for as long as anyone may ask for it.
        "TIMEOUT": 60 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}
# A first download (no copy stored yet) waits this long for the task worker's rendering before
# rendering in the request (reports.cached): a web worker rendering the annual report grows by
# ~200 MB; under gunicorn's 60 s timeout with the rendering's own seconds after it.
DOCUMENT_RENDER_WAIT_SECONDS = 30
# A stored document is rendered again at most once per this many seconds after its last
# rendering (reports.cached): under a stream of changes (three transitions a second at a
# province's peak) a rendering per change would keep a core of the task worker busy for good
# (the annual report at 1,000,000 issues is seconds of CPU); meanwhile a download gets the
# stored copy, marked as older. 0: after every change.
LIAISON_DOCUMENT_REFRESH_SECONDS = int(os.environ.get("LIAISON_DOCUMENT_REFRESH_SECONDS", "300"))
STORAGES = {
    # Written to a temporary name, then moved: no truncated file on a full disk (liaison/storage.py).
    "default": {"BACKEND": "liaison.storage.SafeFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Source maps (megabytes, for developers' tools only) are served but not pre-compressed:
# compressing them tripled the time of `collectstatic`.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Attachments: what an officer photographs or a department scans.
ATTACHMENT_MAX_BYTES = int(os.environ.get("LIAISON_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
ATTACHMENT_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "heic",
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "txt",
    "csv",
    "zip",
    "ofd",
    "wps",
]
# Files chosen on a form that failed are kept for the next try this long (issues.pending);
# `send_reminders` removes older ones with their files.
PENDING_UPLOAD_HOURS = int(os.environ.get("LIAISON_PENDING_UPLOAD_HOURS", "24"))
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# E-mail: EMAIL_URL (smtp://user:pass@host:port, consolemail://) or Django's settings.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_email_url = os.environ.get("EMAIL_URL")
if _email_url:
    from urllib.parse import unquote, urlparse

    _parsed = urlparse(_email_url)
    if _parsed.scheme in {"smtp", "smtps", "submission"}:
        EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        EMAIL_HOST = _parsed.hostname or "localhost"
        EMAIL_PORT = _parsed.port or (
            465 if _parsed.scheme == "smtps" else 587 if _parsed.scheme == "submission" else 25
        )
        EMAIL_HOST_USER = unquote(_parsed.username or "")
        EMAIL_HOST_PASSWORD = unquote(_parsed.password or "")
        EMAIL_USE_SSL = _parsed.scheme == "smtps"
        EMAIL_USE_TLS = _parsed.scheme == "submission"
    elif _parsed.scheme == "consolemail":
        EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    elif _parsed.scheme == "locmem":
        EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "liaison@localhost")
# Mail is sent by a background task; a mail server that hangs costs the worker this long.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))

# The address links in e-mails and webhooks point to; `check --deploy` requires it with
# DEBUG off (notifications/checks.py).
LIAISON_BASE_URL = os.environ.get(
    "LIAISON_BASE_URL", "http://127.0.0.1:8000" if (DEBUG or TESTING) else ""
)

# Background tasks (django-tasks, the backport of Django 6's django.tasks): the database
# backend keeps each task in the same transaction as the change that enqueues it; workers
# are `manage.py db_worker` processes (`make run` starts one beside the server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Delivery of e-mail and webhooks: tries, and the first wait (doubled after each failure).
LIAISON_DELIVERY_ATTEMPTS = int(os.environ.get("LIAISON_DELIVERY_ATTEMPTS", "8"))
LIAISON_DELIVERY_BACKOFF = int(os.environ.get("LIAISON_DELIVERY_BACKOFF", "60"))

# Webhooks are only ever called on these hosts (the administrator's list; the public group
# robots of 企业微信 and 钉钉 by default, a 政务微信 intranet host is added here).
LIAISON_WEBHOOK_HOSTS = env_list("LIAISON_WEBHOOK_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com")
LIAISON_WEBHOOK_TIMEOUT = float(os.environ.get("LIAISON_WEBHOOK_TIMEOUT", "5"))

# Security: with DEBUG off, HTTPS unless DJANGO_HTTPS=0 (a plain-HTTP intranet).
HTTPS = (not DEBUG) and (not TESTING) and env_bool("DJANGO_HTTPS", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Scripts only from our own static files: no inline <script>, no on*= handlers, no eval
# (liaison/static/liaison/app.js carries the pages' behaviour; Swagger UI's initialiser is
# served as a file by SpectacularSwaggerSplitView). Inline *styles* stay allowed: templates,
# Bootstrap and htmx's indicator use style attributes, which run no code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # Bootstrap's icons are data: SVGs
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        # The installable app: /sw.js and /manifest.webmanifest, both from the app itself.
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
else:
    # A plain-HTTP intranet (DJANGO_HTTPS=0) cannot redirect to HTTPS, send HSTS or mark
    # cookies secure (browsers would drop them): silence exactly those four warnings and
    # nothing else, so that every other `check --deploy` finding still shows.
    SILENCED_SYSTEM_CHECKS += [
        "security.W004",  # SECURE_HSTS_SECONDS
        "security.W008",  # SECURE_SSL_REDIRECT
        "security.W012",  # SESSION_COOKIE_SECURE
        "security.W016",  # CSRF_COOKIE_SECURE
    ]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request then gets 401 with WWW-Authenticate.
        "organisation.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "liaison.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "liaison.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Liaison API (助链联动工作平台)",
    "DESCRIPTION": "The v1 API of the industry-chain liaison mechanism.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are for signed-in users and token holders (DESIGN "Public API").
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Government intranets are offline: Swagger UI, its favicon and nothing else come from
    # the vendored sidecar package, and the online validator badge is switched off.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": True,
        "validatorUrl": None,
        "persistAuthorization": True,
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps have a `state` and a `kind`: name each enum instead of a hash suffix.
    "ENUM_NAME_OVERRIDES": {
        "IssueStateEnum": "issues.models.State",
        "MeetingStateEnum": "meetings.models.MeetingState",
        "MeetingKindEnum": "meetings.models.Kind",
        "NotificationKindEnum": "notifications.models.kind_choices",
        "SatisfactionEnum": "issues.models.Satisfaction",
        # the same values without labels (issues/serializers.py's read-only field)
        "SatisfactionValueEnum": ["satisfied", "basically_satisfied", "dissatisfied"],
        "OutcomeEnum": "issues.states.Outcome",
        "OutcomeValueEnum": ["solved", "explained"],
        "SourceEnum": "issues.states.Source",
        "SourceValueEnum": ["phone", "visit", "meeting", "letter"],
        "IssueTransitionEnum": "issues.transitions.TRANSITIONS",
        "NoticeKindEnum": "issues.models.NoticeKind",
        "NoticeStatusEnum": ["answered", "pending", "overdue"],
        "AttendanceStatusEnum": "meetings.models.AttendanceStatus",
        "MeetingTransitionEnum": "meetings.transitions.MEETING_TRANSITIONS",
        "DecisionStateEnum": "meetings.serializers.TRACKING_CHOICES",
        "DecisionTransitionEnum": "meetings.transitions.DECISION_TRANSITIONS",
    },
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    CACHES["documents"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    # A test with the database task backend and no worker running: rendered after 1 s.
    DOCUMENT_RENDER_WAIT_SECONDS = 1
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tasks run once their transaction commits (never inside it, never for a rollback);
    # tests of the worker switch to the database backend and drain it with `db_worker`.
    TASKS = {"default": {"BACKEND": "liaison.task_backends.OnCommitImmediateBackend"}}
