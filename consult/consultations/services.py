"""Calls for input and submissions: the logic, with no request in it.

Views, CLI commands and tests call these functions with plain values.
Functions that change data commit their own transaction.
"""
import hashlib
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..core import database, reference
from ..core.audit import services as audit
from ..core.database import months_before, utcnow
from ..core.extensions import db
from ..core.i18n import local_time
from ..core.security import new_form_key
from ..core.mail import services as mail
from ..core.text import normalise, normalise_name, search_terms
from ..core.web import external_url
from ..organisations.services import find_or_create_organisation, organisation_by_name
from ..core import storage
from . import visibility
from .models import (
    LANGS,
    TEXT_FIELDS,
    Attachment,
    Consultation,
    ReviewerAssignment,
    Submission,
    SubmissionNote,
    SubmissionTranslation,
    number_sequence,
)

# Fields a submitter fills in (besides attachments), as plain values.
SUBMITTER_FIELDS = (
    "org_name", "constituency", "country", "countries_of_work", "contact_name", "contact_email",
    "contact_phone", "language", "objectives", "principles", "confidentiality", *TEXT_FIELDS,
)
REVIEW_STATUSES = ("received", "screened", "included", "excluded", "withdrawn")


class ClosedError(Exception):
    """The call does not accept submissions (not open yet, or past its deadline)."""


class NotFound(Exception):
    """No such call, or a token that opens nothing."""


# ---------------------------------------------------------------- calls

def get_consultation(slug, include_drafts=False):
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None or (consultation.status == "draft" and not include_drafts):
        raise NotFound(slug)
    return consultation


def list_consultations(include_drafts=False):
    query = select(Consultation).order_by(Consultation.closes_at.desc())
    if not include_drafts:
        query = query.where(Consultation.status != "draft")
    return db.session.scalars(query).all()


def open_consultations(now=None):
    """The calls taking submissions now, the nearest deadline first."""
    now = now or utcnow()
    query = (select(Consultation).where(Consultation.status == "open", Consultation.opens_at <= now,
                                        Consultation.closes_at > now).order_by(Consultation.closes_at))
    return [consultation for consultation in db.session.scalars(query) if consultation.is_accepting(now)]


DEFAULT_PREFIX = "RSAG"


def prefix_taken(prefix, consultation=None):
    query = select(Consultation.id).where(Consultation.reference_prefix == prefix)
    if consultation is not None and consultation.id is not None:
        query = query.where(Consultation.id != consultation.id)
    return db.session.scalar(query) is not None


def free_prefix():
    """RSAG, else RSAG2, RSAG3 ...: the first reference prefix no call uses yet."""
    candidates = [DEFAULT_PREFIX] + [f"{DEFAULT_PREFIX}{n}" for n in range(2, 1000)]
    return next(prefix for prefix in candidates if not prefix_taken(prefix))


def save_consultation(consultation=None, actor=None, **values):
    """Create or change a call. `values` are the model's own fields."""
    creating = consultation is None
    consultation = consultation or Consultation()
    if creating and not values.get("reference_prefix"):
        values["reference_prefix"] = free_prefix()
    changed = {key: str(value) for key, value in values.items() if getattr(consultation, key, None) != value}
    was_open = consultation.status == "open"
    for key, value in values.items():
        setattr(consultation, key, value)
    # Closed before its deadline: remember when, so pages state the real closing moment.
    if consultation.status == "open":
        consultation.closed_at = None
    elif was_open and consultation.status in ("closed", "reported") and consultation.closes_at > utcnow():
        consultation.closed_at = utcnow()
    db.session.add(consultation)
    db.session.flush()
    if actor is not None or not creating:
        audit.record(actor, "consultation.created" if creating else "consultation.changed", consultation,
                     fields=sorted(changed))
    db.session.commit()
    return consultation


# ---------------------------------------------------------------- submitting

