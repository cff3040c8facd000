"""submissions: index for a reviewer's queue (the calls they review, newest first)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_submissions_call_order", "submissions", ["consultation_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_submissions_call_order", table_name="submissions")
