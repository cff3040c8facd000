"""The audit log: record() in the same transaction as the change it describes."""
from sqlalchemy import select

from ..extensions import db
from .models import AuditEntry


def record(actor, action, obj, **details):
    """Log `action` on `obj` by `actor` (a User or None for the system or a submitter)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=obj.__tablename__,
        object_id=obj.id,
        details=details,
    )
    db.session.add(entry)
    return entry


def entries_for(obj):
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == obj.__tablename__, AuditEntry.object_id == obj.id)
        .order_by(AuditEntry.id.desc())
    ).all()


def recent(limit=200, before_id=None):
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return db.session.scalars(query).all()
