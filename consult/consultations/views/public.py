"""Public pages of the calls for input, the submission form and the submitter's private link."""
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from ...core import database, reference
from ...core.database import utcnow
from ...core.extensions import limiter
from ...core.i18n import current_lang
from ...core.mail import services as mail
from ...core.pagecache import page_cache
from ...core import storage
from ...core.security import new_form_key
from ...core.web import render_form
from .. import calls, consent, kept, links, reviewing, services
from ..forms import ConfirmForm, DraftForm, LinksForm, NarrowConsentForm, SubmissionForm
from ..vocabulary import field_label, level_label, submission_status_label

bp = Blueprint("consultations", __name__)
submissions_bp = Blueprint("submissions", __name__)


def form_choices():
    """Groupings for the checkbox lists of the form, in the page's language."""
    lang = current_lang()
    areas = reference.countries_by_subregion(lang)
    areas.append((_("Beyond one country"), [a.code for a in reference.PSEUDO_AREAS]))
    objectives = [(group.label(lang), list(group.numbers)) for group in reference.OBJECTIVE_GROUPS]
    return {"area_groups": areas, "objective_groups": objectives}


bp.context_processor(form_choices)
submissions_bp.context_processor(form_choices)
# A submission's status in every template (review pages, the secretariat's and the submitter's).
bp.add_app_template_global(submission_status_label, "submission_status_label")


def _submit_limit():
    return current_app.config["RATELIMIT_SUBMIT"]


def upload_message(error):
    messages = {
        "type": _("%(name)s is not a PDF, DOCX, ODT, JPEG or PNG file.", name=error.filename),
        "size": _("%(name)s is larger than 5 MB.", name=error.filename),
        "empty": _("%(name)s is empty.", name=error.filename),
        "count": _("Please attach at most 3 files."),
        "total": _("The files together are larger than 10 MB."),
    }
    if error.filename and error.code in ("count", "total"):  # a file left out of the ones kept: name it
        messages = {"count": _("%(name)s is not attached: please attach at most 3 files.", name=error.filename),
                    "total": _("%(name)s is not attached: the files together would be larger than 10 MB.",
                               name=error.filename)}
    return messages[error.code]


def _consultation_or_404(slug):
    try:
        return calls.get_consultation(slug)
    except calls.NotFound:
        abort(404)


@bp.route("/consultations/")
def index():
    return render_template("consultations/index.html", consultations=calls.list_consultations())


@bp.route("/consultations/<slug>/")
def show(slug):
    # Its published reports and open data come from template globals of those features (above this one).
    return render_template("consultations/show.html", consultation=_consultation_or_404(slug))


@bp.route("/consultations/<slug>/submit", methods=["GET", "POST"])
def submit(slug):
    cache = page_cache("submission_form")
    cache_key = (slug, current_lang(), str(get_timezone()))
    if cache.usable():
        page = cache.get(cache_key, csrf_token=generate_csrf(), form_key=new_form_key())
        if page is not None:
            return page
    return _render_or_submit(slug, cache, cache_key)


