"""Forms of the meeting pages: the secretariat's meeting form, and the member's calendar address."""
import re
from datetime import timezone
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, DateTimeLocalField, FileField, IntegerField, RadioField, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField, TimeField, URLField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, URL, ValidationError

from ..core import reference
from ..core.forms import DATETIME_FORMATS, DATETIME_MESSAGE, ConsultForm, language_choices, offered_zones, per_language
from ..core.i18n import LANGUAGES, current_lang, valid_zone, zone_label
from .agenda import local_start
from .vocabulary import (ACTION_STATUS_LABELS, ANSWER_BUTTONS, DIRECTION_LABELS, KIND_LABELS, STATUS_LABELS,
                         VISIBILITY_LABELS)


def _choices(labels):
    return [SelectChoice(value, label) for value, label in labels.items()]


class FeedTokenForm(ConsultForm):
    create = SubmitField(_l("Make a new calendar address"))
    revoke = SubmitField(_l("Revoke my calendar address"))


class RsvpForm(ConsultForm):
    """Three buttons named "response"; anything else is a form error (400)."""

    response = RadioField(_l("Your answer"), choices=_choices(ANSWER_BUTTONS))


class AttendanceForm(ConsultForm):
    """One checkbox per invitation (its id); the choices are the meeting's invitations."""

    attended = SelectMultipleField(_l("Attended"), coerce=int, validate_choice=True)
    save_attendance = SubmitField(_l("Save attendance"))

    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attended.choices = [(invitation.id, invitation.name or invitation.address or "") for invitation in invitations]


MAX_OBSERVERS = 200


def observer_addresses(text):
    """The addresses typed one per line (commas, semicolons and spaces also separate them), in order, once each."""
    seen, addresses = set(), []
    for address in re.split(r"[\s,;]+", text or ""):
        if address and address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    return addresses


