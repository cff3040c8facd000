"""Meeting pages (under /<lang>) and calendar files (no language prefix)."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale, get_timezone, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from sqlalchemy import select

from ...auth.access import login_required, secretariat_required
from ...auth.models import User
from ...extensions import db
from ...i18n import LANGUAGES, browser_language, current_lang
from ...web import external_url, render_form
from ...consultations import uploads
from .. import agenda, ics, minutes, notices, rsvp, services
from ..forms import (ACTION_STATUS_LABELS, KIND_LABELS, RESPONSE_LABELS, STATUS_LABELS, ActionForm, AgendaDocumentForm,
                    AgendaItemForm, AttendanceForm, CloseActionForm, ConfirmForm, FeedTokenForm, MeetingForm,
                    MinutesForm, MoveItemForm, RsvpForm)

bp = Blueprint("meetings", __name__)
calendar_bp = Blueprint("calendar", __name__)



@bp.context_processor
def labels():
    return {"kind_label": lambda kind: KIND_LABELS.get(kind, kind),
            "status_label": lambda status: STATUS_LABELS.get(status, status),
            "response_label": lambda response: RESPONSE_LABELS.get(response, response),
            "action_status_label": lambda status: ACTION_STATUS_LABELS.get(status, status),
            "render_text": minutes.render_text}


def _meeting_or_404(meeting_id):
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


def _show_page(meeting, rsvp_form=None, attendance_form=None, action_form=None):
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
        action_form = ActionForm(users=_owner_choices())
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
    changes = notices.changes(sent, notices.calendar_view(meeting), str(get_timezone()), current_lang())
    return {"button": button, "changes": changes}


def _owner_choices():
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
    return _show_page(_meeting_or_404(meeting_id))


@bp.route("/meetings/<int:meeting_id>/rsvp", methods=["POST"])
@login_required
def answer(meeting_id):
    """A signed-in invitee answers accept / decline / tentative."""
    meeting = _meeting_or_404(meeting_id)
    invitation = services.invitation_for(meeting, current_user)
    if invitation is None:
        abort(403)
    form = RsvpForm()
    if not form.validate_on_submit():
        return _show_page(meeting, rsvp_form=form)
    try:
        rsvp.respond(invitation, form.response.data)
    except rsvp.RsvpCancelled:
        return render_template("meetings/rsvp_error.html", reason="cancelled", meeting=meeting), 410
    except rsvp.RsvpClosed:
        return render_template("meetings/rsvp_error.html", reason="expired", meeting=meeting), 410
    flash(_("Your answer is recorded: %(answer)s.", answer=RESPONSE_LABELS[invitation.response]), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@secretariat_required
def attendance(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = AttendanceForm(invitations=rsvp.invitations_with_users(meeting))
    if form.validate_on_submit():
        try:
            rsvp.record_attendance(meeting, form.attended.data or [])
        except rsvp.TooEarly:
            form.attended.errors = [_("Attendance can be recorded only once the meeting has started.")]
        else:
            flash(_("Attendance is recorded."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return _show_page(meeting, attendance_form=form)


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


# ---------------------------------------------------------------- minutes, decisions and action items

@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@secretariat_required
def edit_minutes(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    if request.method == "GET":
        record = minutes.minutes_of(meeting)
        data = {"language": current_lang(), "decisions": "\n".join(d.text for d in minutes.decisions_of(meeting))}
        if record is not None:
            data.update(text=record.text, language=record.language, minutes_public=record.minutes_public)
        form = MinutesForm(data=data)
    else:
        form = MinutesForm()
    if form.validate_on_submit():
        minutes.save_minutes(meeting, form.text.data, form.language.data, public=form.minutes_public.data,
                             decisions=form.decision_lines())
        flash(_("The minutes are saved."), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#minutes")
    return render_form("meetings/minutes_edit.html", form, meeting=meeting)


@bp.route("/meetings/<int:meeting_id>/actions", methods=["POST"])
@secretariat_required
def add_action(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = ActionForm(users=_owner_choices())
    if form.validate_on_submit():
        minutes.add_action(meeting, **form.values())
        flash(_("The action is added."), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#actions")
    return _show_page(meeting, action_form=form)


def _action_or_404(meeting, action_id):
    action = minutes.get_action(meeting, action_id)
    if action is None:
        abort(404)
    return action


@bp.route("/meetings/<int:meeting_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@secretariat_required
def edit_action(meeting_id, action_id):
    meeting = _meeting_or_404(meeting_id)
    action = _action_or_404(meeting, action_id)
    users = _owner_choices()
    if request.method == "GET":
        form = ActionForm(users=users, data={"text": action.text, "owner_id": action.owner_id,
                                             "owner_name": action.owner_name, "due_on": action.due_on,
                                             "status": action.status})
    else:
        form = ActionForm(users=users)
    if form.validate_on_submit():
        minutes.update_action(action, status=form.status.data or None, **form.values())
        flash(_("The action is saved."), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#actions")
    return render_form("meetings/action_edit.html", form, meeting=meeting, action=action)


@bp.route("/meetings/<int:meeting_id>/actions/<int:action_id>/done", methods=["POST"])
@login_required
def close_action(meeting_id, action_id):
    """The secretariat, or the action's owner, marks it done."""
    meeting = _meeting_or_404(meeting_id)
    action = _action_or_404(meeting, action_id)
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


