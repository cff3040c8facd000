"""Review pages: the queue, one submission, bulk actions, the audit log (secretariat and assigned members)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import func, select
from sqlalchemy.orm import defer, raiseload

from .. import reference
from ..audit import services as audit
from ..audit import text as audit_text
from ..auth.access import login_required, secretariat_required
from ..database import is_row_id, parse_row_id
from ..extensions import db
from ..i18n import current_lang
from ..text import search_terms
from ..web import render_form, submission_status_label
from . import consent, private_search, services, translation, visibility
from .forms import OUTSIDE_REGION
from .models import LANGS, TEXT_FIELDS, Consultation, Submission
from .review_forms import (
    BulkForm,
    ClassifyForm,
    MachineTranslationForm,
    NoteForm,
    QueueFilterForm,
    RecordConsentForm,
    StatusForm,
    TranslationForm,
    confidentiality_label,
)
from .views import send_attachment

bp = Blueprint("review", __name__)

_WITHDRAWN_STAYS = _l("A withdrawn submission stays withdrawn: only its organisation can undo that, from its private "
                      "link before the deadline. Nothing was changed.")
PER_PAGE = 50
AUDIT_PAGE = 200

# Language names inside a sentence, in the reader's language ("Translated from Arabic").
LANGUAGE_LABELS = {
    "ar": _l("Arabic"),
    "en": _l("English"),
    "fr": _l("French"),
}


def language_label(code):
    return LANGUAGE_LABELS.get(code, code)


FIELD_LABELS = {
    "good_practices": _l("Good practices"),
    "challenges": _l("Challenges"),
    "recommendations": _l("Recommendations"),
}


# ---------------------------------------------------------------- the queue

@bp.route("/review/")
@login_required
def queue():
    filters = _filter_form()
    return _queue_page(filters, BulkForm(formdata=None))


@bp.route("/review/bulk", methods=["POST"])
@login_required
def bulk():
    """Change the status of the ticked submissions; the query string carries the queue's filters."""
    filters = _filter_form()
    form = BulkForm()
    if form.validate_on_submit():
        wanted = set(form.ids.data)
        submissions = db.session.scalars(
            services.queue_query(current_user, services.QueueFilters()).where(Submission.id.in_(wanted))).all()
        if len(submissions) != len(wanted):
            form.ids.errors.append(_("Some of the ticked submissions are not yours to review, or no longer exist. Nothing was changed."))
        elif any(not services.may_set_status(s, form.new_status.data) for s in submissions):
            form.ids.errors.append(_WITHDRAWN_STAYS)
        else:
            services.bulk_set_status(submissions, form.new_status.data, current_user, form.reason.data)
            flash(ngettext("%(num)d submission is now “%(status)s”.", "%(num)d submissions are now “%(status)s”.",
                           len(submissions), status=submission_status_label(form.new_status.data)), "success")
            # Back to the first page with the same filters: the changed rows may have left this page.
            return redirect(url_for("review.queue", **({} if filters.errors else private_search.hide(filters.query_args()))))
    return _queue_page(filters, form)


def _filter_form():
    """The queue's filters from the query string, validated."""
    form = QueueFilterForm(private_search.expand(request.args), consultations=_reviewable_consultations(),
                           secretariat=current_user.is_secretariat)
    form.validate()
    return form


def _reviewable_consultations():
    allowed = services.reviewable_consultation_ids(current_user)
    query = select(Consultation).order_by(Consultation.opens_at.desc())
    if allowed is not None:
        query = query.where(Consultation.id.in_(allowed))
    return db.session.scalars(query).all()


def _queue_args(filters):
    """The filters (and page) of the queue when they are valid; none otherwise."""
    if filters.errors:
        return {}
    args = filters.query_args()
    if filters.page.data and filters.page.data > 1:
        args["page"] = filters.page.data
    return private_search.hide(args)


