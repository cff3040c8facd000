"""The balance dashboard's charts (drawn by consult.charts): gender, subregion, constituency,
country and role of the current group."""
from dataclasses import dataclass

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..core import reference
from ..core.charts import labelled_bars
from ..core.i18n import current_lang, text_direction
from .vocabulary import GENDER_LABELS, OUTSIDE_REGION_LABEL, ROLE_LABELS

COLOURS = ("#1d5c8c", "#2f7d4f", "#8a5a12", "#7a2e5b", "#445566")

@dataclass
class Chart:
    key: str
    title: str
    rows: list  # [(label, count)]
    total: int
    svg: Markup


def bar_chart(key, title, rows, colour, total):
    """One SVG: a bar per row with its label and count, mirrored for right-to-left pages."""
    svg = labelled_bars(key, title, rows, colour, rtl=text_direction() == "rtl", number=format_number, whole=total,
                        label_width=230, label_chars=34)
    return Chart(key, title, rows, total, svg)


def balance_charts(result):
    """The balance by gender, subregion, constituency and country, as charts with their numbers."""
    lang = current_lang()
    subregion_rows = [(item.label(lang), result.subregion.get(item.code, 0)) for item in reference.BALANCE_SUBREGIONS]
    if result.subregion.get("outside"):
        subregion_rows.append((str(OUTSIDE_REGION_LABEL), result.subregion["outside"]))
    constituency_rows = [(item.label(lang), result.constituency[item.code])
                         for item in reference.CONSTITUENCIES if result.constituency.get(item.code)]
    # By name in the reader's language, as on every form (reference.collation_key); outside the region last.
    country_rows, outside = [], 0
    for code, count in result.country.items():
        try:
            country_rows.append((reference.country(code).label(lang), count))
        except KeyError:
            outside += count
    country_rows.sort(key=lambda row: reference.collation_key(row[0]))
    if outside:
        country_rows.append((str(OUTSIDE_REGION_LABEL), outside))
    specs = (
        ("gender", _l("By gender"), [(str(GENDER_LABELS[code]), count) for code, count in result.gender.items()]),
        ("subregion", _l("By subregion"), subregion_rows),
        ("constituency", _l("By constituency"), constituency_rows),
        ("country", _l("By country of registration"), country_rows),
        ("role", _l("By role"), [(str(ROLE_LABELS[code]), count) for code, count in result.role.items()]),
    )
    return [bar_chart(key, str(title), rows, COLOURS[n % len(COLOURS)], result.total)
            for n, (key, title, rows) in enumerate(specs)]
