"""Defaults only. Secrets and DATABASE_URL come from instance/config.py or the environment."""

import os

# The checkout: translations/ and migrations/ live here.
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SUPPORTED_LOCALES = ("en", "cy", "pl", "ur", "pa")
RTL_LOCALES = frozenset({"ur", "ar", "fa", "he"})
LOCALE_NAMES = {  # each language named in itself, for the switcher
    "en": "English",
    "cy": "Cymraeg",
    "pl": "Polski",
    "ur": "اردو",
    "pa": "ਪੰਜਾਬੀ",
}


def sqlite_url(instance_path):
    """The embedded default: a SQLite file in instance/."""
    return "sqlite:///" + os.path.join(instance_path, "neighbourhood_budgets.sqlite3")


def sqlalchemy_url(database_url):
    """Return a DATABASE_URL as SQLAlchemy wants it: postgres:// and postgresql:// through psycopg 3."""
    for scheme in ("postgres://", "postgresql://"):
        if database_url.startswith(scheme):
            return "postgresql+psycopg://" + database_url[len(scheme) :]
    return database_url


class Defaults:
    SECRET_KEY = None  # must come from instance/config.py or SECRET_KEY; see create_app
    # No pool_pre_ping: it is a round trip before every request's first statement (a cast's whole database
    # work is a handful). A connection idle for IDLE_PING_SECONDS is pinged before use instead (app.database),
    # so one cut by a database restart or an idle timeout is replaced, not handed to a request; connections are
    # also replaced after pool_recycle seconds, under the idle timeouts of poolers, firewalls and load balancers
    # (PgBouncer's server_idle_timeout 600 s, cloud NATs ~350 s).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": 280}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    SUPPORTED_LOCALES = SUPPORTED_LOCALES

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8

    WTF_CSRF_TIME_LIMIT = 60 * 60 * 4

    # Where residents reach the service, e.g. https://budgets.fernleigh.gov.uk: every absolute link (e-mails,
    # the open-data API) is built from it, never from the request's Host header. Required unless debugging or
    # testing. TRUSTED_HOSTS (NB_TRUSTED_HOSTS, a list or "a.example,b.example"): requests for any other host
    # get 400; unset, the host of PUBLIC_URL is the only one trusted.
    PUBLIC_URL = None
    TRUSTED_HOSTS = None
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (Werkzeug's ProxyFix); 0: none, the
    # socket address is the client's. Set it to exactly the number of proxies, or clients can forge addresses.
    TRUSTED_PROXY_HOPS = 0

    # Largest request body: forms are small; views that take a file upload (@accepts_upload) allow more.
    MAX_CONTENT_LENGTH = 1024 * 1024
    UPLOAD_MAX_CONTENT_LENGTH = 25 * 1024 * 1024

    RATELIMIT_STORAGE_URI = "memory://"  # production: redis://host:6379/0 so limits hold across workers
    # Published results pages for visitors not signed in, shared by every host (app.results.shared_pages);
    # None: the rate limits' Redis, if RATELIMIT_STORAGE_URI is one; without Redis the middleware is off.
    PAGE_CACHE_URL = None
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"  # failed sign-ins to one account from one address
    LOGIN_ADDRESS_RATE_LIMIT = "30 per minute;300 per hour"  # failed sign-ins from one address, any accounts
    REGISTER_RATE_LIMIT = "5 per minute;30 per hour"
    RESET_RATE_LIMIT = "5 per minute;20 per hour"
    CLAIM_RATE_LIMIT = "5 per minute;20 per hour"  # taking over an in-person account with its printed link

    # Mail: "smtp" talks to MAIL_SERVER:MAIL_PORT; "file" writes .eml files under instance/mail (development).
    MAIL_BACKEND = "file"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Neighbourhood Budgets <no-reply@neighbourhood-budgets.example>"
    # Requests only queue mail (the outbox table); `flask mail send` delivers it, MAIL_SEND_BATCH at a time,
    # each batch leased for MAIL_CLAIM_SECONDS (longer than a batch can take at MAIL_TIMEOUT_SECONDS a try).
    MAIL_TIMEOUT_SECONDS = 30
    MAIL_SEND_BATCH = 10
    MAIL_CLAIM_SECONDS = 900
    MAIL_RETRY_BASE_SECONDS = 60  # then 2, 4, 8… minutes, at most MAIL_RETRY_MAX_SECONDS apart
    MAIL_RETRY_MAX_SECONDS = 3600
    MAIL_MAX_REFUSALS = 5  # a message the server keeps refusing (5xx) is set aside after this many tries

    # Notices residents opt in to (`flask notify due`): NOTIFICATIONS_BATCH e-mails queued per transaction (on
    # SQLite a batch holds the write lock, ~0.35 s on 2 busy cores); results are announced up to
    # NOTIFICATIONS_LOOKBACK_DAYS after publication; unsubscribe links last 90 days.
    NOTIFICATIONS_BATCH = 100
    NOTIFICATIONS_LOOKBACK_DAYS = 7
    UNSUBSCRIBE_TOKEN_MAX_AGE = 60 * 60 * 24 * 90
    # MAIL_BACKEND = "notify": GOV.UK Notify's API, one e-mail template per language whose subject is
    # ((subject)) and body ((body)): NOTIFY_TEMPLATE_IDS = {"en": "<uuid>", "cy": ...} (others fall back to en).
    NOTIFY_API_KEY = None
    NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
    NOTIFY_TEMPLATE_IDS = {}
    # Text messages (to residents registered in person who chose texts) go through GOV.UK Notify whatever
    # MAIL_BACKEND is, once NOTIFY_API_KEY and one text template per language (body ((body))) are set:
    # NOTIFY_SMS_TEMPLATE_IDS = {"en": "<uuid>", ...}. Without them such residents get letters instead.
    NOTIFY_SMS_TEMPLATE_IDS = {}
    EMAIL_TOKEN_MAX_AGE = 60 * 60 * 24 * 2  # verification links: two days
    RESET_TOKEN_MAX_AGE = 60 * 60  # password reset links: one hour

    COUNCIL_NAME = "Borough of Fernleigh"

    # Background work (app/jobs): `flask jobs work` runs it; JOBS_INLINE runs a job in the request that
    # queues it instead (development and tests, no runner needed). A runner renews its lease as it reports
    # progress; a runner that dies leaves a lease that runs out, and another takes the job over.
    JOBS_INLINE = False
    JOBS_LEASE_SECONDS = 300
    JOBS_MAX_ATTEMPTS = 3

    # Seals ballots while voting is open (app.services.round_keys): from the environment (NB_BALLOT_SECRET) or a
    # secret manager, the same on every app host; required outside debug and testing.
    BALLOT_SECRET = None

    # The audit chain's HMAC key (NB_AUDIT_SECRET): required outside debug/testing, never in the database.
    AUDIT_SECRET = None
    # Keys the chain was hashed under before `flask audit rotate-key` (NB_AUDIT_PREVIOUS_SECRETS, comma-separated):
    # kept so `audit verify` can check the older entries.
    AUDIT_PREVIOUS_SECRETS = ""
