"""Extensions, created once and bound to the app in create_app()."""
import flask_limiter
from flask import request
from flask_babel import Babel
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints, so that batch migrations on SQLite can drop them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate(render_as_batch=True, compare_type=True)
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
READING_METHODS = ("GET", "HEAD", "OPTIONS")


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, minus its work on requests that only read.

    Every limit of the app is on POST (tests/test_app.py checks), yet the limiter's before_request
    hook sorts out the limits of every request: a tenth of a kept page's time.
    """

    def _check_request_limit(self, callable_name=None, in_middleware=True):
        if in_middleware and request.method in READING_METHODS:
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)


limiter = Limiter(key_func=get_remote_address, default_limits=[])


@limiter.request_filter
def _reading():
    """The same for the limits on views (each is on POST; a GET of the view skips the bookkeeping)."""
    return request.method in READING_METHODS
