"""Confidentiality as an attacker tries it (issue 13): duplicate hints that would link an anonymous
submission to its organisation, a level the policy does not know, search terms in addresses."""
import json
import uuid

import pytest
from sqlalchemy import text

from consult.consultations import exports, services
from consult.consultations.models import Submission
from consult.core.extensions import db as _db
from consult.reports import content
from tests.helpers import csrf_token, login


def _submit(consultation, **values):
    data = {
        "org_name": "Organisation", "constituency": "civil_society", "country": "JO", "countries_of_work": ["JO"],
        "contact_name": "Contact", "contact_email": "contact@example.org", "contact_phone": "",
        "language": "en", "objectives": [7], "principles": ["a"], "good_practices": "Practice.",
        "challenges": "", "recommendations": "", "confidentiality": "public",
    }
    data.update(values)
    return services.submit(consultation, data).submission


@pytest.fixture
def reviewed_call(create_consultation, member, secretariat):
    consultation = create_consultation(slug="canary-call", reference_prefix="CAN")
    services.assign_reviewers(consultation, [member.id], secretariat)
    return consultation


@pytest.fixture
def reviewer_client(app, member, reviewed_call):
    return login(app.test_client(), member.email)


@pytest.mark.parametrize("anonymous_first", [True, False], ids=["anonymous-first", "public-first"])
def test_a_duplicate_hint_never_names_an_anonymous_author(reviewed_call, reviewer_client, secretariat_client,
                                                          anonymous_first):
    """Finding 1: one organisation sends an anonymous and a public submission to the same call."""
    name = f"Association Amal {uuid.uuid4().hex[:6]}"
    order = ("anonymous", "public") if anonymous_first else ("public", "anonymous")
    made = {level: _submit(reviewed_call, org_name=name, confidentiality=level,
                           good_practices=f"Text {level} {uuid.uuid4().hex[:6]}") for level in order}
    later = made[order[1]]
    assert later.duplicate_of_id == made[order[0]].id  # the service does flag them, for the secretariat
    anonymous, public = made["anonymous"], made["public"]

    queue = reviewer_client.get("/en/review/").get_data(as_text=True)
    assert name in queue and public.reference in queue and anonymous.reference in queue
    assert "Possible duplicate" not in queue
    for submission in (anonymous, public):
        page = reviewer_client.get(f"/en/review/{submission.id}").get_data(as_text=True)
        other = anonymous if submission is public else public
        assert "duplicate" not in page and f"/review/{other.id}\"" not in page
    # The secretariat, who sees every name anyway, keeps the hint.
    assert "Possible duplicate" in secretariat_client.get("/en/review/").get_data(as_text=True)
    # And the member's export carries no link either.
    rows = exports.rows(reviewed_call, "members")
    assert all("possible_duplicate_of" not in row for row in rows)


def test_two_public_submissions_keep_their_hint_for_a_reviewer(reviewed_call, reviewer_client):
    first = _submit(reviewed_call, org_name="Same Org")
    second = _submit(reviewed_call, org_name="Same Org")
    assert second.duplicate_of_id == first.id
    queue = reviewer_client.get("/en/review/").get_data(as_text=True)
    assert "Possible duplicate" in queue


def test_a_confidential_twin_is_not_betrayed(reviewed_call, reviewer_client):
    hidden = _submit(reviewed_call, org_name="Twin Org", confidentiality="confidential")
    visible = _submit(reviewed_call, org_name="Twin Org")
    assert visible.duplicate_of_id == hidden.id
    page = reviewer_client.get(f"/en/review/{visible.id}").get_data(as_text=True)
    assert "duplicate" not in page and hidden.reference not in page
    assert "Possible duplicate" not in reviewer_client.get("/en/review/").get_data(as_text=True)


