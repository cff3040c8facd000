"""Calendar feeds made from cached VEVENTs (ics.build_feed): the very bytes of the uncached build, and
every change shown on the next poll. Real app, real database; feeds parsed back with icalendar."""
from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from consult.core.extensions import db as _db
from consult.meetings import agenda, ics, rsvp, services
from consult.meetings.models import AgendaItem
from tests.helpers import recorded_statements

JOIN = "https://meet.example.org/secret-room-42"
# In ten days, on the hour: RSVPs stay open.
STARTS = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) + timedelta(days=10)


@pytest.fixture(autouse=True)
def cold_cache():
    """Each test starts with empty caches, so a test cannot pass on another one's entries."""
    ics.clear_feed_cache()


def by_uid(data):
    return {str(item["UID"]): item for item in Calendar.from_ical(data).walk("VEVENT")}


def stamp_of(data):
    """The feed's DTSTAMP (the same on every event)."""
    stamps = {item.decoded("DTSTAMP") for item in Calendar.from_ical(data).walk("VEVENT")}
    assert len(stamps) == 1
    return stamps.pop()


def some_meetings(create_meeting):
    """Meetings that use every branch of build_event: kinds, zones, statuses, agenda, long Arabic text."""
    long_ar = ("يناقش الفريق الاستشاري الإقليمي مساهمات المجتمع المدني في الاستعراض الإقليمي، "
               "بما في ذلك التوظيف العادل؛ ") * 3
    return [
        create_meeting(starts_at=STARTS, agenda=[{"title": {"en": "Opening", "ar": "الافتتاح"}, "duration_minutes": 10},
                                                 {"title": {"en": "Reports", "fr": "Rapports"}}]),
        create_meeting(starts_at=STARTS + timedelta(days=40), kind="hybrid", venue="UN House",
                       address="Riad El Solh, Beirut", timezone="Asia/Beirut", visibility="members",
                       description={"ar": long_ar, "en": "Long.", "fr": "Long."}),
        create_meeting(starts_at=STARTS + timedelta(days=400), kind="in_person", join_url=None, venue="Rabat",
                       timezone="Africa/Casablanca", status="postponed"),
        create_meeting(starts_at=STARTS - timedelta(days=200), timezone="Asia/Riyadh", status="held"),
        create_meeting(starts_at=STARTS + timedelta(days=3), status="cancelled", title={"fr": "Annulée"}),
    ]


def feed_url(user):
    return f"/calendar/{services.new_feed_token(user)}.ics"


@pytest.mark.parametrize("lang", ["en", "ar", "fr"])
def test_build_feed_is_byte_identical_to_build_calendar(create_meeting, member, lang):
    meetings = some_meetings(create_meeting)
    services.invite_members(meetings[0], [member])
    services.invite_members(meetings[1], [member])
    rsvp.respond(services.invitation_for(meetings[1], member), "accepted")
    # The feed's rows (services.FeedMeeting), and a Meeting the member is not invited to: no ATTENDEE.
    meetings = services.feed_meetings(member) + [meetings[2]]
    invitations = services.invitations_by_meeting(member)
    stamp = datetime(2026, 11, 2, 9, 30, 15, tzinfo=timezone.utc)
    expected = ics.build_calendar(meetings, lang, invitations=invitations, name="Mes réunions", stamp=stamp)
    cold = ics.build_feed(meetings, lang, invitations=invitations, name="Mes réunions", stamp=stamp)
    warm = ics.build_feed(meetings, lang, invitations=invitations, name="Mes réunions", stamp=stamp)
    assert ics._cached_event.cache_info().hits == len(meetings)
    assert cold == expected and warm == expected
    # Another DTSTAMP: only the DTSTAMP lines differ, and the cached events are used again.
    later = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
    again = ics.build_feed(meetings, lang, invitations=invitations, name="Mes réunions", stamp=later)
    assert again == ics.build_calendar(meetings, lang, invitations=invitations, name="Mes réunions", stamp=later)
    assert again.count(b"DTSTAMP:20261102T100000Z\r\n") == len(meetings)
    assert ics._cached_event.cache_info().misses == len(meetings)


