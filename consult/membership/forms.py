"""Forms of the group's pages: terms, settings, calls for nominations and the public application."""
from datetime import timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l
from wtforms import (BooleanField, DateField, DateTimeLocalField, EmailField, HiddenField, IntegerField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..core.forms import DATETIME_FORMATS, DATETIME_MESSAGE, ConsultForm, LanguageName, language_choices, offered_zones, per_language
from ..core.i18n import LANGUAGES, zone_label
from ..organisations.forms import OrganisationFieldsMixin
from ..core.text import normalise_name
from .vocabulary import CALL_STATUS_LABELS, END_REASON_LABELS, GENDER_LABELS, ROLE_LABELS

TEXT_LIMIT = 4000
DATE_MESSAGE = _l("Please enter a date such as 2026-12-01.")

# The gender fields start with no answer (stored as "unstated"); "Prefers not to say" is an answer.
GENDER_CHOICES = [SelectChoice("", _l("No answer")),
                  *(SelectChoice(code, GENDER_LABELS[code]) for code in ("female", "male", "other", "undisclosed"))]


def gender_value(field):
    """The gender chosen in a form, "unstated" when none was."""
    return field.data or "unstated"


def gender_data(code):
    """A stored gender as the form shows it: no answer for "unstated"."""
    return "" if code in (None, "unstated") else code


def _choices(labels):
    return [SelectChoice(value, label) for value, label in labels.items()]


class TermFieldsMixin:
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[InputRequired()])
    role = SelectField(_l("Role on the group"), choices=_choices(ROLE_LABELS), validators=[DataRequired()])
    seat = IntegerField(_l("Seat"), validators=[InputRequired(message=_l("Please enter the seat's number.")),
                                                 NumberRange(min=1, max=99)],
                        description=_l("An alternate takes the number of the seat they stand in for."))
    starts_on = DateField(_l("Term starts on"), validators=[InputRequired(message=DATE_MESSAGE)])
    ends_on = DateField(_l("Term ends on"), validators=[InputRequired(message=DATE_MESSAGE)])
    tor_accepted_on = DateField(_l("Terms of reference accepted on"), validators=[Optional()],
                                description=_l("The term starts only once both declarations are recorded."))
    coi_declared_on = DateField(_l("Conflict-of-interest declaration signed on"), validators=[Optional()])
    gender = SelectField(_l("Gender (for the balance; seen only by the secretariat)"), choices=GENDER_CHOICES,
                         default="", validators=[Optional()])
    phone = StringField(_l("Phone (optional; members and the secretariat see it)"), validators=[Optional(), Length(max=50)])

    def _set_organisations(self, organisations):
        self.organisation_id.choices = [SelectChoice(o.id, o.name + (f" ({o.acronym})" if o.acronym else ""))
                                        for o in organisations]

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end must come after the start."))

    def term_values(self):
        return {name: getattr(self, name).data for name in
                ("organisation_id", "role", "seat", "starts_on", "ends_on", "tor_accepted_on", "coi_declared_on")}


class NewTermForm(TermFieldsMixin, ConsultForm):
    """A member's term; the person is an existing member account, or a new one made from a name and e-mail."""

    user_id = SelectField(_l("Member"), coerce=int, validators=[Optional()])
    name = StringField(_l("Or a new member: name"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("New member's e-mail"), validators=[Optional(), Email(), Length(max=254)],
                       description=_l("The new member receives a link to choose a password."))
    locale = SelectField(_l("Language of e-mails"), choices=language_choices)

    def __init__(self, *args, organisations=(), users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._set_organisations(organisations)
        self.user_id.choices = [SelectChoice(0, _l("A new member (below)"))] + [
            SelectChoice(u.id, f"{u.name} <{u.email}>") for u in users]

    def validate_user_id(self, field):
        if not field.data and not (self.name.data and self.email.data):
            raise ValidationError(_l("Choose a member, or give the new member's name and e-mail."))


class TermForm(TermFieldsMixin, ConsultForm):
    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._set_organisations(organisations)


class EndTermForm(ConsultForm):
    ended_on = DateField(_l("Last day of the term"), validators=[InputRequired(message=DATE_MESSAGE)])
    reason = RadioField(_l("Why the term ends early"), choices=_choices(END_REASON_LABELS),
                        validators=[InputRequired()])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])


