"""The review pages: queue and filters, Arabic search, who sees what, status, bulk, tags, notes,
translations, the audit log and the queue's query count, on the real database."""
import itertools
import re

import pytest
from sqlalchemy import func, select

from consult.core.audit import services as audit
from consult.core.audit.models import AuditEntry
from consult.consultations import services
from consult.core import storage
from consult.consultations.models import Submission, SubmissionNote, SubmissionTranslation
from tests.helpers import login, post_form, recorded_statements

ROW_RE = re.compile(r'name="ids" value="(\d+)"')


@pytest.fixture
def make_submission(db):
    """services.submit() with plain values; every submission gets its own organisation and text."""
    counter = itertools.count(1)

    def make(consultation, files=(), **values):
        n = next(counter)
        data = {
            "org_name": f"Organisation {n}", "constituency": "migrant_diaspora", "country": "MA",
            "countries_of_work": ["MA"], "contact_name": f"Contact {n}", "contact_email": f"contact{n}@example.org",
            "contact_phone": "+212 600 000000", "language": "fr", "objectives": [6, 7], "principles": ["a"],
            "good_practices": f"Des guichets uniques, numéro {n}.", "challenges": "", "recommendations": "",
            "confidentiality": "public",
        }
        data.update(values)
        return services.submit(consultation, data, files=files).submission

    return make


@pytest.fixture
def call_a(create_consultation):
    return create_consultation(slug="call-a")


@pytest.fixture
def call_b(create_consultation):
    return create_consultation(slug="call-b", reference_prefix="RSB")


@pytest.fixture
def assigned_member_client(app, member, secretariat, call_a):
    services.assign_reviewers(call_a, [member.id], secretariat)
    return login(app.test_client(), member.email)


def rows(response):
    assert response.status_code == 200, response.get_data(as_text=True)[-3000:]
    return {int(value) for value in ROW_RE.findall(response.get_data(as_text=True))}


