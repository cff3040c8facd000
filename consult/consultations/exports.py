"""A call's submissions as one audience may see them, written as CSV, XLSX or JSON.

No request in here: the export page and `consult export submissions` call the
same functions and so give the same file.

Who sees what (DESIGN.md, "Confidentiality levels of a submission"):

* ``secretariat``: every submission that was sent (never unsent drafts), at any
  confidentiality level and in any review status, with every field: the
  organisation's name, the contact details (until the retention purge removes
  them), the review status, its reason, tags.
* ``members`` (reviewers assigned to the call): the submissions under review or
  kept -- status received, screened or included. Withdrawn and excluded ones
  are left out (the submitter took theirs back; the secretariat set the others
  aside), and confidential ones are never there at all. An anonymous
  submission appears without its organisation's name: it is described only by
  its constituency and country. No contact details, no confidentiality column.
* ``public``: only included submissions that are public or anonymous; an
  anonymous one without its organisation's name. No contact details, no tags.

File names carry the call's slug and the audience, never an organisation's name.
"""
from dataclasses import dataclass

from sqlalchemy import select

from ..core import tables
from ..core.extensions import db
from ..core.i18n import local_time
from . import visibility
from .models import Submission

AUDIENCES = ("secretariat", "members", "public")
FORMATS = ("csv", "xlsx", "json")



def _statuses(audience):
    """Review statuses each audience sees (the policy's); a draft (never sent) is no one's."""
    return visibility.STATUSES[visibility.export_audience(audience)]

_ALL = frozenset(AUDIENCES)
_INTERNAL = frozenset({"secretariat", "members"})
_SECRETARIAT = frozenset({"secretariat"})

# Column name, audiences that get it. Names are stable English keys (open data), not translated.
COLUMNS = (
    ("reference", _ALL),
    ("consultation", _ALL),
    ("status", _ALL),
    ("organisation", _ALL),
    ("constituency", _ALL),
    ("country", _ALL),
    ("countries_of_work", _ALL),
    ("language", _ALL),
    ("objectives", _ALL),
    ("principles", _ALL),
    ("good_practices", _ALL),
    ("challenges", _ALL),
    ("recommendations", _ALL),
    ("confidentiality", _SECRETARIAT),
    ("contact_name", _SECRETARIAT),
    ("contact_email", _SECRETARIAT),
    ("contact_phone", _SECRETARIAT),
    ("contact_purged_at", _SECRETARIAT),
    ("exclusion_reason", _SECRETARIAT),
    ("possible_duplicate_of", _SECRETARIAT),
    ("attachments", _SECRETARIAT),
    ("submitted_at", _ALL),
    ("tags", _INTERNAL),
)

MIMETYPES = tables.MIMETYPES
# A spreadsheet runs a cell that starts with one of these as a formula.


def _check(audience):
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")


def columns(audience):
    _check(audience)
    return [name for name, audiences in COLUMNS if audience in audiences]


def submissions(consultation, audience):
    """The submissions of the call that `audience` may see, in reference order."""
    _check(audience)
    reader = visibility.export_audience(audience)
    query = select(Submission).where(Submission.consultation_id == consultation.id,
                                     Submission.status.in_(_statuses(audience)))
    if not visibility.sees_every_level(reader):
        query = query.where(Submission.confidentiality.in_(visibility.readable_levels(reader)))
    return db.session.scalars(query.order_by(Submission.number, Submission.id)).all()


def rows(consultation, audience, items=None):
    """One dict per submission, with exactly the columns of `audience`; lists stay lists."""
    items = submissions(consultation, audience) if items is None else items
    references = {item.id: item.reference for item in items}
    wanted = columns(audience)
    reader = visibility.export_audience(audience)
    out = []
    for item in items:
        # Belt and braces: whatever the query gave, these never leave for members or the public.
        if not item.may(reader, "text") or item.status not in _statuses(audience):
            continue
        row = {
            "reference": item.reference or "",
            "consultation": consultation.slug,
            "status": item.status,
            "organisation": item.org_name if item.may(reader, "organisation") else "",
            "constituency": item.constituency if item.may(reader, "profile") else "",
            "country": item.country if item.may(reader, "profile") else "",
            "countries_of_work": list(item.countries_of_work or []) if item.may(reader, "profile") else [],
            "language": item.language if item.may(reader, "profile") else "",
            "objectives": list(item.effective_objectives or []),
            "principles": list(item.principles or []),
            "good_practices": item.good_practices or "",
            "challenges": item.challenges or "",
            "recommendations": item.recommendations or "",
            "submitted_at": _moment(item.submitted_at, consultation.timezone),
        }
        if audience == "secretariat":
            row.update({
                "confidentiality": item.confidentiality,
                "contact_name": item.contact_name or "",
                "contact_email": item.contact_email or "",
                "contact_phone": item.contact_phone or "",
                "contact_purged_at": _moment(item.contact_purged_at, consultation.timezone),
                "exclusion_reason": item.exclusion_reason or "",
                # Only when the earlier one is in this export: a reference from elsewhere could name nothing.
                "possible_duplicate_of": references.get(item.duplicate_of_id) or "",
                "attachments": len(item.attachments),
            })
        if audience in _INTERNAL:
            row["tags"] = list(item.tags or [])
        out.append({name: row[name] for name in wanted})
    return out


def _moment(moment, zone):
    """ISO 8601 with the offset of the call's own zone, e.g. 2026-12-01T23:59:00+02:00."""
    return local_time(moment, zone).isoformat(timespec="seconds") if moment else ""


def to_csv(rows, audience):
    """UTF-8 with a byte-order mark (so Excel reads Arabic right); formulas neutralised."""
    return tables.csv_table(columns(audience), rows)


def to_xlsx(rows, audience, created=None):
    """One sheet; every cell a string, so nothing is ever a formula (same data, same bytes, given `created`)."""
    return tables.xlsx_table(columns(audience), rows, sheet="submissions",
                             wide=("good_practices", "challenges", "recommendations"), created=created)


def to_json(rows, audience=None):
    """A list of objects; Arabic and French stay readable (no \\u escapes)."""
    return tables.json_table(rows)


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}


@dataclass
class Export:
    data: bytes
    filename: str
    mimetype: str
    count: int


def filename(consultation, audience, fmt):
    return f"{consultation.slug}-submissions-{audience}.{fmt}"


def export(consultation, audience, fmt):
    """The whole file for one audience and format."""
    _check(audience)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    items = submissions(consultation, audience)
    data_rows = rows(consultation, audience, items)
    if fmt == "xlsx":
        # The date of the newest change to what is exported: the file is the same as long as the data are.
        created = max([consultation.updated_at] + [item.updated_at for item in items])
        data = to_xlsx(data_rows, audience, created=created)
    else:
        data = WRITERS[fmt](data_rows, audience)
    return Export(data, filename(consultation, audience, fmt), MIMETYPES[fmt], len(data_rows))
