"""The secretariat's meeting pages (under /<lang>), on the "meetings" blueprint of public.py."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...auth.access import secretariat_required
from ...core.i18n import current_lang
from ...core.web import render_form
from ...core import storage
from .. import agenda, minutes, rsvp, services
from ..forms import (ActionForm, AgendaDocumentForm, AgendaItemForm, AttendanceForm, ConfirmForm, InviteForm,
                     MeetingForm, MinutesForm, MoveItemForm)
from .public import action_or_404, bp, document_or_404, item_or_404, meeting_or_404, owner_choices, show_page


# ---------------------------------------------------------------- meetings

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
    meeting = meeting_or_404(meeting_id)
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
    meeting = meeting_or_404(meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = services.send_pending(meeting)
    if count:
        flash(ngettext("Sent to %(num)d invitee.", "Sent to %(num)d invitees.", count), "success")
    else:
        flash(_("Every invitee already has the meeting as it is: nothing was sent."), "info")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@secretariat_required
def attendance(meeting_id):
    meeting = meeting_or_404(meeting_id)
    form = AttendanceForm(invitations=rsvp.invitations_with_users(meeting))
    if form.validate_on_submit():
        try:
            rsvp.record_attendance(meeting, form.attended.data or [])
        except rsvp.TooEarly:
            form.attended.errors = [_("Attendance can be recorded only once the meeting has started.")]
        else:
            flash(_("Attendance is recorded."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return show_page(meeting, attendance_form=form)


# ---------------------------------------------------------------- invitations

@bp.route("/meetings/<int:meeting_id>/invitations", methods=["GET", "POST"])
@secretariat_required
def invitations(meeting_id):
    """The secretariat invites every member or chosen ones, and observers by e-mail address."""
    meeting = meeting_or_404(meeting_id)
    users = owner_choices()
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


# ---------------------------------------------------------------- minutes, decisions and action items

@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@secretariat_required
def edit_minutes(meeting_id):
    meeting = meeting_or_404(meeting_id)
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
    meeting = meeting_or_404(meeting_id)
    form = ActionForm(users=owner_choices())
    if form.validate_on_submit():
        minutes.add_action(meeting, **form.values())
        flash(_("The action is added."), "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#actions")
    return show_page(meeting, action_form=form)


@bp.route("/meetings/<int:meeting_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@secretariat_required
def edit_action(meeting_id, action_id):
    meeting = meeting_or_404(meeting_id)
    action = action_or_404(meeting, action_id)
    users = owner_choices()
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


# ---------------------------------------------------------------- agenda and its documents

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
    meeting = meeting_or_404(meeting_id)
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
    meeting = meeting_or_404(meeting_id)
    item = item_or_404(meeting, item_id)
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
    meeting = meeting_or_404(meeting_id)
    item = item_or_404(meeting, item_id)
    if request.method == "GET":
        return render_template("meetings/agenda_delete.html", meeting=meeting, item=item, confirm_form=ConfirmForm())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    agenda.delete_item(item)
    return _agenda_changed(meeting, _("The agenda item is deleted."))


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/move", methods=["POST"])
@secretariat_required
def move_agenda_item(meeting_id, item_id):
    meeting = meeting_or_404(meeting_id)
    item = item_or_404(meeting, item_id)
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
    meeting = meeting_or_404(meeting_id)
    item = item_or_404(meeting, item_id)
    form = AgendaDocumentForm()
    if not form.validate_on_submit():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return _agenda_page(meeting, document_errors={item.id: errors or [_("Please choose a file.")]})
    try:
        checked = agenda.check_document(request.files.get("document"))
    except storage.UploadError as error:
        return _agenda_page(meeting, document_errors={item.id: [document_message(error)]})
    agenda.add_document(item, checked)
    flash(_("The document is attached."), "success")
    return redirect(url_for("meetings.agenda_page", meeting_id=meeting.id) + f"#item-{item.id}")


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/documents/<int:document_id>/delete", methods=["POST"])
@secretariat_required
def delete_agenda_document(meeting_id, item_id, document_id):
    meeting = meeting_or_404(meeting_id)
    document = document_or_404(item_or_404(meeting, item_id), document_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    agenda.delete_document(document)
    flash(_("The document is deleted."), "success")
    return redirect(url_for("meetings.agenda_page", meeting_id=meeting.id))