def page(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[-3000:]
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- access

def test_anonymous_is_sent_to_login(client, call_a, make_submission):
    submission = make_submission(call_a)
    for url in ("/en/review/", f"/en/review/{submission.id}", "/en/review/audit"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post("/en/review/bulk", data={"ids": [submission.id], "new_status": "screened"})
    assert response.status_code in (302, 400)  # the CSRF check may answer first
    assert db_status(submission) == "received"


def db_status(submission):
    from consult.core.extensions import db

    db.session.commit()
    return db.session.scalar(select(Submission.status).where(Submission.id == submission.id))


def test_unassigned_member_gets_403_and_an_empty_queue(member_client, call_a, make_submission):
    submission = make_submission(call_a)
    assert rows(member_client.get("/en/review/")) == set()
    assert member_client.get(f"/en/review/{submission.id}").status_code == 403
    assert member_client.get("/en/review/audit").status_code == 403


def test_unknown_and_draft_submissions_are_404(secretariat_client, call_a, make_submission):
    draft = services.submit(call_a, {"contact_email": "d@example.org", "language": "en"}, draft=True).submission
    assert secretariat_client.get("/en/review/999999").status_code == 404
    assert secretariat_client.get("/en/review/99999999999999999999").status_code == 404
    assert secretariat_client.get(f"/en/review/{draft.id}").status_code == 404
    submission = make_submission(call_a)
    assert secretariat_client.get(f"/en/review/{submission.id}/attachments/12345").status_code == 404


# ---------------------------------------------------------------- the queue

def test_each_filter_narrows_the_queue(secretariat_client, secretariat, call_a, call_b, make_submission):
    a = make_submission(call_a, org_name="Réseau Atlas", country="MA", constituency="migrant_diaspora", language="fr", objectives=[6, 7],
                        confidentiality="public")
    b = make_submission(call_a, country="JO", constituency="trade_union", language="ar", objectives=[16],
                        confidentiality="anonymous", good_practices="نقابات العمال")
    c = make_submission(call_b, country="EG", constituency="academia", language="en", objectives=[1, 23],
                        confidentiality="confidential", good_practices="Recruitment fees research")
    services.bulk_set_status([b], "screened", secretariat)
    services.set_review(c, secretariat, tags=["women", "fees"])

    assert rows(secretariat_client.get("/en/review/")) == {a.id, b.id, c.id}
    expectations = {
        "call=call-a": {a.id, b.id},
        "call=call-b": {c.id},
        "status=screened": {b.id},
        "status=received": {a.id, c.id},
        "country=JO": {b.id},
        "constituency=academia": {c.id},
        "objective=6": {a.id},
        "objective=16": {b.id},
        "objective=1": {c.id},  # not 16
        "objective=23": {c.id},
        "language=ar": {b.id},
        "confidentiality=anonymous": {b.id},
        "confidentiality=confidential": {c.id},
        "tag=women": {c.id},
        "tag=wom": set(),
        "q=recruitment": {c.id},
        "q=" + c.reference: {c.id},
        "q=reseau+atlas": {a.id},  # the organisation's name, without its accent
        "call=call-a&language=fr": {a.id},
        "status=excluded": set(),
    }
    for query, expected in expectations.items():
        assert rows(secretariat_client.get(f"/en/review/?{query}")) == expected, query


def test_bad_filters_answer_400_with_a_message(secretariat_client, call_a, make_submission):
    make_submission(call_a)
    for query in ("status=draft", "status=bogus", "objective=24", "country=XX", "call=nope", "page=abc", "page=0",
                  "tag=" + "x" * 41):
        text = page(secretariat_client.get(f"/en/review/?{query}"), 400)
        assert 'class="errors"' in text, query
    assert secretariat_client.get("/en/review/?page=7").status_code == 404


@pytest.mark.parametrize("stored, searched", [
    ("الهجره", "الهجرة"),
    ("الهجرة", "الهجره"),
    ("الهجرة", "الهِجْرَة"),  # diacritics
    ("الهجرة", "الهجـــرة"),  # tatweel
    ("الهِجْرَةُ النظامية", "الهجره"),
    ("إدارة الهجرة", "اداره"),  # hamza forms
])
def test_arabic_search(secretariat_client, call_a, make_submission, stored, searched):
    hit = make_submission(call_a, language="ar", good_practices=f"سياسات {stored} في المنطقة")
    make_submission(call_a, language="ar", good_practices="رسوم التوظيف")
    make_submission(call_a, language="fr", good_practices="Les frais de recrutement.")
    assert rows(secretariat_client.get("/ar/review/", query_string={"q": searched})) == {hit.id}


def test_member_sees_only_public_and_anonymous_of_assigned_calls(assigned_member_client, call_a, call_b,
                                                                 make_submission):
    public = make_submission(call_a, org_name="Open Voices Network", confidentiality="public",
                             contact_email="open@voices.example")
    anonymous = make_submission(call_a, org_name="Hidden Helpers Association", confidentiality="anonymous",
                                constituency="trade_union", country="JO", contact_email="hidden@helpers.example")
    confidential = make_submission(call_a, org_name="Secret Shelter", confidentiality="confidential",
                                   contact_email="secret@shelter.example")
    other_call = make_submission(call_b, org_name="Elsewhere Union", confidentiality="public",
                                 contact_email="else@where.example")
    client = assigned_member_client

    queue = client.get("/en/review/")
    assert rows(queue) == {public.id, anonymous.id}
    text = queue.get_data(as_text=True)
    assert "Open Voices Network" in text
    assert "Anonymous (Trade unions, Jordan)" in text
    for secret in ("Hidden Helpers", "Secret Shelter", "Elsewhere Union", "@"):
        assert secret not in text.split("<main", 1)[1], secret

    # A member's search never finds an anonymous organisation by its name.
    assert rows(client.get("/en/review/?q=Hidden+Helpers")) == set()
    assert rows(client.get("/en/review/?q=Open+Voices")) == {public.id}
    # Confidential is not even a choice for members.
    assert client.get("/en/review/?confidentiality=confidential").status_code == 400

    anonymous_page = page(client.get(f"/en/review/{anonymous.id}"))
    assert "Anonymous (Trade unions, Jordan)" in anonymous_page
    assert "Hidden Helpers" not in anonymous_page
    public_page = page(client.get(f"/en/review/{public.id}"))
    assert "Open Voices Network" in public_page
    for body in (anonymous_page, public_page):
        main = body.split("<main", 1)[1]
        assert "@" not in main and "Contact " not in main and "+212" not in main
        assert "History" not in main  # the audit entries are for the secretariat

    assert client.get(f"/en/review/{confidential.id}").status_code == 403
    assert client.get(f"/en/review/{other_call.id}").status_code == 403


def test_secretariat_sees_contacts_and_every_name(secretariat_client, call_a, make_submission):
    anonymous = make_submission(call_a, org_name="Hidden Helpers Association", confidentiality="anonymous",
                                contact_email="hidden@helpers.example")
    text = page(secretariat_client.get(f"/en/review/{anonymous.id}"))
    assert "Hidden Helpers Association" in text and "hidden@helpers.example" in text
    services.purge_contacts(0, now=call_a.closes_at.replace(year=call_a.closes_at.year + 1))
    text = page(secretariat_client.get(f"/en/review/{anonymous.id}"))
    assert "hidden@helpers.example" not in text and "Removed on" in text


def test_possible_duplicates_are_marked_and_linked(secretariat_client, assigned_member_client, call_a,
                                                   make_submission):
    first = make_submission(call_a, org_name="Same Org", confidentiality="confidential")
    second = make_submission(call_a, org_name="Same Org", confidentiality="public")
    third = make_submission(call_a, org_name="Same Org", confidentiality="public")
    assert second.duplicate_of_id == first.id and third.duplicate_of_id == first.id

    text = page(secretariat_client.get("/en/review/"))
    assert text.count("Possible duplicate") == 2
    assert f'/en/review/{first.id}"' in text
    assert first.reference in page(secretariat_client.get(f"/en/review/{second.id}"))

    # A member never learns of the confidential submission it duplicates.
    member_text = page(assigned_member_client.get("/en/review/"))
    assert "Possible duplicate" not in member_text and first.reference not in member_text
    assert first.reference not in page(assigned_member_client.get(f"/en/review/{second.id}"))


def test_queue_pages_keep_the_filters(secretariat_client, call_a, make_submission):
    made = [make_submission(call_a, language="ar" if n % 2 else "en") for n in range(103)]
    arabic = {s.id for s in made if s.language == "ar"}
    first = secretariat_client.get("/en/review/?language=ar")
    text = page(first)
    assert len(rows(first)) == 50
    assert "/en/review/?page=2&amp;language=ar" in text or "/en/review/?language=ar&amp;page=2" in text
    second = rows(secretariat_client.get("/en/review/?language=ar&page=2"))
    assert len(arabic) == 51 and len(second) == 1 and second <= arabic
    assert rows(first) | second == arabic


def test_queue_query_count_does_not_grow(app, db, secretariat_client, call_a, make_submission):
    def statements():
        with recorded_statements() as seen:
            assert secretariat_client.get("/en/review/").status_code == 200
        return len(seen)

    def add(n):
        for _ in range(n):
            submission = make_submission(call_a, org_name="Same Org",
                                         files=[storage.CheckedFile("note.pdf", "application/pdf", b"%PDF-1.4 x")])
            services.save_translation(submission, "good_practices", "en", "One-stop shops.", None)
            services.set_review(submission, None, tags=["fees"])

    add(5)
    small = statements()
    add(25)
    assert statements() == small


# ---------------------------------------------------------------- one submission

def test_status_change_needs_a_reason_to_exclude(secretariat_client, secretariat, call_a, make_submission):
    submission = make_submission(call_a)
    url = f"/en/review/{submission.id}/status"
    show = f"/en/review/{submission.id}"

    text = page(post_form(secretariat_client, url, {"status": "excluded", "reason": "  "}, get_url=show), 400)
    assert "Please give the reason for the exclusion." in text
    assert db_status(submission) == "received"
    assert page(post_form(secretariat_client, url, {"status": "draft"}, get_url=show), 400)
    assert db_status(submission) == "received"

    response = post_form(secretariat_client, url, {"status": "excluded", "reason": "Off topic"}, get_url=show)
    assert response.status_code == 302
    assert db_status(submission) == "excluded"
    assert db_scalar(select(Submission.exclusion_reason).where(Submission.id == submission.id)) == "Off topic"
    entry = db_scalar(select(AuditEntry).where(AuditEntry.action == "submission.status"))
    assert entry.actor_id == secretariat.id and entry.details["after"] == "excluded" and entry.details["reason"] == "Off topic"

    text = page(secretariat_client.get(show))
    assert "Off topic" in text and "Secretariat Person" in text

    # Another status clears the reason.
    assert post_form(secretariat_client, url, {"status": "included"}, get_url=show).status_code == 302
    assert db_scalar(select(Submission.exclusion_reason).where(Submission.id == submission.id)) is None


def db_scalar(query):
    from consult.core.extensions import db

    db.session.commit()
    return db.session.scalar(query)


def test_assigned_member_may_review(assigned_member_client, member, call_a, make_submission):
    submission = make_submission(call_a, confidentiality="anonymous")
    response = post_form(assigned_member_client, f"/en/review/{submission.id}/status", {"status": "screened"},
                         get_url=f"/en/review/{submission.id}")
    assert response.status_code == 302
    assert db_status(submission) == "screened"
    entry = db_scalar(select(AuditEntry).where(AuditEntry.action == "submission.status"))
    assert entry.actor_id == member.id


def test_bulk_action(secretariat_client, assigned_member_client, call_a, call_b, make_submission):
    one, two, three = (make_submission(call_a) for _ in range(3))
    elsewhere = make_submission(call_b)
    secret = make_submission(call_a, confidentiality="confidential")

    # Excluding needs a reason: nothing changes without one.
    text = page(post_form(secretariat_client, "/en/review/bulk?language=fr",
                          {"ids": [one.id, two.id], "new_status": "excluded"}, get_url="/en/review/"), 400)
    assert "Please give the reason for the exclusion." in text
    assert {db_status(s) for s in (one, two)} == {"received"}
    # Nothing ticked.
    text = page(post_form(secretariat_client, "/en/review/bulk", {"new_status": "screened"}, get_url="/en/review/"), 400)
    assert "Please tick at least one submission." in text
    for bad in (["abc"], ["99999999999999999999"], ["-3"]):
        assert post_form(secretariat_client, "/en/review/bulk", {"ids": bad, "new_status": "screened"},
                         get_url="/en/review/").status_code == 400

    response = post_form(secretariat_client, "/en/review/bulk?language=fr",
                         {"ids": [one.id, two.id], "new_status": "screened"}, get_url="/en/review/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/review/?language=fr")
    assert [db_status(s) for s in (one, two, three)] == ["screened", "screened", "received"]
    assert db_scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "submission.status")) == 2

    # A member may only touch what they may review: nothing changes when one id is not theirs.
    for forbidden in (elsewhere, secret):
        text = page(post_form(assigned_member_client, "/en/review/bulk",
                              {"ids": [three.id, forbidden.id], "new_status": "included"}, get_url="/en/review/"), 400)
        assert "Nothing was changed." in text
        assert db_status(three) == "received" and db_status(forbidden) == "received"
    response = post_form(assigned_member_client, "/en/review/bulk",
                         {"ids": [three.id], "new_status": "excluded", "reason": "Duplicate"}, get_url="/en/review/")
    assert response.status_code == 302 and db_status(three) == "excluded"


