"""Open data of a call: the CSV (under the language prefix), the JSON (under /api) and the data dictionary."""
from flask import Blueprint, Response, abort, jsonify, render_template
from flask_babel import lazy_gettext as _l

from ..consultations import services as consultations
from ..consultations.views.review import language_label
from ..consultations.vocabulary import field_label
from ..core.web import external_url
from . import services

bp = Blueprint("opendata", __name__)
api_bp = Blueprint("opendata_api", __name__)


@bp.app_template_global("has_open_data")
def has_open_data(consultation):
    """For the call's public page: whether its open data are out (once a report is published)."""
    return services.is_open(consultation)
MAX_AGE = 300

# What each column holds, in the reader's language. Column names themselves are stable English keys.
DESCRIPTIONS = {
    "reference": _l("The submission's reference, unique across calls (for example RSAG-2026-0042)."),
    "consultation": _l("The call for input's short name (slug)."),
    "status": _l("Always “included”: only submissions the secretariat included in the report are open data."),
    "organisation": _l("The organisation's name, only when it agreed to be named; empty for anonymous submissions."),
    "constituency": _l("The organisation's constituency (code: civil_society, migrant_diaspora, trade_union, academia…)."),
    "country": _l("Country where the organisation is registered (ISO 3166 code; empty or a regional code if outside one country)."),
    "countries_of_work": _l("Countries or areas the organisation works in (codes, separated by “; ” in the CSV)."),
    "language": _l("Language the submission was written in (ar, en or fr)."),
    "objectives": _l("GCM objectives (1 to 23) the submission addresses, as confirmed by the secretariat."),
    "principles": _l("GCM guiding principles the submission refers to (codes a to j)."),
    "good_practices": _l("The submitter's text on good practices, in its original language."),
    "challenges": _l("The submitter's text on challenges, in its original language."),
    "recommendations": _l("The submitter's recommendations, in its original language."),
    "submitted_at": _l("When it was sent (ISO 8601, with the offset of the call's time zone)."),
    "licence": _l("The licence of the data set, with its address."),
}
TRANSLATION_DESCRIPTION = _l("A translation of “%(field)s” into %(language)s confirmed by the secretariat; empty when there is none.")


def _consultation_or_404(slug):
    try:
        return consultations.get_consultation(slug)
    except consultations.NotFound:
        abort(404)


def _open_or_404(slug):
    consultation = _consultation_or_404(slug)
    if not services.is_open(consultation):
        abort(404)
    return consultation


def _public(response):
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def describe(name):
    """The description of one column, in the page's language."""
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    field, _sep, lang = name.rpartition("_")
    return TRANSLATION_DESCRIPTION % {"field": field_label(field), "language": language_label(lang)}


@bp.get("/consultations/<slug>/data.csv")
def data_csv(slug):
    consultation = _open_or_404(slug)
    response = Response(services.as_csv(consultation), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{services.filename(consultation, "csv")}"'
    licence = services.licence_of(consultation)
    response.headers["Link"] = f'<{licence["url"]}>; rel="license"'
    return _public(response)


@bp.get("/consultations/<slug>/data")
def dictionary(slug):
    consultation = _open_or_404(slug)
    return render_template("opendata/dictionary.html", consultation=consultation,
                           licence=services.licence_of(consultation), columns=services.columns(), describe=describe)


@api_bp.get("/consultations/<slug>/submissions")
def submissions_json(slug):
    consultation = _open_or_404(slug)
    dictionary_url = external_url("opendata.dictionary", slug=slug, lang="en")
    response = jsonify(services.as_json(consultation, dictionary_url))
    response.headers["Link"] = f'<{services.licence_of(consultation)["url"]}>; rel="license"'
    return _public(response)
