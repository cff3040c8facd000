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
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText

from ..core.database import utcnow
from ..core.i18n import pick
from ..core.web import external_url

PRODID = "-//consult//meetings//EN"
STATUS = {"scheduled": "CONFIRMED", "postponed": "TENTATIVE", "held": "CONFIRMED", "cancelled": "CANCELLED",
          "draft": "TENTATIVE"}
PARTSTAT = {"pending": "NEEDS-ACTION", "accepted": "ACCEPTED", "declined": "DECLINED", "tentative": "TENTATIVE"}


def _zone_years(meetings):
    """For each zone the meetings use: the first and last year (local) of its meetings."""
    years = {}
    for meeting in meetings:
        local = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))
        low, high = years.get(meeting.timezone, (local.year, local.year))
        years[meeting.timezone] = (min(low, local.year), max(high, local.year))
    return sorted(years.items())


def _timezone(zone, low, high):
    return Timezone.from_tzinfo(ZoneInfo(zone), tzid=zone, first_date=date(low - 1, 1, 1),
                                last_date=date(high + 2, 1, 1))


def _timezones(meetings):
    """One VTIMEZONE per zone, covering only the years of the meetings in that zone."""
    return [_timezone(zone, low, high) for zone, (low, high) in _zone_years(meetings)]


def _location(meeting):
    return ", ".join(part for part in (meeting.venue, meeting.address) if part)


class EventText(NamedTuple):
    """Everything a VEVENT's text is made of, except DTSTAMP, as plain values.

    _event_text() reads the meeting, the reader's invitation and the settings into this; _make_event()
    makes the VEVENT from it and from nothing else (but the translation of "Join online", fixed for a
    process). So it is, by construction, a complete key for the feeds' cache of serialised VEVENTs:
    whatever changes the text (a time, a translation of the title, an agenda item, the cancellation,
    the member's answer, name or address, a setting) changes the key; no version number to forget.
    """

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    timezone: str
    title: str
    description: str
    agenda: tuple  # ("1. Opening", ...)
    join_url: str | None  # the reader's join link, for the description
    location: str
    url: str
    organizer: tuple  # (address, name)
    attendee: tuple | None  # the reader's (address, name, PARTSTAT)
    status: str
    lang: str  # of the "Join online" line


def _event_text(meeting, lang, invitation=None, cancelled=False):
    """The EventText of a meeting for a reader: `invitation` (theirs) adds their ATTENDEE and the join link."""
    # A cancelled meeting gives its join link to no one, in no calendar.
    join_url, kind = (None if meeting.status == "cancelled" else meeting.join_url), meeting.kind
    invited = invitation is not None and bool(join_url)
    config = current_app.config
    return EventText(
        uid=meeting.uid,
        sequence=meeting.sequence or 0,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        timezone=meeting.timezone,
        title=pick(meeting.title, lang)[0],
        description=pick(meeting.description, lang)[0],
        agenda=tuple(f"{item.position}. {pick(item.title, lang)[0]}" for item in meeting.agenda),
        join_url=join_url if invited and kind in ("virtual", "hybrid") else None,
        location=join_url if invited and kind == "virtual" else _location(meeting),
        url=external_url("meetings.show", meeting_id=meeting.id, lang=lang),
        organizer=(config["CONSULT_MAIL_FROM"], config.get("CONSULT_SITE_NAME") or "consult"),
        attendee=None if invitation is None else (
            invitation.address or "", invitation.name or "", PARTSTAT.get(invitation.response, "NEEDS-ACTION")),
        status="CANCELLED" if cancelled or meeting.status == "cancelled" else STATUS[meeting.status],
        lang=lang,
    )


