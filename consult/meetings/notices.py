"""What invitees are told by e-mail about a meeting: the invitation, an update, the cancellation.

Only what a calendar must see is mailed: the start, the end, the zone, the place (kind, venue, address),
the join link and the status as iCalendar says it (scheduled and held are both CONFIRMED). Each
invitation keeps what its invitee was last sent (`Invitation.sent_schedule`, see calendar_view), so the
secretariat sends the changes of several edits at once ("Send the update to N invitees") and each update
says what changed since that invitee's last mail (schedule.py says who must be sent what). Agenda changes are never mailed on their own: they
reach calendars with the next update (and the feeds at once).

Every mail gives the date and time in the invitee's own zone (their chosen one, else CONSULT_TIMEZONE),
the meeting's own zone beside it when it differs, the place or "Online", in the invitee's language.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_location
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..core.i18n import LANGUAGES, pick, valid_zone
from ..core.mail import services as mail
from ..core.web import external_url
from .ics import STATUS, invite
from .rsvp import rsvp_token
from .schedule import calendar_view
from .vocabulary import STATUS_LABELS

KINDS = ("invitation", "update", "cancellation")


# ---------------------------------------------------------------- the text

def recipient_lang(invitation):
    user = invitation.user
    return user.locale if user is not None and user.locale in LANGUAGES else "en"


def recipient_zone(invitation):
    user = invitation.user
    if user is not None and valid_zone(user.timezone):
        return user.timezone
    return current_app.config["CONSULT_TIMEZONE"]


def _moment(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def zone_name(zone, lang):
    if zone == "UTC":
        return "UTC"
    return get_timezone_location(ZoneInfo(zone), locale=lang, return_city=True)


def when(view, zone, lang):
    """"Thursday 10 December 2026, 10:00 – 12:00 (Beirut)" in `zone`; call inside force_locale(lang)."""
    tz = ZoneInfo(zone)
    start, end = _moment(view["starts_at"]).astimezone(tz), _moment(view["ends_at"]).astimezone(tz)
    first = format_date(start, "full", locale=lang)
    if start.date() == end.date():
        times = _("%(start)s – %(end)s", start=format_time(start, "HH:mm", locale=lang),
                  end=format_time(end, "HH:mm", locale=lang))
        text = _("%(date)s, %(times)s", date=first, times=times)
    else:
        text = _("%(start)s – %(end)s",
                 start=_("%(date)s, %(times)s", date=first, times=format_time(start, "HH:mm", locale=lang)),
                 end=_("%(date)s, %(times)s", date=format_date(end, "full", locale=lang),
                       times=format_time(end, "HH:mm", locale=lang)))
    return _("%(when)s (%(zone)s time)", when=text, zone=zone_name(zone, lang))


def place(view):
    """The venue and address, "Online", or both; call inside force_locale."""
    where = ", ".join(part for part in (view.get("venue"), view.get("address")) if part)
    if view["kind"] == "virtual":
        return _("Online")
    if view["kind"] == "hybrid":
        return _("%(place)s, and online", place=where) if where else _("Online")
    return where or _("The place will be announced.")


def changes(sent, view, zone, lang):
    """Lines saying what changed between what was sent and now ("New time: ..., was ..."); inside force_locale."""
    if sent is None:
        return []
    lines = []
    if any(sent[field] != view[field] for field in ("starts_at", "ends_at", "timezone")):
        lines.append(_("New time: %(new)s, was %(old)s", new=when(view, zone, lang), old=when(sent, zone, lang)))
    if place(sent) != place(view):
        lines.append(_("New place: %(new)s, was %(old)s", new=place(view), old=place(sent)))
    if sent.get("join_url") != view.get("join_url") and view["kind"] != "in_person" and view.get("join_url"):
        lines.append(_("New link to join online: %(url)s", url=view["join_url"]))
    if STATUS.get(sent["status"]) != STATUS.get(view["status"]):
        lines.append(_("New status: %(new)s, was %(old)s", new=STATUS_LABELS[view["status"]],
                       old=STATUS_LABELS[sent["status"]]))
    return lines


def send_notice(meeting, invitation, kind, sent=None):
    """Queue one invitee's invitation, update (what changed since `sent`) or cancellation, with the invite."""
    if kind not in KINDS:
        raise ValueError(kind)
    lang, zone = recipient_lang(invitation), recipient_zone(invitation)
    method = "CANCEL" if kind == "cancellation" else "REQUEST"
    data = invite(meeting, invitation, lang, method=method)
    params = {"method": method, "charset": "UTF-8"}
    parts = [
        {"content_type": "text/calendar", "data": data, "inline": True, "filename": "invite.ics", "params": params},
        {"content_type": "text/calendar", "data": data, "inline": False, "filename": "invite.ics", "params": params},
    ]
    view = calendar_view(meeting)
    with force_locale(lang):
        rsvp_url = None
        if kind != "cancellation" and invitation.user_id is None and invitation.id is not None:
            # Observers have no account: they answer through their own signed link.
            rsvp_url = external_url("meetings.rsvp_link", token=rsvp_token(invitation), lang=lang)
        context = {
            "kind": kind, "title": pick(meeting.title, lang)[0],
            "name": (invitation.user.name if invitation.user is not None else invitation.name) or "",
            "when": when(view, zone, lang),
            "meeting_when": when(view, meeting.timezone, lang) if meeting.timezone != zone else None,
            "place": place(view), "changes": changes(sent, view, zone, lang) if kind == "update" else [],
            "join_url": (meeting.join_url if kind != "cancellation" and meeting.kind != "in_person" else None),
            "page_url": external_url("meetings.show", meeting_id=meeting.id, lang=lang), "rsvp_url": rsvp_url,
        }
    return mail.send_template(invitation.address, "mail/meeting_notice", lang, parts, **context)
