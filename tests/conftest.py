"""Fixtures: one app per run on a real database (SQLite file, or PostgreSQL from
TEST_DATABASE_URL), the schema built by the Alembic revisions, every table
emptied after each test, clients signed in through the real login form, and a
real SMTP server on loopback.
"""
import os
import re
import socket
import tempfile
import time
from contextlib import contextmanager

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import event, text

from consult import create_app
from consult.core.config import normalise_database_url
from consult.core.extensions import db as _db
from consult.core.extensions import limiter

TEST_PASSWORD = "correct horse battery"
# Attachments, agenda documents and reports written by the run stay out of the checkout's instance/.
UPLOAD_DIR = tempfile.mkdtemp(prefix="consult-test-uploads-")
STRICT = os.environ.get("CONSULT_TEST_STRICT") == "1"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    return f"database: {'PostgreSQL (TEST_DATABASE_URL)' if url else 'SQLite (set TEST_DATABASE_URL for PostgreSQL)'}"


def pytest_sessionfinish(session, exitstatus):
    """In CI (CONSULT_TEST_STRICT=1) a skipped test is a failure: nothing may skip there."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if STRICT and skipped and exitstatus == 0:
        reporter.write_line(f"STRICT: {len(skipped)} test(s) skipped; nothing may skip here.", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Flask reuses an app context that is already pushed (the test's own), which
    would share `g`, the database session and Flask-Babel's caches between requests.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction first: it would hold SQLite's lock or an
        # old snapshot; objects it loaded are expired and reload fresh afterwards.
        if _cv_app.get(None) is not None:
            _db.session.commit()
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


def make_app(database_url, **overrides):
    app = create_app({
        "CONSULT_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CONSULT_MAIL_URL": None,
        "CONSULT_BASE_URL": "http://consult.test",
        "CONSULT_TIMEZONE": "Asia/Beirut",
        "RATELIMIT_LOGIN": "1000 per minute",
        "CONSULT_UPLOAD_DIR": UPLOAD_DIR,
        # Tests make calls of the same address one after the other; test_page_cache.py turns it on.
        "CONSULT_PAGE_CACHE_SECONDS": 0,
        # Feeds and the API kept whole for anonymous readers: tests/test_costs.py turns it on.
        "CONSULT_PUBLIC_CACHE_SECONDS": 0,
        **overrides,
    })
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(scope="session")
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        _reset_schema()
        from flask_migrate import upgrade

        upgrade()
    return app


def _reset_schema():
    engine = _db.engine
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            tables = [row[0] for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))]
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))


def _empty_tables():
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if _db.engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
            conn.execute(text("DELETE FROM sqlite_sequence")) if _has_sqlite_sequence(conn) else None


def _has_sqlite_sequence(conn):
    return conn.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first() is not None


@pytest.fixture(autouse=True)
def db(app):
    """The database, emptied after the test; an app context is open during the test."""
    limiter.reset()
    with app.app_context():
        yield _db
        _db.session.remove()
        _empty_tables()


@pytest.fixture
def fresh_app(database_url):
    """A new app on the same database, for tests that add their own routes."""
    return make_app(database_url)


@pytest.fixture
def is_postgres(app):
    return _db.engine.dialect.name == "postgresql"


@pytest.fixture
def client(app):
    return app.test_client()


@contextmanager
def recorded_statements():
    """The SQL statements (text, parameters) sent while the block runs, in a list filled as they go."""
    seen = []

    def record(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters))

    event.listen(_db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(_db.engine, "before_cursor_execute", record)


def csrf_token(html):
    match = CSRF_RE.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def post_form(client, url, data, get_url=None, **kwargs):
    """GET the page to take its CSRF token, then POST the form, as a browser does."""
    page = client.get(get_url or url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data}, **kwargs)


@pytest.fixture
def create_user(db):
    from consult.auth import services

    def create(email=None, role="member", password=TEST_PASSWORD, name="Test Person", locale="en", **fields):
        email = email or f"{role}-{time.monotonic_ns()}@example.org"
        user = services.create_user(email, role, name=name, locale=locale)
        if password:
            services.set_password(user, password)
        for key, value in fields.items():
            setattr(user, key, value)
        db.session.commit()
        return user

    return create


def login(client, email, password=TEST_PASSWORD, lang="en"):
    response = post_form(client, f"/{lang}/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def secretariat(create_user):
    return create_user(email="secretariat@example.org", role="secretariat", name="Secretariat Person")


@pytest.fixture
def member(create_user):
    return create_user(email="member@example.org", role="member", name="Member Person")


@pytest.fixture
def secretariat_client(app, secretariat):
    return login(app.test_client(), secretariat.email)


@pytest.fixture
def member_client(app, member):
    return login(app.test_client(), member.email)


class SMTPRecorder:
    """A real SMTP server on loopback that keeps what it receives; stop() and start() simulate an outage."""

    def __init__(self, port):
        self.messages = []
        self.port = port
        self.controller = None
        # Subject words -> the server's answer instead of "250 OK" (e.g. "554 5.7.1 Refused", "451 4.3.0 Later").
        self.refuse = {}
        self.refused = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        for words, answer in self.refuse.items():
            if words in str(message["Subject"]):
                self.refused.append(message)
                return answer
        self.messages.append(message)
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app):
    """Start aiosmtpd on a free loopback port and point the app's mail at it."""
    recorder = SMTPRecorder(free_port())
    recorder.start()
    previous = app.config["CONSULT_MAIL_URL"]
    app.config["CONSULT_MAIL_URL"] = f"smtp://127.0.0.1:{recorder.port}"
    yield recorder
    from consult.core.mail.services import wait_for_runner

    wait_for_runner(timeout=30)
    app.config["CONSULT_MAIL_URL"] = previous
    recorder.stop()


