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
import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import timezone

from sqlalchemy import select

from ..extensions import db
from . import visibility
from .models import Submission
from .calls import local_time

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

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


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


def _cell(value):
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if value is None:
        return ""
    return str(value)


# A formula start at the beginning of a value, or after a character at which a spreadsheet may cut the
# value into cells (its list separator "," or ";", a tab, a line break), quotes and spaces skipped:
# Excel set to ";" (French, Arabic) splits `a;=1+1;b` into three cells and runs the middle one.
_FORMULA_AT = re.compile(r'(\A|[,;\t\r\n])([" ]*)(?=[=+\-@\t\r])')


def neutralise(text):
    """A value in which a spreadsheet could find a formula, wherever it cuts it into cells: each
    formula start that begins the value or follows a separator gets a single quote before it."""
    return _FORMULA_AT.sub(lambda match: match.group(1) + match.group(2) + "'", text)


def csv_table(names, rows):
    """A CSV file of `rows` (dicts) with the columns `names`: UTF-8 with a byte-order mark
    (so Excel reads Arabic right); every field quoted; lists joined; formulas neutralised (see
    neutralise). Shared by every export."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(names)
    for row in rows:
        writer.writerow([neutralise(_cell(row.get(name))) for name in names])
    return buffer.getvalue().encode("utf-8-sig")


def to_csv(rows, audience):
    """UTF-8 with a byte-order mark (so Excel reads Arabic right); formulas neutralised."""
    return csv_table(columns(audience), rows)


def to_xlsx(rows, audience, created=None):
    """One sheet; every cell written as a string, so nothing is ever a formula.

    `created` (a UTC datetime) is the document's date; given, the same data give the same bytes.
    """
    # Imported here: a fifth of a second at start-up (measured) that only XLSX exports need.
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    if created is not None:
        workbook.set_properties({"created": created.astimezone(timezone.utc).replace(tzinfo=None)})
    sheet = workbook.add_worksheet("submissions")
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    names = columns(audience)
    for col, name in enumerate(names):
        sheet.write_string(0, col, name, bold)
        sheet.set_column(col, col, 60 if name in ("good_practices", "challenges", "recommendations") else 18)
    for number, row in enumerate(rows, start=1):
        for col, name in enumerate(names):
            sheet.write_string(number, col, _cell(row.get(name)), wrap)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def to_json(rows, audience=None):
    """A list of objects; Arabic and French stay readable (no \\u escapes)."""
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


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
