""""Send me my links": a submitter who lost their private link asks for it by e-mail.

Private links are kept only as hashes, so a lost link cannot be read back: each submission to a call
that is still open gets a new link (the old one stops working) and one message lists them all. The
answer to the person asking is the same whether or not anything was found, and the look-up, the new
links and the message all happen after the answer (mail.after_response), so its timing does not
tell either.
"""
import secrets

from sqlalchemy import select

from ..core.audit import services as audit
from ..core.extensions import db
from ..core.mail import services as mail
from ..core.web import external_url
from .models import Consultation, Submission
from .services import _hash_token


def submissions_to_open_calls(email, now=None):
    """The submissions (and drafts) sent from `email` to calls that accept changes now."""
    address = (email or "").strip().lower()
    if not address:
        return []
    found = db.session.scalars(
        select(Submission).join(Consultation).where(Submission.contact_email == address, Consultation.status == "open")
        .order_by(Consultation.closes_at, Submission.id)
    ).all()
    return [submission for submission in found if submission.consultation.is_accepting(now)]


def send_links(email, lang, now=None):
    """Give each of `email`'s submissions to open calls a new private link and queue one message with them.

    Returns how many links were sent (0: nothing is written, nothing queued)."""
    submissions = submissions_to_open_calls(email, now)
    if not submissions:
        return 0
    links = []
    for submission in submissions:
        token = secrets.token_urlsafe(32)
        submission.token_hash = _hash_token(token)
        audit.record(None, "submission.link_renewed", submission)
        links.append((submission, external_url("submissions.show", token=token, lang=lang)))
    mail.send_template(submissions[0].contact_email, "mail/submission_links", lang, links=links)
    db.session.commit()
    return len(links)
