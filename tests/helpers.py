"""Helpers shared by the tests: plain functions and data, no fixtures (those are in tests/conftest.py and
the modules of tests/fixtures/, which import from here). Test modules import from here, never from a
conftest (tests/test_test_layout.py checks it)."""
import email
import io
import re
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from email import policy

from aiosmtpd.controller import Controller

from flask.globals import _cv_app
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import event, text

from consult import create_app
from consult.auth import services as accounts
from consult.consultations import services as consultations
from consult.core.database import utcnow
from consult.core.extensions import db as _db

TEST_PASSWORD = "correct horse battery"
# Attachments, agenda documents and reports written by the run stay out of the checkout's instance/.
UPLOAD_DIR = tempfile.mkdtemp(prefix="consult-test-uploads-")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# ---------------------------------------------------------------- the app and its database

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


def reset_schema():
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


def empty_tables():
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


# ---------------------------------------------------------------- what the tests start from
# (the fixtures create_user and create_consultation of tests/conftest.py give these; they are plain functions
# so that a module-scoped fixture can use them too)

def new_user(email=None, role="member", password=TEST_PASSWORD, name="Test Person", locale="en", **fields):
    email = email or f"{role}-{time.monotonic_ns()}@example.org"
    user = accounts.create_user(email, role, name=name, locale=locale)
    if password:
        accounts.set_password(user, password)
    for key, value in fields.items():
        setattr(user, key, value)
    _db.session.commit()
    return user


def new_consultation(slug="gcm-review-2026", status="open", opens_at=None, closes_at=None, **fields):
    """A call for input, open by default (opened a week ago, closing in a week)."""
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
    return consultations.save_consultation(**values)


# ---------------------------------------------------------------- forms and signing in

def csrf_token(html):
    match = CSRF_RE.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def post_form(client, url, data, get_url=None, **kwargs):
    """GET the page to take its CSRF token, then POST the form, as a browser does."""
    page = client.get(get_url or url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data}, **kwargs)


def login(client, email, password=TEST_PASSWORD, lang="en"):
    response = post_form(client, f"/{lang}/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


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

ARABIC_APPLICATION = {
    "org_name": "جمعية الهجرة والتنمية",
    "constituency": "migrant_diaspora",
    "country": "JO",
    "countries_of_work": ["JO", "LB"],
    "website": "",
    "contact_name": "عمر الخطيب",
    "contact_email": "omar@example.org",
    "nominee_name": "ليلى حداد",
    "nominee_email": "laila@example.org",
    "nominee_phone": "+962 7 9999 0000",
    "nominee_position": "مديرة البرامج",
    "nominee_gender": "female",
    "motivation": "تعمل ليلى منذ عشر سنوات مع العمال المهاجرين.",
    "experience": "",
    "consent": "y",
}


def report_submission(consultation, **values):
    """A submission sent through the real service, with the defaults of the report tests."""
    data = {
        "org_name": "Organisation", "constituency": "civil_society", "country": "JO", "countries_of_work": ["JO"],
        "contact_name": "Contact Person", "contact_email": "contact@example.org", "contact_phone": "+962 6 000 0000",
        "language": "en", "objectives": [7], "principles": ["a"], "good_practices": "", "challenges": "",
        "recommendations": "", "confidentiality": "public",
    }
    data.update(values)
    return consultations.submit(consultation, data, page_lang=data["language"]).submission


# ---------------------------------------------------------------- mail

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
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        for words, answer in self.refuse.items():
            if words in str(message["Subject"]):
                self.refused.append(message)
                return answer
        self.messages.append(message)
        return "250 OK"

    def start(self):
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


# ---------------------------------------------------------------- PDF read back

def pdf_pages(data, tmp_path):
    """The text of each page, as pdftotext (poppler) reads it, in reading order."""
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    return text.split("\f")[:-1]


def pdf_outline(data):
    """(reader, [(title, 1-based page, depth)]) of the PDF's bookmarks, depth first."""
    reader = PdfReader(io.BytesIO(data))
    out = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((item.title, reader.get_destination_page_number(item) + 1, depth))

    walk(reader.outline, 0)
    return reader, out
