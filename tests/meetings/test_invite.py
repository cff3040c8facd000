"""The secretariat's invitation page: chosen members, every member, observers by address; e-mails on a real SMTP server."""
import re

from icalendar import Calendar
from sqlalchemy import func, select

from consult.core.extensions import db as _db
from consult.meetings.models import Invitation
from consult.core.mail.models import OutboxMessage
from tests.helpers import post_form

RSVP_LINK = re.compile(r"http://consult\.test/\w\w/meetings/rsvp/[A-Za-z0-9_.\-]+")


def url(meeting):
    return f"/en/meetings/{meeting.id}/invitations"


def invitations(meeting):
    _db.session.expire_all()
    return _db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id)
                               .order_by(Invitation.id)).all()


def outbox_count():
    return _db.session.scalar(select(func.count()).select_from(OutboxMessage))


def calendar_parts(message):
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def body_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_chosen_members_and_observer_get_invites(secretariat_client, create_user, create_meeting, smtp):
    meeting = create_meeting()
    one = create_user(email="one@example.org", name="One")
    two = create_user(email="two@example.org", name="Two")
    create_user(email="three@example.org", name="Three")
    page = secretariat_client.get(url(meeting))
    assert page.status_code == 200 and "three@example.org" in page.get_data(as_text=True)
    response = post_form(secretariat_client, url(meeting),
                         {"members": [str(one.id), str(two.id)], "observers": "Observer@Example.net\n"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/en/meetings/{meeting.id}/")
    made = invitations(meeting)
    assert sorted(item.address for item in made) == ["observer@example.net", "one@example.org", "two@example.org"]
    assert [item.user_id for item in made if item.email] == [None]
    assert len(smtp.messages) == 3
    by_address = {message["To"]: message for message in smtp.messages}
    assert set(by_address) == {"observer@example.net", "one@example.org", "two@example.org"}
    for message in smtp.messages:
        parts = calendar_parts(message)
        assert parts
        for part in parts:
            assert part.get_param("method") == "REQUEST"
            calendar = Calendar.from_ical(part.get_payload(decode=True))
            assert str(calendar["METHOD"]) == "REQUEST"
            [event] = calendar.walk("VEVENT")
            assert str(event["UID"]) == meeting.uid
    assert RSVP_LINK.search(body_text(by_address["observer@example.net"]))
    assert not RSVP_LINK.search(body_text(by_address["one@example.org"]))
    page = secretariat_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    assert "Invitations sent: 3." in page
    assert f'href="/en/meetings/{meeting.id}/invitations"' in page


def test_inviting_again_creates_and_sends_nothing(secretariat_client, create_user, create_meeting, smtp):
    meeting = create_meeting()
    one = create_user(email="one@example.org")
    data = {"members": [str(one.id)], "observers": "observer@example.net"}
    assert post_form(secretariat_client, url(meeting), data).status_code == 302
    assert len(smtp.messages) == 2
    # The same people again, the observer in other letters and twice.
    again = {"members": [str(one.id)], "observers": "OBSERVER@example.net\nobserver@example.net"}
    assert post_form(secretariat_client, url(meeting), again).status_code == 302
    assert len(invitations(meeting)) == 2
    assert len(smtp.messages) == 2
    page = secretariat_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    assert "Nobody new to invite" in page
    # The invited member is shown as invited, checked and not submittable.
    form = secretariat_client.get(url(meeting)).get_data(as_text=True)
    assert re.search(rf'id="members-{one.id}" checked disabled', form)
    assert "already invited" in form and "observer@example.net" in form


def test_everyone_invites_every_active_account(secretariat_client, secretariat, member, create_user,
                                               create_meeting, smtp):
    meeting = create_meeting()
    other = create_user(email="other@example.org")
    create_user(email="gone@example.org", active=False)
    response = post_form(secretariat_client, url(meeting), {"everyone": "y"})
    assert response.status_code == 302
    assert sorted(item.user_id for item in invitations(meeting)) == sorted([secretariat.id, member.id, other.id])
    assert sorted(message["To"] for message in smtp.messages) == sorted(
        [secretariat.email, member.email, other.email])


def test_bad_observer_address_saves_and_sends_nothing(secretariat_client, member, create_meeting, smtp):
    meeting = create_meeting()
    before = outbox_count()
    response = post_form(secretariat_client, url(meeting),
                         {"members": [str(member.id)], "observers": "good@example.net\nnot-an-address\nx@@y"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "These addresses are not valid: not-an-address, x@@y" in page
    assert invitations(meeting) == []
    assert outbox_count() == before and smtp.messages == []


def test_nothing_chosen_is_400(secretariat_client, create_meeting, smtp):
    meeting = create_meeting()
    response = post_form(secretariat_client, url(meeting), {"observers": "  "})
    assert response.status_code == 400
    assert "Please choose whom to invite." in response.get_data(as_text=True)
    assert invitations(meeting) == []


def test_draft_meeting_stores_and_sends_nothing(secretariat_client, member, create_meeting, smtp):
    meeting = create_meeting(status="draft")
    before = outbox_count()
    response = post_form(secretariat_client, url(meeting),
                         {"members": [str(member.id)], "observers": "observer@example.net"})
    assert response.status_code == 302
    assert len(invitations(meeting)) == 2
    assert outbox_count() == before and smtp.messages == []
    page = secretariat_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    assert "Invitations saved: 2. The meeting is a draft" in page


def test_observer_address_of_an_account_invites_the_account(secretariat_client, member, create_meeting, smtp):
    meeting = create_meeting()
    response = post_form(secretariat_client, url(meeting),
                         {"members": [str(member.id)], "observers": "MEMBER@example.org"})
    assert response.status_code == 302
    [invitation] = invitations(meeting)
    assert invitation.user_id == member.id and invitation.email is None
    assert len(smtp.messages) == 1


def test_member_is_forbidden(member_client, member, create_meeting):
    meeting = create_meeting()
    assert member_client.get(url(meeting)).status_code == 403
    response = post_form(member_client, url(meeting), {"everyone": "y"}, get_url="/en/calendar")
    assert response.status_code == 403
    assert invitations(meeting) == []


def test_anonymous_goes_to_login(client, create_meeting):
    meeting = create_meeting()
    response = client.get(url(meeting))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(url(meeting), data={"everyone": "y"}).status_code in (302, 400)
    assert invitations(meeting) == []