@bp.route("/review/search", methods=["POST"])
@login_required
def search():
    """The filter form posts here: typed terms go to the session, never into the address (or access logs)."""
    filters = QueueFilterForm(request.form, consultations=_reviewable_consultations(),
                              secretariat=current_user.is_secretariat)
    values = {name: (request.form.get(name) or "").strip() for name in QueueFilterForm.FILTER_NAMES}
    return redirect(url_for("review.queue", **private_search.keep(values)) if filters.validate() else
                    url_for("review.queue", **{k: v for k, v in values.items() if k not in private_search.PRIVATE}), 303)


def _queue_page(filters, bulk_form):
    pagination, duplicates = None, {}
    if not filters.errors:
        wanted = filters.to_filters()
        query = services.queue_query(current_user, wanted)
        # The rows show no texts, files or translations: leaving them out keeps a sort of 10,000 rows
        # in memory (wide rows spilled it to disk) and saves two queries.
        options = (*(defer(getattr(Submission, name), raiseload=True) for name in (*TEXT_FIELDS, "search_text")),
                   raiseload(Submission.attachments), raiseload(Submission.translations))
        page = filters.page.data or 1
        if search_terms(wanted.query):
            pagination = SearchPagination(select=query, options=options, session=db.session(), page=page,
                                          per_page=PER_PAGE, max_per_page=PER_PAGE)
        else:
            pagination = db.paginate(query.options(*options), page=page, per_page=PER_PAGE, max_per_page=PER_PAGE)
        duplicates = _duplicate_hints(pagination.items)
    status = 400 if (filters.errors or bulk_form.errors) else 200
    return render_template("consultations/review/queue.html", filters=filters, bulk=bulk_form, pagination=pagination,
                           duplicates=duplicates, queue_args=_queue_args(filters),
                           link_args={} if filters.errors else private_search.hide(filters.query_args())), status


class SearchPagination(SelectPagination):
    """A page of a search, counted by the same query (count(*) OVER ()).

    Each term is matched with LIKE '%term%' on every submission that the trigram indexes could not
    rule out (on SQLite, every submission): db.paginate would do that work twice, once for the page
    and once for its count. Here one query finds the page's ids and the total, and the rows are
    then read by id. Takes `select` (services.queue_query), `options` (for the rows) and `session`.
    """

    def _query_items(self):
        query, session = self._query_args["select"], self._query_args["session"]
        found = (query.with_only_columns(Submission.id, func.count().over().label("total"))
                 .limit(self.per_page).offset(self._query_offset).subquery())
        rows = session.execute(select(Submission, found.c.total).join(found, found.c.id == Submission.id)
                               .options(*self._query_args["options"]).order_by(Submission.id.desc())).all()
        # No row: no match at all on the first page; past the last page Pagination answers 404.
        self._total = rows[0].total if rows else 0
        return [row[0] for row in rows]

    def _query_count(self):
        return self._total


def _duplicate_hints(items):
    """{id: reference of its possible earlier duplicate} for the rows where the reader may see that link
    (one query): a member is never shown a link that would name an anonymous author or betray a
    confidential submission."""
    ids = {s.duplicate_of_id for s in items if s.duplicate_of_id}
    if not ids:
        return {}
    others = {row.id: row for row in _visible_rows(Submission.id.in_(ids))}
    return {s.id: others[s.duplicate_of_id].reference for s in items
            if s.duplicate_of_id in others and _may_link(s, others[s.duplicate_of_id])}


def _visible_rows(condition):
    """(id, reference, confidentiality) of the submissions the reader may open that meet `condition`."""
    query = services.queue_query(current_user, services.QueueFilters()).where(condition)
    return db.session.execute(query.with_only_columns(Submission.id, Submission.reference,
                                                      Submission.confidentiality)).all()


def _may_link(submission, other):
    return visibility.may_link((submission.confidentiality, other.confidentiality), _reader())


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
    if not services.may_set_status(submission, form.status.data):
        form.status.errors.append(_WITHDRAWN_STAYS)
        return _show_page(submission, status_form=form)
    reason = (form.reason.data or "").strip() if form.status.data == "excluded" else None
    if form.status.data == submission.status and reason == submission.exclusion_reason:
        flash(_("Nothing changed."), "info")
    else:
        services.bulk_set_status([submission], form.status.data, current_user, reason)
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
    services.set_review(submission, current_user, tags=form.tag_list(), objectives=form.objectives.data or [])
    flash(_("Tags and objectives saved."), "success")
    return redirect(url_for("review.show", submission_id=submission_id))


