"""Rapporteurs and their chapters: assigning, reading a chapter's submissions, drafting (versions),
comments, diffs and the secretariat's approval. No request in here; the actor is passed in.

What a rapporteur reads of the submissions is decided by the visibility policy for the REVIEWER
audience (a member assigned to the call), and only quotable submissions may be featured.
"""
import difflib
from collections import defaultdict

from sqlalchemy import delete, select
from sqlalchemy.orm import load_only, lazyload

from ..core import reference
from ..core.audit import services as audit
from ..consultations import visibility
from ..consultations.models import TEXT_FIELDS, Submission
from ..core.database import utcnow
from ..core.extensions import db
from ..core.i18n import LANGUAGES
from ..membership import services as membership
from .models import Chapter, ChapterComment, ChapterVersion, Rapporteur

SYNTHESIS_LIMIT = 20_000
ITEM_LIMIT = 1_000
COMMENT_LIMIT = 5_000
KEY_MESSAGES = (1, 7)
RECOMMENDATIONS = (3, 7)
QUOTES = (3, 10)
NO_REGION = reference.NO_REGION


class SynthesisError(Exception):
    """A request the rules refuse; `code` names the rule (the views translate it)."""

    def __init__(self, code, **details):
        super().__init__(code)
        self.code, self.details = code, details


# ---------------------------------------------------------------- rapporteurs

def _included(consultation, audience=visibility.REVIEWER):
    """The call's included submissions whose text `audience` may read (only the columns chapters use)."""
    return db.session.scalars(
        select(Submission)
        .options(load_only(Submission.id, Submission.number, Submission.reference, Submission.org_name,
                           Submission.constituency, Submission.country, Submission.language, Submission.objectives,
                           Submission.objectives_reviewed, Submission.confidentiality, *[
                               getattr(Submission, field) for field in TEXT_FIELDS], raiseload=True),
                 lazyload(Submission.attachments), lazyload(Submission.translations),
                 lazyload(Submission.consultation))
        .where(Submission.consultation_id == consultation.id, Submission.status == "included",
               Submission.confidentiality.in_(visibility.readable_levels(audience)))
        .order_by(Submission.number, Submission.id)).all()


def objectives_with_input(consultation):
    """Objectives addressed by at least one included submission (of any level: each has a chapter)."""
    rows = db.session.execute(
        select(Submission.objectives, Submission.objectives_reviewed)
        .where(Submission.consultation_id == consultation.id, Submission.status == "included"))
    found = set()
    for objectives, reviewed in rows:
        found.update(reviewed if reviewed is not None else (objectives or []))
    return sorted(number for number in found if isinstance(number, int) and 1 <= number <= 23)


def eligible_members(on=None):
    """Members who may be chosen: those holding a current term on the group's roster."""
    users = {}
    for term in membership.current_terms(on):
        users.setdefault(term.user_id, term.user)
    return sorted(users.values(), key=lambda user: (user.name.casefold(), user.email))


def rapporteurs_of(consultation):
    """{objective: [Rapporteur]} of the call."""
    found = defaultdict(list)
    for item in db.session.scalars(select(Rapporteur).where(Rapporteur.consultation_id == consultation.id)
                                   .order_by(Rapporteur.objective, Rapporteur.created_at)):
        found[item.objective].append(item)
    return dict(found)


def assign(consultation, objective, user, actor, on=None):
    if not consultation.is_reportable():
        raise SynthesisError("not_closed")
    if objective not in objectives_with_input(consultation):
        raise SynthesisError("no_input")
    if user is None or user.id not in {member.id for member in eligible_members(on)}:
        raise SynthesisError("not_current_member")
    existing = db.session.get(Rapporteur, (consultation.id, objective, user.id))
    if existing is None:
        db.session.add(Rapporteur(consultation_id=consultation.id, objective=objective, user_id=user.id,
                                  assigned_by_id=actor.id if actor else None))
        audit.record(actor, "synthesis.assign", consultation, objective=objective, user=user.id)
    db.session.commit()


def unassign(consultation, objective, user_id, actor):
    done = db.session.execute(delete(Rapporteur).where(
        Rapporteur.consultation_id == consultation.id, Rapporteur.objective == objective,
        Rapporteur.user_id == user_id)).rowcount
    if done:
        audit.record(actor, "synthesis.unassign", consultation, objective=objective, user=user_id)
    db.session.commit()
    return bool(done)


def is_rapporteur(user, consultation, objective=None):
    if not getattr(user, "is_authenticated", False):
        return False
    query = select(Rapporteur.user_id).where(Rapporteur.consultation_id == consultation.id,
                                             Rapporteur.user_id == user.id)
    if objective is not None:
        query = query.where(Rapporteur.objective == objective)
    return db.session.scalar(query.limit(1)) is not None