def _hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _next_number(consultation):
    """The call's next reference number: unique under concurrent posts.

    SQLite: the call's counter raised in one statement, in the transaction that stores the submission
    (SQLite has one writer at a time: no gap). PostgreSQL: the call's own sequence, which locks nothing,
    so concurrent posts do not queue behind each other's commits; a number taken by a transaction that
    is then rolled back (a failure, a resent form) is not given again: references may have gaps there.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.scalar(select(func.nextval(number_sequence(consultation.id))))
    return db.session.execute(
        update(Consultation)
        .where(Consultation.id == consultation.id)
        .values(last_number=Consultation.last_number + 1)
        .returning(Consultation.last_number)
    ).scalar_one()


def has_numbered_submissions(consultation):
    """Whether the call has given a reference number yet (its prefix is then in them)."""
    return db.session.scalar(select(Submission.id).where(
        Submission.consultation_id == consultation.id, Submission.number.is_not(None)).limit(1)) is not None


def reference_for(consultation, number):
    year = local_time(consultation.opens_at, consultation.timezone).year
    return f"{consultation.reference_prefix}-{year}-{number:04d}"


def _search_text(submission):
    parts = [getattr(submission, name) for name in TEXT_FIELDS]
    parts += [item.text for item in submission.translations]
    parts += list(submission.tags or [])
    return normalise(" ".join(part for part in parts if part))


def text_key(texts):
    """The submitter's texts (good practices, challenges, recommendations) as a key: equal for the
    same words however they are spaced, accented or cased; None when there is no text."""
    text = normalise(" ".join(part for part in texts if part))
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else None


def _apply(submission, values):
    for name in SUBMITTER_FIELDS:
        if name in values:
            value = values[name]
            setattr(submission, name, value.strip() if isinstance(value, str) else value)
    submission.contact_email = (submission.contact_email or "").lower() or None
    submission.org_name_key = normalise_name(submission.org_name)
    submission.search_text = _search_text(submission)
    submission.text_key = text_key(getattr(submission, name) for name in TEXT_FIELDS)


def _link_organisation(submission, found=None):
    """The shared Organisation of this name (`found` beforehand, found now, or made from the submission's details)."""
    if found is not None:
        submission.organisation_id = found.id
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
            organisation = organisation_by_name(submission.org_name)
            duplicate_of = None if draft else _possible_duplicate(submission, consultation)
        message = _link_message(submission, consultation, token, "receipt" if not draft else "draft")
        with db.session.no_autoflush:
            submission.consultation = consultation
            db.session.add(submission)
            _link_organisation(submission, organisation)
            if not draft:
                _finalise(submission, now, duplicate_of)
        db.session.flush()
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


def _finalise(submission, now=None, duplicate_of=None):
    """A draft or new submission becomes received: consent time, possible duplicate (`duplicate_of`,
    looked up beforehand), reference number."""
    submission.status = "received"
    submission.submitted_at = now or utcnow()
    submission.consent_at = submission.submitted_at
    submission.duplicate_of_id = duplicate_of
    # Last: on SQLite the write lock is taken here (if not before), and held to the commit.
    submission.number = _next_number(submission.consultation)
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


def _possible_duplicate(submission, consultation):
    """An earlier submission to the same call from the same organisation, or with the same texts."""
    same = []
    if submission.org_name_key:
        same.append(Submission.org_name_key == submission.org_name_key)
    if submission.text_key:
        same.append(Submission.text_key == submission.text_key)
    if not same:
        return None
    query = select(Submission.id).where(
        Submission.consultation_id == consultation.id,
        Submission.status.not_in(("draft", "withdrawn")),
        or_(*same),
    )
    if submission.id is not None:  # a draft being sent is not its own duplicate
        query = query.where(Submission.id != submission.id)
    return db.session.scalar(query.order_by(Submission.id).limit(1))


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


# ---------------------------------------------------------------- review

@dataclass
class QueueFilters:
    consultation_id: int | None = None
    status: str | None = None
    country: str | None = None
    constituency: str | None = None
    objective: int | None = None
    language: str | None = None
    confidentiality: str | None = None
    tag: str | None = None
    query: str = ""


def can_review(user, consultation):
    return audience_of(user, consultation) in (visibility.SECRETARIAT, visibility.REVIEWER)


def audience_of(user, consultation):
    """The policy's audience for this reader of this call's submissions."""
    if user is None or not user.is_authenticated:
        return visibility.PUBLIC
    if user.role == "secretariat":
        return visibility.SECRETARIAT
    if db.session.get(ReviewerAssignment, (consultation.id, user.id)) is not None:
        return visibility.REVIEWER
    return visibility.MEMBER


def reviewable_consultation_ids(user):
    """None means every call (the secretariat)."""
    if user.role == "secretariat":
        return None
    return list(db.session.scalars(select(ReviewerAssignment.consultation_id).where(ReviewerAssignment.user_id == user.id)))


def queue_query(user, filters):
    """The review queue as a query: what this reviewer may see, filtered and searched."""
    query = select(Submission).where(Submission.status != "draft")
    allowed = reviewable_consultation_ids(user)
    if allowed is not None:
        # Members see what the policy lets an assigned reviewer read (never confidential submissions).
        query = query.where(Submission.consultation_id.in_(allowed),
                            Submission.confidentiality.in_(visibility.readable_levels(visibility.REVIEWER)),
                            Submission.status.in_(visibility.STATUSES[visibility.REVIEWER]))
    if filters.consultation_id:
        query = query.where(Submission.consultation_id == filters.consultation_id)
    for name in ("status", "country", "constituency", "language", "confidentiality"):
        value = getattr(filters, name)
        if value:
            query = query.where(getattr(Submission, name) == value)
    if filters.objective:
        # JSON lists are stored as text on both databases: match the number as a whole element.
        pattern = func.replace(func.replace(func.cast(func.coalesce(Submission.objectives_reviewed, Submission.objectives), db.String), " ", ""), "[", ",")
        query = query.where(func.replace(pattern, "]", ",").like(f"%,{int(filters.objective)},%"))
    if filters.tag:
        query = query.where(func.cast(Submission.tags, db.String).like(f'%"{_escape_like(filters.tag)}"%', escape="\\"))
    # Terms are normalised (lower case, no accents, Arabic letters folded) like the columns they are
    # matched against, so LIKE, with % and _ taken literally. On PostgreSQL each column has a trigram
    # index (revision 0009) that serves LIKE '%term%' for terms of 3 letters or more. The database
    # stops at the first column of an OR that matches, so the order matters (measured): the short
    # name key first, then the text, where most terms are found, and last the reference, which
    # rarely matches and whose ILIKE lower-cases both sides on every row it reads.
    for term in search_terms(filters.query):
        like = f"%{_escape_like(term)}%"
        if allowed is None:
            query = query.where(or_(Submission.org_name_key.like(like, escape="\\"),
                                    Submission.search_text.like(like, escape="\\"),
                                    Submission.reference.ilike(like, escape="\\")))
        else:
            # A member's search must not find anonymous organisations by name.
            named = Submission.confidentiality.in_(visibility.readable_levels(visibility.REVIEWER, "organisation"))
            query = query.where(or_(named & Submission.org_name_key.like(like, escape="\\"),
                                    Submission.search_text.like(like, escape="\\"),
                                    Submission.reference.ilike(like, escape="\\")))
    return query.order_by(Submission.id.desc())


def _escape_like(term):
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def may_set_status(submission, status):
    """Reviewers never loosen consent: a withdrawn submission stays withdrawn (only the submitter's link,
    before the deadline, takes it back)."""
    return submission.status != "withdrawn" or status == "withdrawn"


def set_status(submission, status, actor, reason=None):
    if status not in REVIEW_STATUSES or not may_set_status(submission, status):
        raise ValueError(status)
    if status == "excluded" and not (reason or "").strip():
        raise ValueError("reason")
    previous = submission.status
    submission.status = status
    submission.exclusion_reason = reason.strip() if status == "excluded" else None
    audit.record(actor, "submission.status", submission, before=previous, after=status, reason=submission.exclusion_reason)


def bulk_set_status(submissions, status, actor, reason=None):
    for submission in submissions:
        set_status(submission, status, actor, reason)
    db.session.commit()


def set_review(submission, actor, tags=None, objectives=None):
    if tags is not None:
        clean = sorted({tag.strip()[:40] for tag in tags if tag.strip()})[:20]
        if clean != (submission.tags or []):
            audit.record(actor, "submission.tags", submission, before=submission.tags, after=clean)
            submission.tags = clean
    if objectives is not None:
        clean = sorted({int(n) for n in objectives if 1 <= int(n) <= 23})
        if clean != submission.effective_objectives:
            audit.record(actor, "submission.objectives", submission, before=submission.effective_objectives, after=clean)
            submission.objectives_reviewed = clean
    submission.search_text = _search_text(submission)
    db.session.commit()


def add_note(submission, actor, text):
    note = SubmissionNote(submission=submission, author_id=actor.id, text=text.strip())
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "submission.note", submission, note_id=note.id)
    db.session.commit()
    return note


