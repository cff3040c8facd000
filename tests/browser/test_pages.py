"""The pages in real headless Chromium: direction and language, accessibility
(axe-core), a narrow phone screen, the keyboard, and nothing fetched from
another host."""
import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.helpers import ARTIFACTS, assert_accessible, format_violations, run_axe
from tests.helpers import TEST_PASSWORD

DIRECTION = {"ar": "rtl", "en": "ltr", "fr": "ltr"}
MY_ACCOUNT = {"ar": "حسابي", "en": "My account", "fr": "Mon compte"}
PHONE = {"width": 360, "height": 740}


def in_viewport(page, selector):
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    if box is None:
        return False
    return 0 <= box["x"] <= size["width"] - box["width"] and 0 <= box["y"] <= size["height"] - box["height"]


def html_attributes(page):
    return page.evaluate("({lang: document.documentElement.lang, dir: document.documentElement.dir})")


def horizontal_overflow(page):
    """The page's scroll width, the viewport's width, and up to five elements that stick out."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')]
            .filter(el => { const r = el.getBoundingClientRect(); return r.right > width + 0.5 || r.left < -0.5; })
            .slice(0, 5).map(el => el.outerHTML.slice(0, 120));
        return {scrollWidth: document.documentElement.scrollWidth, width, wide};
    }""")


@pytest.mark.parametrize("lang", ["ar", "en", "fr"])
def test_home_page(new_page, lang, blocked_requests, console_errors):
    page = new_page(locale=lang)
    response = page.goto(f"/{lang}/")
    assert response.status == 200

    assert html_attributes(page) == {"lang": lang, "dir": DIRECTION[lang]}
    assert page.evaluate("getComputedStyle(document.body).direction") == DIRECTION[lang]
    assert_accessible(page)
    if lang == "ar":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "home-ar.png", full_page=True)

    page.set_viewport_size(PHONE)
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= PHONE["width"], overflow
    if lang == "ar":
        page.screenshot(path=ARTIFACTS / "home-ar-360.png", full_page=True)

    assert blocked_requests == []
    assert console_errors == []


@pytest.mark.parametrize("lang", ["ar", "en", "fr"])
def test_login_page(new_page, lang, blocked_requests, console_errors):
    page = new_page(locale=lang, viewport=PHONE)
    assert page.goto(f"/{lang}/login").status == 200
    assert html_attributes(page) == {"lang": lang, "dir": DIRECTION[lang]}
    assert_accessible(page)
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= PHONE["width"], overflow

    # The form with its errors shown (sent empty) must be as readable.
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("[aria-invalid=true]").count() == 2
    assert_accessible(page)

    assert blocked_requests == []
    assert console_errors == []


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_sign_in_with_the_keyboard_only(new_page, create_user, db, lang, blocked_requests, console_errors):
    email = create_user(locale=lang).email
    db.session.commit()  # the live server's requests must not wait for this test's transaction

    page = new_page(locale=lang)
    page.goto(f"/{lang}/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert in_viewport(page, ".skip-link"), "the focused skip link is off screen"
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "email":
            break
    else:
        pytest.fail("Tab never reached the e-mail field")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith(f"/{lang}/"), page.url
    assert page.get_by_role("link", name=MY_ACCOUNT[lang], exact=True).is_visible()
    assert html_attributes(page)["dir"] == DIRECTION[lang]
    assert_accessible(page)
    assert blocked_requests == []
    assert console_errors == []


def test_axe_harness_reports_a_violation(page):
    """The check above is only worth something if axe really runs and reports."""
    page.goto("/en/")
    page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    violations = run_axe(page)
    assert [v["id"] for v in violations] == ["button-name"], format_violations(violations)
    assert "button-name" in format_violations(violations)


def test_requests_to_other_hosts_are_blocked(page, blocked_requests):
    with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
        page.goto("http://example.org/")
    assert blocked_requests == ["http://example.org/"]


def test_root_follows_the_browser_language(new_page):
    page = new_page(locale="ar")
    page.goto("/")
    assert urlpath(page.url) == "/ar/"
    page = new_page(locale="fr-FR")
    page.goto("/")
    assert urlpath(page.url) == "/fr/"


def urlpath(url):
    return "/" + url.split("/", 3)[3]
