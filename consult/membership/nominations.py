"""Calls for nominations: the public application, its receipt, the secretariat's decisions
and the removal of personal data after the retention period."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.audit import services as audit
from ..auth import services as accounts
from ..core.security import new_form_key
from ..core.database import months_before, utcnow
from ..core.extensions import db
from ..core.mail import services as mail
from ..organisations.services import find_or_create_organisation
from .models import GENDERS, LANGS, Application, NominationCall
from .services import (ClosedError, MembershipError, NotFound, account_for, add_term, profile_of,
                       send_invitation)

APPLICATION_FIELDS = ("org_name", "constituency", "country", "countries_of_work", "website", "migrant_led",
                      "contact_name", "contact_email", "nominee_name", "nominee_email", "nominee_phone",
                      "nominee_gender", "nominee_position", "motivation", "experience")


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

