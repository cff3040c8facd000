"""The main report of a call, gathered as plain data: the group's approved chapters (synthesis, key
messages, recommendations, featured quotes, figures), the secretariat's texts, methodology and
contributors. Only approved versions enter it; their translations into the report's language when
confirmed, otherwise the original text, marked.

Confidentiality is applied here through the visibility policy: a featured quote is used only while
its submission is included and quotable; a name only when the policy lets a report name it. The
compendium of every quotable submission (consult.reports.content) is the annex.
"""
import hashlib
import json
from collections import Counter
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import select

from ..core import reference
from ..consultations import visibility
from ..consultations.models import TEXT_FIELDS
from ..core.extensions import db
from ..core.i18n import pick
from ..core.pdf import font_report
from ..synthesis import services as drafting
from ..synthesis.models import ChapterTranslation, Rapporteur
from . import content
from .models import ReportSetup

TEMPLATE_FILES = ("templates/reports/main.html", "templates/reports/_cover.html", "templates/pdf/base.html", "templates/pdf/pdf.css",
                  "templates/pdf/report.css", "consult/core/charts.py", "consult/reports/main_report.py",
                  "consult/core/languages.py")
QUOTE_LIMIT = 260  # characters of a featured quote in the main report; the annex has the whole text


def excerpt(text, limit=QUOTE_LIMIT):
    """The start of a text up to `limit` characters, cut at a word, with an ellipsis when cut."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text, False
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.،؛") + " …", True


def _chapter_translations(chapter_ids, lang):
    """{chapter id: ChapterTranslation} confirmed into `lang`."""
    if not chapter_ids:
        return {}
    return {t.chapter_id: t for t in db.session.scalars(select(ChapterTranslation).where(
        ChapterTranslation.chapter_id.in_(chapter_ids), ChapterTranslation.lang == lang,
        ChapterTranslation.status == "confirmed"))}


def chapter_text(version, translation, lang):
    """(synthesis, key messages, recommendations, language, translated, untranslated) of a chapter in `lang`."""
    if version.lang == lang:
        return version.synthesis, version.key_messages, version.recommendations, lang, False, False
    if translation is not None and translation.version_number == version.number:
        return translation.synthesis, translation.key_messages, translation.recommendations, lang, True, False
    return version.synthesis, version.key_messages, version.recommendations, version.lang, False, True


def _figure(submissions, objective, lang):
    """Submissions addressing the objective, by subregion (confidential ones in one row)."""
    concerned = [s for s in submissions if objective in (s.effective_objectives or [])]
    order = [item.code for item in reference.SUBREGIONS] + [reference.NO_REGION]
    counter = content._disclosed(concerned, lambda s: reference.subregion_code(s.country))
    rows = content._rows(counter, content._undisclosed_label(lambda c: reference.subregion_label(c, lang)),
                         order=content._last(order))
    return {"rows": rows, "total": len(concerned)}


def _quotes(version, by_id, translations, lang, names):
    out = []
    for quote in version.quotes:
        submission = by_id.get(quote.get("submission"))
        field = quote.get("field")
        # Consent is read again at every build: a quote whose submission is no longer quotable is dropped.
        if submission is None or field not in TEXT_FIELDS or not visibility.quotable(submission.confidentiality):
            continue
        original = getattr(submission, field) or ""
        translated = translations.get((submission.id, field)) if submission.language != lang else None
        text, text_lang = (translated, lang) if translated else (original, submission.language)
        if not text.strip():
            continue
        shown, cut = excerpt(text)
        out.append({"reference": submission.reference, "text": shown, "cut": cut, "lang": text_lang,
                    "translated": bool(translated), "untranslated": text_lang != lang,
                    "original_language": names[submission.language],
                    "attribution": content._attribution(submission, lang)})
    return out


def _rapporteurs(consultation):
    """{objective: [names]} (members' names are public on the roster; the report names the rapporteurs)."""
    found = {}
    for item in db.session.scalars(select(Rapporteur).where(Rapporteur.consultation_id == consultation.id)
                                   .order_by(Rapporteur.objective, Rapporteur.created_at)):
        found.setdefault(item.objective, []).append(item.user.name or "")
    return found


def _untranslated_messages(approved, translations, lang):
    return sum(1 for chapter, version in approved.values()
               if chapter_text(version, translations.get(chapter.id), lang)[5])


def gather(consultation, lang):
    """The main report of `consultation` in `lang`, as plain data. Call inside force_locale(lang)."""
    setup = db.session.get(ReportSetup, consultation.id)
    submissions = content._included(consultation)
    translations = content._translations(consultation, lang)
    statuses = content._status_counts(consultation)
    approved = drafting.approved_chapters(consultation)
    chapter_translations = _chapter_translations([c.id for c, _v in approved.values()], lang)
    rapporteurs = _rapporteurs(consultation)
    names = content._language_names(lang)
    by_id = {s.id: s for s in submissions}
    objectives = sorted({n for s in submissions for n in (s.effective_objectives or []) if 1 <= n <= 23})
    chapters = []
    for number in objectives:
        entry = {"number": number, "title": reference.objective(number).title.get(lang),
                 "anchor": f"objective-{number}", "figure": _figure(submissions, number, lang),
                 "rapporteurs": rapporteurs.get(number, []), "approved": number in approved}
        if number in approved:
            chapter, version = approved[number]
            synthesis, messages, recommendations, text_lang, translated, untranslated = chapter_text(
                version, chapter_translations.get(chapter.id), lang)
            entry.update({"synthesis": content._paragraphs(synthesis), "key_messages": list(messages),
                          "recommendations": list(recommendations), "lang": text_lang, "translated": translated,
                          "untranslated": untranslated, "original_language": names[version.lang],
                          "quotes": _quotes(version, by_id, translations, lang, names)})
        chapters.append(entry)
    title, title_lang = pick(consultation.title, lang)
    summary, summary_lang = pick(setup.summary if setup else {}, lang)
    methodology, methodology_lang = pick(setup.methodology if setup else {}, lang)
    organisations, unnamed = content._organisations(submissions, lang)
    levels = Counter(visibility.reported_level(s.confidentiality) for s in submissions)
    zone = ZoneInfo(consultation.timezone)
    data = {
        "part": "main", "lang": lang,
        "arabic_digits": content.native_digits(setup, lang),
        "call": {"slug": consultation.slug, "title": title, "title_lang": title_lang,
                 "opens": format_date(consultation.opens_at.astimezone(zone), "long", locale=lang),
                 "closes": format_date(consultation.closes_at.astimezone(zone), "long", locale=lang)},
        "summary": {"paragraphs": content._paragraphs(summary), "lang": summary_lang},
        "methodology": {"paragraphs": content._paragraphs(methodology), "lang": methodology_lang},
        "counts": {"received": sum(count for status, count in statuses.items() if status != "draft"),
                   "included": len(submissions), "excluded": statuses.get("excluded", 0),
                   "withdrawn": statuses.get("withdrawn", 0), **{level: levels[level] for level in visibility.LEVELS},
                   "approved": len(approved), "chapters": len(objectives),
                   "untranslated": _untranslated_messages(approved, chapter_translations, lang)},
        "statistics": content._statistics(submissions, lang),
        "chapters": chapters,
        # Only how many: the list of named organisations grows with the input, and is in the annex.
        "named_organisations": len(organisations), "unnamed_organisations": unnamed,
        "rapporteurs": sorted({name for names_ in rapporteurs.values() for name in names_ if name},
                              key=reference.collation_key),
    }
    return content.Gathered(content=data, input_hash=input_hash(data),
                            consents={str(s.id): s.confidentiality for s in submissions})


_FINGERPRINTS = {}


def input_hash(data):
    lang = data["lang"]
    if lang not in _FINGERPRINTS:
        digest = hashlib.sha256()
        for name in TEMPLATE_FILES + (f"translations/{lang}/LC_MESSAGES/messages.mo",):
            path = content.ROOT / name
            digest.update(name.encode())
            digest.update(path.read_bytes() if path.exists() else b"-")
        _FINGERPRINTS[lang] = digest.hexdigest()
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(payload.encode("utf-8"))
    digest.update(_FINGERPRINTS[lang].encode())
    digest.update(font_report().encode())
    return digest.hexdigest()
