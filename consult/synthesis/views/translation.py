"""Translation workspace of the main report: per language, what is untranslated; translators write or confirm."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from ...core.forms import ConsultForm, language_choices
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ...auth.access import login_required, secretariat_required
from ...auth.models import User
from ...consultations import translation as machine
from ...consultations.models import TEXT_FIELDS, Submission
from ...core.extensions import db
from ...core.i18n import LANGUAGES
from .. import services
from .. import translation as service
from .drafting import _call_or_404, bp, error_message

LIMIT = 2 * services.SYNTHESIS_LIMIT


class ChapterTranslationForm(ConsultForm):
    synthesis = TextAreaField(_l("Synthesis"), validators=[Length(max=LIMIT)], render_kw={"rows": 10})
    key_messages = TextAreaField(_l("Key messages (one per line)"), validators=[Length(max=16000)], render_kw={"rows": 4})
    recommendations = TextAreaField(_l("Recommendations (one per line)"), validators=[Length(max=16000)],
                                    render_kw={"rows": 6})
    confirm = BooleanField(_l("The translation is checked: confirm it"))


class QuoteTranslationForm(ConsultForm):
    text = TextAreaField(_l("Translation"), validators=[InputRequired(message=_l("Write the translation.")),
                                                        Length(max=LIMIT)], render_kw={"rows": 5})
    confirm = BooleanField(_l("The translation is checked: confirm it"))


class TranslatorForm(ConsultForm):
    lang = SelectField(_l("Language"), choices=language_choices)
    member = SelectField(_l("Member"), coerce=int, validators=[InputRequired(message=_l("Choose a member."))])


def _lang_or_404(lang):
    if lang not in LANGUAGES:
        abort(404)
    return lang


def _may_or_403(consultation, lang):
    if not service.may_translate(current_user, consultation, lang):
        abort(403)


@bp.route("/reports/<slug>/translations/", methods=["GET", "POST"])
@secretariat_required
def translations(slug):
    consultation = _call_or_404(slug)
    form = TranslatorForm()
    form.member.choices = [SelectChoice(user.id, user.name or user.email) for user in services.eligible_members()]
    status = 200
    if form.validate_on_submit():
        try:
            service.name_translator(consultation, form.lang.data, db.session.get(User, form.member.data), current_user)
            flash(_("The translator is named."), "success")
            return redirect(url_for(".translations", slug=slug), 303)
        except services.SynthesisError as error:
            form.member.errors.append(error_message(error))
    if form.errors:
        status = 400
    progress = {lang: service.workspace(consultation, lang) for lang in LANGUAGES}
    return render_template("synthesis/translations.html", consultation=consultation, form=form, progress=progress,
                           translators=service.translators_of(consultation)), status


@bp.get("/reports/<slug>/translations/<tlang>")
@login_required
def translation_workspace(slug, tlang):
    consultation = _call_or_404(slug)
    _may_or_403(consultation, _lang_or_404(tlang))
    chapters, quotes = service.workspace(consultation, tlang)
    return render_template("synthesis/translation_workspace.html", consultation=consultation, tlang=tlang,
                           chapters=chapters, quotes=quotes, quote_form=QuoteTranslationForm(formdata=None),
                           field_names=TEXT_FIELDS)


@bp.route("/reports/<slug>/translations/<tlang>/chapters/<int:objective>", methods=["GET", "POST"])
@login_required
def translate_chapter(slug, tlang, objective):
    consultation = _call_or_404(slug)
    _may_or_403(consultation, _lang_or_404(tlang))
    version = services.approved(services.chapter_for(consultation, objective))
    if version is None or version.lang == tlang:
        abort(404)
    form = ChapterTranslationForm()
    if form.validate_on_submit():
        try:
            service.save_chapter(consultation, objective, tlang, current_user, form.synthesis.data,
                                 (form.key_messages.data or "").splitlines(),
                                 (form.recommendations.data or "").splitlines(), form.confirm.data)
            flash(_("The translation is saved."), "success")
            return redirect(url_for(".translation_workspace", slug=slug, tlang=tlang), 303)
        except services.SynthesisError as error:
            form.synthesis.errors = list(form.synthesis.errors) + [error_message(error)]
    elif not form.is_submitted():
        chapters, _quotes = service.workspace(consultation, tlang)
        existing = next((item["translation"] for item in chapters if item["objective"] == objective), None)
        if existing is not None:
            form.synthesis.data = existing.synthesis
            form.key_messages.data = "\n".join(existing.key_messages)
            form.recommendations.data = "\n".join(existing.recommendations)
    return render_template("synthesis/translate_chapter.html", consultation=consultation, tlang=tlang,
                           objective=objective, version=version, form=form,
                           machine=machine.is_configured()), 400 if form.errors else 200


@bp.post("/reports/<slug>/translations/<tlang>/chapters/<int:objective>/machine")
@login_required
def machine_chapter(slug, tlang, objective):
    consultation = _call_or_404(slug)
    _may_or_403(consultation, _lang_or_404(tlang))
    if not ConsultForm().validate_on_submit():
        abort(400)
    try:
        service.machine_fill_chapter(consultation, objective, tlang, current_user)
        flash(_("A machine draft is filled in: read and correct it before confirming."), "success")
    except services.SynthesisError as error:
        flash(error_message(error), "error")
    return redirect(url_for(".translate_chapter", slug=slug, tlang=tlang, objective=objective), 303)


@bp.post("/reports/<slug>/translations/<tlang>/quotes/<int:submission_id>/<field_name>")
@login_required
def translate_quote(slug, tlang, submission_id, field_name):
    field = field_name
    consultation = _call_or_404(slug)
    _may_or_403(consultation, _lang_or_404(tlang))
    submission = db.session.get(Submission, submission_id)
    if submission is None or field not in TEXT_FIELDS or submission.consultation_id != consultation.id:
        abort(404)
    form = QuoteTranslationForm()
    if not form.validate_on_submit():
        flash(_("Write the translation."), "error")
        return redirect(url_for(".translation_workspace", slug=slug, tlang=tlang), 303)
    try:
        service.save_quote(consultation, submission, field, tlang, current_user, form.text.data, form.confirm.data)
        flash(_("The translation is saved."), "success")
    except services.SynthesisError as error:
        if error.code == "bad_quote":
            abort(404)
        flash(error_message(error), "error")
    return redirect(url_for(".translation_workspace", slug=slug, tlang=tlang), 303)