def test_served_feeds_are_the_uncached_build(client, create_meeting, member):
    """What the private and public feed URLs serve, twice, is build_calendar's output at the same DTSTAMP."""
    meetings = some_meetings(create_meeting)
    for meeting in meetings:
        services.invite_members(meeting, [member])
    url = feed_url(member)
    # The calendar's name and its events follow the member's language, not the calendar app's.
    first, second = (client.get(url, headers={"Accept-Language": "fr"}) for _poll in range(2))
    assert first.status_code == second.status_code == 200
    for response in (first, second):
        invitations = services.invitations_by_meeting(member)
        expected = ics.build_calendar(services.feed_meetings(member), "en", invitations=invitations,
                                      name="My meetings", stamp=stamp_of(response.data))
        assert response.data == expected
    public = [client.get("/calendar/public.ics?lang=ar", headers={"Accept-Language": "fr"}) for _poll in range(2)]
    for response in public:
        expected = ics.build_calendar(services.public_feed_meetings(), "ar", name="الاجتماعات العامة",
                                      stamp=stamp_of(response.data))
        assert response.data == expected


def test_feed_shows_each_change_on_the_next_poll(client, create_meeting, member):
    meeting = create_meeting(starts_at=STARTS, agenda=[{"title": {"en": "Opening"}}, {"title": {"en": "Reports"}}])
    other = create_meeting(starts_at=STARTS + timedelta(days=7), title={"en": "Unchanged meeting"})
    services.invite_members(meeting, [member])
    services.invite_members(other, [member])
    url = feed_url(member)

    def poll():
        response = client.get(url)
        assert response.status_code == 200
        return by_uid(response.data)

    event = poll()[meeting.uid]
    assert event.decoded("DTSTART").astimezone(timezone.utc) == STARTS
    assert str(event["ATTENDEE"].params["PARTSTAT"]) == "NEEDS-ACTION"

    # Time.
    services.update_meeting(meeting, starts_at=STARTS + timedelta(hours=3), ends_at=STARTS + timedelta(hours=5))
    event = poll()[meeting.uid]
    assert event.decoded("DTSTART").astimezone(timezone.utc) == STARTS + timedelta(hours=3)
    assert event.decoded("DTEND").astimezone(timezone.utc) == STARTS + timedelta(hours=5)

    # Title (a change that does not raise SEQUENCE).
    sequence = meeting.sequence
    services.update_meeting(meeting, title={"en": "Planning meeting", "ar": "اجتماع التخطيط"})
    assert meeting.sequence == sequence
    event = poll()[meeting.uid]
    assert str(event["SUMMARY"]) == "Planning meeting"
    assert str(event.walk("VALARM")[0]["DESCRIPTION"]) == "Planning meeting"

    # An agenda item, through the agenda's own function ...
    item = meeting.agenda[1]
    agenda.update_item(item, title={"en": "Reports of the working groups"})
    assert "2. Reports of the working groups" in str(poll()[meeting.uid]["DESCRIPTION"])
    # ... and behind the app's back, touching neither the meeting's SEQUENCE nor its updated_at.
    sequence, updated_at = meeting.sequence, meeting.updated_at
    _db.session.get(AgendaItem, item.id).title = {"en": "Any other business"}
    _db.session.commit()
    assert (meeting.sequence, meeting.updated_at) == (sequence, updated_at)
    assert str(poll()[meeting.uid]["DESCRIPTION"]).endswith("1. Opening\n2. Any other business\n\n"
                                                           f"Join online: {JOIN}")

    # The member's answer, and their name.
    rsvp.respond(services.invitation_for(meeting, member), "declined")
    assert str(poll()[meeting.uid]["ATTENDEE"].params["PARTSTAT"]) == "DECLINED"
    services.invitation_for(meeting, member).name = "Member Renamed"
    _db.session.commit()
    assert str(poll()[meeting.uid]["ATTENDEE"].params["CN"]) == "Member Renamed"

    # Cancellation: CANCELLED, no alarm.
    services.cancel_meeting(meeting)
    events = poll()
    assert str(events[meeting.uid]["STATUS"]) == "CANCELLED"
    assert events[meeting.uid]["SEQUENCE"] == meeting.sequence
    assert not events[meeting.uid].walk("VALARM")
    # The other meeting was never changed: same text throughout.
    assert str(events[other.uid]["SUMMARY"]) == "Unchanged meeting"
    assert str(events[other.uid]["STATUS"]) == "CONFIRMED"


