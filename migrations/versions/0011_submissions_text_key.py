"""submissions: a hashed key of the submitted texts, for the duplicate check

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

A new submission is flagged as a possible duplicate when an earlier one to the same call has the
same organisation or the same texts. The texts were compared whole, row by row (about 10 ms at
10,000 submissions, on every submission); the key makes it one index lookup. Existing rows get
their key here.
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    from consult.consultations.services import text_key

    with op.batch_alter_table("submissions") as batch_op:
        batch_op.add_column(sa.Column("text_key", sa.String(64), nullable=True))
        batch_op.create_index("ix_submissions_text_key", ["consultation_id", "text_key"])
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, good_practices, challenges, recommendations FROM submissions")).all()
    keys = [{"id": row.id, "key": text_key((row.good_practices, row.challenges, row.recommendations))} for row in rows]
    if keys:
        bind.execute(sa.text("UPDATE submissions SET text_key = :key WHERE id = :id"), keys)


def downgrade():
    with op.batch_alter_table("submissions") as batch_op:
        batch_op.drop_index("ix_submissions_text_key")
        batch_op.drop_column("text_key")
