"""Fixtures: one app per run on a real database (SQLite file, or PostgreSQL from
TEST_DATABASE_URL), the schema built by the Alembic revisions, every table
emptied after each test, clients signed in through the real login form, and a
real SMTP server on loopback.
"""
import os

import pytest

# Assertions in the helper modules report their values as in a test (imported below, after this).
pytest.register_assert_rewrite("tests.helpers", "tests.fuzz_helpers", "tests.bad_input_helpers",
                               "tests.browser.helpers")

from consult.core.config import normalise_database_url  # noqa: E402
from consult.core.extensions import db as _db  # noqa: E402
from consult.core.extensions import limiter  # noqa: E402
from tests.helpers import (  # noqa: E402
    SUBMISSION_FORM, SMTPRecorder, empty_tables, free_port, login, make_app, new_consultation, new_user, reset_schema)

# Fixtures of the features, usable by every test (a test module imports helpers, never a conftest).
pytest_plugins = ["tests.fixtures.meetings", "tests.fixtures.membership", "tests.fixtures.reports",
                  "tests.fixtures.forms"]

STRICT = os.environ.get("CONSULT_TEST_STRICT") == "1"


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


@pytest.fixture(scope="session")
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        reset_schema()
        from flask_migrate import upgrade

        upgrade()
    return app


@pytest.fixture(autouse=True)
def db(app):
    """The database, emptied after the test; an app context is open during the test."""
    limiter.reset()
    with app.app_context():
        yield _db
        _db.session.remove()
        empty_tables()


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


@pytest.fixture
def create_user(db):
    return new_user


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
    return new_consultation


@pytest.fixture
def submission_form():
    return dict(SUBMISSION_FORM)
