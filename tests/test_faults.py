"""Faults around the submission form: the SMTP server down, PostgreSQL connections killed, a full disk.

Each one through the real form, as a submitter meets it: nothing is lost or half-saved, the
page is a clear one (never a 500), and the app recovers on its own, without a restart.
(The mail service's own retry rules are in test_mail.py; the first file of a submission on a
full disk is in consultations/test_submissions.py.)
"""
import io
import os
import re
import threading
import time
import traceback

import pytest
from sqlalchemy import event, func, select, update

from consult.consultations.models import Attachment, Submission
from consult.core.extensions import db as _db
from consult.core.mail.models import OutboxMessage
from tests.helpers import csrf_token, login, post_form

FORM_URL = "/{lang}/consultations/gcm-review-2026/submit"
CALL_URL = "/{lang}/consultations/gcm-review-2026/"
# The 503 page's message ("Please try again in a minute."), as the catalogs have it.
UNAVAILABLE = {"en": "Please try again in a minute.", "ar": "يُرجى المحاولة مرة أخرى بعد دقيقة."}


def pdf_bytes(size=2000):
    return b"%PDF-1.4\n" + b"0" * size + b"\n%%EOF\n"


def counts(db):
    db.session.commit()
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (Submission, Attachment, OutboxMessage))


def upload_files(app):
    folder = app.config["CONSULT_UPLOAD_DIR"]
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


# ---------------------------------------------------------------- (a) SMTP down

def test_smtp_down_during_submissions_loses_no_receipt(app, client, create_consultation, submission_form, smtp, db):
    create_consultation()
    smtp.stop()
    sent = {}
    for number, lang in enumerate(("ar", "en", "fr"), start=1):
        email = f"org{number}@example.org"
        form = {**submission_form, "contact_email": email, "org_name": f"Organisation {number}", "language": lang,
                "attachments": (io.BytesIO(pdf_bytes()), "report.pdf")}
        response = post_form(client, FORM_URL.format(lang=lang), form, content_type="multipart/form-data")
        # The submitter is not told about the mail server: the submission is taken, the receipt page shown.
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        reference = f"RSAG-2026-{number:04d}"
        assert reference in page
        sent[email] = (reference, response.headers["Location"])

    db.session.commit()
    submissions = db.session.scalars(select(Submission).order_by(Submission.number)).all()
    assert [s.reference for s in submissions] == ["RSAG-2026-0001", "RSAG-2026-0002", "RSAG-2026-0003"]
    assert all(len(s.attachments) == 1 for s in submissions)
    # Every receipt waits in the outbox, tried once, with the reason kept.
    queued = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert sorted(m.to_address for m in queued) == sorted(sent)
    assert all(m.status == "queued" and m.attempts == 1 and m.last_error for m in queued)
    assert smtp.messages == []

    # The server is back; the cron job (`consult mail send`) delivers once the back-off is over.
    smtp.start()
    db.session.execute(update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["consult", "mail", "send"])
    assert "3 message(s) sent" in result.output, result.output
    assert sorted(m["To"] for m in smtp.messages) == sorted(sent)
    for message in smtp.messages:
        reference, location = sent[message["To"]]
        assert reference in message["Subject"]
        # The private link in the late receipt is the one the submitter was shown.
        assert location.split("?")[0] in message.get_content()
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"sent"}
    # Sending again sends nothing twice.
    assert "0 message(s) sent" in app.test_cli_runner().invoke(args=["consult", "mail", "send"]).output


# ---------------------------------------------------------------- (b) PostgreSQL connections killed

def _terminate(pids):
    """pg_terminate_backend on the given server processes, from a connection of our own."""
    import psycopg

    url = _db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE pid = ANY(%s)) AS killed", (list(pids),)).fetchone()[0]


@pytest.fixture
def app_backends(app, is_postgres):
    """The server pids of every connection the app's pool opens from now on."""
    if not is_postgres:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    _db.session.commit()
    _db.engine.dispose()
    pids = set()

    def remember(dbapi_connection, _record):
        pids.add(dbapi_connection.info.backend_pid)

    event.listen(_db.engine, "connect", remember)
    yield pids
    event.remove(_db.engine, "connect", remember)


