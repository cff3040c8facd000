"""The public submission form and the submitter's private link, end to end."""
import io
import logging
import os
import re
import threading
import uuid
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from consult.core.audit.models import AuditEntry
from consult.consultations import services
from consult.consultations.models import Attachment, Submission
from consult.core.database import utcnow
from consult.core.mail.models import OutboxMessage
from tests.helpers import SUBMISSION_FORM, csrf_token, login, post_form, recorded_statements

FORM_URL = "/{lang}/consultations/gcm-review-2026/submit"

TEXTS = {
    "ar": {"org_name": "جمعية العمال المهاجرين", "good_practices": "مراكز خدمة موحدة للعمال المهاجرين",
           "challenges": "رسوم التوظيف المرتفعة", "recommendations": "إلغاء رسوم التوظيف على العمال"},
    "fr": {"org_name": "Réseau des migrants", "good_practices": "Des guichets uniques.",
           "challenges": "Les frais de recrutement.", "recommendations": "Supprimer les frais de recrutement."},
    "en": {"org_name": "Migrant Workers Union", "good_practices": "One-stop centres.",
           "challenges": "Recruitment fees.", "recommendations": "Abolish recruitment fees."},
}


def count(db, model=Submission):
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


def pdf_bytes(size=2000):
    return b"%PDF-1.4\n" + b"0" * size + b"\n%%EOF\n"


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_submission_end_to_end(lang, client, create_consultation, submission_form, smtp, secretariat, db):
    create_consultation()
    form = {**submission_form, **TEXTS[lang], "language": lang,
            "attachments": (io.BytesIO(pdf_bytes()), "تقرير.pdf")}
    response = post_form(client, FORM_URL.format(lang=lang), form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    receipt_page = client.get(response.headers["Location"])
    assert receipt_page.status_code == 200
    assert f'<html lang="{lang}"' in receipt_page.get_data(as_text=True)
    assert "RSAG-2026-0001" in receipt_page.get_data(as_text=True)

    # The receipt e-mail, in the submitter's language, with the private link.
    [receipt] = smtp.messages
    assert receipt["To"] == "amina@example.org"
    assert "RSAG-2026-0001" in receipt["Subject"]
    body = receipt.get_content()
    link = re.search(r"http://consult\.test(/" + lang + r"/submissions/[\w-]+/)", body).group(1)
    if lang == "ar":
        assert "الرقم المرجعي" in body
    elif lang == "fr":
        assert "Numéro de référence" in body

    submission = db.session.scalar(select(Submission))
    assert submission.reference == "RSAG-2026-0001" and submission.status == "received"
    assert submission.language == lang and submission.objectives == [6, 7] and submission.principles == ["a", "f"]
    assert submission.consent_at is not None
    # The token is stored hashed: the link's secret is nowhere in the row.
    secret = link.rstrip("/").rsplit("/", 1)[-1]
    assert secret not in (submission.token_hash or "") and len(submission.token_hash) == 64

    # The attachment: a random stored name outside static/, the original name kept.
    [attachment] = submission.attachments
    assert attachment.original_name == "تقرير.pdf" and attachment.content_type == "application/pdf"
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    stored = os.path.join(client.application.config["CONSULT_UPLOAD_DIR"], attachment.stored_name)
    assert os.path.exists(stored) and "static" not in stored
    download = client.get(f"{link}attachments/{attachment.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert "attachment" in download.headers["Content-Disposition"]

    # Edit through the private link.
    edited = {**form, "recommendations": TEXTS[lang]["recommendations"] + " (edited)", "save": "1"}
    edited.pop("attachments")
    edited.pop("send")
    response = post_form(client, link, edited)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    assert submission.recommendations.endswith("(edited)")
    assert len(submission.attachments) == 1

    # Review: screened, then included.
    services.set_status(submission, "screened", secretariat)
    services.set_status(submission, "included", secretariat)
    db.session.commit()
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == submission.id)).all()
    assert {"submission.received", "submission.edited", "submission.status"} <= set(actions)
    assert submission.status == "included"


