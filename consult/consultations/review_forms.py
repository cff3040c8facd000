"""Forms of the review pages: queue filters (GET), bulk status, status, tags and objectives, notes, translations."""
import re

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, IntegerField, RadioField, SearchField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..core import reference
from ..core.database import is_row_id
from ..core.forms import ConsultForm
from ..core.i18n import LANGUAGE_NAMES, LANGUAGES, current_lang, pick
from . import reviewing, visibility
from .forms import OUTSIDE_REGION, TEXT_LIMIT
from .models import CONFIDENTIALITY_LEVELS
from .vocabulary import level_label, submission_status_label

REASON_LIMIT = 2000
NOTE_LIMIT = 5000
TAG_LIMIT = 40
TAG_COUNT = 20
# Translations may run longer than their original (Arabic and French often do).
TRANSLATION_LIMIT = 2 * TEXT_LIMIT
BULK_LIMIT = 500
# Tags are separated by commas, Latin or Arabic.
_TAG_SEPARATORS = re.compile("[,،]")


def _any(label=None):
    return SelectChoice("", label or _l("All"))


def status_choices():
    return [SelectChoice(status, submission_status_label(status)) for status in reviewing.REVIEW_STATUSES]


def split_tags(text):
    return [tag.strip() for tag in _TAG_SEPARATORS.split(text or "") if tag.strip()]


