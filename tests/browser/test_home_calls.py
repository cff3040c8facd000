"""Open calls one tap from the home page, with the deadline in the reader's zone; a closed call's page links
to its published report (issue 15, point 16)."""
from datetime import timedelta

from consult.core import storage
from consult.core.database import utcnow
from consult.core.extensions import db as _db
from consult.reports.models import Report
from tests.browser.test_journeys import check, follow

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_open_call_one_tap_from_home_and_closed_call_links_its_report(new_page, create_consultation, db,
                                                                      blocked_requests, console_errors):
    now = utcnow().replace(microsecond=0)
    closes = (now + timedelta(days=8)).replace(hour=20, minute=59, second=0)
    create_consultation(slug="open-call", closes_at=closes)
    closed = create_consultation(slug="closed-call", reference_prefix="OLD", status="closed",
                                 opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30),
                                 title={"en": "Last year's call", "ar": "دعوة العام الماضي"})
    stored_name, digest = storage.store(PDF)
    _db.session.add(Report(consultation_id=closed.id, lang="en", input_hash="x" * 64, status="ready", stage="done",
                           stored_name=stored_name, size=len(PDF), sha256=digest, pages=1, published_at=now,
                           finished_at=now))
    unpublished, digest = storage.store(PDF)
    _db.session.add(Report(consultation_id=closed.id, lang="fr", input_hash="y" * 64, status="ready", stage="done",
                           stored_name=unpublished, size=len(PDF), sha256=digest, pages=1, finished_at=now))
    db.session.commit()

    page = new_page(locale="ar")
    page.context.add_cookies([{"name": "tz", "value": "Asia/Dubai", "url": "http://127.0.0.1/"}])  # any port
    page.goto("/ar/")
    check(page)
    card = page.locator("#open-calls-heading + ul .card")
    assert card.count() == 1  # the closed call is not offered
    # 20:59 UTC is 00:59 the next day in Dubai, the reader's zone (Arabic's own pattern: 12:59 ص).
    text = card.inner_text()
    assert "12:59 ص" in text and "دبي" in text, text
    assert "دعوة العام الماضي" not in page.locator("main").inner_text()
    follow(page, card.locator("h3 a"))
    assert page.url.endswith("/ar/consultations/open-call/")

    page.goto("/ar/consultations/closed-call/")
    check(page)
    links = page.locator(".report-links a")
    assert links.count() == 1  # the published report only, not the French draft
    response = page.request.get(links.first.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert blocked_requests == [] and console_errors == []
