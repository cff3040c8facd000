"""Accounts: passwords, one-time password links, sign-in checks. No request in here."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from ..core.database import is_row_id, parse_row_id, utcnow
from ..core.extensions import db
from ..core.mail import services as mail
from ..core.web import external_url
from ..core import languages
from .models import ROLES, User

hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both answers take as long.
_DUMMY_HASH = hasher.hash("not a password of anyone")
MIN_PASSWORD_LENGTH = 10


class LinkError(Exception):
    """A password link that is forged, expired or already used."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "invalid" or "expired"


def normalise_email(email):
    return (email or "").strip().lower()


def find_user(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email, role, name="", locale=languages.DEFAULT):
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = User(email=normalise_email(email), role=role, name=name, locale=locale)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user, password):
    user.password_hash = hasher.hash(password)


def authenticate(email, password):
    """The active user with this e-mail and password, or None; the same time either way."""
    user = find_user(email)
    if user is None or not user.password_hash or not user.active:
        try:
            hasher.verify(_DUMMY_HASH, password or "x")
        except VerificationError:
            pass
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        set_password(user, password)
    user.last_login_at = utcnow()
    return user


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="consult.password-link")


def password_token(user):
    """A signed link token; it dies when the password changes, so it works once."""
    return _serializer().dumps({"u": user.id, "f": user.password_fingerprint})


def user_from_password_token(token, max_age=None):
    max_age = max_age or current_app.config["PASSWORD_LINK_MAX_AGE"]
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkError("expired")
    except BadSignature:
        raise LinkError("invalid")
    user_id = data.get("u") if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if is_row_id(user_id) else None
    if user is None or not user.active or user.password_fingerprint != data.get("f"):
        raise LinkError("invalid")
    return user


def send_password_link(email):
    """Queue a link to choose a new password for the active account of `email`, if there is one."""
    user = find_user(email)
    if user is None or not user.active:
        return None
    link = external_url("auth.set_password", token=password_token(user), lang=user.locale)
    return mail.send_template(user.email, "mail/password_reset", user.locale, link=link, user=user)


def load_user(user_id):
    """Flask-Login's loader: the id carries the password fingerprint."""
    uid, _, fingerprint = (user_id or "").partition(":")
    uid = parse_row_id(uid)
    if uid is None:
        return None
    user = db.session.get(User, uid)
    if user is None or user.password_fingerprint != fingerprint:
        return None
    return user
