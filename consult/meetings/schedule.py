"""What calendars show of a meeting, and what each invitee must be sent for theirs to show it as it is.

Each invitation keeps the calendar_view its invitee was last sent (`Invitation.sent_schedule`): services.py
compares views to raise SEQUENCE and to list pending notices, notices.py to say in the mail what changed.
Plain values only: no mail, no request, no database.
"""
from datetime import timezone

from .ics import STATUS

CALENDAR_FIELDS = ("starts_at", "ends_at", "timezone", "kind", "venue", "address", "join_url", "status")


def calendar_view(meeting):
    """What calendars show of the meeting, as plain JSON values (and the SEQUENCE it goes out with)."""
    return {
        "sequence": meeting.sequence or 0,
        "starts_at": meeting.starts_at.astimezone(timezone.utc).isoformat(),
        "ends_at": meeting.ends_at.astimezone(timezone.utc).isoformat(),
        "timezone": meeting.timezone, "kind": meeting.kind, "venue": meeting.venue or "",
        "address": meeting.address or "", "join_url": meeting.join_url or None, "status": meeting.status,
    }


def _seen(view):
    """The part of a calendar_view that a calendar shows (the status as iCalendar's STATUS)."""
    return tuple(STATUS.get(view[field], view[field]) if field == "status" else view.get(field)
                 for field in CALENDAR_FIELDS)


def differs(sent, view):
    return sent is None or _seen(sent) != _seen(view)


def notice_kind(meeting, sent):
    """What an invitee who was last sent `sent` (None: nothing yet) must be sent now, or None."""
    if meeting.status == "draft":
        return None
    view = calendar_view(meeting)
    if meeting.status == "cancelled":
        return "cancellation" if sent is not None and STATUS.get(sent["status"]) != "CANCELLED" else None
    if sent is None:
        return "invitation"
    return "update" if differs(sent, view) else None
