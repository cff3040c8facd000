"""What a report says, gathered from the database as plain data (dicts, lists, strings, numbers).

The same data feeds the HTML preview and the PDF, and its SHA-256 (with the template files and
the language's catalog) is the report's input hash: unchanged data, unchanged report.

Confidentiality (DESIGN.md) is applied here, once, so no template can get it wrong:
  * confidential submissions are counted in the statistics and nothing else: no text, no name,
    no reference;
  * anonymous ones are quoted as "an organisation (constituency, country)": the name never
    enters the data;
  * only included submissions count; contact details are never read.

The queries do not depend on the number of submissions (one for the submissions, one for the
translations into the report's language, one for the status counts), so 100 and 1,000
submissions cost the same number of round trips.
"""
import hashlib
from collections import Counter
import json
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload, load_only

from ..core import reference
from ..core import languages
from ..consultations import visibility
from ..consultations.models import TEXT_FIELDS, Submission, SubmissionTranslation
from ..consultations.vocabulary import FIELD_LABELS
from ..core.extensions import db
from ..core.i18n import pick
from ..core.pdf import font_report
from .models import ReportSetup

ROOT = Path(__file__).resolve().parent.parent.parent
# Every file whose change changes a report; with the language's compiled catalog.
TEMPLATE_FILES = ("templates/reports/report.html", "templates/reports/_cover.html", "templates/pdf/base.html", "templates/pdf/pdf.css",
                  "templates/pdf/report.css", "consult/core/charts.py", "consult/core/languages.py")
NO_REGION = reference.NO_REGION
REPORT_COLUMNS = (Submission.number, Submission.reference, Submission.status, Submission.org_name,
                  Submission.org_name_key, Submission.constituency, Submission.country, Submission.language,
                  Submission.objectives, Submission.objectives_reviewed, Submission.principles,
                  Submission.good_practices, Submission.challenges, Submission.recommendations,
                  Submission.confidentiality)  # organisations registered outside the Arab region or at regional level


UNDISCLOSED = "undisclosed"


@dataclass
class Gathered:
    content: dict
    input_hash: str
    # {submission id: level} of every submission the report rests on (kept with the build).
    consents: dict | None = None


def field_labels():
    """{field: its heading} in the current language (looked up once per report, not per quote)."""
    return {name: str(label) for name, label in FIELD_LABELS.items()}


def language_name(code, lang):
    return Locale(lang).languages.get(code, code)


def _language_names(lang):
    return {code: language_name(code, lang) for code in languages.codes()}


def native_digits(setup, lang):
    """Whether the report writes its figures and page numbers in its language's own digits (Arabic-Indic
    for Arabic, extended ones for Persian): the secretariat's choice, for a language that has them."""
    return bool(setup and setup.arabic_digits and languages.get(lang).digits != "latn")


def _rows(counter, label, order=None, last=lambda code: False):
    """[{"code", "label", "count"}] sorted by `order`, or by count then label (rows `last` says at the end)."""
    items = [{"code": code, "label": label(code), "count": count} for code, count in counter.items() if count]
    if order:
        return sorted(items, key=lambda row: order(row["code"]))
    return sorted(items, key=lambda row: (last(row["code"]), -row["count"], reference.collation_key(row["label"])))


