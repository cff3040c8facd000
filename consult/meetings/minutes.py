"""Minutes, decisions and action items of meetings, and the overdue-action reminder.

No request in here: views, the `consult remind` command and tests call these
functions with plain values. Functions that change data commit.
"""
import re

from markupsafe import Markup, escape
from sqlalchemy import case, select
from sqlalchemy.orm import contains_eager

from ..auth.models import User
from ..core.database import utcnow
from ..core.extensions import db
from ..core.i18n import LANGUAGES, pick, today  # noqa: F401  (today: minutes.today() for the views)
from ..core.mail.services import send_template
from ..core.web import external_url
from .models import MINUTES_LANGUAGES, ActionItem, Decision, Meeting, Minutes

_BLANK_LINES = re.compile(r"\n[ \t]*\n+")


class InvalidAction(ValueError):
    """An action item without text, owner or due date."""


class NotAllowed(Exception):
    """The reader may not change this action item."""


# ---------------------------------------------------------------- rendering

def render_text(text):
    """Plain text as safe HTML: everything escaped, blank lines make paragraphs, single newlines <br>."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return Markup("")
    paragraphs = [part.strip("\n") for part in _BLANK_LINES.split(text) if part.strip()]
    return Markup("").join(
        Markup("<p>") + Markup("<br>\n").join(escape(line) for line in paragraph.split("\n")) + Markup("</p>\n")
        for paragraph in paragraphs)


# ---------------------------------------------------------------- minutes and decisions

def minutes_of(meeting):
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


def decisions_of(meeting):
    return db.session.scalars(select(Decision).where(Decision.meeting_id == meeting.id)
                              .order_by(Decision.position, Decision.id)).all()


def may_read_minutes(meeting, minutes, user):
    """Signed-in readers who may see the meeting; anonymous readers only public minutes of public meetings."""
    if user is not None and getattr(user, "is_authenticated", False):
        return True
    return minutes is not None and minutes.minutes_public and meeting.visibility == "public"


def save_minutes(meeting, text, language, public=False, decisions=()):
    """Store the meeting's minutes and replace its decisions (in the given order)."""
    if language not in MINUTES_LANGUAGES:
        raise ValueError("language")
    minutes = minutes_of(meeting)
    if minutes is None:
        minutes = Minutes(meeting_id=meeting.id)
        db.session.add(minutes)
    minutes.text = (text or "").replace("\r\n", "\n").strip()
    minutes.language = language
    minutes.minutes_public = bool(public)
    for old in decisions_of(meeting):
        db.session.delete(old)
    db.session.flush()
    texts = [line.strip() for line in decisions if line and line.strip()]
    for position, decision in enumerate(texts, start=1):
        db.session.add(Decision(meeting_id=meeting.id, position=position, text=decision))
    db.session.commit()
    return minutes


# ---------------------------------------------------------------- action items

def _check_action(text, owner_id, owner_name, due_on):
    if not (text or "").strip():
        raise InvalidAction("text")
    if owner_id is None and not (owner_name or "").strip():
        raise InvalidAction("owner")
    if due_on is None:
        raise InvalidAction("due_on")


def add_action(meeting, text, due_on, owner_id=None, owner_name=""):
    _check_action(text, owner_id, owner_name, due_on)
    action = ActionItem(meeting_id=meeting.id, text=text.strip(), due_on=due_on, owner_id=owner_id,
                        owner_name="" if owner_id is not None else owner_name.strip())
    db.session.add(action)
    db.session.commit()
    return action


def update_action(action, text, due_on, owner_id=None, owner_name="", status=None):
    _check_action(text, owner_id, owner_name, due_on)
    if due_on != action.due_on or owner_id != action.owner_id:
        action.reminded_at = None  # a new due date (or owner) deserves its own reminder
    action.text, action.due_on = text.strip(), due_on
    action.owner_id, action.owner_name = owner_id, ("" if owner_id is not None else owner_name.strip())
    if status is not None and status != action.status:
        _set_status(action, status)
    db.session.commit()
    return action


def _set_status(action, status):
    action.status = status
    action.done_at = utcnow() if status == "done" else None


def may_close(action, user):
    return user.is_authenticated and (user.role == "secretariat" or
                                      (action.owner_id is not None and action.owner_id == user.id))


def close_action(action, user):
    """Mark an action done: the secretariat, or its owner."""
    if not may_close(action, user):
        raise NotAllowed(action.id)
    if action.status != "done":
        _set_status(action, "done")
    db.session.commit()
    return action


def reopen_action(action):
    _set_status(action, "open")
    db.session.commit()
    return action


def get_action(meeting, action_id):
    return db.session.scalar(select(ActionItem).where(ActionItem.id == action_id,
                                                      ActionItem.meeting_id == meeting.id))


def _with_owner(query):
    return query.outerjoin(User, ActionItem.owner_id == User.id).options(contains_eager(ActionItem.owner))


def actions_of(meeting):
    """The meeting's action items with their owners (one query): open first, by due date."""
    query = _with_owner(select(ActionItem).where(ActionItem.meeting_id == meeting.id))
    return db.session.scalars(query.order_by(case((ActionItem.status == "open", 0), else_=1),
                                             ActionItem.due_on, ActionItem.id)).unique().all()


def open_actions(user):
    """Open actions of the meetings the user may see, with meetings and owners, the user's own first (one query)."""
    query = _with_owner(select(ActionItem).join(Meeting, ActionItem.meeting_id == Meeting.id)
                        .options(contains_eager(ActionItem.meeting))
                        .where(ActionItem.status == "open"))
    if user.role != "secretariat":
        query = query.where(Meeting.status != "draft")
    query = query.order_by(case((ActionItem.owner_id == user.id, 0), else_=1), ActionItem.due_on,
                           Meeting.starts_at, ActionItem.id)
    return db.session.scalars(query).unique().all()


# ---------------------------------------------------------------- reminders

def overdue_unreminded(on=None):
    """Open actions past their due date whose owner has an active account and has not been reminded."""
    query = (_with_owner(select(ActionItem))
             .join(Meeting, ActionItem.meeting_id == Meeting.id).options(contains_eager(ActionItem.meeting))
             .where(ActionItem.status == "open", ActionItem.due_on < (on or today()),
                    ActionItem.reminded_at.is_(None), ActionItem.owner_id.is_not(None), User.active.is_(True))
             .order_by(ActionItem.id))
    return db.session.scalars(query).unique().all()


def send_overdue_action_reminders(now=None):
    """E-mail each owner of an overdue open action once, in their language; returns how many were queued."""
    now = now or utcnow()
    count = 0
    for action in overdue_unreminded(today(now)):
        owner, meeting = action.owner, action.meeting
        lang = owner.locale if owner.locale in LANGUAGES else "en"
        title, _title_lang = pick(meeting.title, lang)
        send_template(owner.email, "mail/action_overdue", lang, user=owner, action=action, meeting_title=title,
                      due_on=action.due_on, link=external_url("meetings.show", meeting_id=meeting.id, lang=lang))
        action.reminded_at = now
        count += 1
        # One commit per message: the reminder is recorded with the message it queued.
        db.session.commit()
    return count
