"""The skeleton: languages, direction, health, headers, error pages, configuration."""
import re

import pytest

from consult import create_app
from consult.core.config import ConfigError
from tests.helpers import post_form


@pytest.mark.parametrize("accept, lang", [
    ("ar-MA,ar;q=0.9", "ar"),
    ("fr-FR,fr;q=0.9,en;q=0.5", "fr"),
    ("en-GB,en;q=0.8", "en"),
    ("de-DE,de;q=0.9", "ar"),
    ("", "ar"),
])
def test_root_redirects_by_accept_language_with_arabic_fallback(client, accept, lang):
    response = client.get("/", headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/{lang}/")


@pytest.mark.parametrize("lang, direction", [("ar", "rtl"), ("en", "ltr"), ("fr", "ltr")])
def test_home_page_has_lang_and_dir(client, lang, direction):
    html = client.get(f"/{lang}/").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in html


def test_home_page_is_translated(client):
    assert "الهجرة" in client.get("/ar/").get_data(as_text=True)
    assert "migration" in client.get("/fr/").get_data(as_text=True).lower()
    assert "Appels à contributions" in client.get("/fr/").get_data(as_text=True) or "contributions" in client.get("/fr/").get_data(as_text=True)


def test_unknown_language_prefix_is_404(client):
    response = client.get("/de/")
    assert response.status_code == 404


def test_language_switcher_keeps_the_page(client):
    html = client.get("/en/login?next=/en/").get_data(as_text=True)
    assert 'href="/ar/login?next=/en/"' in html
    assert 'href="/fr/login?next=/en/"' in html


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok"}


def test_security_headers(client):
    response = client.get("/en/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_no_external_resources(client):
    html = client.get("/ar/").get_data(as_text=True)
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not re.match(r"(https?:)?//", url), url


@pytest.mark.parametrize("lang, words", [("ar", "غير موجودة"), ("fr", "introuvable"), ("en", "not found")])
def test_404_page_is_translated(client, lang, words):
    response = client.get(f"/{lang}/no-such-page")
    assert response.status_code == 404
    assert words in response.get_data(as_text=True)


def test_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"], previous = 1000, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = client.post("/fr/login", data={"email": "x" * 5000})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = previous
    assert response.status_code == 413
    assert "trop" in response.get_data(as_text=True)


def test_500_page_is_translated_and_logged(fresh_app, caplog):
    app = fresh_app

    @app.route("/<lang>/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/fr/boom-for-test")
    assert response.status_code == 500
    assert "<html lang=\"fr\"" in response.get_data(as_text=True)
    assert "boom" in caplog.text


def test_production_refuses_default_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"CONSULT_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(ConfigError):
        create_app({"CONSULT_ENV": "production", "SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_cookies_are_secure():
    app = create_app({"CONSULT_ENV": "production", "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_dates_follow_language_and_zone(client):
    client.set_cookie("tz", "Asia/Dubai")
    html = client.get("/fr/").get_data(as_text=True)
    assert "Dubaï" in html
    assert re.search(r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d+", html)


def test_timezone_picker_sets_cookie_and_rejects_unknown_zone(client, db):
    bad = post_form(client, "/en/timezone", {"timezone": "Mars/Olympus"})
    assert bad.status_code == 400
    assert "choose a time zone" in bad.get_data(as_text=True)
    good = post_form(client, "/en/timezone", {"timezone": "Africa/Cairo", "next": "/en/"})
    assert good.status_code == 302 and good.headers["Location"] == "/en/"
    assert "Cairo" in client.get("/en/").get_data(as_text=True)


def test_timezone_picker_never_redirects_elsewhere(client):
    response = post_form(client, "/en/timezone", {"timezone": "UTC", "next": "//evil.example/"})
    assert response.headers["Location"] == "/en/"


def test_every_rate_limit_is_on_post():
    """Reading requests skip the limiter (consult.extensions): a limit on GET would silently never apply."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "consult"
    uses = [(path.name, line.strip()) for path in root.rglob("*.py")
            for line in path.read_text(encoding="utf-8").splitlines() if "@limiter.limit(" in line]
    assert len(uses) >= 4
    assert all('methods=["POST"]' in line for _name, line in uses), uses


def test_reading_requests_skip_the_limiters_work(app, client, monkeypatch):
    """consult.core.extensions.Limiter returns before Flask-Limiter sorts out a GET's limits; a POST still gets them."""
    import flask_limiter

    calls = []
    real = flask_limiter.Limiter._check_request_limit
    monkeypatch.setattr(flask_limiter.Limiter, "_check_request_limit",
                        lambda self, *args, **kwargs: calls.append(kwargs) or real(self, *args, **kwargs))
    assert client.get("/en/").status_code == 200
    assert client.head("/en/").status_code == 200
    assert calls == []

    assert post_form(client, "/en/timezone", {"timezone": "UTC"}).status_code == 302
    assert calls, "a POST must go through the limiter"


def test_make_run_takes_the_port_given_and_the_readme_says_so():
    """`make run PORT=5001` serves on 5001 (and links in e-mails point there); the README tells how."""
    import pathlib
    import shutil
    import subprocess
    root = pathlib.Path(__file__).resolve().parent.parent
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    plan = subprocess.run(["make", "-n", "run", "PORT=5001"], cwd=root, capture_output=True, text=True,
                          check=True).stdout
    serve = [line for line in plan.splitlines() if " run " in line and "flask" in line][-1]
    assert "--port 5001" in serve and "5000" not in serve
    assert "http://127.0.0.1:5001" in serve
    default = subprocess.run(["make", "-n", "run"], cwd=root, capture_output=True, text=True, check=True).stdout
    assert "--port 5000" in default
    assert "make run PORT=5001" in (root / "README.md").read_text(encoding="utf-8")
