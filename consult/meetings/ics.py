"""Meetings as iCalendar (RFC 5545/5546), built and escaped by the icalendar library only.

VTIMEZONE decision: each calendar carries, for every zone it uses, a VTIMEZONE
made by icalendar's Timezone.from_tzinfo() limited to the years the meetings
need (1 January of the year before the earliest meeting to 1 January two years
after the latest), rather than Calendar.add_missing_timezones(), which writes
every transition from 1970 to 2038. A short VTIMEZONE keeps invites small,
still gives Outlook the zone it needs (a TZID without VTIMEZONE shifts events
by an hour there), and limits the RDATE lists that some Outlook versions are
reported to mishandle to the few transitions that matter. Zones without DST
(Cairo before 2023, Riyadh) get a single STANDARD component.
"""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText

from ..database import utcnow
from ..i18n import pick
from ..mail import services as mail
from ..web import external_url
from .rsvp import rsvp_token

PRODID = "-//consult//meetings//EN"
STATUS = {"scheduled": "CONFIRMED", "postponed": "TENTATIVE", "held": "CONFIRMED", "cancelled": "CANCELLED",
          "draft": "TENTATIVE"}
PARTSTAT = {"pending": "NEEDS-ACTION", "accepted": "ACCEPTED", "declined": "DECLINED", "tentative": "TENTATIVE"}


def _timezones(meetings):
    """One VTIMEZONE per zone, covering only the years of the meetings in that zone."""
    years = {}
    for meeting in meetings:
        local = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))
        low, high = years.get(meeting.timezone, (local.year, local.year))
        years[meeting.timezone] = (min(low, local.year), max(high, local.year))
    return [Timezone.from_tzinfo(ZoneInfo(zone), tzid=zone, first_date=date(low - 1, 1, 1),
                                 last_date=date(high + 2, 1, 1))
            for zone, (low, high) in sorted(years.items())]


def _organizer():
    address = vCalAddress("mailto:" + current_app.config["CONSULT_MAIL_FROM"])
    address.params["CN"] = vText(current_app.config.get("CONSULT_SITE_NAME") or "consult")
    return address


def _attendee(invitation, rsvp=True):
    address = vCalAddress("mailto:" + (invitation.address or ""))
    if invitation.name:
        address.params["CN"] = vText(invitation.name)
    address.params["ROLE"] = vText("REQ-PARTICIPANT")
    address.params["PARTSTAT"] = vText(PARTSTAT.get(invitation.response, "NEEDS-ACTION"))
    if rsvp:
        address.params["RSVP"] = vText("TRUE")
    return address


def _location(meeting):
    return ", ".join(part for part in (meeting.venue, meeting.address) if part)


def build_event(meeting, lang, invitation=None, cancelled=False):
    """One VEVENT. `invitation` is the reader's own: it adds their ATTENDEE line and the join link."""
    zone = ZoneInfo(meeting.timezone)
    title, _title_lang = pick(meeting.title, lang)
    description, _lang = pick(meeting.description, lang)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence or 0)
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", title)
    blocks = [description] if description else []
    agenda = [f"{item.position}. {pick(item.title, lang)[0]}" for item in meeting.agenda]
    if agenda:
        blocks.append("\n".join(agenda))
    if invitation is not None and meeting.join_url and meeting.kind in ("virtual", "hybrid"):
        with force_locale(lang):
            blocks.append(_("Join online: %(url)s", url=meeting.join_url))
    if blocks:
        event.add("description", "\n\n".join(blocks))
    location = _location(meeting)
    if invitation is not None and meeting.join_url and meeting.kind == "virtual":
        location = meeting.join_url
    if location:
        event.add("location", location)
    event.add("url", external_url("meetings.show", meeting_id=meeting.id, lang=lang))
    event.add("organizer", _organizer())
    if invitation is not None:
        event.add("attendee", _attendee(invitation))
    event.add("status", "CANCELLED" if cancelled or meeting.status == "cancelled" else STATUS[meeting.status])
    if not (cancelled or meeting.status == "cancelled"):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
    return event


def build_calendar(meetings, lang, method="PUBLISH", invitations=None, name=None):
    """A VCALENDAR of the meetings. `invitations` maps meeting id → the reader's Invitation (join links)."""
    invitations = invitations or {}
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for timezone in _timezones(meetings):
        calendar.add_component(timezone)
    for meeting in meetings:
        calendar.add_component(build_event(meeting, lang, invitations.get(meeting.id),
                                           cancelled=(method == "CANCEL")))
    return calendar.to_ical()


def invite(meeting, invitation, lang, method="REQUEST"):
    """The e-mailed invite (REQUEST) or cancellation (CANCEL) for one invitee (RFC 5546)."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(method)
    return build_calendar([meeting], lang, method=method, invitations={meeting.id: invitation})


def _invitee_lang(invitation):
    if invitation.user is not None and invitation.user.locale:
        return invitation.user.locale
    return "en"


def send_invite(meeting, invitation, method="REQUEST"):
    """Queue the invite e-mail: text/calendar inline (alternative body) and the same as an attachment."""
    lang = _invitee_lang(invitation)
    data = invite(meeting, invitation, lang, method=method)
    params = {"method": method, "charset": "UTF-8"}
    parts = [
        {"content_type": "text/calendar", "data": data, "inline": True, "filename": "invite.ics", "params": params},
        {"content_type": "text/calendar", "data": data, "inline": False, "filename": "invite.ics", "params": params},
    ]
    title, _title_lang = pick(meeting.title, lang)
    with force_locale(lang):
        if method == "CANCEL":
            subject = _("Cancelled: %(title)s", title=title)
            text = _("This meeting is cancelled: %(title)s", title=title)
        else:
            subject = _("Invitation: %(title)s", title=title)
            text = _("You are invited to %(title)s. The invite is attached; open it to add the meeting to your calendar.",
                     title=title)
        text += "\n\n" + external_url("meetings.show", meeting_id=meeting.id, lang=lang) + "\n"
        if method != "CANCEL" and invitation.user_id is None and invitation.id is not None:
            # Observers have no account: they answer through their own signed link.
            link = external_url("meetings.rsvp_link", token=rsvp_token(invitation), lang=lang)
            text += "\n" + _("To answer (accept, decline or tentative), open this link: %(url)s", url=link) + "\n"
    return mail.send(invitation.address, subject, text, parts)
