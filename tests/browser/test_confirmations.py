"""Destructive or public actions ask first, on a page that works without JavaScript (issue 15, point 18):
deleting an agenda item, publishing a report."""
from datetime import datetime, timedelta, timezone

from consult.core import storage
from consult.core.database import utcnow
from consult.core.extensions import db as _db
from consult.meetings import services as meetings
from consult.meetings.models import AgendaItem
from consult.reports.models import Report
from tests.browser.test_journeys import check_copy
from tests.browser.test_pages import PHONE
from tests.helpers import TEST_PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_in(page, email, lang):
    """Sign in on a page without JavaScript (the journeys' helper runs axe, which needs it)."""
    page.goto(f"/{lang}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(f"/{lang}/"), page.url


def _no_script_page(new_page, lang):
    page = new_page(locale=lang, viewport=PHONE, java_script_enabled=False)
    mirror = new_page(locale=lang, viewport=PHONE)  # axe needs JavaScript: it checks copies of the pages here
    mirror.goto(f"/{lang}/")
    return page, mirror


def test_deleting_an_agenda_item_asks_first(new_page, create_user, db, blocked_requests, console_errors):
    staff = create_user(email="staff-delete@example.org", role="secretariat").email
    starts = datetime(2031, 5, 6, 8, 0, tzinfo=timezone.utc)
    meeting = meetings.create_meeting(title={"fr": "Réunion de mai"}, starts_at=starts,
                                      ends_at=starts + timedelta(hours=2), timezone="Africa/Tunis",
                                      status="scheduled", agenda=[{"title": {"fr": "Ouverture"}},
                                                                  {"title": {"fr": "Point à supprimer"}}])
    meeting_id, item_id = meeting.id, meeting.agenda[1].id
    db.session.commit()

    page, mirror = _no_script_page(new_page, "fr")
    sign_in(page, staff, "fr")
    page.goto(f"/fr/meetings/{meeting_id}/agenda")
    with page.expect_navigation():
        page.locator(f"a[href$='/agenda/{item_id}/delete']").click()
    check_copy(page, mirror)
    assert "Point à supprimer" in page.locator("main").inner_text()
    # Changing one's mind leaves the item where it was.
    with page.expect_navigation():
        page.locator("main .actions a").click()
    db.session.commit()
    assert db.session.get(AgendaItem, item_id) is not None
    db.session.commit()
    page.goto(f"/fr/meetings/{meeting_id}/agenda/{item_id}/delete")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/agenda" in page.url
    db.session.commit()
    assert db.session.get(AgendaItem, item_id) is None
    db.session.commit()
    assert blocked_requests == [] and console_errors == []


def test_publishing_a_report_asks_first(new_page, create_user, create_consultation, db, blocked_requests,
                                        console_errors):
    staff = create_user(email="staff-publish@example.org", role="secretariat").email
    now = utcnow().replace(microsecond=0)
    closed = create_consultation(slug="closed-for-report", status="closed", opens_at=now - timedelta(days=60),
                                 closes_at=now - timedelta(days=30))
    stored_name, digest = storage.store(PDF)
    report = Report(consultation_id=closed.id, lang="ar", input_hash="z" * 64, status="ready", stage="done",
                    stored_name=stored_name, size=len(PDF), sha256=digest, pages=1, finished_at=now)
    _db.session.add(report)
    db.session.commit()
    report_id = report.id
    db.session.commit()

    page, mirror = _no_script_page(new_page, "ar")
    sign_in(page, staff, "ar")
    page.goto("/ar/reports/closed-for-report/")
    with page.expect_navigation():
        page.locator(f"a[href$='/reports/builds/{report_id}/publish']").click()
    check_copy(page, mirror)
    db.session.commit()
    assert db.session.get(Report, report_id).published_at is None  # nothing public yet
    db.session.commit()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/ar/reports/closed-for-report/")
    db.session.commit()
    assert db.session.get(Report, report_id).published_at is not None
    db.session.commit()
    assert blocked_requests == [] and console_errors == []
