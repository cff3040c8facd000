"""Answers to invitations (members on the page, observers by signed link) and attendance, on the real database."""
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import event, select

from consult.core.extensions import db as _db
from consult.meetings import rsvp, services
from consult.meetings.models import Invitation
from tests.helpers import csrf_token, post_form

LINK_RE = re.compile(r"http://consult\.test/(\w\w)/meetings/rsvp/([A-Za-z0-9_.\-]+)")


def now():
    return datetime.now(timezone.utc).replace(microsecond=0)


def fresh(invitation_id):
    _db.session.expire_all()
    return _db.session.get(Invitation, invitation_id)


def started_meeting(create_meeting, **fields):
    """Started an hour ago, ends in an hour."""
    return create_meeting(starts_at=now() - timedelta(hours=1), **fields)


def ended_meeting(create_meeting, **fields):
    """Started three hours ago, ended an hour ago."""
    return create_meeting(starts_at=now() - timedelta(hours=3), **fields)


# ---------------------------------------------------------------- members

def test_member_accepts_stored_and_shown(member_client, member, create_meeting):
    meeting = create_meeting(visibility="members")
    invitation = services.invite_members(meeting, [member])[0]
    url = f"/en/meetings/{meeting.id}/"
    page = member_client.get(url).get_data(as_text=True)
    assert f'action="/en/meetings/{meeting.id}/rsvp"' in page
    assert "No answer yet" in page
    response = post_form(member_client, f"/en/meetings/{meeting.id}/rsvp", {"response": "accepted"}, get_url=url)
    assert response.status_code == 302
    invitation = fresh(invitation.id)
    assert invitation.response == "accepted" and invitation.responded_at is not None
    page = member_client.get(url).get_data(as_text=True)
    assert "Your current answer: Accepted" in page
    assert "Your answer is recorded: Accepted." in page
    # A change of mind.
    post_form(member_client, f"/en/meetings/{meeting.id}/rsvp", {"response": "declined"}, get_url=url)
    assert fresh(invitation.id).response == "declined"


def test_rsvp_form_only_for_invitees(client, member_client, create_meeting):
    meeting = create_meeting()
    assert "/rsvp\"" not in client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    assert "/rsvp\"" not in member_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)


def test_member_not_invited_is_forbidden(member_client, create_user, create_meeting):
    meeting = create_meeting()
    other = create_user(email="other@example.org")
    invitation = services.invite_members(meeting, [other])[0]
    response = post_form(member_client, f"/en/meetings/{meeting.id}/rsvp", {"response": "accepted"},
                         get_url="/en/calendar")
    assert response.status_code == 403
    assert fresh(invitation.id).response == "pending"


def test_signed_out_rsvp_goes_to_login(client, create_meeting):
    meeting = create_meeting()
    response = client.post(f"/en/meetings/{meeting.id}/rsvp", data={"response": "accepted"})
    assert response.status_code in (302, 400, 401)


def test_bad_value_is_400_and_nothing_changes(member_client, member, create_meeting):
    meeting = create_meeting()
    invitation = services.invite_members(meeting, [member])[0]
    url = f"/en/meetings/{meeting.id}/"
    for value in ("maybe", "pending", ""):
        response = post_form(member_client, f"/en/meetings/{meeting.id}/rsvp", {"response": value}, get_url=url)
        assert response.status_code == 400
        assert "Please choose one of the three answers." in response.get_data(as_text=True)
    invitation = fresh(invitation.id)
    assert invitation.response == "pending" and invitation.responded_at is None


def test_rsvp_without_csrf_refused(member_client, member, create_meeting):
    meeting = create_meeting()
    invitation = services.invite_members(meeting, [member])[0]
    response = member_client.post(f"/en/meetings/{meeting.id}/rsvp", data={"response": "accepted"})
    assert response.status_code == 400
    assert fresh(invitation.id).response == "pending"


# ---------------------------------------------------------------- observers

