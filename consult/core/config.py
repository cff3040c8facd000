"""Settings, read from the environment.

Development needs nothing set: SQLite under instance/, a secret key generated
once and kept in instance/, mail kept in the outbox, rate limits in memory.
Production (CONSULT_ENV=production) refuses to start without a real SECRET_KEY.
"""
import json
import os
import secrets
from pathlib import Path

from . import languages
from .storage import MAX_FILE_BYTES, MAX_FILES

ROOT = Path(__file__).resolve().parents[2]  # the repository (this file is consult/core/config.py)
DEV_SECRET_FILE = "secret_key"


class ConfigError(RuntimeError):
    """The settings cannot run the app safely."""


def _database_url(instance_path):
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "consult.db")
    return normalise_database_url(url)


def normalise_database_url(url):
    """Plain and Heroku-style PostgreSQL URLs mean the psycopg 3 driver here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _dev_secret(instance_path):
    path = Path(instance_path) / DEV_SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _json_dumps(value):
    return json.dumps(value, ensure_ascii=False)


def load(instance_path, overrides=None):
    """Return the settings as a dict; overrides (tests) win over the environment."""
    overrides = overrides or {}
    env = overrides.get("CONSULT_ENV") or os.environ.get("CONSULT_ENV", "development")
    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if env == "production":
        if not secret or len(secret) < 32:
            raise ConfigError(
                "CONSULT_ENV=production needs SECRET_KEY set to a random value of 32+ characters."
            )
    elif not secret:
        secret = _dev_secret(instance_path)
    redis_url = os.environ.get("CONSULT_REDIS_URL") or None
    config = {
        "CONSULT_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # JSON columns keep Arabic readable (and searchable with LIKE) instead of \uXXXX escapes.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "json_serializer": _json_dumps},
        "CONSULT_REDIS_URL": redis_url,
        "CONSULT_MAIL_URL": os.environ.get("CONSULT_MAIL_URL") or None,
        "CONSULT_MAIL_FROM": os.environ.get("CONSULT_MAIL_FROM", "consult@localhost"),
        "CONSULT_BASE_URL": os.environ.get("CONSULT_BASE_URL", "http://127.0.0.1:5000"),
        "CONSULT_TIMEZONE": os.environ.get("CONSULT_TIMEZONE", "Asia/Beirut"),
        # Where people write to the secretariat: shown on every page that tells someone to write.
        "CONSULT_CONTACT_EMAIL": os.environ.get("CONSULT_CONTACT_EMAIL", "secretariat@example.org"),
        "CONSULT_SITE_NAME": os.environ.get("CONSULT_SITE_NAME", ""),
        # Rate limits: memory by default, Redis when configured (shared by workers).
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_LOGIN": os.environ.get("CONSULT_RATELIMIT_LOGIN", "10 per minute; 50 per hour"),
        "PROXY_HOPS": int(os.environ.get("CONSULT_PROXY_HOPS", "0")),
        # Uploads: attachments are checked one by one later; this is the hard cap.
        "MAX_CONTENT_LENGTH": int(os.environ.get("CONSULT_MAX_REQUEST_BYTES", str(25 * 1024 * 1024))),
        "CONSULT_UPLOAD_DIR": os.environ.get("CONSULT_UPLOAD_DIR") or os.path.join(instance_path, "uploads"),
        "CONSULT_RETENTION_MONTHS": int(os.environ.get("CONSULT_RETENTION_MONTHS", "24")),
        # Files of a form sent back with an error are kept this long for the form to be sent again.
        "CONSULT_KEPT_FILE_HOURS": float(os.environ.get("CONSULT_KEPT_FILE_HOURS", "24")),
        # Report builds: in a thread of this process by default; on an RQ queue in Redis when set
        # (run `flask --app wsgi consult worker` beside the app). A build silent longer than the
        # timeout is taken as dead (marked failed, can be rebuilt).
        "CONSULT_QUEUE_URL": os.environ.get("CONSULT_QUEUE_URL") or None,
        "CONSULT_REPORT_TIMEOUT": int(os.environ.get("CONSULT_REPORT_TIMEOUT", "1800")),
        # The compendium annex is laid out in this many parts at once (worker processes; 1: in one piece).
        "CONSULT_REPORT_WORKERS": int(os.environ.get("CONSULT_REPORT_WORKERS", "2")),
        "CONSULT_TRANSLATE_URL": os.environ.get("CONSULT_TRANSLATE_URL") or None,
        "CONSULT_TRANSLATE_KEY": os.environ.get("CONSULT_TRANSLATE_KEY") or None,
        # The submission form is rendered once per language and time zone, kept this many seconds (0: never).
        "CONSULT_PAGE_CACHE_SECONDS": float(os.environ.get("CONSULT_PAGE_CACHE_SECONDS", "10")),
        "RATELIMIT_SUBMIT": os.environ.get("CONSULT_RATELIMIT_SUBMIT", "20 per hour"),
        "RATELIMIT_LINKS": os.environ.get("CONSULT_RATELIMIT_LINKS", "5 per hour"),
        # Costs an anonymous reader controls (README, "Bounded costs"): agenda PDF builds per address,
        # and how long feeds and the open-data API are kept whole for anonymous readers (0: not kept).
        "CONSULT_RATELIMIT_PDF": os.environ.get("CONSULT_RATELIMIT_PDF", "10 per minute; 30 per hour"),
        "CONSULT_PUBLIC_CACHE_SECONDS": float(os.environ.get("CONSULT_PUBLIC_CACHE_SECONDS", "60")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": languages.DEFAULT,
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "PASSWORD_LINK_MAX_AGE": 48 * 3600,
        "RESET_LINK_MAX_AGE": 2 * 3600,
        "MAIL_RETRY_LIMIT": 8,
    }
    config.update(overrides)
    _check_request_cap(config["MAX_CONTENT_LENGTH"])
    return config


# Room for a submission's texts and the multipart framing beside its files.
FORM_TEXT_ALLOWANCE = 2 * 1024 * 1024


def _check_request_cap(cap):
    """The hard cap on a request stays above every file a form may carry at its per-file limit, so a file that is
    too large gets an error next to its field (with the typed text still there), never the bare 413 page."""
    minimum = MAX_FILES * MAX_FILE_BYTES + FORM_TEXT_ALLOWANCE
    if cap is not None and cap < minimum:
        raise ConfigError(f"CONSULT_MAX_REQUEST_BYTES must be at least {minimum} (the attachments' limits "
                          f"of {MAX_FILES} x {MAX_FILE_BYTES} bytes, and the texts); it is {cap}.")
