"""Engine settings that differ between SQLite and PostgreSQL."""
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from flask import g, request
from sqlalchemy import DateTime, String, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import validates
from sqlalchemy.types import TypeDecorator

from . import languages
from .extensions import db

log = logging.getLogger(__name__)

# A language column: any registered code fits, and the database does not list them (adding a
# language needs no migration); the model checks the value against the registry instead.
LanguageCode = String(languages.CODE_LENGTH)


def registered_languages(*columns):
    """A model's validator: `columns` hold registered languages (consult/core/languages.py), else ValueError.
    Use as a class attribute: `_languages = registered_languages("lang")`."""

    @validates(*columns)
    def _registered_language(self, key, value):
        return value if value is None else languages.check(value, f"{type(self).__name__}.{key}")

    return _registered_language


# Whether the current unit of work means to write: requests other than
# GET/HEAD/OPTIONS, and everything outside a request (CLI, jobs).
write_intent = ContextVar("write_intent", default=True)


def configure(app):
    with app.app_context():

        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)

    @app.before_request
    def note_write_intent():
        g.write_intent_token = write_intent.set(request.method not in ("GET", "HEAD", "OPTIONS"))

    @app.teardown_request
    def forget_write_intent(_error):
        # What runs after the request in the same thread (a test, a command) writes as before it.
        token = g.pop("write_intent_token", None)
        if token is not None:
            write_intent.reset(token)

    # Registered after Flask-SQLAlchemy's own teardown, so it runs first.
    @app.teardown_appcontext
    def end_session(_error):
        """Close the session; a connection the server dropped after the last statement is no error.

        The ROLLBACK that ends the transaction fails on a killed connection (a PostgreSQL restart);
        the page is already made, and the pool replaces the dead connection.
        """

        try:
            db.session.remove()
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            log.warning("database connection lost at the end of a request: %s", type(error.orig).__name__)
            db.session.remove()


# Indexes that only PostgreSQL has (pg_trgm, for the review queue's search; revision 0009): not on
# the models, so a comparison of the models with the database leaves them out.
POSTGRESQL_ONLY_INDEXES = frozenset({
    "ix_submissions_search_text_trgm", "ix_submissions_org_name_key_trgm", "ix_submissions_reference_trgm"})


def compared_with_models(obj, name, type_, reflected, compare_to):
    """Alembic's include_object: everything but the PostgreSQL-only indexes."""
    return not (type_ == "index" and reflected and compare_to is None and name in POSTGRESQL_ONLY_INDEXES)


# The largest id both databases store in an INTEGER column (a bigger one makes PostgreSQL fail the query).
MAX_ROW_ID = 2**31 - 1


def one_of(column, values):
    """The SQL of a CHECK constraint: `column` holds one of `values` (a fixed list of codes, never user input)."""
    return column + " IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def is_row_id(value):
    """Whether `value` (from a signed link or a cookie) can be a row's id: an int in the column's range."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID


def parse_row_id(text):
    """The id written in `text` (a cookie, a query string) as an int, or None when it cannot be one."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ROW_ID))):
        return None
    return int(text) if is_row_id(int(text)) else None


@contextmanager
def reading_before_writing():
    """The reads before a writing request's writes, in a transaction of their own on SQLite.

    A writing request takes SQLite's one write lock at its first query (BEGIN IMMEDIATE); the
    lookups and checks before its writes (the call, the form, the files) need not keep other
    writers waiting. What was read stays loaded; the writes begin a transaction of their own.
    """

    if not write_intent.get() or db.session.get_bind().dialect.name != "sqlite":
        yield
        return
    token = write_intent.set(False)
    try:
        yield
    finally:
        write_intent.reset(token)
    _end_transaction_keeping_what_was_read(db.session())


def _end_transaction_keeping_what_was_read(session):
    """Commit without expiring the loaded objects: what was read stays usable in the next transaction."""
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


@contextmanager
def writing():
    """A write made while serving a reading request (a GET that finds something to record): the
    reading transaction ends first, and on SQLite the write takes the lock at its start (BEGIN
    IMMEDIATE), waiting its turn, instead of upgrading a read snapshot that another writer may
    have outdated ("database is locked" at once). What was read stays loaded."""

    _end_transaction_keeping_what_was_read(db.session())
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


def _sqlite_on_connect(dbapi_connection, _record):
    # Let SQLAlchemy, not pysqlite, issue BEGIN, so that SAVEPOINTs work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_on_begin(connection):
    # A writing unit of work takes the write lock at the start (IMMEDIATE), so a
    # read-then-write transaction waits its turn instead of failing with
    # "database is locked"; pages that only read do not queue behind writers (WAL).
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on both databases (SQLite hands back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow():
    return datetime.now(timezone.utc)


def months_before(moment, months):
    """`moment` so many calendar months earlier (day capped at 28): the retention periods' cut-off."""
    year, month = divmod(moment.month - 1 - months, 12)
    day = min(moment.day, 28)
    return moment.replace(year=moment.year + year, month=month + 1, day=day)
