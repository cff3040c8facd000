"""Dates, times and lists as each language writes them (issue 15, points 11 and 13): Babel's own
date-time patterns and list patterns, one date style per kind of place (tables short, prose long)."""
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from consult.core.i18n import format_day, format_moment, format_names

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = datetime(2027, 1, 12, 20, 59, tzinfo=timezone.utc)  # 22:59 in Beirut


@pytest.fixture
def call(create_consultation):
    return create_consultation(closes_at=DEADLINE)


def test_arabic_call_page_joins_date_and_time_with_the_arabic_comma(client, call):
    page = client.get(f"/ar/consultations/{call.slug}/").get_data(as_text=True)
    assert "12 يناير 2027، 10:59 م" in page
    assert "2027," not in page


@pytest.mark.parametrize("lang, expected", [
    ("en", "January 12, 2027, 10:59\u202fPM (Beirut)"),
    ("fr", "12 janvier 2027, 22:59 (Beyrouth)"),
])
def test_other_languages_use_their_own_patterns(client, call, lang, expected):
    page = client.get(f"/{lang}/consultations/{call.slug}/").get_data(as_text=True)
    assert expected in page


def test_lists_are_joined_as_each_language_joins_them(app):
    names = ["العربية", "English", "Français"]
    with app.test_request_context("/ar/"):
        assert format_names(names, locale="ar") == "العربية وEnglish وFrançais"
        assert "," not in format_names(names, locale="ar")
        assert format_names(names, locale="fr") == "العربية, English et Français"
        assert format_names(["<b>"], locale="en") == "&lt;b&gt;"


def test_one_style_per_kind_of_place(app):
    day = date(2026, 11, 30)
    with app.test_request_context("/en/"):
        assert format_day(day, "table", locale="en") == "Nov 30, 2026"
        assert format_day(day, locale="en") == "November 30, 2026"
        assert format_day(day, "table", locale="ar") == "30 نوفمبر 2026"  # never 30‏/11‏/2026
        assert format_moment(DEADLINE, "Asia/Beirut", "table", locale="fr") == "12 janv. 2027, 22:59 (Beyrouth)"
        assert format_moment(DEADLINE, "Asia/Beirut", "time", locale="fr") == "22:59 (Beyrouth)"


def test_templates_use_the_one_set_of_date_helpers():
    """No template formats a date by hand or with Flask-Babel's filters: |day, |moment, format_day, format_moment."""
    offenders = []
    for path in (ROOT / "templates").rglob("*"):
        if path.suffix in (".html", ".txt"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"\|\s*(dateformat|datetimeformat|timeformat)\b|strftime\(|format_moment\([^)]*\"[dMyHhm]", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
