"""Look-ups, labels, form choices and sorting over the reference data (GCM objectives and principles,
the Arab region's countries and subregions, constituencies): the data itself is reference_data.py."""
from __future__ import annotations

from flask_babel import gettext as _

from .text import collation_key  # noqa: F401  (reference.collation_key, as every list sorts)
from .reference_data import (  # noqa: F401  (reference.X for every feature: the data and its types)
    AREAS,
    BALANCE_SUBREGIONS,
    CONSTITUENCIES,
    COUNTRIES,
    GLOBAL,
    LANGUAGES,
    OBJECTIVES,
    OBJECTIVE_GROUPS,
    PRINCIPLES,
    PSEUDO_AREAS,
    REGIONAL,
    SUBREGIONS,
    Area,
    Constituency,
    Label,
    Objective,
    ObjectiveGroup,
    Principle,
    Subregion,
)


def _index(items):
    return {str(item.code).lower(): item for item in items}


_OBJECTIVES = _index(OBJECTIVES)
_GROUPS = _index(OBJECTIVE_GROUPS)
_PRINCIPLES = _index(PRINCIPLES)
_SUBREGIONS = _index(SUBREGIONS)
_COUNTRIES = _index(COUNTRIES)
_AREAS = _index(AREAS)
_CONSTITUENCIES = _index(CONSTITUENCIES)


def _lookup(table, code):
    try:
        return table[str(code).strip().lower()]
    except KeyError:
        raise KeyError(code) from None


def objective(number) -> Objective:
    """Objective by number (7 or "7")."""
    return _lookup(_OBJECTIVES, number)


def objective_group(code) -> ObjectiveGroup:
    return _lookup(_GROUPS, code)


def principle(code) -> Principle:
    return _lookup(_PRINCIPLES, code)


def subregion(code) -> Subregion:
    return _lookup(_SUBREGIONS, code)


def country(code) -> Area:
    """One of the 22 member states, by ISO code (any case)."""
    return _lookup(_COUNTRIES, code)


def area(code) -> Area:
    """A country or one of the pseudo-areas "regional" and "global"."""
    return _lookup(_AREAS, code)


def constituency(code) -> Constituency:
    return _lookup(_CONSTITUENCIES, code)


def subregion_of(country_code) -> Subregion:
    return subregion(country(country_code).subregion)


# Where a country outside the region (or an unknown one) is counted, in figures by subregion.
NO_REGION = "none"


def subregion_code(country_code):
    """The subregion a country is counted under: NO_REGION for a country outside the region."""
    try:
        return country(country_code).subregion or NO_REGION
    except KeyError:
        return NO_REGION


def country_label(code, lang):
    """A country's name in `lang`; a country outside the region is "Outside the Arab region"."""
    try:
        return country(code).label(lang)
    except KeyError:
        return _("Outside the Arab region")


def subregion_label(code, lang):
    """A subregion's name in `lang`, NO_REGION included."""
    if code == NO_REGION:
        return _("Outside the Arab region")
    return subregion(code).label(lang)


def choices(items, lang="en"):
    """[(code, label)] for a form field.

    Objectives come by number ("7. Save lives"), principles by letter,
    countries by their name in `lang` (regional and global first),
    subregions and constituencies in the order given.
    """
    key = (id(items), lang)
    kept = _CHOICES.get(key)
    if kept is not None and kept[0] is items:
        return list(kept[1])
    ordered = sorted(items, key=lambda item: item.sort_key(lang))  # stable
    result = [(item.code, item.choice_label(lang)) for item in ordered]
    if isinstance(items, tuple) and len(_CHOICES) < 256:
        # Kept for the module's constant tuples (the entry holds the tuple, so its id stays its own).
        _CHOICES[key] = (items, tuple(result))
    return result


_CHOICES = {}


def grouped_objective_choices(lang="en"):
    """[(group label, [(number, label), ...]), ...] for an <optgroup>/fieldset form."""
    return [(group.label(lang), choices(group.objectives, lang)) for group in OBJECTIVE_GROUPS]


def unverified_labels():
    """Every label still to be checked: [(what, field, lang, text)]."""
    out = []
    for obj in OBJECTIVES:
        for name in ("title", "short"):
            lbl = getattr(obj, name)
            out += [(f"objective {obj.number}", name, lang, lbl.get(lang))
                    for lang in lbl.texts if not lbl.verified(lang)]
    for kind, items in (("principle", PRINCIPLES), ("subregion", SUBREGIONS),
                        ("area", AREAS), ("constituency", CONSTITUENCIES)):
        for item in items:
            out += [(f"{kind} {item.code}", "name", lang, item.name.get(lang))
                    for lang in item.name.texts if not item.name.verified(lang)]
    return out


def countries_by_subregion(lang="en"):
    """[(subregion label, [country codes])]: the subregions in their order, each one's countries by name in
    `lang` (the same order as choices(COUNTRIES, lang))."""
    order = [code for code, _label in choices(COUNTRIES, lang)]
    return [(item.label(lang), [code for code in order if country(code).subregion == item.code])
            for item in SUBREGIONS]


def balance_subregion(country_code):
    """The balance subregion of one of the 22 states, or None outside them."""
    try:
        code = country(country_code).subregion
    except KeyError:
        return None
    return next(item for item in BALANCE_SUBREGIONS if item.code == code)