def audience_of(user, consultation):
    """The policy's audience for `user` reading this call's chapters."""
    if getattr(user, "is_secretariat", False) or is_rapporteur(user, consultation):
        return visibility.REVIEWER
    return visibility.MEMBER


# ---------------------------------------------------------------- a chapter's submissions

def subregion_of(country):
    return reference.subregion_code(country)


def chapter_submissions(consultation, objective, audience=visibility.REVIEWER, subregion=None,
                        constituency=None, language=None):
    """The chapter's submissions as `audience` may see them, as plain dicts; filters are codes or None."""
    out = []
    for item in _included(consultation, audience):
        objectives = item.effective_objectives or []
        if objective not in objectives:
            continue
        region = subregion_of(item.country)
        if (subregion and region != subregion) or (constituency and item.constituency != constituency) or (
                language and item.language != language):
            continue
        level = item.confidentiality
        profile = visibility.may(level, audience, "profile")
        out.append({
            "id": item.id, "reference": item.reference,
            "organisation": item.org_name if visibility.may(level, audience, "organisation") else None,
            "constituency": item.constituency if profile else None, "country": item.country if profile else None,
            "subregion": region if profile else None, "language": item.language,
            "quotable": visibility.quotable(level),
            "texts": {field: getattr(item, field) or "" for field in TEXT_FIELDS if (getattr(item, field) or "").strip()},
        })
    return out


# ---------------------------------------------------------------- chapters and versions

def chapter_for(consultation, objective, create=False):
    chapter = db.session.scalar(select(Chapter).where(Chapter.consultation_id == consultation.id,
                                                      Chapter.objective == objective))
    if chapter is None and create:
        chapter = Chapter(consultation_id=consultation.id, objective=objective, last_number=0)
        db.session.add(chapter)
        db.session.flush()
    return chapter


def chapters_of(consultation):
    """{objective: Chapter} of the call."""
    return {chapter.objective: chapter for chapter in db.session.scalars(
        select(Chapter).where(Chapter.consultation_id == consultation.id))}


def version(chapter, number):
    if chapter is None or number is None:
        return None
    return db.session.scalar(select(ChapterVersion).where(ChapterVersion.chapter_id == chapter.id,
                                                          ChapterVersion.number == number))


def current(chapter):
    return version(chapter, chapter.last_number) if chapter is not None and chapter.last_number else None


def approved(chapter):
    return version(chapter, chapter.approved_number) if chapter is not None and chapter.is_approved else None


def versions_of(chapter):
    if chapter is None:
        return []
    return db.session.scalars(select(ChapterVersion).where(ChapterVersion.chapter_id == chapter.id)
                              .order_by(ChapterVersion.number.desc())).all()


def may_draft(user, consultation, objective):
    return getattr(user, "is_secretariat", False) or is_rapporteur(user, consultation, objective)


def _lines(items):
    return [line.strip() for line in items if line and line.strip()]


def _check_quotes(consultation, objective, quotes):
    """[(submission id, field)] -> the stored form; each must be a quotable text of this chapter."""
    allowed = {(item["id"], field) for item in chapter_submissions(consultation, objective, visibility.PUBLIC)
               if item["quotable"] for field in item["texts"]}
    out, seen = [], set()
    for submission_id, field in quotes:
        key = (submission_id, field)
        if key in seen:
            continue
        if key not in allowed:
            raise SynthesisError("bad_quote")
        seen.add(key)
        out.append({"submission": submission_id, "field": field})
    if len(out) > QUOTES[1]:
        raise SynthesisError("too_many_quotes", max=QUOTES[1])
    return out


def save_draft(consultation, objective, actor, lang, synthesis, key_messages, recommendations, quotes):
    """A new version of the chapter (and the end of any approval). Unchanged text makes no version."""
    if not may_draft(actor, consultation, objective):
        raise SynthesisError("not_rapporteur")
    if not consultation.is_reportable():
        raise SynthesisError("not_closed")
    if objective not in objectives_with_input(consultation):
        raise SynthesisError("no_input")
    if lang not in LANGUAGES:
        raise SynthesisError("bad_language")
    synthesis = (synthesis or "").replace("\r\n", "\n").strip()
    key_messages, recommendations = _lines(key_messages), _lines(recommendations)
    if len(synthesis) > SYNTHESIS_LIMIT or any(len(line) > ITEM_LIMIT for line in key_messages + recommendations):
        raise SynthesisError("too_long")
    if len(key_messages) > KEY_MESSAGES[1]:
        raise SynthesisError("too_many_key_messages", max=KEY_MESSAGES[1])
    if len(recommendations) > RECOMMENDATIONS[1]:
        raise SynthesisError("too_many_recommendations", max=RECOMMENDATIONS[1])
    stored_quotes = _check_quotes(consultation, objective, quotes)
    chapter = chapter_for(consultation, objective, create=True)
    last = current(chapter)
    values = {"lang": lang, "synthesis": synthesis, "key_messages": key_messages,
              "recommendations": recommendations, "quotes": stored_quotes}
    if last is not None and all(getattr(last, key) == value for key, value in values.items()):
        db.session.commit()
        return last, False
    chapter.last_number += 1
    made = ChapterVersion(chapter_id=chapter.id, number=chapter.last_number, author_id=actor.id, **values)
    db.session.add(made)
    # Approval is of one version: a later edit undoes it.
    chapter.approved_number, chapter.approved_by_id, chapter.approved_at = None, None, None
    chapter.updated_at = utcnow()
    audit.record(actor, "synthesis.draft", consultation, objective=objective, version=chapter.last_number)
    db.session.commit()
    return made, True


