"""Forms that describe an organisation: its fields (shared with the nomination form) and the secretariat's form."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional

from ..core import reference
from ..core.forms import ConsultForm, LanguageName, language_choices, per_language
from ..core.i18n import LANGUAGES, current_lang
from .vocabulary import OUTSIDE_REGION, OUTSIDE_REGION_LABEL


def country_choices(lang):
    return [SelectChoice("", _l("Choose…"))] + [
        SelectChoice(code, label) for code, label in reference.choices(reference.COUNTRIES, lang)
    ] + [SelectChoice(OUTSIDE_REGION, OUTSIDE_REGION_LABEL)]


class OrganisationFieldsMixin:
    """Fields that describe an organisation; choices set in the page's language by `_set_choices`."""

    constituency = SelectField(_l("Constituency"), validators=[DataRequired()])
    country = SelectField(_l("Country where it is registered"), validators=[DataRequired()])
    countries_of_work = SelectMultipleField(_l("Countries where it works"), validators=[Optional()])
    website = URLField(_l("Website (optional)"), validators=[Optional(), URL(message=_l("Please enter a web address such as https://example.org.")), Length(max=300)])
    migrant_led = BooleanField(_l("Led by migrants or the diaspora"))

    def _set_choices(self):
        lang = current_lang()
        self.constituency.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(code, label) for code, label in reference.choices(reference.CONSTITUENCIES, lang)]
        self.country.choices = country_choices(lang)
        self.countries_of_work.choices = [SelectChoice(code, label)
                                          for code, label in reference.choices(reference.AREAS, lang)]


class OrganisationForm(OrganisationFieldsMixin, ConsultForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    name_lang = SelectField(_l("Language of this name"), choices=language_choices)
    acronym = StringField(_l("Acronym (optional)"), validators=[Optional(), Length(max=30)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_choices()

    @classmethod
    def data_from(cls, organisation):
        data = {name: getattr(organisation, name) for name in
                ("name", "name_lang", "acronym", "constituency", "country", "countries_of_work", "website", "migrant_led")}
        for lang in LANGUAGES:
            data[f"name_{lang}"] = (organisation.other_names or {}).get(lang, "")
        return data

    def values(self):
        return {
            "name": self.name.data, "name_lang": self.name_lang.data,
            "other_names": {lang: getattr(self, f"name_{lang}").data or "" for lang in LANGUAGES},
            "acronym": self.acronym.data or "", "constituency": self.constituency.data, "country": self.country.data,
            "countries_of_work": list(self.countries_of_work.data or []), "website": self.website.data or "",
            "migrant_led": bool(self.migrant_led.data),
        }


per_language(OrganisationForm, "name", lambda lang: StringField(
    _l("Name in %(language)s (optional)", language=LanguageName(lang)), validators=[Optional(), Length(max=300)]))
