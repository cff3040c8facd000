"""Security headers on every response; malformed requests (nameless form fields, NUL characters) refused;
the random keys that make a form's post count once."""
import secrets

from flask import abort, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def new_form_key():
    """A random key carried by a form, so that posting it twice stores it once."""
    return secrets.token_urlsafe(24)


def is_malformed(req):
    """A form field without a name (a multipart part with no name=, which Werkzeug keys as None), or a NUL
    character in the address, the query, a form field or a file name.

    NUL is never text: PostgreSQL can neither store nor compare it (a query with one fails).
    """
    values = [req.path]
    # Werkzeug reads a body into form and files only for these two types; other requests skip them.
    has_form = req.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded")
    for multidict in (req.args, req.form, req.files) if has_form else (req.args,):
        for key, value in multidict.items(multi=True):
            if not isinstance(key, str):
                return True
            values += [key, value if isinstance(value, str) else (value.filename or "")]
    return any("\x00" in value for value in values)


def init_app(app):
    # create_app calls this before csrf.init_app: this check runs first, since Flask-WTF's CSRF check
    # reads the field names (and fails on a None).
    @app.before_request
    def refuse_malformed():
        if is_malformed(request._get_current_object()):
            abort(400)

    # Worked out once: a response only gets the headers it does not set itself.
    defaults = [
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if app.config["CONSULT_ENV"] == "production":
        defaults.append(("Strict-Transport-Security", "max-age=31536000"))

    @app.after_request
    def set_headers(response):
        headers = response.headers
        present = {name.lower() for name in headers.keys()}
        missing = [(name, value) for name, value in defaults if name.lower() not in present]
        # Pages are personal for signed-in readers: never cache them in shared caches.
        if "cache-control" not in present and response.mimetype == "text/html":
            missing.append(("Cache-Control", "private, no-cache"))
        headers.extend(missing)
        return response
