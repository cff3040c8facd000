"""One way to send e-mail: store it in the outbox, then deliver it.

With CONSULT_MAIL_URL (smtp://user:pass@host:587?starttls=1, or smtps://...)
messages go out through SMTP and failures are retried with back-off; without it
they are kept in the outbox and logged. Messages queued during a request are
delivered after the request's response is ready (or, with later=True, by the
outbox runner after it has gone); `consult mail send` retries the rest (run it
from cron). The states are described in models.py.
"""
import base64
import logging
import smtplib
import ssl
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, g, has_request_context
from flask_babel import force_locale
from sqlalchemy import event, inspect, select, update

from ..database import utcnow
from ..extensions import db
from ..text import single_line
from .models import OutboxMessage

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 15


def send(to, subject, text, parts=(), later=False):
    """Store a message in the outbox; it is delivered once the caller's transaction is committed.

    Queued during a request, it goes out when the response is ready; with `later=True` the request
    never waits for the SMTP server: the outbox runner (a thread of this process) sends it after the
    response, so a page's timing cannot tell whether a message was sent (password reset, "send me
    my links"). Outside a request, `consult mail send` delivers it.
    """
    message = OutboxMessage(
        to_address=to,
        subject=single_line(subject)[:300],
        body_text=text,
        parts=[_encode_part(part) for part in parts],
        status="queued" if current_app.config["CONSULT_MAIL_URL"] else "kept",
        next_attempt_at=utcnow(),
    )
    # Stored with the caller's transaction (no flush of its own: the commit writes it with the rest);
    # the delivery after the request reads its id then. A kept one is logged once stored (_log_kept).
    db.session.add(message)
    if message.status == "kept":
        return message
    if _job_messages.get() is not None:
        _job_messages.get().append(message)
    elif has_request_context():
        g.setdefault("outbox_later" if later else "outbox_now", []).append(message)
    return message


@event.listens_for(OutboxMessage, "after_insert")
def _log_kept(_mapper, _connection, message):
    if message.status == "kept":
        log.info("mail #%s kept in the outbox (no CONSULT_MAIL_URL): %s", message.id, message.subject)


def send_template(to, template, lang, parts=(), later=False, **context):
    """Render templates/<template>.txt in the recipient's language and send it.

    The template sets `subject` at its top level.
    """
    return send(*render_template(to, template, lang, **context), parts, later=later)


def render_template(to, template, lang, **context):
    """(to, subject, text) of templates/<template>.txt rendered in `lang`, for send()."""
    with force_locale(lang):
        module = current_app.jinja_env.get_template(template + ".txt").make_module(context)
        subject = str(getattr(module, "subject", "")).strip()
        text = str(module).strip() + "\n"
    return to, subject, text


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


def _due_ids(ids=None):
    query = select(OutboxMessage.id).where(
        OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= utcnow()
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    due = db.session.scalars(query.order_by(OutboxMessage.id)).all()
    db.session.commit()
    return due


def _claim(message_id):
    """Mark one due message "sending" and commit, or None when another runner took it first.

    The UPDATE's condition makes the claim atomic on both databases: of two runners, one changes
    the row, the other changes nothing.
    """
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "queued",
               OutboxMessage.next_attempt_at <= now)
        .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return db.session.get(OutboxMessage, message_id)


def _close(smtp):
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def deliver(ids=None):
    """Send the due queued messages (or only those of `ids`), each on its own; return how many went out.

    Each message is claimed ("sending", committed) before the SMTP server sees it and marked "sent"
    (committed) once the server accepted it, so an accepted message is never sent again. A message
    that cannot be built is marked failed with its reason; one the server refuses for good (5xx)
    too; a transient error (4xx, connection) puts it back in the queue with a growing delay, until
    MAIL_RETRY_LIMIT tries ("given_up"). Whatever happens to one message, the others go on.
    """
    url = current_app.config["CONSULT_MAIL_URL"]
    if not url:
        return 0
    db.session.commit()  # what the caller queued is stored before anything is sent
    sender = current_app.config["CONSULT_MAIL_FROM"]
    sent, smtp = 0, None
    try:
        for message_id in _due_ids(ids):
            message = _claim(message_id)
            if message is None:
                continue
            try:
                email = build_email(message, sender)
                email.as_bytes()  # a header the generator refuses fails here, not at the server
            except Exception as error:  # noqa: BLE001 -- whatever the reason, this message only
                _finish_failed(message, "failed", f"cannot be built: {type(error).__name__}: {error}")
                continue
            try:
                if smtp is None:
                    smtp = _connect(url)
                smtp.send_message(email)
            except (OSError, smtplib.SMTPException) as error:
                unreachable = smtp is None
                _close(smtp)
                smtp = None
                _failed(message, error)
                if unreachable:
                    break  # the server cannot be reached: the rest wait for the next run, untouched
                continue
            message.status, message.sent_at, message.last_error = "sent", utcnow(), None
            db.session.commit()
            sent += 1
            log.info("mail #%s sent", message.id)
    finally:
        _close(smtp)
    return sent


