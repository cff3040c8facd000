"""kept_files: attachments of a submission form sent back with an error, kept for the form's next post

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kept_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("form_key", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"], name=op.f("fk_kept_files_consultation_id_consultations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_files")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_kept_files_stored_name")),
    )
    op.create_index("ix_kept_files_form", "kept_files", ["consultation_id", "form_key"])
    op.create_index("ix_kept_files_created_at", "kept_files", ["created_at"])


def downgrade():
    op.drop_index("ix_kept_files_created_at", table_name="kept_files")
    op.drop_index("ix_kept_files_form", table_name="kept_files")
    op.drop_table("kept_files")
