"""Submissions: storing one (or a draft), the submitter's private link and edits through it.

Views, CLI commands and tests call these functions with plain values.
Functions that change data commit their own transaction.

The other sections live in their own modules (calls.py: the calls; reviewing.py: the review;
retention.py: purging contact details); their names stay importable from here, as before.
"""
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from ..core import database, storage
from ..core.audit import services as audit
from ..core.database import utcnow
from ..core.extensions import db
from ..core.i18n import local_time
from ..core.mail import services as mail
from ..core.security import new_form_key
from ..core.text import normalise, normalise_name
from ..core.web import external_url
from ..organisations.services import ID_BY_NAME_KEY, find_or_create_organisation
from .calls import (  # noqa: F401  (services.X as before: callers and tests use these names from here)
    DEFAULT_PREFIX,
    ClosedError,
    NotFound,
    free_prefix,
    get_consultation,
    list_consultations,
    open_consultations,
    prefix_taken,
    save_consultation,
)
from .models import (
    LANGS,
    TEXT_FIELDS,
    Attachment,
    Consultation,
    Submission,
    SubmissionNote,
    SubmissionTranslation,
    number_sequence,
)
from .retention import purge_contacts  # noqa: F401  (services.X as before)
from .reviewing import (  # noqa: F401  (services.X as before)
    REVIEW_STATUSES,
    QueueFilters,
    add_note,
    assign_reviewers,
    audience_of,
    bulk_set_status,
    can_review,
    may_set_status,
    notes_of,
    queue_query,
    reviewable_consultation_ids,
    save_translation,
    set_review,
    set_status,
    text_for_reader,
)
from .reviewing import search_text as _search_text
from .reviewing import submitted_text

# Fields a submitter fills in (besides attachments), as plain values.
SUBMITTER_FIELDS = (
    "org_name", "constituency", "country", "countries_of_work", "contact_name", "contact_email",
    "contact_phone", "language", "objectives", "principles", "confidentiality", *TEXT_FIELDS,
)


# ---------------------------------------------------------------- submitting

def _hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# The statements that give a reference number, built once (see _next_number).
_NEXTVAL = select(func.nextval(bindparam("sequence")))
_CALLS = Consultation.__table__
_RAISE_COUNTER = (update(_CALLS).where(_CALLS.c.id == bindparam("call"))
                  .values(last_number=_CALLS.c.last_number + 1).returning(_CALLS.c.last_number))


