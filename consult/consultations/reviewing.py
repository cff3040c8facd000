"""Reviewing submissions: who may review a call, the queue and its search, statuses, tags and
objectives, notes, translations, and the search text they all feed.

Functions that change data commit their own transaction.
"""
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..core.audit import services as audit
from ..core.extensions import db
from ..core.text import normalise, search_terms
from . import visibility
from .models import LANGS, TEXT_FIELDS, ReviewerAssignment, Submission, SubmissionNote, SubmissionTranslation

REVIEW_STATUSES = ("received", "screened", "included", "excluded", "withdrawn")


def submitted_text(submission):
    """The submitter's texts (good practices, challenges, recommendations) as one normalised text."""
    return normalise(" ".join(part for part in (getattr(submission, name) for name in TEXT_FIELDS) if part))


def search_text(submission, submitted=None):
    """What the queue's search reads: the texts, their translations and the tags, normalised.

    `submitted`: submitted_text(submission), when the caller has it already (normalising is per letter,
    so normalising the parts one by one gives the same text)."""
    added = [item.text for item in submission.translations] + list(submission.tags or [])
    parts = (submitted_text(submission) if submitted is None else submitted,
             normalise(" ".join(part for part in added if part)))
    return " ".join(part for part in parts if part)


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
    submission.search_text = search_text(submission)
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
    submission.search_text = search_text(submission)
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
