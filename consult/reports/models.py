"""What the secretariat writes for a call's report (ReportSetup) and each build of it (Report)."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import LanguageCode, registered_languages, UTCDateTime, utcnow
from ..core.extensions import db

REPORT_STATUSES = ("queued", "building", "ready", "failed")
# Why a ready build is no longer served to anyone but the secretariat.
PULL_REASONS = ("consent", "withdrawn", "excluded", "reopened", "superseded")
# The stages a build goes through, in order; the page shows them as its progress.
STAGES = ("queued", "collecting", "composing", "laying_out", "writing", "done")
# The main report (the group's synthesis) and its annex (the compendium of every quotable submission).
PARTS = ("main", "annex")
# Licences the secretariat may give a call's open data (SPDX identifiers); CC BY 4.0 unless it chooses.
LICENCES = {
    "CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
}
DEFAULT_LICENCE = "CC-BY-4.0"


class ReportSetup(db.Model):
    """The secretariat's own texts for one call's report, per language, and its settings."""

    __tablename__ = "report_setups"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)       # {"ar": ..., "en": ..., "fr": ...}
    methodology: Mapped[dict] = mapped_column(JSON, default=dict)
    # Page numbers (and the report's figures) in Arabic-Indic digits when the report is in Arabic.
    arabic_digits: Mapped[bool] = mapped_column(Boolean, default=False)
    licence: Mapped[str] = mapped_column(String(20), default=DEFAULT_LICENCE, server_default=DEFAULT_LICENCE)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Report(db.Model):
    """One build of a call's report in one language; its PDF is stored under a random name."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'building', 'ready', 'failed')", name="status"),
        CheckConstraint("part IN ('main', 'annex')", name="part"),
        Index("ix_reports_lookup", "consultation_id", "lang", "input_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(LanguageCode)
    _languages = registered_languages("lang")
    part: Mapped[str] = mapped_column(String(5), default="main", server_default="main")
    # SHA-256 of everything the report is made of: same inputs, same report.
    input_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    stage: Mapped[str] = mapped_column(String(20), default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The main report's Word version, made with the PDF from the same data (stored under a random name).
    docx_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    size: Mapped[int | None] = mapped_column()
    sha256: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[int | None] = mapped_column()
    arabic_face: Mapped[str | None] = mapped_column(String(60))
    seconds: Mapped[float | None] = mapped_column()
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # {submission id: confidentiality level} of every submission the build rests on (its included input):
    # a build is pulled when one of them becomes stricter, is withdrawn or excluded.
    consents: Mapped[dict | None] = mapped_column(JSON)
    pulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pulled_reason: Mapped[str | None] = mapped_column(String(12))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation = relationship("Consultation", lazy="joined", innerjoin=True)

    @property
    def is_ready(self):
        return self.status == "ready"

    @property
    def is_current(self):
        """Ready and not pulled: the only builds anyone but the secretariat is given."""
        return self.status == "ready" and self.pulled_at is None

    @property
    def is_pending(self):
        return self.status in ("queued", "building")

    @property
    def progress(self):
        """Per cent, from the stage reached (WeasyPrint gives no finer progress)."""
        if self.status == "ready":
            return 100
        if self.stage.startswith("parts "):  # laid out in parts (consult.reports.parallel): "parts 2/5"
            done, parts = (int(value) for value in self.stage[6:].split("/"))
            start, end = (100 * STAGES.index(stage) / (len(STAGES) - 1) for stage in ("laying_out", "done"))
            return round(start + (end - start) * done / max(parts, 1))
        return round(100 * STAGES.index(self.stage) / (len(STAGES) - 1)) if self.stage in STAGES else 0

    def download_name(self):
        kind = "input-report" if self.part == "main" else "input-compendium"
        return f"{kind}-{self.consultation.slug}-{self.lang}.pdf"

    def docx_download_name(self):
        return f"input-report-{self.consultation.slug}-{self.lang}.docx"

    def __repr__(self):
        return f"<Report {self.id} {self.lang} {self.status}>"