@bp.route("/meetings/new", methods=["GET", "POST"])
@secretariat_required
def create():
    form = MeetingForm()
    if request.method == "GET":
        form.timezone.data = _default_zone(form)
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(**form.values())
        except services.InvalidMeeting:
            form.ends_at.errors = [_("Please check the start, the end and the time zone.")]
        else:
            flash(_("The meeting is saved."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_form("meetings/edit.html", form, meeting=None)


def _default_zone(form):
    """The author's own zone if they chose one, else the group's (CONSULT_TIMEZONE), else UTC."""
    offered = {choice.value for choice in form.timezone.choices}
    for zone in (getattr(current_user, "timezone", None), current_app.config["CONSULT_TIMEZONE"]):
        if zone in offered:
            return zone
    return "UTC"


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@secretariat_required
def edit(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = MeetingForm.for_meeting(meeting) if request.method == "GET" else MeetingForm()
    if form.validate_on_submit():
        try:
            services.update_meeting(meeting, **form.values())
        except services.InvalidMeeting:
            form.ends_at.errors = [_("Please check the start, the end and the time zone.")]
        else:
            flash(_("The meeting is saved."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_form("meetings/edit.html", form, meeting=meeting)


@bp.route("/meetings/<int:meeting_id>/send-update", methods=["POST"])
@secretariat_required
def send_update(meeting_id):
    """Send the invitees whose calendars lag behind the invitation, update or cancellation, once."""
    meeting = _meeting_or_404(meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = services.send_pending(meeting)
    if count:
        flash(ngettext("Sent to %(num)d invitee.", "Sent to %(num)d invitees.", count), "success")
    else:
        flash(_("Every invitee already has the meeting as it is: nothing was sent."), "info")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


# ---------------------------------------------------------------- agenda and its documents

def _item_or_404(meeting, item_id):
    item = agenda.get_item(meeting, item_id)
    if item is None:
        abort(404)
    return item


def _document_or_404(item, document_id):
    document = agenda.get_document(item, document_id)
    if document is None:
        abort(404)
    return document


def _agenda_page(meeting, form=None, editing=None, document_errors=None):
    """The secretariat's agenda page: the items in order, their documents, and the item form (add or edit).

    400 when the item form or an upload carries errors.
    """
    if form is None:
        form = AgendaItemForm(meeting=meeting)
    document_errors = document_errors or {}
    status = 400 if form.errors or document_errors else 200
    return render_template("meetings/agenda_edit.html", meeting=meeting, form=form, editing=editing,
                           document_errors=document_errors, move_form=MoveItemForm(), confirm_form=ConfirmForm(),
                           document_form=AgendaDocumentForm(), meeting_day=agenda.meeting_day(meeting)), status


def _agenda_changed(meeting, message):
    """After a change to the items: nothing is mailed (it goes with the next update)."""
    flash(message, "success")
    return redirect(url_for("meetings.agenda_page", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["GET", "POST"])
@secretariat_required
def agenda_page(meeting_id):
    """GET: the agenda with its forms; POST: add an item at the end."""
    meeting = _meeting_or_404(meeting_id)
    if request.method == "GET":
        return _agenda_page(meeting)
    form = AgendaItemForm(meeting=meeting)
    if not form.validate_on_submit():
        return _agenda_page(meeting, form=form)
    agenda.add_item(meeting, **form.values())
    return _agenda_changed(meeting, _("The agenda item is added."))


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@secretariat_required
def edit_agenda_item(meeting_id, item_id):
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    form = AgendaItemForm.for_item(item) if request.method == "GET" else AgendaItemForm(meeting=meeting)
    if not form.validate_on_submit():
        return _agenda_page(meeting, form=form, editing=item)
    if agenda.update_item(item, **form.values()):
        return _agenda_changed(meeting, _("The agenda item is saved."))
    flash(_("The agenda item is saved."), "success")
    return redirect(url_for("meetings.agenda_page", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/delete", methods=["GET", "POST"])
@secretariat_required
def delete_agenda_item(meeting_id, item_id):
    """GET: a page that asks (works without JavaScript); POST from it: delete."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    if request.method == "GET":
        return render_template("meetings/agenda_delete.html", meeting=meeting, item=item, confirm_form=ConfirmForm())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    agenda.delete_item(item)
    return _agenda_changed(meeting, _("The agenda item is deleted."))


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/move", methods=["POST"])
@secretariat_required
def move_agenda_item(meeting_id, item_id):
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    form = MoveItemForm()
    if not form.validate_on_submit():
        abort(400)
    if agenda.move_item(item, form.direction.data):
        return _agenda_changed(meeting, _("The agenda order is saved."))
    return redirect(url_for("meetings.agenda_page", meeting_id=meeting.id))


def document_message(error):
    return {
        "type": _("%(name)s is not a PDF, DOCX or ODT file.", name=error.filename),
        "size": _("%(name)s is larger than 5 MB.", name=error.filename),
        "empty": _("%(name)s is empty.", name=error.filename),
    }.get(error.code, _("Please choose a file."))


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/documents", methods=["POST"])
@secretariat_required
def add_agenda_document(meeting_id, item_id):
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    form = AgendaDocumentForm()
    if not form.validate_on_submit():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return _agenda_page(meeting, document_errors={item.id: errors or [_("Please choose a file.")]})
    try:
        checked = agenda.check_document(request.files.get("document"))
    except uploads.UploadError as error:
        return _agenda_page(meeting, document_errors={item.id: [document_message(error)]})
    agenda.add_document(item, checked)
    flash(_("The document is attached."), "success")
    return redirect(url_for("meetings.agenda_page", meeting_id=meeting.id) + f"#item-{item.id}")


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/documents/<int:document_id>")
def agenda_document(meeting_id, item_id, document_id):
    """Download a document, as an attachment, for anyone who may see the meeting (404 otherwise)."""
    meeting = _meeting_or_404(meeting_id)
    document = _document_or_404(_item_or_404(meeting, item_id), document_id)
    response = send_file(uploads.path_of(document.stored_name), mimetype=document.content_type,
                         as_attachment=True, download_name=uploads.clean_name(document.original_name))
    if current_user.is_authenticated or meeting.visibility != "public":
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/documents/<int:document_id>/delete", methods=["POST"])
@secretariat_required
def delete_agenda_document(meeting_id, item_id, document_id):
    meeting = _meeting_or_404(meeting_id)
    document = _document_or_404(_item_or_404(meeting, item_id), document_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    agenda.delete_document(document)
    flash(_("The document is deleted."), "success")
    return redirect(url_for("meetings.agenda_page", meeting_id=meeting.id))


# ---------------------------------------------------------------- calendar files

def _ics_response(data, filename, private=False):
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response


def _file_lang():
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        return lang
    if current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return browser_language()


@calendar_bp.route("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id):
    from ... import costs

    meeting = _meeting_or_404(meeting_id)
    lang = _file_lang()

    def build():
        invitation = services.invitation_for(meeting, current_user)
        data = ics.build_calendar([meeting], lang, invitations={meeting.id: invitation} if invitation else None)
        private = current_user.is_authenticated or meeting.visibility != "public"
        return _ics_response(data, f"meeting-{meeting.id}.ics", private=private)

    return costs.kept_for_everyone(("meeting.ics", meeting.id, meeting.sequence, lang), build)


@calendar_bp.route("/calendar/public.ics")
def public_feed():
    from ... import costs

    lang = _file_lang()

    def build():
        with force_locale(lang):  # the file's language, not the calendar app's
            name = _("Public meetings")
        return _ics_response(ics.build_feed(services.public_feed_meetings(), lang, name=name), "public.ics")

    return costs.kept_for_everyone(("public.ics", lang), build)


@calendar_bp.route("/calendar/<token>.ics")
def private_feed(token):
    try:
        user = services.user_by_feed_token(token)
    except services.NotFound:
        abort(404)
    meetings = services.feed_meetings(user)
    invitations = services.invitations_by_meeting(user)
    lang = user.locale if user.locale in LANGUAGES else "en"
    with force_locale(lang):  # the member's language, not the calendar app's
        name = _("My meetings")
    data = ics.build_feed(meetings, lang, invitations=invitations, name=name)
    return _ics_response(data, "meetings.ics", private=True)


# ---------------------------------------------------------------- invitations

@bp.route("/meetings/<int:meeting_id>/invitations", methods=["GET", "POST"])
@secretariat_required
def invitations(meeting_id):
    """The secretariat invites every member or chosen ones, and observers by e-mail address."""
    from ..forms import InviteForm

    meeting = _meeting_or_404(meeting_id)
    users = _owner_choices()
    form = InviteForm(users=users)
    if form.validate_on_submit():
        chosen = set(form.members.data or [])
        created, sent = services.invite_and_notify(
            meeting, None if form.everyone.data else [user for user in users if user.id in chosen], form.addresses)
        if not created:
            flash(_("Nobody new to invite: everyone chosen is already invited."), "info")
        elif sent:
            flash(_("Invitations sent: %(count)s.", count=len(created)), "success")
        elif meeting.status == "draft":
            flash(_("Invitations saved: %(count)s. The meeting is a draft: they are e-mailed once it is scheduled.",
                    count=len(created)), "success")
        else:
            flash(_("Invitations saved: %(count)s. The meeting is cancelled: nothing is e-mailed.",
                    count=len(created)), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#answers-heading")
    return render_form("meetings/invite.html", form, meeting=meeting,
                       invited_ids=services.invited_meeting_user_ids(meeting),
                       observers=[item for item in services.invitations_of(meeting) if item.user_id is None])


# ---------------------------------------------------------------- agenda PDF

@bp.route("/meetings/<int:meeting_id>/agenda.pdf")
def agenda_pdf(meeting_id):
    """The agenda as a PDF in the page's language, for anyone who may see the meeting (404 otherwise).

    Served from the stored file; a build (the agenda changed) counts against the reader's address."""
    from ... import costs
    from .. import agenda_pdf as document

    meeting = _meeting_or_404(meeting_id)
    lang = current_lang()
    path = document.stored_pdf(meeting, lang,
                               before_build=lambda: costs.count_build("agenda-pdf", "CONSULT_RATELIMIT_PDF"))
    response = send_file(path, mimetype="application/pdf", conditional=True, etag=path.stem[-64:])
    response.headers["Content-Disposition"] = f'attachment; filename="agenda-{meeting.id}-{lang}.pdf"'
    if current_user.is_authenticated or meeting.visibility != "public":
        response.headers["Cache-Control"] = "private, no-store"
    return response
