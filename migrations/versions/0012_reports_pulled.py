"""reports: the consents a build rests on, and when and why it was pulled; when a call was closed early

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

A published report must never outlive the consent it was built on: each build records the
confidentiality level of every submission it rests on, and is pulled (no longer served to anyone
but the secretariat) when one of them becomes stricter, is withdrawn or excluded, when its call
is reopened, or when a newer build is published. Builds made before this revision get the
consents of their call's included submissions as they are now (the best record there is).

A call the secretariat closes before its deadline records when (consultations.closed_at), so that
its pages state the real closing moment, not the deadline it never reached.
"""

import sqlalchemy as sa
from alembic import op


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultations") as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("reports") as batch_op:
        batch_op.add_column(sa.Column("consents", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("pulled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("pulled_reason", sa.String(12), nullable=True))
    bind = op.get_bind()
    reports = sa.table("reports", sa.column("id"), sa.column("consultation_id"), sa.column("status"),
                       sa.column("consents", sa.JSON()))
    submissions = sa.table("submissions", sa.column("id"), sa.column("consultation_id"), sa.column("status"),
                           sa.column("confidentiality"))
    for report_id, consultation_id in bind.execute(sa.select(reports.c.id, reports.c.consultation_id)
                                                   .where(reports.c.status == "ready")).all():
        rows = bind.execute(sa.select(submissions.c.id, submissions.c.confidentiality).where(
            submissions.c.consultation_id == consultation_id, submissions.c.status == "included")).all()
        bind.execute(reports.update().where(reports.c.id == report_id)
                     .values(consents={str(row.id): row.confidentiality for row in rows}))


def downgrade():
    with op.batch_alter_table("reports") as batch_op:
        batch_op.drop_column("pulled_reason")
        batch_op.drop_column("pulled_at")
        batch_op.drop_column("consents")
    # Dropped in place (SQLite 3.35+): a batch copy of the table would cascade-delete its submissions.
    with op.batch_alter_table("consultations", recreate="never") as batch_op:
        batch_op.drop_column("closed_at")
