"""Review pages of one submission (secretariat and assigned members): the page, status, consent recorded
for the organisation, tags and objectives, notes, files, and translations (secretariat). Its routes are
on the review blueprint of review.py."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core import reference
from ...core.audit import services as audit
from ...auth.access import login_required, secretariat_required
from ...core.database import is_row_id
from ...core.extensions import db
from ...core.i18n import current_lang
from ...core.web import render_form
from .. import consent, reviewing, translation, visibility
from ..models import LANGS, TEXT_FIELDS, Submission
from ..review_forms import ClassifyForm, MachineTranslationForm, NoteForm, RecordConsentForm, StatusForm, TranslationForm
from ..vocabulary import FIELD_LABELS, submission_status_label
from .public import send_attachment
from .review import WITHDRAWN_STAYS, bp, language_label, may_link, reader, visible_rows


# ---------------------------------------------------------------- one submission

@bp.route("/review/<int:submission_id>")
@login_required
def show(submission_id):
    return _show_page(_reviewable_or_abort(submission_id))


@bp.route("/review/<int:submission_id>/status", methods=["POST"])
@login_required
def change_status(submission_id):
    submission = _reviewable_or_abort(submission_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _show_page(submission, status_form=form)
    if not reviewing.may_set_status(submission, form.status.data):
        form.status.errors.append(WITHDRAWN_STAYS)
        return _show_page(submission, status_form=form)
    reason = (form.reason.data or "").strip() if form.status.data == "excluded" else None
    if form.status.data == submission.status and reason == submission.exclusion_reason:
        flash(_("Nothing changed."), "info")
    else:
        reviewing.bulk_set_status([submission], form.status.data, current_user, reason)
        flash(_("The status is now “%(status)s”.", status=submission_status_label(form.status.data)), "success")
    return redirect(url_for("review.show", submission_id=submission_id))


@bp.route("/review/<int:submission_id>/consent", methods=["POST"])
@secretariat_required
def record_consent(submission_id):
    """An organisation asked the secretariat (not through its link) to narrow its consent."""
    submission = _reviewable_or_abort(submission_id)
    actions = consent.actions_left(submission)
    form = RecordConsentForm(actions.narrow_to)
    if not actions.withdraw:
        abort(409)
    if not form.validate_on_submit():
        return _show_page(submission, consent_form=form)
    if form.change.data == "withdraw":
        consent.withdraw(submission, actor=current_user, reason=form.reason.data)
    else:
        consent.narrow(submission, form.change.data, actor=current_user, reason=form.reason.data)
    flash(_("Recorded. Published reports that used this submission otherwise are taken down."), "success")
    return redirect(url_for("review.show", submission_id=submission_id), 303)


@bp.route("/review/<int:submission_id>/classify", methods=["POST"])
@login_required
def classify(submission_id):
    submission = _reviewable_or_abort(submission_id)
    form = ClassifyForm()
    if not form.validate_on_submit():
        return _show_page(submission, classify_form=form)
    reviewing.set_review(submission, current_user, tags=form.tag_list(), objectives=form.objectives.data or [])
    flash(_("Tags and objectives saved."), "success")
    return redirect(url_for("review.show", submission_id=submission_id))


@bp.route("/review/<int:submission_id>/notes", methods=["POST"])
@login_required
def add_note(submission_id):
    submission = _reviewable_or_abort(submission_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _show_page(submission, note_form=form)
    reviewing.add_note(submission, current_user, form.text.data)
    flash(_("Your note is saved."), "success")
    return redirect(url_for("review.show", submission_id=submission_id, _anchor="notes"))


@bp.route("/review/<int:submission_id>/attachments/<int:attachment_id>")
@login_required
def attachment(submission_id, attachment_id):
    submission = _reviewable_or_abort(submission_id)
    if not submission.may(reader(), "attachments"):
        abort(403)  # an anonymous submission's files may carry its author's letterhead
    try:
        return send_attachment(submission, attachment_id)
    except FileNotFoundError:
        abort(404)


def _reviewable_or_abort(submission_id):
    """The submission if this reader may review it: 404 unknown, 403 not theirs."""
    submission = db.session.get(Submission, submission_id) if is_row_id(submission_id) else None
    if submission is None or submission.status == "draft":
        abort(404)
    if not reviewing.can_review(current_user, submission.consultation):
        abort(403)
    if not submission.may(reader(), "text") or submission.status not in visibility.STATUSES[reader()]:
        abort(403)  # members never see confidential submissions, nor withdrawn ones
    return submission


def _show_page(submission, status_form=None, classify_form=None, note_form=None, consent_form=None):
    """The page of one submission; a form given here failed validation (the page answers 400)."""
    status_form = status_form or StatusForm(formdata=None, status=submission.status,
                                            reason=submission.exclusion_reason or "")
    classify_form = classify_form or ClassifyForm(formdata=None, tags=", ".join(submission.tags or []),
                                                  objectives=list(submission.effective_objectives or []))
    note_form = note_form or NoteForm(formdata=None)
    actions = consent.actions_left(submission)
    if consent_form is None and current_user.is_secretariat and actions.withdraw:
        consent_form = RecordConsentForm(actions.narrow_to, formdata=None)
    failed = any(form.errors for form in (status_form, classify_form, note_form, consent_form) if form is not None)
    secretariat = current_user.is_secretariat
    duplicate_of = None
    if submission.duplicate_of_id:
        duplicate_of = next((row for row in visible_rows(Submission.id == submission.duplicate_of_id)
                             if may_link(submission, row)), None)
    duplicates = [row for row in visible_rows(Submission.duplicate_of_id == submission.id) if may_link(submission, row)]
    context = {
        "submission": submission,
        "reader": reader(),
        "consultation": submission.consultation,
        "texts": _texts(submission, current_lang(), request.args.get("original") == "1"),
        "translations": _translation_rows(submission) if secretariat else [],
        "machine_translation": _machine_allowed(submission),
        "duplicate_of": duplicate_of,
        "duplicates": duplicates,
        "notes": reviewing.notes_of(submission),
        "entries": audit.entries_for(submission) if secretariat else [],
        "status_form": status_form,
        "classify_form": classify_form,
        "note_form": note_form,
        "consent_form": consent_form,
        "objective_groups": [(group.label(current_lang()), list(group.numbers)) for group in reference.OBJECTIVE_GROUPS],
    }
    return render_template("consultations/review/show.html", **context), 400 if failed else 200


def _texts(submission, lang, original):
    """Each non-empty text: in the reader's language where a confirmed translation exists, unless `original`."""
    texts = []
    for name in TEXT_FIELDS:
        source = getattr(submission, name)
        if not (source or "").strip():
            continue
        text, text_lang, translated = reviewing.text_for_reader(submission, name, lang)
        has_translation = translated
        if original:
            text, text_lang, translated = source, submission.language, False
        texts.append({"name": name, "label": FIELD_LABELS[name], "text": text, "lang": text_lang,
                      "translated": translated, "has_translation": has_translation})
    return texts


