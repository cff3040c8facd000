"""Reports: building (now or in the background), storing, publishing; the texts and the rendering are
rendering.py."""
import gc
import logging
import time
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update

from ..core import database, pdf
from ..core.audit import services as audit
from ..consultations import visibility
from ..core import storage
from ..consultations.models import Submission
from ..core.database import utcnow
from ..core.extensions import db
from ..core.i18n import LANGUAGES
from . import jobs, parallel
from .models import PARTS, Report
from .rendering import (  # noqa: F401  (services.X as before: views, the CLI and tests use these names)
    DEFAULT_PART,
    TEXT_LIMIT,
    docx_path,
    gather,
    pdf_title,
    preview_html,
    render_docx,
    render_html,
    save_setup,
    setup_for,
)

log = logging.getLogger(__name__)


class NotClosed(Exception):
    """The call still accepts submissions (or is a draft): its report can't be built yet."""


# ---------------------------------------------------------------- builds

def stale_after():
    return timedelta(seconds=current_app.config["CONSULT_REPORT_TIMEOUT"])


def _expire_stale(reports, now):
    """A build that outlived the time limit died with its process: it is marked failed."""
    changed = False
    for report in reports:
        if report.is_pending and (report.started_at or report.created_at) < now - stale_after():
            report.status, report.error = "failed", "interrupted"
            log.warning("report %s: build interrupted (no progress for %s)", report.id, stale_after())
            changed = True
    if changed:
        db.session.commit()


def _matching(consultation, lang, input_hash, part=DEFAULT_PART):
    """Builds with these inputs that may be reused: a pulled build never is."""
    return db.session.scalars(
        select(Report).where(Report.consultation_id == consultation.id, Report.lang == lang,
                             Report.input_hash == input_hash, Report.status != "failed", Report.part == part,
                             Report.pulled_at.is_(None))
        .order_by(Report.id.desc())).all()


def _find_or_queue(consultation, lang, actor, now, part=DEFAULT_PART):
    """(report, reused, created): the stored or under-way report with these inputs, else a new queued one."""
    if not consultation.is_reportable(now):
        raise NotClosed(consultation.slug)
    with force_locale(lang):
        gathered = gather(consultation, lang, part)
    existing = _matching(consultation, lang, gathered.input_hash, part)
    _expire_stale(existing, now)
    for report in existing:
        if report.is_ready and report.stored_name:
            return report, True, False
        if report.is_pending:
            return report, False, False
    report = Report(consultation_id=consultation.id, lang=lang, part=part, input_hash=gathered.input_hash,
                    status="queued", stage="queued", requested_by_id=actor.id if actor else None)
    db.session.add(report)
    audit.record(actor, "report.build", consultation, lang=lang, part=part)
    db.session.commit()
    return report, False, True


def request_build(consultation, lang, actor=None, now=None, part=DEFAULT_PART):
    """(report, reused): the stored report at once when the inputs are unchanged, else a build in
    the background. Asking again while a build with the same inputs is under way gives that build."""
    report, reused, created = _find_or_queue(consultation, lang, actor, now or utcnow(), part)
    if created:
        jobs.enqueue(run_build, report.id)
    return report, reused


def build_now(consultation, lang, actor=None, wait=600, part=DEFAULT_PART):
    """Build in this process (the CLI): (report, reused). A build already under way elsewhere is waited for."""
    report, reused, _ = _find_or_queue(consultation, lang, actor, utcnow(), part)
    if not reused:
        report_id = report.id
        run_build(report_id)
        report = db.session.get(Report, report_id)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            db.session.refresh(report)
            if not report.is_pending:
                break
            time.sleep(0.5)
    return report, reused


def _set_stage_of(report_id, stage):
    db.session.execute(update(Report).where(Report.id == report_id).values(stage=stage))
    db.session.commit()


def _compose(report):
    """(html, title, input hash) of a report, from the database as it is now."""
    with force_locale(report.lang):
        gathered = gather(report.consultation, report.lang, report.part)
        _set_stage_of(report.id, "composing")
        docx = render_docx(gathered) if report.part == "main" else None
        return render_html(gathered), pdf_title(gathered.content), gathered.input_hash, gathered.consents, docx


