"""Translated error pages: a clear message and the right 4xx/5xx, never a bare traceback."""
import logging

from flask import g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db, login_manager

log = logging.getLogger(__name__)

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You may not see this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("What you sent is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is briefly unavailable"),
}
MESSAGES = {
    400: _l("Please go back, check what you entered and try again."),
    403: _l("Sign in with an account that has access, or ask the secretariat."),
    404: _l("The address may be mistyped, or the page may have moved."),
    405: _l("Please use the links and buttons on the site."),
    413: _l("Files and texts have size limits. Please send smaller files."),
    429: _l("Please wait a few minutes before you try again."),
    500: _l("The secretariat has been told. Please try again later."),
    503: _l("Please try again in a minute."),
}
CSRF_MESSAGE = _l("This form has expired or was not sent from this site. Please reload the page and send it again.")


def render_error(code, message=None):
    if request.path.startswith("/api/") or request.path in ("/healthz",):
        return jsonify({"error": code}), code
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=TITLES.get(code, TITLES[500]),
            message=message or MESSAGES.get(code, MESSAGES[500]),
        ),
        code,
    )


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error):
        code = error.code or 500
        if code not in TITLES:
            return error
        return render_error(code)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.path)

        db.session.rollback()
        return render_error(500)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeoutError)
    def database_unavailable(error):
        """The database is away for a moment (restarted, connections cut, SQLite busy too long): 503, try again.

        Other database errors (a constraint, a bad statement) stay 500s.
        """
        if isinstance(error, DBAPIError) and not (isinstance(error, OperationalError) or error.connection_invalidated):
            return unexpected_error(error)
        # The reason only (never the statement's parameters, which may hold personal data).
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
        log.warning("database unavailable on %s %s: %s: %s", request.method, request.path,
                    type(getattr(error, "orig", None) or error).__name__, reason)

        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it
            pass
        # The page must render without the database: a reader whose account could not be loaded sees it signed out.
        if "_login_user" not in g:
            g._login_user = login_manager.anonymous_user()
        return render_error(503)

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        return render_error(500)