def _next_number(consultation):
    """The call's next reference number: unique under concurrent posts.

    SQLite: the call's counter raised in one statement, in the transaction that stores the submission
    (SQLite has one writer at a time: no gap). PostgreSQL: the call's own sequence, which locks nothing,
    so concurrent posts do not queue behind each other's commits; a number taken by a transaction that
    is then rolled back (a failure, a resent form) is not given again: references may have gaps there.
    Both are the table's statements (Core), run on the session's connection: no ORM bookkeeping.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return connection.execute(_NEXTVAL, {"sequence": number_sequence(consultation.id)}).scalar_one()
    return connection.execute(_RAISE_COUNTER, {"call": consultation.id}).scalar_one()


def has_numbered_submissions(consultation):
    """Whether the call has given a reference number yet (its prefix is then in them)."""
    return db.session.scalar(select(Submission.id).where(
        Submission.consultation_id == consultation.id, Submission.number.is_not(None)).limit(1)) is not None


def reference_for(consultation, number):
    year = local_time(consultation.opens_at, consultation.timezone).year
    return f"{consultation.reference_prefix}-{year}-{number:04d}"


def text_key(texts):
    """The submitter's texts (good practices, challenges, recommendations) as a key: equal for the
    same words however they are spaced, accented or cased; None when there is no text. (Revision
    0011 keyed the existing submissions with it.)"""
    return _key_of(normalise(" ".join(part for part in texts if part)))


def _key_of(submitted):
    """text_key() of texts already normalised together (reviewing.submitted_text)."""
    return hashlib.sha256(submitted.encode("utf-8")).hexdigest() if submitted else None


def _apply(submission, values):
    for name in SUBMITTER_FIELDS:
        if name in values:
            value = values[name]
            setattr(submission, name, value.strip() if isinstance(value, str) else value)
    submission.contact_email = (submission.contact_email or "").lower() or None
    submission.org_name_key = normalise_name(submission.org_name)
    submitted = submitted_text(submission)
    submission.search_text = _search_text(submission, submitted)
    submission.text_key = _key_of(submitted)


def _link_organisation(submission, found_id=None):
    """The shared Organisation of this name (its id `found_id` beforehand, found now, or made from the submission's details)."""
    if found_id is not None:
        submission.organisation_id = found_id
        return
    organisation = find_or_create_organisation(
        submission.org_name, name_lang=submission.language if submission.language in LANGS else "en",
        constituency=submission.constituency or "other", country=submission.country or "",
        countries_of_work=list(submission.countries_of_work or []))
    submission.organisation_id = organisation.id if organisation is not None else None


@dataclass
class SubmitResult:
    submission: Submission
    token: str | None  # the private link's secret; None when a resent form found its earlier submission
    created: bool
    extra: dict = field(default_factory=dict)


def submit(consultation, values, files=(), form_key=None, page_lang="en", draft=False, now=None):
    """Store a submission (or a draft) with its checked files; send the receipt or the draft link.

    `files` are storage.CheckedFile. A second call with the same form_key returns the first
    submission instead of making another (double click, resent POST).
    On SQLite the lookups run in a reading transaction of their own (database.reading_before_writing).
    """
    form_key = form_key or new_form_key()
    token = secrets.token_urlsafe(32)
    stored = []
    try:
        # The files first (written and synced before any lock is taken), then every lookup and the
        # receipt's text, then the rows: the transaction's locks (SQLite's one writer) are held only for
        # the writes. A resent form (double click, POST sent again) is found by the unique form key when
        # its row is inserted (IntegrityError below), not by a lookup before: a new form, nearly every
        # post, costs no query for it. The duplicate check is a hint for reviewers, taking no lock.
        attachments = _store_files(files, stored)
        if not consultation.is_accepting(now):
            raise ClosedError(consultation.slug)
        submission = Submission(form_key=form_key, page_lang=page_lang, status="draft",
                                token_hash=_hash_token(token), attachments=attachments)
        _apply(submission, values)
        with database.reading_before_writing():
            found = _lookups(submission, consultation, draft)
        message = _link_message(submission, consultation, token, "receipt" if not draft else "draft")
        with db.session.no_autoflush:
            submission.id = found.submission_id
            submission.consultation = consultation
            db.session.add(submission)
            _link_organisation(submission, found.organisation_id)
            if not draft:
                _finalise(submission, now, found.duplicate_of, found.number)
        if submission.id is None:
            db.session.flush()  # the id comes with the row's INSERT (SQLite, drafts): the audit entry names it
        if not draft:
            _record_received(submission)
        if message is not None:
            mail.send(*message.with_reference(submission.reference))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        _discard(stored)
        existing = _by_form_key(consultation, form_key)
        if existing is None:
            raise
        return SubmitResult(existing, None, False)
    except BaseException:
        db.session.rollback()
        _discard(stored)
        raise
    return SubmitResult(submission, token, True)


def _finalise(submission, now=None, duplicate_of=None, number=None):
    """A draft or new submission becomes received: consent time, possible duplicate (`duplicate_of`,
    looked up beforehand), reference number (`number` when taken beforehand, see _lookups)."""
    submission.status = "received"
    submission.submitted_at = now or utcnow()
    submission.consent_at = submission.submitted_at
    submission.duplicate_of_id = duplicate_of
    # Last: on SQLite the write lock is taken here (if not before), and held to the commit.
    submission.number = number if number is not None else _next_number(submission.consultation)
    submission.reference = reference_for(submission.consultation, submission.number)


def _record_received(submission):
    audit.record(None, "submission.received", submission, reference=submission.reference)


def _store_files(files, stored):
    """Write each checked file to disk; its Attachment rows. `stored` collects the names for clean-up."""
    attachments = []
    for checked in files:
        columns = storage.store_checked(checked)
        stored.append(columns["stored_name"])
        attachments.append(Attachment(**columns))
    return attachments


def _discard(stored_names):
    for name in stored_names:
        storage.remove(name)


def _by_form_key(consultation, form_key):
    return db.session.scalar(select(Submission).where(
        Submission.consultation_id == consultation.id, Submission.form_key == form_key))


def _earliest_with(same):
    """The earliest submission to call :call (not :own, not a draft or withdrawn) with `same`: read from
    an index that ends with the id (models), so the look-up stops at the first match."""
    return (select(Submission.id)
            .where(Submission.consultation_id == bindparam("call"), same,
                   Submission.status.not_in(("draft", "withdrawn")), Submission.id.is_distinct_from(bindparam("own")))
            .order_by(Submission.id).limit(1).scalar_subquery())


# An earlier submission from the same organisation (name key :org_key), and one with the same texts
# (:text_key); a key that is NULL matches nothing. Two look-ups, each on its own index (an OR of both
# would read the whole call).
_DUPLICATES = (_earliest_with(Submission.org_name_key == bindparam("org_key")),
               _earliest_with(Submission.text_key == bindparam("text_key")))
# What a new submission looks up before it is stored, in one statement built once (see ID_BY_NAME_KEY);
# on PostgreSQL the same statement takes its reference number and its row's id (see _lookups).
_ORGANISATION = select(ID_BY_NAME_KEY)
_LOOKUPS = select(ID_BY_NAME_KEY, *_DUPLICATES)
_LOOKUPS_AND_NUMBERS = select(ID_BY_NAME_KEY, *_DUPLICATES, func.nextval(bindparam("sequence")),
                              func.nextval(func.pg_get_serial_sequence(Submission.__tablename__, "id")))


def _keys(submission, consultation):
    return {"call": consultation.id, "own": submission.id, "org_key": submission.org_name_key or None,
            "text_key": submission.text_key}


def _earliest(*ids):
    return min((found for found in ids if found is not None), default=None)


class _Found(NamedTuple):
    """What a new submission looked up before it is stored (_lookups); each None when there is none."""

    organisation_id: int | None  # the organisation of the submission's name
    duplicate_of: int | None  # an earlier submission it may duplicate
    number: int | None  # its reference number, when taken beforehand (PostgreSQL)
    submission_id: int | None  # its row's id, when taken beforehand (PostgreSQL)


def _lookups(submission, consultation, draft):
    """The _Found of `submission`, in one statement. A draft has no duplicate and no number yet: it looks up
    its organisation only.

    On PostgreSQL the reference number (the call's sequence, _next_number) and the row's id come in this same
    statement: the audit entry and the receipt can then be written with the submission, in one flush and no
    round trip of their own. A post that fails after it leaves a gap, as any post that fails there does (the
    README says references may have gaps on PostgreSQL). On SQLite the number is given in the write
    transaction, which holds the one write lock, and the id by the row's INSERT.
    Run on the session's connection: a plain select of columns needs none of the ORM's result handling."""
    connection = db.session.connection()
    if draft:
        return _Found(connection.execute(_ORGANISATION, {"name_key": submission.org_name_key or None}).scalar(),
                      None, None, None)
    keys = {"name_key": submission.org_name_key or None, **_keys(submission, consultation)}
    if connection.dialect.name != "postgresql":
        organisation_id, *duplicates = connection.execute(_LOOKUPS, keys).one()
        return _Found(organisation_id, _earliest(*duplicates), None, None)
    keys["sequence"] = number_sequence(consultation.id)
    organisation_id, org_duplicate, text_duplicate, number, submission_id = connection.execute(
        _LOOKUPS_AND_NUMBERS, keys).one()
    return _Found(organisation_id, _earliest(org_duplicate, text_duplicate), number, submission_id)


def _possible_duplicate(submission, consultation):
    """The id of an earlier submission to the same call from the same organisation, or with the same texts."""
    return _earliest(*db.session.execute(select(*_DUPLICATES), _keys(submission, consultation)).one())


@dataclass
class _LinkMessage:
    """The receipt (or draft link) rendered before the submission has its reference: a placeholder
    stands in the text for the reference, put in when the transaction has given it."""

    to: str
    subject: str
    text: str
    placeholder: str

    def with_reference(self, reference):
        return (self.to, self.subject.replace(self.placeholder, reference or ""),
                self.text.replace(self.placeholder, reference or ""))


def _link_message(submission, consultation, token, kind):
    """Render the mail with the private link for `submission` (not stored yet); None without an address.

    Rendered before the writes, so that SQLite's write lock is not held while a template is rendered."""
    if not submission.contact_email:
        return None
    placeholder = f"REFERENCE{secrets.token_hex(8)}"
    submission.reference = placeholder
    try:
        link = external_url("submissions.show", token=token, lang=submission.page_lang)
        to, subject, text_ = mail.render_template(submission.contact_email, f"mail/submission_{kind}", submission.page_lang,
                                                  submission=submission, consultation=consultation, link=link)
    finally:
        submission.reference = None
    return _LinkMessage(to, subject, text_, placeholder)


def by_token(token):
    """The submission that a private link opens, or NotFound."""
    if not token or len(token) > 100:
        raise NotFound("token")
    submission = db.session.scalar(select(Submission).where(Submission.token_hash == _hash_token(token)))
    if submission is None:
        raise NotFound("token")
    return submission


def link_is_live(submission, now=None):
    """Private links edit until the deadline (a reopened or extended call revives them)."""
    return submission.consultation.is_accepting(now) and submission.status not in ("withdrawn", "excluded")


def update_by_submitter(submission, values, files=(), remove_ids=(), send=False, now=None):
    """The submitter edits (or completes a draft) through the private link before the deadline."""
    if not link_is_live(submission, now):
        raise ClosedError(submission.consultation.slug)
    _apply(submission, values)
    keep = [a for a in submission.attachments if a.id not in set(remove_ids)]
    removed = [a.stored_name for a in submission.attachments if a.id in set(remove_ids)]
    stored = []
    try:
        _link_organisation(submission)
        submission.attachments = keep + _store_files(files, stored)
        if submission.status == "draft" and send:
            _finalise(submission, now, _possible_duplicate(submission, submission.consultation))
            _record_received(submission)
            _send_receipt(submission)
        else:
            audit.record(None, "submission.edited", submission)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        _discard(stored)
        raise
    _discard(removed)
    return submission


def _send_receipt(submission):
    """The receipt for a completed draft: the private link they already have keeps working."""
    if submission.contact_email:
        mail.send_template(submission.contact_email, "mail/submission_receipt", submission.page_lang,
                           submission=submission, consultation=submission.consultation, link=None)