def test_observer_link_get_and_post_records_tentative(client, create_meeting):
    meeting = create_meeting(visibility="members")
    invitation = services.invite_observer(meeting, "Observer@Example.org", "Observer Person")
    with client.application.test_request_context():
        token = rsvp.rsvp_token(invitation)
    url = f"/fr/meetings/rsvp/{token}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Réunion du groupe consultatif" in html and "Observer Person" in html
    assert "secret-room-42" not in html
    response = client.post(url, data={"csrf_token": csrf_token(html), "response": "tentative"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    invitation = fresh(invitation.id)
    assert invitation.response == "tentative" and invitation.responded_at is not None
    # A bad value through the link: 400, unchanged.
    response = client.post(url, data={"csrf_token": csrf_token(html), "response": "yes"})
    assert response.status_code == 400
    assert fresh(invitation.id).response == "tentative"


def test_forged_token_is_404_and_nothing_recorded(client, app, create_meeting):
    meeting = create_meeting()
    invitation = services.invite_observer(meeting, "observer@example.org")
    with app.test_request_context():
        token = rsvp.rsvp_token(invitation)
    from itsdangerous import URLSafeTimedSerializer

    other_key = URLSafeTimedSerializer("another-secret-key", salt="consult.meeting-rsvp").dumps({"i": invitation.id})
    other_salt = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="consult.password-link").dumps({"i": invitation.id})
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    valid_page = client.get(f"/en/meetings/rsvp/{token}").get_data(as_text=True)
    for forged in (tampered, other_key, other_salt, "nonsense"):
        page = client.get(f"/en/meetings/rsvp/{forged}")
        assert page.status_code == 404
        assert "This link is not valid." in page.get_data(as_text=True)
        response = client.post(f"/en/meetings/rsvp/{forged}",
                               data={"csrf_token": csrf_token(valid_page), "response": "accepted"})
        assert response.status_code == 404
    assert fresh(invitation.id).response == "pending"


def test_member_invitation_has_no_link(client, app, member, create_meeting):
    meeting = create_meeting()
    invitation = services.invite_members(meeting, [member])[0]
    with app.test_request_context():
        token = rsvp.rsvp_token(invitation)
    assert client.get(f"/en/meetings/rsvp/{token}").status_code == 404


def test_expired_link_is_410_and_nothing_recorded(client, app, create_meeting):
    meeting = create_meeting()
    invitation = services.invite_observer(meeting, "observer@example.org")
    with app.test_request_context():
        token = rsvp.rsvp_token(invitation)
    url = f"/en/meetings/rsvp/{token}"
    html = client.get(url).get_data(as_text=True)
    # The meeting is held and over before the observer answers.
    meeting = services.get_meeting_any(meeting.id)
    services.update_meeting(meeting, starts_at=now() - timedelta(hours=3), ends_at=now() - timedelta(minutes=1))
    page = client.get(url)
    assert page.status_code == 410
    assert "The meeting is over" in page.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(html), "response": "accepted"})
    assert response.status_code == 410
    invitation = fresh(invitation.id)
    assert invitation.response == "pending" and invitation.responded_at is None


def test_observer_invite_email_has_working_link(client, create_meeting, member, smtp):
    from consult.core.mail import services as mail

    meeting = create_meeting(visibility="members")
    services.invite_members(meeting, [member])
    observer = services.invite_observer(meeting, "observer@example.org", "Observer Person")
    assert services.send_invites(meeting) == 2
    mail.deliver()
    assert len(smtp.messages) == 2
    bodies = {message["To"]: message.get_body(preferencelist=("plain",)).get_content() for message in smtp.messages}
    assert not LINK_RE.search(bodies["member@example.org"])
    match = LINK_RE.search(bodies["observer@example.org"])
    assert match, bodies["observer@example.org"]
    lang, token = match.groups()
    url = f"/{lang}/meetings/rsvp/{token}"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), "response": "declined"})
    assert response.status_code == 302
    assert fresh(observer.id).response == "declined"


# ---------------------------------------------------------------- the secretariat's view and attendance

def test_secretariat_sees_answers(secretariat_client, member_client, member, create_meeting):
    meeting = create_meeting()
    services.invite_members(meeting, [member])
    observer = services.invite_observer(meeting, "observer@example.org", "Observer Person")
    rsvp.respond(observer, "tentative")
    url = f"/en/meetings/{meeting.id}/"
    post_form(member_client, f"/en/meetings/{meeting.id}/rsvp", {"response": "accepted"}, get_url=url)
    page = secretariat_client.get(url).get_data(as_text=True)
    assert "Invitees and answers" in page
    assert "Member Person" in page and "observer@example.org" in page
    assert "Accepted" in page and "Tentative" in page
    # Members do not see the table.
    assert "Invitees and answers" not in member_client.get(url).get_data(as_text=True)


