"""Small SVG charts drawn on the server for reports (and any page): no JavaScript, no library.

WeasyPrint's SVG renderer neither shapes nor reorders Arabic text, so charts carry shapes and
numbers only; their labels are HTML next to them (a table row per bar), where Pango sets
Arabic properly. Colours are presentation attributes, not `style`, so the pages' CSP allows them.
"""
from markupsafe import Markup, escape

BAR_COLOUR = "#1f5f8b"
TRACK_COLOUR = "#e3e8ee"
TEXT_COLOUR = "#222222"


def bar(count, maximum, direction="ltr", width=120, height=9, label=""):
    """One horizontal bar, `count` out of `maximum`, growing from the line's start side."""
    length = 0 if not maximum else round(width * count / maximum, 1)
    x = width - length if direction == "rtl" else 0
    return Markup(
        f'<svg class="bar" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{TRACK_COLOUR}"/>'
        f'<rect x="{x}" y="0" width="{length}" height="{height}" fill="{BAR_COLOUR}"/></svg>'
    )


def columns(rows, number=str, direction="ltr", width=460, height=130, label=""):
    """A column chart of rows [{"code": key, "count": n}]: the keys (short numbers, e.g. objective 1-23) under the
    columns, the counts above them. Columns run right to left in an RTL document."""
    if not rows:
        return Markup("")
    top, bottom = 14, 16
    plot = height - top - bottom
    slot = width / len(rows)
    column = max(2.0, min(14.0, slot * 0.6))
    maximum = max(row["count"] for row in rows) or 1
    parts = [f'<svg class="columns" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">',
             f'<line x1="0" y1="{top + plot}" x2="{width}" y2="{top + plot}" stroke="#999999" stroke-width="0.5"/>']
    for index, row in enumerate(rows):
        key, count = row["code"], row["count"]
        position = len(rows) - 1 - index if direction == "rtl" else index
        centre = slot * position + slot / 2
        tall = round(plot * count / maximum, 1)
        parts.append(f'<rect x="{centre - column / 2:.1f}" y="{top + plot - tall:.1f}" width="{column:.1f}" '
                     f'height="{tall}" fill="{BAR_COLOUR}"/>')
        parts.append(f'<text x="{centre:.1f}" y="{top + plot - tall - 3:.1f}" font-size="7" text-anchor="middle" '
                     f'fill="{TEXT_COLOUR}">{escape(number(count))}</text>')
        parts.append(f'<text x="{centre:.1f}" y="{height - 4}" font-size="7" text-anchor="middle" '
                     f'fill="{TEXT_COLOUR}">{escape(number(key))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
