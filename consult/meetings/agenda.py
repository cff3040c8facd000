"""The agenda of a meeting, item by item, and the documents attached to its items.

Like services.py: no request in here; functions that change data commit.
A change to the items is not mailed on its own and raises no SEQUENCE: the feeds show
it at once, and invitees get it with the next update of the time, place or status.
Documents reuse consultations.uploads: checked by content, stored under random names.
"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..core import storage
from ..core.extensions import db
from .models import AgendaDocument, AgendaItem

ITEM_FIELDS = ("starts_at", "duration_minutes", "title", "description", "presenter", "objectives")
# Agenda documents: no images, unlike submissions' attachments.
DOCUMENT_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
)
DOCUMENT_EXTENSIONS = ("pdf", "docx", "odt")
DIRECTIONS = ("up", "down")


class InvalidItem(ValueError):
    """Values that cannot make an agenda item (no title, a time that does not exist ...)."""


def meeting_day(meeting):
    """The meeting's date in its own zone: agenda times are typed for that day."""
    return meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)).date()


def local_start(meeting, clock):
    """A local time of day (datetime.time) on the meeting's day in its zone, as UTC; None for a skipped time."""
    zone = ZoneInfo(meeting.timezone)
    naive = datetime.combine(meeting_day(meeting), clock.replace(tzinfo=None))
    moment = naive.replace(tzinfo=zone).astimezone(timezone.utc)
    if moment.astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return moment


def _values(values):
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidItem(f"fields: {sorted(unknown)}")
    if "title" in values and not any((values.get("title") or {}).values()):
        raise InvalidItem("title")
    objectives = values.get("objectives")
    if objectives is not None and any(not isinstance(n, int) or not 1 <= n <= 23 for n in objectives):
        raise InvalidItem("objectives")
    duration = values.get("duration_minutes")
    if duration is not None and not 1 <= duration <= 24 * 60:
        raise InvalidItem("duration_minutes")
    return values


def touch(meeting):
    """Renumber the items 1..n in their order and commit (an agenda change)."""
    for position, item in enumerate(sorted(meeting.agenda, key=lambda i: (i.position, i.id or 0)), start=1):
        item.position = position
    db.session.commit()


def _reorder(meeting, items):
    """Put the items in the given order, both in the positions and in meeting.agenda."""
    for position, item in enumerate(items, start=1):
        item.position = position
    meeting.agenda.sort(key=lambda i: i.position)


def get_item(meeting, item_id):
    """The item of this meeting, or None (an item of another meeting is None too)."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        return None
    return item


def add_item(meeting, **values):
    values = _values(values)
    if not any((values.get("title") or {}).values()):
        raise InvalidItem("title")
    item = AgendaItem(position=len(meeting.agenda) + 1, **values)
    meeting.agenda.append(item)
    touch(meeting)
    return item


def update_item(item, **values):
    """Change an item; returns True only when something changed."""
    values = _values(values)
    changed = False
    for field, value in values.items():
        if getattr(item, field) != value:
            setattr(item, field, value)
            changed = True
    if changed:
        touch(item.meeting)
    else:
        db.session.commit()
    return changed


def delete_item(item):
    """Delete an item and its documents' files; the others close up (1..n)."""
    meeting = item.meeting
    stored = [document.stored_name for document in item.documents]
    meeting.agenda.remove(item)
    _reorder(meeting, list(meeting.agenda))
    touch(meeting)
    for stored_name in stored:
        storage.remove(stored_name)


def move_item(item, direction):
    """Swap the item with its neighbour above or below; returns False at either end (nothing changes)."""
    if direction not in DIRECTIONS:
        raise InvalidItem("direction")
    meeting = item.meeting
    items = sorted(meeting.agenda, key=lambda i: (i.position, i.id))
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(items):
        return False
    items[index], items[other] = items[other], items[index]
    _reorder(meeting, items)
    touch(meeting)
    return True


# ---------------------------------------------------------------- documents

def check_document(upload):
    """Read and check one uploaded file (werkzeug FileStorage) with storage.check_files.

    Returns a storage.CheckedFile; raises storage.UploadError ("type", "size", "empty", "missing").
    """
    if upload is None or not upload.filename:
        raise storage.UploadError("missing")
    files = storage.check_files([upload])
    if not files:
        raise storage.UploadError("missing")
    checked = files[0]
    extension = checked.original_name.rsplit(".", 1)[-1].lower()
    if extension not in DOCUMENT_EXTENSIONS or checked.content_type not in DOCUMENT_TYPES:
        raise storage.UploadError("type", checked.original_name)
    return checked


def add_document(item, checked):
    """Store a checked file and attach it to the item; the file is removed again if the row cannot be saved."""
    columns = storage.store_checked(checked)
    try:
        document = AgendaDocument(**columns)
        item.documents.append(document)
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage.remove(columns["stored_name"])
        raise
    return document


def get_document(item, document_id):
    """The document of this item, or None."""
    return db.session.scalar(select(AgendaDocument).where(AgendaDocument.id == document_id,
                                                         AgendaDocument.agenda_item_id == item.id))


def delete_document(document):
    stored_name = document.stored_name
    document.item.documents.remove(document)
    db.session.commit()
    storage.remove(stored_name)