def test_invitations_with_users_is_one_query(create_meeting, create_user):
    meeting = create_meeting()
    meeting_id = meeting.id
    services.invite_members(meeting, [create_user(email=f"m{i}@example.org") for i in range(4)])
    services.invite_observer(meeting, "observer@example.org")
    _db.session.expunge_all()
    meeting = services.get_meeting_any(meeting_id)
    statements = []

    def count(*args):
        statements.append(args[2])

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        items = rsvp.invitations_with_users(meeting)
        addresses = [item.address for item in items]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements
    assert "observer@example.org" in addresses and len(addresses) == 5


def test_attendance_after_the_meeting(secretariat_client, member, create_user, create_meeting):
    meeting = ended_meeting(create_meeting)
    other = create_user(email="other@example.org")
    present, absent = services.invite_members(meeting, [member, other])
    observer = services.invite_observer(meeting, "observer@example.org")
    url = f"/en/meetings/{meeting.id}/"
    page = secretariat_client.get(url).get_data(as_text=True)
    assert f'name="attended" value="{present.id}"' in page
    response = post_form(secretariat_client, f"/en/meetings/{meeting.id}/attendance",
                         {"attended": [str(present.id), str(observer.id)], "save_attendance": "1"}, get_url=url)
    assert response.status_code == 302
    assert [fresh(i.id).attended for i in (present, absent, observer)] == [True, False, True]
    page = secretariat_client.get(url).get_data(as_text=True)
    assert f'value="{present.id}" id="attended-{present.id}" aria-label="Member Person attended" checked' in page
    # An id that is not an invitation of this meeting is a form error.
    response = post_form(secretariat_client, f"/en/meetings/{meeting.id}/attendance",
                         {"attended": ["999999"]}, get_url=url)
    assert response.status_code == 400
    assert fresh(present.id).attended is True


def test_attendance_while_the_meeting_runs(secretariat_client, member, create_meeting):
    meeting = started_meeting(create_meeting)
    invitation = services.invite_members(meeting, [member])[0]
    url = f"/en/meetings/{meeting.id}/"
    response = post_form(secretariat_client, f"/en/meetings/{meeting.id}/attendance",
                         {"attended": [str(invitation.id)]}, get_url=url)
    assert response.status_code == 302
    assert fresh(invitation.id).attended is True


def test_attendance_before_the_meeting_is_400(secretariat_client, member, create_meeting):
    meeting = create_meeting()
    invitation = services.invite_members(meeting, [member])[0]
    url = f"/en/meetings/{meeting.id}/"
    response = post_form(secretariat_client, f"/en/meetings/{meeting.id}/attendance",
                         {"attended": [str(invitation.id)]}, get_url=url)
    assert response.status_code == 400
    assert "Attendance can be recorded only once the meeting has started." in response.get_data(as_text=True)
    assert fresh(invitation.id).attended is None


def test_member_cannot_post_attendance(member_client, member, create_meeting):
    meeting = ended_meeting(create_meeting)
    invitation = services.invite_members(meeting, [member])[0]
    url = f"/en/meetings/{meeting.id}/"
    response = post_form(member_client, f"/en/meetings/{meeting.id}/attendance",
                         {"attended": [str(invitation.id)]}, get_url=url)
    assert response.status_code == 403
    assert fresh(invitation.id).attended is None


def test_no_rsvp_after_the_meeting(member_client, member, create_meeting):
    meeting = ended_meeting(create_meeting)
    invitation = services.invite_members(meeting, [member])[0]
    url = f"/en/meetings/{meeting.id}/"
    assert f"/en/meetings/{meeting.id}/rsvp\"" not in member_client.get(url).get_data(as_text=True)
    response = post_form(member_client, f"/en/meetings/{meeting.id}/rsvp", {"response": "accepted"},
                         get_url="/en/calendar")
    assert response.status_code == 410
    assert fresh(invitation.id).response == "pending"
    assert _db.session.scalar(select(Invitation.responded_at).where(Invitation.id == invitation.id)) is None
