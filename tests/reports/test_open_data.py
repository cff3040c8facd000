"""Open data of a call (issue 17): JSON and CSV once a report is published, a data dictionary, the licence."""
import csv
import io
import json

import pytest

from consult.consultations.models import Submission
from consult.core.extensions import db as _db
from consult.reports import services as reports
from consult.reports.models import Report
from tests.helpers import post_form, recorded_statements, report_submission

CONTACTS = ("contact@example.org", "Contact Person", "+962 6 000 0000")


def publish_a_report(call, part="main"):
    report = Report(consultation_id=call.consultation.id, lang="en", part=part, input_hash="x" * 64,
                    status="ready", stage="done", stored_name=None, pages=3, size=2048)
    _db.session.add(report)
    _db.session.flush()
    report.published_at = report.created_at
    _db.session.commit()
    return report


def test_nothing_is_open_before_a_report_is_published(client, report_call):
    assert client.get("/api/consultations/review-2026/submissions").status_code == 404
    assert client.get("/en/consultations/review-2026/data.csv").status_code == 404
    assert client.get("/en/consultations/review-2026/data").status_code == 404
    assert "data.csv" not in client.get("/en/consultations/review-2026/").get_data(as_text=True)


def test_open_data_holds_only_what_the_public_may_see(client, report_call):
    publish_a_report(report_call)
    response = client.get("/api/consultations/review-2026/submissions")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    data = json.loads(body)
    csv_response = client.get("/fr/consultations/review-2026/data.csv")
    assert csv_response.status_code == 200
    raw = csv_response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    for content in (body, text):
        # Canaries: the confidential text, the anonymous organisation's name, contact details, the unincluded.
        assert report_call.canary not in content
        assert report_call.anonymous_name not in content
        for contact in CONTACTS:
            assert contact not in content
        assert "Excluded text" not in content and "Withdrawn text" not in content
        assert "CC BY 4.0" in content and "creativecommons.org/licenses/by/4.0" in content
    made = report_call.submissions
    by_reference = {row["reference"]: row for row in data["submissions"]}
    assert set(by_reference) == {made[key].reference for key in ("public_en", "public_ar", "public_fr", "anonymous")}
    assert by_reference[made["anonymous"].reference]["organisation"] == ""
    assert by_reference[made["anonymous"].reference]["recommendations"] == "Open the labour market to refugees."
    assert by_reference[made["public_ar"].reference]["organisation"] == "جمعية العمال المهاجرين"
    assert by_reference[made["public_fr"].reference]["good_practices_en"] == report_call.translated
    assert data["licence"]["id"] == "CC-BY-4.0"
    assert not [name for name in data["columns"] if name.startswith("contact")]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["reference"] for row in rows] == [row["reference"] for row in data["submissions"]]
    assert rows[0]["licence"].startswith("CC BY 4.0")


def test_the_policy_decides_every_field(client, report_call, monkeypatch):
    """An organisation the policy hides from the public is blank whatever its level is called."""
    from consult.consultations import visibility

    publish_a_report(report_call)
    monkeypatch.setattr(visibility, "may", lambda level, audience, aspect: aspect == "text")
    data = client.get("/api/consultations/review-2026/submissions").get_json()
    assert data["submissions"] and all(row["organisation"] == "" for row in data["submissions"])
    assert all(row["country"] == "" for row in data["submissions"])


@pytest.mark.parametrize("lang", ["ar", "en", "fr"])
def test_dictionary_and_call_page_in_every_language(client, report_call, lang):
    publish_a_report(report_call, part="annex")
    page = client.get(f"/{lang}/consultations/review-2026/data")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "good_practices_en" in html and "CC BY 4.0" in html and 'rel="license"' in html
    call_page = client.get(f"/{lang}/consultations/review-2026/").get_data(as_text=True)
    assert f"/{lang}/consultations/review-2026/data.csv" in call_page
    assert "/api/consultations/review-2026/submissions" in call_page
    assert f"/{lang}/consultations/review-2026/data\"" in call_page


def test_the_secretariat_chooses_the_licence(secretariat_client, client, report_call):
    publish_a_report(report_call)
    response = post_form(secretariat_client, "/en/reports/review-2026/", {"licence": "CC0-1.0", "save": "1"})
    assert response.status_code == 302
    data = client.get("/api/consultations/review-2026/submissions").get_json()
    assert data["licence"]["id"] == "CC0-1.0"
    assert "CC0 1.0" in client.get("/en/consultations/review-2026/data").get_data(as_text=True)
    bad = post_form(secretariat_client, "/en/reports/review-2026/", {"licence": "MIT", "save": "1"})
    assert bad.status_code == 400
    assert reports.setup_for(report_call.consultation).licence == "CC0-1.0"


def test_open_data_queries_do_not_grow(client, report_call, secretariat):
    publish_a_report(report_call)
    with recorded_statements() as statements:
        client.get("/api/consultations/review-2026/submissions")
    few = len(statements)
    consultation = report_call.consultation
    from consult.consultations import services
    from consult.core.database import utcnow
    from datetime import timedelta
    consultation.status, consultation.closes_at = "open", utcnow() + timedelta(days=1)
    _db.session.commit()
    for number in range(5):
        services.set_status(report_submission(consultation, org_name=f"More {number}"), "included", secretariat)
    consultation.status, consultation.closes_at = "closed", utcnow() - timedelta(days=1)
    _db.session.commit()
    with recorded_statements() as statements:
        client.get("/api/consultations/review-2026/submissions")
    assert len(statements) == few
    assert _db.session.query(Submission).count() >= 12
