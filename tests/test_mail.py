"""The mail service against a real SMTP server on loopback (aiosmtpd)."""
import logging

from sqlalchemy import select

from consult.core.mail import services as mail
from consult.core.mail.models import OutboxMessage
from tests.helpers import free_port, post_form


def test_without_smtp_messages_are_kept_in_the_outbox_and_logged(app, db, caplog):
    caplog.set_level(logging.INFO, logger="consult.core.mail")
    message = mail.send("someone@example.org", "Réunion du groupe — اجتماع", "Bonjour\nمرحبا")
    db.session.commit()
    stored = db.session.get(OutboxMessage, message.id)
    assert stored.status == "kept"
    assert f"mail #{message.id} kept" in caplog.text
    assert mail.deliver() == 0


def test_message_is_delivered_through_smtp(app, db, smtp):
    message = mail.send("someone@example.org", "Réunion — اجتماع", "نص الرسالة\nSecond line")
    db.session.commit()
    assert mail.deliver() == 1
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    [received] = smtp.messages
    assert received["Subject"] == "Réunion — اجتماع"
    assert received["To"] == "someone@example.org"
    assert "نص الرسالة" in received.get_content()


def test_parts_inline_and_attached(app, db, smtp):
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    mail.send("a@example.org", "Invite", "See the invite.", parts=[
        {"content_type": "text/calendar", "data": ics, "inline": True, "filename": "invite.ics",
         "params": {"method": "REQUEST"}},
        {"content_type": "text/calendar", "data": ics, "filename": "invite.ics"},
    ])
    db.session.commit()
    mail.deliver()
    [received] = smtp.messages
    calendars = [part for part in received.walk() if part.get_content_type() == "text/calendar"]
    assert len(calendars) == 2
    assert calendars[0].get_param("method") == "REQUEST"
    assert "METHOD:REQUEST" in calendars[1].get_content()
    assert calendars[1].get_filename() == "invite.ics"


def test_smtp_down_loses_nothing_and_retries(app, db, smtp):
    smtp.stop()
    message = mail.send("someone@example.org", "Hello", "Body")
    db.session.commit()
    assert mail.deliver() == 0
    stored = db.session.get(OutboxMessage, message.id)
    assert stored.status == "queued" and stored.attempts == 1 and stored.last_error
    # Not due yet: back-off.
    smtp.start()
    assert mail.deliver() == 0
    stored.next_attempt_at = stored.created_at
    db.session.commit()
    assert mail.deliver() == 1
    assert [m["Subject"] for m in smtp.messages] == ["Hello"]
    assert db.session.get(OutboxMessage, message.id).status == "sent"


def test_gives_up_after_the_retry_limit(app, db):
    app.config["CONSULT_MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"
    try:
        message = mail.send("someone@example.org", "Hello", "Body")
        db.session.commit()
        for _ in range(app.config["MAIL_RETRY_LIMIT"]):
            db.session.get(OutboxMessage, message.id).next_attempt_at = message.created_at
            db.session.commit()
            mail.deliver()
    finally:
        app.config["CONSULT_MAIL_URL"] = None
    assert db.session.get(OutboxMessage, message.id).status == "given_up"


def test_mail_queued_in_a_request_goes_out_after_the_response(app, client, smtp, create_user, db):
    create_user(email="known@example.org")
    post_form(client, "/en/password/forgot", {"email": "known@example.org"})
    mail.wait_for_runner(timeout=30)  # by the outbox runner, once the answer has gone
    assert len(smtp.messages) == 1
    status = db.session.scalar(select(OutboxMessage.status))
    assert status == "sent"


def test_mail_send_command_retries(app, db, smtp):
    smtp.stop()
    mail.send("someone@example.org", "Later", "Body")
    db.session.commit()
    mail.deliver()
    smtp.start()
    db.session.execute(OutboxMessage.__table__.update().values(next_attempt_at=OutboxMessage.created_at))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["consult", "mail", "send"])
    assert "1 message(s) sent" in result.output
    assert [m["Subject"] for m in smtp.messages] == ["Later"]
