"""The secretariat's pages for calls: create, edit, extend or reopen, reviewers, the list of all calls."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from consult.core.audit.models import AuditEntry
from consult.consultations import services
from consult.consultations.models import Consultation, ReviewerAssignment
from consult.core.database import utcnow
from tests.consultations.test_exports import make_submission
from tests.helpers import post_form, recorded_statements

SLUG = "gcm-review-2026"

ADMIN_ROUTES = [
    ("GET", "/en/consultations/manage"),
    ("GET", "/en/consultations/new"),
    ("POST", "/en/consultations/new"),
    ("GET", f"/en/consultations/{SLUG}/edit"),
    ("POST", f"/en/consultations/{SLUG}/edit"),
    ("GET", f"/en/consultations/{SLUG}/reviewers"),
    ("POST", f"/en/consultations/{SLUG}/reviewers"),
    ("GET", f"/en/consultations/{SLUG}/export.csv"),
    ("GET", f"/en/consultations/{SLUG}/export.xlsx"),
    ("GET", f"/en/consultations/{SLUG}/export.json"),
]


def call_form(**overrides):
    """What a secretary types: a call in Beirut time, open in December 2026."""
    data = {
        "slug": "call-2027",
        "reference_prefix": "RC27",
        "title_ar": "دعوة ٢٠٢٧",
        "title_en": "Call 2027",
        "title_fr": "",
        "description_en": "First paragraph.\r\n\r\nSecond paragraph.",
        "questions_en": "What worked?\r\n\r\n  What did not?  \r\n",
        "questions_fr": "Qu'est-ce qui a marché ?",
        "objectives": ["16", "6", "7"],
        "timezone": "Asia/Beirut",
        "opens_at": "2026-12-01T09:00",
        "closes_at": "2026-12-31T23:59",
        "status": "draft",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def consultation_count(db):
    return db.session.scalar(select(func.count()).select_from(Consultation))


def audit_count(db, action=None):
    query = select(func.count()).select_from(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalar(query)


@pytest.mark.parametrize("method, url", ADMIN_ROUTES)
def test_roles_on_every_admin_route(app, client, member_client, secretariat_client, create_consultation, method, url):
    create_consultation()

    def send(http, token_page):
        if method == "GET":
            return http.get(url)
        # A real CSRF token from a page this client may open, so the role check is what answers.
        return post_form(http, url, {}, get_url=token_page)

    anonymous = send(client, "/en/login")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert send(member_client, "/en/account").status_code == 403
    status = send(secretariat_client, url if method == "POST" else None).status_code
    # An empty POST is a form with errors (400), or the reviewers form with nobody chosen (a redirect).
    assert status in ((200,) if method == "GET" else (302, 400))


def test_create_a_call(secretariat_client, secretariat, db):
    response = post_form(secretariat_client, "/en/consultations/new", call_form())
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == "call-2027"))
    assert consultation.title == {"ar": "دعوة ٢٠٢٧", "en": "Call 2027"}
    assert consultation.description == {"en": "First paragraph.\n\nSecond paragraph."}
    assert consultation.questions == {"en": ["What worked?", "What did not?"], "fr": ["Qu'est-ce qui a marché ?"]}
    assert consultation.objectives == [6, 7, 16]
    assert consultation.timezone == "Asia/Beirut"
    # 09:00 in Beirut in December (UTC+2) is 07:00 UTC.
    assert consultation.opens_at == datetime(2026, 12, 1, 7, 0, tzinfo=timezone.utc)
    assert consultation.closes_at == datetime(2026, 12, 31, 21, 59, tzinfo=timezone.utc)
    assert consultation.status == "draft"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "consultation.created"))
    assert entry.actor_id == secretariat.id and entry.object_id == consultation.id
    # A draft is on the secretariat's list, not on the public one.
    assert "call-2027" in secretariat_client.get("/en/consultations/manage").get_data(as_text=True)
    assert secretariat_client.get("/en/consultations/call-2027/").status_code == 404


def test_new_form_offers_only_real_zones(secretariat_client):
    page = secretariat_client.get("/en/consultations/new").get_data(as_text=True)
    assert 'value="Asia/Beirut"' in page and 'value="Europe/Geneva"' not in page


@pytest.mark.parametrize("overrides, field_error", [
    ({"slug": "gcm-review-2026"}, "Another call already uses this short name."),
    ({"reference_prefix": "RSAG"}, "Another call already uses this prefix."),
    ({"reference_prefix": "rs-1"}, "Use 2 to 10 capital letters or digits"),
    ({"slug": "Call 2027"}, "Use only lowercase letters, digits and single hyphens"),
    ({"slug": "call--2027"}, "Use only lowercase letters, digits and single hyphens"),
    ({"slug": "new"}, "This word is used by the site itself"),
    ({"slug": ""}, "This field is required."),
    ({"title_ar": "", "title_en": "  ", "title_fr": ""}, "Please give the call a title in at least one language."),
    ({"closes_at": "2026-11-30T23:59"}, "The deadline must come after the opening."),
    ({"closes_at": "2026-12-01T09:00"}, "The deadline must come after the opening."),
    ({"opens_at": "next week"}, "Please enter a date and time such as 2026-12-01 23:59."),
    ({"opens_at": ""}, "Please enter a date and time such as 2026-12-01 23:59."),
    ({"closes_at": None}, "Please enter a date and time such as 2026-12-01 23:59."),
    # Clocks in Beirut jump from 00:00 to 01:00 on 29 March 2026.
    ({"opens_at": "2026-03-29T00:30"}, "This time does not exist in that zone"),
    ({"timezone": "Mars/Olympus"}, "Not a valid choice"),
    ({"timezone": "Europe/Geneva"}, "Not a valid choice"),
    ({"status": "published"}, "Not a valid choice"),
    ({"objectives": ["24"]}, "not a valid choice"),
    ({"objectives": ["six"]}, "Invalid choice"),
    ({"title_en": "x" * 301}, "Field cannot be longer than 300 characters."),
])
def test_bad_inputs_are_form_errors_and_save_nothing(secretariat_client, create_consultation, db, overrides, field_error):
    create_consultation()
    before, audits = consultation_count(db), audit_count(db)
    response = post_form(secretariat_client, "/en/consultations/new", call_form(**overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please correct the fields marked below." in page
    assert field_error.lower() in page.replace("&#39;", "'").lower()
    assert consultation_count(db) == before
    assert audit_count(db) == audits


def test_edit_a_call(secretariat_client, create_consultation, db):
    consultation = create_consultation(timezone="Asia/Dubai")
    page = secretariat_client.get(f"/fr/consultations/{SLUG}/edit").get_data(as_text=True)
    # Times are shown in the call's own zone, to the minute.
    local_close = consultation.closes_at.astimezone(ZoneInfo("Asia/Dubai")).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local_close}"' in page
    response = post_form(secretariat_client, f"/fr/consultations/{SLUG}/edit", call_form(
        slug=SLUG, title_fr="Nouveau titre", timezone="Asia/Dubai", status="open",
        opens_at="2026-01-01T00:00", closes_at="2027-01-31T18:00"))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    consultation = db.session.get(Consultation, consultation.id)
    assert consultation.title["fr"] == "Nouveau titre"
    assert consultation.closes_at == datetime(2027, 1, 31, 14, 0, tzinfo=timezone.utc)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "consultation.changed"))
    assert "title" in entry.details["fields"] and "closes_at" in entry.details["fields"]


def test_saving_unchanged_keeps_the_seconds_of_stored_times(secretariat_client, create_consultation, db):
    consultation = create_consultation()
    opens, closes = consultation.opens_at, consultation.closes_at
    page = secretariat_client.get(f"/en/consultations/{SLUG}/edit").get_data(as_text=True)
    zone = ZoneInfo("Asia/Beirut")
    data = call_form(slug=SLUG, title_ar="مشاورة الاستعراض الإقليمي", title_en="Regional review consultation",
                     title_fr="Consultation pour l'examen régional", description_en="What we ask.",
                     objectives=["6", "7", "16"], status="open",
                     opens_at=opens.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
                     closes_at=closes.astimezone(zone).strftime("%Y-%m-%dT%H:%M"))
    assert data["closes_at"] in page
    assert post_form(secretariat_client, f"/en/consultations/{SLUG}/edit", data).status_code == 302
    db.session.expire_all()
    consultation = db.session.get(Consultation, consultation.id)
    assert consultation.opens_at == opens and consultation.closes_at == closes


def test_edit_to_a_slug_in_use_changes_nothing(secretariat_client, create_consultation, db):
    create_consultation()
    other = create_consultation(slug="other-call")
    before = dict(other.title)
    response = post_form(secretariat_client, "/en/consultations/other-call/edit",
                         call_form(slug=SLUG, title_en="Changed", status="open"))
    assert response.status_code == 400
    assert "Another call already uses this short name." in response.get_data(as_text=True)
    db.session.expire_all()
    other = db.session.get(Consultation, other.id)
    assert other.slug == "other-call" and other.title == before
    assert audit_count(db, "consultation.changed") == 0


def test_edit_unknown_call_is_404(secretariat_client):
    assert secretariat_client.get("/en/consultations/nothing-here/edit").status_code == 404
    assert secretariat_client.get("/en/consultations/nothing-here/reviewers").status_code == 404
    assert secretariat_client.get("/en/consultations/nothing-here/export.csv").status_code == 404


def test_extending_a_closed_call_lets_the_public_submit_again(client, secretariat_client, create_consultation, submission_form, db):
    now = utcnow()
    create_consultation(status="closed", opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1))
    assert "This call is closed" in client.get(f"/en/consultations/{SLUG}/submit").get_data(as_text=True)
    assert post_form(client, f"/en/consultations/{SLUG}/submit", submission_form, get_url="/en/login").status_code == 409

    page = secretariat_client.get(f"/en/consultations/{SLUG}/edit").get_data(as_text=True)
    assert "To reopen or extend it" in page
    zone = ZoneInfo("Asia/Beirut")
    response = post_form(secretariat_client, f"/en/consultations/{SLUG}/edit", call_form(
        slug=SLUG, status="open",
        opens_at=(now - timedelta(days=30)).astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        closes_at=(now + timedelta(days=14)).astimezone(zone).strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]

    assert "This call is closed" not in client.get(f"/en/consultations/{SLUG}/submit").get_data(as_text=True)
    response = post_form(client, f"/en/consultations/{SLUG}/submit", submission_form)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert "/submissions/" in response.headers["Location"]


def test_reviewers_are_assigned_and_removed(secretariat_client, create_consultation, create_user, member, db):
    consultation = create_consultation()
    other = create_user(email="other-member@example.org", name="Other Member")
    create_user(email="staff@example.org", role="secretariat", name="Staff Only")
    page = secretariat_client.get(f"/en/consultations/{SLUG}/reviewers").get_data(as_text=True)
    assert "member@example.org" in page and "other-member@example.org" in page
    assert "staff@example.org" not in page  # reviewers are chosen among members

    response = post_form(secretariat_client, f"/en/consultations/{SLUG}/reviewers", {"reviewers": [str(member.id), str(other.id)]})
    assert response.status_code == 302
    assigned = set(db.session.scalars(select(ReviewerAssignment.user_id).where(ReviewerAssignment.consultation_id == consultation.id)))
    assert assigned == {member.id, other.id}
    page = secretariat_client.get(f"/en/consultations/{SLUG}/reviewers").get_data(as_text=True)
    assert f'value="{member.id}" checked' in page

    response = post_form(secretariat_client, f"/en/consultations/{SLUG}/reviewers", {"reviewers": [str(other.id)]})
    assert response.status_code == 302
    assigned = set(db.session.scalars(select(ReviewerAssignment.user_id).where(ReviewerAssignment.consultation_id == consultation.id)))
    assert assigned == {other.id}
    assert audit_count(db, "consultation.reviewers") == 2


def test_reviewers_rejects_someone_who_is_not_a_member(secretariat_client, create_consultation, secretariat, db):
    create_consultation()
    response = post_form(secretariat_client, f"/en/consultations/{SLUG}/reviewers", {"reviewers": [str(secretariat.id)]})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ReviewerAssignment)) == 0


def test_assigned_member_may_export_the_members_view(app, member_client, member, create_consultation, secretariat):
    consultation = create_consultation()
    assert member_client.get(f"/en/consultations/{SLUG}/export.csv").status_code == 403
    services.assign_reviewers(consultation, [member.id], secretariat)
    response = member_client.get(f"/en/consultations/{SLUG}/export.csv")
    assert response.status_code == 200
    assert "members" in response.headers["Content-Disposition"]
    # The pages that change things stay the secretariat's.
    assert member_client.get(f"/en/consultations/{SLUG}/edit").status_code == 403


def test_manage_lists_drafts_and_counts_by_status(secretariat_client, create_consultation, secretariat, db):
    first = create_consultation()
    create_consultation(slug="draft-call", status="draft")
    make_submission(first, "included", secretariat)
    make_submission(first, "included", secretariat, org_name="Another org")
    make_submission(first, "excluded", secretariat, org_name="Third org")
    page = secretariat_client.get("/en/consultations/manage").get_data(as_text=True)
    assert "draft-call" in page and SLUG in page
    row = page.split(f'dir="ltr">{SLUG}</bdi>')[1].split("</tr>")[0]
    cells = [cell.strip().split(">", 1)[1] for cell in row.split("<td ")[3:9]]
    # received, screened, included, excluded, withdrawn, drafts
    assert [cell.split("</td>")[0] for cell in cells] == ["0", "0", "2", "1", "0", "0"]


def test_manage_query_count_does_not_grow_with_calls(secretariat_client, create_consultation, secretariat, db):
    def queries():
        with recorded_statements() as statements:
            assert secretariat_client.get("/en/consultations/manage").status_code == 200
        return len(statements)

    first = create_consultation()
    make_submission(first, "included", secretariat)
    before = queries()
    for number in range(4):
        # Own prefixes: references are unique across calls (see the report on reference_for).
        call = create_consultation(slug=f"call-{number}", reference_prefix=f"T{number}")
        make_submission(call, "screened", secretariat, org_name=f"Org {number}")
    assert queries() == before


@pytest.mark.parametrize("lang", ["ar", "en", "fr"])
def test_pages_render_in_three_languages(secretariat_client, create_consultation, member, lang):
    create_consultation()
    for path in ("consultations/manage", "consultations/new", f"consultations/{SLUG}/edit", f"consultations/{SLUG}/reviewers"):
        response = secretariat_client.get(f"/{lang}/{path}")
        assert response.status_code == 200, path
        assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in response.get_data(as_text=True)


def test_saving_an_open_call_past_its_deadline_says_it_accepts_nothing(secretariat_client, create_consultation):
    create_consultation()
    response = post_form(secretariat_client, f"/en/consultations/{SLUG}/edit", call_form(
        slug=SLUG, status="open", opens_at="2020-01-01T00:00", closes_at="2020-02-01T00:00"), follow_redirects=True)
    assert response.status_code == 200
    assert "Its deadline has passed, so it accepts no submissions." in response.get_data(as_text=True)
