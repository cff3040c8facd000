"""Public, read-only JSON (open data): what a public page shows, nothing more."""
from flask import Blueprint, jsonify

from ..consultations import services as consultations
from ..core.costs import kept_for_everyone
from ..core.database import utcnow
from ..core.i18n import LANGUAGES, local_time
from ..core.web import external_url
from ..meetings import services as meetings
from ..reports import services as reports

bp = Blueprint("api", __name__)
MAX_AGE = 300


def _public(response):
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _moment(moment, zone):
    return local_time(moment, zone).isoformat(timespec="seconds")


def consultation_status(consultation, now):
    """As the public page says it: "open" only while it accepts submissions.

    "upcoming" before it opens, "closed" once the deadline has passed (whatever
    the stored status) or when the secretariat closed it.
    """
    if consultation.is_accepting(now):
        return "open"
    if consultation.status == "open" and now < consultation.opens_at:
        return "upcoming"
    return "closed"


def consultation_json(consultation, now):
    urls = {lang: external_url("consultations.show", slug=consultation.slug, lang=lang) for lang in LANGUAGES}
    return {
        "slug": consultation.slug,
        "title": {lang: (consultation.title or {}).get(lang) or None for lang in LANGUAGES},
        "status": consultation_status(consultation, now),
        "opens_at": _moment(consultation.opens_at, consultation.timezone),
        "closes_at": _moment(consultation.closes_at, consultation.timezone),
        "timezone": consultation.timezone,
        "objectives": list(consultation.objectives or []),
        "url": urls["en"],
        "urls": urls,
    }


@bp.route("/consultations")
def consultations_list():
    """Published calls (never drafts), the latest deadline first."""
    def build():
        now = utcnow()
        return _public(jsonify([consultation_json(item, now) for item in consultations.list_consultations()]))

    return kept_for_everyone(("api", "consultations"), build)


def meeting_json(meeting):
    """A public meeting as its public page shows it: never the join link."""
    urls = {lang: external_url("meetings.show", meeting_id=meeting.id, lang=lang) for lang in LANGUAGES}
    return {
        "id": meeting.id,
        "title": {lang: (meeting.title or {}).get(lang) or None for lang in LANGUAGES},
        "kind": meeting.kind,
        "status": meeting.status,
        "starts_at": local_time(meeting.starts_at, meeting.timezone).isoformat(timespec="seconds"),
        "ends_at": local_time(meeting.ends_at, meeting.timezone).isoformat(timespec="seconds"),
        "timezone": meeting.timezone,
        "url": urls["en"],
        "urls": urls,
    }


@bp.route("/meetings")
def meetings_list():
    """Public meetings (never drafts), the earliest first."""
    return kept_for_everyone(("api", "meetings"),
                             lambda: _public(jsonify([meeting_json(item) for item in meetings.public_feed_meetings()])))


def report_json(report):
    """A published report: the file's address, its language and size; nothing about who contributed."""
    zone = report.consultation.timezone
    return {
        "id": report.id,
        "consultation": report.consultation.slug,
        "title": {lang: (report.consultation.title or {}).get(lang) or None for lang in LANGUAGES},
        "lang": report.lang,
        "part": report.part,
        "published_at": _moment(report.published_at, zone),
        "prepared_at": _moment(report.finished_at, zone),
        "pages": report.pages,
        "size": report.size,
        "sha256": report.sha256,
        "url": external_url("reports.download", report_id=report.id, lang=report.lang),
        "docx_url": (external_url("reports.download_docx", report_id=report.id, lang=report.lang)
                     if report.docx_name else None),
    }


@bp.route("/reports")
def reports_list():
    """Published reports, the newest call first: the latest build per call and language."""
    return kept_for_everyone(("api", "reports"), lambda: _public(
        jsonify([report_json(item) for item in reports.latest_reports(published_only=True)])))
