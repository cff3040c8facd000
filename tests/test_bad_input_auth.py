"""Bad input on sign-in, the password-reset request and the set-password link: generated with Hypothesis,
checked as tests/bad_input_helpers.py describes."""
import re
from urllib.parse import urlsplit

from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.bad_input_helpers import (
    REDIRECTS, TOKEN_SHAPES, assert_answered, assert_escaped, assert_stays_on_site, csrf_value, fresh_example, fuzz,
    password_link, send, sending, text_values)
from tests.fuzz_helpers import snapshot
from tests.helpers import TEST_PASSWORD


# ---------------------------------------------------------------- sign-in and the password-reset request

@fuzz(12)
@given(email=st.one_of(text_values(), st.sampled_from(("member@example.org", " MEMBER@example.org "))),
       password=st.one_of(text_values(), st.just(TEST_PASSWORD)),
       next_=st.one_of(st.none(), text_values(), st.sampled_from(REDIRECTS)), how=sending())
@example(email="member@example.org", password=TEST_PASSWORD, next_="/\t/evil.example",
         how={"csrf": "valid", "encoding": "form"})
@example(email=" MEMBER@example.org ", password=TEST_PASSWORD, next_="/\\evil.example",
         how={"csrf": "valid", "encoding": "multipart"})
def test_sign_in(app, db, page_token, member, email, password, next_, how):
    """Wrong e-mails and passwords (some right ones too): a 400 that changes nothing, or, signed in,
    a redirect that stays on the site whatever `next` says."""
    from urllib.parse import quote

    csrf, encoding = how["csrf"], how["encoding"]
    fresh_example()
    client, token, other = page_token()
    url = "/en/login" + (f"?next={quote(next_, safe='')}" if next_ is not None else "")
    data = {"email": email, "password": password}
    if csrf_value(csrf, token, other) is not None:
        data["csrf_token"] = csrf_value(csrf, token, other)
    what = f"sign-in as {email!r}, next {next_!r} ({encoding}, csrf {csrf})"
    before = snapshot()
    response = send(client, url, data, encoding)
    assert_answered(response, what)
    assert_escaped(response, [email, password, next_ or ""], what)
    right = (csrf == "valid" and encoding in ("form", "multipart") and password == TEST_PASSWORD
             and email.strip().lower() == member.email)
    assert (response.status_code == 302) == right, f"{what}: {response.status_code}"
    if right:
        assert_stays_on_site(response.headers["Location"], what)
        return
    assert response.status_code in (400, 413), f"{what}: a wrong password answered {response.status_code}"
    assert snapshot() == before, what
    if len(password.strip()) >= 20:  # the password box comes back empty
        from markupsafe import escape

        for tag in re.findall(r'<input[^>]*name="password"[^>]*>', response.get_data(as_text=True)):
            assert str(escape(password)) not in tag, f"{what}: the password is sent back"


EMAILS = ("nobody@example.org", " Nobody@Example.ORG ", "ليلى@example.org", "a+b@example.org", "x@xn--mgbh0fb.example",
          "<script>@example.org", "a@b", "@example.org", "a" * 250 + "@example.org")


@fuzz(25)
@given(email=st.one_of(text_values(), st.emails().map(str), st.sampled_from(EMAILS)), how=sending())
def test_password_reset_request(app, db, page_token, email, how):
    csrf, encoding = how["csrf"], how["encoding"]
    fresh_example()
    client, token, other = page_token("/en/password/forgot")
    data = {"email": email}
    if csrf_value(csrf, token, other) is not None:
        data["csrf_token"] = csrf_value(csrf, token, other)
    what = f"reset request for {email!r} ({encoding}, csrf {csrf})"

    before = snapshot()
    response = send(client, "/en/password/forgot", data, encoding)
    assert_answered(response, what)
    assert_escaped(response, [email], what)
    assert response.status_code in (302, 400, 413), what
    if response.status_code == 302:
        assert csrf == "valid", what
        assert urlsplit(response.headers["Location"]).path == "/en/login", what
    # Nobody has an account here: no e-mail queued, nothing written either way.
    assert snapshot() == before, what


# ---------------------------------------------------------------- the set-password link

@fuzz(14)
@given(how=sending(TOKEN_SHAPES + ("expired", "other_key")),
       password=st.one_of(text_values(), text_values().map(lambda text: text + " and long enough")),
       same=st.sampled_from((True, True, False)))
def test_set_password_link(app, db, page_token, create_user, how, password, same):
    from consult.auth import services as accounts
    from consult.auth.models import User

    shape, csrf, encoding = how["shape"], how["csrf"], how["encoding"]
    fresh_example()
    user = db.session.scalar(select(User).where(User.email == "new@example.org")) or create_user(
        email="new@example.org", password=None)
    token = password_link(app, user, shape)
    client, csrf_token_, other = page_token()
    data = {"password": password, "confirm": password if same else password + "x"}
    if csrf_value(csrf, csrf_token_, other) is not None:
        data["csrf_token"] = csrf_value(csrf, csrf_token_, other)
    url = f"/en/password/set/{token}"
    what = f"set password through a {shape} link ({encoding}, csrf {csrf})"
    before = snapshot()
    response = send(client, url, data, encoding)
    assert_answered(response, what)
    assert_escaped(response, [password], what)
    if response.status_code == 302:
        assert csrf == "valid" and shape == "real" and same and len(password) >= 10, what
        db.session.expire_all()
        user = db.session.get(User, user.id)
        assert accounts.hasher.verify(user.password_hash, password), f"{what}: the password is not the one sent"
    else:
        assert response.status_code in (400, 404, 413), what
        assert snapshot() == before, what
