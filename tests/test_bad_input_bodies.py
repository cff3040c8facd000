"""Bodies that are not forms at all, and bodies over the size limits, on every public form."""
import io

from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from consult.consultations import services as consultations
from tests.bad_input_helpers import PDF, assert_answered, assert_unchanged, fresh_example, fuzz, uploaded_files
from tests.fuzz_helpers import snapshot
from tests.helpers import SUBMISSION_FORM


# ---------------------------------------------------------------- bodies that are not forms at all

PUBLIC_POSTS = ("/en/consultations/fuzz-raw/submit", "/ar/group/nominations/{call}/apply", "/fr/login",
                "/en/password/forgot", "/en/password/set/{password}", "/en/meetings/rsvp/{rsvp}",
                "/ar/timezone", "/en/submissions/{submission}/", "/en/submissions/{submission}/withdraw")
CONTENT_TYPES = ("multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=xyz",
                 'multipart/form-data; boundary="\u202e"', "multipart/mixed; boundary=abc",
                 "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-16",
                 "application/x-www-form-urlencoded; charset=no-such-charset", "application/json", "text/xml",
                 "application/octet-stream", "", "text/plain; charset=\x00", "image/png")


def multipart_bodies():
    """Multipart bodies that break the rules: wrong or missing boundaries, unfinished parts, odd headers."""
    part = st.sampled_from((
        b'--xyz\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\nabc\r\n--xyz--\r\n',
        b'--xyz\r\nContent-Disposition: form-data; name="attachments"; filename="a.pdf"\r\n'
        b'Content-Type: application/pdf\r\n\r\n%PDF-1.4 unfinished',
        b'--xyz\r\nContent-Disposition: form-data; name="org_name"\r\n\r\n' + "\u202e<script>".encode() + b'\r\n--xyz',
        b'--xyz\r\nContent-Disposition: form-data; name=\x00\r\n\r\nx\r\n--xyz--\r\n',
        b'--xyz\r\nContent-Disposition: form-data; filename="' + b"a" * 5000 + b'"\r\n\r\nx\r\n--xyz--\r\n',
        b'--xyz\r\n\r\n\r\n--xyz--\r\n',
        b'--xyz\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--xyz--\r\n',
        b'--xyz\r\nContent-Disposition: form-data; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n--xyz--\r\n',
        b'--abc\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--abc--\r\n',
        b"--xyz--\r\n", b"\r\n\r\n--xyz", b"--xyz\r\nContent-Disposition: form-data; name=\"x\"\r\n",
    ))
    return st.one_of(part, st.lists(part, min_size=1, max_size=4).map(b"".join), st.binary(max_size=2000))


NAMELESS = b'--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--\r\n'


@fuzz(50)
@example(target="/fr/login", content_type="multipart/form-data; boundary=xyz", body=NAMELESS, with_token=False)
@given(target=st.sampled_from(PUBLIC_POSTS), content_type=st.sampled_from(CONTENT_TYPES), body=multipart_bodies(),
       with_token=st.booleans())
def test_bodies_that_are_not_forms(app, db, page_token, create_consultation, create_call, create_meeting, member,
                                   target, content_type, body, with_token):
    from consult.auth import services as accounts
    from consult.meetings import rsvp
    from consult.meetings import services as meetings
    from consult.meetings.models import Invitation
    from consult.membership.models import NominationCall

    fresh_example()
    try:
        consultation = consultations.get_consultation("fuzz-raw")
    except consultations.NotFound:
        consultation = create_consultation(slug="fuzz-raw")
        create_call()
        meeting = create_meeting()
        meetings.invite_observer(meeting, "observer@example.org")

    invitation = db.session.scalar(select(Invitation))
    call = db.session.scalar(select(NominationCall))
    submission = consultations.submit(consultation, {**SUBMISSION_FORM, "objectives": [6], "principles": ["a"],
                                                     "countries_of_work": ["MA"]}, page_lang="en")
    url = target.format(call=call.id, password=accounts.password_token(member), rsvp=rsvp.rsvp_token(invitation),
                        submission=submission.token)
    client, token, _other = page_token()
    if with_token:
        # The right CSRF token inside a body that is broken around it.
        body = body.replace(b"abc", token.encode())
    before, files_before = snapshot(), uploaded_files()
    response = client.post(url, data=body, content_type=content_type)
    what = f"POST {url} as {content_type!r}: {body[:120]!r}"
    assert_answered(response, what)
    if response.status_code == 302:
        # A well-formed body around the right CSRF token: withdrawing needs nothing else.
        assert with_token and url.endswith("/withdraw"), what
        return
    assert response.status_code in (400, 404, 413, 415), what
    assert_unchanged(before, files_before, response, what)



def test_bodies_over_the_limits(app, db, page_token, monkeypatch, create_consultation, create_call, create_meeting,
                                member):
    """A request over the hard cap (lowered here to 200 kB), or one text field over Flask's cap on a form
    field held in memory (multipart): a translated 413 page on every public form, and nothing changed."""
    from consult.auth import services as accounts
    from consult.meetings import rsvp
    from consult.meetings import services as meetings

    consultation = create_consultation(slug="fuzz-raw")
    call = create_call()
    invitation = meetings.invite_observer(create_meeting(), "observer@example.org")
    submission = consultations.submit(consultation, {**SUBMISSION_FORM, "objectives": [6], "principles": ["a"],
                                                     "countries_of_work": ["MA"]}, page_lang="en")
    urls = [target.format(call=call.id, password=accounts.password_token(member), rsvp=rsvp.rsvp_token(invitation),
                          submission=submission.token) for target in PUBLIC_POSTS]
    client, token, _other = page_token()
    field_cap = app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000
    failures = []
    for url in urls:
        for what, data, request_cap in (
                ("one field over the in-memory cap", {"csrf_token": token, "org_name": "x" * (field_cap + 1)}, None),
                ("a file over the request cap",
                 {"csrf_token": token, "attachments": (io.BytesIO(PDF + b"0" * 300_000), "big.pdf")}, 200_000)):
            with monkeypatch.context() as patch:
                if request_cap:
                    patch.setitem(app.config, "MAX_CONTENT_LENGTH", request_cap)
                before, files_before = snapshot(), uploaded_files()
                response = client.post(url, data=data, content_type="multipart/form-data")
            if response.status_code != 413 or snapshot() != before or uploaded_files() != files_before:
                failures.append(f"{what}: POST {url} -> {response.status_code}")
            elif "<html lang=" not in response.get_data(as_text=True):
                failures.append(f"{what}: POST {url} -> 413 without the site's page")
    assert not failures, "\n".join(failures)
