"""The advisory group: the logic, with no request in it.

Views, CLI commands, the demo and tests call these functions with plain values.
Functions that change data commit their own transaction, or roll it back and
raise, so nothing is ever half-saved.

This module: the group's rules and errors, its settings, members' profiles, terms and their reminders.
The roster and balance are in `roster`, calls for nominations and applications in `nominations`.
"""
from sqlalchemy import or_, select

from ..core.audit import services as audit
from ..auth import services as accounts
from ..auth.models import User
from ..core.database import utcnow
from ..core.extensions import db
from ..core.i18n import today
from ..core.mail import services as mail
from ..organisations.services import get_organisation
from ..core.web import external_url
from .models import GROUP_ROLES, LANGS, REMINDER_DAYS, GroupSettings, MemberProfile, Term, TermReminder

TERM_FIELDS = ("organisation_id", "seat", "role", "starts_on", "ends_on", "tor_accepted_on", "coi_declared_on")
# Roles that hold one of the numbered seats; an alternate stands in for the holder of a seat.
SEAT_HOLDER_ROLES = ("chair", "co_chair", "member")


class MembershipError(Exception):
    """A change the rules of the group do not allow; `code` says which rule."""

    def __init__(self, code, **details):
        super().__init__(code)
        self.code = code
        self.details = details


class ClosedError(Exception):
    """The call for nominations accepts nothing (closed, or past its deadline)."""


class NotFound(Exception):
    pass


# ---------------------------------------------------------------- settings and profiles

def group_settings():
    """The one settings row (made with the defaults when missing; not committed)."""
    settings = db.session.get(GroupSettings, 1)
    if settings is None:
        settings = GroupSettings(id=1, seats=10, alternates=True, min_women_percent=40,
                                 warn_empty_subregion=True, warn_ending_days=60)
        db.session.add(settings)
        db.session.flush()
    return settings


def save_settings(**values):
    settings = group_settings()
    for name in ("seats", "alternates", "min_women_percent", "warn_empty_subregion", "warn_ending_days"):
        if name in values:
            setattr(settings, name, values[name])
    db.session.commit()
    return settings


def profile_of(user):
    """The member's profile (made when missing; not committed)."""
    profile = db.session.get(MemberProfile, user.id)
    if profile is None:
        profile = MemberProfile(user_id=user.id, gender="unstated", phone="", hide_name=False)
        db.session.add(profile)
        db.session.flush()
    return profile


def set_hide_name(user, hide):
    profile_of(user).hide_name = bool(hide)
    db.session.commit()


def profiles_for(user_ids):
    """{user_id: MemberProfile} in one query."""
    if not user_ids:
        return {}
    return {p.user_id: p for p in db.session.scalars(select(MemberProfile).where(MemberProfile.user_id.in_(user_ids)))}


# ---------------------------------------------------------------- terms

def _check_term(term, settings):
    """The rules of a term: dates, seat number, declarations, no overlap for the person or the seat."""
    if term.role not in GROUP_ROLES:
        raise MembershipError("role")
    if term.starts_on is None or term.ends_on is None or term.ends_on < term.starts_on:
        raise MembershipError("dates")
    if term.ended_on is not None and not (term.starts_on <= term.ended_on <= term.ends_on):
        raise MembershipError("end_date")
    if not 1 <= (term.seat or 0) <= settings.seats:
        raise MembershipError("seat", seats=settings.seats)
    if term.role == "alternate" and not settings.alternates:
        raise MembershipError("alternates")
    for declared in (term.tor_accepted_on, term.coi_declared_on):
        if declared is not None and declared > today():
            raise MembershipError("declaration_future")
    last_day = term.ended_on or term.ends_on
    others = select(Term).where(
        Term.starts_on <= last_day,
        or_(Term.ended_on.is_(None), Term.ended_on >= term.starts_on),
        Term.ends_on >= term.starts_on,
    )
    if term.id is not None:
        others = others.where(Term.id != term.id)
    # One person, one seat at a time.
    clash = db.session.scalar(others.where(Term.user_id == term.user_id).limit(1))
    if clash is not None:
        raise MembershipError("person_overlap", other=clash)
    # One holder and one alternate per seat at a time.
    kind = [term.role] if term.role == "alternate" else list(SEAT_HOLDER_ROLES)
    clash = db.session.scalar(others.where(Term.seat == term.seat, Term.role.in_(kind)).limit(1))
    if clash is not None:
        raise MembershipError("seat_taken", other=clash)
    # One chair at a time (and one co-chair).
    if term.role in ("chair", "co_chair"):
        clash = db.session.scalar(others.where(Term.role == term.role).limit(1))
        if clash is not None:
            raise MembershipError("role_taken", other=clash)


def add_term(user, organisation, actor=None, commit=True, **values):
    """A new term for `user` (a member account) on a seat, for `organisation`."""
    if user.role != "member":
        raise MembershipError("not_member")
    values = {key: value for key, value in values.items() if key in TERM_FIELDS and key != "organisation_id"}
    term = Term(user_id=user.id, organisation_id=organisation.id, **values)
    term.user, term.organisation = user, organisation
    _check_term(term, group_settings())
    db.session.add(term)
    db.session.flush()
    audit.record(actor, "term.created", term, seat=term.seat, role=term.role)
    if commit:
        db.session.commit()
    return term