def _lay_out_in_parts(report, workers):
    """The annex cut into parts laid out in `workers` processes at once (consult.reports.parallel)."""
    report_id = report.id
    parts, queued = parallel.plan(workers)
    with force_locale(report.lang):
        gathered = gather(report.consultation, report.lang, report.part)
        _set_stage_of(report_id, "composing")
        composed = parallel.compose(gathered, render_html, pdf_title(gathered.content), parts)
    input_hash, consents = gathered.input_hash, gathered.consents
    del gathered
    gc.collect()
    _set_stage_of(report_id, "laying_out")
    rendered = parallel.build(composed, queued=queued, on_progress=lambda done, total: _set_stage_of(
        report_id, parallel.progress_stage(done, total)))
    return rendered, input_hash, consents, None


def run_build(report_id):
    """Build a queued report: collect, compose, lay out, write, store. Any failure marks it failed."""
    # Claimed atomically: a report is built once, whichever worker or thread gets to it first.
    claimed = db.session.execute(
        update(Report).where(Report.id == report_id, Report.status == "queued")
        .values(status="building", stage="collecting", started_at=utcnow()))
    db.session.commit()
    if claimed.rowcount != 1:
        return
    report = db.session.get(Report, report_id)
    stored_name = docx_name = None
    try:
        workers = current_app.config["CONSULT_REPORT_WORKERS"]
        if report.part == "annex" and workers > 1:
            rendered, input_hash, consents, docx = _lay_out_in_parts(report, workers)
        else:
            html, title, input_hash, consents, docx = _compose(report)
            # Nothing holds the submissions any more (the session's identity map keeps only weak references):
            # collect them now, so the layout (the long part) runs without them in memory.
            gc.collect()
            rendered = pdf.write_pdf(html, title=title, lang=report.lang,
                                     on_stage=lambda stage: _set_stage_of(report_id, stage))
            del html
        stored_name, digest = storage.store(rendered.data)
        docx_name = storage.store(docx)[0] if docx is not None else None
        report = db.session.get(Report, report_id)
        report.input_hash = input_hash  # the inputs it was made from, should they have changed since the request
        report.consents = consents
        report.stored_name, report.sha256, report.size = stored_name, digest, len(rendered.data)
        report.docx_name = docx_name
        report.pages, report.arabic_face, report.seconds = rendered.pages, rendered.arabic_face, rendered.seconds
        report.status, report.stage, report.finished_at, report.error = "ready", "done", utcnow(), None
        db.session.commit()
        log.info("report %s (%s, %s): %d pages in %.1f s", report.id, report.consultation.slug, report.lang,
                 rendered.pages, rendered.seconds)
    except Exception as error:  # noqa: BLE001 - whatever broke, the build is marked failed, not left hanging
        db.session.rollback()
        for name in (stored_name, docx_name):
            if name:
                storage.remove(name)
        log.exception("report %s: build failed", report_id)
        report = db.session.get(Report, report_id)
        if report is not None:  # (gone if its call was deleted meanwhile)
            report.status, report.error, report.finished_at = "failed", type(error).__name__, utcnow()
            db.session.commit()


def get(report_id):
    return db.session.get(Report, report_id)


def builds_of(consultation):
    """Every build of a call's report, newest first (stale ones marked failed, and builds whose consents
    no longer hold marked pulled, on the way)."""
    reports = db.session.scalars(select(Report).where(Report.consultation_id == consultation.id)
                                 .order_by(Report.id.desc())).all()
    _expire_stale(reports, utcnow())
    pull_stale(reports)
    return reports


def refresh(report):
    """The report, marked failed if its build died (silent past the time limit)."""
    _expire_stale([report], utcnow())
    return report


def file_path(report):
    return storage.path_of(report.stored_name)


# ---------------------------------------------------------------- consent: pulled builds

def _pull_reason(report, current, newer_published):
    """Why `report` may no longer be served, or None. `current` is {submission id: (level, status)}."""
    if not report.consultation.is_reportable():
        return "reopened"
    for key, level in (report.consents or {}).items():
        now_level, status = current.get(int(key), (None, None))
        if status == "withdrawn" or status is None:
            return "withdrawn"  # taken back, or deleted: nothing of it may stay out there
        if status != "included":
            return "excluded"
        if not visibility.is_known(now_level) or visibility.is_stricter(now_level, level):
            return "consent"
    if report.published_at is not None and report.id in newer_published:
        return "superseded"
    return None


