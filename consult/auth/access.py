"""The one helper that every protected view uses."""
from functools import wraps

from flask import abort
from flask_login import current_user

from ..core.extensions import login_manager


def roles_required(*roles):
    """Signed in, active and holding one of the roles; otherwise login or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


secretariat_required = roles_required("secretariat")
login_required = roles_required()
