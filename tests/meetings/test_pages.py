"""Meeting pages, calendar files, feeds and the API, through the real app and database."""
from icalendar import Calendar

from consult.meetings import services
from tests.helpers import post_form

JOIN = "https://meet.example.org/secret-room-42"


def uids(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    return {str(event["UID"]) for event in Calendar.from_ical(response.data).walk("VEVENT")}


def test_visibility_on_pages(client, member_client, secretariat_client, create_meeting):
    public = create_meeting(title={"en": "Open meeting"})
    members = create_meeting(title={"en": "Members meeting"}, visibility="members")
    draft = create_meeting(title={"en": "Draft meeting"}, status="draft")
    page = client.get("/en/meetings/").get_data(as_text=True)
    assert "Open meeting" in page and "Members meeting" not in page and "Draft meeting" not in page
    assert client.get(f"/en/meetings/{members.id}/").status_code == 404
    assert client.get(f"/meetings/{members.id}.ics").status_code == 404
    assert client.get(f"/ar/meetings/{public.id}/").status_code == 200
    page = member_client.get("/en/meetings/").get_data(as_text=True)
    assert "Members meeting" in page and "Draft meeting" not in page
    assert member_client.get(f"/en/meetings/{draft.id}/").status_code == 404
    assert secretariat_client.get(f"/en/meetings/{draft.id}/").status_code == 200
    assert client.get("/en/meetings/2147483648/").status_code == 404


def test_join_link_only_for_invitees(client, member_client, member, create_meeting):
    meeting = create_meeting()
    assert JOIN not in client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    assert JOIN not in client.get(f"/meetings/{meeting.id}.ics").get_data(as_text=True)
    assert JOIN not in client.get("/calendar/public.ics").get_data(as_text=True)
    assert JOIN not in client.get("/api/meetings").get_data(as_text=True)
    # A member who is not invited does not get it either.
    assert JOIN not in member_client.get(f"/meetings/{meeting.id}.ics").get_data(as_text=True)
    services.invite_members(meeting, [member])
    assert JOIN in member_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    event = Calendar.from_ical(member_client.get(f"/meetings/{meeting.id}.ics").data).walk("VEVENT")[0]
    assert JOIN in str(event["DESCRIPTION"])
    assert str(event["ATTENDEE"]).lower() == "mailto:member@example.org"


def test_public_feed_and_api(client, create_meeting):
    public = create_meeting(title={"ar": "اجتماع عام", "en": "Open meeting"})
    cancelled = create_meeting(title={"en": "Called off"})
    services.cancel_meeting(cancelled)
    members = create_meeting(visibility="members")
    draft = create_meeting(status="draft")
    assert uids(client.get("/calendar/public.ics")) == {public.uid, cancelled.uid}
    items = client.get("/api/meetings").get_json()
    assert {item["id"] for item in items} == {public.id, cancelled.id}
    item = next(item for item in items if item["id"] == public.id)
    assert item["title"] == {"ar": "اجتماع عام", "en": "Open meeting", "fr": None}
    assert item["timezone"] == "Africa/Cairo"
    assert item["starts_at"].endswith(("+02:00", "+03:00"))
    assert item["url"] == f"http://consult.test/en/meetings/{public.id}/"
    assert "join_url" not in item
    assert members.id not in {i["id"] for i in items} and draft.id not in {i["id"] for i in items}


def test_private_feed(client, member_client, member, create_user, create_meeting):
    invited = create_meeting(visibility="members")
    invited_draft = create_meeting(status="draft")
    create_meeting()  # public, but the member is not invited
    other = create_user(email="other@example.org")
    for meeting in (invited, invited_draft):
        services.invite_members(meeting, [member, other])
    page = post_form(member_client, "/en/calendar", {"create": "1"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    url = html.split("<code dir=\"ltr\">")[1].split("</code>")[0]
    assert url.startswith("http://consult.test/calendar/") and url.endswith(".ics")
    token = url.rsplit("/", 1)[1][:-4]
    # Only the hash is stored.
    from consult.meetings.models import CalendarFeedToken

    stored = CalendarFeedToken.query.filter_by(user_id=member.id).one()
    assert token not in stored.token_hash
    response = client.get(f"/calendar/{token}.ics")
    assert uids(response) == {invited.uid}
    assert JOIN in response.get_data(as_text=True).replace("\r\n ", "")
    assert "private" in response.headers["Cache-Control"]
    # Forged and revoked tokens open nothing.
    assert client.get("/calendar/" + "x" * 43 + ".ics").status_code == 404
    post_form(member_client, "/en/calendar", {"revoke": "1"})
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_feed_page_needs_login(client):
    response = client.get("/en/calendar")
    assert response.status_code in (302, 401)


def test_secretariat_creates_and_edits_meeting(secretariat_client, member_client, create_meeting):
    form = {"title_en": "Planning meeting", "title_ar": "اجتماع التخطيط", "kind": "hybrid", "venue": "Cairo",
            "timezone": "Africa/Cairo", "starts_at": "2026-03-30T10:00", "ends_at": "2026-03-30T12:00",
            "languages": ["ar", "en"], "visibility": "members", "status": "scheduled",
            "join_url": JOIN}
    response = post_form(secretariat_client, "/en/meetings/new", form)
    assert response.status_code == 302
    from consult.meetings.models import Meeting

    meeting = Meeting.query.one()
    assert meeting.starts_at.isoformat() == "2026-03-30T08:00:00+00:00"
    assert meeting.sequence == 0
    edit = post_form(secretariat_client, f"/en/meetings/{meeting.id}/edit", {**form, "starts_at": "2026-03-30T11:00"})
    assert edit.status_code == 302
    meeting = Meeting.query.one()
    assert meeting.sequence == 1 and meeting.starts_at.hour == 9
    # Bad input: form errors, a 400, and nothing saved.
    bad = post_form(secretariat_client, "/en/meetings/new", {**form, "ends_at": "2026-03-30T09:00"})
    assert bad.status_code == 400 and "The end must come after the start." in bad.get_data(as_text=True)
    bad = post_form(secretariat_client, "/en/meetings/new", {**form, "timezone": "Mars/Base", "title_en": "",
                                                              "title_ar": ""})
    assert bad.status_code == 400
    assert Meeting.query.count() == 1
    assert member_client.get("/en/meetings/new").status_code == 403


def test_a_change_sends_the_updated_invite_and_a_cancellation(secretariat_client, member, create_meeting, smtp, db):
    from icalendar import Calendar

    from consult.meetings import services

    meeting = create_meeting(visibility="members")
    from consult.core.mail import services as mail

    services.invite_and_notify(meeting, [member])
    mail.deliver()
    show = f"/en/meetings/{meeting.id}/"
    form = {"title_en": "Advisory group meeting", "kind": "virtual", "timezone": "Africa/Cairo",
            "starts_at": "2026-12-10T10:00", "ends_at": "2026-12-10T12:00", "languages": ["ar"],
            "visibility": "members", "status": "scheduled", "join_url": JOIN}
    assert post_form(secretariat_client, f"/en/meetings/{meeting.id}/edit", form).status_code == 302
    assert "Send the update to 1 invitee<" in secretariat_client.get(show).get_data(as_text=True)
    assert post_form(secretariat_client, f"/en/meetings/{meeting.id}/send-update", {}, get_url=show).status_code == 302
    assert post_form(secretariat_client, f"/en/meetings/{meeting.id}/edit", {**form, "status": "cancelled"}).status_code == 302
    assert "Send the cancellation to 1 invitee<" in secretariat_client.get(show).get_data(as_text=True)
    assert post_form(secretariat_client, f"/en/meetings/{meeting.id}/send-update", {}, get_url=show).status_code == 302
    assert "Send the" not in secretariat_client.get(show).get_data(as_text=True)
    mail.deliver()
    assert [message["Subject"] for message in smtp.messages] == [
        "Invitation: Advisory group meeting", "Updated: Advisory group meeting", "Cancelled: Advisory group meeting"]
    methods, sequences, uids = [], [], set()
    for message in smtp.messages:
        assert message["To"] == member.email
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
        methods.append(part.get_param("method"))
        sequences.append(int(event["SEQUENCE"]))
        uids.add(str(event["UID"]))
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    assert sequences == [sequences[0], sequences[0] + 1, sequences[0] + 2] and len(uids) == 1
