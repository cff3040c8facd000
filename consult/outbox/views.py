"""The secretariat's page of messages that did not go out, with a retry button for each."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth.access import secretariat_required
from ..core.extensions import db
from ..core.mail import services

bp = Blueprint("mail", __name__)

STATUS_LABELS = {
    "failed": _l("Failed"),
    "given_up": _l("Given up after several tries"),
    "sending": _l("Outcome unknown (sending was interrupted)"),
}


@bp.route("/outbox/")
@secretariat_required
def outbox():
    return render_template("mail/outbox.html", messages=services.needing_attention(),
                           status_labels=STATUS_LABELS, stuck_minutes=int(services.STUCK_AFTER.total_seconds() // 60))


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@secretariat_required
def retry(message_id):
    message = services.retry(message_id)
    if message is None:
        abort(404)
    db.session.commit()
    flash(_("The message is queued again and will be sent shortly."), "success")
    return redirect(url_for("mail.outbox"))