class InviteForm(ConsultForm):
    """Whom to invite: every active account, chosen accounts, and observers by e-mail address."""

    everyone = BooleanField(_l("Invite every active member (and the secretariat)"))
    members = SelectMultipleField(_l("Or choose members"), coerce=int, validate_choice=True)
    observers = TextAreaField(_l("Observers' e-mail addresses"), validators=[Optional(), Length(max=20000)],
                              description=_l("One address per line. Observers have no account: "
                                             "they answer through a link in their e-mail."),
                              render_kw={"dir": "ltr", "rows": 5, "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members.choices = [(user.id, f"{user.name} ({user.email})" if user.name else user.email)
                                for user in users]
        self.addresses = []

    def validate_observers(self, field):
        addresses = observer_addresses(field.data)
        if len(addresses) > MAX_OBSERVERS:
            raise ValidationError(_l("At most %(count)s addresses at a time, please.", count=MAX_OBSERVERS))
        normalized, bad = [], []
        for address in addresses:
            try:
                normalized.append(validate_email(address, check_deliverability=False).normalized.lower())
            except EmailNotValidError:
                bad.append(address)
        if bad:
            raise ValidationError(_l("These addresses are not valid: %(addresses)s", addresses=", ".join(bad)))
        self.addresses = list(dict.fromkeys(normalized))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.everyone.data and not self.members.data and not self.addresses:
            self.members.errors = [*self.members.errors, _l("Please choose whom to invite.")]
            ok = False
        return ok


class MeetingForm(ConsultForm):
    """Create or change a meeting. Times are typed as local times in the meeting's own zone."""

    kind = SelectField(_l("Kind of meeting"), choices=_choices(KIND_LABELS), validators=[DataRequired()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=500)])
    join_url = URLField(_l("Online join link"), validators=[Optional(), URL(), Length(max=500)],
                        description=_l("Shown only to invitees, never on public pages or feeds."))
    timezone = SelectField(_l("Time zone of the meeting"), validators=[DataRequired()],
                           description=_l("The start and the end below are times in this zone."))
    starts_at = DateTimeLocalField(_l("Starts"), format=DATETIME_FORMATS, validators=[Optional()])
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMATS, validators=[Optional()])
    languages = SelectMultipleField(_l("Working languages"), choices=language_choices,
                                    validators=[Optional()])
    interpretation = BooleanField(_l("Interpretation offered"))
    visibility = SelectField(_l("Who may see it"), choices=_choices(VISIBILITY_LABELS), validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=_choices(STATUS_LABELS), validators=[DataRequired()],
                         description=_l("Draft: only the secretariat sees the meeting; it is in no list, feed or "
                                        "calendar, and nobody is e-mailed. Scheduled (publishing): those chosen "
                                        "under \"Who may see it\" see it in the list and their calendars, and "
                                        "the invitations can be sent."))

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        zones = list(offered_zones())
        if meeting is not None and meeting.timezone not in zones and valid_zone(meeting.timezone):
            zones.append(meeting.timezone)
        self.timezone.choices = [SelectChoice(zone, f"{zone_label(zone)} ({zone})" if zone != "UTC" else "UTC")
                                 for zone in zones]

    @classmethod
    def for_meeting(cls, meeting):
        zone = ZoneInfo(meeting.timezone)
        data = {
            "kind": meeting.kind, "venue": meeting.venue, "address": meeting.address, "join_url": meeting.join_url,
            "timezone": meeting.timezone, "languages": list(meeting.languages or []),
            "interpretation": meeting.interpretation, "visibility": meeting.visibility, "status": meeting.status,
            "starts_at": meeting.starts_at.astimezone(zone).replace(tzinfo=None),
            "ends_at": meeting.ends_at.astimezone(zone).replace(tzinfo=None),
        }
        for lang in LANGUAGES:
            data[f"title_{lang}"] = (meeting.title or {}).get(lang, "")
            data[f"description_{lang}"] = (meeting.description or {}).get(lang, "")
        return cls(data=data, meeting=meeting)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not any((self[f"title_{lang}"].data or "").strip() for lang in LANGUAGES):
            self[f"title_{LANGUAGES[0]}"].errors.append(_l("Please give the meeting a title in at least one language."))
            ok = False
        return ok

    def validate_starts_at(self, field):
        field.data = self._utc(field)

    def validate_ends_at(self, field):
        field.data = self._utc(field)
        starts = self.starts_at.data
        if starts is not None and starts.tzinfo is not None and field.data is not None and field.data <= starts:
            raise ValidationError(_l("The end must come after the start."))

    def _utc(self, field):
        """The typed local time in the chosen zone, as UTC; a time that the clocks skip is an error."""
        value = field.data
        if value is None:
            raise ValidationError(DATETIME_MESSAGE)
        if value.tzinfo is not None:
            return value
        if self.timezone.data not in {choice.value for choice in self.timezone.choices}:
            return None
        zone = ZoneInfo(self.timezone.data)
        moment = value.replace(tzinfo=zone).astimezone(timezone.utc)
        if moment.astimezone(zone).replace(tzinfo=None) != value:
            raise ValidationError(_l("This time does not exist in that zone (the clocks change then). Please choose another."))
        return moment

    def values(self):
        def texts(kind):
            return {lang: self[f"{kind}_{lang}"].data.strip() for lang in LANGUAGES
                    if (self[f"{kind}_{lang}"].data or "").strip()}

        return {
            "title": texts("title"), "description": texts("description"), "kind": self.kind.data,
            "venue": (self.venue.data or "").strip(), "address": (self.address.data or "").strip(),
            "join_url": (self.join_url.data or "").strip() or None, "timezone": self.timezone.data,
            "starts_at": self.starts_at.data, "ends_at": self.ends_at.data,
            "languages": list(self.languages.data or []), "interpretation": bool(self.interpretation.data),
            "visibility": self.visibility.data, "status": self.status.data,
        }


per_language(MeetingForm, "title", lambda lang: StringField(
    _l("Title"), validators=[Optional(), Length(max=300)], render_kw={"lang": lang}))
per_language(MeetingForm, "description", lambda lang: TextAreaField(
    _l("Description"), validators=[Optional(), Length(max=20000)], render_kw={"lang": lang}))


# ---------------------------------------------------------------- minutes and actions

MINUTES_LANGUAGE_CHOICES = language_choices


class MinutesForm(ConsultForm):
    text = TextAreaField(_l("Minutes"), validators=[Optional(), Length(max=100000)],
                         description=_l("Plain text: leave an empty line between paragraphs."),
                         render_kw={"dir": "auto", "rows": 16})
    language = SelectField(_l("Language of the minutes"), choices=MINUTES_LANGUAGE_CHOICES,
                           validators=[DataRequired()])
    decisions = TextAreaField(_l("Decisions"), validators=[Optional(), Length(max=20000)],
                              description=_l("One decision per line, in order."),
                              render_kw={"dir": "auto", "rows": 6})
    minutes_public = BooleanField(_l("Show the minutes on the public page of a public meeting"))

    def validate_decisions(self, field):
        if any(len(line.strip()) > 1000 for line in (field.data or "").splitlines()):
            raise ValidationError(_l("Each decision can have at most 1000 characters."))

    def decision_lines(self):
        return [line.strip() for line in (self.decisions.data or "").splitlines() if line.strip()]


