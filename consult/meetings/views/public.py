"""Meeting pages that anyone or members see (under /<lang>), and what the secretariat's pages share with them.

The secretariat's pages are in admin.py, on the same "meetings" blueprint; calendar files in calendar.py.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_timezone, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from sqlalchemy import select

from ...core import costs
from ...auth.access import login_required
from ...auth.models import User
from ...core.extensions import db
from ...core.i18n import current_lang
from ...core.web import external_url, render_form
from ...core import storage
from .. import agenda, minutes, notices, rsvp, schedule, services, vocabulary
from ..agenda_pdf import stored_pdf
from ..forms import ActionForm, AttendanceForm, CloseActionForm, ConfirmForm, FeedTokenForm, RsvpForm
from ..vocabulary import RESPONSE_LABELS

bp = Blueprint("meetings", __name__)


@bp.context_processor
def labels():
    return {**vocabulary.template_labels(), "render_text": minutes.render_text}


def meeting_or_404(meeting_id):
    try:
        return services.get_meeting(meeting_id, current_user)
    except services.NotFound:
        abort(404)


@bp.route("/meetings/")
def index():
    meetings = services.visible_meetings(current_user)
    return render_template("meetings/index.html", meetings=meetings)


def _is_secretariat():
    return current_user.is_authenticated and current_user.role == "secretariat"


def show_page(meeting, rsvp_form=None, attendance_form=None, action_form=None):
    """The meeting page; 400 when a form on it carries errors."""
    invitation = services.invitation_for(meeting, current_user)
    if invitation is not None and rsvp_form is None:
        rsvp_form = RsvpForm()
    invitations = None
    if _is_secretariat():
        invitations = rsvp.invitations_with_users(meeting)
        if attendance_form is None:
            attendance_form = AttendanceForm(invitations=invitations,
                                             data={"attended": [i.id for i in invitations if i.attended]})
    if _is_secretariat() and action_form is None:
        action_form = ActionForm(users=owner_choices())
    status = 400 if any(form is not None and form.errors
                        for form in (rsvp_form, attendance_form, action_form)) else 200
    pending = _pending(meeting, invitations) if invitations is not None else None
    return render_template("meetings/show.html", meeting=meeting, invitation=invitation, rsvp_form=rsvp_form,
                           invitations=invitations, attendance_form=attendance_form, pending=pending,
                           confirm_form=ConfirmForm(),
                           meeting_over=rsvp.is_over(meeting), meeting_started=rsvp.has_started(meeting),
                           **_minutes_context(meeting), action_form=action_form), status


def _pending(meeting, invitations):
    """What the secretariat's "Send the update to N invitees" button would send, for the meeting page."""
    pending = services.pending_notices(meeting, invitations)
    if not pending:
        return None
    kinds = {kind for _invitation, kind in pending}
    count = len(pending)
    if "cancellation" in kinds:
        button = ngettext("Send the cancellation to %(num)d invitee", "Send the cancellation to %(num)d invitees", count)
    elif "update" in kinds:
        button = ngettext("Send the update to %(num)d invitee", "Send the update to %(num)d invitees", count)
    else:
        button = ngettext("Send the invitation to %(num)d invitee", "Send the invitation to %(num)d invitees", count)
    sent = next((invitation.sent_schedule for invitation, kind in pending if kind == "update"), None)
    changes = notices.changes(sent, schedule.calendar_view(meeting), str(get_timezone()), current_lang())
    return {"button": button, "changes": changes}


def owner_choices():
    return db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name, User.id)).all()


def _minutes_context(meeting):
    """Minutes and decisions for those who may read them; action items for signed-in readers."""
    record = minutes.minutes_of(meeting)
    readable = minutes.may_read_minutes(meeting, record, current_user)
    signed_in = current_user.is_authenticated
    return {
        "minutes": record if readable else None,
        "decisions": minutes.decisions_of(meeting) if readable else [],
        "actions": minutes.actions_of(meeting) if signed_in else None,
        "close_form": CloseActionForm() if signed_in else None,
        "may_close": (lambda action: minutes.may_close(action, current_user)),
    }


@bp.route("/meetings/<int:meeting_id>/")
def show(meeting_id):
    return show_page(meeting_or_404(meeting_id))


