"""Browser fixtures: the session's app served on loopback by a real WSGI server,
one headless Chromium per run (Debian's /usr/bin/chromium driven by Playwright),
a fresh browser context per test that may not reach any host but 127.0.0.1, and
axe-core (vendored in vendor/, never fetched) to check accessibility.

The live server runs in another thread on the same database as the test. A test
that creates data must call `db.session.commit()` before it drives the browser:
outside a request the app opens SQLite transactions with BEGIN IMMEDIATE, so a
transaction left open by the test would hold the write lock that the server's
own requests wait for.
"""
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.browser.helpers import AXE_FILE, AXE_URL_PATH

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
LOOPBACK = "127.0.0.1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_VIEWPORT = {"width": 1280, "height": 800}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the pages in real headless Chromium")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app):
    """The session's app behind a real threaded WSGI server on a free loopback port."""
    server = make_server(LOOPBACK, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed: run make test as root or apt-get install chromium")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def blocked_requests():
    """URLs of the requests the test's pages tried to send to another host (all aborted)."""
    return []


@pytest.fixture
def console_errors():
    """Console errors, uncaught exceptions and failed sub-resources (a stylesheet, a
    script) of the test's pages; a Content-Security-Policy violation is one. A page
    itself answering 4xx (a form sent back with its errors) is not."""
    return []


@pytest.fixture
def new_page(browser, live_server, blocked_requests, console_errors):
    """Make a page in a fresh context: `new_page(locale="ar", viewport={"width": 360, "height": 740})`."""
    contexts = []

    def make(locale="en-GB", viewport=None, **options):
        context = browser.new_context(
            base_url=live_server,
            locale=locale,
            viewport=viewport or DEFAULT_VIEWPORT,
            timezone_id="Asia/Beirut",
            service_workers="block",
            **options,
        )
        contexts.append(context)
        context.set_default_timeout(10_000)
        # Only what leaves the live server's origin goes through Python (a regex is
        # matched inside Playwright's driver): loopback pages load at full speed.
        context.route(re.compile("^(?!" + re.escape(live_server + "/") + ")"), _guard(blocked_requests))
        context.route(live_server + AXE_URL_PATH, _serve_axe)
        page = context.new_page()
        page.on("console", lambda message: _console(message, console_errors))
        page.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
        page.on("response", lambda response: _failed_resource(response, console_errors))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh English context, 1280x800."""
    return new_page()


def _console(message, errors):
    # Chromium logs every 4xx/5xx response as "Failed to load resource"; the
    # response handler reports the ones that matter, with their URL.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        errors.append(f"console: {message.text}")


def _failed_resource(response, errors):
    if response.status >= 400 and response.request.resource_type != "document":
        errors.append(f"HTTP {response.status}: {response.request.resource_type} {response.url}")


def _guard(blocked):
    def handle(route):
        url = route.request.url
        if urlsplit(url).hostname == LOOPBACK:
            route.continue_()  # another port on this host
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    return handle


def _serve_axe(route):
    route.fulfill(path=AXE_FILE, content_type="text/javascript; charset=utf-8")