@pytest.fixture
def unknown_level(db, is_postgres):
    """Lets the database hold a confidentiality level the policy does not know (as a new level, or a
    value that slipped in, would); the check constraint comes back afterwards."""
    if is_postgres:
        _db.session.execute(text("ALTER TABLE submissions DROP CONSTRAINT ck_submissions_confidentiality"))
        _db.session.commit()

    def set_level(submission, level):
        # On SQLite the pragma holds for one connection: switched on and off inside one transaction.
        if not is_postgres:
            _db.session.execute(text("PRAGMA ignore_check_constraints = 1"))
        _db.session.execute(text("UPDATE submissions SET confidentiality = :level WHERE id = :id"),
                            {"level": level, "id": submission.id})
        if not is_postgres:
            _db.session.execute(text("PRAGMA ignore_check_constraints = 0"))
        _db.session.commit()
        _db.session.expire_all()

    yield set_level
    _db.session.rollback()
    _db.session.execute(text("DELETE FROM submissions WHERE confidentiality NOT IN ('public', 'anonymous', 'confidential')"))
    if is_postgres:
        _db.session.execute(text("ALTER TABLE submissions ADD CONSTRAINT ck_submissions_confidentiality "
                                 "CHECK (confidentiality IN ('public', 'anonymous', 'confidential'))"))
    _db.session.commit()


def test_a_level_the_policy_does_not_know_stays_with_the_secretariat(
        reviewed_call, reviewer_client, secretariat_client, client, unknown_level, secretariat):
    canary = f"EMBARGO{uuid.uuid4().hex[:8].upper()}"
    submission = _submit(reviewed_call, org_name=f"Org {canary}", good_practices=f"Practice {canary}",
                         country="EG")
    reference = submission.reference
    unknown_level(submission, "embargoed")
    services.set_status(_db.session.get(Submission, submission.id), "included", secretariat)
    _db.session.commit()

    # Reviewers: not in the queue, not found by a search, not readable, no file, no translation.
    assert canary not in reviewer_client.get("/en/review/").get_data(as_text=True)
    assert reference not in reviewer_client.get(f"/en/review/?q={canary}").get_data(as_text=True)
    assert reviewer_client.get(f"/en/review/{submission.id}").status_code == 403
    # Exports for members and the public: absent; the secretariat's: present.
    for audience in ("members", "public"):
        for fmt in exports.FORMATS:
            data = exports.export(reviewed_call, audience, fmt).data
            assert canary.encode() not in data and reference.encode() not in data, (audience, fmt)
    assert canary.encode() in exports.export(reviewed_call, "secretariat", "csv").data
    assert canary in secretariat_client.get(f"/en/review/{submission.id}").get_data(as_text=True)

    # The report counts it as confidential and nothing else: no text, no name, no country.
    reviewed_call.status = "closed"
    _db.session.commit()
    with client.application.test_request_context("/en/"):
        gathered = content.gather(reviewed_call, "en")
    dumped = json.dumps(gathered.content, ensure_ascii=False)
    assert canary not in dumped and reference not in dumped
    assert gathered.content["counts"]["confidential"] == 1
    countries = next(item for item in gathered.content["statistics"] if item["key"] == "country")
    assert [row["code"] for row in countries["rows"]] == [content.UNDISCLOSED]
    # Public pages never show it.
    for url in ("/en/consultations/", f"/en/consultations/{reviewed_call.slug}/", "/api/consultations"):
        assert canary not in client.get(url).get_data(as_text=True)