@bp.route("/meetings/<int:meeting_id>/rsvp", methods=["POST"])
@login_required
def answer(meeting_id):
    """A signed-in invitee answers accept / decline / tentative."""
    meeting = meeting_or_404(meeting_id)
    invitation = services.invitation_for(meeting, current_user)
    if invitation is None:
        abort(403)
    form = RsvpForm()
    if not form.validate_on_submit():
        return show_page(meeting, rsvp_form=form)
    try:
        rsvp.respond(invitation, form.response.data)
    except rsvp.RsvpCancelled:
        return render_template("meetings/rsvp_error.html", reason="cancelled", meeting=meeting), 410
    except rsvp.RsvpClosed:
        return render_template("meetings/rsvp_error.html", reason="expired", meeting=meeting), 410
    flash(_("Your answer is recorded: %(answer)s.", answer=RESPONSE_LABELS[invitation.response]), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/meetings/rsvp/<token>", methods=["GET", "POST"])
def rsvp_link(token):
    """An observer (no account) answers through the signed link from their invite e-mail."""
    try:
        invitation = rsvp.invitation_from_token(token)
    except rsvp.LinkError as error:
        status = 410 if error.reason in ("expired", "cancelled") else 404
        return render_template("meetings/rsvp_error.html", reason=error.reason, meeting=None), status
    meeting = invitation.meeting
    form = RsvpForm()
    if form.validate_on_submit():
        try:
            rsvp.respond(invitation, form.response.data)
        except rsvp.RsvpCancelled:
            return render_template("meetings/rsvp_error.html", reason="cancelled", meeting=meeting), 410
        except rsvp.RsvpClosed:
            return render_template("meetings/rsvp_error.html", reason="expired", meeting=meeting), 410
        flash(_("Your answer is recorded: %(answer)s.", answer=RESPONSE_LABELS[invitation.response]), "success")
        return redirect(url_for("meetings.rsvp_link", token=token))
    status = 400 if form.errors else 200
    return render_template("meetings/rsvp.html", meeting=meeting, invitation=invitation, rsvp_form=form,
                           token=token), status


# ---------------------------------------------------------------- action items

def action_or_404(meeting, action_id):
    action = minutes.get_action(meeting, action_id)
    if action is None:
        abort(404)
    return action


@bp.route("/meetings/<int:meeting_id>/actions/<int:action_id>/done", methods=["POST"])
@login_required
def close_action(meeting_id, action_id):
    """The secretariat, or the action's owner, marks it done."""
    meeting = meeting_or_404(meeting_id)
    action = action_or_404(meeting, action_id)
    if not minutes.may_close(action, current_user):
        abort(403)
    form = CloseActionForm()
    if not form.validate_on_submit():
        abort(400)
    minutes.close_action(action, current_user)
    flash(_("The action is marked done."), "success")
    target = request.form.get("next")
    if target == "actions":
        return redirect(url_for("meetings.actions"))
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#actions")


@bp.route("/meetings/actions")
@login_required
def actions():
    """Open actions across the meetings the reader may see, their own first."""
    items = minutes.open_actions(current_user)
    return render_template("meetings/actions.html", actions=items, today=minutes.today(),
                           close_form=CloseActionForm(),
                           may_close=lambda action: minutes.may_close(action, current_user))


# ---------------------------------------------------------------- the member's calendar address

@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def feed():
    """The member's private subscription address: create (or replace) and revoke it."""
    form = FeedTokenForm()
    token = None
    if form.validate_on_submit():
        if form.revoke.data:
            services.revoke_feed_token(current_user)
            flash(_("Your calendar address is revoked: calendars using it get nothing any more."), "success")
            return redirect(url_for("meetings.feed"))
        token = services.new_feed_token(current_user)
    feed_url = external_url("calendar.private_feed", token=token) if token else None
    return render_form("meetings/calendar.html", form, feed_url=feed_url,
                       has_token=services.feed_token_exists(current_user))


# ---------------------------------------------------------------- agenda documents and the agenda PDF

def item_or_404(meeting, item_id):
    item = agenda.get_item(meeting, item_id)
    if item is None:
        abort(404)
    return item


def document_or_404(item, document_id):
    document = agenda.get_document(item, document_id)
    if document is None:
        abort(404)
    return document


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/documents/<int:document_id>")
def agenda_document(meeting_id, item_id, document_id):
    """Download a document, as an attachment, for anyone who may see the meeting (404 otherwise)."""
    meeting = meeting_or_404(meeting_id)
    document = document_or_404(item_or_404(meeting, item_id), document_id)
    response = send_file(storage.path_of(document.stored_name), mimetype=document.content_type,
                         as_attachment=True, download_name=storage.clean_name(document.original_name))
    if current_user.is_authenticated or meeting.visibility != "public":
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/meetings/<int:meeting_id>/agenda.pdf")
def agenda_pdf(meeting_id):
    """The agenda as a PDF in the page's language, for anyone who may see the meeting (404 otherwise).

    Served from the stored file; a build (the agenda changed) counts against the reader's address."""
    meeting = meeting_or_404(meeting_id)
    lang = current_lang()
    path = stored_pdf(meeting, lang,
                      before_build=lambda: costs.count_build("agenda-pdf", "CONSULT_RATELIMIT_PDF"))
    response = send_file(path, mimetype="application/pdf", conditional=True, etag=path.stem[-64:])
    response.headers["Content-Disposition"] = f'attachment; filename="agenda-{meeting.id}-{lang}.pdf"'
    if current_user.is_authenticated or meeting.visibility != "public":
        response.headers["Cache-Control"] = "private, no-store"
    return response
