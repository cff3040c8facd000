"""One way to send e-mail: store it in the outbox, then deliver it.

With CONSULT_MAIL_URL (smtp://user:pass@host:587?starttls=1, or smtps://...)
messages go out through SMTP and failures are retried with back-off; without it
they are kept in the outbox and logged. Messages queued during a request are
delivered after the request's response is ready; `consult mail send` retries
the rest (run it from cron).
"""
import base64
import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, g, has_request_context
from flask_babel import force_locale
from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from .models import OutboxMessage

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 15


def send(to, subject, text, parts=()):
    """Store a message in the outbox; it is delivered once the caller's transaction is committed."""
    message = OutboxMessage(
        to_address=to,
        subject=subject[:300],
        body_text=text,
        parts=[_encode_part(part) for part in parts],
        status="queued" if current_app.config["CONSULT_MAIL_URL"] else "kept",
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    if message.status == "kept":
        log.info("mail #%s kept in the outbox (no CONSULT_MAIL_URL): %s", message.id, message.subject)
    elif has_request_context():
        g.setdefault("outbox_ids", []).append(message.id)
    return message


def send_template(to, template, lang, parts=(), **context):
    """Render templates/<template>.txt in the recipient's language and send it.

    The template sets `subject` at its top level.
    """
    with force_locale(lang):
        module = current_app.jinja_env.get_template(template + ".txt").make_module(context)
        subject = str(getattr(module, "subject", "")).strip()
        text = str(module).strip() + "\n"
    return send(to, subject, text, parts)


def _encode_part(part):
    data = part["data"]
    if isinstance(data, str):
        data = data.encode("utf-8")
    return {**part, "data": base64.b64encode(data).decode("ascii")}


def build_email(message, sender):
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "consult")
    email.set_content(message.body_text, charset="utf-8")
    for part in message.parts or []:
        data = base64.b64decode(part["data"])
        maintype, _, subtype = part["content_type"].partition("/")
        params = part.get("params") or {}
        if part.get("inline"):
            # An alternative body, such as text/calendar for an invite (RFC 6047).
            email.add_alternative(data, maintype=maintype, subtype=subtype, params=params)
        else:
            email.add_attachment(data, maintype=maintype, subtype=subtype, filename=part["filename"], params=params)
    return email


def _connect(url):
    parts = urlsplit(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host, port = parts.hostname or "localhost", parts.port
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(host, port or 465, timeout=SMTP_TIMEOUT, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port or 25, timeout=SMTP_TIMEOUT)
        if options.get("starttls") in ("1", "true", "yes"):
            smtp.starttls(context=ssl.create_default_context())
    if parts.username:
        smtp.login(unquote(parts.username), unquote(parts.password or ""))
    return smtp


def _due_messages(ids=None):
    query = select(OutboxMessage).where(
        OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= utcnow()
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    # Two workers never send the same message (PostgreSQL; SQLite has one writer anyway).
    return db.session.scalars(query.order_by(OutboxMessage.id).with_for_update(skip_locked=True)).all()


def deliver(ids=None):
    """Send the due queued messages (or only `ids`); return how many went out."""
    url = current_app.config["CONSULT_MAIL_URL"]
    if not url:
        return 0
    messages = _due_messages(ids)
    if not messages:
        db.session.commit()
        return 0
    sent = 0
    try:
        smtp = _connect(url)
    except (OSError, smtplib.SMTPException) as error:
        for message in messages:
            _failed(message, error)
        db.session.commit()
        return 0
    with smtp:
        for message in messages:
            try:
                smtp.send_message(build_email(message, current_app.config["CONSULT_MAIL_FROM"]))
            except (OSError, smtplib.SMTPException) as error:
                _failed(message, error)
            else:
                message.status, message.sent_at, message.last_error = "sent", utcnow(), None
                sent += 1
                log.info("mail #%s sent", message.id)
    db.session.commit()
    return sent


def _failed(message, error):
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    if message.attempts >= current_app.config["MAIL_RETRY_LIMIT"]:
        message.status = "failed"
    else:
        message.next_attempt_at = utcnow() + timedelta(minutes=2 ** message.attempts)
    log.warning("mail #%s not sent (attempt %s): %s", message.id, message.attempts, message.last_error)


def init_app(app):
    @app.after_request
    def deliver_queued(response):
        ids = g.pop("outbox_ids", None)
        if ids and response.status_code < 500:
            try:
                deliver(ids)
            except Exception:  # the page is ready; the message stays queued for `consult mail send`
                db.session.rollback()
                log.exception("mail delivery after request failed")
        return response
