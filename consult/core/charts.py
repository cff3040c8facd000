"""Small SVG charts drawn on the server: no JavaScript, no charting library.

Colours are presentation attributes, not `style`, so the pages' CSP allows them.
For PDFs (`bar`, `columns`): WeasyPrint's SVG renderer neither shapes nor reorders Arabic text,
so these carry shapes and numbers only, their labels being HTML beside them (a table row per
bar), where Pango sets Arabic properly. For web pages (`labelled_bars`): browsers set Arabic in
SVG text, so labels go inside the chart.
"""
from markupsafe import Markup, escape

BAR_COLOUR = "#1f5f8b"
TRACK_COLOUR = "#e3e8ee"
TEXT_COLOUR = "#222222"


def bar(count, maximum, direction="ltr", width=120, height=9, label=""):
    """One horizontal bar, `count` out of `maximum`, growing from the line's start side.

    For a share, `maximum` is the whole (the share's denominator), so the full track is 100 %."""
    length = 0 if not maximum else round(width * count / maximum, 1)
    x = width - length if direction == "rtl" else 0
    return Markup(
        f'<svg class="bar" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{TRACK_COLOUR}"/>'
        f'<rect x="{x}" y="0" width="{length}" height="{height}" fill="{BAR_COLOUR}"/></svg>'
    )


def columns(rows, number=str, direction="ltr", width=460, height=130, label="", whole=None):
    """A column chart of rows [{"code": key, "count": n}]: the keys (short numbers, e.g. objective 1-23) under the
    columns, the counts above them. Columns run right to left in an RTL document.

    `whole` (the share's denominator) scales the columns so that the plot's height is 100 %; without it the
    tallest column fills the plot."""
    if not rows:
        return Markup("")
    top, bottom = 14, 16
    plot = height - top - bottom
    slot = width / len(rows)
    column = max(2.0, min(14.0, slot * 0.6))
    maximum = max([whole or 0] + [row["count"] for row in rows]) or 1
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


def labelled_bars(key, title, rows, colour=BAR_COLOUR, rtl=False, number=str, width=480, label_width=190,
                  label_chars=28, whole=None):
    """A web page's bar chart of [(label, count)]: label, bar and count per row, mirrored for RTL.
    Labels longer than `label_chars` are shortened: the table beside the chart has them whole.
    `whole` (the shares' denominator) makes a full bar 100 %; without it the longest bar is full."""
    bar_height, row_height, count_room = 18, 26, 40
    height = max(1, len(rows)) * row_height + 8
    biggest = max([whole or 0] + [count for _label, count in rows] + [1])
    room = width - label_width - count_room - 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-labelledby="chart-{key}-title" direction="ltr">',
             f'<title id="chart-{key}-title">{escape(title)}</title>']
    for n, (label, count) in enumerate(rows):
        y = 4 + n * row_height
        length = round(room * count / biggest) if count else 0
        text_y = y + bar_height - 4
        if rtl:
            label_x, bar_end = width - 4, width - label_width
            bar_x, count_x, count_anchor = bar_end - length, bar_end - length - 6, "end"
        else:
            label_x, bar_x = label_width - 6, label_width
            count_x, count_anchor = bar_x + length + 6, "start"
        short = label if len(label) <= label_chars else label[:label_chars - 1].rstrip() + "…"
        parts.append(f'<text x="{label_x}" y="{text_y}" text-anchor="end" font-size="13" fill="{TEXT_COLOUR}">'
                     f'{escape(short)}</text>')
        parts.append(f'<rect x="{bar_x}" y="{y}" width="{length}" height="{bar_height}" fill="{colour}"></rect>')
        parts.append(f'<text x="{count_x}" y="{text_y}" text-anchor="{count_anchor}" font-size="13" '
                     f'fill="{TEXT_COLOUR}">{escape(number(count))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
