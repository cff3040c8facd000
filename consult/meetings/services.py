"""Meetings: the logic, with no request in it.

Views, CLI commands and tests call these functions with plain values.
Functions that change data commit their own transaction.
"""
import hashlib
import secrets
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..auth.models import User
from ..core.database import utcnow
from ..core.extensions import db
from . import notices
from .models import MEETING_KINDS, MEETING_STATUSES, VISIBILITIES, AgendaItem, CalendarFeedToken, Invitation, Meeting
from .schedule import calendar_view, differs, notice_kind

MEETING_FIELDS = ("title", "description", "kind", "venue", "address", "join_url", "starts_at", "ends_at",
                  "timezone", "languages", "interpretation", "visibility", "status")
AGENDA_FIELDS = ("starts_at", "duration_minutes", "title", "description", "presenter", "objectives")
# What feeds and downloads show: never drafts.
LISTED_STATUSES = ("scheduled", "postponed", "cancelled", "held")


class NotFound(Exception):
    """No such meeting for this reader, or a feed token that opens nothing."""


class InvalidMeeting(ValueError):
    """Values that cannot make a meeting (the end before the start, an unknown zone ...)."""


def _check(values):
    if values.get("kind", "in_person") not in MEETING_KINDS:
        raise InvalidMeeting("kind")
    if values.get("status", "draft") not in MEETING_STATUSES:
        raise InvalidMeeting("status")
    if values.get("visibility", "members") not in VISIBILITIES:
        raise InvalidMeeting("visibility")
    try:
        ZoneInfo(values.get("timezone") or "")
    except (ValueError, KeyError, Exception):
        raise InvalidMeeting("timezone") from None
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if starts_at is None or ends_at is None or starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidMeeting("times")
    if ends_at <= starts_at:
        raise InvalidMeeting("ends_at")
    if not any((values.get("title") or {}).values()):
        raise InvalidMeeting("title")


def _agenda_items(agenda):
    items = []
    for position, values in enumerate(agenda or (), start=1):
        unknown = set(values) - set(AGENDA_FIELDS)
        if unknown:
            raise InvalidMeeting(f"agenda: {sorted(unknown)}")
        items.append(AgendaItem(position=position, **values))
    return items


def _agenda_key(items):
    return [(i.starts_at, i.duration_minutes, i.title, i.description, i.presenter, list(i.objectives or []))
            for i in items]


def create_meeting(agenda=(), **values):
    """A new meeting with a stable UID and SEQUENCE 0; `agenda` is a list of dicts of AGENDA_FIELDS."""
    values = {key: value for key, value in values.items() if key in MEETING_FIELDS}
    values.setdefault("timezone", "Asia/Beirut")
    _check(values)
    meeting = Meeting(**values)
    meeting.agenda = _agenda_items(agenda)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def update_meeting(meeting, agenda=None, **values):
    """Change a meeting. Nothing is mailed: see pending_notices() and send_pending().

    A change that calendars must see (time, zone, place, link, status as iCalendar says it) raises
    SEQUENCE, once for all the changes made before the next mail: invitees get SEQUENCE + 1 of what
    they had. The agenda is the event's description: it goes out with the next update and raises nothing.
    Returns True when calendars must see the change.
    """
    values = {key: value for key, value in values.items() if key in MEETING_FIELDS}
    merged = {field: getattr(meeting, field) for field in MEETING_FIELDS}
    merged.update(values)
    _check(merged)
    before = calendar_view(meeting)
    for field, value in values.items():
        setattr(meeting, field, value)
    changed = differs(before, calendar_view(meeting))
    if agenda is not None:
        new_items = _agenda_items(agenda)
        if _agenda_key(new_items) != _agenda_key(meeting.agenda):
            meeting.agenda = new_items
    if changed:
        _raise_sequence(meeting)
    db.session.commit()
    return changed


def _raise_sequence(meeting):
    """SEQUENCE + 1, unless the current one was never mailed yet (edits made together go out as one)."""
    mailed = [sent["sequence"] for sent in db.session.scalars(
        select(Invitation.sent_schedule).where(Invitation.meeting_id == meeting.id,
                                               Invitation.sent_schedule.is_not(None))) if sent]
    if not mailed or max(mailed) >= (meeting.sequence or 0):
        meeting.sequence = (meeting.sequence or 0) + 1


