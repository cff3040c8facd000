"""outbox: a message is claimed ("sending") before the SMTP server is spoken to, "given_up" after its tries

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

Each message is claimed, sent and marked on its own. "sending" is written (and committed) before
the message goes to the SMTP server, "sent" after: a message the server accepted is never sent
again, and one whose process died in between stays "sending" for a person to look at. "failed":
the message cannot be built, or the server refused it for good; "given_up": transient errors
until the retry limit.
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD = "status IN ('queued', 'sent', 'kept', 'failed')"
NEW = "status IN ('queued', 'sending', 'sent', 'kept', 'failed', 'given_up')"


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_messages_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_messages_status"), NEW)
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.execute("UPDATE outbox_messages SET status = 'failed' WHERE status IN ('sending', 'given_up')")
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_column("claimed_at")
        batch_op.drop_constraint(op.f("ck_outbox_messages_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_messages_status"), OLD)
