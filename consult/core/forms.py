"""The base of every form (single-line fields hold one line), and the date, time and zone fields every feature shares.

A text input (StringField and its kinds, not TextAreaField, not passwords) loses its format characters
(text.strip_format: bidi overrides and other invisible characters), then refuses line breaks and
control characters with a message in the reader's language. Multi-line fields keep their line breaks.
"""
import functools

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from . import languages
from .i18n import REGION_ZONES, valid_zone
from .text import has_line_break_or_control, strip_format

SINGLE_LINE_MESSAGE = _l("Please write this on one line, without line breaks or control characters.")

# What a date-and-time field accepts: the browser's datetime-local value, or the same typed with a space.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
DATETIME_MESSAGE = _l("Please enter a date and time such as 2026-12-01 23:59.")


@functools.cache
def offered_zones():
    """The region's zones that exist here (REGION_ZONES names one, Europe/Geneva, that the IANA database lacks)."""
    return tuple(zone for zone in REGION_ZONES if valid_zone(zone))


def is_single_line(field):
    return isinstance(field, StringField) and not isinstance(field, (TextAreaField, PasswordField))


def single_line(form, field):
    """The shared validator: used by ConsultForm for every single-line field, usable on its own."""
    if isinstance(field.data, str) and has_line_break_or_control(field.data):
        raise ValidationError(SINGLE_LINE_MESSAGE)


# (form class, kind, make_field): the forms with one field per language, named <kind>_<code>.
_PER_LANGUAGE = []


def per_language(form_class, kind, make_field):
    """Give `form_class` a field `<kind>_<code>` = make_field(code) for every registered language, now and
    for any language registered later (the registry is the one list of languages)."""
    _PER_LANGUAGE.append((form_class, kind, make_field))
    for code in languages.codes():
        setattr(form_class, f"{kind}_{code}", make_field(code))


@languages.on_change
def _follow_the_registry(code, added):
    for form_class, kind, make_field in _PER_LANGUAGE:
        if added:
            setattr(form_class, f"{kind}_{code}", make_field(code))  # WTForms rebuilds the form's field list
        elif hasattr(form_class, f"{kind}_{code}"):
            delattr(form_class, f"{kind}_{code}")


def language_choices(form=None, field=None):
    """The registered languages, each named in itself, as a field's choices (a callable: read when shown)."""
    return [SelectChoice(code, languages.native_name(code)) for code in languages.codes()]


class LanguageName:
    """A language's name in the reader's language, read when shown: a form label's %(language)s."""

    def __init__(self, code):
        self.code = code

    def __str__(self):
        locale = get_locale()
        return (locale.languages.get(self.code) if locale else None) or languages.native_name(self.code)


class ConsultForm(FlaskForm):
    def single_line_checks(self, extra_validators=None):
        """Strip the format characters of every single-line field and add the one-line check to it:
        `extra_validators` ({name: [validator]}) with those checks, for a form that validates its own way."""
        extra = dict(extra_validators or {})
        for name, field in self._fields.items():
            if is_single_line(field):
                if isinstance(field.data, str):
                    field.data = strip_format(field.data)
                extra[name] = [*extra.get(name, ()), single_line]
        return extra

    def validate(self, extra_validators=None):
        return super().validate(extra_validators=self.single_line_checks(extra_validators))
