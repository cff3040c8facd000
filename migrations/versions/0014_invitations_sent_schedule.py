"""invitations: what each invitee was last sent; genders: "not stated" beside "prefers not to say"

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

Changes to a meeting are no longer mailed at each save: the secretariat sends them at once, and each
update says what changed since the invitee's last mail. Invitees of meetings that are not drafts were
mailed at each change until now: they are taken as having the meeting as it is.

A gender nobody gave is "unstated", no longer the first choice of the list nor "undisclosed" (which is
the person's answer "prefers not to say"). Existing rows keep their value: which were answers is unknown.
"""
from datetime import timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _iso(value):
    if isinstance(value, str):
        from datetime import datetime
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat()


def upgrade():
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.add_column(sa.Column("sent_schedule", sa.JSON(none_as_null=True), nullable=True))
    bind = op.get_bind()
    meetings = bind.execute(sa.text(
        "SELECT id, sequence, starts_at, ends_at, timezone, kind, venue, address, join_url, status FROM meetings "
        "WHERE status <> 'draft'")).all()
    for row in meetings:
        view = {"sequence": row.sequence or 0, "starts_at": _iso(row.starts_at), "ends_at": _iso(row.ends_at),
                "timezone": row.timezone, "kind": row.kind, "venue": row.venue or "", "address": row.address or "",
                "join_url": row.join_url or None, "status": row.status}
        update = sa.text("UPDATE invitations SET sent_schedule = :view WHERE meeting_id = :id").bindparams(
            sa.bindparam("view", type_=sa.JSON))
        bind.execute(update, {"view": view, "id": row.id})
    upgrade_genders()


def downgrade():
    downgrade_genders()
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.drop_column("sent_schedule")


# ---------------------------------------------------------------- genders: "not stated" beside "prefers not to say"

OLD_GENDERS = "('female', 'male', 'other', 'undisclosed')"
NEW_GENDERS = "('female', 'male', 'other', 'undisclosed', 'unstated')"
GENDER_COLUMNS = (("member_profiles", "gender"), ("nomination_applications", "nominee_gender"))


def _genders(values):
    for table, column in GENDER_COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_{column}"), f"{column} IN {values}")


def upgrade_genders():
    _genders(NEW_GENDERS)


def downgrade_genders():
    for table, column in GENDER_COLUMNS:
        op.execute(f"UPDATE {table} SET {column} = 'undisclosed' WHERE {column} = 'unstated'")
    _genders(OLD_GENDERS)
