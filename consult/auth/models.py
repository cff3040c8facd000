import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import LanguageCode, registered_languages, UTCDateTime, utcnow
from ..core.extensions import db
from ..core import languages

ROLES = ("secretariat", "member")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('secretariat', 'member')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(LanguageCode, default=languages.DEFAULT)
    _languages = registered_languages("locale")
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self):
        return self.active

    @property
    def is_secretariat(self):
        return self.role == "secretariat"

    @property
    def password_fingerprint(self):
        """Changes with the password: ends old sessions and used password links."""
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]

    def get_id(self):
        return f"{self.id}:{self.password_fingerprint}"

    def __repr__(self):
        return f"<User {self.id} {self.role}>"

