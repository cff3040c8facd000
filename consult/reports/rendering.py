"""A report's texts (the secretariat's summary and methodology) and its rendering: the data gathered for
one part, its HTML, its Word version."""
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..core import charts, languages, pdf, storage
from ..core.audit import services as audit
from ..core.database import utcnow
from ..core.extensions import db
from ..core.i18n import LANGUAGES
from . import content, docx, main_report
from .models import DEFAULT_LICENCE, LICENCES, ReportSetup

TEXT_LIMIT = 20_000  # characters per summary or methodology note, per language
# What a build is when no part is named: the compendium, as every build was before the main report existed.
DEFAULT_PART = "annex"


# ---------------------------------------------------------------- the secretariat's texts

def setup_for(consultation):
    """The call's report texts and settings (an unsaved empty one before the first save)."""
    return db.session.get(ReportSetup, consultation.id) or ReportSetup(
        consultation_id=consultation.id, summary={}, methodology={}, arabic_digits=False, licence=DEFAULT_LICENCE)


def save_setup(consultation, actor, summary, methodology, arabic_digits, licence=None):
    """`summary` and `methodology` are {lang: text}; empty texts are dropped. `licence`: of the open data."""
    setup = setup_for(consultation)
    setup.summary = {lang: text.strip() for lang, text in summary.items() if lang in LANGUAGES and text.strip()}
    setup.methodology = {lang: text.strip() for lang, text in methodology.items() if lang in LANGUAGES and text.strip()}
    setup.arabic_digits = bool(arabic_digits)
    if licence is not None:
        if licence not in LICENCES:
            raise ValueError(f"unknown licence {licence!r}")
        setup.licence = licence
    setup.updated_by_id = actor.id if actor else None
    db.session.add(setup)
    audit.record(actor, "report.texts", consultation, languages=sorted(set(setup.summary) | set(setup.methodology)))
    db.session.commit()
    return setup


# ---------------------------------------------------------------- rendering

def _number_formatter(lang, native_digits):
    system = languages.get(lang).digits if native_digits else "latn"

    def number(value):
        return format_decimal(value, locale=lang, numbering_system=system) if isinstance(value, int) else str(value)

    def percent(part, whole):
        return format_percent(part / whole if whole else 0, locale=lang, numbering_system=system)

    return number, percent


def render_html(gathered, preview=False, stylesheet_base="", **part):
    """The report's HTML (for WeasyPrint, or the preview page). Call inside force_locale(lang).
    `part` (only, part_css): one part of a build laid out in parallel (consult.reports.parallel)."""
    data = gathered.content
    lang = data["lang"]
    number, percent = _number_formatter(lang, data["arabic_digits"])
    return render_template(
        "reports/main.html" if data.get("part") == "main" else "reports/report.html", report=data, doc_title=data["call"]["title"], doc_title_lang=data["call"]["title_lang"],
        arabic_digits=data["arabic_digits"], preview=preview, stylesheet_base=stylesheet_base,
        num=number, percent=percent, bar=charts.bar, columns=charts.columns,
        language_name=lambda code: content.language_name(code, lang),
        prepared=format_date(utcnow(), "long", locale=lang), **pdf.template_helpers(), **part)


def gather(consultation, lang, part=DEFAULT_PART):
    """The data of one part of the report: the main report (the group's synthesis) or the annex (the
    compendium of every quotable submission). Call inside force_locale(lang)."""
    if part == "main":
        return main_report.gather(consultation, lang)
    if part != "annex":
        raise ValueError(f"unknown part {part!r}")
    return content.gather(consultation, lang)


def preview_html(consultation, lang, stylesheet_base, part=DEFAULT_PART):
    with force_locale(lang):
        return render_html(gather(consultation, lang, part), preview=True, stylesheet_base=stylesheet_base)


def render_docx(gathered):
    """The Word version of a main report, from the very data of its PDF. Call inside force_locale(lang)."""
    data = gathered.content
    number, _percent = _number_formatter(data["lang"], data["arabic_digits"])
    return docx.render(data, pdf_title(data), format_date(utcnow(), "long", locale=data["lang"]), number)


def docx_path(report):
    return storage.path_of(report.docx_name) if report.docx_name else None


def pdf_title(data):
    if data.get("part") == "main":
        return _("Report of the advisory group: %(call)s", call=data["call"]["title"])
    return _("Input report: %(call)s", call=data["call"]["title"])
