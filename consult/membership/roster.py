"""The group as a whole: the public roster, the balance of the current group and its warnings,
and the secretariat's export of every term."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from ..core import reference
from ..core import tables
from ..core.i18n import today
from .models import GENDERS, GROUP_ROLES, Term
from .services import SEAT_HOLDER_ROLES, all_terms, current_terms, group_settings, profiles_for


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
    rows = roster_rows(on)
    if fmt == "csv":
        data = tables.csv_table(EXPORT_COLUMNS, rows)
    elif fmt == "json":
        data = tables.json_table(rows)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return data, f"roster.{fmt}", tables.MIMETYPES[fmt], len(rows)