# The limit on sending, outside the view: a kept page is served without the limiter's bookkeeping.
@limiter.limit(_submit_limit, methods=["POST"])
def _render_or_submit(slug, cache, cache_key):
    with database.reading_before_writing():
        consultation = _consultation_or_404(slug)
    if not consultation.is_accepting():
        status = 200 if request.method == "GET" else 409
        return render_template("consultations/closed.html", consultation=consultation), status
    saving_draft = "save_draft" in request.form
    form = DraftForm() if saving_draft else SubmissionForm()
    if request.method == "GET":
        form.form_key.data = new_form_key()
    attached = None
    if form.validate_on_submit() or (request.method == "POST" and "csrf_token" not in form.errors):
        # Files are checked (and kept) even when another field has an error: none is lost on the way back.
        # Files kept from an earlier try are listed on the page, which then says so (kept_files).
        kept_key = form.form_key.data if request.form.get("kept_files") else None
        attached = kept.collect(consultation, kept_key, form.attachments.data, _ids("remove_kept"))
        if attached.errors:
            form.attachments.errors = [upload_message(error) for error in attached.errors]
    if attached is not None and not form.errors:
        try:
            result = services.submit(consultation, form.values(), attached.checked(),
                                     form_key=form.form_key.data or None, page_lang=current_lang(), draft=saving_draft)
        except calls.ClosedError:
            return render_template("consultations/closed.html", consultation=consultation), 409
        except OSError:
            current_app.logger.exception("attachment could not be stored")
            form.attachments.errors = [_("We could not store your files just now. Nothing was saved; please try again later.")]
            return render_form("consultations/submit.html", form, consultation=consultation,
                               kept_files=attached.kept)[0], 503
        kept.release(attached.kept)
        if result.token is None:
            # The same form sent twice: show where the first one went, make nothing new.
            return render_template("consultations/duplicate_post.html", consultation=consultation,
                                   submission=result.submission), 200
        if saving_draft:
            flash(_("Your draft is saved. We sent a link to %(email)s to come back to it.", email=result.submission.contact_email), "success")
        return redirect(url_for("submissions.show", token=result.token, new=None if saving_draft else 1))
    if attached is not None and form.form_key.data:
        try:
            kept.keep(consultation, form.form_key.data, attached)
        except OSError:
            current_app.logger.exception("attachment could not be kept")
            form.attachments.errors = [_("We could not store your files just now. Nothing was saved; please try again later.")]
            return render_form("consultations/submit.html", form, consultation=consultation, kept_files=attached.kept)[0], 503
    if attached is not None:
        return render_form("consultations/submit.html", form, consultation=consultation, kept_files=attached.kept)
    page, status = render_form("consultations/submit.html", form, consultation=consultation)
    if status == 200 and cache.usable():
        cache.put(cache_key, page, seconds=(consultation.closes_at - utcnow()).total_seconds(),
                  csrf_token=generate_csrf(), form_key=form.form_key.data)
    return page, status


@submissions_bp.route("/submissions/<token>/", methods=["GET", "POST"], endpoint="show")
def submission_page(token):
    submission = _by_token_or_404(token)
    actions = consent.actions_left(submission)
    if not actions.edit:
        # After the deadline (or once withdrawn) the link still shows the submission and what is left to do.
        if request.method == "POST":
            return render_template("submissions/expired.html", submission=submission), 410
        return _own_page(submission, token, actions)
    unavailable = False
    sending = "send" in request.form
    form_class = DraftForm if (submission.status == "draft" and not sending) else SubmissionForm
    form = form_class(obj=_FormObject(submission)) if request.method == "GET" else form_class()
    if request.method == "POST" and form.validate_on_submit():
        try:
            files = storage.check_files(form.attachments.data or [], already=len(submission.attachments),
                                        already_bytes=sum(a.size for a in submission.attachments))
            remove = [int(i) for i in request.form.getlist("remove_attachment") if i.isascii() and i.isdigit() and len(i) < 10]
            services.update_by_submitter(submission, form.values(), files, remove, send=sending)
        except storage.UploadError as error:
            form.attachments.errors = [upload_message(error)]
        except calls.ClosedError:
            return render_template("submissions/expired.html", submission=submission), 410
        except OSError:  # disk full: the transaction and the files written so far are undone
            current_app.logger.exception("attachment could not be stored")
            form.attachments.errors = [_("We could not store your files just now. Nothing was saved; please try again later.")]
            unavailable = True
        else:
            flash(_("Your submission %(reference)s has been sent. Thank you.", reference=submission.reference)
                  if sending else _("Your changes are saved."), "success")
            return redirect(url_for("submissions.show", token=token))
    status = 503 if unavailable else 400 if form.errors else 200
    return _own_page(submission, token, actions, form=form, status=status)


def _own_page(submission, token, actions, form=None, narrow_form=None, status=200):
    # Before the deadline the form itself changes the level; afterwards only a stricter one is offered.
    if narrow_form is None and actions.narrow_to and not actions.edit:
        narrow_form = NarrowConsentForm(actions.narrow_to, formdata=None)
    return render_template("submissions/show.html", submission=submission, form=form, live=actions.edit, token=token,
                           actions=actions, narrow_form=narrow_form, confirm_form=ConfirmForm(),
                           level_label=level_label, field_label=field_label,
                           text_for=reviewing.text_for_reader, new=request.args.get("new")), status


