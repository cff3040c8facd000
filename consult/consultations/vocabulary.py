"""The words of calls for input and submissions, defined once: the labels of their statuses, of the
confidentiality levels and of the submitter's text fields, in the reader's language.

Pages, forms, exports, reports and the audit text take their labels from here. Only labels: what a
status or a level allows is decided elsewhere (the confidentiality policy is visibility.py). This
module imports nothing of the application, so any module may use it.
"""
from types import MappingProxyType

from flask_babel import lazy_gettext as _l

# ---------------------------------------------------------------- a submission's review status

SUBMISSION_STATUS_LABELS = MappingProxyType({
    "draft": _l("Draft (not sent)"),
    "received": _l("Received"),
    "screened": _l("Screened"),
    "included": _l("Included"),
    "excluded": _l("Excluded"),
    "withdrawn": _l("Withdrawn"),
})


def submission_status_label(status):
    return SUBMISSION_STATUS_LABELS.get(status, status)


# ---------------------------------------------------------------- confidentiality levels
# The keys are visibility.LEVELS (the policy names the levels; this only says them).

LEVEL_LABELS = MappingProxyType({
    "public": _l("Public"),
    "anonymous": _l("Anonymous"),
    "confidential": _l("Confidential"),
})


def level_label(level):
    """The level's name in the reader's language (an unknown one shows its code: secretariat pages only)."""
    return LEVEL_LABELS.get(level, level)


# What each level means, as the submission form offers it.
LEVEL_EXPLANATIONS = MappingProxyType({
    "public": _l("Public: anyone may read it once it is included, and the report may quote it with the name of your organisation."),
    "anonymous": _l("Anonymous: it may be read and quoted, but your organisation is never named; it is described only by its type and country."),
    "confidential": _l("Confidential: only the secretariat reads it. It is never quoted or named; it only counts in the statistics."),
})


def level_explanation(level):
    return LEVEL_EXPLANATIONS.get(level, "")


# ---------------------------------------------------------------- the submitter's texts (models.TEXT_FIELDS)

FIELD_LABELS = MappingProxyType({
    "good_practices": _l("Good practices"),
    "challenges": _l("Challenges"),
    "recommendations": _l("Recommendations"),
})


def field_label(name):
    return FIELD_LABELS.get(name, name)


# ---------------------------------------------------------------- a translation of a submission's text

# As a word inside a sentence ("Good practices into French (confirmed).").
TRANSLATION_STATUS_LABELS = MappingProxyType({
    "confirmed": _l("confirmed"),
    "draft": _l("draft"),
})


# ---------------------------------------------------------------- a call's status (models.CONSULTATION_STATUSES)

# As the secretariat chooses it: each status with what it does.
CALL_STATUS_LABELS = MappingProxyType({
    "draft": _l("Draft: only the secretariat sees it"),
    "open": _l("Open: published, accepts submissions between the opening and the deadline"),
    "closed": _l("Closed: published, accepts nothing"),
    "reported": _l("Reported: closed, and its input report is done"),
})


def call_status_label(status):
    return CALL_STATUS_LABELS.get(status, status)
