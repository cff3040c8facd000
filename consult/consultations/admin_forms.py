"""Forms of the secretariat's pages for calls: the call itself and its reviewers."""
import re
from datetime import timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..core import reference
from ..core.forms import DATETIME_FORMATS, DATETIME_MESSAGE, ConsultForm, offered_zones, per_language
from ..core.i18n import LANGUAGES, current_lang, valid_zone, zone_label
from . import calls, services
from .models import CONSULTATION_STATUSES
from .vocabulary import CALL_STATUS_LABELS

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PREFIX_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
# Words the admin pages use after /consultations/; a call with one of them as its slug would be unreachable.
RESERVED_SLUGS = frozenset({"new", "manage"})
TITLE_LIMIT = 300
DESCRIPTION_LIMIT = 20000
QUESTIONS_LIMIT = 5000
# What a datetime-local input sends, then what people type by hand when their browser has no picker.


def _language_fields(kind, label, limit, textarea=False, description=None):
    """One field per registered language, named <kind>_<lang>."""
    field_class = TextAreaField if textarea else StringField
    per_language(ConsultationForm, kind, lambda lang: field_class(
        label, validators=[Optional(), Length(max=limit)], description=description, render_kw={"lang": lang}))


def no_break(example):
    """An example code in a hint, with non-breaking hyphens: a line never ends inside it."""
    return example.replace("-", "\u2011")


