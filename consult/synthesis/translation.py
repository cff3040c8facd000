"""Translating the main report: per report language, what of the approved chapters (synthesis, key
messages, recommendations) and of their featured quotes is not translated yet; translators (the
secretariat, or members it names for a language) write or confirm each; a configured machine
translation may pre-fill a draft, never with confidential text.
"""
from sqlalchemy import delete, select

from ..core.audit import services as audit
from ..consultations import services as consultations
from ..consultations import translation as machine
from ..consultations import visibility
from ..consultations.models import Submission, SubmissionTranslation
from ..core.database import utcnow
from ..core.extensions import db
from ..core.i18n import LANGUAGES
from . import services
from .models import ChapterTranslation, Translator


def translators_of(consultation):
    """{lang: [Translator]} the secretariat named for the call."""
    found = {lang: [] for lang in LANGUAGES}
    for item in db.session.scalars(select(Translator).where(Translator.consultation_id == consultation.id)):
        found.setdefault(item.lang, []).append(item)
    return found


def name_translator(consultation, lang, user, actor):
    if lang not in LANGUAGES:
        raise services.SynthesisError("bad_language")
    if user is None or user.id not in {member.id for member in services.eligible_members()}:
        raise services.SynthesisError("not_current_member")
    if db.session.get(Translator, (consultation.id, user.id, lang)) is None:
        db.session.add(Translator(consultation_id=consultation.id, user_id=user.id, lang=lang))
        audit.record(actor, "synthesis.translator", consultation, lang=lang, user=user.id)
    db.session.commit()


def remove_translator(consultation, lang, user_id, actor):
    db.session.execute(delete(Translator).where(Translator.consultation_id == consultation.id,
                                                Translator.lang == lang, Translator.user_id == user_id))
    audit.record(actor, "synthesis.translator_removed", consultation, lang=lang, user=user_id)
    db.session.commit()


def may_translate(user, consultation, lang):
    if getattr(user, "is_secretariat", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(Translator, (consultation.id, user.id, lang)) is not None


def workspace(consultation, lang):
    """What the `lang` report needs: [{"objective", "chapter", "version", "translation", "state"}] per approved
    chapter not written in `lang`, and [{"submission", "field", "translation"}] per featured quote not in `lang`."""
    approved = services.approved_chapters(consultation)
    ids = [chapter.id for chapter, _version in approved.values()]
    existing = {t.chapter_id: t for t in db.session.scalars(select(ChapterTranslation).where(
        ChapterTranslation.chapter_id.in_(ids), ChapterTranslation.lang == lang))} if ids else {}
    chapters, wanted = [], set()
    for objective in sorted(approved):
        chapter, version = approved[objective]
        wanted.update((quote["submission"], quote["field"]) for quote in version.quotes)
        if version.lang == lang:
            continue
        item = existing.get(chapter.id)
        state = "missing"
        if item is not None and item.version_number == version.number:
            state = "confirmed" if item.status == "confirmed" else "draft"
        elif item is not None:
            state = "outdated"
        chapters.append({"objective": objective, "chapter": chapter, "version": version, "translation": item,
                         "state": state})
    quotes = []
    if wanted:
        submissions = {s.id: s for s in db.session.scalars(select(Submission).where(
            Submission.id.in_({sid for sid, _field in wanted}), Submission.consultation_id == consultation.id,
            Submission.status == "included"))}
        translations = {(t.submission_id, t.field): t for t in db.session.scalars(select(SubmissionTranslation).where(
            SubmissionTranslation.submission_id.in_(submissions), SubmissionTranslation.lang == lang))}
        for sid, field in sorted(wanted):
            submission = submissions.get(sid)
            if submission is None or not visibility.quotable(submission.confidentiality) or submission.language == lang:
                continue
            item = translations.get((sid, field))
            quotes.append({"submission": submission, "field": field, "text": getattr(submission, field),
                           "translation": item, "state": "confirmed" if item and item.confirmed else
                           ("draft" if item else "missing")})
    return chapters, quotes


def is_complete(consultation, lang):
    chapters, quotes = workspace(consultation, lang)
    return all(item["state"] == "confirmed" for item in chapters + quotes)


def save_chapter(consultation, objective, lang, actor, synthesis, key_messages, recommendations, confirm,
                 machine_made=False):
    """Write (and optionally confirm) the `lang` translation of the chapter's approved version."""
    if not may_translate(actor, consultation, lang):
        raise services.SynthesisError("not_translator")
    chapter = services.chapter_for(consultation, objective)
    version = services.approved(chapter)
    if version is None:
        raise services.SynthesisError("not_approved")
    if version.lang == lang or lang not in LANGUAGES:
        raise services.SynthesisError("bad_language")
    key_messages = [line.strip() for line in key_messages if line.strip()]
    recommendations = [line.strip() for line in recommendations if line.strip()]
    synthesis = (synthesis or "").replace("\r\n", "\n").strip()
    if len(synthesis) > services.SYNTHESIS_LIMIT * 2 or any(len(x) > services.ITEM_LIMIT * 2
                                                          for x in key_messages + recommendations):
        raise services.SynthesisError("too_long")
    if confirm and (not synthesis or len(key_messages) != len(version.key_messages)
                    or len(recommendations) != len(version.recommendations)):
        raise services.SynthesisError("incomplete_translation")
    item = db.session.scalar(select(ChapterTranslation).where(ChapterTranslation.chapter_id == chapter.id,
                                                              ChapterTranslation.lang == lang))
    if item is None:
        item = ChapterTranslation(chapter_id=chapter.id, lang=lang)
        db.session.add(item)
    item.version_number, item.synthesis = version.number, synthesis
    item.key_messages, item.recommendations = key_messages, recommendations
    item.status, item.machine = ("confirmed" if confirm else "draft"), bool(machine_made and not confirm)
    item.updated_by_id, item.updated_at = actor.id, utcnow()
    audit.record(actor, "synthesis.translate", consultation, objective=objective, lang=lang, confirmed=bool(confirm))
    db.session.commit()
    return item


def machine_fill_chapter(consultation, objective, lang, actor):
    """A machine draft of the chapter's translation (the group's own text: never confidential)."""
    if not machine.is_configured():
        raise services.SynthesisError("no_machine")
    version = services.approved(services.chapter_for(consultation, objective))
    if version is None:
        raise services.SynthesisError("not_approved")
    def translate(text):
        return machine.machine_translate(text, version.lang, lang) if text else ""

    try:
        texts = (translate(version.synthesis), [translate(x) for x in version.key_messages],
                 [translate(x) for x in version.recommendations])
    except machine.TranslationUnavailable:
        raise services.SynthesisError("machine_failed") from None
    return save_chapter(consultation, objective, lang, actor, *texts, confirm=False, machine_made=True)


def save_quote(consultation, submission, field, lang, actor, text, confirm):
    """A featured quote's translation is the submission's own (the review's translations)."""
    if not may_translate(actor, consultation, lang):
        raise services.SynthesisError("not_translator")
    if submission.consultation_id != consultation.id or not visibility.quotable(submission.confidentiality):
        raise services.SynthesisError("bad_quote")
    return consultations.save_translation(submission, field, lang, text, actor, confirm=confirm)
