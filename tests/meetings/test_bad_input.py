"""Bad input on the observer's RSVP link: generated with Hypothesis, checked as tests/bad_input_helpers.py
describes."""
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.bad_input_helpers import (
    RSVP_SHAPES, TOKEN_SHAPES, assert_answered, assert_escaped, csrf_value, flatten, fresh_example, fuzz, rsvp_link,
    send, sending, text_values)
from tests.fuzz_helpers import snapshot


# ---------------------------------------------------------------- the observer's RSVP link

@fuzz(25)
@given(how=sending(TOKEN_SHAPES + RSVP_SHAPES),
       answer=st.one_of(st.sampled_from(("accepted", "declined", "tentative", "pending")), text_values(),
                        st.lists(text_values(), max_size=3)))
def test_observer_rsvp_link(app, db, page_token, create_meeting, member, how, answer):
    from consult.core.database import utcnow
    from consult.meetings import services as meetings
    from consult.meetings.models import Invitation, Meeting

    shape, csrf, encoding = how["shape"], how["csrf"], how["encoding"]
    fresh_example()
    meeting = db.session.scalar(select(Meeting).where(Meeting.status == "scheduled"))
    if meeting is None:
        meeting = create_meeting()
        started = utcnow().replace(microsecond=0) - timedelta(days=3)
        create_meeting(starts_at=started, ends_at=started + timedelta(hours=2), status="held")
        meetings.invite_members(meeting, [member])
    past = db.session.scalar(select(Meeting).where(Meeting.status == "held"))
    invitation = meetings.invite_observer(meeting, "observer@example.org", "Observer")
    past_invitation = meetings.invite_observer(past, "observer@example.org", "Observer")
    member_invitation = meetings.invitation_for(meeting, member)
    token = rsvp_link(app, invitation, member_invitation, past_invitation, shape)
    client, csrf_token_, other = page_token()
    data = {"response": answer}
    if csrf_value(csrf, csrf_token_, other) is not None:
        data["csrf_token"] = csrf_value(csrf, csrf_token_, other)
    url = f"/fr/meetings/rsvp/{token}"
    what = f"RSVP {answer!r} through a {shape} link ({encoding}, csrf {csrf})"
    before = snapshot()
    response = send(client, url, data, encoding)
    assert_answered(response, what)
    assert_escaped(response, flatten(data), what)
    if response.status_code == 302:
        assert csrf == "valid" and shape == "real" and answer in ("accepted", "declined", "tentative"), what
        db.session.expire_all()
        assert db.session.get(Invitation, invitation.id).response == answer, what
    else:
        assert response.status_code in (400, 404, 410, 413), what
        assert snapshot() == before, what
    # The page of the link (GET) never breaks either.
    page = client.get(url)
    assert_answered(page, f"GET {what}")
