"""The group's members (profiles and terms on seats), its settings, calls for nominations."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import one_of, UTCDateTime, utcnow
from ..core.extensions import db
from ..organisations.models import Organisation
from ..core import languages
from ..core.database import LanguageCode, registered_languages

GROUP_ROLES = ("chair", "co_chair", "member", "alternate")
# "undisclosed": the person prefers not to say; "unstated": nobody answered.
GENDERS = ("female", "male", "other", "undisclosed", "unstated")
END_REASONS = ("resigned", "other")
APPLICATION_STATUSES = ("received", "shortlisted", "selected", "declined")
CALL_STATUSES = ("draft", "open", "closed")
LANGS = languages.CODES  # the registered languages, read live
REMINDER_DAYS = (60, 30, 7)


class MemberProfile(db.Model):
    """What the group needs about a member beyond the account. Gender and phone: secretariat only."""

    __tablename__ = "member_profiles"
    __table_args__ = (CheckConstraint(one_of("gender", GENDERS), name="gender"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    gender: Mapped[str] = mapped_column(String(12), default="unstated")
    phone: Mapped[str] = mapped_column(String(50), default="")
    # The member's own choice: their name is left off the public roster.
    hide_name: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User", lazy="joined", innerjoin=True)


class Term(db.Model):
    """A person on a seat of the group, for an organisation, from one date to another.

    A term counts (is current) once both declarations are recorded and the day is
    between `starts_on` and its last day: `ended_on` when it ended early, else `ends_on`.
    """

    __tablename__ = "terms"
    __table_args__ = (
        CheckConstraint(one_of("role", GROUP_ROLES), name="role"),
        CheckConstraint("end_reason IS NULL OR " + one_of("end_reason", END_REASONS), name="end_reason"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        Index("ix_terms_user_id", "user_id"),
        Index("ix_terms_dates", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    seat: Mapped[int] = mapped_column()
    role: Mapped[str] = mapped_column(String(10), default="member")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(10))
    end_note: Mapped[str] = mapped_column(String(500), default="")
    tor_accepted_on: Mapped[date | None] = mapped_column(Date)
    coi_declared_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User", lazy="joined", innerjoin=True)
    organisation = relationship(Organisation, lazy="joined", innerjoin=True)

    @property
    def last_day(self):
        return self.ended_on or self.ends_on

    @property
    def declarations_done(self):
        return self.tor_accepted_on is not None and self.coi_declared_on is not None

    def status(self, today):
        """current, upcoming, waiting (declarations missing) or past."""
        if self.last_day < today:
            return "past"
        if not self.declarations_done:
            return "waiting"
        if self.starts_on > today:
            return "upcoming"
        return "current"

    def __repr__(self):
        return f"<Term {self.id} seat {self.seat}>"


class GroupSettings(db.Model):
    """One row: the group's size and the balance warnings the secretariat chose."""

    __tablename__ = "group_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    seats: Mapped[int] = mapped_column(default=10)
    alternates: Mapped[bool] = mapped_column(Boolean, default=True)
    # Warnings; 0 turns a numeric one off.
    min_women_percent: Mapped[int] = mapped_column(default=40)
    warn_empty_subregion: Mapped[bool] = mapped_column(Boolean, default=True)
    warn_ending_days: Mapped[int] = mapped_column(default=60)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TermReminder(db.Model):
    """That the "term ends in N days" e-mails of one term went out: each goes once."""

    __tablename__ = "term_reminders"

    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), primary_key=True)
    days: Mapped[int] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NominationCall(db.Model):
    """A call for nominations to the group, open until its deadline."""

    __tablename__ = "nomination_calls"
    __table_args__ = (CheckConstraint(one_of("status", CALL_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    seats: Mapped[int] = mapped_column(default=1)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Beirut")
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def is_accepting(self, now=None):
        return self.status == "open" and (now or utcnow()) < self.closes_at

    def __repr__(self):
        return f"<NominationCall {self.id}>"


class Application(db.Model):
    """An organisation's nomination of a person, sent through the public form (no account)."""

    __tablename__ = "nomination_applications"
    __table_args__ = (
        CheckConstraint(one_of("status", APPLICATION_STATUSES), name="status"),
        CheckConstraint(one_of("nominee_gender", GENDERS), name="nominee_gender"),
        UniqueConstraint("call_id", "form_key", name="uq_nomination_applications_form_key"),
        UniqueConstraint("call_id", "nominee_email", name="uq_nomination_applications_nominee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("nomination_calls.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    form_key: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(LanguageCode, default="en")
    _languages = registered_languages("lang")
    status: Mapped[str] = mapped_column(String(12), default="received")
    # The organisation's details as the applicant gave them.
    org_name: Mapped[str] = mapped_column(String(300))
    constituency: Mapped[str] = mapped_column(String(30))
    country: Mapped[str] = mapped_column(String(10))
    countries_of_work: Mapped[list] = mapped_column(JSON, default=list)
    website: Mapped[str] = mapped_column(String(300), default="")
    migrant_led: Mapped[bool] = mapped_column(Boolean, default=False)
    # Personal data: the secretariat only; removed after the retention period (`consult purge`).
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    nominee_name: Mapped[str] = mapped_column(String(200))
    nominee_email: Mapped[str | None] = mapped_column(String(254))  # None once removed (unique per call)
    nominee_phone: Mapped[str] = mapped_column(String(50), default="")
    nominee_gender: Mapped[str] = mapped_column(String(12), default="unstated")
    nominee_position: Mapped[str] = mapped_column(String(200), default="")
    motivation: Mapped[str] = mapped_column(Text)
    experience: Mapped[str] = mapped_column(Text, default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    term_id: Mapped[int | None] = mapped_column(ForeignKey("terms.id", ondelete="SET NULL"))
    personal_data_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    call = relationship("NominationCall", lazy="joined", innerjoin=True)
    organisation = relationship(Organisation, lazy="joined", innerjoin=True)

    def __repr__(self):
        return f"<Application {self.id}>"
