"""Synthesis pages: rapporteurs (secretariat), the chapters, drafting, versions and diffs, comments, approval."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ...core import reference
from ...auth.access import login_required, secretariat_required
from ...auth.models import User
from ...consultations import services as consultations
from ...consultations import visibility
from ...consultations.views.review import language_label
from ...consultations.vocabulary import field_label
from ...core.extensions import db
from ...core.i18n import LANGUAGES, current_lang
from .. import services
from ..translation import may_translate
from ..vocabulary import ERRORS, SECTION_LABELS
from ..forms import ApproveForm, AssignForm, CommentForm, DraftForm, UnassignForm, parse_quotes

bp = Blueprint("synthesis", __name__)

SORTS = ("subregion", "constituency", "language")


def error_message(error):
    return str(ERRORS.get(error.code, error.code)) % error.details if error.details else str(ERRORS.get(error.code))


def _call_or_404(slug):
    try:
        return consultations.get_consultation(slug)
    except consultations.NotFound:
        abort(404)


def _objective_or_404(consultation, objective):
    if objective not in services.objectives_with_input(consultation):
        abort(404)
    return objective


def _labels():
    return {key: str(value) for key, value in SECTION_LABELS.items()}


@bp.context_processor
def _helpers():
    lang = current_lang()

    def objective_title(number):
        return reference.objective(number).short.get(lang)

    return {"objective_title": objective_title, "section_labels": SECTION_LABELS,
            "constituency_label": lambda code: reference.constituency(code).label(lang),
            "country_label": lambda code: reference.country_label(code, lang),
            "field_label": field_label, "language_label": language_label}


# ---------------------------------------------------------------- rapporteurs (secretariat)

@bp.route("/reports/<slug>/rapporteurs", methods=["GET", "POST"])
@secretariat_required
def rapporteurs(slug):
    consultation = _call_or_404(slug)
    objectives = services.objectives_with_input(consultation)
    members = services.eligible_members()
    form = AssignForm()
    form.objective.choices = [SelectChoice(n, f"{n}. {reference.objective(n).short.get(current_lang())}")
                              for n in objectives]
    form.member.choices = [SelectChoice(user.id, user.name or user.email) for user in members]
    status = 200
    if form.validate_on_submit():
        try:
            services.assign(consultation, form.objective.data, db.session.get(User, form.member.data), current_user)
            flash(_("The rapporteur is assigned."), "success")
            return redirect(url_for(".rapporteurs", slug=slug), 303)
        except services.SynthesisError as error:
            form.member.errors.append(error_message(error))
    if form.errors:
        status = 400
    return render_template("synthesis/rapporteurs.html", consultation=consultation, form=form,
                           objectives=objectives, assigned=services.rapporteurs_of(consultation),
                           unassign_form=UnassignForm(formdata=None), members=members), status


@bp.post("/reports/<slug>/rapporteurs/remove")
@secretariat_required
def unassign(slug):
    consultation = _call_or_404(slug)
    form = UnassignForm()
    if not form.validate_on_submit():
        abort(400)
    services.unassign(consultation, form.objective.data, form.member.data, current_user)
    flash(_("The rapporteur is removed."), "success")
    return redirect(url_for(".rapporteurs", slug=slug), 303)


# ---------------------------------------------------------------- chapters

def _member_or_secretariat():
    if current_user.role not in ("member", "secretariat"):
        abort(403)


@bp.get("/reports/<slug>/chapters/")
@login_required
def chapters(slug):
    _member_or_secretariat()
    consultation = _call_or_404(slug)
    return render_template("synthesis/chapters.html", consultation=consultation,
                           translate_langs=[code for code in LANGUAGES if may_translate(current_user, consultation, code)],
                           objectives=services.objectives_with_input(consultation),
                           chapters=services.chapters_of(consultation),
                           assigned=services.rapporteurs_of(consultation))


@bp.get("/reports/<slug>/chapters/<int:objective>")
@login_required
def chapter(slug, objective):
    _member_or_secretariat()
    consultation = _call_or_404(slug)
    _objective_or_404(consultation, objective)
    return _chapter_page(consultation, objective, CommentForm(formdata=None))


def _chapter_page(consultation, objective, comment_form, status=200):
    item = services.chapter_for(consultation, objective)
    draft = services.current(item)
    return render_template(
        "synthesis/chapter.html", consultation=consultation, objective=objective, chapter=item, draft=draft,
        quotes=_quotes_of(consultation, objective, draft), comments=services.comments_of(item),
        comment_form=comment_form, approve_form=ApproveForm(formdata=None),
        missing=[error_message(services.SynthesisError(code, **details))
                 for code, details in services.completeness(consultation, item)] if item else [],
        may_edit=services.may_draft(current_user, consultation, objective),
        rapporteurs=services.rapporteurs_of(consultation).get(objective, [])), status


def _quotes_of(consultation, objective, draft):
    """The featured quotes of a draft, with their texts as the public may read them."""
    if draft is None:
        return []
    texts = {item["id"]: item for item in services.chapter_submissions(consultation, objective, visibility.PUBLIC)}
    out = []
    for quote in draft.quotes:
        item = texts.get(quote["submission"])
        if item and quote["field"] in item["texts"]:
            out.append({"item": item, "field": quote["field"], "text": item["texts"][quote["field"]]})
    return out


@bp.post("/reports/<slug>/chapters/<int:objective>/comments")
@login_required
def add_comment(slug, objective):
    _member_or_secretariat()
    consultation = _call_or_404(slug)
    _objective_or_404(consultation, objective)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.comment(consultation, objective, current_user, form.text.data)
            flash(_("Your comment is added."), "success")
            return redirect(url_for(".chapter", slug=slug, objective=objective) + "#comments", 303)
        except services.SynthesisError as error:
            form.text.errors.append(error_message(error))
    return _chapter_page(consultation, objective, form, status=400)


@bp.post("/reports/<slug>/chapters/<int:objective>/approve")
@secretariat_required
def approve(slug, objective):
    consultation = _call_or_404(slug)
    _objective_or_404(consultation, objective)
    form = ApproveForm()
    if not form.validate_on_submit() or not str(form.version.data).isdigit():
        abort(400)
    try:
        services.approve(consultation, objective, current_user, int(form.version.data))
        flash(_("The chapter is approved."), "success")
    except services.SynthesisError as error:
        flash(error_message(error), "error")
        return redirect(url_for(".chapter", slug=slug, objective=objective), 303)
    return redirect(url_for(".chapter", slug=slug, objective=objective), 303)


# ---------------------------------------------------------------- drafting

@bp.route("/reports/<slug>/chapters/<int:objective>/edit", methods=["GET", "POST"])
@login_required
def edit(slug, objective):
    consultation = _call_or_404(slug)
    _objective_or_404(consultation, objective)
    if not services.may_draft(current_user, consultation, objective):
        abort(403)
    item = services.chapter_for(consultation, objective)
    draft = services.current(item)
    form = DraftForm()
    status = 200
    if form.validate_on_submit():
        quotes = parse_quotes(form.quotes.data)
        try:
            if quotes is None:
                raise services.SynthesisError("bad_quote")
            services.save_draft(consultation, objective, current_user, form.lang.data, form.synthesis.data,
                                (form.key_messages.data or "").splitlines(),
                                (form.recommendations.data or "").splitlines(), quotes)
            flash(_("Your draft is saved as a new version."), "success")
            return redirect(url_for(".chapter", slug=slug, objective=objective), 303)
        except services.SynthesisError as error:
            target = {"bad_quote": form.quotes, "too_many_quotes": form.quotes,
                      "too_many_recommendations": form.recommendations,
                      "too_many_key_messages": form.key_messages}.get(error.code, form.synthesis)
            target.errors = list(target.errors) + [error_message(error)]
    elif not form.is_submitted():
        form.lang.data = draft.lang if draft else current_lang()
        if draft:
            form.synthesis.data = draft.synthesis
            form.key_messages.data = "\n".join(draft.key_messages)
            form.recommendations.data = "\n".join(draft.recommendations)
            form.quotes.data = [f"{q['submission']}:{q['field']}" for q in draft.quotes]
    if form.errors:
        status = 400
    filters = {key: request.args.get(key) or None for key in ("subregion", "constituency", "language")}
    audience = services.audience_of(current_user, consultation)
    shown = services.chapter_submissions(consultation, objective, audience, **filters)
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else None
    if sort:
        shown.sort(key=lambda item: (item[sort] or "~", item["reference"] or ""))
    every = services.chapter_submissions(consultation, objective, audience)
    return render_template("synthesis/edit.html", consultation=consultation, objective=objective, form=form,
                           submissions=shown, filters=filters, options=_filter_options(every), sort=sort,
                           selected=set(form.quotes.data or [])), status


def _filter_options(items):
    lang = current_lang()
    regions = sorted({item["subregion"] for item in items if item["subregion"]})
    constituencies = sorted({item["constituency"] for item in items if item["constituency"]})
    languages = sorted({item["language"] for item in items})
    return {
        "subregion": [(code, reference.subregion_label(code, lang)) for code in regions],
        "constituency": [(code, reference.constituency(code).label(lang)) for code in constituencies],
        "language": [(code, str(language_label(code))) for code in languages],
    }


@bp.get("/reports/<slug>/chapters/<int:objective>/versions")
@login_required
def versions(slug, objective):
    _member_or_secretariat()
    consultation = _call_or_404(slug)
    _objective_or_404(consultation, objective)
    item = services.chapter_for(consultation, objective)
    listed = services.versions_of(item)
    lines, old, new = None, request.args.get("old", ""), request.args.get("new", "")
    if old or new:
        if not (old.isdigit() and new.isdigit() and len(old) < 10 and len(new) < 10):
            abort(400)
        try:
            lines = services.diff(item, int(old), int(new), _labels())
        except services.SynthesisError:
            abort(404)
    return render_template("synthesis/versions.html", consultation=consultation, objective=objective,
                           chapter=item, versions=listed, lines=lines, old=old, new=new)
