"""The words of meetings, defined once: what each code of models.py is called on pages, in forms,
in e-mails, in calendar files and in PDFs.

Every label is lazy (translated when shown, in the reader's language). The codes themselves are in
models.py (MEETING_KINDS, MEETING_STATUSES, VISIBILITIES, RESPONSES, ACTION_STATUSES), which the
database checks; tests/meetings/test_vocabulary.py checks that each has its label here.
"""
from flask_babel import lazy_gettext as _l

KIND_LABELS = {"in_person": _l("In person"), "virtual": _l("Virtual"), "hybrid": _l("Hybrid")}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "scheduled": _l("Scheduled"),
    "postponed": _l("Postponed"),
    "cancelled": _l("Cancelled"),
    "held": _l("Held"),
}
VISIBILITY_LABELS = {"public": _l("Public"), "members": _l("Members only")}

RESPONSE_LABELS = {
    "pending": _l("No answer yet"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "tentative": _l("Tentative"),
}
# The buttons: what each answer is called as an action.
ANSWER_BUTTONS = {"accepted": _l("Accept"), "declined": _l("Decline"), "tentative": _l("Maybe (tentative)")}

ACTION_STATUS_LABELS = {"open": _l("Open"), "done": _l("Done")}

# Moving an agenda item.
DIRECTION_LABELS = {"up": _l("Move up"), "down": _l("Move down")}


def kind_label(kind):
    return KIND_LABELS.get(kind, kind)


def status_label(status):
    return STATUS_LABELS.get(status, status)


def visibility_label(visibility):
    return VISIBILITY_LABELS.get(visibility, visibility)


def response_label(response):
    return RESPONSE_LABELS.get(response, response)


def action_status_label(status):
    return ACTION_STATUS_LABELS.get(status, status)


def template_labels():
    """The label functions the meeting templates (pages and the agenda PDF) call."""
    return {"kind_label": kind_label, "status_label": status_label, "response_label": response_label,
            "action_status_label": action_status_label}