def update_term(term, actor=None, **values):
    """Change a term; nothing is saved when the result breaks a rule."""
    values = {key: value for key, value in values.items() if key in TERM_FIELDS}
    changed = sorted(key for key, value in values.items() if getattr(term, key) != value)
    with db.session.no_autoflush:
        for key, value in values.items():
            setattr(term, key, value)
        if "organisation_id" in values:
            term.organisation = get_organisation(values["organisation_id"])
            if term.organisation is None:
                db.session.rollback()
                raise MembershipError("organisation")
        try:
            _check_term(term, group_settings())
        except MembershipError:
            db.session.rollback()
            raise
    audit.record(actor, "term.changed", term, fields=changed)
    db.session.commit()
    return term


def end_term(term, ended_on, reason, note="", actor=None):
    """End a term early (resignation or another reason) on `ended_on`, its last day."""
    if term.ended_on is not None:
        raise MembershipError("already_ended")
    if reason not in ("resigned", "other"):
        raise MembershipError("reason")
    if not (term.starts_on <= ended_on <= term.ends_on):
        raise MembershipError("end_date")
    term.ended_on, term.end_reason, term.end_note = ended_on, reason, (note or "").strip()[:500]
    audit.record(actor, "term.ended", term, ended_on=ended_on.isoformat(), reason=reason)
    db.session.commit()
    return term


def get_term(term_id):
    term = db.session.get(Term, term_id)
    if term is None:
        raise NotFound(term_id)
    return term


def all_terms():
    """Every term, newest seat history first (user and organisation joined: one query)."""
    return db.session.scalars(select(Term).order_by(Term.seat, Term.starts_on.desc(), Term.id)).all()


def current_terms(on=None):
    """Terms that count today: declarations recorded and the day within the term."""
    on = on or today()
    query = select(Term).where(
        Term.starts_on <= on, Term.ends_on >= on,
        or_(Term.ended_on.is_(None), Term.ended_on >= on),
        Term.tor_accepted_on.is_not(None), Term.coi_declared_on.is_not(None),
    ).order_by(Term.seat, Term.role, Term.id)
    terms = db.session.scalars(query).all()
    order = {role: n for n, role in enumerate(GROUP_ROLES)}
    return sorted(terms, key=lambda t: (order[t.role], t.seat, t.id))


def member_users():
    return db.session.scalars(select(User).where(User.role == "member").order_by(User.name, User.email)).all()


def account_for(email, name, locale="en"):
    """The member account with this e-mail, made when missing (no password: they set one from the link)."""
    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(email, "member", name=name.strip(), locale=locale if locale in LANGS else "en")
    elif user.role != "member":
        raise MembershipError("not_member")
    return user


def send_invitation(user, lang=None):
    """E-mail a member the link to choose their password and sign in."""
    lang = lang or user.locale
    link = external_url("auth.set_password", token=accounts.password_token(user), lang=lang)
    mail.send_template(user.email, "mail/membership_welcome", lang, user=user, link=link,
                       forgot=external_url("auth.forgot_password", lang=lang))


def record_declarations(term, tor_accepted_on, coi_declared_on, actor=None):
    return update_term(term, actor=actor, tor_accepted_on=tor_accepted_on, coi_declared_on=coi_declared_on)


# ---------------------------------------------------------------- reminders

def send_term_reminders(now=None):
    """E-mail each member whose term ends in 60, 30 or 7 days, and the secretariat, once per threshold.

    A term gets the reminder of the smallest threshold it has reached (a term
    found 20 days before its end gets the 30-day one, never the 60-day one).
    """
    on = today(now)
    terms = [t for t in current_terms(on) if (t.last_day - on).days <= max(REMINDER_DAYS)]
    if not terms:
        return 0
    sent = {(r.term_id, r.days) for r in db.session.scalars(
        select(TermReminder).where(TermReminder.term_id.in_([t.id for t in terms])))}
    staff = db.session.scalars(select(User).where(User.role == "secretariat", User.active.is_(True))).all()
    count = 0
    for term in terms:
        days_left = (term.last_day - on).days
        threshold = min(days for days in REMINDER_DAYS if days_left <= days)
        if (term.id, threshold) in sent:
            continue
        user = term.user
        if user.active:
            lang = user.locale if user.locale in LANGS else "en"
            mail.send_template(user.email, "mail/term_ending", lang, user=user, term=term, days=days_left,
                               organisation=term.organisation.name_in(lang)[0])
            count += 1
        for person in staff:
            lang = person.locale if person.locale in LANGS else "en"
            mail.send_template(person.email, "mail/term_ending_secretariat", lang, user=person, term=term,
                               days=days_left, member=user, organisation=term.organisation.name_in(lang)[0],
                               link=external_url("membership_admin.manage", lang=lang))
            count += 1
        db.session.add(TermReminder(term_id=term.id, days=threshold, sent_at=now or utcnow()))
        # One commit per term: the record goes with the messages it queued.
        db.session.commit()
    return count