def test_tags_and_objectives_are_corrected_and_audited(secretariat_client, secretariat, call_a, make_submission):
    submission = make_submission(call_a, objectives=[6, 7])
    url, show = f"/en/review/{submission.id}/classify", f"/en/review/{submission.id}"

    text = page(post_form(secretariat_client, url, {"tags": "x" * 41}, get_url=show), 400)
    assert "A tag may have at most 40 characters." in text
    assert page(post_form(secretariat_client, url, {"objectives": ["24"]}, get_url=show), 400)

    response = post_form(secretariat_client, url, {"tags": "recrutement, femmes ، عمال مهاجرون", "objectives": ["1", "7"]},
                         get_url=show)
    assert response.status_code == 302
    stored = db_scalar(select(Submission).where(Submission.id == submission.id))
    assert sorted(stored.tags) == sorted(["recrutement", "femmes", "عمال مهاجرون"])
    assert stored.objectives == [6, 7] and stored.objectives_reviewed == [1, 7]

    entries = {e.action: e for e in audit.entries_for(stored)}
    assert entries["submission.tags"].actor_id == secretariat.id
    assert entries["submission.objectives"].details == {"before": [6, 7], "after": [1, 7]}

    # The queue finds it by the corrected objective and by the Arabic tag; the log shows who did what.
    assert rows(secretariat_client.get("/en/review/?objective=1")) == {submission.id}
    assert rows(secretariat_client.get("/en/review/?objective=6")) == set()
    assert rows(secretariat_client.get("/en/review/", query_string={"tag": "عمال مهاجرون"})) == {submission.id}
    log = page(secretariat_client.get("/en/review/audit"))
    assert "Tags changed" in log and "Objectives corrected" in log and "Secretariat Person" in log
    assert submission.reference in log


