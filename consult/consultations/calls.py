"""Calls for input: finding them, creating and changing them (the secretariat), their reference prefix.

Functions that change data commit their own transaction.
"""
from sqlalchemy import bindparam, select

from ..core.audit import services as audit
from ..core.database import utcnow
from ..core.extensions import db
from .models import Consultation


class ClosedError(Exception):
    """The call does not accept submissions (not open yet, or past its deadline)."""


class NotFound(Exception):
    """No such call, or a token that opens nothing."""


# Built once: every page of a call, and every post of its form, starts with it.
_BY_SLUG = select(Consultation).where(Consultation.slug == bindparam("slug"))


def get_consultation(slug, include_drafts=False):
    consultation = db.session.scalar(_BY_SLUG, {"slug": slug})
    if consultation is None or (consultation.status == "draft" and not include_drafts):
        raise NotFound(slug)
    return consultation


def list_consultations(include_drafts=False):
    query = select(Consultation).order_by(Consultation.closes_at.desc())
    if not include_drafts:
        query = query.where(Consultation.status != "draft")
    return db.session.scalars(query).all()


def open_consultations(now=None):
    """The calls taking submissions now, the nearest deadline first."""
    now = now or utcnow()
    query = (select(Consultation).where(Consultation.status == "open", Consultation.opens_at <= now,
                                        Consultation.closes_at > now).order_by(Consultation.closes_at))
    return [consultation for consultation in db.session.scalars(query) if consultation.is_accepting(now)]


DEFAULT_PREFIX = "RSAG"


def prefix_taken(prefix, consultation=None):
    query = select(Consultation.id).where(Consultation.reference_prefix == prefix)
    if consultation is not None and consultation.id is not None:
        query = query.where(Consultation.id != consultation.id)
    return db.session.scalar(query) is not None


def free_prefix():
    """RSAG, else RSAG2, RSAG3 ...: the first reference prefix no call uses yet."""
    candidates = [DEFAULT_PREFIX] + [f"{DEFAULT_PREFIX}{n}" for n in range(2, 1000)]
    return next(prefix for prefix in candidates if not prefix_taken(prefix))


def save_consultation(consultation=None, actor=None, **values):
    """Create or change a call. `values` are the model's own fields."""
    creating = consultation is None
    consultation = consultation or Consultation()
    if creating and not values.get("reference_prefix"):
        values["reference_prefix"] = free_prefix()
    changed = {key: str(value) for key, value in values.items() if getattr(consultation, key, None) != value}
    was_open = consultation.status == "open"
    for key, value in values.items():
        setattr(consultation, key, value)
    # Closed before its deadline: remember when, so pages state the real closing moment.
    if consultation.status == "open":
        consultation.closed_at = None
    elif was_open and consultation.status in ("closed", "reported") and consultation.closes_at > utcnow():
        consultation.closed_at = utcnow()
    db.session.add(consultation)
    db.session.flush()
    if actor is not None or not creating:
        audit.record(actor, "consultation.created" if creating else "consultation.changed", consultation,
                     fields=sorted(changed))
    db.session.commit()
    return consultation

