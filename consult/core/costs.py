"""Bounds on what an anonymous reader can make the server do (README: "Bounded costs").

Two tools: a short-lived copy of whole responses that are the same for every anonymous reader (feeds,
the open-data API), so a flood of requests costs a dictionary lookup each; and a count of the costly
builds one address may cause (agenda PDFs), kept in the rate limiter's storage (Redis when set,
shared by all workers). Reading requests skip Flask-Limiter's decorators (consult.extensions), so
these counts are taken by hand, only when a build is really needed.
"""
import threading
import time

from flask import Response, abort, current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many

from .extensions import limiter

MAX_RESPONSES = 500


class ResponseCache:
    def __init__(self):
        self._entries = {}
        self._lock = threading.Lock()

    def get(self, key):
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        _, data, mimetype, headers = entry
        return Response(data, mimetype=mimetype, headers=headers)

    def put(self, key, response, seconds):
        if seconds <= 0 or response.status_code != 200 or response.direct_passthrough:
            return
        headers = [(name, value) for name, value in response.headers.items()
                   if name.lower() not in ("content-length", "set-cookie", "vary")]
        with self._lock:
            if len(self._entries) >= MAX_RESPONSES:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + seconds, response.get_data(), response.mimetype, headers)

    def clear(self):
        with self._lock:
            self._entries.clear()


def response_cache():
    return current_app.extensions.setdefault("consult_response_cache", ResponseCache())


def kept_for_everyone(key, build):
    """The response of `build()`, kept CONSULT_PUBLIC_CACHE_SECONDS for anonymous readers under `key`
    (made of validated values only, never the raw query string, so it cannot be varied at will)."""
    seconds = current_app.config["CONSULT_PUBLIC_CACHE_SECONDS"]
    if seconds <= 0 or current_user.is_authenticated:
        return build()
    cache = response_cache()
    kept = cache.get(key)
    if kept is not None:
        return kept
    response = build()
    cache.put(key, response, seconds)
    return response


def count_build(name, limit_setting):
    """Count one costly build caused by the client's address; a 429 page when it is past the limit
    in app.config[limit_setting] (e.g. "10 per minute; 30 per hour")."""
    limits = parse_many(current_app.config[limit_setting])
    address = get_remote_address()
    strategy = limiter.limiter
    if not all(strategy.test(item, name, address) for item in limits):
        abort(429)
    for item in limits:
        strategy.hit(item, name, address)