def _paragraphs(text):
    return [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n") if part.strip()]


def _included(consultation):
    # Only the columns a report uses (not the search text, tags or contact details); attachments and
    # translations are not loaded per row: translations come in one query below.
    return db.session.scalars(
        select(Submission)
        .options(load_only(*REPORT_COLUMNS, raiseload=True), lazyload(Submission.attachments),
                 lazyload(Submission.translations), lazyload(Submission.consultation))
        .where(Submission.consultation_id == consultation.id, Submission.status == "included")
        .order_by(Submission.number, Submission.id)
    ).all()


def _translations(consultation, lang):
    """{(submission id, field): text} of the confirmed translations into `lang`."""
    rows = db.session.execute(
        select(SubmissionTranslation.submission_id, SubmissionTranslation.field, SubmissionTranslation.text)
        .join(Submission, Submission.id == SubmissionTranslation.submission_id)
        .where(Submission.consultation_id == consultation.id, Submission.status == "included",
               SubmissionTranslation.lang == lang, SubmissionTranslation.status == "confirmed")
    )
    return {(submission_id, field): text for submission_id, field, text in rows if text}


def _status_counts(consultation):
    rows = db.session.execute(
        select(Submission.status, func.count()).where(Submission.consultation_id == consultation.id)
        .group_by(Submission.status))
    return dict(rows.all())


def _attribution(submission, lang):
    """Who said it, as far as the submitter allowed: never a name for an anonymous submission."""
    constituency = reference.constituency(submission.constituency).label(lang)
    country = reference.country_label(submission.country, lang)
    if visibility.named(submission.confidentiality):
        return {"named": True, "name": submission.org_name, "constituency": constituency, "country": country}
    return {"named": False, "name": None, "constituency": constituency, "country": country}


def _quote(submission, lang, translations, labels, names):
    parts = []
    for field in TEXT_FIELDS:
        original = getattr(submission, field) or ""
        translated = translations.get((submission.id, field)) if submission.language != lang else None
        text, text_lang = (translated, lang) if translated else (original, submission.language)
        if text.strip():
            parts.append({"field": field, "label": labels[field], "paragraphs": _paragraphs(text),
                          "lang": text_lang, "translated": bool(translated),
                          "original_language": names[submission.language]})
    # One note for the whole input when its parts agree ("translated from French"), else one per part.
    states = {"translated" if part["translated"] else ("original" if part["lang"] != lang else "same") for part in parts}
    note = states.pop() if len(states) == 1 else "mixed"
    return {"reference": submission.reference, "attribution": _attribution(submission, lang),
            "subregion": reference.subregion_code(submission.country), "parts": parts, "note": note,
            "original_language": names[submission.language]}


def _undisclosed_label(label):
    """A category's label, with one "Not disclosed" row for the submissions that may not be shown in one."""

    return lambda code: _("Not disclosed") if code == UNDISCLOSED else label(code)


def _disclosed(submissions, attribute):
    """Counter of `attribute` over the submissions; those the policy keeps out of figures (confidential
    ones) are all counted in one "not disclosed" row, so that no cell shows where a single one of them
    came from, and totals stay right without differencing."""
    return Counter(attribute(s) if visibility.disclosed_in_figures(s.confidentiality) else UNDISCLOSED
                   for s in submissions)


def _last(order):
    return lambda code: len(order) if code == UNDISCLOSED else order.index(code)


def _statistics(submissions, lang):
    def share(rows):
        return {"rows": rows, "total": len(submissions)}

    objectives = Counter(number for s in submissions for number in sorted(set(s.effective_objectives or [])))
    subregion_order = [item.code for item in reference.SUBREGIONS] + [NO_REGION]

    def by_count(code):  # larger counts first; "not disclosed" always last
        return code == UNDISCLOSED

    return [
        {"key": "objective", **share(_rows(
            objectives, lambda n: reference.objective(n).short.get(lang), order=lambda n: n))},
        {"key": "subregion", **share(_rows(
            _disclosed(submissions, lambda s: reference.subregion_code(s.country)),
            _undisclosed_label(lambda c: reference.subregion_label(c, lang)), order=_last(subregion_order)))},
        {"key": "country", **share(_rows(_disclosed(submissions, lambda s: s.country),
                                         _undisclosed_label(lambda c: reference.country_label(c, lang)), last=by_count))},
        {"key": "constituency", **share(_rows(
            _disclosed(submissions, lambda s: s.constituency),
            _undisclosed_label(lambda c: reference.constituency(c).label(lang)), last=by_count))},
        {"key": "language", **share(_rows(
            _disclosed(submissions, lambda s: s.language), _undisclosed_label(_language_names(lang).get),
            order=_last(list(languages.codes()))))},
    ]


def _chapters(submissions, lang, translations):
    """One chapter per objective with input; each quotable submission quoted in full once.

    A submission is quoted under the first objective it addresses; the other chapters it
    addresses point to it, so the report does not repeat the same text several times.
    """
    chapters = {}
    unlinked = []
    labels, names = field_labels(), _language_names(lang)
    for submission in submissions:
        numbers = sorted(set(submission.effective_objectives or []))
        quotable = visibility.quotable(submission.confidentiality)
        for number in numbers:
            chapter = chapters.setdefault(number, {"number": number, "quotes": [], "see_also": [], "confidential": 0})
            if not quotable:
                chapter["confidential"] += 1
            elif number == numbers[0]:
                chapter["quotes"].append(_quote(submission, lang, translations, labels, names))
            else:
                chapter["see_also"].append({"reference": submission.reference, "objective": numbers[0]})
        if not numbers and quotable:
            unlinked.append(_quote(submission, lang, translations, labels, names))
    subregion_order = [item.code for item in reference.SUBREGIONS] + [NO_REGION]
    out = []
    for number in sorted(chapters):
        chapter = chapters[number]
        objective = reference.objective(number)
        sections = []
        for code in subregion_order:
            quotes = [quote for quote in chapter["quotes"] if quote["subregion"] == code]
            if quotes:
                sections.append({"subregion": code, "label": reference.subregion_label(code, lang), "quotes": quotes})
        out.append({"number": number, "title": objective.title.get(lang), "title_lang": lang,
                    "sections": sections, "see_also": chapter["see_also"], "confidential": chapter["confidential"],
                    "anchor": f"objective-{number}"})
    return out, unlinked


def _principles(submissions, lang):
    counter = Counter(code for s in submissions for code in sorted(set(s.principles or [])))
    order = [item.code for item in reference.PRINCIPLES]
    return _rows(counter, lambda code: reference.principle(code).label(lang), order=order.index)


def _organisations(submissions, lang):
    """Named contributors (public submissions only), one line per organisation; how many others."""
    named = {}
    for submission in submissions:
        if visibility.named(submission.confidentiality) and submission.org_name.strip():
            named.setdefault(submission.org_name_key or submission.org_name.casefold(),
                             {"name": submission.org_name.strip(), "country": reference.country_label(submission.country, lang)})
    unnamed = sum(1 for s in submissions if not visibility.named(s.confidentiality))
    return sorted(named.values(), key=lambda row: reference.collation_key(row["name"])), unnamed


def gather(consultation, lang):
    """The report of `consultation` in `lang`, as plain data. Call inside force_locale(lang)."""
    setup = db.session.get(ReportSetup, consultation.id)
    submissions = _included(consultation)
    translations = _translations(consultation, lang)
    statuses = _status_counts(consultation)
    title, title_lang = pick(consultation.title, lang)
    questions, questions_lang = pick(consultation.questions, lang)
    summary, summary_lang = pick(setup.summary if setup else {}, lang)
    methodology, methodology_lang = pick(setup.methodology if setup else {}, lang)
    chapters, unlinked = _chapters(submissions, lang, translations)
    organisations, unnamed = _organisations(submissions, lang)
    zone = consultation.timezone
    levels = Counter(visibility.reported_level(s.confidentiality) for s in submissions)
    content = {
        "lang": lang,
        "arabic_digits": native_digits(setup, lang),
        "call": {
            "slug": consultation.slug, "title": title, "title_lang": title_lang,
            "opens": format_date(consultation.opens_at.astimezone(ZoneInfo(zone)), "long", locale=lang),
            "closes": format_date(consultation.closes_at.astimezone(ZoneInfo(zone)), "long", locale=lang),
            "questions": [q for q in questions if q], "questions_lang": questions_lang,
        },
        "summary": {"paragraphs": _paragraphs(summary), "lang": summary_lang},
        "methodology": {"paragraphs": _paragraphs(methodology), "lang": methodology_lang},
        "counts": {
            "received": sum(count for status, count in statuses.items() if status != "draft"),
            "included": len(submissions),
            "excluded": statuses.get("excluded", 0),
            "withdrawn": statuses.get("withdrawn", 0),
            **{level: levels[level] for level in visibility.LEVELS},
            "translated": len(translations),
        },
        "statistics": _statistics(submissions, lang),
        "chapters": chapters,
        "unlinked": unlinked,
        "principles": _principles(submissions, lang),
        "organisations": organisations,
        "unnamed_organisations": unnamed,
    }
    return Gathered(content=content, input_hash=input_hash(content),
                    consents={str(s.id): s.confidentiality for s in submissions})


def _fingerprint_files(lang):
    digest = hashlib.sha256()
    for name in TEMPLATE_FILES + (f"translations/{lang}/LC_MESSAGES/messages.mo",):
        path = ROOT / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


_FINGERPRINTS = {}


def template_fingerprint(lang):
    """The templates, stylesheets and catalog a report is made with (read once per process)."""
    if lang not in _FINGERPRINTS:
        _FINGERPRINTS[lang] = _fingerprint_files(lang)
    return _FINGERPRINTS[lang]


def input_hash(content):
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(payload.encode("utf-8"))
    digest.update(template_fingerprint(content["lang"]).encode())
    digest.update(font_report().encode())
    return digest.hexdigest()
