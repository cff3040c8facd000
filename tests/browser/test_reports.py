"""The report pages in real Chromium: the secretariat builds a report with the page's own form
and follows its progress (a refreshing page, no script needed), then readers find it; every page
passes axe-core and fits a 360 px screen, in Arabic and English."""
import pytest

from tests.browser.helpers import ARTIFACTS, assert_accessible
from tests.browser.test_pages import PHONE, horizontal_overflow
from tests.helpers import TEST_PASSWORD

SLUG = "review-2026"


def sign_in(page, email, lang):
    page.goto(f"/{lang}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def fits_a_phone(page):
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= PHONE["width"], overflow
    page.set_viewport_size(size)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_secretariat_builds_and_readers_download(new_page, report_call, secretariat, member, db, lang,  # noqa: F811
                                                 blocked_requests, console_errors):
    staff, reader_email = secretariat.email, member.email
    db.session.commit()  # and touch no row after this: the live server must not wait for this test's transaction
    page = new_page(locale=lang)
    sign_in(page, staff, lang)

    page.goto(f"/{lang}/reports/{SLUG}/")
    assert_accessible(page)
    fits_a_phone(page)
    page.locator("input[name=lang][value=en]").check()
    with page.expect_navigation():
        page.locator("form[action$='/build'] [type=submit]").click()
    assert "/reports/builds/" in page.url
    assert_accessible(page)
    # The page refreshes itself until the build is done; then it offers the PDF.
    page.wait_for_selector("main a[href$='.pdf']", timeout=90_000)
    assert_accessible(page)

    page.goto(f"/{lang}/reports/{SLUG}/preview")
    assert page.locator("nav.toc").is_visible()
    assert_accessible(page)
    fits_a_phone(page)
    if lang == "ar":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "report-preview-ar.png")

    reader = new_page(locale=lang)
    sign_in(reader, reader_email, lang)
    reader.goto(f"/{lang}/reports/")
    link = reader.locator("main a[href$='.pdf']")
    assert link.count() == 1
    assert_accessible(reader)
    fits_a_phone(reader)
    with reader.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"input-report-{SLUG}-en.pdf"

    assert blocked_requests == []
    assert console_errors == []