def cancel_meeting(meeting):
    """Cancel; the cancellation is mailed by send_pending()."""
    if meeting.status != "cancelled":
        meeting.status = "cancelled"
        _raise_sequence(meeting)
    db.session.commit()
    return meeting


def invited_meeting_ids(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(db.session.scalars(select(Invitation.meeting_id).where(Invitation.user_id == user.id)))


def _visibility_filter(query, user):
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if signed_in and user.role == "secretariat":
        return query
    query = query.where(Meeting.status != "draft")
    if not signed_in:
        query = query.where(Meeting.visibility == "public")
    return query


def visible_meetings(user=None):
    """Public meetings for everyone, members' meetings for signed-in readers, drafts for the secretariat."""
    query = _visibility_filter(select(Meeting), user).order_by(Meeting.starts_at.desc(), Meeting.id)
    return db.session.scalars(query).all()


def get_meeting(meeting_id, user=None):
    meeting = db.session.scalar(_visibility_filter(select(Meeting).where(Meeting.id == meeting_id), user))
    if meeting is None:
        raise NotFound(meeting_id)
    return meeting


def get_meeting_any(meeting_id):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(meeting_id)
    return meeting


def public_feed_meetings():
    query = (select(Meeting).where(Meeting.visibility == "public", Meeting.status.in_(LISTED_STATUSES))
             .order_by(Meeting.starts_at))
    return db.session.scalars(query).all()


def invitation_for(meeting, user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id,
                                                      Invitation.user_id == user.id))


# ---------------------------------------------------------------- invitations

def invite_members(meeting, users=None):
    """Invite the given users (all active accounts when None); returns the new invitations."""
    if users is None:
        users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all()
    already = invited_meeting_user_ids(meeting)
    created = []
    for user in users:
        if user.id in already:
            continue
        invitation = Invitation(meeting_id=meeting.id, user_id=user.id, name=user.name)
        db.session.add(invitation)
        created.append(invitation)
        already.add(user.id)
    db.session.commit()
    return created


def invitations_by_meeting(user):
    """The user's invitations, keyed by meeting id (one query, for feeds).

    As rows with what ics.build_event reads of an invitation (.address, .name, .response), like
    feed_meetings' FeedMeetings: no ORM object for each of a feed's meetings.
    """
    query = (select(Invitation.meeting_id, Invitation.name, Invitation.response, User.email.label("address"))
             .join(User, User.id == Invitation.user_id).where(Invitation.user_id == user.id))
    return {item.meeting_id: item for item in db.session.execute(query)}


def invited_meeting_user_ids(meeting):
    return set(db.session.scalars(select(Invitation.user_id).where(Invitation.meeting_id == meeting.id,
                                                                   Invitation.user_id.is_not(None))))


def invite_observer(meeting, email, name=""):
    email = email.strip().lower()
    invitation = db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id,
                                                            Invitation.email == email))
    if invitation is None:
        invitation = Invitation(meeting_id=meeting.id, email=email, name=name)
        db.session.add(invitation)
        db.session.commit()
    return invitation


def invitations_of(meeting):
    return db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id)
                              .order_by(Invitation.id)).all()


def _mail(meeting, invitation, kind):
    """Queue one notice and remember what this invitee now has."""
    notices.send_notice(meeting, invitation, kind, sent=invitation.sent_schedule)
    invitation.sent_schedule = calendar_view(meeting)


def send_invites(meeting, method="REQUEST"):
    """E-mail the invite (REQUEST) or the cancellation (CANCEL) to every invitee; returns how many."""
    count = 0
    for invitation in invitations_of(meeting):
        if method == "CANCEL":
            kind = "cancellation"
        else:
            kind = "invitation" if invitation.sent_schedule is None else "update"
        _mail(meeting, invitation, kind)
        count += 1
    db.session.commit()
    return count


def pending_notices(meeting, invitations=None):
    """[(invitation, "invitation" | "update" | "cancellation")]: who must be sent what for their calendar
    to show the meeting as it is. Empty for a draft, and for invitees who have it already."""
    if meeting.status == "draft":
        return []
    pending = []
    for invitation in invitations if invitations is not None else invitations_of(meeting):
        kind = notice_kind(meeting, invitation.sent_schedule)
        if kind is not None:
            pending.append((invitation, kind))
    return pending


