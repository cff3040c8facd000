"""The schema comes from the Alembic revisions alone, and matches the models; engine settings."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from consult.auth.models import User
from consult.core.database import compared_with_models
from consult.core.extensions import db as _db


def test_revisions_match_the_models(app, db):
    with _db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": compared_with_models})
        diff = compare_metadata(context, _db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"


def test_every_constraint_is_named(app):
    for table in _db.metadata.sorted_tables:
        for constraint in table.constraints:
            assert constraint.name, (table.name, constraint)


def test_sqlite_runs_in_wal_with_foreign_keys(app, db, is_postgres):
    if is_postgres:
        assert _db.session.scalar(text("SHOW server_encoding")) == "UTF8"
        return
    assert _db.session.scalar(text("PRAGMA journal_mode")) == "wal"
    assert _db.session.scalar(text("PRAGMA foreign_keys")) == 1


def test_utc_datetimes_come_back_aware(app, db, create_user):
    user = create_user(email="a@example.org")
    _db.session.expire_all()
    assert user.created_at.tzinfo is not None and user.created_at.utcoffset().total_seconds() == 0


def test_naive_datetime_is_refused(app, db, create_user):
    from datetime import datetime

    user = create_user(email="a@example.org")
    user.last_login_at = datetime(2026, 1, 1)
    with pytest.raises(Exception):
        _db.session.commit()
    _db.session.rollback()


def test_downgrade_and_upgrade_again(app, db):
    from flask_migrate import downgrade, upgrade

    downgrade(revision="base")
    upgrade()
    assert _db.session.scalar(select(func.count()).select_from(User)) == 0


def test_revision_0011_gives_existing_submissions_their_text_key(app, db, create_consultation, submission_form):
    """Submissions sent before the key existed are found as duplicates once the revision has run."""
    from flask_migrate import downgrade, upgrade

    from consult.consultations import services

    consultation = create_consultation()
    values = {key: value for key, value in submission_form.items() if key not in ("consent", "send")}
    values["objectives"] = [int(n) for n in values["objectives"]]
    first = services.submit(consultation, values).submission
    first_id, expected = first.id, first.text_key
    _db.session.commit()
    downgrade(revision="0010")
    upgrade()
    _db.session.expire_all()
    assert expected and _db.session.get(type(first), first_id).text_key == expected
    again = services.submit(consultation, {**values, "org_name": "Someone else"}).submission
    assert again.duplicate_of_id == first_id


def test_demo_is_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["consult", "demo"])
    assert first.exit_code == 0, first.output
    counts = {table.name: _db.session.scalar(select(func.count()).select_from(table)) for table in _db.metadata.sorted_tables}
    assert counts["users"] >= 2
    second = runner.invoke(args=["consult", "demo"])
    assert second.exit_code == 0, second.output
    _db.session.commit()
    again = {table.name: _db.session.scalar(select(func.count()).select_from(table)) for table in _db.metadata.sorted_tables}
    assert again == counts


def test_reads_before_a_submission_do_not_hold_sqlites_write_lock(app, db, is_postgres, create_consultation):
    """On SQLite a POST takes the write lock at its first query; the lookups before its writes leave it free."""
    import sqlite3

    from consult.core import database
    from consult.consultations import services

    create_consultation()
    if is_postgres:  # no database-wide lock there: the reads simply stay in the request's transaction
        with app.test_request_context("/", method="POST"), database.reading_before_writing():
            assert services.get_consultation("gcm-review-2026").slug == "gcm-review-2026"
        return
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")

    def other_writer_can_begin():
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()

    with app.test_request_context("/", method="POST"):
        db.session.remove()
        with database.reading_before_writing():
            consultation = services.get_consultation("gcm-review-2026")
        assert other_writer_can_begin()
        assert consultation.slug == "gcm-review-2026"  # still loaded, no new query
        services.get_consultation("gcm-review-2026")  # a writing request's query: the lock is taken
        assert not other_writer_can_begin()
        db.session.rollback()


def test_a_reading_request_leaves_no_reading_intent_behind(app, client):
    from consult.core.database import write_intent

    assert write_intent.get() is True
    assert client.get("/healthz").status_code == 200
    assert write_intent.get() is True, "code after a GET in the same thread would no longer lock SQLite to write"