def _clean(response, lang="en"):
    """A page the reader can use: it worked, or it is the app's translated 503 page."""
    body = response.get_data(as_text=True)
    if response.status_code == 503:
        assert f'<html lang="{lang}"' in body and UNAVAILABLE[lang] in body, body[:1000]
        return "503"
    assert response.status_code in (200, 302), (response.status_code, body[:1000])
    return "ok"


@pytest.mark.postgres
def test_connections_killed_mid_traffic_give_503_or_success_and_recover(app, create_consultation, submission_form,
                                                                         app_backends, db):
    create_consultation()
    db.session.commit()
    outcomes, errors = [], []
    stop = threading.Event()

    def reader():
        client = app.test_client()
        try:
            while not stop.is_set():
                outcomes.append(_clean(client.get(CALL_URL.format(lang="en"))))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append("".join(traceback.format_exception(error)))

    def submitter(number):
        client = app.test_client()
        try:
            for attempt in range(4):
                form = {**submission_form, "contact_email": f"s{number}-{attempt}@example.org",
                        "org_name": f"Org {number}-{attempt}"}
                page = client.get(FORM_URL.format(lang="en"))
                if _clean(page) == "503":
                    outcomes.append("503")
                    continue
                form["csrf_token"] = csrf_token(page.get_data(as_text=True))
                outcomes.append(_clean(client.post(FORM_URL.format(lang="en"), data=form)))
        except Exception as error:  # noqa: BLE001
            errors.append("".join(traceback.format_exception(error)))

    threads = [threading.Thread(target=reader) for _ in range(3)]
    threads += [threading.Thread(target=submitter, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    # Kill the app's connections three times while the traffic goes on.
    for _ in range(3):
        time.sleep(0.3)
        _terminate(set(app_backends))
    for thread in threads[3:]:
        thread.join()
    stop.set()
    for thread in threads[:3]:
        thread.join()
    assert not errors, errors[0]
    assert outcomes and set(outcomes) <= {"ok", "503"}
    print(f"outcomes during the kills: {outcomes.count('ok')} ok, {outcomes.count('503')} 503")

    # Recovered, without a new app: every accepted submission is whole, with its receipt.
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert _clean(post_form(client, FORM_URL.format(lang="en"), submission_form)) == "ok"
    db.session.commit()
    submissions = db.session.scalars(select(Submission)).all()
    numbers = [s.number for s in submissions]
    assert len(set(numbers)) == len(numbers)
    receipts = set(db.session.scalars(select(OutboxMessage.to_address)))
    assert {s.contact_email for s in submissions} <= receipts


@pytest.mark.postgres
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_connection_killed_inside_a_submission_gives_503_and_saves_nothing(app, client, create_consultation,
                                                                           submission_form, app_backends, db, lang):
    create_consultation()
    assert client.get(CALL_URL.format(lang=lang)).status_code == 200
    before_files = upload_files(app)
    armed = {"on": True}

    def kill_own_backend(conn, cursor, statement, *args):
        # The submission's INSERT: its files are written next, then the receipt queued.
        if armed["on"] and statement.lstrip().upper().startswith("INSERT INTO SUBMISSIONS"):
            armed["on"] = False
            _terminate({conn.connection.dbapi_connection.info.backend_pid})

    page = client.get(FORM_URL.format(lang=lang)).get_data(as_text=True)
    form = {**submission_form, "csrf_token": csrf_token(page),
            "form_key": re.search(r'name="form_key"[^>]*value="([^"]+)"', page).group(1),
            "attachments": (io.BytesIO(pdf_bytes()), "report.pdf")}
    event.listen(_db.engine, "before_cursor_execute", kill_own_backend)
    try:
        response = client.post(FORM_URL.format(lang=lang), data=dict(form), content_type="multipart/form-data")
    finally:
        event.remove(_db.engine, "before_cursor_execute", kill_own_backend)
    assert not armed["on"], "the submission's INSERT was never reached"
    assert _clean(response, lang) == "503"
    assert counts(db) == (0, 0, 0)
    assert upload_files(app) == before_files

    # Sent again (the same form, as the browser's back and resend would): taken once, no restart needed.
    form["attachments"] = (io.BytesIO(pdf_bytes()), "report.pdf")
    response = client.post(FORM_URL.format(lang=lang), data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert counts(db) == (1, 1, 1)
    # Its number is the first the call's sequence gave, or the next if the killed post had taken one
    # (references may have gaps on PostgreSQL, never repeats).
    stored = db.session.scalar(select(Submission))
    assert stored.number in (1, 2) and stored.reference == f"RSAG-2026-{stored.number:04d}"


@pytest.mark.postgres
def test_signed_in_reader_gets_503_page_when_the_database_is_unreachable(app, create_consultation, secretariat,
                                                                         app_backends, db, monkeypatch):
    """Even the user loader fails: the 503 page still renders (as for a reader who is not signed in)."""

    client = login(app.test_client(), secretariat.email)
    assert client.get("/en/review/").status_code == 200
    _terminate(set(app_backends))
    # No new connection can be made while the server is away.
    pool = _db.engine.pool

    def refuse(*args, **kwargs):
        import psycopg

        raise psycopg.OperationalError("connection refused (simulated outage)")

    monkeypatch.setattr(pool, "_creator", refuse)
    response = client.get("/en/review/")
    assert _clean(response) == "503"
    assert client.get("/healthz").status_code == 503
    monkeypatch.undo()
    assert client.get("/en/review/").status_code == 200


# ---------------------------------------------------------------- (c) disk full

@pytest.fixture
def full_disk(app, monkeypatch):
    """Writes to the upload folder fail with ENOSPC (/dev/full), after `allow` files went through."""
    if not os.path.exists("/dev/full"):
        pytest.skip("/dev/full not available")
    from consult.core import storage

    real_open = open
    state = {"allow": 0}

    def full_open(path, mode="r", *args, **kwargs):
        if str(path).startswith(app.config["CONSULT_UPLOAD_DIR"]) and "x" in mode:
            if state["allow"] > 0:
                state["allow"] -= 1
            else:
                real_open(path, mode, *args, **kwargs).close()  # the file exists, as on a real full disk
                return real_open("/dev/full", "wb")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(storage, "open", full_open, raising=False)
    return state


def test_disk_full_on_the_second_file_leaves_no_file_behind(app, client, create_consultation, submission_form, db, full_disk):
    create_consultation()
    before = upload_files(app)
    full_disk["allow"] = 1
    form = {**submission_form, "attachments": [(io.BytesIO(pdf_bytes()), "one.pdf"), (io.BytesIO(pdf_bytes()), "two.pdf")]}
    response = post_form(client, FORM_URL.format(lang="fr"), form, content_type="multipart/form-data")
    assert response.status_code == 503
    assert '<html lang="fr"' in response.get_data(as_text=True)
    assert counts(db) == (0, 0, 0)
    assert upload_files(app) == before


def test_disk_full_when_adding_a_file_by_the_private_link(app, client, create_consultation, submission_form, db, full_disk):
    create_consultation()
    full_disk["allow"] = 1
    form = {**submission_form, "attachments": (io.BytesIO(pdf_bytes()), "first.pdf")}
    response = post_form(client, FORM_URL.format(lang="en"), form, content_type="multipart/form-data")
    assert response.status_code == 302
    link = response.headers["Location"].split("?")[0]
    before = upload_files(app)
    edited = {**submission_form, "recommendations": "Changed.", "save": "1",
              "attachments": (io.BytesIO(pdf_bytes()), "second.pdf")}
    edited.pop("send")
    response = post_form(client, link, edited, content_type="multipart/form-data")
    assert response.status_code == 503, response.status_code
    assert "Nothing was saved" in response.get_data(as_text=True)
    db.session.expire_all()
    submission = db.session.scalar(select(Submission))
    assert submission.recommendations != "Changed." and [a.original_name for a in submission.attachments] == ["first.pdf"]
    assert upload_files(app) == before
    # Space again: the same edit goes through.
    edited["attachments"] = (io.BytesIO(pdf_bytes()), "second.pdf")
    full_disk["allow"] = 10
    assert post_form(client, link, edited, content_type="multipart/form-data").status_code == 302
    db.session.expire_all()
    assert sorted(a.original_name for a in db.session.scalar(select(Submission)).attachments) == ["first.pdf", "second.pdf"]