def test_notes(secretariat_client, assigned_member_client, call_a, make_submission):
    submission = make_submission(call_a)
    url, show = f"/en/review/{submission.id}/notes", f"/en/review/{submission.id}"
    text = page(post_form(secretariat_client, url, {"text": "   "}, get_url=show), 400)
    assert "Please write the note." in text
    assert db_scalar(select(func.count()).select_from(SubmissionNote)) == 0

    assert post_form(secretariat_client, url, {"text": "Ask for the annex."}, get_url=show).status_code == 302
    assert post_form(assigned_member_client, url, {"text": "ملاحظة من العضو"}, get_url=show).status_code == 302
    text = page(assigned_member_client.get(show))
    assert "Ask for the annex." in text and "ملاحظة من العضو" in text
    assert db_scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "submission.note")) == 2


def test_translation_is_shown_to_readers_with_the_original_one_click_away(secretariat_client, assigned_member_client,
                                                                        call_a, make_submission):
    submission = make_submission(call_a, language="fr", good_practices="Des guichets uniques.",
                                 confidentiality="public")
    url = f"/en/review/{submission.id}/translations/good_practices/en"

    text = page(post_form(secretariat_client, url, {"text": ""}), 400)
    assert "Please write the translation." in text
    # Into the original's own language, or a field that does not exist: no such page.
    assert secretariat_client.get(f"/en/review/{submission.id}/translations/good_practices/fr").status_code == 404
    assert secretariat_client.get(f"/en/review/{submission.id}/translations/org_name/en").status_code == 404
    assert secretariat_client.get(f"/en/review/{submission.id}/translations/challenges/en").status_code == 404  # empty
    # Members review; the secretariat translates.
    assert assigned_member_client.get(url).status_code == 403

    # A draft is not shown to readers.
    assert post_form(secretariat_client, url, {"text": "One-stop shops (draft)."}).status_code == 302
    assert "One-stop shops (draft)." not in page(assigned_member_client.get(f"/en/review/{submission.id}"))

    assert post_form(secretariat_client, url, {"text": "One-stop shops.", "confirm": "y"}).status_code == 302
    item = db_scalar(select(SubmissionTranslation))
    assert item.status == "confirmed" and not item.machine

    text = page(assigned_member_client.get(f"/en/review/{submission.id}"))
    assert '<div class="review-text-body" lang="en" dir="ltr">One-stop shops.</div>' in text
    assert "Translated from French." in text
    assert f'href="/en/review/{submission.id}?original=1#text-good_practices"' in text
    original = page(assigned_member_client.get(f"/en/review/{submission.id}?original=1"))
    assert '<div class="review-text-body" lang="fr" dir="ltr">Des guichets uniques.</div>' in original
    assert "Show the translation" in original
    # A reader of the original language sees the original; an Arabic reader too (no Arabic translation).
    assert 'lang="fr" dir="ltr">Des guichets uniques.' in page(assigned_member_client.get(f"/fr/review/{submission.id}"))
    assert 'lang="fr" dir="ltr">Des guichets uniques.' in page(assigned_member_client.get(f"/ar/review/{submission.id}"))
    # The translation is searchable.
    assert rows(assigned_member_client.get("/en/review/?q=one-stop")) == {submission.id}


