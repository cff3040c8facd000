"""Forms of the report pages (secretariat only)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ..core.forms import ConsultForm, LanguageName, language_choices, per_language
from ..core.i18n import LANGUAGES
from .models import DEFAULT_LICENCE, LICENCES
from .services import TEXT_LIMIT
from .vocabulary import PART_LABELS

TOO_LONG = _l("At most %(max)d characters.")


def _text(label):
    return TextAreaField(label, validators=[Length(max=TEXT_LIMIT, message=TOO_LONG)],
                         render_kw={"rows": 8, "maxlength": TEXT_LIMIT})


class ReportTextsForm(ConsultForm):
    """The executive summary and the methodology note, in each language; and the digits setting."""

    arabic_digits = BooleanField(_l("Page numbers and figures in the report language's own digits "
                                    "(Arabic: ١٢٣)"))
    licence = SelectField(_l("Licence of the call's open data"), default=DEFAULT_LICENCE,
                          choices=[SelectChoice(code, name) for code, (name, _url) in LICENCES.items()])
    save = SubmitField(_l("Save the texts"))

    def texts(self, kind):
        return {lang: getattr(self, f"{kind}_{lang}").data or "" for lang in LANGUAGES}

    def fill(self, setup):
        for lang in LANGUAGES:
            getattr(self, f"summary_{lang}").data = (setup.summary or {}).get(lang, "")
            getattr(self, f"methodology_{lang}").data = (setup.methodology or {}).get(lang, "")
        self.arabic_digits.data = setup.arabic_digits
        self.licence.data = setup.licence or DEFAULT_LICENCE


per_language(ReportTextsForm, "summary", lambda lang: _text(_l("Executive summary in %(language)s",
                                                                language=LanguageName(lang))))
per_language(ReportTextsForm, "methodology", lambda lang: _text(_l("Methodology note in %(language)s",
                                                                    language=LanguageName(lang))))


class BuildForm(ConsultForm):
    lang = RadioField(_l("Language of the report"), validators=[InputRequired(message=_l("Choose a language."))],
                      choices=language_choices)
    part = RadioField(_l("Document"), default="main",
                      choices=[SelectChoice(code, label) for code, label in PART_LABELS.items()])
    build = SubmitField(_l("Build the PDF"))


class PublishForm(ConsultForm):
    action = HiddenField(validators=[InputRequired()])
