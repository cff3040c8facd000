"""Search terms stay out of URLs, and so out of the access logs of gunicorn and the reverse proxy.

The review queue's filter form is POSTed; the words a reviewer typed (the search and the tag) are kept
in their session under an opaque id, and the queue's address carries only that id (`s=`), with the
other filters (choices from fixed lists, which say nothing about what someone looked for).
"""
import secrets

from flask import session
from werkzeug.datastructures import MultiDict

PRIVATE = ("q", "tag")
KEY = "review_searches"
KEPT = 10  # searches remembered per session; older ids fall back to no search


def keep(values):
    """(the address's arguments, without the typed terms) for the filter `values` (a dict)."""
    args = {name: value for name, value in values.items() if value and name not in PRIVATE}
    terms = {name: values[name] for name in PRIVATE if values.get(name)}
    if terms:
        searches = dict(session.get(KEY) or {})
        # The same terms keep their id: page links and redirects reuse it instead of adding another.
        search_id = next((key for key, kept in searches.items() if kept == terms), None)
        if search_id is None:
            search_id = secrets.token_urlsafe(9)
            searches[search_id] = terms
            session[KEY] = dict(list(searches.items())[-KEPT:])
        args["s"] = search_id
    return args


def expand(args):
    """The filters as a form reads them: the address's arguments with the kept terms of `s` put back."""
    merged = MultiDict([(name, value) for name, value in args.items(multi=True) if name != "s"])
    for name, value in (session.get(KEY) or {}).get(args.get("s", ""), {}).items():
        merged.setlist(name, [value])
    return merged


def hide(args):
    """Link arguments (page links, the bulk form) with the typed terms replaced by the id they came from."""
    if not any(name in args for name in PRIVATE):
        return args
    return keep(args)
