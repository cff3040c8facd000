"""Small helpers shared by the views of every feature."""
from flask import current_app, has_request_context, render_template, url_for
from flask_babel import format_number, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import IntegerConverter
from flask_babel import lazy_gettext as _l

from . import i18n, reference
from .database import MAX_ROW_ID, utcnow


class DatabaseIdConverter(IntegerConverter):
    """<int:...> with an upper bound that both databases can store."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def render_form(template, form, **context):
    """Render a page with a form: 400 when the form carries errors, so clients and tests can tell."""
    status = 400 if form.errors else 200
    return render_template(template, form=form, **context), status


def external_url(endpoint, **values):
    """An absolute link for e-mails and the CLI, always on CONSULT_BASE_URL.

    Never built from the request's Host header, which a client controls.
    """
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["CONSULT_BASE_URL"].rstrip("/") + path


# Entries of the main menu, shown once their feature's blueprint is registered.
NAV_ITEMS = (
    ("consultations.index", _l("Calls for input")),
    ("meetings.index", _l("Meetings")),
    ("reports.index", _l("Reports")),
    ("membership.roster", _l("The group")),
)


def file_size(size_bytes):
    """A file's size in kilobytes, with the page's digits and separators."""
    return _("%(size)s KB", size=format_number(-(-size_bytes // 1024)))


def has_endpoint(endpoint):
    return endpoint in current_app.view_functions


# Entries for signed-in readers: reviewing (members see the calls they are assigned), and the secretariat's pages.
SIGNED_IN_NAV_ITEMS = (("review.queue", _l("Review")),)
SECRETARIAT_NAV_ITEMS = (
    ("consultations_admin.manage", _l("Manage calls for input")),
    ("membership_admin.manage", _l("Manage the group")),
    ("audit.log", _l("Audit log")),
)


def nav_items():
    items = list(NAV_ITEMS)
    if current_user.is_authenticated:
        items += SIGNED_IN_NAV_ITEMS
        if current_user.role == "secretariat":
            items += SECRETARIAT_NAV_ITEMS
    return [(endpoint, label) for endpoint, label in items if has_endpoint(endpoint)]


def template_globals():
    return {
        **i18n.template_globals(),
        "has_endpoint": has_endpoint,
        "nav_items": nav_items,
        "current_timezone": lambda: str(get_timezone()),
        "now": utcnow,
        "file_size": file_size,
        "objective_label": lambda number: reference.objective(number).choice_label(i18n.current_lang()),
    }