@pytest.fixture
def create_consultation(db):
    """A call for input, open by default (opened a week ago, closing in a week)."""
    from datetime import timedelta

    from consult.consultations import services
    from consult.core.database import utcnow

    def create(slug="gcm-review-2026", status="open", opens_at=None, closes_at=None, **fields):
        now = utcnow()
        values = {
            "slug": slug,
            "title": {"ar": "مشاورة الاستعراض الإقليمي", "en": "Regional review consultation", "fr": "Consultation pour l'examen régional"},
            "description": {"ar": "وصف الدعوة", "en": "What we ask.", "fr": "Ce que nous demandons."},
            "questions": {"ar": ["ما الذي نجح؟"], "en": ["What worked?"], "fr": ["Qu'est-ce qui a marché ?"]},
            "objectives": [6, 7, 16],
            "opens_at": opens_at or now - timedelta(days=7),
            "closes_at": closes_at or now + timedelta(days=7),
            "timezone": "Asia/Beirut",
            "status": status,
        }
        # Each call has its own reference prefix; the first keeps the usual one.
        values["reference_prefix"] = "RSAG" if slug == "gcm-review-2026" else re.sub("[^A-Z0-9]", "", slug.upper())[:10] or "X"
        values.update(fields)
        return services.save_consultation(**values)

    return create


SUBMISSION_FORM = {
    "org_name": "Réseau des migrants",
    "constituency": "migrant_diaspora",
    "country": "MA",
    "countries_of_work": ["MA", "TN"],
    "contact_name": "Amina",
    "contact_email": "amina@example.org",
    "contact_phone": "+212 600 000000",
    "language": "fr",
    "objectives": ["6", "7"],
    "principles": ["a", "f"],
    "good_practices": "Des guichets uniques pour les travailleurs migrants.",
    "challenges": "Les frais de recrutement.",
    "recommendations": "Supprimer les frais de recrutement.",
    "confidentiality": "public",
    "consent": "y",
    "send": "1",
}


@pytest.fixture
def submission_form():
    return dict(SUBMISSION_FORM)