def _permanent(error):
    """Whether the server refused the message for good (a 5xx answer), so trying again is pointless."""
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _error_text(error):
    return f"{type(error).__name__}: {error}"


def _failed(message, error):
    if _permanent(error):
        _finish_failed(message, "failed", _error_text(error))
    elif message.attempts >= current_app.config["MAIL_RETRY_LIMIT"]:
        _finish_failed(message, "given_up", _error_text(error))
    else:
        message.status = "queued"
        message.last_error = _error_text(error)[:500]
        message.next_attempt_at = utcnow() + retry_delay(message.attempts)
        db.session.commit()
        log.warning("mail #%s not sent (try %s), tried again after %s: %s", message.id, message.attempts,
                    retry_delay(message.attempts), message.last_error)


def retry_delay(attempts):
    """The wait after the n-th failed try: 2, 4, 8 ... minutes (8 tries span about eight and a half hours)."""
    return timedelta(minutes=2 ** attempts)


def _finish_failed(message, status, reason):
    message.status, message.last_error = status, reason[:500]
    db.session.commit()
    log.warning("mail #%s %s after %s try(ies): %s", message.id, status, message.attempts, message.last_error)


# A message still "sending" this long after its try began: its process died between handing it to the
# server and marking it sent, or the server never answered. Shown to the secretariat, never retried alone.
STUCK_AFTER = timedelta(minutes=15)


def _attention():
    stuck = (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < utcnow() - STUCK_AFTER)
    return OutboxMessage.status.in_(("failed", "given_up")) | stuck


def needing_attention(limit=200):
    """Failed and given-up messages, and those stuck in "sending", newest first."""
    query = select(OutboxMessage).where(_attention()).order_by(OutboxMessage.id.desc()).limit(limit)
    return db.session.scalars(query).all()


def retry(message_id):
    """Queue a failed, given-up or stuck message again, due now, its tries counted afresh.

    Returns the message, or None when it does not need it (sent meanwhile, unknown). Queued during
    a request, it goes out when the response is ready.
    """
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id, _attention()))
    if message is None:
        return None
    message.status, message.attempts, message.next_attempt_at = "queued", 0, utcnow()
    if has_request_context():
        g.setdefault("outbox_now", []).append(message)
    return message


# The outbox runner of the web process: one thread that delivers what requests queued with
# later=True, after their response has gone. `consult mail send` (cron) delivers the rest.
_runner = None


def _runner_pool():
    global _runner
    if _runner is None:
        _runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox")
    return _runner


# The messages a job of the runner queues, delivered when it ends.
_job_messages = ContextVar("outbox_job_messages", default=None)


def _ids_of(messages):
    """The ids of the stored ones among `messages` (read from the session's identity map: no query;
    a message whose transaction was rolled back has none and is left out)."""
    keys = (inspect(message).identity for message in messages)
    return [key[0] for key in keys if key is not None]


def after_response(function, *args, **kwargs):
    """Run `function(*args, **kwargs)` in the outbox runner once the response is ready, then deliver
    what it queued; outside a request, run it now.

    For pages whose answer must not tell whether something exists (password reset, "send me my
    links"): the request does the same work either way, the look-up and the mail happen after it.
    The job lives in memory: if the process stops first, it is lost and the person asks again.
    """
    if has_request_context():
        g.setdefault("outbox_jobs", []).append((function, args, kwargs))
    else:
        function(*args, **kwargs)


def _in_runner(app, ids=(), jobs=()):
    with app.app_context():
        ids = list(ids)
        for function, args, kwargs in jobs:
            queued = []
            token = _job_messages.set(queued)
            try:
                function(*args, **kwargs)
                db.session.commit()
            except Exception:  # noqa: BLE001 -- one job's failure is logged, the others run
                db.session.rollback()
                log.exception("outbox runner: %s failed", getattr(function, "__name__", function))
            finally:
                _job_messages.reset(token)
            ids += _ids_of(queued)
        if ids:
            try:
                deliver(ids)
            except Exception:  # noqa: BLE001 -- the messages stay queued for `consult mail send`
                db.session.rollback()
                log.exception("mail delivery by the outbox runner failed")


def wait_for_runner(timeout=None):
    """Block until what the outbox runner was given so far is delivered (tests)."""
    if _runner is not None:
        _runner.submit(lambda: None).result(timeout=timeout)


def init_app(app):
    @app.after_request
    def deliver_queued(response):
        now = g.pop("outbox_now", None)
        later = g.pop("outbox_later", None)
        jobs = g.pop("outbox_jobs", None)
        if (now or later or jobs) and response.status_code < 500:
            try:
                db.session.commit()  # what the request queued is stored (and has its id) before it goes
                if now and _ids_of(now):
                    deliver(_ids_of(now))
                if later or jobs:
                    _runner_pool().submit(_in_runner, current_app._get_current_object(), _ids_of(later or ()),
                                          jobs or ())
            except Exception:  # the page is ready; the message stays queued for `consult mail send`
                db.session.rollback()
                log.exception("mail delivery after request failed")
        return response