class SettingsForm(ConsultForm):
    seats = IntegerField(_l("Number of seats"), validators=[InputRequired(), NumberRange(min=1, max=99)])
    alternates = BooleanField(_l("Seats may have alternates"))
    min_women_percent = IntegerField(_l("Warn when women are fewer than (per cent; 0 for no warning)"),
                                     validators=[InputRequired(), NumberRange(min=0, max=100)])
    warn_empty_subregion = BooleanField(_l("Warn when a subregion has no seat"))
    warn_ending_days = IntegerField(_l("Warn about terms ending within (days; 0 for no warning)"),
                                    validators=[InputRequired(), NumberRange(min=0, max=365)])


class HideNameForm(ConsultForm):
    hide_name = BooleanField(_l("Leave my name off the public list of members"),
                             description=_l("Your organisation, country and role are still shown."))


class CallForm(ConsultForm):
    seats = IntegerField(_l("Seats to fill"), validators=[InputRequired(), NumberRange(min=1, max=99)])
    closes_at = DateTimeLocalField(_l("Deadline"), format=DATETIME_FORMATS,
                                   validators=[InputRequired(message=DATETIME_MESSAGE)])
    timezone = SelectField(_l("Time zone of the deadline"))
    status = RadioField(_l("Status"), choices=_choices(CALL_STATUS_LABELS), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice(zone, zone_label(zone)) for zone in offered_zones()]

    def validate_title_en(self, field):
        if not any((getattr(self, f"title_{lang}").data or "").strip() for lang in LANGUAGES):
            raise ValidationError(_l("Please give a title in at least one language."))

    @classmethod
    def data_from(cls, call):
        data = {"seats": call.seats, "timezone": call.timezone, "status": call.status,
                "closes_at": call.closes_at.astimezone(ZoneInfo(call.timezone)).replace(tzinfo=None)}
        for lang in LANGUAGES:
            data[f"title_{lang}"] = (call.title or {}).get(lang, "")
            data[f"description_{lang}"] = (call.description or {}).get(lang, "")
        return data

    def values(self):
        zone = ZoneInfo(self.timezone.data)
        return {
            "title": {lang: (getattr(self, f"title_{lang}").data or "").strip() for lang in LANGUAGES},
            "description": {lang: (getattr(self, f"description_{lang}").data or "").strip() for lang in LANGUAGES},
            "seats": self.seats.data, "timezone": self.timezone.data, "status": self.status.data,
            "closes_at": self.closes_at.data.replace(tzinfo=zone).astimezone(timezone.utc),
        }


per_language(CallForm, "title", lambda lang: StringField(
    _l("Title in %(language)s", language=LanguageName(lang)), validators=[Optional(), Length(max=300)]))
per_language(CallForm, "description", lambda lang: TextAreaField(
    _l("Description in %(language)s", language=LanguageName(lang)), validators=[Optional(), Length(max=TEXT_LIMIT)]))

