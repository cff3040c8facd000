"""An organisation, one per normalised name: shared by the group's terms, nominations and submissions."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core import languages
from ..core.database import LanguageCode, UTCDateTime, registered_languages, utcnow
from ..core.extensions import db

LANGS = languages.CODES  # the registered languages, read live


class Organisation(db.Model):
    """An organisation, shared by membership and submissions; one per normalised name."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # normalise_name(name): no two organisations share it.
    name_key: Mapped[str] = mapped_column(String(300), unique=True)
    name_lang: Mapped[str] = mapped_column(LanguageCode, default="en")
    _languages = registered_languages("name_lang")
    # Optional names in the other languages: {"ar": ..., "fr": ...}.
    other_names: Mapped[dict] = mapped_column(JSON, default=dict)
    acronym: Mapped[str] = mapped_column(String(30), default="")
    constituency: Mapped[str] = mapped_column(String(30), default="other")
    # One of the 22 states, "other" (outside the region) or "" (unknown).
    country: Mapped[str] = mapped_column(String(10), default="")
    countries_of_work: Mapped[list] = mapped_column(JSON, default=list)
    website: Mapped[str] = mapped_column(String(300), default="")
    migrant_led: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def name_in(self, lang):
        """(name, its language): the name in `lang` if there is one, else the main name."""
        if lang == self.name_lang:
            return self.name, self.name_lang
        other = (self.other_names or {}).get(lang)
        return (other, lang) if other else (self.name, self.name_lang)

    def __repr__(self):
        return f"<Organisation {self.id}>"
