"""Every signed or secret link (a submission, its withdrawal, a calendar feed, a set-password link, an RSVP
link) with each shape of forged, tampered or expired token, each shape once."""
from datetime import timedelta

from consult.consultations import services as consultations
from tests.bad_input_helpers import ODD_PASSWORD_PAYLOADS, RSVP_SHAPES, TOKEN_SHAPES, password_link, rsvp_link, token_variant
from tests.fuzz_helpers import snapshot
from tests.helpers import SUBMISSION_FORM


# ---------------------------------------------------------------- every kind of bad link, each shape once

def test_every_forged_tampered_or_expired_link(app, db, page_token, create_consultation, create_user, create_meeting,
                                               member):
    """Each shape of bad token on each signed or secret link (GET and POST): 4xx, nothing changed."""
    from consult.meetings import services as meetings

    consultation = create_consultation(slug="links")
    result = consultations.submit(consultation, {**SUBMISSION_FORM, "objectives": [6], "principles": ["a"],
                                                 "countries_of_work": ["MA"]}, page_lang="en")
    user = create_user(email="new@example.org", password=None)
    meeting = create_meeting()
    started = meeting.starts_at - timedelta(days=30)
    past = create_meeting(starts_at=started, ends_at=started + timedelta(hours=2), status="held")
    meetings.invite_members(meeting, [member])
    invitation = meetings.invite_observer(meeting, "observer@example.org", "Observer")
    past_invitation = meetings.invite_observer(past, "observer@example.org", "Observer")
    member_invitation = meetings.invitation_for(meeting, member)
    feed_token = meetings.new_feed_token(member)
    client, token, _other = page_token()
    links = []
    for shape in TOKEN_SHAPES[3:]:
        links.append(("submission", shape, f"/en/submissions/{token_variant(shape, result.token)}/", {}))
        links.append(("withdraw", shape, f"/en/submissions/{token_variant(shape, result.token)}/withdraw", {}))
        links.append(("calendar", shape, f"/calendar/{token_variant(shape, feed_token)}.ics", None))
    for shape in TOKEN_SHAPES[3:] + ("expired", "other_key") + tuple(f"payload:{n}" for n in range(len(ODD_PASSWORD_PAYLOADS))):
        data = {"password": "a long enough password", "confirm": "a long enough password"}
        links.append(("password", shape, f"/en/password/set/{password_link(app, user, shape)}", data))
    for shape in TOKEN_SHAPES[3:] + RSVP_SHAPES:
        token_ = rsvp_link(app, invitation, member_invitation, past_invitation, shape)
        links.append(("rsvp", shape, f"/en/meetings/rsvp/{token_}", {"response": "accepted"}))
    failures = []
    for kind, shape, url, data in links:
        for method in ("GET", "POST") if data is not None else ("GET",):
            if method == "GET" and url.endswith("/withdraw"):
                continue
            before = snapshot()
            response = client.get(url) if method == "GET" else client.post(url, data={**data, "csrf_token": token})
            if not 400 <= response.status_code < 500 or snapshot() != before:
                failures.append(f"{kind} link, {shape}: {method} {url[:90]} -> {response.status_code}")
    assert not failures, "\n".join(failures)
