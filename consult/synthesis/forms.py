"""Forms of the synthesis pages: assigning rapporteurs, drafting a chapter, commenting, approving."""
from flask_babel import lazy_gettext as _l
from ..core.forms import ConsultForm, language_choices
from wtforms import HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from .services import COMMENT_LIMIT, SYNTHESIS_LIMIT

TOO_LONG = _l("At most %(max)d characters.")


class AssignForm(ConsultForm):
    objective = SelectField(_l("Objective"), coerce=int, validators=[InputRequired(message=_l("Choose an objective."))])
    member = SelectField(_l("Member"), coerce=int, validators=[InputRequired(message=_l("Choose a member."))])


class UnassignForm(ConsultForm):
    objective = IntegerField(validators=[InputRequired(), NumberRange(1, 23)])
    member = IntegerField(validators=[InputRequired(), NumberRange(1, 2**31 - 1)])


class DraftForm(ConsultForm):
    lang = RadioField(_l("Language of the draft"), validators=[InputRequired(message=_l("Choose a language."))],
                      choices=language_choices)
    synthesis = TextAreaField(_l("Synthesis (a few paragraphs, separated by an empty line)"),
                              validators=[Length(max=SYNTHESIS_LIMIT, message=TOO_LONG)],
                              render_kw={"rows": 12, "maxlength": SYNTHESIS_LIMIT})
    key_messages = TextAreaField(_l("Key messages (one per line)"), validators=[Length(max=8000, message=TOO_LONG)],
                                 render_kw={"rows": 5})
    recommendations = TextAreaField(_l("Recommendations (3 to 7, one per line)"),
                                    validators=[Length(max=8000, message=TOO_LONG)], render_kw={"rows": 7})
    # "submission id:field" of the featured quotes; the choices are the chapter's quotable texts.
    quotes = SelectMultipleField(_l("Featured quotes (3 to 10)"), choices=[], validate_choice=False)


class CommentForm(ConsultForm):
    text = TextAreaField(_l("Your comment"), validators=[
        InputRequired(message=_l("Write a comment.")), Length(max=COMMENT_LIMIT, message=TOO_LONG)],
        render_kw={"rows": 4, "maxlength": COMMENT_LIMIT})


class ApproveForm(ConsultForm):
    version = HiddenField(validators=[InputRequired()])


def parse_quotes(values):
    """["12:challenges", ...] -> [(12, "challenges")]; anything malformed -> None."""
    out = []
    for value in values or []:
        number, _sep, field = str(value).partition(":")
        if not number.isdigit() or len(number) > 10 or not field:
            return None
        out.append((int(number), field))
    return out