def _make_event(text, stamp):
    """The VEVENT of an EventText, stamped `stamp` (DTSTAMP). Reads nothing else (see EventText)."""
    zone = ZoneInfo(text.timezone)
    event = Event()
    event.add("uid", text.uid)
    event.add("sequence", text.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", text.starts_at.astimezone(zone))
    event.add("dtend", text.ends_at.astimezone(zone))
    event.add("summary", text.title)
    blocks = [text.description] if text.description else []
    if text.agenda:
        blocks.append("\n".join(text.agenda))
    if text.join_url:
        with force_locale(text.lang):
            blocks.append(_("Join online: %(url)s", url=text.join_url))
    if blocks:
        event.add("description", "\n\n".join(blocks))
    if text.location:
        event.add("location", text.location)
    event.add("url", text.url)
    organizer = vCalAddress("mailto:" + text.organizer[0])
    organizer.params["CN"] = vText(text.organizer[1])
    event.add("organizer", organizer)
    if text.attendee is not None:
        address, name, partstat = text.attendee
        attendee = vCalAddress("mailto:" + address)
        if name:
            attendee.params["CN"] = vText(name)
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText(partstat)
        attendee.params["RSVP"] = vText("TRUE")
        event.add("attendee", attendee)
    event.add("status", text.status)
    if text.status != "CANCELLED":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", text.title)
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
    return event


def build_event(meeting, lang, invitation=None, cancelled=False, stamp=None):
    """One VEVENT. `invitation` is the reader's own: it adds their ATTENDEE line and the join link.

    `meeting` is a Meeting or a services.FeedMeeting (the same fields as plain values); `invitation`
    an Invitation or a row with its .address, .name and .response (services.invitations_by_meeting).
    """
    return _make_event(_event_text(meeting, lang, invitation, cancelled), stamp or utcnow())


def _calendar(method, name):
    """The VCALENDAR with its properties and no components yet."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def build_calendar(meetings, lang, method="PUBLISH", invitations=None, name=None, stamp=None):
    """A VCALENDAR of the meetings. `invitations` maps meeting id → the reader's invitation (join links).

    Every event has the same DTSTAMP, `stamp` (default: now), the time this calendar is made.
    """
    invitations = invitations or {}
    stamp = stamp or utcnow()
    calendar = _calendar(method, name)
    for vtimezone in _timezones(meetings):
        calendar.add_component(vtimezone)
    for meeting in meetings:
        calendar.add_component(build_event(meeting, lang, invitations.get(meeting.id),
                                           cancelled=(method == "CANCEL"), stamp=stamp))
    return calendar.to_ical()


# ---------------------------------------------------------------- feeds, from cached VEVENTs
#
# Calendar clients ask for every member's feed every 15 to 60 minutes, and meetings change rarely;
# making and serialising the VEVENTs with icalendar was most of a feed's time (0.7-0.9 ms an event).
# So each process keeps the serialised VEVENTs, keyed by their EventText, and a feed is the bytes
# build_calendar() gives: the calendar's own lines and VTIMEZONEs (made by icalendar, the zones
# cached too), the cached VEVENTs, each with the DTSTAMP line of this request put back in, and
# END:VCALENDAR. icalendar serialises a calendar as its lines followed by each component's own
# to_ical(), so the splice gives the same bytes (tests/meetings/test_feed_cache.py checks it).
#
# The cache is a functools.lru_cache: bounded, per process, safe to use from several threads (at
# worst two threads make the same entry). An entry is about 2 KB (the bytes and the key); the
# reader's own ATTENDEE line makes each member's events their own entries, so 10,000 entries
# (about 20 MB) hold, say, 40 members' feeds of 250 meetings. A bigger working set makes misses,
# never wrong text: a miss costs what the uncached build does. Nothing needs emptying when a meeting
# changes: its new text is a new key, and the old entry ages out.

FEED_CACHE_SIZE = 10_000
# Cached VEVENTs are made with this DTSTAMP, then cut around its line (see _cached_event).
_CACHE_STAMP = datetime(2000, 1, 1, tzinfo=timezone.utc)
_END = b"END:VCALENDAR\r\n"


def _stamp_line(stamp):
    """The DTSTAMP line as icalendar writes it in a VEVENT, CRLF included."""
    event = Event()
    event.add("dtstamp", stamp)
    return event.to_ical().split(b"\r\n")[1] + b"\r\n"


_CACHE_STAMP_LINE = b"\r\n" + _stamp_line(_CACHE_STAMP)


@lru_cache(maxsize=FEED_CACHE_SIZE)
def _cached_event(text):
    """The serialised VEVENT of an EventText, cut around its DTSTAMP line: (before, after)."""
    data = _make_event(text, _CACHE_STAMP).to_ical()
    # The line is the whole line after a CRLF: a property's value never holds a bare CRLF.
    before, line, after = data.partition(_CACHE_STAMP_LINE)
    if not line:
        raise ValueError("no DTSTAMP line in " + repr(data[:200]))
    return before + b"\r\n", after


@lru_cache(maxsize=64)
def _cached_timezone(zone, low, high):
    return _timezone(zone, low, high).to_ical()


def clear_feed_cache():
    """Forget the cached VEVENTs and VTIMEZONEs (tests and the benchmark's cold builds)."""
    _cached_event.cache_clear()
    _cached_timezone.cache_clear()


def build_feed(meetings, lang, invitations=None, name=None, stamp=None):
    """The same bytes as build_calendar(meetings, lang, "PUBLISH", invitations, name, stamp), faster."""
    invitations = invitations or {}
    head = _calendar("PUBLISH", name).to_ical()
    if not head.endswith(_END):
        raise ValueError("a calendar that does not end with END:VCALENDAR")
    parts = [head[:-len(_END)]]
    parts += [_cached_timezone(zone, low, high) for zone, (low, high) in _zone_years(meetings)]
    stamp_line = _stamp_line(stamp or utcnow())
    for meeting in meetings:
        before, after = _cached_event(_event_text(meeting, lang, invitations.get(meeting.id)))
        parts += (before, stamp_line, after)
    parts.append(_END)
    return b"".join(parts)


def invite(meeting, invitation, lang, method="REQUEST"):
    """The e-mailed invite (REQUEST) or cancellation (CANCEL) for one invitee (RFC 5546)."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(method)
    return build_calendar([meeting], lang, method=method, invitations={meeting.id: invitation})
