"""Organisations: found by their normalised name, made once, changed by the secretariat.

Functions that change data commit their own transaction (or roll it back and raise),
except find_or_create_organisation, which works in the caller's transaction.
"""
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from ..core.extensions import db
from ..core.text import normalise_name
from .models import LANGS, Organisation

ORGANISATION_FIELDS = ("name", "name_lang", "other_names", "acronym", "constituency", "country",
                       "countries_of_work", "website", "migrant_led")


class OrganisationError(Exception):
    """A change the rules of organisations do not allow; `code` says which ("name", "duplicate")."""

    def __init__(self, code, **details):
        super().__init__(code)
        self.code = code
        self.details = details


def organisation_by_name(name):
    key = normalise_name(name)
    if not key:
        return None
    return db.session.scalar(select(Organisation).where(Organisation.name_key == key))


# The id of the organisation whose name has the key :name_key (normalise_name), as a subquery: for a
# caller that asks it with lookups of its own, in one statement. Built once (building a statement
# costs more than running this one).
ID_BY_NAME_KEY = select(Organisation.id).where(Organisation.name_key == bindparam("name_key")).scalar_subquery()


def save_organisation(organisation=None, **values):
    """Create or change an organisation; OrganisationError("duplicate") when another has the same normalised name."""
    values = {key: value for key, value in values.items() if key in ORGANISATION_FIELDS}
    name = (values.get("name", organisation.name if organisation else "") or "").strip()
    key = normalise_name(name)
    if not key:
        raise OrganisationError("name")
    other = organisation_by_name(name)
    if other is not None and other is not organisation:
        raise OrganisationError("duplicate", organisation=other)
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
        raise OrganisationError("duplicate", organisation=organisation_by_name(name)) from None
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


def get_organisation(organisation_id):
    """The organisation with this id, or None."""
    return db.session.get(Organisation, organisation_id)


def list_organisations():
    return db.session.scalars(select(Organisation).order_by(Organisation.name_key)).all()
