"""The machine-translation hook against a real LibreTranslate-compatible HTTP server on loopback:
it only ever pre-fills a draft that a person must confirm."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from consult.consultations import services, translation
from consult.consultations.models import SubmissionTranslation
from consult.core.extensions import db as _db
from tests.helpers import free_port, login, post_form

ORIGINAL = "Des guichets uniques pour les travailleurs migrants."


class FakeLibreTranslate:
    """A tiny server that speaks LibreTranslate's POST /translate; `mode` picks how it answers."""

    def __init__(self):
        self.requests = []
        self.mode = "ok"
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                recorder.requests.append({"path": self.path, "type": self.headers.get("Content-Type"),
                                          "json": json.loads(body)})
                if recorder.mode == "error":
                    self._answer(500, b'{"error": "boom"}')
                elif recorder.mode == "garbage":
                    self._answer(200, b"<html>not json</html>")
                else:
                    payload = recorder.requests[-1]["json"]
                    text = f"({payload['source']} to {payload['target']}) One-stop shops for migrant workers."
                    self._answer(200, json.dumps({"translatedText": text}).encode())

            def _answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/translate"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def translate_config(app):
    """Set CONSULT_TRANSLATE_URL / _KEY for one test; the app is shared, so put them back."""
    saved = {key: app.config.get(key) for key in ("CONSULT_TRANSLATE_URL", "CONSULT_TRANSLATE_KEY")}

    def configure(url, key=None):
        app.config["CONSULT_TRANSLATE_URL"] = url
        app.config["CONSULT_TRANSLATE_KEY"] = key

    yield configure
    app.config.update(saved)


@pytest.fixture
def libretranslate():
    server = FakeLibreTranslate()
    yield server
    server.stop()


@pytest.fixture
def submission(create_consultation):
    consultation = create_consultation()
    return services.submit(consultation, {
        "org_name": "Réseau des migrants", "constituency": "migrant_diaspora", "country": "MA",
        "contact_name": "Amina", "contact_email": "amina@example.org", "language": "fr", "objectives": [6],
        "good_practices": ORIGINAL, "confidentiality": "public",
    }).submission


def urls(submission):
    base = f"/en/review/{submission.id}/translations/good_practices/en"
    return base, base + "/machine", f"/en/review/{submission.id}"


def translations():
    _db.session.commit()
    return _db.session.scalars(select(SubmissionTranslation)).all()


def test_off_by_default(secretariat_client, submission, translate_config):
    translate_config(None)
    page_url, machine_url, show_url = urls(submission)
    for url in (page_url, show_url):
        assert "Machine pre-fill" not in secretariat_client.get(url).get_data(as_text=True)
    assert post_form(secretariat_client, machine_url, {}, get_url=page_url).status_code == 404
    assert translations() == []


def test_machine_prefill_saves_a_draft_that_readers_do_not_see(app, secretariat_client, member, secretariat,
                                                               submission, libretranslate, translate_config):
    translate_config(libretranslate.url, key="s3cret")
    services.assign_reviewers(submission.consultation, [member.id], secretariat)
    reader = login(app.test_client(), member.email)
    page_url, machine_url, show_url = urls(submission)

    assert "Machine pre-fill" in secretariat_client.get(page_url).get_data(as_text=True)
    assert f'action="{machine_url}"' in secretariat_client.get(show_url).get_data(as_text=True)
    assert "Machine pre-fill" not in reader.get(show_url).get_data(as_text=True)
    response = post_form(secretariat_client, machine_url, {}, get_url=page_url, follow_redirects=True)
    assert response.status_code == 200
    assert "Readers do not see it until a person checks" in response.get_data(as_text=True)

    [sent] = libretranslate.requests
    assert sent["path"] == "/translate" and sent["type"] == "application/json"
    assert sent["json"] == {"q": ORIGINAL, "source": "fr", "target": "en", "format": "text", "api_key": "s3cret"}

    machine_text = "(fr to en) One-stop shops for migrant workers."
    [item] = translations()
    assert (item.field, item.lang, item.text) == ("good_practices", "en", machine_text)
    assert item.status == "draft" and item.machine and not item.confirmed
    # The draft is in the secretariat's textarea, not on any reader's page.
    assert machine_text in response.get_data(as_text=True)
    for client in (reader, secretariat_client):
        text = client.get(show_url).get_data(as_text=True)
        assert machine_text not in text and ORIGINAL in text
    assert "Machine draft, not confirmed" in secretariat_client.get(show_url).get_data(as_text=True)

    # Saved again unchanged as a draft: still the machine's text, still unseen.
    assert post_form(secretariat_client, page_url, {"text": machine_text}).status_code == 302
    [item] = translations()
    assert item.status == "draft" and item.machine

    # A person corrects and confirms it: now readers see it, with the original one click away.
    assert post_form(secretariat_client, page_url,
                     {"text": "One-stop shops for migrant workers.", "confirm": "y"}).status_code == 302
    [item] = translations()
    assert item.status == "confirmed" and not item.machine
    text = reader.get(show_url).get_data(as_text=True)
    assert 'lang="en" dir="ltr">One-stop shops for migrant workers.</div>' in text
    assert "?original=1" in text

    # The machine never overwrites a person's translation, and never confirms anything.
    response = post_form(secretariat_client, machine_url, {}, get_url=page_url, follow_redirects=True)
    assert "A person has already written this translation" in response.get_data(as_text=True)
    assert len(libretranslate.requests) == 1
    [item] = translations()
    assert item.status == "confirmed" and item.text == "One-stop shops for migrant workers."
    assert f'action="{machine_url}"' not in secretariat_client.get(show_url).get_data(as_text=True)


