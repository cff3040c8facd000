"""Whole pages kept for a few seconds for anonymous readers (the submission form on a call's last day).

Rendering the form (about 150 inputs in three languages) costs far more than serving it. A page is
rendered once per key and process, then served again until it expires; the values that differ per
request (the session's CSRF token, the form key) are put back into the kept copy each time. A change
to the call shows within CONSULT_PAGE_CACHE_SECONDS; what is sent back is always checked afresh.
"""
import re
import threading
import time

from flask import current_app, request, session
from flask_login import current_user
from markupsafe import Markup

MAX_PAGES = 200
_PLACEHOLDER = re.compile("\x00(\\w+)\x00")  # split() keeps the names: text, name, text, ...


class PageCache:
    def __init__(self):
        self._pages = {}
        self._lock = threading.Lock()

    @staticmethod
    def usable():
        """Only a plain GET by an anonymous reader with nothing to show them alone is the same for everyone."""
        return (current_app.config["CONSULT_PAGE_CACHE_SECONDS"] > 0 and request.method == "GET"
                and not request.args and "_flashes" not in session and not current_user.is_authenticated)

    def get(self, key, **fresh):
        """The kept page with this request's values in place of the placeholders, or None."""
        entry = self._pages.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        parts = entry[1]
        # parts alternates kept text and the names of the values filled in per request.
        return Markup("".join(part if n % 2 == 0 else fresh[part] for n, part in enumerate(parts)))

    def put(self, key, html, seconds, **used):
        """Keep `html` at most `seconds`; each of `used` (name=value this request used) is filled in per request."""
        seconds = min(current_app.config["CONSULT_PAGE_CACHE_SECONDS"], seconds)
        if seconds <= 0 or not all(used.values()):
            return
        html = str(html)
        for name, value in used.items():
            html = html.replace(value, f"\x00{name}\x00")
        # NUL never occurs in a page (security.py refuses it in input), so it marks the names safely.
        parts = tuple(_PLACEHOLDER.split(html))
        with self._lock:
            if len(self._pages) >= MAX_PAGES:
                self._pages.clear()
            self._pages[key] = (time.monotonic() + seconds, parts)

    def clear(self):
        with self._lock:
            self._pages.clear()


def page_cache(name):
    """The app's cache called `name` (one per kind of page)."""
    caches = current_app.extensions.setdefault("consult_page_caches", {})
    if name not in caches:
        caches[name] = PageCache()
    return caches[name]
