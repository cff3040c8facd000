"""Retention: personal data is not kept longer than the secretariat needs it."""
from sqlalchemy import select

from ..core.audit import services as audit
from ..core.database import months_before, utcnow
from ..core.extensions import db
from .models import Consultation, Submission


def purge_contacts(months, now=None):
    """Remove contact details of submissions to calls closed more than `months` ago; return how many."""
    now = now or utcnow()
    cutoff = months_before(now, months)
    submissions = db.session.scalars(
        select(Submission).join(Consultation).where(
            Consultation.closes_at < cutoff,
            Submission.contact_purged_at.is_(None),
        )
    ).all()
    for submission in submissions:
        submission.contact_name = submission.contact_email = submission.contact_phone = None
        submission.contact_purged_at = now
        audit.record(None, "submission.contact_purged", submission)
    db.session.commit()
    return len(submissions)
