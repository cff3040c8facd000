from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..core import i18n, languages, reference
from ..core.forms import ConsultForm
from ..core.i18n import LANGUAGE_NAMES, LANGUAGES, current_lang
from . import visibility
from ..core.storage import MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES
from .vocabulary import level_explanation

TEXT_LIMIT = 6000
OUTSIDE_REGION = "other"


class SubmissionForm(ConsultForm):
    """The public form; its choices are labelled in the page's language."""

    class Meta:
        def get_translations(self, form):  # the busiest form: its catalog read once per language
            return i18n.wtforms_translations()

    org_name = StringField(_l("Name of your organisation"), validators=[DataRequired(), Length(max=300)])
    constituency = SelectField(_l("Your organisation is"), validators=[DataRequired()])
    country = SelectField(_l("Country where it is registered"), validators=[DataRequired()])
    countries_of_work = SelectMultipleField(_l("Countries where it works"), validators=[Optional()])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)],
                               description=_l("Seen only by the secretariat."))
    contact_email = EmailField(_l("Contact e-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                               description=_l("We send the receipt and your private link here."))
    contact_phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=50)])
    language = RadioField(_l("Language of your submission"), validators=[InputRequired()])
    objectives = SelectMultipleField(_l("GCM objectives your submission addresses"), coerce=int, validators=[Optional()])
    principles = SelectMultipleField(_l("Guiding principles you refer to"), validators=[Optional()])
    good_practices = TextAreaField(_l("Good practices"), validators=[Length(max=TEXT_LIMIT)],
                                   description=_l("What has worked, where, and for whom? Up to %(n)s characters.", n="6,000"))
    challenges = TextAreaField(_l("Challenges"), validators=[Length(max=TEXT_LIMIT)],
                               description=_l("What stands in the way? Up to %(n)s characters.", n="6,000"))
    recommendations = TextAreaField(_l("Recommendations"), validators=[Length(max=TEXT_LIMIT)],
                                    description=_l("What should governments and partners do? Up to %(n)s characters.", n="6,000"))
    attachments = MultipleFileField(_l("Attachments (optional)"),
                                    description=_l("Up to %(files)d files: PDF, Word (DOCX), OpenDocument (ODT), JPEG or PNG; at most %(each)d MB each and %(total)d MB in all.",
                                                   files=MAX_FILES, each=MAX_FILE_BYTES // 2**20, total=MAX_TOTAL_BYTES // 2**20))
    confidentiality = RadioField(_l("Who may see and quote your submission?"), validators=[InputRequired()])
    consent = BooleanField(_l("I have read the data-protection notice and agree that the secretariat keeps this information as it describes."),
                           validators=[DataRequired(message=_l("Please agree to the data-protection notice to send your submission."))])
    # A field people never see; robots fill it in.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])
    form_key = HiddenField(validators=[Optional(), Length(max=64)])  # the column's size

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lists = _lists(current_lang())
        for name in _LISTED:
            getattr(self, name).choices = lists[name]
        self.language.description = lists["language_description"]

    def validate_website(self, field):
        if field.data:
            raise ValidationError(_l("Please leave this field empty."))

    def validate_recommendations(self, field):
        texts = (self.good_practices.data, self.challenges.data, field.data)
        if not any((text or "").strip() for text in texts):
            raise ValidationError(_l("Please write at least one of: good practices, challenges, recommendations."))

    def values(self):
        """The submitter's answers as plain values for the service."""
        return {
            "org_name": self.org_name.data, "constituency": self.constituency.data, "country": self.country.data,
            "countries_of_work": list(self.countries_of_work.data or []),
            "contact_name": self.contact_name.data, "contact_email": self.contact_email.data,
            "contact_phone": self.contact_phone.data or None, "language": self.language.data,
            "objectives": sorted(self.objectives.data or []), "principles": sorted(self.principles.data or []),
            "confidentiality": self.confidentiality.data,
            "good_practices": self.good_practices.data or "", "challenges": self.challenges.data or "",
            "recommendations": self.recommendations.data or "",
        }


_LISTED = ("constituency", "country", "countries_of_work", "language", "objectives", "principles", "confidentiality")
_LISTS = {}


def _lists(lang):
    """The form's choices (and the language field's hint) in `lang`: the same for every form, so made once
    per language (and set of registered languages); their labels are read when shown."""
    key = (lang, languages.codes())
    lists = _LISTS.get(key)
    if lists is None:
        choose = SelectChoice("", _l("Choose…"))
        lists = _LISTS[key] = {
            "constituency": [choose] + [
                SelectChoice(code, label) for code, label in reference.choices(reference.CONSTITUENCIES, lang)],
            "country": [choose] + [
                SelectChoice(code, label) for code, label in reference.choices(reference.COUNTRIES, lang)
            ] + [SelectChoice(OUTSIDE_REGION, _l("Outside the Arab region"))],
            "countries_of_work": [SelectChoice(code, label) for code, label in reference.choices(reference.AREAS, lang)],
            "language": [SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "language_description": _("Write in the language you prefer: %(languages)s.",
                                      languages=i18n.language_list(lang)),
            "objectives": [SelectChoice(number, label)
                           for number, label in reference.choices(reference.OBJECTIVES, lang)],
            "principles": [SelectChoice(code, label) for code, label in reference.choices(reference.PRINCIPLES, lang)],
            "confidentiality": [SelectChoice(level, level_explanation(level)) for level in visibility.LEVELS],
        }
    return lists


class DraftForm(SubmissionForm):
    """Saving a draft needs only the e-mail address for the link; what is filled in is still checked."""

    def validate(self, extra_validators=None):
        extra = self.single_line_checks(extra_validators)
        ok = True
        for field in self:
            if field.name in ("csrf_token", "contact_email", "website") or _filled(field.data):
                ok = field.validate(self, extra.get(field.name, ())) and ok
        return ok


def _filled(value):
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_filled(item) for item in value)
    return value not in (None, False)


class ConfirmForm(ConsultForm):
    """A confirmation page's button: nothing but the CSRF token."""


class NarrowConsentForm(ConsultForm):
    """Make a submission stricter: only the levels stricter than its own are offered."""

    level = RadioField(_l("Make your submission stricter"), validators=[InputRequired()])

    def __init__(self, levels, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = [SelectChoice(level, level_explanation(level)) for level in levels]


class LinksForm(ConsultForm):
    """"Send me my links": the address the submissions were sent from."""

    email = EmailField(_l("The e-mail address you gave with your submission"),
                       validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[lambda value: value.strip() if isinstance(value, str) else value])