def test_each_language_gets_its_own_text(client, create_meeting, create_user):
    meeting = create_meeting(starts_at=STARTS,
                             agenda=[{"title": {"en": "Opening", "ar": "الافتتاح", "fr": "Ouverture"}}])
    readers = {lang: create_user(email=f"{lang}@example.org", locale=lang) for lang in ("ar", "fr", "en")}
    services.invite_members(meeting, list(readers.values()))
    seen = {}
    for _round in range(2):  # the second round comes from the cache
        for lang, user in readers.items():
            seen[lang] = by_uid(client.get(feed_url(user)).data)[meeting.uid]
        assert str(seen["ar"]["SUMMARY"]) == "اجتماع الفريق الاستشاري"
        assert str(seen["fr"]["SUMMARY"]) == "Réunion du groupe consultatif"
        assert str(seen["en"]["SUMMARY"]) == "Advisory group meeting"
        assert str(seen["ar"]["DESCRIPTION"]) == f"وصف الاجتماع\n\n1. الافتتاح\n\nالانضمام عبر الإنترنت: {JOIN}"
        assert str(seen["fr"]["DESCRIPTION"]) == (f"Ce dont nous parlons.\n\n1. Ouverture\n\n"
                                                  f"Participer en ligne : {JOIN}")
        assert str(seen["en"]["DESCRIPTION"]) == f"What we discuss.\n\n1. Opening\n\nJoin online: {JOIN}"
        for lang, item in seen.items():
            assert str(item["URL"]) == f"http://consult.test/{lang}/meetings/{meeting.id}/"
            assert str(item["ATTENDEE"]).lower() == f"mailto:{lang}@example.org"
    # A member who changes their language gets the feed in the new one.
    readers["fr"].locale = "en"
    _db.session.commit()
    assert str(by_uid(client.get(feed_url(readers["fr"])).data)[meeting.uid]["SUMMARY"]) == "Advisory group meeting"


def test_same_queries_for_any_number_of_meetings(client, member):
    """1, 6 or 501 meetings (past the 500 ids of a selectinload's IN list), first or cached: the same queries."""
    from consult.meetings.models import Invitation, Meeting

    url = feed_url(member)

    def add_meetings(count):
        for number in range(count):
            starts = STARTS + timedelta(days=number)
            meeting = Meeting(title={"en": f"Meeting {number}"}, kind="hybrid", join_url=JOIN, status="scheduled",
                              starts_at=starts, ends_at=starts + timedelta(hours=2), timezone="Africa/Cairo")
            meeting.agenda = [AgendaItem(position=position, title={"en": f"Item {position}"}) for position in (1, 2)]
            _db.session.add(meeting)
            _db.session.flush()
            _db.session.add(Invitation(meeting_id=meeting.id, user_id=member.id, name=member.name))
        _db.session.commit()

    counts = {}
    for more, total in ((1, 1), (5, 6), (495, 501)):
        add_meetings(more)
        for poll in ("first", "again"):  # the new meetings' events made, then cached
            with recorded_statements() as statements:
                response = client.get(url)
            assert response.status_code == 200 and response.data.count(b"BEGIN:VEVENT") == total
            counts[total, poll] = len(statements)
    assert len(set(counts.values())) == 1, counts
