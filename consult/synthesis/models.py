"""The group's own reading of a call's input: rapporteurs per objective, their chapter drafts
(each save a version), comments by other members, the secretariat's approval, and translations."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import LanguageCode, registered_languages, UTCDateTime, utcnow
from ..core.extensions import db


class Rapporteur(db.Model):
    """A member the secretariat asked to draft the chapter of one objective of a call."""

    __tablename__ = "rapporteurs"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True)
    objective: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", lazy="joined", innerjoin=True, foreign_keys=[user_id])


class Chapter(db.Model):
    """One objective's chapter of a call's main report. Its text is in its versions; the
    secretariat approves one version, and any later version undoes the approval."""

    __tablename__ = "chapters"
    __table_args__ = (UniqueConstraint("consultation_id", "objective", name="uq_chapters_objective"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    objective: Mapped[int] = mapped_column()
    last_number: Mapped[int] = mapped_column(default=0)
    approved_number: Mapped[int | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def is_approved(self):
        return self.approved_number is not None and self.approved_number == self.last_number


class ChapterVersion(db.Model):
    """One saved draft of a chapter: who wrote it, when, in which language, and what it says."""

    __tablename__ = "chapter_versions"
    __table_args__ = (
        UniqueConstraint("chapter_id", "number", name="uq_chapter_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    lang: Mapped[str] = mapped_column(LanguageCode)
    _languages = registered_languages("lang")
    synthesis: Mapped[str] = mapped_column(Text, default="")
    key_messages: Mapped[list] = mapped_column(JSON, default=list)      # [str]
    recommendations: Mapped[list] = mapped_column(JSON, default=list)   # [str], 3 to 7
    quotes: Mapped[list] = mapped_column(JSON, default=list)            # [{"submission": id, "field": name}]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", lazy="joined")


class ChapterComment(db.Model):
    """A member's comment on a chapter's draft (on the version that was current then)."""

    __tablename__ = "chapter_comments"
    __table_args__ = (Index("ix_chapter_comments_chapter", "chapter_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    version_number: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", lazy="joined")


class ChapterTranslation(db.Model):
    """A chapter's approved text in another report language; it translates one version."""

    __tablename__ = "chapter_translations"
    __table_args__ = (
        UniqueConstraint("chapter_id", "lang", name="uq_chapter_translations_lang"),
        CheckConstraint("status IN ('draft', 'confirmed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(LanguageCode)
    _languages = registered_languages("lang")
    version_number: Mapped[int] = mapped_column()
    synthesis: Mapped[str] = mapped_column(Text, default="")
    key_messages: Mapped[list] = mapped_column(JSON, default=list)
    recommendations: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    machine: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Translator(db.Model):
    """A member the secretariat named to translate a call's report into one language."""

    __tablename__ = "report_translators"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    lang: Mapped[str] = mapped_column(LanguageCode, primary_key=True)
    _languages = registered_languages("lang")

    user = relationship("User", lazy="joined", innerjoin=True)
