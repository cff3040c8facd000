"""Chart bars show shares at their true size: a full bar is 100 %, not the largest value (issue 15, point 17),
in the report (its HTML is what WeasyPrint draws) and on the group's balance page."""
import re
import pytest

from consult.core import charts
from consult.reports import services

def test_a_share_fills_its_part_of_the_track():
    svg = str(charts.bar(1, 10, width=120))
    assert 'width="12.0"' in svg  # 10 % of 120 px
    rtl = str(charts.bar(1, 10, "rtl", width=120))
    assert 'x="108.0"' in rtl and 'width="12.0"' in rtl
    tall = str(charts.columns([{"code": 1, "count": 1}, {"code": 2, "count": 2}], whole=10, height=130))
    assert 'height="10.0"' in tall and 'height="20.0"' in tall  # 100 px of plot = 100 %


def _bars(html):
    """(track width, bar length) of every bar in the report's tables."""
    found = re.findall(r'<svg class="bar"[^>]*width="(\d+)".*?</svg>', html, re.S)
    lengths = re.findall(r'<svg class="bar".*?<rect x="[\d.]+" y="0" width="([\d.]+)"[^>]*fill="#1f5f8b"/></svg>',
                         html, re.S)
    return [(float(track), float(length)) for track, length in zip(found, lengths)]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_report_bars_are_shares_of_the_included_submissions(app, report_call, lang):
    with app.test_request_context(f"/{lang}/"):
        html = services.preview_html(report_call.consultation, lang, "")
    bars = _bars(html)
    assert len(bars) > 10
    # Five included submissions: a bar is a whole number of fifths of its 120 px track (24 px a submission),
    # and the three English ones draw 60 %, not a full bar as the largest value did.
    assert {track for track, _length in bars} == {120}
    assert all(length % 24 == 0 for _track, length in bars), bars
    assert 72 in {length for _track, length in bars} and max(length for _track, length in bars) < 120
