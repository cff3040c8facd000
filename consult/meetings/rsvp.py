"""Answers to invitations (accept / decline / tentative), observers' signed links, and attendance.

No request in here: views and tests call these with plain values. Functions that change data commit.
"""
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..auth.models import User
from ..core.database import is_row_id, utcnow
from ..core.extensions import db
from ..core.i18n import LANGUAGES, pick
from ..core.mail.services import send_template
from ..core.web import external_url
from .models import RESPONSES, Invitation, Meeting

# What an invitee may answer ("pending" is only the starting state).
ANSWERS = tuple(response for response in RESPONSES if response != "pending")


class LinkError(Exception):
    """An RSVP link that is forged or points at nothing ("invalid"), or whose meeting is over ("expired")."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class RsvpClosed(Exception):
    """The meeting is over: answers are no longer taken."""


class RsvpCancelled(Exception):
    """The meeting was cancelled: answers are not taken, nothing is saved."""


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
    if not is_row_id(invitation_id):
        raise LinkError("invalid")
    invitation = db.session.get(Invitation, invitation_id)
    # Links are for observers; members answer from the meeting page once signed in.
    if invitation is None or invitation.user_id is not None or invitation.meeting.status == "draft":
        raise LinkError("invalid")
    if invitation.meeting.status == "cancelled":
        raise LinkError("cancelled")
    if is_over(invitation.meeting):
        raise LinkError("expired")
    return invitation


# ---------------------------------------------------------------- answers

def respond(invitation, answer, now=None):
    """Record the invitee's answer and when it was given."""
    if answer not in ANSWERS:
        raise InvalidAnswer(answer)
    now = now or utcnow()
    if invitation.meeting.status == "cancelled":
        raise RsvpCancelled(invitation.meeting.id)
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


# ---------------------------------------------------------------- reminders

RSVP_REMINDER_DAYS = 7


def send_rsvp_reminders(now=None):
    """Invitees who have not answered a scheduled meeting starting within a week get one reminder."""
    now = now or utcnow()
    query = (select(Invitation).join(Meeting, Invitation.meeting_id == Meeting.id)
             .options(contains_eager(Invitation.meeting))
             .outerjoin(User, Invitation.user_id == User.id)
             .where(Invitation.response == "pending", Invitation.rsvp_reminded_at.is_(None),
                    Meeting.status == "scheduled", Meeting.starts_at > now,
                    Meeting.starts_at <= now + timedelta(days=RSVP_REMINDER_DAYS),
                    (Invitation.user_id.is_(None)) | (User.active.is_(True)))
             .order_by(Invitation.id))
    count = 0
    for invitation in db.session.scalars(query).unique().all():
        meeting, user = invitation.meeting, invitation.user
        if user is not None:
            lang = user.locale if user.locale in LANGUAGES else "en"
            link = external_url("meetings.show", meeting_id=meeting.id, lang=lang)
        else:
            lang = next((code for code in (meeting.languages or []) if code in LANGUAGES), "en")
            link = external_url("meetings.rsvp_link", token=rsvp_token(invitation), lang=lang)
        title, _title_lang = pick(meeting.title, lang)
        starts_on = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)).date()
        send_template(invitation.address, "mail/rsvp_reminder", lang, name=(user.name if user else invitation.name),
                      starts_on=starts_on, meeting_title=title, link=link)
        invitation.rsvp_reminded_at = now
        count += 1
        # One commit per message: the reminder is recorded with the message it queued.
        db.session.commit()
    return count
