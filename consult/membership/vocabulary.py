"""The words of the group, defined once: the labels of its roles, genders, term statuses, end reasons,
application and call statuses, used by the forms, the pages, the charts and the audit text."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext_l

from ..organisations.vocabulary import OUTSIDE_REGION, OUTSIDE_REGION_LABEL  # noqa: F401 (the group's words too)

ROLE_LABELS = {"chair": _l("Chair"), "co_chair": _l("Co-chair"), "member": _l("Member"), "alternate": _l("Alternate")}
GENDER_LABELS = {"female": _l("Woman"), "male": _l("Man"), "other": _l("Another gender"),
                 "undisclosed": _l("Prefers not to say"), "unstated": _l("Not stated")}
END_REASON_LABELS = {"resigned": _l("Resigned"), "other": _l("Other reason")}
# A term's status (models.Term.status).
TERM_STATUS_LABELS = {"current": _l("Current"), "upcoming": _l("Starts later"),
                      "waiting": _l("Waiting for the declarations"), "past": _l("Past")}
APPLICATION_STATUS_LABELS = {"received": _l("Received"), "shortlisted": _l("Shortlisted"),
                             "selected": _l("Selected"), "declined": pgettext_l("nomination", "Declined")}
CALL_STATUS_LABELS = {"draft": _l("Draft: only the secretariat sees it"),
                      "open": _l("Open: published, takes nominations until the deadline"),
                      "closed": _l("Closed: takes nothing")}


def _label(labels, code, empty):
    """The label of a code; an unknown code as it is, a missing one as `empty`."""
    return labels.get(code, code or empty)


def role_label(code, empty=""):
    return _label(ROLE_LABELS, code, empty)


def gender_label(code, empty=""):
    return _label(GENDER_LABELS, code, empty)


def end_reason_label(code, empty=""):
    return _label(END_REASON_LABELS, code, empty)


def term_status_label(code, empty=""):
    return _label(TERM_STATUS_LABELS, code, empty)


def application_status_label(code, empty=""):
    return _label(APPLICATION_STATUS_LABELS, code, empty)
