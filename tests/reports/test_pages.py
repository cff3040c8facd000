"""Report pages and builds: who may do what, building in the background (thread and Redis queue),
progress, publishing, the API, the preview, the CLI, and bad input."""
import json
import socket
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.core.database import utcnow
from consult.core.extensions import db as _db
from consult.reports import jobs, services
from consult.reports.models import Report, ReportSetup
from tests.helpers import csrf_token, login, post_form

SLUG = "review-2026"


def wait_until_built(report_id, timeout=60):
    jobs.wait_for_threads(timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _db.session.expire_all()
        report = _db.session.get(Report, report_id)
        if not report.is_pending:
            return report
        time.sleep(0.2)
    raise AssertionError("the build did not finish")


def request_build(client, lang="en"):
    return post_form(client, f"/en/reports/{SLUG}/build", {"lang": lang}, get_url=f"/en/reports/{SLUG}/")


def test_build_from_the_page_in_the_background(report_call, secretariat_client, client, member_client):
    # The call's page leads the secretariat to the report's page.
    assert f"/en/reports/{SLUG}/" in secretariat_client.get(f"/en/consultations/{SLUG}/").get_data(as_text=True)
    response = request_build(secretariat_client, "ar")
    assert response.status_code == 303
    report_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    page = secretariat_client.get(f"/en/reports/builds/{report_id}").get_data(as_text=True)
    assert "<progress" in page or "Ready" in page  # progress while it builds, or already done
    report = wait_until_built(report_id)
    assert report.status == "ready" and report.pages > 3 and report.arabic_face
    page = secretariat_client.get(f"/en/reports/builds/{report_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and f"/en/reports/{report_id}.pdf" in page

    # Asking again with nothing changed gives the stored report at once, not a new build.
    again = request_build(secretariat_client, "ar")
    assert again.headers["Location"].endswith(f"/reports/builds/{report_id}")
    assert _db.session.scalar(select(func.count()).select_from(Report)) == 1

    # Before publishing: members and the secretariat download it; the public gets a 404.
    download = f"/en/reports/{report_id}.pdf"
    assert member_client.get(download).status_code == 200
    got = secretariat_client.get(download)
    assert got.status_code == 200 and got.mimetype == "application/pdf" and got.data.startswith(b"%PDF-")
    assert "attachment" in got.headers["Content-Disposition"] and got.headers["Cache-Control"] == "private, no-store"
    assert client.get(download).status_code == 404
    assert f"/reports/{report_id}.pdf" not in client.get("/en/reports/").get_data(as_text=True)
    assert f"/reports/{report_id}.pdf" in member_client.get("/en/reports/").get_data(as_text=True)
    assert json.loads(client.get("/api/reports").data) == []

    # Published: public, listed on the page and by the API; the call is marked reported.
    page = secretariat_client.get(f"/en/reports/{SLUG}/").get_data(as_text=True)
    response = secretariat_client.post(f"/en/reports/builds/{report_id}/publish",
                                       data={"csrf_token": csrf_token(page), "action": "publish"})
    assert response.status_code == 303
    assert client.get(download).status_code == 200
    assert f"/reports/{report_id}.pdf" in client.get("/ar/reports/").get_data(as_text=True)
    items = json.loads(client.get("/api/reports").data)
    assert [(item["id"], item["lang"], item["consultation"]) for item in items] == [(report_id, "ar", SLUG)]
    assert items[0]["url"] == f"http://consult.test/ar/reports/{report_id}.pdf"
    assert items[0]["published_at"].endswith("+02:00") or items[0]["published_at"].endswith("+03:00")
    assert report_call.consultation.status == "reported"
    text = json.dumps(items, ensure_ascii=False)
    assert report_call.canary not in text and report_call.anonymous_name not in text

    # Taken back: gone from the public again.
    page = secretariat_client.get(f"/en/reports/{SLUG}/").get_data(as_text=True)
    secretariat_client.post(f"/en/reports/builds/{report_id}/publish",
                            data={"csrf_token": csrf_token(page), "action": "unpublish"})
    assert client.get(download).status_code == 404


@pytest.mark.parametrize("who, expected", [("anonymous", 302), ("member", 403), ("secretariat", 200)])
def test_secretariat_pages_are_the_secretariat_s(report_call, client, member_client, secretariat_client, who,
                                                  expected):
    reader = {"anonymous": client, "member": member_client, "secretariat": secretariat_client}[who]
    for url in (f"/en/reports/{SLUG}/", f"/en/reports/{SLUG}/preview"):
        assert reader.get(url).status_code == expected, url
    if who != "secretariat":
        # No page to take a token from: the POST fails on its role before anything is queued.
        assert reader.post(f"/en/reports/{SLUG}/build", data={"lang": "en"}).status_code in (302, 400, 403)
        assert _db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_preview_is_the_report_as_html(report_call, secretariat_client):
    page = secretariat_client.get(f"/ar/reports/{SLUG}/preview")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert '<html lang="ar" dir="rtl">' in html
    assert report_call.recommendation in html and "Tamkeen Fields" in html
    for secret in (report_call.canary, report_call.anonymous_name, "contact@example.org"):
        assert secret not in html
    # Its stylesheets come from this host; nothing inline that the CSP would refuse.
    assert "/ar/reports/print/pdf.css" in html and "/ar/reports/print/report.css" in html and "<style" not in html
    assert secretariat_client.get("/ar/reports/print/report.css").mimetype == "text/css"
    assert secretariat_client.get("/ar/reports/print/..%2Fbase.html").status_code == 404


def test_an_open_call_is_not_built(create_consultation, secretariat_client):
    create_consultation(slug=SLUG, reference_prefix="RSAG")
    response = request_build(secretariat_client)
    assert response.status_code == 303
    page = secretariat_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "still accepts submissions" in page
    assert _db.session.scalar(select(func.count()).select_from(Report)) == 0
    assert secretariat_client.get(f"/en/reports/{SLUG}/preview").status_code == 200  # a preview is fine


def test_bad_input_is_refused_with_a_message(report_call, secretariat_client):
    response = request_build(secretariat_client, "de")
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    response = post_form(secretariat_client, f"/en/reports/{SLUG}/", {"summary_en": "x" * 20_001, "save": "1"})
    assert response.status_code == 400 and "At most 20000 characters" in response.get_data(as_text=True)
    assert _db.session.get(ReportSetup, report_call.consultation.id) is None
    assert secretariat_client.get("/en/reports/999999.pdf").status_code == 404
    assert secretariat_client.get("/en/reports/builds/999999").status_code == 404
    assert secretariat_client.get("/en/reports/no-such-call/").status_code == 404
    page = secretariat_client.get(f"/en/reports/{SLUG}/").get_data(as_text=True)
    assert secretariat_client.post("/en/reports/builds/999999/publish",
                                   data={"csrf_token": csrf_token(page), "action": "publish"}).status_code == 404


def test_texts_are_saved_per_language(report_call, secretariat_client):
    response = post_form(secretariat_client, f"/en/reports/{SLUG}/",
                         {"summary_ar": "ملخص تنفيذي", "summary_en": "Executive summary text.", "methodology_fr": "Méthode.",
                          "arabic_digits": "y", "save": "1"})
    assert response.status_code == 302
    setup = _db.session.get(ReportSetup, report_call.consultation.id)
    assert setup.summary == {"ar": "ملخص تنفيذي", "en": "Executive summary text."}
    assert setup.methodology == {"fr": "Méthode."} and setup.arabic_digits
    html = secretariat_client.get(f"/fr/reports/{SLUG}/preview").get_data(as_text=True)
    # No French summary yet: the English one stands in, marked as English.
    assert '<div lang="en" dir="ltr"><p>Executive summary text.</p>' in html and "<p>Méthode.</p>" in html


def test_a_failed_build_is_marked_and_can_be_built_again(report_call, app, monkeypatch):
    from consult.core import pdf

    def broken(*args, **kwargs):
        raise MemoryError("killed half-way")

    # Laid out in this process (in parts, the layout runs in worker processes: test_parallel.py fails one).
    monkeypatch.setitem(app.config, "CONSULT_REPORT_WORKERS", 1)
    monkeypatch.setattr(pdf, "write_pdf", broken)
    report, _ = services.build_now(report_call.consultation, "en")
    assert report.status == "failed" and report.stored_name is None and report.error == "MemoryError"
    monkeypatch.undo()
    rebuilt, reused = services.build_now(report_call.consultation, "en")
    assert rebuilt.id != report.id and rebuilt.status == "ready" and not reused


def test_a_build_that_died_is_marked_failed(report_call, secretariat_client):
    """A build whose process died stays 'building' until the time limit; then it is failed and
    a new request starts a new build instead of waiting for it forever."""
    from consult.reports import content
    from flask_babel import force_locale

    with force_locale("en"):
        digest = content.gather(report_call.consultation, "en").input_hash
    dead = Report(consultation_id=report_call.consultation.id, lang="en", input_hash=digest, status="building",
                  stage="laying_out", started_at=utcnow() - timedelta(hours=2))
    _db.session.add(dead)
    _db.session.commit()
    page = secretariat_client.get(f"/en/reports/builds/{dead.id}").get_data(as_text=True)
    assert "Failed" in page
    report, reused = services.build_now(report_call.consultation, "en")
    assert report.id != dead.id and report.status == "ready"
    assert secretariat_client.get(f"/en/reports/{dead.id}.pdf").status_code == 404


def test_cli_builds_and_reuses(report_call, app, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "report.pdf"
    result = runner.invoke(args=["consult", "report", "build", SLUG, "--lang", "fr", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-") and "pages" in result.output
    result = runner.invoke(args=["consult", "report", "build", SLUG, "--lang", "fr", "-o", str(tmp_path / "b.pdf")])
    assert "inputs unchanged" in result.output and (tmp_path / "b.pdf").read_bytes() == target.read_bytes()
    assert runner.invoke(args=["consult", "report", "build", "nope", "--lang", "fr", "-o", str(target)]).exit_code == 2
    assert runner.invoke(args=["consult", "report", "build", SLUG, "--lang", "de", "-o", str(target)]).exit_code == 2


def _redis_running():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_running(), reason="Redis not running on 127.0.0.1:6379")
def test_builds_go_through_the_redis_queue_when_configured(report_call, app, secretariat_client, monkeypatch):
    from rq import SimpleWorker

    url = "redis://127.0.0.1:6379/14"
    monkeypatch.setitem(app.config, "CONSULT_QUEUE_URL", url)
    queue = jobs.queue(url)
    queue.connection.flushdb()
    response = request_build(secretariat_client, "fr")
    report_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    assert queue.count == 1
    report = _db.session.get(Report, report_id)
    assert report.status == "queued"  # nothing builds until a worker takes it
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    _db.session.expire_all()
    report = _db.session.get(Report, report_id)
    assert report.status == "ready" and report.pages > 3
    assert queue.count == 0
    queue.connection.flushdb()
