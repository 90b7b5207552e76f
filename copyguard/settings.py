"""Django settings for copyguard, read from the environment with safe defaults.

A fresh checkout runs on SQLite inside the data directory; ``DATABASE_URL`` switches to
PostgreSQL. The secret key is generated into the data directory on first run unless given.
See docs/settings.md for every variable.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
import sys
from pathlib import Path

import dj_database_url

from copyguard.env import SettingError, envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent

DATA_DIR = Path(
    envstr(
        "COPYGUARD_DATA_DIR",
        str(REPO_DIR / "var"),
        "Directory for the SQLite database, uploaded files, outgoing mail in the default "
        "set-up, and signing keys. Created when missing.",
    )
).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    given = envstr(
        "SECRET_KEY",
        "",
        "Django's secret key (signing of sessions, e-mail links and tokens). When unset a "
        "random key is generated once into <data dir>/secret_key and reused.",
    )
    if given:
        return given
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("COPYGUARD_DEBUG", False, "Django debug mode. Never on in production.")
ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "[::1]"],
    "Comma-separated host names the site answers to.",
)
CSRF_TRUSTED_ORIGINS = envlist(
    "CSRF_TRUSTED_ORIGINS",
    [],
    "Comma-separated origins (scheme://host[:port]) trusted for CSRF behind a proxy.",
)
BASE_URL = envstr(
    "COPYGUARD_BASE_URL",
    "http://127.0.0.1:8000",
    "Public address of the site, used in links inside e-mails and generated documents.",
).rstrip("/")
ALLOW_PRIVATE_NETWORKS = envbool(
    "COPYGUARD_ALLOW_PRIVATE_NETWORKS",
    False,
    "Let the crawler and other outgoing fetches reach private, loopback and link-local "
    "addresses. Off by default; tests turn it on.",
)

ENGINE_THREADS = envint(
    "COPYGUARD_ENGINE_THREADS",
    1,
    "Threads one registry scan may use inside the engine's libraries (faiss, OpenCV). "
    "Web and worker processes answer many scans at once, so one each is fastest.",
)

# Monitoring runs and digests (docs/monitoring.md).
CRAWL_DELAY_MS = envint(
    "COPYGUARD_CRAWL_DELAY_MS",
    1000,
    "Milliseconds the crawler waits between two requests to one host.",
)
DIGEST_HOUR = envint(
    "COPYGUARD_DIGEST_HOUR",
    8,
    "Local hour (0-23) from which the worker sends each member's daily digest of new hits.",
)
if not 0 <= DIGEST_HOUR <= 23:
    raise SettingError(f"COPYGUARD_DIGEST_HOUR={DIGEST_HOUR} is not an hour from 0 to 23")
RECHECK_HOURS = envint(
    "COPYGUARD_RECHECK_HOURS",
    24,
    "Hours after which the worker checks again whether a new or confirmed hit's copy is "
    "still online; 0 turns the periodic re-check off.",
)
if RECHECK_HOURS < 0:
    raise SettingError(f"COPYGUARD_RECHECK_HOURS={RECHECK_HOURS} is negative")
DEADLINE_REMINDER_HOURS = envint(
    "COPYGUARD_DEADLINE_REMINDER_HOURS",
    24,
    "Hours before an enforcement deadline falls due at which those who must act are reminded.",
)
if DEADLINE_REMINDER_HOURS < 0:
    raise SettingError(f"COPYGUARD_DEADLINE_REMINDER_HOURS={DEADLINE_REMINDER_HOURS} is negative")

# Takedown notices (docs/enforcement/notices.md).
NOTICE_ANSWER_HOURS = envint(
    "COPYGUARD_NOTICE_ANSWER_HOURS",
    24,
    "Hours a platform has to answer a takedown notice before its deadline is overdue.",
)
if NOTICE_ANSWER_HOURS < 1:
    raise SettingError(f"COPYGUARD_NOTICE_ANSWER_HOURS={NOTICE_ANSWER_HOURS} is below 1")
TAKEDOWN_RECHECK_HOURS = envint(
    "COPYGUARD_TAKEDOWN_RECHECK_HOURS",
    24,
    "Hours between two checks of an address a platform said it took down; 0 turns the "
    "scheduled checks off (the check right after the answer still runs).",
)
if TAKEDOWN_RECHECK_HOURS < 0:
    raise SettingError(f"COPYGUARD_TAKEDOWN_RECHECK_HOURS={TAKEDOWN_RECHECK_HOURS} is negative")

# Public tip-offs (docs/enforcement/tip-offs.md).
TIP_OFF_MAX_FILES = envint(
    "COPYGUARD_TIP_OFF_MAX_FILES",
    5,
    "Files a tip-off may carry (pictures, PDF, text, sound or video); 0 accepts none.",
)
TIP_OFF_MAX_BYTES = envint(
    "COPYGUARD_TIP_OFF_MAX_BYTES",
    10 * 1024 * 1024,
    "Largest file (bytes) a tip-off may carry.",
)
TIP_OFF_RATES = envlist(
    "COPYGUARD_TIP_OFF_RATES",
    ["5/hour", "20/day"],
    "Tip-offs one network address may send, each rate over a sliding window (N/min, "
    "N/hour, N/day); the address is kept only as a keyed hash.",
)
TIP_OFF_ADMINISTRATION_RATE = envstr(
    "COPYGUARD_TIP_OFF_ADMINISTRATION_RATE",
    "200/hour",
    "Tip-offs one administration accepts from everybody together over a sliding window.",
)
TIP_OFF_STATUS_RATE = envstr(
    "COPYGUARD_TIP_OFF_STATUS_RATE",
    "30/hour",
    "Status look-ups by receipt code one network address may make, over a sliding window.",
)
TIP_OFF_TRIAGE_DAYS = envint(
    "COPYGUARD_TIP_OFF_TRIAGE_DAYS",
    7,
    "Days an administration has to triage a tip-off before its deadline is overdue.",
)
for _name, _rate in (
    *(("COPYGUARD_TIP_OFF_RATES", r) for r in TIP_OFF_RATES),
    ("COPYGUARD_TIP_OFF_ADMINISTRATION_RATE", TIP_OFF_ADMINISTRATION_RATE),
    ("COPYGUARD_TIP_OFF_STATUS_RATE", TIP_OFF_STATUS_RATE),
):
    if not re.fullmatch(r"\s*\d+\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*", _rate):
        raise SettingError(f"{_name}={_rate!r} is not like 5/hour")
if TIP_OFF_MAX_FILES < 0 or TIP_OFF_MAX_BYTES < 1 or TIP_OFF_TRIAGE_DAYS < 1:
    raise SettingError("COPYGUARD_TIP_OFF_MAX_FILES, _MAX_BYTES or _TRIAGE_DAYS is out of range")

# Cross-region cooperation (docs/enforcement/cooperation.md).
COOPERATION_ANSWER_DAYS = envint(
    "COPYGUARD_COOPERATION_ANSWER_DAYS",
    15,
    "Days the asked bureau has to accept or decline a cooperation request.",
)
if COOPERATION_ANSWER_DAYS < 1:
    raise SettingError(f"COPYGUARD_COOPERATION_ANSWER_DAYS={COOPERATION_ANSWER_DAYS} is below 1")

# Administrative cases (docs/enforcement/cases.md).
CASE_DECISION_DAYS = envint(
    "COPYGUARD_CASE_DECISION_DAYS",
    90,
    "Days from filing within which an administrative case is to be decided.",
)
if CASE_DECISION_DAYS < 1:
    raise SettingError(f"COPYGUARD_CASE_DECISION_DAYS={CASE_DECISION_DAYS} is below 1")

# Transfers along the criminal path (docs/enforcement/transfers.md).
TRANSFER_ANSWER_DAYS_POLICE = envint(
    "COPYGUARD_TRANSFER_ANSWER_DAYS_POLICE",
    3,
    "Days public security has to accept (file) or return a case an administration sent.",
)
TRANSFER_ANSWER_DAYS_PROCURATORATE = envint(
    "COPYGUARD_TRANSFER_ANSWER_DAYS_PROCURATORATE",
    30,
    "Days a procuratorate has to accept or return a case public security sent it.",
)
TRANSFER_ANSWER_DAYS_COURT = envint(
    "COPYGUARD_TRANSFER_ANSWER_DAYS_COURT",
    7,
    "Days a court has to accept or return a prosecution.",
)
SUPERVISION_ANSWER_DAYS = envint(
    "COPYGUARD_SUPERVISION_ANSWER_DAYS",
    7,
    "Days an administration has to explain to the procuratorate why a case is not transferred.",
)
for _name, _days in (
    ("COPYGUARD_TRANSFER_ANSWER_DAYS_POLICE", TRANSFER_ANSWER_DAYS_POLICE),
    ("COPYGUARD_TRANSFER_ANSWER_DAYS_PROCURATORATE", TRANSFER_ANSWER_DAYS_PROCURATORATE),
    ("COPYGUARD_TRANSFER_ANSWER_DAYS_COURT", TRANSFER_ANSWER_DAYS_COURT),
    ("COPYGUARD_SUPERVISION_ANSWER_DAYS", SUPERVISION_ANSWER_DAYS),
):
    if _days < 1:
        raise SettingError(f"{_name}={_days} is below 1")

# One-stop service requests (docs/services/requests.md).
SERVICE_ANSWER_DAYS_REGISTRATION_HELP = envint(
    "COPYGUARD_SERVICE_ANSWER_DAYS_REGISTRATION_HELP",
    5,
    "Working days a station has to answer a request for help with copyright registration.",
)
SERVICE_ANSWER_DAYS_RIGHTS_PROTECTION = envint(
    "COPYGUARD_SERVICE_ANSWER_DAYS_RIGHTS_PROTECTION",
    10,
    "Working days to answer a rights-protection (infringement) request.",
)
SERVICE_ANSWER_DAYS_LEGAL_CONSULTATION = envint(
    "COPYGUARD_SERVICE_ANSWER_DAYS_LEGAL_CONSULTATION",
    5,
    "Working days to answer a legal consultation.",
)
SERVICE_ANSWER_DAYS_OVERSEAS_PROTECTION = envint(
    "COPYGUARD_SERVICE_ANSWER_DAYS_OVERSEAS_PROTECTION",
    15,
    "Working days to answer a request about protection abroad.",
)
SERVICE_ANSWER_DAYS_PLEDGE_FINANCING = envint(
    "COPYGUARD_SERVICE_ANSWER_DAYS_PLEDGE_FINANCING",
    10,
    "Working days to answer a request about copyright pledge financing.",
)
SERVICE_HOLIDAYS = envlist(
    "COPYGUARD_SERVICE_HOLIDAYS",
    [],
    "Public holidays that are not working days, as ISO dates separated by commas.",
)
SERVICE_WORKING_WEEKENDS = envlist(
    "COPYGUARD_SERVICE_WORKING_WEEKENDS",
    [],
    "Saturdays and Sundays worked in exchange for a holiday, as ISO dates separated by commas.",
)
SERVICE_AUTO_ASSIGN = envbool(
    "COPYGUARD_SERVICE_AUTO_ASSIGN",
    False,
    "Assign each new service request at once to the receiving body's least busy liaison officer.",
)
SERVICE_MAX_FILES = envint(
    "COPYGUARD_SERVICE_MAX_FILES",
    5,
    "Files one service request or message may carry.",
)
SERVICE_MAX_BYTES = envint(
    "COPYGUARD_SERVICE_MAX_BYTES",
    10 * 1024 * 1024,
    "Largest file (bytes) a service request or message may carry.",
)
for _name, _days in (
    ("COPYGUARD_SERVICE_ANSWER_DAYS_REGISTRATION_HELP", SERVICE_ANSWER_DAYS_REGISTRATION_HELP),
    ("COPYGUARD_SERVICE_ANSWER_DAYS_RIGHTS_PROTECTION", SERVICE_ANSWER_DAYS_RIGHTS_PROTECTION),
    ("COPYGUARD_SERVICE_ANSWER_DAYS_LEGAL_CONSULTATION", SERVICE_ANSWER_DAYS_LEGAL_CONSULTATION),
    ("COPYGUARD_SERVICE_ANSWER_DAYS_OVERSEAS_PROTECTION", SERVICE_ANSWER_DAYS_OVERSEAS_PROTECTION),
    ("COPYGUARD_SERVICE_ANSWER_DAYS_PLEDGE_FINANCING", SERVICE_ANSWER_DAYS_PLEDGE_FINANCING),
):
    if _days < 1:
        raise SettingError(f"{_name}={_days} is below 1")
for _name, _dates in (
    ("COPYGUARD_SERVICE_HOLIDAYS", SERVICE_HOLIDAYS),
    ("COPYGUARD_SERVICE_WORKING_WEEKENDS", SERVICE_WORKING_WEEKENDS),
):
    for _value in _dates:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", _value):
            raise SettingError(f"{_name} holds {_value!r}, which is not a date like 2026-10-01")
if SERVICE_MAX_FILES < 0 or SERVICE_MAX_BYTES < 1:
    raise SettingError("COPYGUARD_SERVICE_MAX_FILES or COPYGUARD_SERVICE_MAX_BYTES is out of range")

# Supporting documents of assessment rounds, fund applications, model-unit nominations and
# publicity attachments (docs/insights/assessment.md, docs/services/*.md).
ASSESSMENT_MAX_DOCUMENT_BYTES = envint(
    "COPYGUARD_ASSESSMENT_MAX_DOCUMENT_BYTES",
    10 * 1024 * 1024,
    "Largest supporting document (bytes) a city may attach to an entered assessment value.",
)
ASSESSMENT_MAX_DOCUMENTS = envint(
    "COPYGUARD_ASSESSMENT_MAX_DOCUMENTS",
    5,
    "Most supporting documents one entered assessment value may carry.",
)
FUNDS_MAX_DOCUMENT_BYTES = envint(
    "COPYGUARD_FUNDS_MAX_DOCUMENT_BYTES",
    10 * 1024 * 1024,
    "Largest document (bytes) an applicant may attach to a support-fund application.",
)
AWARDS_MAX_DOCUMENT_BYTES = envint(
    "COPYGUARD_AWARDS_MAX_DOCUMENT_BYTES",
    10 * 1024 * 1024,
    "Largest supporting document (bytes) a model-unit nomination may carry.",
)
AWARDS_MAX_DOCUMENTS = envint(
    "COPYGUARD_AWARDS_MAX_DOCUMENTS",
    10,
    "Most supporting documents one model-unit nomination may carry in all.",
)
PUBLICITY_MAX_ATTACHMENT_BYTES = envint(
    "COPYGUARD_PUBLICITY_MAX_ATTACHMENT_BYTES",
    20 * 1024 * 1024,
    "Largest file (bytes) a news article or material may carry.",
)
PUBLICITY_REGISTRATION_RATES = envlist(
    "COPYGUARD_PUBLICITY_REGISTRATION_RATES",
    ["5/hour", "20/day"],
    "Training-event registrations one network address may make, each rate over a sliding window.",
)
PUBLICITY_EVENT_RATE = envstr(
    "COPYGUARD_PUBLICITY_EVENT_RATE",
    "300/hour",
    "Registrations one training event takes from everybody together over a sliding window.",
)
for _name, _rate in (
    *(("COPYGUARD_PUBLICITY_REGISTRATION_RATES", r) for r in PUBLICITY_REGISTRATION_RATES),
    ("COPYGUARD_PUBLICITY_EVENT_RATE", PUBLICITY_EVENT_RATE),
):
    if not re.fullmatch(r"\s*\d+\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*", _rate):
        raise SettingError(f"{_name}={_rate!r} is not like 5/hour")
for _name, _size in (
    ("COPYGUARD_ASSESSMENT_MAX_DOCUMENT_BYTES", ASSESSMENT_MAX_DOCUMENT_BYTES),
    ("COPYGUARD_ASSESSMENT_MAX_DOCUMENTS", ASSESSMENT_MAX_DOCUMENTS),
    ("COPYGUARD_FUNDS_MAX_DOCUMENT_BYTES", FUNDS_MAX_DOCUMENT_BYTES),
    ("COPYGUARD_AWARDS_MAX_DOCUMENT_BYTES", AWARDS_MAX_DOCUMENT_BYTES),
    ("COPYGUARD_AWARDS_MAX_DOCUMENTS", AWARDS_MAX_DOCUMENTS),
    ("COPYGUARD_PUBLICITY_MAX_ATTACHMENT_BYTES", PUBLICITY_MAX_ATTACHMENT_BYTES),
):
    if _size < 1:
        raise SettingError(f"{_name}={_size} is below 1")

# Upload scanning (POST /api/v1/scan, docs/monitoring.md "Upload scanning").
SCAN_RATE = envstr(
    "COPYGUARD_SCAN_RATE",
    "60/min",
    "How many scan requests one API token (or one signed-in user) may send: N/sec, N/min, "
    "N/hour or N/day, counted over a sliding window; 0/min turns scanning off.",
)
if not re.fullmatch(r"\s*\d+\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*", SCAN_RATE):
    raise SettingError(f"COPYGUARD_SCAN_RATE={SCAN_RATE!r} is not like 60/min")
SCAN_MAX_BYTES = envint(
    "COPYGUARD_SCAN_MAX_BYTES",
    200 * 1024 * 1024,
    "Largest file (or fetched URL body) the scan API accepts, in bytes; larger ones are "
    "refused with 413.",
)
SCAN_SYNC_MAX_BYTES = envint(
    "COPYGUARD_SCAN_SYNC_MAX_BYTES",
    5 * 1024 * 1024,
    "Texts and pictures up to this size (bytes) are scanned while the caller waits; larger "
    "files, sound, video and URLs are scanned by a background job.",
)

# Evidence capture (docs/monitoring.md "Evidence").
EVIDENCE_TIMEOUT = envint(
    "COPYGUARD_EVIDENCE_TIMEOUT",
    60,
    "Seconds an evidence capture may take for each fetch and for the screenshot.",
)
EVIDENCE_MAX_BYTES = envint(
    "COPYGUARD_EVIDENCE_MAX_BYTES",
    200 * 1024 * 1024,
    "Largest page or file an evidence capture records, in bytes (the page's pictures and "
    "styles share the same budget); a larger one fails the capture.",
)
EVIDENCE_CA_FILE = envstr(
    "COPYGUARD_EVIDENCE_CA_FILE",
    "",
    "A PEM file of extra certificate authorities that evidence capture trusts, besides "
    "certifi's, when it records whether a site's TLS certificate verifies.",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "copyguard.accounts",
    "copyguard.jobs",
    "copyguard.ops",
    "copyguard.front",
    "copyguard.ledger",
    "copyguard.works",
    "copyguard.works.certificates",
    "copyguard.works.ownership",
    "copyguard.monitoring",
    "copyguard.enforcement",
    "copyguard.insights",
    "copyguard.insights.typical",
    "copyguard.insights.assessment",
    "copyguard.services",
    "copyguard.services.checkups",
    "copyguard.services.publicity",
    "copyguard.services.funds",
    "copyguard.services.awards",
]

MIDDLEWARE = [
    # First, so that static files, CSRF refusals and error pages get the headers too.
    "copyguard.security.headers.SecurityHeadersMiddleware",
    # Request id, access log and request metrics for every answer (copyguard.ops).
    "copyguard.ops.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "copyguard.accounts.middleware.ClientAddressMiddleware",
    # A lost database or a full disk under a page is a 503 / 507 saying so, not a 500.
    "copyguard.unavailable.UnavailableMiddleware",
]

ROOT_URLCONF = "copyguard.urls"
WSGI_APPLICATION = "copyguard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "copyguard.front.context_processors.navigation",
            ],
        },
    }
]

_database_url = envstr(
    "DATABASE_URL",
    "",
    "Database to use, e.g. postgres://user:password@127.0.0.1:5432/copyguard. When unset, "
    "SQLite at <data dir>/copyguard.sqlite3.",
)
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as _error:
        raise SettingError(
            f"DATABASE_URL: cannot use {_database_url.split(':', 1)[0]!r} URLs ({_error}); "
            "expected e.g. postgres://user:password@127.0.0.1:5432/copyguard"
        ) from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "copyguard.sqlite3"),
            # Each server thread keeps its connection (opening one costs more than most
            # requests); CONN_HEALTH_CHECKS replaces one that broke.
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
            # WAL lets the worker and the web process use the file at once.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "front:dashboard"
LOGOUT_REDIRECT_URL = "front:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

LANGUAGE_CODE = envstr(
    "COPYGUARD_LANGUAGE", "zh-hans", "Default interface language: zh-hans or en."
)
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("COPYGUARD_TIME_ZONE", "Asia/Shanghai", "Time zone for display.")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even when serving from the finders
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    # Django's file system storage, writing each file whole or not at all (a full disk or
    # a killed process never leaves a short file under its name).
    "default": {"BACKEND": "copyguard.storage_safety.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve straight from the app folders: no collectstatic step needed to run the demo.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_BYTES = (
    envint("COPYGUARD_MAX_UPLOAD_MB", 200, "Largest file a user may upload, in megabytes.")
    * 1024
    * 1024
)

# ------------------------------------------------------------------ security (docs/security.md)
# Sessions: HTTP-only cookies, sent on top-level navigation from other sites (Lax) so that
# links in e-mails open signed in, never on their cross-site POSTs or sub-requests.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = (
    envint(
        "COPYGUARD_SESSION_HOURS",
        12,
        "Hours a sign-in lasts; the user then signs in again (default: a working day).",
    )
    * 3600
)
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_SAMESITE = "Lax"
# The API docs page and htmx read the token from the page, not from the cookie.
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
_https = envbool(
    "COPYGUARD_HTTPS",
    False,
    "The site is served over HTTPS: cookies are marked secure and HSTS is sent.",
)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
if _https:
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Under HTTPS the session cookie carries the __Host- prefix: the browser then refuses it
    # unless it is secure, for the whole host, and set by this host itself (a sibling
    # sub-domain cannot plant one). The CSRF cookie keeps its name: API clients read it.
    SESSION_COOKIE_NAME = "__Host-sessionid"

# Signing in: failed attempts are counted per account and per client address over a
# sliding window; past the limit the sign-in form answers 429 until the oldest failure
# leaves the window. A password reset clears the account's count, so an attacker cannot
# keep the owner out.
LOGIN_FAILURE_WINDOW_SECONDS = envint(
    "COPYGUARD_LOGIN_FAILURE_WINDOW_SECONDS",
    15 * 60,
    "Window, in seconds, over which failed sign-ins are counted.",
)
LOGIN_FAILURES_PER_ACCOUNT = envint(
    "COPYGUARD_LOGIN_FAILURES_PER_ACCOUNT",
    10,
    "Failed sign-ins to one account within the window after which it answers 429.",
)
LOGIN_FAILURES_PER_ADDRESS = envint(
    "COPYGUARD_LOGIN_FAILURES_PER_ADDRESS",
    30,
    "Failed sign-ins from one client address within the window after which it answers 429.",
)
PASSWORD_RESETS_PER_HOUR = envint(
    "COPYGUARD_PASSWORD_RESETS_PER_HOUR",
    5,
    "Password reset e-mails asked for one address (and from one client address, five "
    "times as many) within an hour; more answer 429.",
)
MAX_API_TOKENS = envint(
    "COPYGUARD_MAX_API_TOKENS",
    20,
    "Active API tokens one user may have (rate limits count per token).",
)
PASSWORD_MIN_LENGTH = envint(
    "COPYGUARD_PASSWORD_MIN_LENGTH",
    12,
    "Fewest characters a new password may have (at least 10).",
)
if PASSWORD_MIN_LENGTH < 10:
    raise SettingError("COPYGUARD_PASSWORD_MIN_LENGTH must be at least 10")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend",
    "Django e-mail backend. The default writes each message as a file into <data dir>/mail; "
    "use django.core.mail.backends.smtp.EmailBackend to send.",
)
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost", "SMTP server host.")
EMAIL_PORT = envint("EMAIL_PORT", 25, "SMTP server port.")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "", "SMTP user name.")
EMAIL_HOST_PASSWORD = envstr(
    "EMAIL_HOST_PASSWORD", "", "SMTP password (or EMAIL_HOST_PASSWORD_FILE)."
)
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False, "Use STARTTLS when sending mail.")
DEFAULT_FROM_EMAIL = envstr(
    "DEFAULT_FROM_EMAIL", "copyguard <noreply@localhost>", "Sender address of e-mails."
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A worker that has not reported for this long is taken as dead: its running jobs are
# handed back to the queue and /healthz stops counting it.
WORKER_HEARTBEAT_SECONDS = 5
WORKER_STALE_SECONDS = envint(
    "COPYGUARD_WORKER_STALE_SECONDS",
    60,
    "Seconds without a heartbeat after which a worker is taken as dead and its running "
    "jobs are queued again.",
)

# Each process keeps its own in-memory cache. Nothing cached may be trusted across
# processes by invalidation: entries are keyed on a version read from the database (see
# copyguard.works.certificates.verification), so a change made by another process misses.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "copyguard",
        "OPTIONS": {
            "MAX_ENTRIES": envint(
                "COPYGUARD_CACHE_ENTRIES",
                20000,
                "Entries each process keeps in its in-memory cache (public verification "
                "answers and pages).",
            ),
            "CULL_FREQUENCY": 4,
        },
    }
}

API_TOKEN_PREFIX = "cg_"  # noqa: S105 - a marker, not a secret

# Operations: logs, request ids, metrics, backups (docs/operations.md).
LOG_LEVEL = envstr("COPYGUARD_LOG_LEVEL", "INFO", "Log level: DEBUG, INFO, WARNING, ERROR.")
LOG_FORMAT = (
    envstr(
        "COPYGUARD_LOG_FORMAT",
        "plain",
        "Log line format of the web and worker processes: plain (for people) or json (one JSON "
        "object per line, for log collectors).",
    )
    .strip()
    .lower()
)
if LOG_FORMAT not in ("plain", "json"):
    raise SettingError(f"COPYGUARD_LOG_FORMAT={LOG_FORMAT!r} is neither plain nor json")
ACCESS_LOG = envbool(
    "COPYGUARD_ACCESS_LOG",
    True,
    "Log one line per request answered (method, path, status, duration, user, request id).",
)
TRUST_REQUEST_ID = envbool(
    "COPYGUARD_TRUST_REQUEST_ID",
    False,
    "Keep the X-Request-ID a reverse proxy sends instead of making a new id (only behind a "
    "proxy you run that sets or replaces the header).",
)
METRICS_TOKEN = envstr(
    "COPYGUARD_METRICS_TOKEN",
    "",
    "Bearer token that may read /metrics (or COPYGUARD_METRICS_TOKEN_FILE). With neither "
    "this nor COPYGUARD_METRICS_ALLOWED_ADDRESSES set, /metrics answers 404.",
)
_metrics_addresses = envlist(
    "COPYGUARD_METRICS_ALLOWED_ADDRESSES",
    [],
    "Addresses or networks (127.0.0.1, 10.0.0.0/8, ::1) that may read /metrics without the token.",
)
try:
    METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network(a, strict=False) for a in _metrics_addresses]
except ValueError as _error:
    raise SettingError(f"COPYGUARD_METRICS_ALLOWED_ADDRESSES: {_error}") from None
PG_BIN_DIR = envstr(
    "COPYGUARD_PG_BIN_DIR",
    "",
    "Directory of the pg_dump and pg_restore that copyguard backup and restore run (their "
    "major version must be at least the server's); empty: the ones on PATH.",
)

from copyguard.ops.logs import logging_config  # noqa: E402  (needs the values above)

LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)

TESTING = "pytest" in sys.modules
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Jobs run inline in tests; the worker's own tests switch back to the database backend.
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


TRUST_X_FORWARDED_FOR = envbool(
    "COPYGUARD_TRUST_X_FORWARDED_FOR",
    False,
    "Take the client address from X-Forwarded-For (only behind a reverse proxy you run).",
)

# Forms render through the project's templates ({{ form }} gives labelled, accessible fields).
FORM_RENDERER = "copyguard.front.forms.ProjectFormRenderer"