class ConsultationForm(ConsultForm):
    """Create or change a call. Times are typed as local times in the call's own zone."""

    slug = StringField(
        _l("Short name in the address"), validators=[DataRequired(), Length(max=80)],
        description=_l("Lowercase letters, digits and hyphens, e.g. %(example)s. Changing it breaks links already shared.",
                        example=no_break("gcm-review-2026")),
        render_kw={"dir": "ltr", "autocapitalize": "none", "spellcheck": "false"})
    reference_prefix = StringField(
        _l("Prefix of reference numbers"), validators=[DataRequired(), Length(max=10)],
        description=_l("Capital letters and digits, e.g. RSAG: submissions get %(first)s, %(second)s … Each call has its own.",
                        first=no_break("RSAG-2026-0001"), second=no_break("RSAG-2026-0002")),
        render_kw={"dir": "ltr", "autocapitalize": "characters", "spellcheck": "false"})
    objectives = SelectMultipleField(_l("GCM objectives in focus"), coerce=int, validators=[Optional()])
    timezone = SelectField(_l("Time zone of the call"), validators=[DataRequired()],
                           description=_l("The opening and the deadline below are times in this zone."))
    opens_at = DateTimeLocalField(_l("Opens on"), format=DATETIME_FORMATS,
                                  invalid_value_message=DATETIME_MESSAGE, render_kw={"dir": "ltr"})
    closes_at = DateTimeLocalField(_l("Deadline"), format=DATETIME_FORMATS,
                                   invalid_value_message=DATETIME_MESSAGE, render_kw={"dir": "ltr"},
                                   description=_l("To extend a call, move the deadline later. To reopen a closed call, also set its status to Open."))
    status = SelectField(_l("Status"), validators=[DataRequired()])

    def __init__(self, *args, consultation=None, slug_taken=None, **kwargs):
        """`slug_taken(slug)` says whether another call already uses a slug."""
        super().__init__(*args, **kwargs)
        self._consultation = consultation
        self._slug_taken = slug_taken
        lang = current_lang()
        self.objectives.choices = [SelectChoice(number, label) for number, label in reference.choices(reference.OBJECTIVES, lang)]
        zones = list(offered_zones())
        if consultation is not None and consultation.timezone not in zones and valid_zone(consultation.timezone):
            zones.append(consultation.timezone)  # a zone set elsewhere stays choosable
        self.timezone.choices = [SelectChoice(zone, f"{zone_label(zone)} ({zone})" if zone != "UTC" else "UTC")
                                 for zone in zones]
        self.status.choices = [SelectChoice(status, CALL_STATUS_LABELS[status]) for status in CONSULTATION_STATUSES]

    # Fields per language, added below the class: title_ar, title_en, ..., questions_fr.

    def validate_slug(self, field):
        slug = (field.data or "").strip()
        field.data = slug
        if not SLUG_RE.match(slug):
            raise ValidationError(_l("Use only lowercase letters, digits and single hyphens between them."))
        if slug in RESERVED_SLUGS:
            raise ValidationError(_l("This word is used by the site itself; please choose another."))
        mine = self._consultation is not None and self._consultation.slug == slug
        if not mine and self._slug_taken is not None and self._slug_taken(slug):
            raise ValidationError(_l("Another call already uses this short name."))

    def validate_reference_prefix(self, field):
        prefix = (field.data or "").strip().upper()
        field.data = prefix
        if not PREFIX_RE.match(prefix):
            raise ValidationError(_l("Use 2 to 10 capital letters or digits, starting with a letter."))
        if calls.prefix_taken(prefix, self._consultation):
            raise ValidationError(_l("Another call already uses this prefix."))
        if (self._consultation is not None and prefix != self._consultation.reference_prefix
                and services.has_numbered_submissions(self._consultation)):
            raise ValidationError(_l("This call already has submissions: its prefix can no longer change."))

    def validate_objectives(self, field):
        field.data = sorted(set(field.data or []))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        # The titles are optional one by one (Optional() stops their own checks), required together.
        if not any((self[f"title_{lang}"].data or "").strip() for lang in LANGUAGES):
            self[f"title_{LANGUAGES[0]}"].errors.append(_l("Please give the call a title in at least one language."))
            ok = False
        return ok

    def validate_opens_at(self, field):
        field.data = self._utc(field)

    def validate_closes_at(self, field):
        field.data = self._utc(field)
        opens = self.opens_at.data
        if opens is not None and opens.tzinfo is not None and field.data is not None and field.data <= opens:
            raise ValidationError(_l("The deadline must come after the opening."))

    def _utc(self, field):
        """The typed local time in the chosen zone, as UTC; a time that the clocks skip is an error."""
        value = field.data
        if value is None:
            if not field.process_errors:  # nothing sent at all; a wrong value has its message already
                raise ValidationError(DATETIME_MESSAGE)
            return None
        if value.tzinfo is not None:
            return value
        zone_name = self.timezone.data
        if zone_name not in {choice.value for choice in self.timezone.choices}:
            return None  # the zone field carries its own error
        zone = ZoneInfo(zone_name)
        local = value.replace(tzinfo=zone)
        moment = local.astimezone(timezone.utc)
        if moment.astimezone(zone).replace(tzinfo=None) != value:
            raise ValidationError(_l("This time does not exist in that zone (the clocks change then). Please choose another."))
        return moment

    def values(self):
        """The model's own fields, as save_consultation takes them."""
        return {
            "slug": self.slug.data,
            "reference_prefix": self.reference_prefix.data,
            "title": _texts(self, "title"),
            "description": _texts(self, "description"),
            "questions": {lang: lines for lang, lines in
                          ((lang, _lines(self[f"questions_{lang}"].data)) for lang in LANGUAGES) if lines},
            "objectives": list(self.objectives.data or []),
            "timezone": self.timezone.data,
            "opens_at": self.opens_at.data,
            "closes_at": self.closes_at.data,
            "status": self.status.data,
        }

    @classmethod
    def data_from(cls, consultation):
        """Form data for an existing call: texts per language, times local to its zone."""
        zone_name = consultation.timezone if valid_zone(consultation.timezone) else "UTC"
        zone = ZoneInfo(zone_name)
        data = {
            "slug": consultation.slug,
            "reference_prefix": consultation.reference_prefix,
            "objectives": list(consultation.objectives or []),
            "timezone": zone_name,
            "opens_at": consultation.opens_at.astimezone(zone).replace(tzinfo=None),
            "closes_at": consultation.closes_at.astimezone(zone).replace(tzinfo=None),
            "status": consultation.status,
        }
        for lang in LANGUAGES:
            data[f"title_{lang}"] = (consultation.title or {}).get(lang, "")
            data[f"description_{lang}"] = (consultation.description or {}).get(lang, "")
            data[f"questions_{lang}"] = "\n".join((consultation.questions or {}).get(lang, []))
        return data


_language_fields("title", _l("Title"), TITLE_LIMIT)
_language_fields("description", _l("Description"), DESCRIPTION_LIMIT, textarea=True,
                 description=_l("Leave an empty line between paragraphs."))
_language_fields("questions", _l("Guiding questions"), QUESTIONS_LIMIT, textarea=True,
                 description=_l("One question per line."))


def _texts(form, kind):
    out = {}
    for lang in LANGUAGES:
        text = (form[f"{kind}_{lang}"].data or "").strip()
        if text:
            out[lang] = text.replace("\r\n", "\n")
    return out


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ReviewersForm(ConsultForm):
    """The members asked to review one call's submissions."""

    reviewers = SelectMultipleField(_l("Reviewers"), coerce=int, validators=[Optional()],
                                    description=_l("Reviewers see this call's submissions, except confidential ones, and never the contact details."))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.reviewers.choices = [
            SelectChoice(user.id, f"{user.name or user.email} ({user.email})" if user.active
                         else f"{user.name or user.email} ({user.email}) – {_l('inactive')}")
            for user in members
        ]

