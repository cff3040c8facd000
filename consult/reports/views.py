"""Report pages: the list for readers, and the secretariat's workspace for one call."""
from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import secretariat_required
from ..consultations import services as consultations
from ..core.i18n import current_lang
from ..core.pdf import PDF_DIR, language_css
from ..core.web import render_form
from . import services
from .forms import BuildForm, PublishForm, ReportTextsForm
from .vocabulary import PART_LABELS, PULL_REASON_LABELS, stage_label

bp = Blueprint("reports", __name__)


@bp.app_template_global("published_reports")
def published_reports(consultation):
    """For the call's public page: its published reports (none while it still takes input)."""
    return [] if consultation.is_accepting() else services.published_of(consultation)
STYLESHEETS = ("pdf.css", "report.css")


@bp.context_processor
def _labels():
    return {"stage_label": stage_label,
            "pull_reason_label": lambda reason: PULL_REASON_LABELS.get(reason, reason),
            "part_label": lambda part: PART_LABELS.get(part, part)}


def _consultation_or_404(slug):
    try:
        return consultations.get_consultation(slug, include_drafts=True)
    except consultations.NotFound:
        abort(404)


def _report_or_404(report_id):
    report = services.get(report_id)
    if report is None:
        abort(404)
    return report


@bp.get("/reports/")
def index():
    reports = services.downloadable(current_user)
    is_secretariat = current_user.is_authenticated and current_user.is_secretariat
    workspaces = consultations.list_consultations(include_drafts=False) if is_secretariat else []
    return render_template("reports/index.html", reports=reports, workspaces=workspaces)


def _refused(report):
    """The answer when the reader may not have this build's files; None when they may."""
    allowed = services.may_download(report, current_user)
    if allowed is None:
        # Pulled: it rests on a consent that no longer holds, or a newer build replaced it.
        return render_template("reports/pulled.html", report=report,
                               current=services.current_report_for(report)), 410
    # A report the reader may not have is a 404, not a 403: its existence is not given away.
    if not allowed:
        abort(404)
    return None


@bp.get("/reports/<int:report_id>.pdf")
def download(report_id):
    report = _report_or_404(report_id)
    refused = _refused(report)
    if refused is not None:
        return refused
    response = send_file(services.file_path(report), mimetype="application/pdf", as_attachment=True,
                         download_name=report.download_name())
    if report.published_at is None:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/reports/<int:report_id>.docx")
def download_docx(report_id):
    """The Word version of a main report: served to whoever may download its PDF, and only then."""
    report = _report_or_404(report_id)
    refused = _refused(report)
    if refused is not None:
        return refused
    if not report.docx_name:
        abort(404)
    response = send_file(services.docx_path(report), as_attachment=True, download_name=report.docx_download_name(),
                         mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if report.published_at is None:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/reports/<slug>/", methods=["GET", "POST"])
@secretariat_required
def workspace(slug):
    consultation = _consultation_or_404(slug)
    setup = services.setup_for(consultation)
    form = ReportTextsForm()
    if form.validate_on_submit():
        services.save_setup(consultation, current_user, form.texts("summary"), form.texts("methodology"),
                            form.arabic_digits.data, form.licence.data)
        flash(_("The report's texts are saved."), "success")
        return redirect(url_for(".workspace", slug=slug))
    if not form.is_submitted():
        form.fill(setup)
    return _workspace_page(consultation, form, BuildForm())


def _workspace_page(consultation, texts_form, build_form):
    builds = services.builds_of(consultation)
    # The report is built from the texts as saved: a preview link per language shows exactly that.
    return render_form("reports/workspace.html", texts_form, consultation=consultation, build_form=build_form,
                       publish_form=PublishForm(), builds=builds, reportable=consultation.is_reportable())


@bp.post("/reports/<slug>/build")
@secretariat_required
def build(slug):
    consultation = _consultation_or_404(slug)
    form = BuildForm()
    if not form.validate_on_submit():
        texts = ReportTextsForm(formdata=None)
        texts.fill(services.setup_for(consultation))
        page, _status = _workspace_page(consultation, texts, form)
        return page, 400
    try:
        report, reused = services.request_build(consultation, form.lang.data, actor=current_user,
                                                part=form.part.data or "main")
    except services.NotClosed:
        flash(_("This call still accepts submissions: its report can be built once it closes."), "error")
        return redirect(url_for(".workspace", slug=slug)), 303
    if reused:
        flash(_("Nothing has changed since this report was built: here is the stored one."), "success")
    return redirect(url_for(".progress", report_id=report.id), 303)


@bp.get("/reports/builds/<int:report_id>")
@secretariat_required
def progress(report_id):
    report = services.refresh(_report_or_404(report_id))
    return render_template("reports/progress.html", report=report, publish_form=PublishForm())


@bp.get("/reports/builds/<int:report_id>.json")
@secretariat_required
def progress_state(report_id):
    """What the progress page's script polls: the build's state, in the page's language."""
    report = services.refresh(_report_or_404(report_id))
    response = jsonify(status=report.status, pending=report.is_pending, progress=report.progress,
                       stage=str(stage_label(report.stage)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/reports/builds/<int:report_id>/publish", methods=["GET", "POST"])
@secretariat_required
def publish(report_id):
    """GET: a page that says what publishing does and asks (works without JavaScript); POST: publish or withdraw."""
    report = _report_or_404(report_id)
    if request.method == "GET":
        if not report.is_ready:
            abort(409)
        if report.published_at is not None:
            return redirect(url_for(".workspace", slug=report.consultation.slug), 303)
        if report.pulled_at is not None:
            flash(_("This build was pulled: it rests on consents that no longer hold. Build the report again."), "error")
            return redirect(url_for(".workspace", slug=report.consultation.slug), 303)
        return render_template("reports/publish_confirm.html", report=report, publish_form=PublishForm())
    form = PublishForm()
    if not form.validate_on_submit() or form.action.data not in ("publish", "unpublish"):
        abort(400)
    if not report.is_ready:
        abort(409)
    try:
        services.publish(report, current_user, published=form.action.data == "publish")
    except ValueError:
        flash(_("This build was pulled: it rests on consents that no longer hold. Build the report again."), "error")
        return redirect(url_for(".workspace", slug=report.consultation.slug), 303)
    flash(_("The report is public now.") if form.action.data == "publish" else _("The report is no longer public."),
          "success")
    return redirect(url_for(".workspace", slug=report.consultation.slug), 303)


@bp.get("/reports/<slug>/preview")
@secretariat_required
def preview(slug):
    """The report in the page's language as a web page, made from the same data as the PDF."""
    consultation = _consultation_or_404(slug)
    stylesheet_base = url_for(".stylesheet", name="pdf.css").removesuffix("pdf.css")
    part = request.args.get("part", services.DEFAULT_PART)
    if part not in PART_LABELS:
        abort(404)
    html = services.preview_html(consultation, current_lang(), stylesheet_base, part=part)
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/reports/print/<name>")
def stylesheet(name):
    """The PDF stylesheets, for the preview (they live beside the PDF templates)."""
    if name == "languages.css":
        response = Response(language_css(), mimetype="text/css")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response
    if name not in STYLESHEETS:
        abort(404)
    return send_file(PDF_DIR / name, mimetype="text/css", max_age=3600)
