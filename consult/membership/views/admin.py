"""The secretariat's pages of the group: members and terms, history, balance, organisations,
calls for nominations and decisions, settings and the roster export."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...auth import services as accounts
from ...auth.access import secretariat_required
from ...auth.models import User
from ...core.extensions import db
from ...core.i18n import today
from ...organisations import services as organisation_services
from ...organisations.forms import OrganisationForm
from ...core.web import render_form
from .. import charts, nominations, roster, services
from ..forms import CallForm, DecisionForm, EndTermForm, NewTermForm, SettingsForm, TermForm, gender_data, gender_value
from .public import area_groups, helpers

bp = Blueprint("membership_admin", __name__)
bp.context_processor(helpers)


def error_message(error):
    """The translated words for a broken rule of the group."""
    messages = {
        "role": _("Please choose a role."),
        "dates": _("The end must come after the start."),
        "end_date": _("The last day must fall within the term."),
        "seat": _("The group has %(n)d seats: choose a seat between 1 and %(n)d.", n=error.details.get("seats", 0)),
        "alternates": _("The group has no alternates (see the settings)."),
        "declaration_future": _("A declaration cannot be dated in the future."),
        "person_overlap": _("This person already holds a seat during these dates: one person, one seat at a time."),
        "seat_taken": _("This seat is already held during these dates."),
        "role_taken": _("Someone else already has this role during these dates."),
        "not_member": _("This e-mail belongs to a secretariat account, not a member."),
        "already_ended": _("This term has already ended."),
        "reason": _("Please give the reason."),
        "decided": _("This application has already been decided."),
        "duplicate": _("An organisation with this name already exists."),
        "name": _("Please give the name."),
        "organisation": _("Please choose an organisation."),
        "already_nominated": _("This person is already nominated in this call."),
    }
    return messages.get(error.code, _("This change is not possible."))


def _or_404(getter, ident):
    try:
        return getter(ident)
    except services.NotFound:
        abort(404)


def _actor():
    return current_user._get_current_object()


# ---------------------------------------------------------------- members and terms

@bp.route("/group/manage")
@secretariat_required
def manage():
    on = today()
    terms = [t for t in services.all_terms() if t.status(on) != "past"]
    profiles = services.profiles_for([t.user_id for t in terms])
    result = roster.balance(on)
    return render_template("membership/admin/manage.html", terms=terms, profiles=profiles, today=on,
                           warnings=result.warnings, settings=services.group_settings())


@bp.route("/group/manage/history")
@secretariat_required
def history():
    return render_template("membership/admin/history.html", terms=services.all_terms(), today=today())


@bp.route("/group/manage/terms/new", methods=["GET", "POST"])
@secretariat_required
def term_new():
    organisations = organisation_services.list_organisations()
    form = NewTermForm(organisations=organisations, users=services.member_users())
    if request.method == "GET" and request.args.get("organisation", "").isdigit():
        form.organisation_id.data = int(request.args["organisation"])
    if form.validate_on_submit():
        try:
            if form.user_id.data:
                user = db.session.get(User, form.user_id.data)
                new_account = False
            else:
                new_account = accounts.find_user(form.email.data) is None
                user = services.account_for(form.email.data, form.name.data, form.locale.data)
            profile = services.profile_of(user)
            profile.gender, profile.phone = gender_value(form.gender), (form.phone.data or "").strip()
            organisation = organisation_services.get_organisation(form.organisation_id.data)
            term = services.add_term(user, organisation, actor=_actor(), commit=False, **form.term_values())
            if new_account:
                services.send_invitation(user)
            db.session.commit()
        except services.MembershipError as error:
            db.session.rollback()
            form.seat.errors.append(error_message(error))
        else:
            flash(_("The term is saved."), "success")
            if not term.declarations_done:
                flash(_("It starts once the terms of reference and the conflict-of-interest declaration are recorded."), "info")
            return redirect(url_for(".manage"))
    return render_form("membership/admin/term_new.html", form)


@bp.route("/group/manage/terms/<int:term_id>/edit", methods=["GET", "POST"])
@secretariat_required
def term_edit(term_id):
    term = _or_404(services.get_term, term_id)
    profile = services.profile_of(term.user)
    organisations = organisation_services.list_organisations()
    if request.method == "GET":
        data = {name: getattr(term, name) for name in services.TERM_FIELDS}
        data.update(gender=gender_data(profile.gender), phone=profile.phone)
        form = TermForm(data=data, organisations=organisations)
    else:
        form = TermForm(organisations=organisations)
    if form.validate_on_submit():
        try:
            profile.gender, profile.phone = gender_value(form.gender), (form.phone.data or "").strip()
            services.update_term(term, actor=_actor(), **form.term_values())
        except services.MembershipError as error:
            form.seat.errors.append(error_message(error))
        else:
            flash(_("The term is saved."), "success")
            return redirect(url_for(".manage"))
    return render_form("membership/admin/term_edit.html", form, term=term)


@bp.route("/group/manage/terms/<int:term_id>/end", methods=["GET", "POST"])
@secretariat_required
def term_end(term_id):
    term = _or_404(services.get_term, term_id)
    form = EndTermForm()
    if request.method == "GET":
        form.ended_on.data = today()
    if form.validate_on_submit():
        try:
            services.end_term(term, form.ended_on.data, form.reason.data, form.note.data, actor=_actor())
        except services.MembershipError as error:
            form.ended_on.errors.append(error_message(error))
        else:
            flash(_("The term is ended. It stays in the history."), "success")
            return redirect(url_for(".manage"))
    return render_form("membership/admin/term_end.html", form, term=term)


@bp.route("/group/manage/settings", methods=["GET", "POST"])
@secretariat_required
def settings():
    current = services.group_settings()
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        services.save_settings(**{name: getattr(form, name).data for name in
                                  ("seats", "alternates", "min_women_percent", "warn_empty_subregion",
                                   "warn_ending_days")})
        flash(_("The settings are saved."), "success")
        return redirect(url_for(".balance"))
    return render_form("membership/admin/settings.html", form)


@bp.route("/group/manage/roster.<any(csv, json):fmt>")
@secretariat_required
def export(fmt):
    data, filename, mimetype, _count = roster.export_roster(fmt)
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Contact details and gender: never kept by a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- balance

@bp.route("/group/balance")
@secretariat_required
def balance():
    result = roster.balance()
    return render_template("membership/admin/balance.html", result=result, charts=charts.balance_charts(result),
                           settings=services.group_settings())


# ---------------------------------------------------------------- organisations

@bp.route("/group/organisations")
@secretariat_required
def organisations():
    return render_template("membership/admin/organisations.html",
                           organisations=organisation_services.list_organisations())


def _organisation_page(organisation):
    if request.method == "GET" and organisation is not None:
        form = OrganisationForm(data=OrganisationForm.data_from(organisation))
    else:
        form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation_services.save_organisation(organisation, **form.values())
        except organisation_services.OrganisationError as error:
            form.name.errors.append(error_message(error))
        else:
            flash(_("The organisation is saved."), "success")
            return redirect(url_for(".organisations"))
    return render_form("membership/admin/organisation_edit.html", form, organisation=organisation,
                       area_groups=area_groups())


@bp.route("/group/organisations/new", methods=["GET", "POST"])
@secretariat_required
def organisation_new():
    return _organisation_page(None)


@bp.route("/group/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@secretariat_required
def organisation_edit(organisation_id):
    organisation = organisation_services.get_organisation(organisation_id) or abort(404)
    return _organisation_page(organisation)


# ---------------------------------------------------------------- nominations

@bp.route("/group/nominations/")
@secretariat_required
def calls():
    return render_template("membership/admin/calls.html", calls=nominations.list_calls())


def _call_page(call):
    if request.method == "GET" and call is not None:
        form = CallForm(data=CallForm.data_from(call))
    else:
        form = CallForm()
    if request.method == "GET" and call is None:
        form.status.data, form.seats.data = "open", 1
        form.timezone.data = "Asia/Beirut"
    if form.validate_on_submit():
        call = nominations.save_call(call, actor=_actor(), **form.values())
        flash(_("The call for nominations is saved."), "success")
        return redirect(url_for(".call_show", call_id=call.id))
    return render_form("membership/admin/call_edit.html", form, call=call)


@bp.route("/group/nominations/new", methods=["GET", "POST"])
@secretariat_required
def call_new():
    return _call_page(None)


@bp.route("/group/nominations/<int:call_id>/edit", methods=["GET", "POST"])
@secretariat_required
def call_edit(call_id):
    return _call_page(_or_404(nominations.get_call, call_id))


@bp.route("/group/nominations/<int:call_id>/")
@secretariat_required
def call_show(call_id):
    call = _or_404(nominations.get_call, call_id)
    return render_template("membership/admin/call_show.html", call=call,
                           applications=nominations.applications_of(call))


@bp.route("/group/nominations/applications/<int:application_id>", methods=["GET", "POST"])
@secretariat_required
def application(application_id):
    item = _or_404(nominations.get_application, application_id)
    form = DecisionForm()
    if request.method == "GET":
        form.role.data = "member"
    if form.validate_on_submit():
        try:
            if form.action.data == "shortlist":
                nominations.shortlist(item, actor=_actor())
                flash(_("The application is shortlisted."), "success")
            elif form.action.data == "decline":
                nominations.decline(item, form.reason.data, actor=_actor())
                flash(_("The application is declined; the applicant has been told."), "success")
            else:
                nominations.select_nominee(item, seat=form.seat.data, role=form.role.data,
                                        starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                        reason=form.reason.data, actor=_actor())
                flash(_("The nominee is selected: their account is made and the invitation sent."), "success")
        except services.MembershipError as error:
            form.action.errors.append(error_message(error))
        else:
            return redirect(url_for(".application", application_id=item.id))
    return render_form("membership/admin/application.html", form, application=item)