def test_attachments_download_for_reviewers_only(secretariat_client, member_client, call_a, make_submission):
    data = b"%PDF-1.4\n" + b"0" * 100 + b"\n%%EOF\n"
    submission = make_submission(call_a, files=[storage.CheckedFile("تقرير.pdf", "application/pdf", data)])
    [item] = submission.attachments
    url = f"/en/review/{submission.id}/attachments/{item.id}"
    assert url in page(secretariat_client.get(f"/en/review/{submission.id}"))
    response = secretariat_client.get(url)
    assert response.status_code == 200 and response.data == data
    assert member_client.get(url).status_code == 403


def test_audit_log_pages(secretariat_client, secretariat, call_a, make_submission):
    submission = make_submission(call_a)
    for n in range(205):
        audit.record(secretariat, "submission.note", submission, note_id=n)
    from consult.core.extensions import db

    db.session.commit()
    first = page(secretariat_client.get("/en/review/audit"))
    assert first.count("Note added") == 200
    older = re.search(r'href="(/en/review/audit\?before=\d+)"', first).group(1)
    second = page(secretariat_client.get(older))
    assert second.count("Note added") == 5 and "Submission received" in second
    for bad in ("abc", "-1", "99999999999999999999"):
        assert secretariat_client.get(f"/en/review/audit?before={bad}").status_code == 400


def test_pages_render_in_three_languages(secretariat_client, call_a, make_submission):
    submission = make_submission(call_a, language="ar", good_practices="الهجرة")
    services.set_review(submission, None, tags=["عمال"])
    for lang in ("ar", "en", "fr"):
        for url in (f"/{lang}/review/", f"/{lang}/review/{submission.id}", f"/{lang}/review/audit",
                    f"/{lang}/review/{submission.id}/translations/good_practices/en"):
            text = page(secretariat_client.get(url))
            assert f'<html lang="{lang}"' in text