def pull_stale(reports):
    """Mark pulled every ready build among `reports` that rests on a consent which no longer holds, whose
    call was reopened, or that a newer published build of its call and language replaced. Checked when
    builds are listed or served, so no path that changes a submission can forget it (two queries)."""
    candidates = [report for report in reports if report.is_current]
    if not candidates:
        return
    ids = {int(key) for report in candidates for key in (report.consents or {})}
    current = {}
    if ids:
        current = {row.id: (row.confidentiality, row.status) for row in db.session.execute(
            select(Submission.id, Submission.confidentiality, Submission.status).where(Submission.id.in_(ids)))}
    calls = {report.consultation_id for report in candidates}
    newest = {}
    for row in db.session.execute(select(Report.id, Report.consultation_id, Report.lang, Report.part).where(
            Report.consultation_id.in_(calls), Report.published_at.is_not(None), Report.status == "ready")):
        key = (row.consultation_id, row.lang, row.part)
        newest[key] = max(newest.get(key, 0), row.id)
    superseded = {report.id for report in candidates
                  if report.published_at is not None
                  and newest.get((report.consultation_id, report.lang, report.part), 0) > report.id}
    pulls = [(report, reason) for report in candidates if (reason := _pull_reason(report, current, superseded))]
    if not pulls:
        return
    now = utcnow()
    with database.writing():
        for report, reason in pulls:
            # Whoever marks it first records it (two readers may find the same build at once).
            marked = db.session.execute(update(Report).where(Report.id == report.id, Report.pulled_at.is_(None))
                                        .values(pulled_at=now, pulled_reason=reason)).rowcount
            if marked:
                audit.record(None, "report.pulled", report.consultation, lang=report.lang, report=report.id,
                             reason=reason)
                log.info("report %s pulled: %s", report.id, reason)
        db.session.commit()
    for report, _reason in pulls:
        db.session.refresh(report)


def current_report_for(report):
    """The published build that replaces a pulled one (same call and language), if there is one."""
    latest = [item for item in latest_reports(published_only=True)
              if item.consultation_id == report.consultation_id and item.lang == report.lang
              and item.part == report.part]
    return latest[0] if latest else None


def publish(report, actor, published=True):
    """Make a ready, current report public (listed by /api/reports), or take it back. Publishing a build
    supersedes the builds of the same call and language published before it."""
    if published and not report.is_current:
        raise ValueError("pulled")
    report.published_at = utcnow() if published else None
    if published and report.consultation.status == "closed":
        report.consultation.status = "reported"
    audit.record(actor, "report.publish" if published else "report.unpublish", report.consultation, lang=report.lang,
                 report=report.id)
    db.session.commit()
    if published:
        pull_stale(db.session.scalars(select(Report).where(
            Report.consultation_id == report.consultation_id, Report.lang == report.lang, Report.id != report.id,
            Report.published_at.is_not(None))).all())


def _sees_unpublished(user):
    return user.is_authenticated and user.role in ("member", "secretariat")


def downloadable(user):
    """Current reports the reader may download: every one for members and the secretariat,
    published ones for everyone else. The newest per call and language."""
    return latest_reports(published_only=not _sees_unpublished(user))


def latest_reports(published_only=True):
    """The newest current (ready, not pulled) report per call and language, the latest call first."""
    query = select(Report).where(Report.status == "ready", Report.pulled_at.is_(None)).order_by(Report.id.desc())
    if published_only:
        query = query.where(Report.published_at.is_not(None))
    reports = db.session.scalars(query).all()
    pull_stale(reports)
    latest = {}
    for report in reports:
        if report.is_current:
            latest.setdefault((report.consultation_id, report.lang, report.part), report)
    return sorted(latest.values(), key=lambda r: (-r.consultation.closes_at.timestamp(), LANGUAGES.index(r.lang),
                                                  PARTS.index(r.part)))


def published_of(consultation):
    """The newest published ready report of one call per language, in the order of LANGUAGES."""
    query = (select(Report).where(Report.consultation_id == consultation.id, Report.status == "ready",
                                  Report.published_at.is_not(None)).order_by(Report.id.desc()))
    latest = {}
    for report in db.session.scalars(query):
        latest.setdefault(report.lang, report)
    return [latest[lang] for lang in LANGUAGES if lang in latest]


def may_download(report, user):
    """Anyone but the secretariat gets only a current build (None: pulled, answer 410)."""
    if not report.is_ready:
        return False
    if user.is_authenticated and user.is_secretariat:
        return True
    pull_stale([report])
    if not report.is_current:
        return None
    return report.published_at is not None or _sees_unpublished(user)