class ActionForm(ConsultForm):
    """Add or change an action item: an owner with an account, or a name."""

    text = StringField(_l("Action"), validators=[DataRequired(), Length(max=1000)], render_kw={"dir": "auto"})
    owner_id = SelectField(_l("Owner"), coerce=lambda value: int(value) if value not in (None, "", "None") else None,
                           validate_choice=True)
    owner_name = StringField(_l("Or the owner's name (no account)"), validators=[Optional(), Length(max=200)],
                             render_kw={"dir": "auto"})
    due_on = DateField(_l("Due date"), validators=[DataRequired(message=_l("Please give a date as YYYY-MM-DD."))])
    status = SelectField(_l("Status"), choices=_choices(ACTION_STATUS_LABELS), validators=[Optional()])

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = [SelectChoice(None, _l("(no account)"))] + [
            SelectChoice(user.id, user.name or user.email) for user in users]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.owner_id.errors and self.owner_id.data is None and not (self.owner_name.data or "").strip():
            self.owner_name.errors = [*self.owner_name.errors, _l("Please choose an owner or give a name.")]
            ok = False
        return ok

    def values(self):
        return {"text": self.text.data.strip(), "due_on": self.due_on.data, "owner_id": self.owner_id.data,
                "owner_name": (self.owner_name.data or "").strip()}


class CloseActionForm(ConsultForm):
    """Only the CSRF token: the button marks the action done."""


# ---------------------------------------------------------------- agenda

class AgendaItemForm(ConsultForm):
    """Add or change an agenda item: a local start time on the meeting's day, or a duration, or both."""

    presenter = StringField(_l("Presenter"), validators=[Optional(), Length(max=200)], render_kw={"dir": "auto"})
    start_time = TimeField(_l("Start time (HH:MM)"), format=["%H:%M", "%H:%M:%S"], validators=[Optional()],
                           description=_l("In the meeting's time zone, on the day of the meeting."),
                           render_kw={"dir": "ltr"})
    duration_minutes = IntegerField(_l("Duration in minutes"), validators=[Optional(), NumberRange(min=1, max=1440)],
                                    render_kw={"dir": "ltr"})
    objectives = SelectMultipleField(_l("Linked GCM objectives"), coerce=int, validators=[Optional()])

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._meeting = meeting
        self.objectives.choices = [SelectChoice(number, label)
                                   for number, label in reference.choices(reference.OBJECTIVES, current_lang())]

    @classmethod
    def for_item(cls, item):
        meeting = item.meeting
        data = {"presenter": item.presenter, "duration_minutes": item.duration_minutes,
                "objectives": list(item.objectives or []),
                "start_time": (item.starts_at.astimezone(ZoneInfo(meeting.timezone)).time().replace(tzinfo=None)
                               if item.starts_at else None)}
        for lang in LANGUAGES:
            data[f"title_{lang}"] = (item.title or {}).get(lang, "")
            data[f"description_{lang}"] = (item.description or {}).get(lang, "")
        return cls(data=data, meeting=meeting)

    def validate_objectives(self, field):
        field.data = sorted(set(field.data or []))

    def validate_start_time(self, field):
        if field.data is not None and self._meeting is not None and local_start(self._meeting, field.data) is None:
            raise ValidationError(_l("This time does not exist in that zone (the clocks change then). Please choose another."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not any((self[f"title_{lang}"].data or "").strip() for lang in LANGUAGES):
            self[f"title_{LANGUAGES[0]}"].errors.append(_l("Please give the item a title in at least one language."))
            ok = False
        if (not self.start_time.errors and not self.duration_minutes.errors
                and self.start_time.data is None and self.duration_minutes.data is None):
            self.start_time.errors = [*self.start_time.errors, _l("Please give a start time or a duration.")]
            ok = False
        return ok

    def values(self):
        def texts(kind):
            return {lang: self[f"{kind}_{lang}"].data.strip() for lang in LANGUAGES
                    if (self[f"{kind}_{lang}"].data or "").strip()}

        start = self.start_time.data
        return {"title": texts("title"), "description": texts("description"),
                "presenter": (self.presenter.data or "").strip(),
                "starts_at": local_start(self._meeting, start) if start is not None else None,
                "duration_minutes": self.duration_minutes.data, "objectives": list(self.objectives.data or [])}


per_language(AgendaItemForm, "title", lambda lang: StringField(
    _l("Title"), validators=[Optional(), Length(max=300)], render_kw={"lang": lang}))
per_language(AgendaItemForm, "description", lambda lang: TextAreaField(
    _l("Description"), validators=[Optional(), Length(max=5000)], render_kw={"lang": lang, "rows": 3}))


class MoveItemForm(ConsultForm):
    direction = SelectField(_l("Direction"), choices=_choices(DIRECTION_LABELS), validators=[DataRequired()])


class ConfirmForm(ConsultForm):
    """Only the CSRF token: the button does the deed (delete an item or a document)."""


class AgendaDocumentForm(ConsultForm):
    document = FileField(_l("Document"), description=_l("PDF, Word (DOCX) or OpenDocument (ODT); at most 5 MB."))