def test_search_terms_never_reach_an_address(reviewed_call, reviewer_client):
    term = f"recrutement{uuid.uuid4().hex[:5]}"
    match = _submit(reviewed_call, good_practices=f"Frais de {term} supprimés.")
    _submit(reviewed_call, good_practices="Autre chose.")
    page = reviewer_client.get("/en/review/").get_data(as_text=True)
    assert 'method="post"' in page.split('role="search"')[0].rsplit("<form", 1)[1]
    response = reviewer_client.post("/en/review/search", data={"csrf_token": csrf_token(page), "q": term,
                                                               "language": "en"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert term not in location and "language=en" in location and "s=" in location
    result = reviewer_client.get(location).get_data(as_text=True)
    assert match.reference in result and f'value="{term}"' in result
    assert term not in "".join(line for line in result.splitlines() if "href=" in line)
    # Without the CSRF token: nothing is kept, back to the queue.
    assert reviewer_client.post("/en/review/search", data={"q": term}).status_code in (302, 303, 400)


def test_withdraw_asks_first_mails_and_can_be_undone_until_the_deadline(reviewed_call, client, smtp):
    result = services.submit(reviewed_call, {
        "org_name": "Réseau Amal", "constituency": "civil_society", "country": "MA", "contact_name": "Amina",
        "contact_email": "amina@example.org", "language": "fr", "objectives": [7], "good_practices": "Texte.",
        "confidentiality": "public"}, page_lang="fr")
    link = f"/fr/submissions/{result.token}/"
    page = client.get(link).get_data(as_text=True)
    # One tap opens a confirmation page (no JavaScript needed); nothing is withdrawn yet.
    assert f'href="{link}withdraw"' in page
    confirm = client.get(link + "withdraw")
    assert confirm.status_code == 200 and "Retirer votre contribution ?" in confirm.get_data(as_text=True)
    _db.session.expire_all()
    assert result.submission.status == "received"
    smtp.messages.clear()
    response = client.post(link + "withdraw", data={"csrf_token": csrf_token(confirm.get_data(as_text=True))})
    assert response.status_code == 303
    _db.session.expire_all()
    assert result.submission.status == "withdrawn"
    [mail] = [m for m in smtp.messages if m["To"] == "amina@example.org"]
    assert result.submission.reference in mail["Subject"] and "retirée" in mail["Subject"]
    assert "jusqu'à la date limite" in mail.get_content()
    # The page says what state it is in, and offers to undo it (the call is still open).
    page = client.get(link).get_data(as_text=True)
    assert "Vous avez retiré cette contribution" in page and "Annuler le retrait" in page
    assert 'name="good_practices"' not in page
    response = client.post(link + "restore", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 303
    _db.session.expire_all()
    assert result.submission.status == "received"
    assert 'name="good_practices"' in client.get(link).get_data(as_text=True)


def test_a_call_closed_early_states_the_real_closing_moment(create_consultation, secretariat, client):
    """Issue 15, point 7: closed on the day the secretariat closed it, not "the deadline was" a later date;
    the submitter's link still shows their submission, with the secretariat's address."""
    consultation = create_consultation(slug="early", reference_prefix="EARLY")
    result = services.submit(consultation, {
        "org_name": "Org", "constituency": "civil_society", "country": "JO", "contact_name": "C",
        "contact_email": "c@example.org", "language": "en", "objectives": [7], "good_practices": "Early text.",
        "confidentiality": "public"})
    deadline = consultation.closes_at.strftime("%Y")
    services.save_consultation(consultation, actor=secretariat, status="closed")
    _db.session.expire_all()
    assert consultation.closed_at is not None and consultation.closing_moment < consultation.closes_at
    form = client.get(f"/en/consultations/{consultation.slug}/submit").get_data(as_text=True)
    assert "closed this call on" in form and "The deadline was" not in form
    assert "Closed early" in client.get(f"/en/consultations/{consultation.slug}/").get_data(as_text=True)
    page = client.get(f"/en/submissions/{result.token}/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Early text." in html and "secretariat@example.org" in html
    assert deadline  # (the year of the deadline is not asserted on: the closing moment is today)
    # Reopened: the early close is forgotten, the deadline rules again.
    services.save_consultation(consultation, actor=secretariat, status="open")
    _db.session.expire_all()
    assert consultation.closed_at is None and consultation.closing_moment == consultation.closes_at
