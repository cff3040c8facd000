"""The advisory group: the logic, with no request in it.

Views, CLI commands, the demo and tests call these functions with plain values.
Functions that change data commit their own transaction, or roll it back and
raise, so nothing is ever half-saved.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..core import reference
from ..core.audit import services as audit
from ..auth import services as accounts
from ..auth.models import User
from ..core.database import months_before, utcnow
from ..core.extensions import db
from ..core.mail import services as mail
from ..core.text import normalise_name
from ..core.web import external_url
from ..core.security import new_form_key  # noqa: F401  (the nomination form's key, as the submission form's)
from ..core.i18n import today
from .models import (
    GENDERS,
    GROUP_ROLES,
    LANGS,
    REMINDER_DAYS,
    Application,
    GroupSettings,
    MemberProfile,
    NominationCall,
    Organisation,
    Term,
    TermReminder,
)

ORGANISATION_FIELDS = ("name", "name_lang", "other_names", "acronym", "constituency", "country",
                       "countries_of_work", "website", "migrant_led")
TERM_FIELDS = ("organisation_id", "seat", "role", "starts_on", "ends_on", "tor_accepted_on", "coi_declared_on")
APPLICATION_FIELDS = ("org_name", "constituency", "country", "countries_of_work", "website", "migrant_led",
                      "contact_name", "contact_email", "nominee_name", "nominee_email", "nominee_phone",
                      "nominee_gender", "nominee_position", "motivation", "experience")
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


# ---------------------------------------------------------------- organisations

def organisation_by_name(name):
    key = normalise_name(name)
    if not key:
        return None
    return db.session.scalar(select(Organisation).where(Organisation.name_key == key))


def save_organisation(organisation=None, **values):
    """Create or change an organisation; MembershipError("duplicate") when another has the same normalised name."""
    values = {key: value for key, value in values.items() if key in ORGANISATION_FIELDS}
    name = (values.get("name", organisation.name if organisation else "") or "").strip()
    key = normalise_name(name)
    if not key:
        raise MembershipError("name")
    other = organisation_by_name(name)
    if other is not None and other is not organisation:
        raise MembershipError("duplicate", organisation=other)
    organisation = organisation or Organisation()
    for name_, value in values.items():
        setattr(organisation, name_, value.strip() if isinstance(value, str) else value)
    organisation.other_names = {lang: text.strip() for lang, text in (organisation.other_names or {}).items()
                                if lang in LANGS and lang != organisation.name_lang and text and text.strip()}
    organisation.name_key = key
    db.session.add(organisation)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise MembershipError("duplicate", organisation=organisation_by_name(name)) from None
    return organisation


def find_or_create_organisation(name, **values):
    """The organisation with this normalised name, made if missing; in the caller's transaction.

    An existing organisation keeps its own details: a public form never changes them.
    """
    key = normalise_name(name)
    if not key:
        return None
    found = organisation_by_name(name)
    if found is not None:
        return found
    values = {k: v for k, v in values.items() if k in ORGANISATION_FIELDS and k != "name"}
    organisation = Organisation(name=name.strip(), name_key=key, **values)
    try:
        with db.session.begin_nested():  # another request may create it at the same moment
            db.session.add(organisation)
    except IntegrityError:
        return organisation_by_name(name)
    return organisation


def list_organisations():
    return db.session.scalars(select(Organisation).order_by(Organisation.name_key)).all()


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
            term.organisation = db.session.get(Organisation, values["organisation_id"])
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


# ---------------------------------------------------------------- roster

@dataclass
class RosterEntry:
    term: Term
    name: str | None  # None when the member hides it from the public roster


def public_roster(on=None):
    """The current members as the public sees them: no contacts, no gender, hidden names left out."""
    terms = current_terms(on)
    profiles = profiles_for([t.user_id for t in terms])
    entries = []
    for term in terms:
        profile = profiles.get(term.user_id)
        hidden = profile is not None and profile.hide_name
        entries.append(RosterEntry(term, None if hidden else (term.user.name or None)))
    return entries


def term_status(term, on=None):
    return term.status(on or today())


# ---------------------------------------------------------------- balance

@dataclass
class Balance:
    total: int
    gender: Counter
    subregion: Counter
    constituency: Counter
    country: Counter
    role: Counter
    warnings: list = field(default_factory=list)


def subregion_code(term):
    item = reference.balance_subregion(term.organisation.country)
    return item.code if item else "outside"


def balance(on=None, settings=None):
    """The current group counted by gender, subregion, constituency, country and role, with the warnings."""
    on = on or today()
    settings = settings or group_settings()
    terms = current_terms(on)
    profiles = profiles_for([t.user_id for t in terms])
    genders = Counter({code: 0 for code in GENDERS})
    subregions = Counter({item.code: 0 for item in reference.BALANCE_SUBREGIONS})
    constituencies, countries, roles = Counter(), Counter(), Counter({role: 0 for role in GROUP_ROLES})
    for term in terms:
        profile = profiles.get(term.user_id)
        genders[profile.gender if profile else "unstated"] += 1
        subregions[subregion_code(term)] += 1
        constituencies[term.organisation.constituency] += 1
        countries[term.organisation.country or "other"] += 1
        roles[term.role] += 1
    if not subregions.get("outside"):
        subregions.pop("outside", None)
    result = Balance(len(terms), genders, subregions, constituencies, countries, roles)
    result.warnings = warnings(result, terms, settings, on)
    return result


def warnings(result, terms, settings, on):
    """[(code, details)] for the warnings the secretariat turned on."""
    out = []
    if settings.min_women_percent and result.total:
        share = 100 * result.gender["female"] / result.total
        if share < settings.min_women_percent:
            out.append(("women", {"percent": round(share), "minimum": settings.min_women_percent}))
    if settings.warn_empty_subregion:
        for item in reference.BALANCE_SUBREGIONS:
            if not result.subregion.get(item.code):
                out.append(("subregion", {"code": item.code}))
    holders = {t.seat for t in terms if t.role in SEAT_HOLDER_ROLES}
    vacant = settings.seats - len(holders)
    if vacant > 0:
        out.append(("vacant", {"count": vacant}))
    if settings.warn_ending_days:
        limit = on + timedelta(days=settings.warn_ending_days)
        for term in terms:
            if term.last_day <= limit:
                out.append(("ending", {"term": term, "days": (term.last_day - on).days}))
    return out


# ---------------------------------------------------------------- roster export (secretariat)

EXPORT_COLUMNS = (
    "term_id", "status", "seat", "role", "name", "email", "phone", "gender", "hide_name",
    "organisation", "acronym", "constituency", "country", "subregion", "countries_of_work", "migrant_led",
    "website", "starts_on", "ends_on", "ended_on", "end_reason", "tor_accepted_on", "coi_declared_on",
)


def roster_rows(on=None):
    """Every term, current and past, with every field: for the secretariat only."""
    on = on or today()
    terms = all_terms()
    profiles = profiles_for([t.user_id for t in terms])
    rows = []
    for term in terms:
        profile = profiles.get(term.user_id)
        org = term.organisation
        region = reference.balance_subregion(org.country)
        rows.append({
            "term_id": term.id,
            "status": term.status(on),
            "seat": term.seat,
            "role": term.role,
            "name": term.user.name,
            "email": term.user.email,
            "phone": profile.phone if profile else "",
            "gender": profile.gender if profile else "unstated",
            "hide_name": bool(profile and profile.hide_name),
            "organisation": org.name,
            "acronym": org.acronym,
            "constituency": org.constituency,
            "country": org.country,
            "subregion": region.code if region else "",
            "countries_of_work": list(org.countries_of_work or []),
            "migrant_led": org.migrant_led,
            "website": org.website,
            "starts_on": term.starts_on.isoformat(),
            "ends_on": term.ends_on.isoformat(),
            "ended_on": term.ended_on.isoformat() if term.ended_on else "",
            "end_reason": term.end_reason or "",
            "tor_accepted_on": term.tor_accepted_on.isoformat() if term.tor_accepted_on else "",
            "coi_declared_on": term.coi_declared_on.isoformat() if term.coi_declared_on else "",
        })
    return rows


def export_roster(fmt, on=None):
    """(bytes, file name, mimetype, count) of the roster as CSV (BOM, formulas neutralised) or JSON."""
    from ..consultations import exports

    rows = roster_rows(on)
    if fmt == "csv":
        data = exports.csv_table(EXPORT_COLUMNS, rows)
    elif fmt == "json":
        data = exports.to_json(rows)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return data, f"roster.{fmt}", exports.MIMETYPES[fmt], len(rows)


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


# ---------------------------------------------------------------- nominations

def list_calls(public=False):
    query = select(NominationCall).order_by(NominationCall.closes_at.desc())
    if public:
        query = query.where(NominationCall.status != "draft")
    return db.session.scalars(query).all()


def open_calls(now=None):
    return [call for call in list_calls(public=True) if call.is_accepting(now)]


def get_call(call_id, public=False):
    call = db.session.get(NominationCall, call_id)
    if call is None or (public and call.status == "draft"):
        raise NotFound(call_id)
    return call


def save_call(call=None, actor=None, **values):
    creating = call is None
    call = call or NominationCall()
    for name in ("title", "description", "seats", "closes_at", "timezone", "status"):
        if name in values:
            setattr(call, name, values[name])
    db.session.add(call)
    db.session.flush()
    audit.record(actor, "nomination_call.created" if creating else "nomination_call.changed", call)
    db.session.commit()
    return call


@dataclass
class ApplyResult:
    application: Application
    created: bool


def apply(call, values, lang="en", form_key=None, now=None):
    """Store an organisation's nomination and send the receipt in the applicant's language.

    The same form sent twice gives back the first application. A nominee already
    nominated in this call raises MembershipError("already_nominated").
    """
    if not call.is_accepting(now):
        raise ClosedError(call.id)
    form_key = form_key or new_form_key()
    existing = _application_by_key(call, form_key)
    if existing is not None:
        return ApplyResult(existing, False)
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in APPLICATION_FIELDS}
    values["contact_email"] = accounts.normalise_email(values.get("contact_email"))
    values["nominee_email"] = accounts.normalise_email(values.get("nominee_email"))
    if db.session.scalar(select(Application.id).where(Application.call_id == call.id,
                                                      Application.nominee_email == values["nominee_email"])):
        raise MembershipError("already_nominated")
    try:
        organisation = find_or_create_organisation(
            values["org_name"], name_lang=lang, constituency=values["constituency"], country=values["country"],
            countries_of_work=values.get("countries_of_work") or [], website=values.get("website") or "",
            migrant_led=bool(values.get("migrant_led")))
        application = Application(call_id=call.id, organisation_id=organisation.id, form_key=form_key,
                                  lang=lang if lang in LANGS else "en", status="received", **values)
        db.session.add(application)
        db.session.flush()
        application.call, application.organisation = call, organisation
        audit.record(None, "application.received", application)
        mail.send_template(application.contact_email, "mail/nomination_receipt", application.lang,
                           application=application, call=call)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _application_by_key(call, form_key)
        if existing is not None:
            return ApplyResult(existing, False)
        raise MembershipError("already_nominated") from None
    except BaseException:
        db.session.rollback()
        raise
    return ApplyResult(application, True)


def purge_applications(months, now=None):
    """Remove the personal data of nominations to calls whose deadline passed more than `months` ago;
    return how many.

    Who applied and whom they nominated go (names, addresses, phone, position) with the texts that
    describe the nominee; the organisation, the decision and the nominee's gender (for the group's
    balance figures) stay. A selected nominee's own details live on in their account and term.
    """
    now = now or utcnow()
    applications = db.session.scalars(
        select(Application).join(NominationCall, NominationCall.id == Application.call_id).where(
            NominationCall.closes_at < months_before(now, months),
            Application.personal_data_removed_at.is_(None))
    ).all()
    for application in applications:
        application.contact_name = application.nominee_name = ""
        application.contact_email = application.nominee_email = None
        application.nominee_phone = application.nominee_position = ""
        application.motivation = application.experience = application.decision_reason = ""
        application.personal_data_removed_at = now
        audit.record(None, "application.personal_data_removed", application)
    db.session.commit()
    return len(applications)


def _application_by_key(call, form_key):
    return db.session.scalar(select(Application).where(Application.call_id == call.id,
                                                       Application.form_key == form_key))


def get_application(application_id):
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(application_id)
    return application


def applications_of(call):
    return db.session.scalars(select(Application).where(Application.call_id == call.id)
                              .order_by(Application.id)).all()


def _decidable(application):
    # Once its personal data are removed, nobody is left to tell or to make a member.
    if application.status in ("selected", "declined") or application.personal_data_removed_at is not None:
        raise MembershipError("decided")


def shortlist(application, actor=None):
    _decidable(application)
    application.status = "shortlisted"
    audit.record(actor, "application.shortlisted", application)
    db.session.commit()
    return application


def decline(application, reason, actor=None, now=None):
    """Decline with a reason, and tell the applicant in the language they applied in."""
    _decidable(application)
    reason = (reason or "").strip()
    if not reason:
        raise MembershipError("reason")
    application.status, application.decision_reason = "declined", reason
    application.decided_at = now or utcnow()
    audit.record(actor, "application.declined", application)
    mail.send_template(application.contact_email, "mail/nomination_declined", application.lang,
                       application=application, call=application.call)
    db.session.commit()
    return application


def select_nominee(application, seat, role, starts_on, ends_on, reason="", actor=None, now=None):
    """Select the nominee: their member account and a term (waiting for the declarations),
    the invitation to choose a password, and the outcome to the applicant, all or nothing."""
    _decidable(application)
    try:
        user = account_for(application.nominee_email, application.nominee_name, application.lang)
        profile = profile_of(user)
        if application.nominee_gender in GENDERS:
            profile.gender = application.nominee_gender
        if application.nominee_phone:
            profile.phone = application.nominee_phone
        term = add_term(user, application.organisation, actor=actor, commit=False, seat=seat, role=role,
                        starts_on=starts_on, ends_on=ends_on)
        application.status, application.term_id = "selected", term.id
        application.decision_reason = (reason or "").strip()
        application.decided_at = now or utcnow()
        audit.record(actor, "application.selected", application, term=term.id)
        send_invitation(user, application.lang)
        mail.send_template(application.contact_email, "mail/nomination_selected", application.lang,
                           application=application, call=application.call, term=term)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return term


def record_declarations(term, tor_accepted_on, coi_declared_on, actor=None):
    return update_term(term, actor=actor, tor_accepted_on=tor_accepted_on, coi_declared_on=coi_declared_on)