def notes_of(submission):
    return db.session.scalars(select(SubmissionNote).where(SubmissionNote.submission_id == submission.id).order_by(SubmissionNote.id)).all()


def save_translation(submission, field_name, lang, text, actor, confirm=True, machine=False):
    if field_name not in TEXT_FIELDS or lang not in LANGS:
        raise ValueError(field_name)
    item = submission.translation(field_name, lang)
    if item is None:
        item = SubmissionTranslation(submission=submission, field=field_name, lang=lang)
        db.session.add(item)
    item.text = text.strip()
    item.status = "confirmed" if confirm else "draft"
    item.machine = machine and not confirm
    item.updated_by_id = actor.id if actor is not None else None
    submission.search_text = _search_text(submission)
    audit.record(actor, "submission.translation", submission, field=field_name, lang=lang, status=item.status)
    db.session.commit()
    return item


def text_for_reader(submission, field_name, lang):
    """(text, language it is in, is_translation): a confirmed translation into `lang` where one exists."""
    if submission.language != lang:
        item = submission.translation(field_name, lang)
        if item is not None and item.confirmed and item.text:
            return item.text, lang, True
    return getattr(submission, field_name), submission.language, False


def assign_reviewers(consultation, user_ids, actor):
    current = set(db.session.scalars(select(ReviewerAssignment.user_id).where(ReviewerAssignment.consultation_id == consultation.id)))
    wanted = set(user_ids)
    for user_id in wanted - current:
        db.session.add(ReviewerAssignment(consultation_id=consultation.id, user_id=user_id))
    for user_id in current - wanted:
        db.session.delete(db.session.get(ReviewerAssignment, (consultation.id, user_id)))
    audit.record(actor, "consultation.reviewers", consultation, added=sorted(wanted - current), removed=sorted(current - wanted))
    db.session.commit()


# ---------------------------------------------------------------- retention

def purge_contacts(months, now=None):
    """Remove contact details of submissions to calls closed more than `months` ago; return how many."""
    now = now or utcnow()
    cutoff = months_before(now, months)
    submissions = db.session.scalars(
        select(Submission).join(Consultation).where(
            Consultation.closes_at < cutoff,
            Submission.contact_purged_at.is_(None),
        )
    ).all()
    for submission in submissions:
        submission.contact_name = submission.contact_email = submission.contact_phone = None
        submission.contact_purged_at = now
        audit.record(None, "submission.contact_purged", submission)
    db.session.commit()
    return len(submissions)


def objective_label(number, lang):
    return reference.objective(number).choice_label(lang)
