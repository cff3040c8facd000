"""Every page a reader can reach, in real Chromium: with the demo data loaded, the public, a member and
the secretariat each follow every same-origin link from the home page and the menu, in Arabic and
English, and every page they reach answers 200, carries the right <html lang dir>, has no serious or
critical axe-core violation and fits a 360 px phone screen.

The crawl follows GET links only (never a form, so sign-out and every change are left alone), skips
downloads (PDF, iCalendar, CSV, JSON, XLSX, attachments) and stays bounded: addresses of one route that
differ only in ids or in the values of the same query parameters count as one page, and at most two
addresses of a route are checked (say /review/ and /review/?page=2).
"""
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from consult.demo.services import DEMO_PASSWORD, load_demo
from consult.extensions import db as _db
from consult.extensions import limiter
from tests.browser.conftest import format_violations, run_axe
from tests.browser.test_pages import DIRECTION, PHONE, horizontal_overflow
from tests.conftest import _empty_tables

READERS = {"public": None, "member": "member@example.org", "secretariat": "secretariat@example.org"}
LANGS = ("ar", "en")
PER_ROUTE = 2  # at most, per route rule: its address without and with a query string, say
DOWNLOADS = (".pdf", ".ics", ".csv", ".json", ".xlsx", ".docx")
# Routes that answer with a file rather than a page, whatever their address looks like.
FILE_ENDPOINTS = {"review.attachment", "submissions.attachment", "meetings.agenda_document", "reports.download",
                  "reports.download_docx", "opendata.data_csv", "opendata_api.submissions_json",
                  "reports.stylesheet", "static"}
# Pages each reader must reach by following links: proof that the crawl really went everywhere.
KEY_PAGES = {
    "public": {"consultations.index", "consultations.show", "consultations.submit", "meetings.index", "meetings.show",
               "reports.index", "membership.roster", "membership.apply", "auth.login", "main.timezone"},
    "member": {"consultations.submit", "meetings.show", "meetings.actions", "meetings.feed", "reports.index",
               "membership.roster", "membership.directory", "membership.my_listing", "review.queue", "auth.account"},
    "secretariat": {"review.queue", "review.show", "review.translate", "review.audit_log", "membership_admin.balance",
                    "membership_admin.manage", "membership_admin.history", "membership_admin.application",
                    "consultations_admin.manage", "consultations_admin.reviewers", "reports.index",
                    "reports.workspace", "reports.preview", "meetings.edit", "meetings.agenda_page",
                    "meetings.invitations"},
}
# A page must not take this long to show (all pages come from the loopback server).
PAGE_TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def demo(app):
    """The demo data, loaded once for this module's three readers and emptied after them."""
    with app.app_context():
        try:
            load_demo()
            _db.session.commit()
        except BaseException:
            _db.session.rollback()
            _empty_tables()  # leave nothing half-loaded to the tests that follow
            raise
        finally:
            _db.session.remove()
    yield
    with app.app_context():
        _empty_tables()


@pytest.fixture(autouse=True)
def db(app, demo):
    """Replaces the suite's `db` for this module: the pages only read, so the demo stays between readers."""
    limiter.reset()
    with app.app_context():
        yield _db
        _db.session.remove()


def sign_in(page, email):
    page.goto("/en/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/en/"), f"sign-in as {email} failed: {page.url}"


def route_of(adapter, path):
    """The endpoint serving `path`, or None when no route matches (the page is still visited: a broken link)."""
    try:
        endpoint, _ = adapter.match(path, method="GET")
    except HTTPException:
        return None
    return endpoint


def links_on(page):
    """Where the page's links lead (absolute), except those marked as downloads."""
    return page.eval_on_selector_all(
        "a[href]", "links => links.filter(a => !a.hasAttribute('download')).map(a => a.href)")


def crawl(page, live_server, adapter, lang):
    """Visit every page reachable from /<lang>/; return ({endpoint: [paths]}, [problems])."""
    origin = urlsplit(live_server)
    start = f"/{lang}/"
    queue, queued = deque([start]), {start}
    # Addresses of one route that differ only in ids or in the values of the same query parameters are one
    # page for this check: one address per (route, parameter names), at most PER_ROUTE per route.
    signatures, per_route = {("main.home", ())}, {"main.home": 1}
    checked, problems = {}, []
    while queue:
        path = queue.popleft()
        try:
            response = page.goto(path, timeout=PAGE_TIMEOUT_MS)
        except Exception as error:  # a download that the address did not announce
            if "Download is starting" in str(error):
                continue
            raise
        endpoint = route_of(adapter, urlsplit(path).path)
        checked.setdefault(endpoint, []).append(path)
        problems += [f"{path}: {problem}" for problem in check_page(page, response, lang)]
        for href in links_on(page):
            url = urlsplit(href)
            if (url.scheme, url.netloc) != (origin.scheme, origin.netloc):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target in queued or not url.path.startswith(f"/{lang}/") or url.path.endswith(DOWNLOADS):
                continue
            target_endpoint = route_of(adapter, url.path)
            if target_endpoint in FILE_ENDPOINTS:
                continue
            if target_endpoint is not None:  # an unknown address is always visited: it shows as a problem
                signature = (target_endpoint, tuple(sorted({name for name, _ in parse_qsl(url.query)})))
                if signature in signatures or per_route.get(target_endpoint, 0) >= PER_ROUTE:
                    continue
                signatures.add(signature)
                per_route[target_endpoint] = per_route.get(target_endpoint, 0) + 1
            queued.add(target)
            queue.append(target)
    return checked, problems


def check_page(page, response, lang):
    problems = []
    if response is None or response.status != 200:
        problems.append(f"answered {response.status if response else 'nothing'}")
    attributes = page.evaluate("({lang: document.documentElement.lang, dir: document.documentElement.dir})")
    if attributes != {"lang": lang, "dir": DIRECTION[lang]}:
        problems.append(f"<html> has {attributes}")
    violations = run_axe(page)
    if violations:
        problems.append(format_violations(violations))
    overflow = horizontal_overflow(page)
    if overflow["scrollWidth"] > PHONE["width"]:
        problems.append(f"wider than a phone: {overflow}")
    return problems


@pytest.mark.parametrize("reader", list(READERS))
def test_every_page_reachable_by_a_reader(new_page, live_server, app, reader, blocked_requests, console_errors,
                                          capsys):
    page = new_page(locale="en-GB", viewport=PHONE)
    if READERS[reader]:
        sign_in(page, READERS[reader])
    adapter = app.url_map.bind("127.0.0.1")
    reached, problems, counts = set(), [], {}
    for lang in LANGS:
        checked, lang_problems = crawl(page, live_server, adapter, lang)
        counts[lang] = sum(len(paths) for paths in checked.values())
        reached |= set(checked)
        problems += lang_problems
    with capsys.disabled():
        print(f"\n{reader}: " + ", ".join(f"{counts[lang]} pages in {lang}" for lang in LANGS), end="")

    assert not problems, f"{len(problems)} problem(s) for the {reader}:\n" + "\n".join(problems)
    assert None not in reached, "a link led to an address that no route serves"
    missing = KEY_PAGES[reader] - reached
    assert not missing, f"the crawl never reached {sorted(missing)}"
    assert blocked_requests == []
    assert console_errors == []
