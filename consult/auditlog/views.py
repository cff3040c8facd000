"""The audit log page (secretariat): every recorded change, newest first, with the object it was made on."""
from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.access import secretariat_required
from ..consultations.models import Consultation, Submission
from ..core.database import parse_row_id
from ..core.extensions import db
from ..core.audit import services as audit
from . import text as audit_text

bp = Blueprint("audit", __name__)

AUDIT_PAGE = 200


@bp.route("/review/audit", endpoint="log")
@secretariat_required
def audit_log():
    before = request.args.get("before", "")
    before_id = parse_row_id(before) if before else None
    if before and before_id is None:
        abort(400)
    entries = audit.recent(AUDIT_PAGE, before_id=before_id)
    return render_template("consultations/review/audit.html", entries=entries, objects=_audit_objects(entries),
                           older=entries[-1].id if len(entries) == AUDIT_PAGE else None)


def _audit_objects(entries):
    """{(object_type, id): (label, link)}: one query per kind of object, whatever the number of entries."""
    wanted = {}
    for entry in entries:
        wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    objects = {}
    if wanted.get("submissions"):
        rows = db.session.execute(select(Submission.id, Submission.reference)
                                  .where(Submission.id.in_(wanted["submissions"]))).all()
        for submission_id, ref in rows:
            objects[("submissions", submission_id)] = (
                ref or _("Submission %(id)s", id=submission_id), url_for("review.show", submission_id=submission_id))
    if wanted.get("consultations"):
        rows = db.session.execute(select(Consultation.id, Consultation.slug)
                                  .where(Consultation.id.in_(wanted["consultations"]))).all()
        for consultation_id, slug in rows:
            objects[("consultations", consultation_id)] = (slug, None)
    for object_type, ids in wanted.items():
        for object_id in ids:
            objects.setdefault((object_type, object_id), (audit_text.object_label(object_type, object_id), None))
    return objects


@bp.app_context_processor
def audit_helpers():
    """What templates/consultations/review/_audit_entries.html asks for, on every page that lists entries
    (this log, and a submission's history on its review page: that feature sits below this one)."""
    return {
        "audit_action": audit_text.action_label,
        "audit_details": audit_text.details,
        "actor_label": audit_text.actor_label,
    }
