"""Small horizontal bar charts drawn on the server as SVG: no script, no style attribute (the CSP
forbids them), presentation attributes only; bars grow from the reading side (right in Arabic)."""
from dataclasses import dataclass

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from .. import reference
from ..i18n import current_lang, text_direction
from .forms import GENDER_LABELS, ROLE_LABELS

WIDTH = 480
LABEL_WIDTH = 190
BAR_HEIGHT = 18
ROW_HEIGHT = 26
COUNT_ROOM = 40
LABEL_CHARS = 28  # longer labels are shortened in the chart; the table below it has them whole
COLOURS = ("#1d5c8c", "#2f7d4f", "#8a5a12", "#7a2e5b", "#445566")

OUTSIDE = _l("Outside the Arab region")


@dataclass
class Chart:
    key: str
    title: str
    rows: list  # [(label, count)]
    total: int
    svg: Markup


def bar_chart(key, title, rows, colour, total):
    """One SVG: a bar per row with its label and count, mirrored for right-to-left pages."""
    rtl = text_direction() == "rtl"
    height = max(1, len(rows)) * ROW_HEIGHT + 8
    biggest = max([count for _label, count in rows] + [1])
    room = WIDTH - LABEL_WIDTH - COUNT_ROOM - 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
             f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="chart-{key}-title" direction="ltr">',
             f'<title id="chart-{key}-title">{escape(title)}</title>']
    for n, (label, count) in enumerate(rows):
        y = 4 + n * ROW_HEIGHT
        length = round(room * count / biggest) if count else 0
        text_y = y + BAR_HEIGHT - 4
        if rtl:
            label_x, bar_end = WIDTH - 4, WIDTH - LABEL_WIDTH
            bar_x, count_x, count_anchor = bar_end - length, bar_end - length - 6, "end"
        else:
            label_x, bar_x = LABEL_WIDTH - 6, LABEL_WIDTH
            count_x, count_anchor = bar_x + length + 6, "start"
        short = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"
        parts.append(f'<text x="{label_x}" y="{text_y}" text-anchor="end" font-size="13" fill="#222">'
                     f'{escape(short)}</text>')
        parts.append(f'<rect x="{bar_x}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="{colour}"></rect>')
        parts.append(f'<text x="{count_x}" y="{text_y}" text-anchor="{count_anchor}" font-size="13" fill="#222">'
                     f'{escape(format_number(count))}</text>')
    parts.append("</svg>")
    return Chart(key, title, rows, total, Markup("".join(parts)))


def balance_charts(result):
    """The balance by gender, subregion, constituency and country, as charts with their numbers."""
    lang = current_lang()
    subregion_rows = [(item.label(lang), result.subregion.get(item.code, 0)) for item in reference.BALANCE_SUBREGIONS]
    if result.subregion.get("outside"):
        subregion_rows.append((str(OUTSIDE), result.subregion["outside"]))
    constituency_rows = [(item.label(lang), result.constituency[item.code])
                         for item in reference.CONSTITUENCIES if result.constituency.get(item.code)]
    country_rows = []
    for code, count in result.country.items():
        try:
            country_rows.append((reference.country(code).label(lang), count))
        except KeyError:
            country_rows.append((str(OUTSIDE), count))
    country_rows.sort(key=lambda row: (-row[1], row[0]))
    specs = (
        ("gender", _l("By gender"), [(str(GENDER_LABELS[code]), count) for code, count in result.gender.items()]),
        ("subregion", _l("By subregion"), subregion_rows),
        ("constituency", _l("By constituency"), constituency_rows),
        ("country", _l("By country of registration"), country_rows),
        ("role", _l("By role"), [(str(ROLE_LABELS[code]), count) for code, count in result.role.items()]),
    )
    return [bar_chart(key, str(title), rows, COLOURS[n % len(COLOURS)], result.total)
            for n, (key, title, rows) in enumerate(specs)]
