"""GET /api/consultations: open data, what the public pages show and nothing more."""
import re
from datetime import datetime, timedelta, timezone

from consult.core.database import utcnow
from tests.consultations.test_exports import make_submission

KEYS = {"slug", "title", "status", "opens_at", "closes_at", "timezone", "objectives", "url", "urls"}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def by_slug(client):
    response = client.get("/api/consultations")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response, {item["slug"]: item for item in response.get_json()}


def test_shape_offsets_and_cache(client, create_consultation):
    # 23:59 on 1 December 2026 in Beirut (UTC+2) and in Dubai (UTC+4).
    create_consultation(slug="beirut-call", timezone="Asia/Beirut",
                        opens_at=datetime(2026, 10, 1, 6, 0, tzinfo=timezone.utc),
                        closes_at=datetime(2026, 12, 1, 21, 59, tzinfo=timezone.utc))
    create_consultation(slug="dubai-call", timezone="Asia/Dubai", reference_prefix="DXB",
                        opens_at=datetime(2026, 10, 1, 6, 0, tzinfo=timezone.utc),
                        closes_at=datetime(2026, 12, 1, 19, 59, tzinfo=timezone.utc))
    response, items = by_slug(client)
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert "Set-Cookie" not in response.headers
    beirut = items["beirut-call"]
    assert set(beirut) == KEYS
    assert beirut["closes_at"] == "2026-12-01T23:59:00+02:00"
    # 1 October is summer time in Beirut (UTC+3).
    assert beirut["opens_at"] == "2026-10-01T09:00:00+03:00"
    assert items["dubai-call"]["closes_at"] == "2026-12-01T23:59:00+04:00"
    assert beirut["timezone"] == "Asia/Beirut"
    assert beirut["title"] == {"ar": "مشاورة الاستعراض الإقليمي", "en": "Regional review consultation",
                               "fr": "Consultation pour l'examen régional"}
    assert beirut["objectives"] == [6, 7, 16]
    assert beirut["url"] == "http://consult.test/en/consultations/beirut-call/"
    assert beirut["urls"]["ar"] == "http://consult.test/ar/consultations/beirut-call/"
    for item in items.values():
        assert ISO_WITH_OFFSET.match(item["opens_at"]) and ISO_WITH_OFFSET.match(item["closes_at"])
    # The public page the URL names exists.
    assert client.get("/en/consultations/beirut-call/").status_code == 200


def test_status_follows_the_clock_not_only_the_stored_status(client, create_consultation):
    now = utcnow()
    create_consultation(slug="accepting")
    create_consultation(slug="past-deadline", status="open", reference_prefix="B",
                        opens_at=now - timedelta(days=30), closes_at=now - timedelta(minutes=1))
    create_consultation(slug="not-yet", status="open", reference_prefix="C",
                        opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=30))
    create_consultation(slug="closed-early", status="closed", reference_prefix="D")
    create_consultation(slug="reported", status="reported", reference_prefix="E",
                        opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=60))
    create_consultation(slug="secret-draft", status="draft", reference_prefix="F")
    _, items = by_slug(client)
    assert {slug: item["status"] for slug, item in items.items()} == {
        "accepting": "open", "past-deadline": "closed", "not-yet": "upcoming",
        "closed-early": "closed", "reported": "closed",
    }
    assert "secret-draft" not in items


def test_nothing_about_submissions(client, create_consultation, secretariat):
    consultation = create_consultation()
    confidential = make_submission(consultation, "included", secretariat, confidentiality="confidential",
                                   org_name="Hidden Org")
    response = client.get("/api/consultations")
    body = response.get_data(as_text=True)
    assert "Hidden Org" not in body and confidential.reference not in body
    assert "amina@example.org" not in body
    for item in response.get_json():
        assert set(item) == KEYS


def test_empty_list_and_unknown_api_path(client):
    assert client.get("/api/consultations").get_json() == []
    missing = client.get("/api/nothing")
    assert missing.status_code == 404 and missing.get_json() == {"error": 404}
