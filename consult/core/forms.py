"""The base of every form (single-line fields hold one line), and the date, time and zone fields every feature shares.

A text input (StringField and its kinds, not TextAreaField, not passwords) loses its format characters
(text.strip_format: bidi overrides and other invisible characters), then refuses line breaks and
control characters with a message in the reader's language. Multi-line fields keep their line breaks.
"""
import functools

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import ValidationError

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