def send_pending(meeting):
    """Send each invitee what pending_notices() says, once for all the changes made since; returns how many."""
    pending = pending_notices(meeting)
    for invitation, kind in pending:
        _mail(meeting, invitation, kind)
    db.session.commit()
    return len(pending)


def invite_and_notify(meeting, users=None, emails=()):
    """Invite accounts (every active one when `users` is None) and observers by address.

    Nobody is invited twice; an address that belongs to an active account invites that account.
    Only the new invitees get the invite by e-mail, and only when the meeting is neither a draft
    nor cancelled (a draft's invitees get it once it is scheduled). Returns (new invitations, e-mailed?).
    """
    users = None if users is None else list(users)
    observers = []
    for email in dict.fromkeys(email.strip().lower() for email in emails if email.strip()):
        account = db.session.scalar(select(User).where(func.lower(User.email) == email, User.active.is_(True)))
        if account is not None:
            if users is not None and account not in users:
                users.append(account)
        else:
            observers.append(email)
    created = invite_members(meeting, users)
    known = set(db.session.scalars(select(Invitation.email).where(Invitation.meeting_id == meeting.id,
                                                                  Invitation.email.is_not(None))))
    for email in observers:
        if email not in known:
            created.append(invite_observer(meeting, email))
            known.add(email)
    send = meeting.status not in ("draft", "cancelled")
    if send:
        for invitation in created:
            _mail(meeting, invitation, "invitation")
        db.session.commit()
    return created, send


# ---------------------------------------------------------------- calendar feed tokens

def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token_exists(user):
    return db.session.scalar(select(CalendarFeedToken.id).where(CalendarFeedToken.user_id == user.id)) is not None


def new_feed_token(user):
    """A fresh token for the user's private feed (replacing any older one); returns it in clear, once."""
    token = secrets.token_urlsafe(32)
    existing = db.session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.user_id == user.id))
    if existing is None:
        db.session.add(CalendarFeedToken(user_id=user.id, token_hash=_hash(token)))
    else:
        existing.token_hash = _hash(token)
        existing.created_at = utcnow()
    db.session.commit()
    return token


def revoke_feed_token(user):
    existing = db.session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.user_id == user.id))
    if existing is not None:
        db.session.delete(existing)
    db.session.commit()


def user_by_feed_token(token):
    if not token or len(token) > 200:
        raise NotFound("token")
    user = db.session.scalar(select(User).join(CalendarFeedToken, CalendarFeedToken.user_id == User.id)
                             .where(CalendarFeedToken.token_hash == _hash(token)))
    if user is None or not user.active:
        raise NotFound("token")
    return user


class FeedMeeting(NamedTuple):
    """A meeting as a feed shows it: the columns ics.build_event reads, and the agenda's (position, title).

    Plain rows rather than ORM objects: a member's feed loads every meeting they are invited to,
    and making 500 Meetings and their 1,500 agenda items was most of a (cached) feed's time.
    """

    id: int
    uid: str
    sequence: int
    title: dict
    description: dict
    kind: str
    venue: str
    address: str
    join_url: str | None
    starts_at: datetime
    ends_at: datetime
    timezone: str
    status: str
    agenda: list  # rows with .position and .title, in order


def feed_meetings(user):
    """The meetings a member is invited to and may see (no drafts unless secretariat), as FeedMeetings.

    Two queries for any number of meetings (a selectinload of the agenda takes one per 500).
    """
    columns = [getattr(Meeting, field) for field in FeedMeeting._fields if field != "agenda"]
    invited = select(Invitation.meeting_id).where(Invitation.user_id == user.id)
    if user.role != "secretariat":
        invited = invited.join(Meeting, Meeting.id == Invitation.meeting_id).where(Meeting.status != "draft")
    rows = db.session.execute(select(*columns).where(Meeting.id.in_(invited))
                              .order_by(Meeting.starts_at, Meeting.id)).all()
    agendas = {}
    for item in db.session.execute(select(AgendaItem.meeting_id, AgendaItem.position, AgendaItem.title)
                                   .where(AgendaItem.meeting_id.in_(invited))
                                   .order_by(AgendaItem.meeting_id, AgendaItem.position, AgendaItem.id)):
        agendas.setdefault(item.meeting_id, []).append(item)
    return [FeedMeeting(*row, agenda=agendas.get(row.id, [])) for row in rows]
