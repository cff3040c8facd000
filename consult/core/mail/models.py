from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db

# queued: waiting for its (next) try; sending: claimed and handed to the SMTP server, not yet marked
# sent (a process that died in between leaves it here: never sent again by itself); sent; kept: no
# SMTP configured; failed: cannot be built, or refused for good by the server; given_up: transient
# errors until MAIL_RETRY_LIMIT tries.
STATUSES = ("queued", "sending", "sent", "kept", "failed", "given_up")


class OutboxMessage(db.Model):
    """Every e-mail, stored before it is sent: a down SMTP server loses nothing."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'kept', 'failed', 'given_up')", name="status"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    # Extra MIME parts: [{"filename", "content_type", "data" (base64), "inline"}].
    parts: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the last try began (the message was marked "sending").
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
