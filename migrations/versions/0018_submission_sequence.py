"""submission reference numbers from a PostgreSQL sequence per call

Revision ID: 0018_submission_sequence
Revises: 0016
Create Date: 2026-12-03

On PostgreSQL each call numbers its submissions with its own sequence (submission_numbers_<call id>),
which locks nothing: concurrent posts no longer wait on the call's counter row until the other's
commit. A number taken by a transaction that is rolled back is not given again (references may have
gaps on PostgreSQL). Each sequence starts after the highest number the call has given. SQLite keeps
the counter column (one writer at a time there anyway); nothing changes on SQLite.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_submission_sequence"
down_revision = "0016"
branch_labels = None
depends_on = None


def _calls(bind):
    return bind.execute(sa.text(
        "SELECT c.id, GREATEST(c.last_number, COALESCE(MAX(s.number), 0)) FROM consultations c "
        "LEFT JOIN submissions s ON s.consultation_id = c.id GROUP BY c.id, c.last_number")).all()


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for call_id, last in _calls(bind):
        name = f"submission_numbers_{int(call_id)}"
        op.execute(f"DROP SEQUENCE IF EXISTS {name}")
        op.execute(f"CREATE SEQUENCE {name} START {int(last) + 1}")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for call_id, last in _calls(bind):
        op.execute(sa.text("UPDATE consultations SET last_number = :last WHERE id = :id").bindparams(last=last, id=call_id))
    # Every call's sequence, and any left by a removed call.
    names = bind.execute(sa.text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'S' AND n.nspname = current_schema() AND c.relname ~ '^submission_numbers_[0-9]+$'")).scalars().all()
    for name in names:
        op.execute(f"DROP SEQUENCE IF EXISTS {name}")