def completeness(consultation, chapter):
    """What the current version lacks before it can be approved: a list of (code, details)."""
    draft = current(chapter)
    if draft is None:
        return [("no_draft", {})]
    missing = []
    if not draft.synthesis:
        missing.append(("no_synthesis", {}))
    if len(draft.key_messages) < KEY_MESSAGES[0]:
        missing.append(("few_key_messages", {"min": KEY_MESSAGES[0]}))
    if len(draft.recommendations) < RECOMMENDATIONS[0]:
        missing.append(("few_recommendations", {"min": RECOMMENDATIONS[0]}))
    available = sum(len(item["texts"]) for item in chapter_submissions(consultation, chapter.objective,
                                                                        visibility.PUBLIC) if item["quotable"])
    needed = min(QUOTES[0], available)
    if len(draft.quotes) < needed:
        missing.append(("few_quotes", {"min": needed}))
    return missing


def approve(consultation, objective, actor, number):
    """The secretariat approves the current version `number` (a stale page approves nothing)."""
    if not getattr(actor, "is_secretariat", False):
        raise SynthesisError("not_secretariat")
    chapter = chapter_for(consultation, objective)
    if chapter is None or number != chapter.last_number:
        raise SynthesisError("stale_version")
    missing = completeness(consultation, chapter)
    if missing:
        raise SynthesisError(missing[0][0], **missing[0][1])
    chapter.approved_number, chapter.approved_by_id, chapter.approved_at = number, actor.id, utcnow()
    audit.record(actor, "synthesis.approve", consultation, objective=objective, version=number)
    db.session.commit()
    return chapter


def comment(consultation, objective, actor, text):
    text = (text or "").strip()
    if not text:
        raise SynthesisError("empty_comment")
    if len(text) > COMMENT_LIMIT:
        raise SynthesisError("too_long")
    chapter = chapter_for(consultation, objective)
    if chapter is None or not chapter.last_number:
        raise SynthesisError("no_draft")
    item = ChapterComment(chapter_id=chapter.id, version_number=chapter.last_number, author_id=actor.id, text=text)
    db.session.add(item)
    db.session.commit()
    return item


def comments_of(chapter):
    if chapter is None:
        return []
    return db.session.scalars(select(ChapterComment).where(ChapterComment.chapter_id == chapter.id)
                              .order_by(ChapterComment.id)).all()


def as_text(item, labels):
    """A version as plain lines, for the diff. `labels`: {"synthesis", "key_messages", ...} headings."""
    if item is None:
        return []
    lines = [f"# {labels['synthesis']}"] + item.synthesis.split("\n")
    lines += [f"# {labels['key_messages']}"] + [f"- {line}" for line in item.key_messages]
    lines += [f"# {labels['recommendations']}"] + [f"{n}. {line}" for n, line in enumerate(item.recommendations, 1)]
    lines += [f"# {labels['quotes']}"] + [f"* {quote['submission']}:{quote['field']}" for quote in item.quotes]
    return lines


def diff(chapter, old_number, new_number, labels):
    """[(kind, line)] with kind in " ", "-", "+": the lines of version `old_number` against `new_number`."""
    old, new = version(chapter, old_number), version(chapter, new_number)
    if old is None or new is None:
        raise SynthesisError("no_such_version")
    out = []
    for line in difflib.ndiff(as_text(old, labels), as_text(new, labels)):
        if line[:1] in (" ", "-", "+"):
            out.append((line[:1], line[2:]))
    return out


def approved_chapters(consultation):
    """{objective: (Chapter, approved ChapterVersion)} of the call (two queries)."""
    chapters = {c.id: c for c in db.session.scalars(select(Chapter).where(Chapter.consultation_id == consultation.id))
                if c.is_approved}
    if not chapters:
        return {}
    versions = db.session.scalars(select(ChapterVersion).where(ChapterVersion.chapter_id.in_(chapters)))
    out = {}
    for item in versions:
        chapter = chapters[item.chapter_id]
        if item.number == chapter.approved_number:
            out[chapter.objective] = (chapter, item)
    return out
