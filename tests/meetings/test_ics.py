"""Invites built by consult.meetings.ics, parsed back with icalendar."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from consult.meetings import ics, services

JOIN = "https://meet.example.org/secret-room-42"


def events(data):
    calendar = Calendar.from_ical(data)
    return calendar, list(calendar.walk("VEVENT"))


def one_event(data):
    calendar, found = events(data)
    assert len(found) == 1
    return calendar, found[0]


def test_uid_stable_and_sequence_increases(create_meeting):
    meeting = create_meeting(agenda=[{"title": {"en": "Opening"}, "duration_minutes": 10}])
    uid = meeting.uid
    assert uid.startswith("meeting-") and uid.endswith("@consult")
    _cal, first = one_event(ics.build_calendar([meeting], "en"))
    assert str(first["UID"]) == uid and first["SEQUENCE"] == 0

    sequences = [0]
    services.update_meeting(meeting, starts_at=meeting.starts_at.replace(hour=(meeting.starts_at.hour + 1) % 20),
                            ends_at=meeting.ends_at.replace(hour=(meeting.starts_at.hour + 1) % 20 + 3))
    services.update_meeting(meeting, venue="UN House")
    services.update_meeting(meeting, agenda=[{"title": {"en": "Opening"}, "duration_minutes": 10},
                                             {"title": {"en": "Closing"}, "duration_minutes": 5}])
    calendar, event = one_event(ics.build_calendar([meeting], "en"))
    sequences.append(event["SEQUENCE"])
    assert str(event["UID"]) == uid
    assert sequences == [0, 2]  # the agenda is the event's description: it raises nothing
    assert "Closing" in str(event["DESCRIPTION"])

    # A change of nothing that calendars show does not raise the sequence.
    assert services.update_meeting(meeting, venue="UN House") is False
    assert meeting.sequence == 2


def test_each_change_raises_sequence(create_meeting):
    meeting = create_meeting()
    seen = []
    for venue in ("A", "B", "C"):
        services.update_meeting(meeting, venue=venue)
        _cal, event = one_event(ics.build_calendar([meeting], "en"))
        seen.append(event["SEQUENCE"])
    assert seen == sorted(set(seen)) and seen[0] > 0


def test_cancel_keeps_uid(create_meeting, member):
    meeting = create_meeting()
    services.invite_members(meeting, [member])
    invitation = services.invitation_for(meeting, member)
    before = meeting.sequence
    services.cancel_meeting(meeting)
    calendar, event = one_event(ics.invite(meeting, invitation, "en", method="CANCEL"))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == before + 1
    assert str(event["STATUS"]) == "CANCELLED"
    assert "ORGANIZER" in event and "member@example.org" in str(event["ATTENDEE"]).lower()


@pytest.mark.parametrize("zone, utc_hour", [("Europe/Paris", 8), ("Africa/Cairo", 8), ("Asia/Riyadh", 7)])
def test_dtstart_in_zone_across_dst(create_meeting, zone, utc_hour):
    # Paris moved to summer time on 29 March 2026: 10:00 on the 30th is 08:00 UTC (it would be 09:00 a week earlier).
    # Cairo is on EET (UTC+2) at the end of March 2026 (its summer time starts in late April); Riyadh is UTC+3.
    starts = datetime(2026, 3, 30, 10, 0, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
    assert starts.hour == utc_hour
    meeting = create_meeting(timezone=zone, starts_at=starts, ends_at=starts.replace(hour=starts.hour + 2))
    calendar, event = one_event(ics.build_calendar([meeting], "en"))
    dtstart = event.decoded("DTSTART")
    assert event["DTSTART"].params["TZID"] == zone
    assert (dtstart.hour, dtstart.minute) == (10, 0)
    assert dtstart.astimezone(timezone.utc) == starts
    tzids = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert tzids == [zone]
    # The VTIMEZONE itself (not only the zone name) gives the right offset.
    vtimezone = calendar.walk("VTIMEZONE")[0]
    local = datetime(2026, 3, 30, 10, 0, tzinfo=vtimezone.to_tz())
    assert local.astimezone(timezone.utc) == starts
    # ... and a week earlier, before Paris changed its clocks.
    before = datetime(2026, 3, 23, 10, 0, tzinfo=vtimezone.to_tz()).astimezone(timezone.utc)
    assert before == datetime(2026, 3, 23, 10, 0, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def test_arabic_text_intact_after_folding(create_meeting):
    description = "يناقش الفريق الاستشاري الإقليمي مساهمات المجتمع المدني في الاستعراض الإقليمي للاتفاق العالمي من أجل الهجرة الآمنة والمنظمة والنظامية، بما في ذلك التوظيف العادل، والحماية الاجتماعية؛ ثم يتفق على الرسائل الرئيسية. " * 3
    title = "الاجتماع الرابع للفريق الاستشاري الإقليمي المعني بالهجرة في المنطقة العربية، القاهرة"
    meeting = create_meeting(title={"ar": title, "en": "x"}, description={"ar": description, "en": "y"})
    data = ics.build_calendar([meeting], "ar")
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no line is cut inside a character
    _cal, event = one_event(data)
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]) == description


def test_publish_download_and_join_link(create_meeting, member):
    meeting = create_meeting()
    calendar, event = one_event(ics.build_calendar([meeting], "en"))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert JOIN.encode() not in event.to_ical()
    assert "ATTENDEE" not in event
    assert event.walk("VALARM")[0].decoded("TRIGGER").total_seconds() == -86400
    services.invite_members(meeting, [member])
    invitation = services.invitation_for(meeting, member)
    _cal, event = one_event(ics.build_calendar([meeting], "en", invitations={meeting.id: invitation}))
    assert JOIN in str(event["DESCRIPTION"])
    assert str(event["ATTENDEE"]).lower() == "mailto:member@example.org"


def test_request_needs_organizer_and_attendee(create_meeting, member, app):
    meeting = create_meeting()
    services.invite_members(meeting, [member])
    calendar, event = one_event(ics.invite(meeting, services.invitation_for(meeting, member), "fr"))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:" + app.config["CONSULT_MAIL_FROM"]
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert str(event["SUMMARY"]) == "Réunion du groupe consultatif"
    assert str(event["URL"]) == f"http://consult.test/fr/meetings/{meeting.id}/"


def test_emailed_request_reaches_smtp(create_meeting, member, smtp, db):
    from consult.core.mail import services as mail

    meeting = create_meeting()
    services.invite_members(meeting, [member])
    assert services.send_invites(meeting) == 1
    mail.deliver()
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "member@example.org"
    calendars = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert calendars, message.as_string()[:2000]
    inline = [part for part in calendars if part.get_content_disposition() != "attachment"]
    attached = [part for part in calendars if part.get_content_disposition() == "attachment"]
    assert inline and attached
    for part in calendars:
        assert part.get_param("method") == "REQUEST"
        calendar, event = one_event(part.get_payload(decode=True))
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == meeting.uid


def test_cli_prints_publish(create_meeting, app):
    meeting = create_meeting()
    db_result = app.test_cli_runner().invoke(args=["consult", "meeting", "ics", str(meeting.id)])
    assert db_result.exit_code == 0, db_result.output
    calendar, event = one_event(db_result.stdout_bytes)
    assert str(calendar["METHOD"]) == "PUBLISH" and str(event["UID"]) == meeting.uid
    assert JOIN not in db_result.output
    missing = app.test_cli_runner().invoke(args=["consult", "meeting", "ics", "999999"])
    assert missing.exit_code != 0


def test_second_parser_reads_invite(create_meeting, member):
    """vobject, a parser independent of icalendar, reads the same zone, times and Arabic text."""
    vobject = pytest.importorskip("vobject")
    starts = datetime(2026, 3, 30, 10, 0, tzinfo=ZoneInfo("Europe/Paris")).astimezone(timezone.utc)
    meeting = create_meeting(timezone="Europe/Paris", starts_at=starts, ends_at=starts.replace(hour=10),
                             title={"ar": "اجتماع الفريق الاستشاري في باريس " * 4})
    services.invite_members(meeting, [member])
    data = ics.invite(meeting, services.invitation_for(meeting, member), "ar").decode("utf-8")
    parsed = vobject.readOne(data)
    assert parsed.method.value == "REQUEST"
    assert parsed.vevent.uid.value == meeting.uid
    assert parsed.vevent.dtstart.value.astimezone(timezone.utc) == starts
    assert parsed.vevent.summary.value == "اجتماع الفريق الاستشاري في باريس " * 4
