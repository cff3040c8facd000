"""The outbox against a real SMTP server on loopback: each message claimed, sent and marked on its own."""
import statistics
import time
from datetime import timedelta

from sqlalchemy import select

from consult.core.database import utcnow
from consult.core.mail import services as mail
from consult.core.mail.models import OutboxMessage
from tests.helpers import csrf_token, free_port, login, post_form


def _queue_ok_bad_ok(db):
    first = mail.send("one@example.org", "First", "Body 1")
    # A row whose subject cannot be a header (as a meeting title with a line break once gave).
    bad = OutboxMessage(to_address="two@example.org", subject="Broken\nsubject", body_text="Body 2", parts=[],
                        status="queued", next_attempt_at=utcnow())
    db.session.add(bad)
    db.session.flush()
    third = mail.send("three@example.org", "Third", "Body 3")
    db.session.commit()
    return first.id, bad.id, third.id


def _status(db, message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_a_message_that_cannot_be_built_fails_alone_and_nothing_goes_twice(app, db, smtp):
    first, bad, third = _queue_ok_bad_ok(db)
    assert mail.deliver() == 2
    assert mail.deliver() == 0
    assert sorted(m["Subject"] for m in smtp.messages) == ["First", "Third"]
    assert _status(db, first).status == "sent" and _status(db, third).status == "sent"
    broken = _status(db, bad)
    assert broken.status == "failed" and broken.last_error.startswith("cannot be built: ValueError")


def test_the_server_refusing_one_message_fails_only_that_one(app, db, smtp):
    smtp.refuse["Refuse me"] = "554 5.7.1 Message refused"
    messages = [mail.send(f"p{n}@example.org", subject, "Body") for n, subject in enumerate(["Before", "Refuse me", "After"])]
    db.session.commit()
    ids = [message.id for message in messages]
    assert mail.deliver() == 2
    assert mail.deliver() == 0
    assert [m["Subject"] for m in smtp.messages] == ["Before", "After"]
    refused = _status(db, ids[1])
    assert refused.status == "failed" and "554" in refused.last_error and refused.attempts == 1


def test_transient_refusals_retry_with_growing_delays_then_give_up(app, db, smtp):
    smtp.refuse["Later"] = "451 4.3.0 Try again later"
    message = mail.send("p@example.org", "Later", "Body")
    db.session.commit()
    message_id = message.id
    delays = []
    for attempt in range(1, app.config["MAIL_RETRY_LIMIT"] + 1):
        started = utcnow()
        assert mail.deliver() == 0
        message = _status(db, message_id)
        assert message.attempts == attempt
        if message.status == "queued":
            delays.append(message.next_attempt_at - started)
            assert mail.deliver() == 0  # not due yet
            message.next_attempt_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
    assert message.status == "given_up" and "451" in message.last_error
    assert len(smtp.refused) == app.config["MAIL_RETRY_LIMIT"]
    assert len(delays) == app.config["MAIL_RETRY_LIMIT"] - 1
    assert all(later > earlier for earlier, later in zip(delays, delays[1:]))


def test_an_unreachable_server_leaves_the_rest_untouched(app, db):
    app.config["CONSULT_MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"
    try:
        messages = [mail.send("p@example.org", f"M{n}", "Body") for n in range(3)]
        db.session.commit()
        ids = [message.id for message in messages]
        assert mail.deliver() == 0
    finally:
        app.config["CONSULT_MAIL_URL"] = None
    assert [_status(db, i).attempts for i in ids] == [1, 0, 0]
    assert {_status(db, i).status for i in ids} == {"queued"}


def test_a_message_left_sending_is_never_sent_again_by_itself(app, db, smtp, secretariat):
    message = mail.send("p@example.org", "Interrupted", "Body")
    db.session.commit()
    # A process that died after handing it to the server, before marking it sent.
    message.status, message.claimed_at, message.attempts = "sending", utcnow(), 1
    db.session.commit()
    assert mail.deliver() == 0
    assert mail.needing_attention() == []  # not yet: it may still be going out
    message.claimed_at = utcnow() - mail.STUCK_AFTER - timedelta(minutes=1)
    db.session.commit()
    assert mail.deliver() == 0 and smtp.messages == []
    assert [m.id for m in mail.needing_attention()] == [message.id]


def test_the_secretariat_sees_failed_messages_and_sends_them_again(app, db, smtp, secretariat, member):
    smtp.refuse["Refuse me"] = "554 5.7.1 Message refused"
    refused = mail.send("p@example.org", "Refuse me — اجتماع", "Body")
    mail.send("q@example.org", "Fine", "Body")
    db.session.commit()
    mail.deliver()
    client = login(app.test_client(), secretariat.email)
    page = client.get("/ar/outbox/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Refuse me — اجتماع" in html and "554" in html and "Fine" not in html
    assert '<bdi dir="auto">Refuse me' in html
    # Without the CSRF token: refused.
    assert client.post(f"/en/outbox/{refused.id}/retry").status_code == 400
    assert _status(db, refused.id).status == "failed"
    # Members may not.
    member_client = login(app.test_client(), member.email)
    assert member_client.get("/en/outbox/").status_code == 403
    smtp.refuse.clear()
    response = client.post(f"/en/outbox/{refused.id}/retry", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302
    assert _status(db, refused.id).status == "sent"
    assert [m["Subject"] for m in smtp.messages] == ["Fine", "Refuse me — اجتماع"]
    # Sent now: nothing left to retry.
    assert client.post(f"/en/outbox/{refused.id}/retry", data={"csrf_token": csrf_token(html)}).status_code == 404
    assert "Refuse me" not in client.get("/en/outbox/").get_data(as_text=True)


def test_password_reset_takes_as_long_for_known_and_unknown_accounts(app, db, smtp, create_user):
    """With SMTP configured the mail goes out after the answer, so the answer says nothing."""
    for n in range(40):
        create_user(email=f"known{n}@example.org")
    client = app.test_client()
    token = csrf_token(client.get("/en/password/forgot").get_data(as_text=True))

    def timed(email):
        started = time.perf_counter()
        response = client.post("/en/password/forgot", data={"csrf_token": token, "email": email})
        elapsed = time.perf_counter() - started
        assert response.status_code == 302
        mail.wait_for_runner(timeout=30)  # the delivery of one answer does not slow the next
        return elapsed

    # Warm up both paths, then take turns so that any drift hits both alike.
    timed("known0@example.org"), timed("nobody@example.org")
    known, unknown = [], []
    for n in range(40):
        known.append(timed(f"known{n}@example.org"))
        unknown.append(timed(f"unknown{n}@example.org"))
    mail.wait_for_runner(timeout=30)
    assert len(smtp.messages) == 41  # every known account got its link, after its answer
    difference = statistics.median(known) - statistics.median(unknown)
    # Noise: how much the medians of two halves of the same kind of request differ.
    noise = max(abs(statistics.median(unknown[::2]) - statistics.median(unknown[1::2])),
                abs(statistics.median(known[::2]) - statistics.median(known[1::2])))
    assert abs(difference) < max(3 * noise, 0.004), (difference, noise, statistics.median(unknown))


def test_mail_queued_for_later_is_kept_without_smtp(app, db, create_user):
    create_user(email="known@example.org")
    post_form(app.test_client(), "/en/password/forgot", {"email": "known@example.org"})
    mail.wait_for_runner(timeout=30)
    assert db.session.scalar(select(OutboxMessage.status)) == "kept"


def test_a_meeting_title_stored_with_a_line_break_still_invites_everyone(app, db, smtp, create_meeting):
    """The case the issue found: such a title put in subjects broke the whole batch."""
    from consult.meetings import services as meetings

    earlier = mail.send("earlier@example.org", "Earlier", "Body")
    db.session.commit()
    meeting = create_meeting(title={"en": "Planning\nmeeting", "ar": "اجتماع\nالتخطيط", "fr": "Réunion\r\nBcc: x"})
    meetings.invite_and_notify(meeting, [], ["one@example.org", "two@example.org"])
    db.session.commit()
    assert mail.deliver() == 3
    assert mail.deliver() == 0
    subjects = sorted(str(m["Subject"]) for m in smtp.messages)
    assert len(subjects) == 3 and subjects[0] == "Earlier"
    assert all("\n" not in subject and "\r" not in subject for subject in subjects)
    assert _status(db, earlier.id).status == "sent"