class ApplicationForm(OrganisationFieldsMixin, ConsultForm):
    """The public nomination form: an organisation nominates a person. No account needed."""

    org_name = StringField(_l("Name of your organisation"), validators=[DataRequired(), Length(max=300)])
    contact_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(_l("Your e-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                               description=_l("We send the receipt and the outcome here."))
    nominee_name = StringField(_l("Nominee's name"), validators=[DataRequired(), Length(max=200)])
    nominee_email = EmailField(_l("Nominee's e-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                               description=_l("If selected, the nominee receives the invitation to sign in here."))
    nominee_phone = StringField(_l("Nominee's phone (optional)"), validators=[Optional(), Length(max=50)])
    nominee_position = StringField(_l("Nominee's position in the organisation"),
                                   validators=[Optional(), Length(max=200)])
    nominee_gender = SelectField(_l("Nominee's gender"), choices=GENDER_CHOICES, default="", validators=[Optional()],
                                 description=_l("Optional. Used only by the secretariat to keep the group balanced."))
    motivation = TextAreaField(_l("Why do you nominate this person?"),
                               validators=[DataRequired(), Length(max=TEXT_LIMIT)],
                               description=_l("Up to %(n)s characters.", n="4,000"))
    experience = TextAreaField(_l("The nominee's experience of migration issues (optional)"),
                               validators=[Optional(), Length(max=TEXT_LIMIT)],
                               description=_l("Up to %(n)s characters.", n="4,000"))
    consent = BooleanField(_l("I agree that the secretariat keeps these details to decide on the nomination."),
                           validators=[DataRequired(message=_l("Please agree so that we can consider the nomination."))])
    website_check = StringField(_l("Leave this field empty"), validators=[Optional()])
    form_key = HiddenField(validators=[Optional(), Length(max=64)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_choices()

    def validate_website_check(self, field):
        if field.data:
            raise ValidationError(_l("Please leave this field empty."))

    def validate_org_name(self, field):
        # Punctuation alone ("—", "***") names no organisation: its key is empty, no record can be made of it.
        if field.data and not normalise_name(field.data):
            raise ValidationError(_l("Please give the name."))

    def values(self):
        names = ("org_name", "constituency", "country", "website", "contact_name", "contact_email", "nominee_name",
                 "nominee_email", "nominee_phone", "nominee_gender", "nominee_position", "motivation", "experience")
        values = {name: getattr(self, name).data or "" for name in names}
        values["countries_of_work"] = list(self.countries_of_work.data or [])
        values["migrant_led"] = bool(self.migrant_led.data)
        values["nominee_gender"] = gender_value(self.nominee_gender)
        return values


class DecisionForm(ConsultForm):
    """The secretariat's decision on an application: shortlist, decline (with a reason) or select (with a term)."""

    action = RadioField(_l("Decision"), validators=[InputRequired()], choices=[
        SelectChoice("shortlist", _l("Shortlist")), SelectChoice("select", _l("Select")),
        SelectChoice("decline", pgettext_l("nomination", "Decline"))])
    reason = TextAreaField(_l("Reason (sent to the applicant; required to decline)"),
                           validators=[Optional(), Length(max=TEXT_LIMIT)])
    role = SelectField(_l("Role on the group"), choices=_choices(ROLE_LABELS), validate_choice=False)
    seat = IntegerField(_l("Seat"), validators=[Optional(), NumberRange(min=1, max=99)])

    def validate_role(self, field):
        if self.action.data == "select" and field.data not in ROLE_LABELS:
            raise ValidationError(_l("Please choose a role."))
    starts_on = DateField(_l("Term starts on"), validators=[Optional()])
    ends_on = DateField(_l("Term ends on"), validators=[Optional()])

    def validate_reason(self, field):
        if self.action.data == "decline" and not (field.data or "").strip():
            raise ValidationError(_l("Please give the reason: the applicant receives it."))

    def validate_seat(self, field):
        if self.action.data == "select" and not field.data:
            raise ValidationError(_l("Please enter the seat's number."))

    def validate_starts_on(self, field):
        if self.action.data == "select" and not field.data:
            raise ValidationError(DATE_MESSAGE)

    def validate_ends_on(self, field):
        if self.action.data == "select":
            if not field.data:
                raise ValidationError(DATE_MESSAGE)
            if self.starts_on.data and field.data < self.starts_on.data:
                raise ValidationError(_l("The end must come after the start."))
