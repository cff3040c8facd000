"""A cancelled meeting gives its join link to no one (pages, .ics, feeds, e-mails), and its RSVP links
answer with a clear "cancelled" page and save nothing (issue 13, finding 3)."""
from consult.core.extensions import db as _db
from consult.meetings import rsvp, services
from consult.meetings.models import Invitation
from tests.helpers import csrf_token

JOIN = "secret-room-42"


def test_cancelled_meeting_has_no_join_link_and_takes_no_answer(client, member_client, member, create_meeting, smtp):
    meeting = create_meeting(visibility="members")
    services.invite_members(meeting, [member])
    observer = services.invite_observer(meeting, "observer@example.org", "Observer Person")
    with client.application.test_request_context():
        token = rsvp.rsvp_token(observer)
    link = f"/en/meetings/rsvp/{token}"
    form_page = client.get(link).get_data(as_text=True)
    # Before: the invitee sees the join link on the page and in the .ics.
    assert JOIN in member_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    assert JOIN in member_client.get(f"/meetings/{meeting.id}.ics").get_data(as_text=True)

    services.cancel_meeting(meeting)
    smtp.messages.clear()
    services.send_invites(meeting, "CANCEL")
    assert smtp.messages or _db.session.scalars(_db.select(Invitation)).all()

    page = member_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    assert JOIN not in page
    assert JOIN not in member_client.get(f"/meetings/{meeting.id}.ics").get_data(as_text=True)
    with member_client.application.test_request_context():
        feed_token = services.new_feed_token(member)
    assert JOIN not in client.get(f"/calendar/{feed_token}.ics").get_data(as_text=True)
    for message in smtp.messages:
        for part in message.walk():
            if not part.is_multipart():
                assert JOIN not in part.get_content() if part.get_content_maintype() == "text" else True

    # The observer's link: a clear "cancelled" page, nothing saved, GET and POST alike.
    response = client.get(link)
    assert response.status_code == 410
    assert "This meeting was cancelled" in response.get_data(as_text=True)
    response = client.post(link, data={"csrf_token": csrf_token(form_page), "response": "accepted"})
    assert response.status_code == 410
    _db.session.expire_all()
    assert _db.session.get(Invitation, observer.id).response == "pending"

    # A signed-in member's answer is refused too.
    invitation = services.invitation_for(meeting, member)
    response = member_client.post(f"/en/meetings/{meeting.id}/rsvp",
                                  data={"csrf_token": csrf_token(page) or "", "response": "accepted"})
    assert response.status_code in (400, 410)
    _db.session.expire_all()
    assert _db.session.get(Invitation, invitation.id).response == "pending"