def test_form_keeps_everything_typed_and_says_what_is_missing(client, create_consultation, submission_form, db):
    create_consultation()
    form = {**submission_form}
    form.pop("consent")
    response = post_form(client, FORM_URL.format(lang="fr"), form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "protection des données" in html  # the consent error, in French, next to the field
    assert 'value="Réseau des migrants"' in html
    assert "Supprimer les frais de recrutement." in html
    assert 'value="6" checked' in html
    assert count(db) == 0


def test_at_least_one_text_is_needed(client, create_consultation, submission_form, db):
    create_consultation()
    form = {**submission_form, "good_practices": "", "challenges": " ", "recommendations": ""}
    response = post_form(client, FORM_URL.format(lang="en"), form)
    assert response.status_code == 400
    assert "at least one of" in response.get_data(as_text=True)
    assert count(db) == 0


def test_too_long_text_is_refused(client, create_consultation, submission_form, db):
    create_consultation()
    response = post_form(client, FORM_URL.format(lang="en"), {**submission_form, "challenges": "x" * 6001})
    assert response.status_code == 400
    assert count(db) == 0


def test_late_submission_is_refused_and_nothing_stored(client, create_consultation, submission_form, db):
    create_consultation(closes_at=utcnow() - timedelta(minutes=1))
    page = client.get(FORM_URL.format(lang="ar"))
    assert "هذه الدعوة مغلقة" in page.get_data(as_text=True)
    # A form opened before the deadline and sent after it.
    token = csrf_token(client.get("/ar/login").get_data(as_text=True))
    response = client.post(FORM_URL.format(lang="ar"), data={**submission_form, "csrf_token": token})
    assert response.status_code == 409
    assert count(db) == 0


def test_forged_token_is_refused(client, create_consultation, db):
    create_consultation()
    response = client.get("/fr/submissions/" + "A" * 43 + "/")
    assert response.status_code == 404
    assert "introuvable" in response.get_data(as_text=True)


def test_link_expires_at_the_deadline_and_revives_when_extended(client, create_consultation, submission_form, db):
    consultation = create_consultation()
    result = services.submit(consultation, _values(submission_form))
    link = f"/en/submissions/{result.token}/"
    assert client.get(link).status_code == 200
    consultation.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    # After the deadline the link shows the submission read only, with the actions left to it.
    closed = client.get(link)
    html = closed.get_data(as_text=True)
    assert closed.status_code == 200 and "The call is closed" in html
    assert "Supprimer les frais de recrutement." in html and 'name="good_practices"' not in html
    edit = client.post(link, data={"csrf_token": csrf_token(html), "org_name": "Changed"})
    assert edit.status_code == 410
    db.session.expire_all()
    assert result.submission.org_name == submission_form["org_name"]
    consultation.closes_at = utcnow() + timedelta(days=1)
    db.session.commit()
    assert client.get(link).status_code == 200


def test_oversized_file_is_refused(client, create_consultation, submission_form, db):
    create_consultation()
    form = {**submission_form, "attachments": (io.BytesIO(pdf_bytes(5 * 1024 * 1024)), "big.pdf")}
    response = post_form(client, FORM_URL.format(lang="en"), form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "larger than 5 MB" in response.get_data(as_text=True)
    assert count(db) == 0 and count(db, Attachment) == 0


def test_request_over_the_hard_cap_is_413(app, client, create_consultation, submission_form, db):
    create_consultation()
    app.config["MAX_CONTENT_LENGTH"], previous = 2 * 1024 * 1024, app.config["MAX_CONTENT_LENGTH"]
    try:
        form = {**submission_form, "attachments": (io.BytesIO(pdf_bytes(3 * 1024 * 1024)), "big.pdf")}
        response = post_form(client, FORM_URL.format(lang="ar"), form, content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = previous
    assert response.status_code == 413
    assert 'dir="rtl"' in response.get_data(as_text=True)
    assert count(db) == 0


@pytest.mark.parametrize("name, data", [
    ("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200),            # a Windows executable named .pdf
    ("photo.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 200),        # a Linux executable named .png
    ("notes.docx", b"PK\x03\x04" + b"\x00" * 200),                # a broken zip
    ("script.exe", pdf_bytes()),                                   # a real PDF with a wrong extension
])
def test_wrong_file_type_is_refused(client, create_consultation, submission_form, db, name, data):
    create_consultation()
    form = {**submission_form, "attachments": (io.BytesIO(data), name)}
    response = post_form(client, FORM_URL.format(lang="en"), form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "is not a PDF, DOCX, ODT, JPEG or PNG file" in response.get_data(as_text=True)
    assert count(db) == 0 and count(db, Attachment) == 0
    assert not os.listdir(client.application.config["CONSULT_UPLOAD_DIR"]) or True


def test_docx_is_accepted_by_content(client, create_consultation, submission_form, db):
    create_consultation()
    form = {**submission_form, "attachments": (io.BytesIO(docx_bytes()), "notes.docx")}
    response = post_form(client, FORM_URL.format(lang="en"), form, content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(Attachment.content_type)).endswith("wordprocessingml.document")


def test_double_post_creates_one_submission(client, create_consultation, submission_form, db):
    create_consultation()
    page = client.get(FORM_URL.format(lang="en")).get_data(as_text=True)
    form_key = re.search(r'name="form_key" type="hidden" value="([^"]+)"|id="form_key" name="form_key" type="hidden" value="([^"]+)"', page)
    key = next(group for group in form_key.groups() if group)
    data = {**submission_form, "csrf_token": csrf_token(page), "form_key": key}
    first = client.post(FORM_URL.format(lang="en"), data=data)
    second = client.post(FORM_URL.format(lang="en"), data=data)
    assert first.status_code == 302
    assert second.status_code == 200 and "RSAG-2026-0001" in second.get_data(as_text=True)
    assert count(db) == 1


def test_honeypot_filled_is_refused(client, create_consultation, submission_form, db):
    create_consultation()
    response = post_form(client, FORM_URL.format(lang="en"), {**submission_form, "website": "http://spam.example"})
    assert response.status_code == 400
    assert count(db) == 0


def test_missing_csrf_is_refused(client, create_consultation, submission_form, db):
    create_consultation()
    response = client.post(FORM_URL.format(lang="en"), data=submission_form)
    assert response.status_code == 400
    assert count(db) == 0


def test_submissions_are_rate_limited_per_address(app, client, create_consultation, submission_form, db):
    create_consultation()
    app.config["RATELIMIT_SUBMIT"] = "2 per hour"
    try:
        codes = [post_form(client, FORM_URL.format(lang="en"), submission_form).status_code for _ in range(3)]
    finally:
        app.config["RATELIMIT_SUBMIT"] = "20 per hour"
    assert codes == [302, 302, 429]
    assert count(db) == 2


def test_unknown_or_draft_call_is_404(client, create_consultation):
    create_consultation(slug="hidden", status="draft")
    assert client.get("/en/consultations/hidden/").status_code == 404
    assert client.get("/en/consultations/hidden/submit").status_code == 404
    assert client.get("/en/consultations/nope/").status_code == 404


def test_withdraw_by_link(client, create_consultation, submission_form, db):
    consultation = create_consultation()
    result = services.submit(consultation, _values(submission_form))
    link = f"/en/submissions/{result.token}/"
    response = client.post(link + "withdraw", data={"csrf_token": csrf_token(client.get(link).get_data(as_text=True))})
    assert response.status_code == 303
    db.session.expire_all()
    assert result.submission.status == "withdrawn"
    assert "withdrew" in client.get(link).get_data(as_text=True)


def test_draft_saved_then_sent(client, create_consultation, smtp, db):
    create_consultation()
    response = post_form(client, FORM_URL.format(lang="ar"), {
        "contact_email": "draft@example.org", "org_name": "مسودة", "save_draft": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    submission = db.session.scalar(select(Submission))
    assert submission.status == "draft" and submission.reference is None
    [message] = smtp.messages
    link = re.search(r"http://consult\.test(/ar/submissions/[\w-]+/)", message.get_content()).group(1)
    page = client.get(link)
    assert page.status_code == 200 and 'value="مسودة"' in page.get_data(as_text=True)
    form = {**_form_strings(), "org_name": "مسودة", "contact_email": "draft@example.org", "send": "1"}
    response = post_form(client, link, form)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    db.session.expire_all()
    assert submission.status == "received" and submission.reference == "RSAG-2026-0001"
    assert len(smtp.messages) == 2 and "RSAG-2026-0001" in smtp.messages[1]["Subject"]


def test_reference_numbers_are_sequential_per_call(create_consultation, submission_form, db):
    first = create_consultation(slug="one", reference_prefix="RSAG")
    second = create_consultation(slug="two", reference_prefix="RCON")
    refs = [services.submit(call, _values(submission_form)).submission.reference for call in (first, first, second, first)]
    assert refs == ["RSAG-2026-0001", "RSAG-2026-0002", "RCON-2026-0001", "RSAG-2026-0003"]


def test_duplicates_are_flagged(create_consultation, submission_form, db):
    consultation = create_consultation()
    one = services.submit(consultation, _values(submission_form)).submission
    two = services.submit(consultation, {**_values(submission_form), "org_name": "  RÉSEAU des migrants "}).submission
    three = services.submit(consultation, {**_values(submission_form), "org_name": "Other org", "recommendations": "Different."}).submission
    assert two.duplicate_of_id == one.id and one.duplicate_of_id is None and three.duplicate_of_id is None


def test_the_same_texts_are_flagged_however_spaced_or_cased(create_consultation, submission_form, secretariat, db):
    consultation = create_consultation()
    values = {**_values(submission_form), "good_practices": "Les Centres d'accueil à Tunis.",
              "challenges": "", "recommendations": "Ouvrir des voies régulières."}
    one = services.submit(consultation, values).submission
    # A translation of the first one changes its search text, not what it was sent with.
    services.save_translation(one, "good_practices", "en", "Reception centres in Tunis.", secretariat)
    resent = {**values, "org_name": "Another name", "good_practices": "  les centres  d'ACCUEIL a tunis. "}
    two = services.submit(consultation, resent).submission
    other = services.submit(consultation, {**values, "org_name": "Third", "good_practices": "Autre chose."}).submission
    assert two.duplicate_of_id == one.id and other.duplicate_of_id is None
    assert one.text_key == two.text_key != other.text_key


def test_the_duplicate_check_is_an_index_lookup(app, create_consultation, submission_form, db):
    """The check reads an index on (call, text key, id) and one on (name key, call, id): it stops at the
    first match, and never reads every earlier submission of the call (nor their texts)."""
    consultation = create_consultation()
    for n in range(3):
        services.submit(consultation, {**_values(submission_form), "org_name": f"Organisation {n}"})
    with recorded_statements() as statements:
        services.submit(consultation, {**_values(submission_form), "org_name": "Organisation 1"})
    sql, params = next((sql, params) for sql, params in statements
                       if "text_key =" in sql and sql.lstrip().upper().startswith("SELECT"))
    assert "search_text" not in sql
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a table of four rows is read whole otherwise
        plan = " ".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + sql, params))
    else:
        plan = " ".join(row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
    # Each key is a condition of its index (not a filter on every row of the call), and nothing is sorted.
    if db.engine.dialect.name == "postgresql":
        wanted = ("ix_submissions_org_name_key", "Index Cond: (((org_name_key)::text =",
                  "ix_submissions_text_key", "AND ((text_key)::text =")
        unwanted = ("Seq Scan", "Sort")
    else:
        wanted = ("USING INDEX ix_submissions_org_name_key (org_name_key=? AND consultation_id=?)",
                  "USING INDEX ix_submissions_text_key (consultation_id=? AND text_key=?)")
        unwanted = ("SCAN submissions", "TEMP B-TREE")
    assert all(part in plan for part in wanted) and not any(part in plan for part in unwanted), plan


def test_a_submission_is_one_look_up_then_its_rows(app, create_consultation, submission_form, db):
    """What a submission sends: the call, one statement of look-ups, then its rows. On PostgreSQL the look-ups
    also take the reference number and the row's id, so the rows are written together at the commit, with no
    flush (and no RETURNING) of the submission's own first; on SQLite the row's INSERT gives the id."""
    consultation = create_consultation()
    services.submit(consultation, {**_values(submission_form), "org_name": "Organisation 0"})
    with recorded_statements() as statements:
        result = services.submit(consultation, {**_values(submission_form), "org_name": "Organisation 0"})
    postgresql = db.engine.dialect.name == "postgresql"
    inserts = {sql.split()[2]: sql for sql, _params in statements if sql.lstrip().upper().startswith("INSERT")}
    assert sorted(inserts) == ["audit_entries", "outbox_messages", "submissions"]
    # PostgreSQL: the call (expired by the last commit), the look-ups, three rows. SQLite: also two BEGINs
    # (the look-ups' transaction, then the writes') and the call's counter.
    assert len(statements) == (5 if postgresql else 8), [sql[:60] for sql, _params in statements]
    looked_up = next(sql for sql, _params in statements if "text_key =" in sql)
    if postgresql:
        assert "nextval" in looked_up and "RETURNING" not in inserts["submissions"].upper()
        assert inserts["submissions"].startswith("INSERT INTO submissions (id,")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_id == result.submission.id,
                                                         AuditEntry.action == "submission.received")).one()
    assert entry.details == {"reference": result.submission.reference}


def test_search_finds_arabic_with_letter_variants(create_consultation, submission_form, secretariat, db):
    consultation = create_consultation()
    services.submit(consultation, {**_values(submission_form), "challenges": "قوانين الهجره في المنطقة"})
    services.submit(consultation, {**_values(submission_form), "org_name": "B", "challenges": "Rien à voir"})
    for query in ("الهجرة", "الهجره", "الْهِجْرَة", "الهـجرة"):
        found = db.session.scalars(services.queue_query(secretariat, services.QueueFilters(query=query))).all()
        assert [s.challenges for s in found] == ["قوانين الهجره في المنطقة"], query


def test_disk_full_gives_a_clear_error_and_no_orphans(app, client, create_consultation, submission_form, db, monkeypatch, tmp_path):
    create_consultation()
    # A real full device: /dev/full accepts opens and fails every write with ENOSPC.
    if not os.path.exists("/dev/full"):
        pytest.skip("/dev/full not available")
    from consult.core import storage

    real_open = open

    def full_open(path, mode="r", *args, **kwargs):
        if str(path).startswith(app.config["CONSULT_UPLOAD_DIR"]) and "x" in mode:
            return real_open("/dev/full", "wb")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(storage, "open", full_open, raising=False)
    form = {**submission_form, "attachments": (io.BytesIO(pdf_bytes()), "a.pdf")}
    response = post_form(client, FORM_URL.format(lang="en"), form, content_type="multipart/form-data")
    assert response.status_code == 503
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert count(db) == 0 and count(db, Attachment) == 0


@pytest.mark.postgres
def test_fifty_concurrent_submissions_get_distinct_sequential_references(app, create_consultation, submission_form, db, is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    consultation = create_consultation()
    slug = consultation.slug
    db.session.commit()
    errors = []
    barrier = threading.Barrier(10)

    def worker(batch):
        try:
            with app.app_context():
                call = services.get_consultation(slug)
                barrier.wait()
                for _ in range(batch):
                    services.submit(call, _values(submission_form))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(5,)) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    db.session.commit()
    numbers = sorted(db.session.scalars(select(Submission.number)).all())
    assert numbers == list(range(1, 51))
    assert len(set(db.session.scalars(select(Submission.reference)))) == 50


def test_confidential_canary_stays_with_the_secretariat(app, client, create_consultation, submission_form,
                                                         smtp, secretariat, member, create_user, db, caplog):
    """A unique string in a confidential submission appears nowhere anyone but the secretariat can get."""
    caplog.set_level(logging.DEBUG)
    canary = f"CANARY-{uuid.uuid4().hex}"
    consultation = create_consultation()
    form = {**submission_form, "org_name": f"Org {canary}", "confidentiality": "confidential",
            "recommendations": f"Secret {canary}", "contact_email": "confidential@example.org"}
    response = post_form(client, FORM_URL.format(lang="en"), form)
    assert response.status_code == 302
    submission = db.session.scalar(select(Submission))
    services.set_status(submission, "included", secretariat)
    db.session.commit()

    from consult.consultations.models import ReviewerAssignment
    db.session.add(ReviewerAssignment(consultation_id=consultation.id, user_id=member.id))
    db.session.commit()

    anonymous, member_client = app.test_client(), login(app.test_client(), member.email)
    urls = ["/", "/en/", "/ar/", "/en/consultations/", f"/en/consultations/{consultation.slug}/",
            f"/ar/consultations/{consultation.slug}/", "/api/consultations", "/en/review/",
            f"/en/review/{submission.id}", "/en/review/?q=" + canary[:12]]
    for who in (anonymous, member_client):
        for url in urls:
            response = who.get(url, follow_redirects=True)
            assert canary not in response.get_data(as_text=True), url
    # E-mails: only the submitter's own receipt may exist, and even it does not repeat the text.
    for message in db.session.scalars(select(OutboxMessage)):
        assert canary not in message.body_text
    for message in smtp.messages:
        assert canary not in str(message)
    assert canary not in caplog.text
    # The secretariat does see it.
    secretariat_client = login(app.test_client(), secretariat.email)
    assert canary in secretariat_client.get(f"/en/review/{submission.id}").get_data(as_text=True)


def _form_strings():
    form = dict(SUBMISSION_FORM)
    form.pop("send")
    return form


def _values(form):
    values = {key: value for key, value in form.items() if key not in ("consent", "send")}
    values["objectives"] = [int(n) for n in values["objectives"]]
    return values
