"""Answers to invitations (accept / decline / tentative), observers' signed links, and attendance.

No request in here: views and tests call these with plain values. Functions that change data commit.
"""
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from .models import RESPONSES, Invitation

# What an invitee may answer ("pending" is only the starting state).
ANSWERS = tuple(response for response in RESPONSES if response != "pending")


class LinkError(Exception):
    """An RSVP link that is forged or points at nothing ("invalid"), or whose meeting is over ("expired")."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class RsvpClosed(Exception):
    """The meeting is over: answers are no longer taken."""


class TooEarly(Exception):
    """Attendance can only be recorded once the meeting has started."""


class InvalidAnswer(ValueError):
    """Not one of ANSWERS."""


def is_over(meeting, now=None):
    return meeting.ends_at <= (now or utcnow())


def has_started(meeting, now=None):
    return meeting.starts_at <= (now or utcnow())


# ---------------------------------------------------------------- signed links

def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="consult.meeting-rsvp")


def rsvp_token(invitation):
    """A signed token naming the invitation; it works until the meeting ends (checked when it is used)."""
    return _serializer().dumps({"i": invitation.id})


def invitation_from_token(token):
    """The observer's invitation, or LinkError("invalid") / LinkError("expired") once the meeting is over.

    The expiry is the meeting's own end, read at use time, so a meeting moved later keeps links alive.
    """
    if not token or len(token) > 500:
        raise LinkError("invalid")
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise LinkError("invalid") from None
    invitation_id = data.get("i") if isinstance(data, dict) else None
    if not isinstance(invitation_id, int) or isinstance(invitation_id, bool):
        raise LinkError("invalid")
    invitation = db.session.get(Invitation, invitation_id)
    # Links are for observers; members answer from the meeting page once signed in.
    if invitation is None or invitation.user_id is not None or invitation.meeting.status == "draft":
        raise LinkError("invalid")
    if is_over(invitation.meeting):
        raise LinkError("expired")
    return invitation


# ---------------------------------------------------------------- answers

def respond(invitation, answer, now=None):
    """Record the invitee's answer and when it was given."""
    if answer not in ANSWERS:
        raise InvalidAnswer(answer)
    now = now or utcnow()
    if is_over(invitation.meeting, now):
        raise RsvpClosed(invitation.meeting.id)
    invitation.response = answer
    invitation.responded_at = now
    db.session.commit()
    return invitation


def invitations_with_users(meeting):
    """Every invitation of the meeting with its user, in one query (Invitation.user is joined-loaded)."""
    query = (select(Invitation).where(Invitation.meeting_id == meeting.id).order_by(Invitation.id))
    return db.session.scalars(query).unique().all()


def record_attendance(meeting, attended_ids, now=None):
    """Mark the given invitation ids as present and every other invitation as absent."""
    if not has_started(meeting, now):
        raise TooEarly(meeting.id)
    attended_ids = set(attended_ids)
    invitations = invitations_with_users(meeting)
    for invitation in invitations:
        invitation.attended = invitation.id in attended_ids
    db.session.commit()
    return invitations
