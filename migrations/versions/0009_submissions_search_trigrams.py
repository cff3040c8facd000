"""submissions: trigram indexes for the review queue's search (PostgreSQL only)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

The queue's search matches each term as `column LIKE '%term%'` against the search text, the
organisation's name key and the reference (see services.queue_query). A B-tree cannot serve a
pattern that starts with %, so every search read every submission's text (about half a second with
10,000 submissions). pg_trgm's GIN indexes serve such patterns (for terms of 3 letters or more);
all three columns need one, as the terms are OR-ed over them and one column without an index makes
PostgreSQL read the whole table.

These indexes are not declared on the models: SQLite has no such index, and one declaration cannot
give both databases the same schema. tests/test_database.py leaves them out of its comparison
(`consult.core.database.POSTGRESQL_ONLY_INDEXES`, which must list the same names).

If pg_trgm cannot be installed (not available on the server, or the database user may not create
it), the revision still succeeds, without the indexes, and says why in the log: the search works
the same, only slower. Running `CREATE EXTENSION pg_trgm` as a privileged user, then this revision
again (downgrade 0008, upgrade), adds them.
"""
import logging

from alembic import context, op
from sqlalchemy.exc import DBAPIError


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = "0008"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

# (index name, column) on the submissions table.
INDEXES = (
    ("ix_submissions_search_text_trgm", "search_text"),
    ("ix_submissions_org_name_key_trgm", "org_name_key"),
    ("ix_submissions_reference_trgm", "reference"),
)


def upgrade():
    if op.get_context().dialect.name != "postgresql":
        return  # SQLite reads every row for LIKE '%term%' anyway; it has no such index to offer.
    if context.is_offline_mode():  # a script for a person to run: no checks, no fallback
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in INDEXES:
            op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON submissions USING gin ({column} gin_trgm_ops)")
        return
    bind = op.get_bind()
    schema = _trigram_schema(bind)
    if schema is None:
        return
    opclass = f"{bind.dialect.identifier_preparer.quote(schema)}.gin_trgm_ops"
    for name, column in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON submissions USING gin ({column} {opclass})")


def downgrade():
    if op.get_context().dialect.name != "postgresql":
        return
    for name, _column in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    # pg_trgm itself stays: something else may use it, and dropping it may need rights we lack.


def _trigram_schema(bind):
    """The schema of pg_trgm once installed (installing it if need be), or None, logged, if it cannot be."""
    schema = _installed_in(bind)
    if schema:
        return schema
    if not bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").scalar():
        logger.warning("pg_trgm is not available on this PostgreSQL server: the review queue's search "
                       "indexes are not created (searches still work, reading every submission).")
        return None
    # In a savepoint: a failed CREATE EXTENSION must not abort the migration's transaction.
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as error:  # most likely insufficient_privilege: the user may not create extensions
        savepoint.rollback()
        logger.warning("Could not create the pg_trgm extension (%s): the review queue's search indexes are "
                       "not created (searches still work, reading every submission). Run `CREATE EXTENSION "
                       "pg_trgm` as a privileged user, then downgrade to 0008 and upgrade again to add them.",
                       str(error.orig or error).strip().splitlines()[0])
        return None
    savepoint.commit()
    return _installed_in(bind)


def _installed_in(bind):
    return bind.exec_driver_sql("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                                "WHERE e.extname = 'pg_trgm'").scalar()
