"""Audit entries as readers see them: what happened and its details as sentences in the reader's language,
never the codes they are stored as ("term.created", "role: member; seat: 1")."""
from datetime import date

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..consultations.views.review import language_label
from ..consultations.vocabulary import TRANSLATION_STATUS_LABELS, field_label, level_label
from ..consultations.vocabulary import submission_status_label as status_label
from ..membership.vocabulary import end_reason_label, role_label
from ..reports.vocabulary import PULL_REASON_LABELS

ACTIONS = {
    "submission.received": _l("Submission received"),
    "submission.edited": _l("Changed by the submitter"),
    "submission.withdrawn": _l("Withdrawn"),
    "submission.restored": _l("Withdrawal undone by the submitter"),
    "submission.consent_narrowed": _l("Made stricter"),
    "submission.link_renewed": _l("New private link sent"),
    "submission.status": _l("Status changed"),
    "submission.tags": _l("Tags changed"),
    "submission.objectives": _l("Objectives corrected"),
    "submission.note": _l("Note added"),
    "submission.translation": _l("Translation saved"),
    "submission.contact_purged": _l("Contact details removed"),
    "consultation.created": _l("Call for input created"),
    "consultation.changed": _l("Call for input changed"),
    "consultation.reviewers": _l("Reviewers assigned"),
    "term.created": _l("Term on the group added"),
    "term.changed": _l("Term on the group changed"),
    "term.ended": _l("Term on the group ended early"),
    "nomination_call.created": _l("Call for nominations created"),
    "nomination_call.changed": _l("Call for nominations changed"),
    "application.received": _l("Nomination received"),
    "application.shortlisted": _l("Nomination shortlisted"),
    "application.declined": _l("Nomination declined"),
    "application.selected": _l("Nominee selected"),
    "application.personal_data_removed": _l("Personal data of the nomination removed"),
    "report.texts": _l("Report's summary and methodology saved"),
    "report.build": _l("Report build requested"),
    "report.publish": _l("Report published"),
    "report.unpublish": _l("Report withdrawn from publication"),
    "report.pulled": _l("Report build pulled"),
}

# The fields named in "changed" entries, as a reader knows them.
FIELDS = {
    "slug": _l("web address"), "reference_prefix": _l("reference prefix"), "title": _l("title"),
    "description": _l("description"), "questions": _l("questions"), "objectives": _l("objectives"),
    "timezone": _l("time zone"), "opens_at": _l("opening"), "closes_at": _l("deadline"), "status": _l("status"),
    "organisation_id": _l("organisation"), "role": _l("role"), "seat": _l("seat"), "starts_on": _l("start"),
    "ends_on": _l("end"), "tor_accepted_on": _l("terms of reference"),
    "coi_declared_on": _l("conflict-of-interest declaration"),
}

OBJECTS = {
    "submissions": _l("Submission %(id)s"),
    "consultations": _l("Call for input %(id)s"),
    "terms": _l("Term %(id)s"),
    "nomination_calls": _l("Call for nominations %(id)s"),
    "nomination_applications": _l("Nomination %(id)s"),
    "reports": _l("Report %(id)s"),
}


def action_label(entry):
    label = ACTIONS.get(entry.action)
    return str(label) if label is not None else _("Other change (%(code)s)", code=entry.action)


def actor_label(entry):
    """Who made the change: a signed-in person's name (or address); nobody signed in is the submitter or the system."""
    if entry.actor is None:
        return _("The submitter or the system")
    return entry.actor.name or entry.actor.email


def object_label(object_type, object_id):
    label = OBJECTS.get(object_type)
    return label % {"id": object_id} if label is not None else _("Record %(id)s", id=object_id)


def _fields(names):
    return ", ".join(str(FIELDS.get(name, name)) for name in names or [])


def _day(value):
    try:
        return format_date(date.fromisoformat(value), "long")
    except (TypeError, ValueError):
        return value or "—"


def _language(code):
    return language_label(code)


def details(entry):
    """The details of an entry as a short sentence in the reader's language ("" when the action says it all)."""
    details = entry.details or {}
    action = entry.action
    if action == "submission.status":
        text = _("From “%(before)s” to “%(after)s”.", before=status_label(details.get("before")),
                 after=status_label(details.get("after")))
        if details.get("reason"):
            text += " " + _("Reason: %(reason)s", reason=details["reason"])
        return text
    if action in ("submission.withdrawn", "submission.consent_narrowed"):
        text = _("From “%(before)s” to “%(after)s”.", before=level_label(details.get("before")),
                 after=level_label(details.get("after"))) if action == "submission.consent_narrowed" else ""
        by = (_("By the secretariat, on the organisation's request.") if details.get("by") == "secretariat"
              else _("By the submitter, through the private link."))
        text = " ".join(part for part in (text, by) if part)
        if details.get("reason"):
            text += " " + _("Reason: %(reason)s", reason=details["reason"])
        return text
    if action == "report.pulled":
        return _("Report in %(language)s: %(reason)s.", language=_language(details.get("lang")),
                 reason=PULL_REASON_LABELS.get(details.get("reason"), details.get("reason") or "—"))
    if action == "submission.tags":
        return _("From “%(before)s” to “%(after)s”.", before=", ".join(details.get("before") or []) or "—",
                 after=", ".join(details.get("after") or []) or "—")
    if action == "submission.objectives":
        return _("From “%(before)s” to “%(after)s”.", before=", ".join(map(str, details.get("before") or [])) or "—",
                 after=", ".join(map(str, details.get("after") or [])) or "—")
    if action == "submission.translation":
        status = TRANSLATION_STATUS_LABELS["confirmed" if details.get("status") == "confirmed" else "draft"]
        return _("%(field)s into %(language)s (%(status)s).", field=field_label(details.get("field")),
                 language=_language(details.get("lang")), status=status)
    if action in ("consultation.changed", "consultation.created", "term.changed") and details.get("fields"):
        return _("Changed: %(fields)s.", fields=_fields(details["fields"]))
    if action == "consultation.reviewers":
        added, removed = len(details.get("added") or []), len(details.get("removed") or [])
        return " ".join(text for text in (
            ngettext("%(num)d reviewer added.", "%(num)d reviewers added.", added) if added else "",
            ngettext("%(num)d reviewer removed.", "%(num)d reviewers removed.", removed) if removed else "",
        ) if text)
    if action == "term.created":
        return _("Seat %(seat)s, as %(role)s.", seat=details.get("seat", "—"),
                 role=role_label(details.get("role"), "—"))
    if action == "term.ended":
        return _("Last day: %(date)s. Reason: %(reason)s.", date=_day(details.get("ended_on")),
                 reason=end_reason_label(details.get("reason"), "—"))
    if action == "application.selected" and details.get("term"):
        return _("Term %(id)s added.", id=details["term"])
    if action in ("report.build", "report.publish", "report.unpublish") and details.get("lang"):
        return _("Report in %(language)s.", language=_language(details["lang"]))
    if action == "report.texts" and details.get("languages"):
        return _("In %(languages)s.", languages=", ".join(_language(code) for code in details["languages"]))
    return ""