class QueueFilterForm(ConsultForm):
    """The queue's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    call = SelectField(_l("Call for input"), default="")
    status = SelectField(_l("Status"), default="")
    country = SelectField(_l("Country"), default="")
    constituency = SelectField(_l("Type of organisation"), default="")
    objective = SelectField(_l("GCM objective"), default="")
    language = SelectField(_l("Language"), default="")
    confidentiality = SelectField(_l("Confidentiality"), default="")
    tag = StringField(_l("Tag"), validators=[Optional(), Length(max=TAG_LIMIT)])
    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)],
                    description=_l("Words in the texts, their translations or the tags; a reference number."))
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=100000)])

    FILTER_NAMES = ("call", "status", "country", "constituency", "objective", "language", "confidentiality", "tag", "q")

    def __init__(self, formdata, consultations, secretariat, **kwargs):
        """`consultations`: the calls this reader may review, for the call filter."""
        super().__init__(formdata, **kwargs)
        lang = current_lang()
        self._consultation_ids = {consultation.slug: consultation.id for consultation in consultations}
        self.call.choices = [_any()] + [
            SelectChoice(consultation.slug, _title(consultation, lang)) for consultation in consultations]
        self.status.choices = [_any()] + status_choices()
        self.country.choices = [_any()] + [
            SelectChoice(code, label) for code, label in reference.choices(reference.COUNTRIES, lang)
        ] + [SelectChoice(OUTSIDE_REGION, _l("Outside the Arab region"))]
        self.constituency.choices = [_any()] + [
            SelectChoice(code, label) for code, label in reference.choices(reference.CONSTITUENCIES, lang)]
        self.objective.choices = [_any()] + [
            SelectChoice(str(number), label) for number, label in reference.choices(reference.OBJECTIVES, lang)]
        self.language.choices = [_any()] + [SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
        # Members never see confidential submissions: no point offering the choice.
        levels = CONFIDENTIALITY_LEVELS if secretariat else visibility.readable_levels(visibility.REVIEWER)
        self.confidentiality.choices = [_any()] + [SelectChoice(level, level_label(level)) for level in levels]

    def to_filters(self):
        """The valid filters as reviewing.QueueFilters."""
        return reviewing.QueueFilters(
            consultation_id=self._consultation_ids.get(self.call.data) if self.call.data else None,
            status=self.status.data or None,
            country=self.country.data or None,
            constituency=self.constituency.data or None,
            objective=int(self.objective.data) if self.objective.data else None,
            language=self.language.data or None,
            confidentiality=self.confidentiality.data or None,
            tag=(self.tag.data or "").strip() or None,
            query=(self.q.data or "").strip(),
        )

    def query_args(self):
        """The filters that are set, for links that keep them (page links, the bulk form)."""
        return {name: getattr(self, name).data for name in self.FILTER_NAMES if getattr(self, name).data}


def _title(consultation, lang):
    return pick(consultation.title, lang)[0] or consultation.slug


class BulkForm(ConsultForm):
    """One status for the submissions ticked in the queue."""

    ids = SelectMultipleField(_l("Submissions"), coerce=int, validate_choice=False)
    new_status = SelectField(_l("New status"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason for exclusion"), validators=[Length(max=REASON_LIMIT)],
                           description=_l("Needed when you exclude submissions."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_status.choices = [SelectChoice("", _l("Choose…"))] + status_choices()

    def validate_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Please tick at least one submission."))
        if not all(is_row_id(number) for number in field.data):
            raise ValidationError(_l("Some of the ticked submissions do not exist. Nothing was changed."))
        if len(field.data) > BULK_LIMIT:
            raise ValidationError(_l("Please choose at most %(n)d submissions at a time.", n=BULK_LIMIT))

    def validate_reason(self, field):
        if self.new_status.data == "excluded" and not (field.data or "").strip():
            raise ValidationError(_l("Please give the reason for the exclusion."))


class StatusForm(ConsultForm):
    status = SelectField(_l("Status"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason for exclusion"), validators=[Length(max=REASON_LIMIT)],
                           description=_l("Needed when you exclude a submission."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = status_choices()

    def validate_reason(self, field):
        if self.status.data == "excluded" and not (field.data or "").strip():
            raise ValidationError(_l("Please give the reason for the exclusion."))


class ClassifyForm(ConsultForm):
    """Tags and the objectives as the reviewer reads the submission."""

    tags = StringField(_l("Tags"), validators=[Length(max=TAG_COUNT * (TAG_LIMIT + 2))],
                       description=_l("Separated by commas, for example: recruitment fees, women"))
    objectives = SelectMultipleField(_l("GCM objectives (as corrected by the reviewer)"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lang = current_lang()
        self.objectives.choices = [SelectChoice(number, reference.objective(number).choice_label(lang))
                                   for number in range(1, 24)]

    def validate_tags(self, field):
        tags = split_tags(field.data)
        if len(tags) > TAG_COUNT:
            raise ValidationError(_l("Please give at most %(n)d tags.", n=TAG_COUNT))
        if any(len(tag) > TAG_LIMIT for tag in tags):
            raise ValidationError(_l("A tag may have at most %(n)d characters.", n=TAG_LIMIT))

    def tag_list(self):
        return split_tags(self.tags.data)


class NoteForm(ConsultForm):
    text = TextAreaField(_l("Internal note"),
                         validators=[DataRequired(message=_l("Please write the note.")), Length(max=NOTE_LIMIT)],
                         description=_l("Seen only by the secretariat and the reviewers of this call."))


class TranslationForm(ConsultForm):
    text = TextAreaField(_l("Translation"), validators=[DataRequired(message=_l("Please write the translation.")),
                                                        Length(max=TRANSLATION_LIMIT)])
    confirm = BooleanField(_l("I have checked this translation: readers may see it"),
                           description=_l("Leave unticked to keep it as a draft that only the secretariat sees."))


class MachineTranslationForm(ConsultForm):
    """Only the CSRF token: the field and the language are in the address."""


class RecordConsentForm(ConsultForm):
    """The secretariat records an organisation's request (by e-mail, phone...) to narrow its consent."""

    change = RadioField(_l("What the organisation asked for"), validators=[InputRequired()])
    reason = TextAreaField(_l("How and when it asked"), validators=[InputRequired(), Length(max=REASON_LIMIT)],
                           description=_l("For example: e-mail from the contact person, 3 December. Kept in the audit log."))

    def __init__(self, levels, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.change.choices = [SelectChoice(level, _l("Make it %(level)s", level=level_label(level)))
                               for level in levels] + [SelectChoice(WITHDRAW, _l("Withdraw it"))]


WITHDRAW = "withdraw"
