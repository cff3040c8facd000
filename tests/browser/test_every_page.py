"""Every page a reader can reach, in real Chromium: with the demo data loaded, the public, a member and
the secretariat each follow every same-origin link from the home page and the menu, in Arabic and
English, and every page they reach answers 200, carries the right <html lang dir>, has no serious or
critical axe-core violation and fits a 360 px phone screen, in Arabic, English and French.

Fitting means more than the document's width (issue 15, point 14): every element of the page is checked.
No element's content overflows its box or is clipped by it (a scroll container is allowed, if the keyboard
can reach it), nothing sticks out of the screen, no word is broken inside (across two lines), and tables
reflow into stacked rows rather than scroll; a fact list never gives more than half the width to a label
beside its value. A line may end at the hyphen of a compound ("bénéficient-ils"), never inside a code
with digits ("RLAB-2026-0018").

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
from consult.core.extensions import db as _db
from consult.core.extensions import limiter
from tests.browser.helpers import ARTIFACTS, format_violations, run_axe
from tests.browser.test_pages import DIRECTION, PHONE, horizontal_overflow
from tests.helpers import empty_tables

READERS = {"public": None, "member": "member@example.org", "secretariat": "secretariat@example.org"}
LANGS = ("ar", "en", "fr")
PER_ROUTE = 2  # at most, per route rule: its address without and with a query string, say
DOWNLOADS = (".pdf", ".ics", ".csv", ".json", ".xlsx", ".docx")
# Routes that answer with a file rather than a page, whatever their address looks like.
FILE_ENDPOINTS = {"review.attachment", "submissions.attachment", "meetings.agenda_document", "reports.download",
                  "reports.download_docx", "opendata.data_csv", "opendata_api.submissions_json",
                  "reports.stylesheet", "static"}
# Pages each reader must reach by following links: proof that the crawl really went everywhere.
KEY_PAGES = {
    "public": {"consultations.index", "consultations.show", "consultations.submit", "submissions.links",
               "meetings.index", "meetings.show",
               "reports.index", "membership.roster", "membership.apply", "auth.login", "main.timezone"},
    "member": {"consultations.submit", "meetings.show", "meetings.actions", "meetings.feed", "reports.index",
               "membership.roster", "membership.directory", "membership.my_listing", "review.queue", "auth.account"},
    "secretariat": {"review.queue", "review.show", "review.translate", "audit.log", "membership_admin.balance",
                    "membership_admin.manage", "membership_admin.history", "membership_admin.application",
                    "consultations_admin.manage", "consultations_admin.reviewers", "reports.index",
                    "reports.workspace", "reports.preview", "meetings.edit", "meetings.agenda_page",
                    "meetings.invitations", "mail.outbox"},
}
SCREENSHOTS = ARTIFACTS / "every-page-ar-360"
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
            empty_tables()  # leave nothing half-loaded to the tests that follow
            raise
        finally:
            _db.session.remove()
    yield
    with app.app_context():
        empty_tables()


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


def crawl(page, live_server, adapter, lang, reader):
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
        if lang == "ar" and len(checked[endpoint]) == 1:  # one look at each Arabic page on a phone, for people
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{reader}-{endpoint}.png"), full_page=True)
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
    problems += layout_problems(page)
    return problems


# Run in the page: every element whose content does not fit its box, every word broken across lines, every
# table that does not stack its rows. Elements that are not drawn, or drawn as 1 px (visually hidden labels),
# are left out; form controls scroll their own text.
LAYOUT_CHECK = r"""() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.classList.length ? '.' + [...el.classList].join('.') : '') + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
    const skipTags = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'OPTION', 'SCRIPT', 'STYLE', 'svg', 'IMG', 'BR']);
    const drawn = el => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1; };
    // Inside a visually hidden box (1 px, clipped: a table's header row on a phone, a label for screen readers).
    const hiddenBox = new Map();
    const insideHidden = el => {
        const p = el.parentElement;
        if (!p || p === document.body) return false;
        if (!hiddenBox.has(p)) hiddenBox.set(p, !drawn(p) && getComputedStyle(p).overflow !== 'visible' || insideHidden(p));
        return hiddenBox.get(p);
    };
    const inScroller = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
    for (const el of document.body.querySelectorAll('*')) {
        if (skipTags.has(el.tagName) || !drawn(el) || insideHidden(el)) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden') continue;
        const r = el.getBoundingClientRect();
        if (!inScroller(el) && (r.right > width + 0.5 || r.left < -0.5)) out.push('sticks out of the screen: ' + name(el));
        if (style.display === 'inline' || el.clientWidth === 0) continue;
        if (el.scrollWidth > el.clientWidth + 1) {
            if (style.overflowX === 'auto' || style.overflowX === 'scroll') {
                if (el.tabIndex < 0) out.push('scroll container the keyboard cannot reach: ' + name(el));
            } else {
                out.push('content wider than its box (' + el.scrollWidth + ' > ' + el.clientWidth + '): ' + name(el));
            }
        }
    }
    for (const table of document.body.querySelectorAll('table')) {
        if (!drawn(table)) continue;
        const cells = [...table.querySelectorAll('tbody td, tbody th')].filter(drawn);
        if (cells.length && cells.some(c => getComputedStyle(c).display === 'table-cell'))
            out.push('table rows not stacked: ' + name(table));
    }
    for (const list of document.body.querySelectorAll('dl')) {
        for (const term of list.querySelectorAll(':scope > dt, :scope > div > dt')) {
            const value = term.nextElementSibling;
            if (!value || !drawn(term) || !drawn(value)) continue;
            const t = term.getBoundingClientRect(), v = value.getBoundingClientRect();
            const beside = t.top < v.bottom - 2 && v.top < t.bottom - 2;
            if (beside && t.width > list.getBoundingClientRect().width / 2)
                out.push('fact list label takes more than half the width: ' + name(term));
        }
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let words = 0;
    for (let node = walker.nextNode(); node && words < 20000; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || skipTags.has(parent.tagName) || parent.closest('[aria-hidden=true], .review-hidden, .minutes-hidden')) continue;
        const text = node.textContent;
        const pattern = /\S{2,}/g;
        let match;
        while ((match = pattern.exec(text)) !== null) {
            words += 1;
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const rects = [...range.getClientRects()].filter(rect => rect.width > 0);
            if (rects.length < 2) continue;
            // A compound's line may end at its hyphen ("bénéficient-/ils"), a code's may not ("RLAB-/2026-0018").
            if (match[0].includes('-') && !/\d/.test(match[0])) continue;
            const first = rects[0];
            if (rects.some(rect => rect.top >= first.bottom - 2 || rect.bottom <= first.top + 2))
                out.push('word broken across lines: "' + match[0].slice(0, 40) + '" in ' + name(parent));
        }
    }
    return [...new Set(out)].slice(0, 15);
}"""


def layout_problems(page):
    return page.evaluate(LAYOUT_CHECK)


@pytest.mark.parametrize("reader", list(READERS))
def test_every_page_reachable_by_a_reader(new_page, live_server, app, reader, blocked_requests, console_errors,
                                          capsys):
    page = new_page(locale="en-GB", viewport=PHONE)
    if READERS[reader]:
        sign_in(page, READERS[reader])
    adapter = app.url_map.bind("127.0.0.1")
    reached, problems, counts = set(), [], {}
    for lang in LANGS:
        checked, lang_problems = crawl(page, live_server, adapter, lang, reader)
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