@submissions_bp.route("/submissions/<token>/consent", methods=["POST"])
def narrow_consent(token):
    """Make the submission stricter: open at any time, even after the deadline and after publication."""
    submission = _by_token_or_404(token)
    actions = consent.actions_left(submission)
    form = NarrowConsentForm(actions.narrow_to)
    if not actions.narrow_to:
        return _own_page(submission, token, actions, status=409)
    if not form.validate_on_submit():
        return _own_page(submission, token, actions, narrow_form=form, status=400)
    consent.narrow(submission, form.level.data)
    flash(_("Done: your submission is now %(level)s. Any published report that used it otherwise is taken down.",
            level=level_label(submission.confidentiality)), "success")
    return redirect(url_for("submissions.show", token=token), 303)


@submissions_bp.route("/submissions/<token>/withdraw", methods=["GET", "POST"])
def withdraw(token):
    """A confirmation page (works without JavaScript), then the withdrawal."""
    submission = _by_token_or_404(token)
    actions = consent.actions_left(submission)
    form = ConfirmForm()
    if not actions.withdraw:
        return _own_page(submission, token, actions, status=409 if request.method == "POST" else 200)
    if request.method == "POST" and form.validate_on_submit():
        consent.withdraw(submission)
        flash(_("Your submission is withdrawn. It will not be used."), "success")
        return redirect(url_for("submissions.show", token=token), 303)
    return render_template("submissions/withdraw.html", submission=submission, token=token, form=form,
                           accepting=submission.consultation.is_accepting()), 400 if form.errors else 200


@submissions_bp.route("/submissions/<token>/restore", methods=["POST"])
def restore(token):
    """Undo a withdrawal, until the deadline."""
    submission = _by_token_or_404(token)
    actions = consent.actions_left(submission)
    if not actions.restore or not ConfirmForm().validate_on_submit():
        return _own_page(submission, token, actions, status=409 if not actions.restore else 400)
    consent.restore(submission)
    flash(_("Your submission is no longer withdrawn. The secretariat will review it again."), "success")
    return redirect(url_for("submissions.show", token=token), 303)


@submissions_bp.route("/submissions/<token>/attachments/<int:attachment_id>")
def attachment(token, attachment_id):
    submission = _by_token_or_404(token)
    return send_attachment(submission, attachment_id)


def send_attachment(submission, attachment_id):
    for item in submission.attachments:
        if item.id == attachment_id:
            return send_file(storage.path_of(item.stored_name), mimetype=item.content_type,
                             as_attachment=True, download_name=storage.clean_name(item.original_name))
    abort(404)


def _ids(name):
    """Row ids ticked in the form under `name` (anything else is ignored)."""
    return {int(i) for i in request.form.getlist(name) if i.isascii() and i.isdigit() and len(i) < 10}


def _by_token_or_404(token):
    try:
        return services.by_token(token)
    except calls.NotFound:
        # A lost or mistyped link: the way to a new one, not a bare 404.
        abort(make_response(render_template("submissions/not_found.html"), 404))


class _FormObject:
    """Submission values in the shape the form expects (consent already given)."""

    def __init__(self, submission):
        self._submission = submission
        self.consent = submission.status != "draft"
        self.form_key = submission.form_key

    def __getattr__(self, name):
        return getattr(self._submission, name)


def _links_limit():
    return current_app.config["RATELIMIT_LINKS"]


def _asked_address():
    return "links:" + request.form.get("email", "").strip().lower()[:254]


@submissions_bp.route("/submissions/links", methods=["GET", "POST"], endpoint="links")
@limiter.limit(_links_limit, methods=["POST"])
@limiter.limit(_links_limit, methods=["POST"], key_func=_asked_address)  # and per address asked for
def send_my_links():
    form = LinksForm()
    if form.validate_on_submit():
        # Looked up, renewed and mailed after the answer: the page tells nothing, not even by its timing.
        mail.after_response(links.send_links, form.email.data, current_lang())
        # The same answer whether or not anything was found.
        return render_template("submissions/links.html", form=form, sent=True)
    return render_form("submissions/links.html", form)
