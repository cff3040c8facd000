"""Pages of the group for the public and for members: the roster, the nomination form, the directory."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core import reference
from ...auth.access import login_required
from ...core.security import new_form_key
from ...core.extensions import limiter
from ...core.i18n import current_lang
from ...core.web import render_form
from .. import nominations, services
from ..forms import ApplicationForm, HideNameForm
from ..roster import public_roster
from ..vocabulary import (OUTSIDE_REGION, OUTSIDE_REGION_LABEL, application_status_label, end_reason_label,
                          gender_label, role_label, term_status_label)

bp = Blueprint("membership", __name__)


def _label(lookup, code):
    try:
        return lookup(code).label(current_lang())
    except KeyError:
        return ""


def helpers():
    """Labels for codes, in the page's language, for the group's templates."""

    def area_label(code):
        if code == OUTSIDE_REGION:
            return str(OUTSIDE_REGION_LABEL)
        return _label(reference.area, code) or code

    def subregion_label(code):
        item = reference.balance_subregion(code)
        return item.label(current_lang()) if item else ""

    def balance_subregion_label(code):
        item = next((i for i in reference.BALANCE_SUBREGIONS if i.code == code), None)
        return item.label(current_lang()) if item else str(OUTSIDE_REGION_LABEL)

    return {
        "area_label": area_label,
        "balance_subregion_label": balance_subregion_label,
        "subregion_label": subregion_label,
        "constituency_label": lambda code: _label(reference.constituency, code) or code,
        "role_label": role_label,
        "gender_label": gender_label,
        "end_reason_label": end_reason_label,
        "term_status_label": term_status_label,
        "application_status_label": application_status_label,
        "organisation_name": lambda org: org.name_in(current_lang()),
    }


bp.context_processor(helpers)


def _apply_limit():
    return current_app.config["RATELIMIT_SUBMIT"]


def area_groups():
    """The countries of work grouped by subregion, for the checkbox lists."""
    lang = current_lang()
    groups = reference.countries_by_subregion(lang)
    groups.append((_("Beyond one country"), [a.code for a in reference.PSEUDO_AREAS]))
    return groups


@bp.route("/group/")
def roster():
    """The public roster: names (unless hidden), organisations, countries, roles. Never contacts or gender."""
    return render_template("membership/roster.html", entries=public_roster(),
                           calls=nominations.open_calls())


@bp.route("/group/directory")
@login_required
def directory():
    """Members and the secretariat: the current members with their contact details."""
    terms = services.current_terms()
    profiles = services.profiles_for([t.user_id for t in terms])
    return render_template("membership/directory.html", terms=terms, profiles=profiles)


@bp.route("/group/my-listing", methods=["GET", "POST"])
@login_required
def my_listing():
    """A member chooses whether their name shows on the public roster."""
    profile = services.profile_of(current_user) if current_user.role == "member" else None
    form = HideNameForm(obj=profile)
    if profile is not None and form.validate_on_submit():
        services.set_hide_name(current_user, form.hide_name.data)
        flash(_("Your choice is saved."), "success")
        return redirect(url_for(".my_listing"))
    return render_form("membership/my_listing.html", form, profile=profile)


def _public_call_or_404(call_id):
    try:
        return nominations.get_call(call_id, public=True)
    except services.NotFound:
        abort(404)


@bp.route("/group/nominations/<int:call_id>/apply", methods=["GET", "POST"])
@limiter.limit(_apply_limit, methods=["POST"])
def apply(call_id):
    call = _public_call_or_404(call_id)
    if not call.is_accepting():
        return render_template("membership/call_closed.html", call=call), 200 if request.method == "GET" else 409
    form = ApplicationForm()
    if request.method == "GET":
        form.form_key.data = new_form_key()
    if form.validate_on_submit():
        try:
            result = nominations.apply(call, form.values(), lang=current_lang(), form_key=form.form_key.data or None)
        except services.ClosedError:
            return render_template("membership/call_closed.html", call=call), 409
        except services.MembershipError:
            form.nominee_email.errors.append(_("This person is already nominated in this call."))
        else:
            if not result.created:
                # The same form sent twice: nothing new is made.
                return render_template("membership/applied.html", call=call, again=True)
            return redirect(url_for(".applied", call_id=call.id))
    return render_form("membership/apply.html", form, call=call, area_groups=area_groups())


@bp.route("/group/nominations/<int:call_id>/thanks")
def applied(call_id):
    return render_template("membership/applied.html", call=_public_call_or_404(call_id), again=False)
