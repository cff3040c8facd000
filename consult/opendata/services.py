"""A call's open data: its included public and anonymous submissions, as the public may see them,
once the call has a published report. Built on the public export (consult.consultations.exports):
the same rows, plus the confirmed translations and the licence the secretariat chose.

Every field goes through the visibility policy for the public audience: a submission whose text
the public may not read is not there at all; an organisation the public may not know is blank;
contact details are never among the columns.
"""
from sqlalchemy import select

from ..consultations import exports, visibility
from ..consultations.models import LANGS, TEXT_FIELDS, SubmissionTranslation
from ..core import tables
from ..core.extensions import db
from ..reports.models import DEFAULT_LICENCE, LICENCES, Report, ReportSetup

AUDIENCE = "public"
TRANSLATION_COLUMNS = tuple(f"{field}_{lang}" for field in TEXT_FIELDS for lang in LANGS)
CONTACT_COLUMNS = ("contact_name", "contact_email", "contact_phone", "contact_purged_at")


class NotPublished(Exception):
    """The call has no published report yet: its data are not open."""


def is_open(consultation):
    """Open data exist once one of the call's reports is published."""
    return db.session.scalar(
        select(Report.id).where(Report.consultation_id == consultation.id, Report.published_at.is_not(None),
                                Report.status == "ready", Report.pulled_at.is_(None))
        .limit(1)) is not None


def licence_of(consultation):
    """{"id", "name", "url"} of the licence of the call's open data (CC BY 4.0 unless chosen otherwise)."""
    setup = db.session.get(ReportSetup, consultation.id)
    code = setup.licence if setup is not None and setup.licence in LICENCES else DEFAULT_LICENCE
    name, url = LICENCES[code]
    return {"id": code, "name": name, "url": url}


def columns():
    """The open data's columns, in order: the public export's, the translations, the licence."""
    base = [name for name in exports.columns(AUDIENCE) if name not in CONTACT_COLUMNS]
    return base + list(TRANSLATION_COLUMNS) + ["licence"]


def _translations(ids):
    """{(submission id, field, lang): text} of confirmed translations of these submissions."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(SubmissionTranslation.submission_id, SubmissionTranslation.field, SubmissionTranslation.lang,
               SubmissionTranslation.text)
        .where(SubmissionTranslation.submission_id.in_(ids), SubmissionTranslation.status == "confirmed"))
    return {(sid, field, lang): text for sid, field, lang, text in rows if text}


def rows(consultation):
    """One dict per submission the public may read, with exactly `columns()`."""
    if not is_open(consultation):
        raise NotPublished(consultation.slug)
    items = [item for item in exports.submissions(consultation, AUDIENCE)
             if visibility.may(item.confidentiality, visibility.PUBLIC, "text")]
    translations = _translations([item.id for item in items])
    licence = licence_of(consultation)
    wanted = columns()
    out = []
    exported = {row["reference"]: row for row in exports.rows(consultation, AUDIENCE, items)}
    for item in items:
        row = exported.get(item.reference or "")
        if row is None:
            continue
        if not visibility.may(item.confidentiality, visibility.PUBLIC, "organisation"):
            row["organisation"] = ""
        if not visibility.may(item.confidentiality, visibility.PUBLIC, "profile"):
            row.update(constituency="", country="", countries_of_work=[], language="")
        for field in TEXT_FIELDS:
            for lang in LANGS:
                row[f"{field}_{lang}"] = translations.get((item.id, field, lang), "")
        row["licence"] = f"{licence['name']} {licence['url']}"
        out.append({name: row.get(name, "") for name in wanted})
    return out


def as_csv(consultation):
    """UTF-8 with a byte-order mark, formulas neutralised (the exports' own CSV writer)."""
    return tables.csv_table(columns(), rows(consultation))


def as_json(consultation, dictionary_url=None):
    licence = licence_of(consultation)
    data = rows(consultation)
    return {"consultation": consultation.slug, "licence": licence, "dictionary": dictionary_url,
            "columns": columns(), "count": len(data), "submissions": data}


def filename(consultation, fmt):
    return f"{consultation.slug}-open-data.{fmt}"