def _translation_rows(submission):
    """For the secretariat: each text field × each other language, with its translation if any."""
    rows = []
    for name in TEXT_FIELDS:
        if not (getattr(submission, name) or "").strip():
            continue
        for target in LANGS:
            if target != submission.language:
                item = submission.translation(name, target)
                rows.append({"field": name, "label": FIELD_LABELS[name], "lang": target, "item": item,
                             "machine_may_fill": _machine_may_fill(item)})
    return rows


# ---------------------------------------------------------------- translations (secretariat)

@bp.route("/review/<int:submission_id>/translations/<field_name>/<target>", methods=["GET", "POST"])
@secretariat_required
def translate(submission_id, field_name, target):
    submission = _reviewable_or_abort(submission_id)
    source = _translatable_or_404(submission, field_name, target)
    item = submission.translation(field_name, target)
    if request.method == "POST":
        form = TranslationForm()
    else:
        form = TranslationForm(text=item.text if item else "", confirm=bool(item and item.confirmed))
    if form.validate_on_submit():
        text = form.text.data.strip()
        confirm = bool(form.confirm.data)
        # An unchanged machine draft saved again as a draft is still the machine's text.
        machine = bool(item and item.machine and not item.confirmed and not confirm and text == item.text)
        reviewing.save_translation(submission, field_name, target, text, current_user, confirm=confirm, machine=machine)
        if confirm:
            flash(_("Translation confirmed: readers in %(language)s now see it.", language=language_label(target)), "success")
        else:
            flash(_("Translation saved as a draft: no reader sees it until it is confirmed."), "success")
        return redirect(url_for("review.show", submission_id=submission_id, _anchor="translations"))
    return render_form("consultations/review/translate.html", form, submission=submission, field_name=field_name,
                       field_label=FIELD_LABELS[field_name], target=target, source=source, item=item,
                       machine_translation=_machine_allowed(submission) and _machine_may_fill(item))


def _machine_allowed(submission):
    """Confidential text never leaves for another server, even a translation service."""
    return translation.is_configured() and visibility.translatable(submission.confidentiality)


@bp.route("/review/<int:submission_id>/translations/<field_name>/<target>/machine", methods=["POST"])
@secretariat_required
def machine_translation(submission_id, field_name, target):
    """Pre-fill a DRAFT translation by machine; a person must still check and confirm it."""
    submission = _reviewable_or_abort(submission_id)
    if not _machine_allowed(submission):
        abort(404)
    source = _translatable_or_404(submission, field_name, target)
    back = url_for("review.translate", submission_id=submission_id, field_name=field_name, target=target)
    if not MachineTranslationForm().validate_on_submit():
        abort(400)
    if not _machine_may_fill(submission.translation(field_name, target)):
        flash(_("A person has already written this translation; the machine draft would replace it. Nothing was changed."), "error")
        return redirect(back)
    source_lang = submission.language
    # End the transaction before waiting on another server (up to 20 s): no lock is held meanwhile.
    db.session.commit()
    try:
        text = translation.machine_translate(source, source_lang, target, submission.confidentiality)
    except translation.TranslationUnavailable:
        flash(_("The machine translation service is not available just now. Nothing was saved; please try again later or translate by hand."), "error")
        return redirect(back)
    submission = _reviewable_or_abort(submission_id)
    if not _machine_may_fill(submission.translation(field_name, target)):  # someone saved one meanwhile
        flash(_("A person has already written this translation; the machine draft would replace it. Nothing was changed."), "error")
        return redirect(back)
    reviewing.save_translation(submission, field_name, target, text, current_user, confirm=False, machine=True)
    flash(_("A machine draft is filled in below. Readers do not see it until a person checks, corrects and confirms it."), "success")
    return redirect(back)


def _translatable_or_404(submission, field_name, target):
    """The original text of `field_name`, if it can be translated into `target`."""
    if field_name not in TEXT_FIELDS or target not in LANGS or target == submission.language:
        abort(404)
    source = getattr(submission, field_name)
    if not (source or "").strip():
        abort(404)
    return source


def _machine_may_fill(item):
    """A machine draft never replaces a person's work: only an empty slot or an earlier machine draft."""
    return item is None or (item.machine and not item.confirmed)
