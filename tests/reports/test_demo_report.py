"""The closed demo call builds into a report in Arabic, English and French."""
import re
from pathlib import Path

from consult.consultations.services import get_consultation
from consult.reports import services

from .conftest import pdf_outline, pdf_pages


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