@pytest.mark.parametrize("mode", ["down", "error", "garbage"])
def test_service_unavailable_is_a_clear_message_and_saves_nothing(secretariat_client, submission, libretranslate,
                                                                  translate_config, mode):
    if mode == "down":
        translate_config(f"http://127.0.0.1:{free_port()}/translate")
    else:
        libretranslate.mode = mode
        translate_config(libretranslate.url)
    page_url, machine_url, _ = urls(submission)
    response = post_form(secretariat_client, machine_url, {}, get_url=page_url)
    assert response.status_code == 302 and response.headers["Location"].endswith(page_url)
    text = secretariat_client.get(page_url).get_data(as_text=True)
    assert "The machine translation service is not available just now. Nothing was saved" in text
    assert translations() == []
    assert _db.session.scalar(select(func.count()).select_from(SubmissionTranslation)) == 0


def test_members_may_not_use_the_machine(app, member, secretariat, submission, libretranslate, translate_config):
    translate_config(libretranslate.url)
    services.assign_reviewers(submission.consultation, [member.id], secretariat)
    reader = login(app.test_client(), member.email)
    page_url, machine_url, show_url = urls(submission)
    response = post_form(reader, machine_url, {}, get_url=show_url)
    assert response.status_code == 403
    assert libretranslate.requests == [] and translations() == []


def test_machine_translate_function(app, libretranslate, translate_config):
    translate_config(libretranslate.url)
    with app.test_request_context():
        assert translation.machine_translate("Bonjour", "fr", "ar", "public") == "(fr to ar) One-stop shops for migrant workers."
        assert "api_key" not in libretranslate.requests[-1]["json"]
        # The function itself refuses text the policy keeps here (confidential, or a level it does not know).
        sent = len(libretranslate.requests)
        for level in ("confidential", "embargoed"):
            with pytest.raises(translation.TranslationUnavailable):
                translation.machine_translate("Bonjour", "fr", "ar", level)
        assert len(libretranslate.requests) == sent
        translate_config("file:///etc/passwd")
        with pytest.raises(translation.TranslationUnavailable):
            translation.machine_translate("Bonjour", "fr", "ar", "public")
        translate_config(None)
        assert not translation.is_configured()
        with pytest.raises(translation.TranslationUnavailable):
            translation.machine_translate("Bonjour", "fr", "ar", "public")


def test_confidential_text_never_goes_to_the_translation_server(secretariat_client, create_consultation,
                                                                libretranslate, translate_config):
    translate_config(libretranslate.url)
    consultation = create_consultation()
    confidential = services.submit(consultation, {
        "org_name": "Secret Shelter", "constituency": "civil_society", "country": "LB",
        "contact_name": "N", "contact_email": "n@example.org", "language": "fr", "objectives": [7],
        "good_practices": ORIGINAL, "confidentiality": "confidential",
    }).submission
    page_url, machine_url, show_url = urls(confidential)
    assert "Machine pre-fill" not in secretariat_client.get(page_url).get_data(as_text=True)
    assert post_form(secretariat_client, machine_url, {}, get_url=page_url).status_code == 404
    assert libretranslate.requests == [] and translations() == []
