"""Calendar files (no language prefix): one meeting's .ics, the public feed and a member's private feed."""
from flask import Blueprint, Response, abort, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...core import costs
from ...core.i18n import LANGUAGES, browser_language
from .. import ics, services
from .public import meeting_or_404

bp = Blueprint("calendar", __name__)


def _ics_response(data, filename, private=False):
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response


def _file_lang():
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        return lang
    if current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return browser_language()


@bp.route("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id):
    meeting = meeting_or_404(meeting_id)
    lang = _file_lang()

    def build():
        invitation = services.invitation_for(meeting, current_user)
        data = ics.build_calendar([meeting], lang, invitations={meeting.id: invitation} if invitation else None)
        private = current_user.is_authenticated or meeting.visibility != "public"
        return _ics_response(data, f"meeting-{meeting.id}.ics", private=private)

    return costs.kept_for_everyone(("meeting.ics", meeting.id, meeting.sequence, lang), build)


@bp.route("/calendar/public.ics")
def public_feed():
    lang = _file_lang()

    def build():
        with force_locale(lang):  # the file's language, not the calendar app's
            name = _("Public meetings")
        return _ics_response(ics.build_feed(services.public_feed_meetings(), lang, name=name), "public.ics")

    return costs.kept_for_everyone(("public.ics", lang), build)


@bp.route("/calendar/<token>.ics")
def private_feed(token):
    try:
        user = services.user_by_feed_token(token)
    except services.NotFound:
        abort(404)
    meetings = services.feed_meetings(user)
    invitations = services.invitations_by_meeting(user)
    lang = user.locale if user.locale in LANGUAGES else "en"
    with force_locale(lang):  # the member's language, not the calendar app's
        name = _("My meetings")
    data = ics.build_feed(meetings, lang, invitations=invitations, name=name)
    return _ics_response(data, "meetings.ics", private=True)
