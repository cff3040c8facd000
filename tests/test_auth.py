"""Accounts: argon2 passwords, sign-in, one-time password links, roles, rate limits, CSRF."""
import re

from sqlalchemy import select

from consult.auth import services
from consult.auth.access import roles_required
from consult.auth.models import User
from consult.core.extensions import limiter
from tests.helpers import TEST_PASSWORD, csrf_token, login, post_form


def test_password_is_hashed_with_argon2(create_user):
    user = create_user(email="a@example.org")
    assert user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in user.password_hash


def test_login_and_logout(client, create_user):
    create_user(email="Someone@Example.org")
    response = post_form(client, "/en/login?next=/en/account", {"email": " someone@example.ORG ", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/en/account"
    assert "someone@example.org" in client.get("/en/account").get_data(as_text=True)
    page = client.get("/en/").get_data(as_text=True)
    response = client.post("/en/logout", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert client.get("/en/account").status_code == 302


def test_failed_login_says_the_same_for_unknown_email_and_wrong_password(client, create_user):
    create_user(email="known@example.org")
    wrong = post_form(client, "/fr/login", {"email": "known@example.org", "password": "wrong password"})
    unknown = post_form(client, "/fr/login", {"email": "nobody@example.org", "password": "wrong password"})
    assert wrong.status_code == unknown.status_code == 400

    def message(response):
        return re.search(r'<ul class="errors"[^>]*>(.*?)</ul>', response.get_data(as_text=True), re.S).group(1)

    assert message(wrong) == message(unknown)
    assert "mot de passe" in message(wrong)


def test_login_redirect_never_leaves_the_site(client, create_user):
    create_user(email="a@example.org")
    response = post_form(client, "/en/login?next=https://evil.example/", {"email": "a@example.org", "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/en/"


def test_inactive_user_cannot_sign_in(client, create_user):
    create_user(email="gone@example.org", active=False)
    response = post_form(client, "/en/login", {"email": "gone@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 400


def test_login_without_csrf_token_is_refused(client, create_user):
    create_user(email="a@example.org")
    response = client.post("/ar/login", data={"email": "a@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert 'dir="rtl"' in response.get_data(as_text=True)
    response = client.post("/en/login", data={"email": "a@example.org", "password": TEST_PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400


def test_login_attempts_are_rate_limited(app, client, create_user):
    create_user(email="a@example.org")
    app.config["RATELIMIT_LOGIN"] = "3 per minute"
    limiter.reset()
    try:
        responses = [post_form(client, "/en/login", {"email": "a@example.org", "password": "nope nope"}) for _ in range(4)]
    finally:
        app.config["RATELIMIT_LOGIN"] = "1000 per minute"
    assert [response.status_code for response in responses] == [400, 400, 400, 429]
    assert "Too many attempts" in responses[-1].get_data(as_text=True)


def test_password_link_works_once(client, create_user, db):
    user = create_user(email="new@example.org", password=None)
    token = services.password_token(user)
    data = {"password": "a long new password", "confirm": "a long new password"}
    response = post_form(client, f"/en/password/set/{token}", data)
    assert response.status_code == 302
    assert services.authenticate("new@example.org", "a long new password") is not None
    again = client.get(f"/en/password/set/{token}")
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_password_link_forged_or_expired(client, create_user, app):
    user = create_user(email="new@example.org", password=None)
    token = services.password_token(user)
    forged = client.get(f"/en/password/set/{token[:-3]}abc")
    assert forged.status_code == 400 and "not valid" in forged.get_data(as_text=True)
    app.config["PASSWORD_LINK_MAX_AGE"], previous = -1, app.config["PASSWORD_LINK_MAX_AGE"]
    try:
        expired = client.get(f"/fr/password/set/{token}")
    finally:
        app.config["PASSWORD_LINK_MAX_AGE"] = previous
    assert expired.status_code == 400 and "expiré" in expired.get_data(as_text=True)


def test_short_or_mismatched_password_is_refused(client, create_user):
    user = create_user(email="new@example.org", password=None)
    token = services.password_token(user)
    short = post_form(client, f"/en/password/set/{token}", {"password": "short", "confirm": "short"})
    assert short.status_code == 400 and "at least 10" in short.get_data(as_text=True).lower()
    differ = post_form(client, f"/en/password/set/{token}", {"password": "a long new password", "confirm": "another long one"})
    assert differ.status_code == 400 and "differ" in differ.get_data(as_text=True)


def test_password_change_ends_other_sessions(app, create_user, db):
    user = create_user(email="a@example.org")
    other = login(app.test_client(), "a@example.org")
    assert other.get("/en/account").status_code == 200
    services.set_password(user, "a brand new password")
    db.session.commit()
    assert other.get("/en/account").status_code == 302


def test_forgot_password_sends_link_and_says_nothing_about_unknown(client, create_user, smtp, db):
    create_user(email="known@example.org", locale="fr")
    known = post_form(client, "/en/password/forgot", {"email": "known@example.org"})
    unknown = post_form(client, "/en/password/forgot", {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 302
    from consult.core.mail.services import wait_for_runner

    wait_for_runner(timeout=30)  # sent by the outbox runner, after the answer
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "known@example.org"
    body = message.get_content()
    link = re.search(r"http://consult.test(/fr/password/set/\S+)", body).group(1)
    assert "mot de passe" in body
    assert client.get(link).status_code == 200


def test_create_admin_prints_a_one_time_link(app, client, db):
    result = app.test_cli_runner().invoke(args=["consult", "create-admin", "Admin@Example.org"])
    assert result.exit_code == 0, result.output
    link = re.search(r"http://127\.0\.0\.1:5000(/en/password/set/\S+)|http://consult\.test(/en/password/set/\S+)", result.output)
    path = link.group(1) or link.group(2)
    user = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert user.role == "secretariat" and user.password_hash is None
    data = {"password": "a long new password", "confirm": "a long new password"}
    assert post_form(client, path, data).status_code == 302
    assert client.get(path).status_code == 400


def test_roles_required(fresh_app, create_user):
    app = fresh_app

    @app.route("/<lang>/secretariat-only-for-test")
    @roles_required("secretariat")
    def secretariat_only():
        return "secret"

    anonymous = app.test_client().get("/en/secretariat-only-for-test")
    assert anonymous.status_code == 302 and "/en/login" in anonymous.headers["Location"]
    create_user(email="m@example.org", role="member")
    create_user(email="s@example.org", role="secretariat")
    assert login(app.test_client(), "m@example.org").get("/en/secretariat-only-for-test").status_code == 403
    assert login(app.test_client(), "s@example.org").get("/en/secretariat-only-for-test").status_code == 200


def test_session_cookie_flags(client, create_user):
    create_user(email="a@example.org")
    response = post_form(client, "/en/login", {"email": "a@example.org", "password": TEST_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_account_settings(member_client, member, db):
    response = post_form(member_client, "/en/account", {"name": "New Name", "locale": "ar", "timezone": "Asia/Riyadh"})
    assert response.status_code == 302
    db.session.refresh(member)
    assert (member.name, member.locale, member.timezone) == ("New Name", "ar", "Asia/Riyadh")
    assert "Riyadh" in member_client.get("/en/").get_data(as_text=True)
    bad = post_form(member_client, "/en/account", {"name": "", "locale": "xx", "timezone": "Nowhere"})
    assert bad.status_code == 400
