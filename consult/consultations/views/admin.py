"""Secretariat pages of a call: create, edit, extend or reopen, reviewers, exports."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...core import reference
from ...auth.access import login_required, secretariat_required
from ...auth.models import User
from ...core.database import utcnow
from ...core.extensions import db
from ...core.i18n import current_lang
from ...core.web import render_form
from .. import calls, exports, reviewing
from ..admin_forms import ConsultationForm, ReviewersForm
from ..models import SUBMISSION_STATUSES, ReviewerAssignment, Submission

bp = Blueprint("consultations_admin", __name__)


def _consultation_or_404(slug):
    try:
        return calls.get_consultation(slug, include_drafts=True)
    except calls.NotFound:
        abort(404)


def _slug_taken(slug):
    try:
        calls.get_consultation(slug, include_drafts=True)
    except calls.NotFound:
        return False
    return True


def _objective_groups():
    return [(group.label(current_lang()), list(group.numbers)) for group in reference.OBJECTIVE_GROUPS]


@bp.route("/consultations/manage")
@secretariat_required
def manage():
    """Every call, drafts too, with its submissions counted by status in one grouped query."""
    consultations = calls.list_consultations(include_drafts=True)
    counts = {}
    rows = db.session.execute(
        select(Submission.consultation_id, Submission.status, func.count())
        .group_by(Submission.consultation_id, Submission.status)
    )
    for consultation_id, status, count in rows:
        counts.setdefault(consultation_id, {})[status] = count
    return render_template("consultations/admin/manage.html", consultations=consultations, counts=counts,
                           statuses=[status for status in SUBMISSION_STATUSES if status != "draft"],
                           formats=exports.FORMATS)


@bp.route("/consultations/new", methods=["GET", "POST"])
@secretariat_required
def create():
    form = ConsultationForm(slug_taken=_slug_taken)
    if request.method == "GET":
        form.timezone.data = _default_zone(form)
        form.status.data = "draft"
        form.reference_prefix.data = calls.free_prefix()
    if form.validate_on_submit() and (saved := _save(None, form)):
        _flash_saved(saved)
        return redirect(url_for(".manage"))
    return render_form("consultations/admin/edit.html", form, consultation=None, objective_groups=_objective_groups())


@bp.route("/consultations/<slug>/edit", methods=["GET", "POST"])
@secretariat_required
def edit(slug):
    consultation = _consultation_or_404(slug)
    if request.method == "GET":
        form = ConsultationForm(data=ConsultationForm.data_from(consultation), consultation=consultation,
                                slug_taken=_slug_taken)
    else:
        form = ConsultationForm(consultation=consultation, slug_taken=_slug_taken)
    if form.validate_on_submit() and (saved := _save(consultation, form)):
        _flash_saved(saved)
        return redirect(url_for(".manage"))
    return render_form("consultations/admin/edit.html", form, consultation=consultation,
                       objective_groups=_objective_groups())


def _default_zone(form):
    zone = current_app.config["CONSULT_TIMEZONE"]
    return zone if zone in {choice.value for choice in form.timezone.choices} else "UTC"


def _save(consultation, form):
    """Save through the service; a slug taken meanwhile by someone else is a form error, nothing saved."""
    values = form.values()
    if consultation is not None:
        # The form shows minutes: a time saved with seconds that nobody changed stays as it was.
        for name in ("opens_at", "closes_at"):
            stored = getattr(consultation, name)
            if stored is not None and values[name] == stored.replace(second=0, microsecond=0):
                values[name] = stored
    try:
        return calls.save_consultation(consultation, actor=current_user._get_current_object(), **values)
    except IntegrityError:
        db.session.rollback()
        form.slug.errors.append(_("Another call already uses this short name."))
        return None


def _flash_saved(consultation):
    flash(_("The call is saved."), "success")
    if consultation.status == "open" and consultation.closes_at <= utcnow():
        flash(_("Its deadline has passed, so it accepts no submissions. To reopen it, move the deadline later."), "error")


@bp.route("/consultations/<slug>/reviewers", methods=["GET", "POST"])
@secretariat_required
def reviewers(slug):
    consultation = _consultation_or_404(slug)
    members = db.session.scalars(select(User).where(User.role == "member").order_by(User.name, User.email)).all()
    form = ReviewersForm(members=members)
    if request.method == "GET":
        form.reviewers.data = _reviewer_ids(consultation)
    if form.validate_on_submit():
        reviewing.assign_reviewers(consultation, form.reviewers.data or [], current_user._get_current_object())
        flash(_("The reviewers are saved."), "success")
        return redirect(url_for(".reviewers", slug=consultation.slug))
    return render_form("consultations/admin/reviewers.html", form, consultation=consultation, members=members)


def _reviewer_ids(consultation):
    return list(db.session.scalars(select(ReviewerAssignment.user_id)
                                   .where(ReviewerAssignment.consultation_id == consultation.id)))


@bp.route("/consultations/<slug>/export.<any(csv, xlsx, json):fmt>")
@login_required
def export(slug, fmt):
    """The secretariat gets everything; a member who reviews this call gets the members' view; others 403."""
    consultation = _consultation_or_404(slug)
    if current_user.role == "secretariat":
        audience = "secretariat"
    elif reviewing.can_review(current_user, consultation):
        audience = "members"
    else:
        abort(403)
    result = exports.export(consultation, audience, fmt)
    response = Response(result.data, mimetype=result.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    # Personal data for the secretariat, unpublished texts for members: never kept by a cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response
