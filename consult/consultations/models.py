"""Calls for input (Consultation) and what organisations send (Submission)."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, event, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import LanguageCode, one_of, registered_languages, UTCDateTime, utcnow
from ..core.extensions import db
from ..core import languages
from . import visibility
from ..core.storage import StoredFileMixin

CONSULTATION_STATUSES = ("draft", "open", "closed", "reported")
SUBMISSION_STATUSES = ("draft", "received", "screened", "included", "excluded", "withdrawn")
CONFIDENTIALITY_LEVELS = visibility.LEVELS
TEXT_FIELDS = ("good_practices", "challenges", "recommendations")
LANGS = languages.CODES  # the registered languages, read live


class Consultation(db.Model):
    __tablename__ = "consultations"
    __table_args__ = (CheckConstraint(one_of("status", CONSULTATION_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # Texts in the three languages: {"ar": ..., "en": ..., "fr": ...}; questions: {"ar": [...], ...}.
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    questions: Mapped[dict] = mapped_column(JSON, default=dict)
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Beirut")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # Each call has its own prefix, so references (RSAG-2026-0042) are unique across calls.
    reference_prefix: Mapped[str] = mapped_column(String(12), unique=True)
    # When the secretariat closed the call before its deadline (None: it ran to its deadline).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SQLite: the last reference number given, raised atomically for each new submission (SQLite has one
    # writer at a time anyway). PostgreSQL numbers with the call's own sequence instead (number_sequence):
    # no row lock for concurrent posts to wait on; this column stays as it was when the sequence was made.
    last_number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    submissions = relationship("Submission", back_populates="consultation", lazy="raise_on_sql")

    def is_accepting(self, now=None):
        now = now or utcnow()
        return self.status == "open" and self.opens_at <= now < self.closes_at

    def is_reportable(self, now=None):
        """Its report (and the group's synthesis) can be written once the call no longer accepts submissions."""
        now = now or utcnow()
        return self.status in ("closed", "reported") or (self.status == "open" and self.closes_at <= now)

    @property
    def closing_moment(self):
        """When the call stopped (or stops) taking submissions: its deadline, or the moment the
        secretariat closed it early. Every page that says when a call closed says this."""
        if self.closed_at is not None and self.closed_at < self.closes_at:
            return self.closed_at
        return self.closes_at

    def is_public(self):
        return self.status != "draft"

    def __repr__(self):
        return f"<Consultation {self.slug}>"


def number_sequence(consultation_id):
    """The name of a call's PostgreSQL sequence of reference numbers (revision 0018_submission_sequence)."""
    return f"submission_numbers_{int(consultation_id)}"


@event.listens_for(Consultation, "after_insert")
def _create_number_sequence(_mapper, connection, consultation):
    # In the transaction that makes the call. A sequence of the same name can only be a leftover of a
    # removed call whose id came back (TRUNCATE ... RESTART IDENTITY): it starts again at 1.
    if connection.dialect.name == "postgresql":
        name = number_sequence(consultation.id)
        connection.exec_driver_sql(f"DROP SEQUENCE IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE SEQUENCE {name} START 1")


@event.listens_for(Consultation, "after_delete")
def _drop_number_sequence(_mapper, connection, consultation):
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP SEQUENCE IF EXISTS {number_sequence(consultation.id)}")


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint(one_of("status", SUBMISSION_STATUSES), name="status"),
        CheckConstraint(one_of("confidentiality", CONFIDENTIALITY_LEVELS), name="confidentiality"),
        UniqueConstraint("consultation_id", "form_key", name="uq_submissions_form_key"),
        UniqueConstraint("consultation_id", "number", name="uq_submissions_number"),
        Index("ix_submissions_queue", "consultation_id", "status"),
        # A reviewer's queue: the calls they review, newest first, a page at a time.
        Index("ix_submissions_call_order", "consultation_id", "id"),
        # Each ends with the id: the duplicate look-up (services._DUPLICATES) stops at the first match.
        Index("ix_submissions_text_key", "consultation_id", "text_key", "id"),
        Index("ix_submissions_org_name_key", "org_name_key", "consultation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    number: Mapped[int | None] = mapped_column()
    reference: Mapped[str | None] = mapped_column(String(30), unique=True)
    # A random key carried by the form: a resent POST finds the submission it already made.
    form_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="received")
    exclusion_reason: Mapped[str | None] = mapped_column(Text)

    org_name: Mapped[str] = mapped_column(String(300), default="")
    org_name_key: Mapped[str] = mapped_column(String(300), default="")
    constituency: Mapped[str] = mapped_column(String(30), default="other")
    country: Mapped[str] = mapped_column(String(10), default="")
    countries_of_work: Mapped[list] = mapped_column(JSON, default=list)
    # The shared Organisation record with this normalised name (found or made on submit).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)

    # Personal data: the secretariat only; purged after the retention period.
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    contact_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    language: Mapped[str] = mapped_column(LanguageCode, default="en")
    page_lang: Mapped[str] = mapped_column(LanguageCode, default="en")  # for e-mails to the submitter
    _languages = registered_languages("language", "page_lang")
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    objectives_reviewed: Mapped[list | None] = mapped_column(JSON)
    principles: Mapped[list] = mapped_column(JSON, default=list)
    good_practices: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")
    confidentiality: Mapped[str] = mapped_column(String(12), default="public")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Normalised text of the substance (and its translations), for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The submitter's own texts, normalised and hashed: a text sent again is found with one index lookup.
    text_key: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="SET NULL"))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation = relationship("Consultation", back_populates="submissions", lazy="joined", innerjoin=True)
    attachments = relationship("Attachment", back_populates="submission", lazy="selectin",
                               cascade="all, delete-orphan", order_by="Attachment.id")
    translations = relationship("SubmissionTranslation", back_populates="submission", lazy="selectin",
                                cascade="all, delete-orphan")
    notes = relationship("SubmissionNote", back_populates="submission", lazy="raise_on_sql",
                         cascade="all, delete-orphan", order_by="SubmissionNote.id")

    @property
    def effective_objectives(self):
        return self.objectives_reviewed if self.objectives_reviewed is not None else self.objectives

    def may(self, audience, aspect):
        """What the confidentiality policy lets `audience` see of this submission."""
        return visibility.may(self.confidentiality, audience, aspect)

    def translation(self, field, lang):
        for item in self.translations:
            if item.field == field and item.lang == lang:
                return item
        return None

    def __repr__(self):
        return f"<Submission {self.reference or self.id}>"


class SubmissionTranslation(db.Model):
    """A translation of one text field, by a person (a machine draft must be confirmed)."""

    __tablename__ = "submission_translations"
    __table_args__ = (
        UniqueConstraint("submission_id", "field", "lang", name="uq_submission_translations_field_lang"),
        CheckConstraint("status IN ('draft', 'confirmed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(LanguageCode)
    _languages = registered_languages("lang")
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    machine: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    submission = relationship("Submission", back_populates="translations")

    @property
    def confirmed(self):
        return self.status == "confirmed"


class SubmissionNote(db.Model):
    """An internal note by a reviewer; never shown outside the review pages."""

    __tablename__ = "submission_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission = relationship("Submission", back_populates="notes")
    author = relationship("User", lazy="joined")


class Attachment(StoredFileMixin, db.Model):
    """A file sent with a submission, stored under a random name outside any static folder."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)

    submission = relationship("Submission", back_populates="attachments")


class ReviewerAssignment(db.Model):
    """A member the secretariat asked to review the submissions of one call."""

    __tablename__ = "reviewer_assignments"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