@bp.route("/review/<int:submission_id>/notes", methods=["POST"])
@login_required
def add_note(submission_id):
    submission = _reviewable_or_abort(submission_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _show_page(submission, note_form=form)
    services.add_note(submission, current_user, form.text.data)
    flash(_("Your note is saved."), "success")
    return redirect(url_for("review.show", submission_id=submission_id, _anchor="notes"))


@bp.route("/review/<int:submission_id>/attachments/<int:attachment_id>")
@login_required
def attachment(submission_id, attachment_id):
    submission = _reviewable_or_abort(submission_id)
    if not submission.may(_reader(), "attachments"):
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
    if not services.can_review(current_user, submission.consultation):
        abort(403)
    if not submission.may(_reader(), "text") or submission.status not in visibility.STATUSES[_reader()]:
        abort(403)  # members never see confidential submissions, nor withdrawn ones
    return submission


def _reader():
    """The policy's audience for whoever reviews: only the secretariat and assigned members get here."""
    return visibility.SECRETARIAT if current_user.is_secretariat else visibility.REVIEWER


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
        duplicate_of = next((row for row in _visible_rows(Submission.id == submission.duplicate_of_id)
                             if _may_link(submission, row)), None)
    duplicates = [row for row in _visible_rows(Submission.duplicate_of_id == submission.id) if _may_link(submission, row)]
    context = {
        "submission": submission,
        "reader": _reader(),
        "consultation": submission.consultation,
        "texts": _texts(submission, current_lang(), request.args.get("original") == "1"),
        "translations": _translation_rows(submission) if secretariat else [],
        "machine_translation": _machine_allowed(submission),
        "duplicate_of": duplicate_of,
        "duplicates": duplicates,
        "notes": services.notes_of(submission),
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
        text, text_lang, translated = services.text_for_reader(submission, name, lang)
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
        services.save_translation(submission, field_name, target, text, current_user, confirm=confirm, machine=machine)
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
    services.save_translation(submission, field_name, target, text, current_user, confirm=False, machine=True)
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


# ---------------------------------------------------------------- the audit log (secretariat)

@bp.route("/review/audit")
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


# ---------------------------------------------------------------- shown on every review page

def audit_action(entry):
    return audit_text.action_label(entry)


def audit_details(entry):
    """The details of an entry as a short sentence in the reader's language."""
    return audit_text.details(entry)


def actor_label(entry):
    if entry.actor is None:
        return _("The submitter or the system")
    return entry.actor.name or entry.actor.email


def area_label(code):
    if code == OUTSIDE_REGION:
        return _("Outside the Arab region")
    try:
        return reference.area(code).label(current_lang())
    except KeyError:
        return code or "—"


def constituency_label(code):
    try:
        return reference.constituency(code).label(current_lang())
    except KeyError:
        return code or "—"


def principle_label(code):
    try:
        return reference.principle(code).choice_label(current_lang())
    except KeyError:
        return code


def organisation_label(submission):
    """The organisation as this reader may see it: members get a name only for public submissions."""
    if submission.may(_reader(), "organisation"):
        return submission.org_name
    return _("Anonymous (%(constituency)s, %(country)s)", constituency=constituency_label(submission.constituency),
             country=area_label(submission.country))


@bp.context_processor
def review_helpers():
    return {
        "audit_action": audit_action,
        "audit_details": audit_details,
        "actor_label": actor_label,
        "area_label": area_label,
        "constituency_label": constituency_label,
        "principle_label": principle_label,
        "language_label": language_label,
        "organisation_label": organisation_label,
        "confidentiality_label": confidentiality_label,
        "field_label": lambda name: FIELD_LABELS.get(name, name),
    }
