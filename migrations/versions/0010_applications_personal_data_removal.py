"""nomination applications: personal data removed after the retention period

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

`consult purge` blanks who applied and whom they nominated once the call's deadline is more than
CONSULT_RETENTION_MONTHS ago. The e-mail addresses become NULL (the nominee's is unique per call)
and the time of the removal is kept.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("nomination_applications") as batch_op:
        batch_op.add_column(sa.Column("personal_data_removed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("contact_email", existing_type=sa.String(254), nullable=True)
        batch_op.alter_column("nominee_email", existing_type=sa.String(254), nullable=True)


def downgrade():
    # Removed addresses cannot come back: an address that says so stands in for them.
    op.execute("UPDATE nomination_applications SET contact_email = 'removed@invalid' WHERE contact_email IS NULL")
    op.execute("UPDATE nomination_applications SET nominee_email = 'removed-' || id || '@invalid' "
               "WHERE nominee_email IS NULL")
    with op.batch_alter_table("nomination_applications") as batch_op:
        batch_op.alter_column("nominee_email", existing_type=sa.String(254), nullable=False)
        batch_op.alter_column("contact_email", existing_type=sa.String(254), nullable=False)
        batch_op.drop_column("personal_data_removed_at")
