"""The closed demo call builds into a report in Arabic, English and French."""
import re
from pathlib import Path

from consult.consultations.services import get_consultation
from consult.reports import services
from tests.helpers import pdf_outline, pdf_pages


def test_demo_call_builds_in_three_languages(app, db, tmp_path):
    assert app.test_cli_runner().invoke(args=["consult", "demo"]).exit_code == 0
    consultation = get_consultation("arab-regional-review-2026")
    for lang, summary in (("ar", "الموجز التنفيذي"), ("en", "Executive summary"), ("fr", "Résumé analytique")):
        report, _ = services.build_now(consultation, lang)
        assert report.status == "ready" and report.pages >= 10, (lang, report.error)
        data = Path(services.file_path(report)).read_bytes()
        _, outline = pdf_outline(data)
        assert outline[0][0] == summary, (lang, outline[:2])
        text = re.sub(r"\s+", " ", " ".join(pdf_pages(data, tmp_path)))
        assert "RSAG-2026-" in text
        assert "@example.org" not in text  # no contact details
    # Issue 17: rapporteurs, approved chapters complete in the three languages, the main report and the annex
    # published in each, and so the call's open data.
    from consult.reports.models import Report
    from consult.synthesis import services as synthesis
    from consult.synthesis import translation
    from consult.core.extensions import db as _db

    chapters = synthesis.chapters_of(consultation)
    assert sum(1 for chapter in chapters.values() if chapter.is_approved) == 3
    assert {synthesis.current(chapter).lang for chapter in chapters.values()} == {"ar", "en", "fr"}
    assert all(translation.is_complete(consultation, lang) for lang in ("ar", "en", "fr"))
    published = {(r.lang, r.part) for r in _db.session.query(Report).filter(Report.published_at.is_not(None))}
    assert published == {(lang, part) for lang in ("ar", "en", "fr") for part in ("main", "annex")}
    client = app.test_client()
    data = client.get("/api/consultations/arab-regional-review-2026/submissions").get_json()
    assert data["count"] > 10 and data["licence"]["id"] == "CC-BY-4.0"
    assert "@example.org" not in str(data)
    # A second run changes nothing.
    assert app.test_cli_runner().invoke(args=["consult", "demo"]).exit_code == 0
    assert _db.session.query(Report).count() == 6
