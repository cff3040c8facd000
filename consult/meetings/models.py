"""Meetings, their agenda items, invitations, and members' calendar feed tokens."""
from datetime import date, datetime
from uuid import uuid4

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import LanguageCode, one_of, registered_languages, UTCDateTime, utcnow
from ..core.storage import StoredFileMixin
from ..core.extensions import db
from ..core import languages

MEETING_KINDS = ("in_person", "virtual", "hybrid")
MEETING_STATUSES = ("draft", "scheduled", "postponed", "cancelled", "held")
VISIBILITIES = ("public", "members")
RESPONSES = ("pending", "accepted", "declined", "tentative")


def new_uid():
    return f"meeting-{uuid4()}@consult"


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(one_of("kind", MEETING_KINDS), name="kind"),
        CheckConstraint(one_of("status", MEETING_STATUSES), name="status"),
        CheckConstraint(one_of("visibility", VISIBILITIES), name="visibility"),
        Index("ix_meetings_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The iCalendar UID: set once at creation, never changed, so updates replace the same event.
    uid: Mapped[str] = mapped_column(String(120), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    kind: Mapped[str] = mapped_column(String(10), default="in_person")
    venue: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    # Shown only to invitees: never on public pages, feeds or the API.
    join_url: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Beirut")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    interpretation: Mapped[bool] = mapped_column(Boolean, default=False)
    visibility: Mapped[str] = mapped_column(String(10), default="members")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    agenda = relationship("AgendaItem", back_populates="meeting", lazy="selectin",
                          cascade="all, delete-orphan", order_by="AgendaItem.position")
    invitations = relationship("Invitation", back_populates="meeting", lazy="raise_on_sql",
                               cascade="all, delete-orphan", order_by="Invitation.id")

    def __repr__(self):
        return f"<Meeting {self.id}>"


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int | None] = mapped_column()
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    presenter: Mapped[str] = mapped_column(String(200), default="")
    objectives: Mapped[list] = mapped_column(JSON, default=list)

    meeting = relationship("Meeting", back_populates="agenda")
    documents = relationship("AgendaDocument", back_populates="item", lazy="selectin",
                             cascade="all, delete-orphan", passive_deletes=True, order_by="AgendaDocument.id")


class AgendaDocument(StoredFileMixin, db.Model):
    """A PDF, DOCX or ODT file attached to an agenda item, stored under a random name (consultations.uploads)."""

    __tablename__ = "agenda_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)

    item = relationship("AgendaItem", back_populates="documents")


class Invitation(db.Model):
    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(one_of("response", RESPONSES), name="response"),
        CheckConstraint("user_id IS NOT NULL OR email IS NOT NULL", name="invitee"),
        UniqueConstraint("meeting_id", "user_id", name="uq_invitations_meeting_user"),
        UniqueConstraint("meeting_id", "email", name="uq_invitations_meeting_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Observers have no account: an e-mail address and a name.
    email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    response: Mapped[str] = mapped_column(String(10), default="pending")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended: Mapped[bool | None] = mapped_column(Boolean)
    # When the "please answer" reminder went out (`consult remind`): it goes out once.
    rsvp_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What this invitee was last sent by e-mail (schedule.calendar_view); None: nothing yet.
    sent_schedule: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting = relationship("Meeting", back_populates="invitations")
    user = relationship("User", lazy="joined")

    @property
    def address(self):
        return self.user.email if self.user is not None else self.email


class CalendarFeedToken(db.Model):
    """A member's private feed: only the token's SHA-256 is stored; revoking deletes the row."""

    __tablename__ = "calendar_feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# ---------------------------------------------------------------- minutes, decisions, action items

MINUTES_LANGUAGES = languages.CODES  # the registered languages, read live
ACTION_STATUSES = ("open", "done")


class Minutes(db.Model):
    """One text per meeting, plain text with paragraphs; members-only unless marked public."""

    __tablename__ = "meeting_minutes"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(LanguageCode, default="en")
    _languages = registered_languages("language")
    # Anonymous readers see the minutes only when the meeting is public and this is set.
    minutes_public: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Decision(db.Model):
    __tablename__ = "meeting_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(1000), default="")


class ActionItem(db.Model):
    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint(one_of("status", ACTION_STATUSES), name="status"),
        Index("ix_action_items_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(1000), default="")
    # A member with an account, or only a name (someone outside the group).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the overdue reminder went out: it goes out once (reset when the due date moves).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting = relationship("Meeting", lazy="raise_on_sql")
    owner = relationship("User", lazy="raise_on_sql")

    @property
    def owner_label(self):
        if self.owner_id is not None and self.owner is not None:
            return self.owner.name or self.owner.email
        return self.owner_name
