from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..core.extensions import db, limiter, login_manager
from ..core.mail import services as mail
from ..core.web import render_form
from . import services
from .access import login_required
from .forms import AccountForm, ForgotPasswordForm, LoginForm, SetPasswordForm

bp = Blueprint("auth", __name__)
login_manager.user_loader(services.load_user)
login_manager.login_view = "auth.login"
login_manager.login_message = None


def _login_limit():
    return current_app.config["RATELIMIT_LOGIN"]


def _safe_next(target):
    """Only a path on this site, never another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
        # The same words whether or not the e-mail exists.
        form.password.errors.append(_("The e-mail or the password is wrong."))
    return render_form("auth/login.html", form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The look-up and the mail come after the answer, which so takes as long whether the account
        # exists or not.
        mail.after_response(services.send_password_link, form.email.data)
        flash(_("If an account exists for this address, a link to choose a new password is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_form("auth/forgot.html", form)


@bp.route("/password/set/<token>", methods=["GET", "POST"])
def set_password(token):
    try:
        user = services.user_from_password_token(token)
    except services.LinkError as error:
        message = (
            _("This link has expired. Ask for a new one.")
            if error.reason == "expired"
            else _("This link is not valid or has already been used. Ask for a new one.")
        )
        return render_template("auth/link_error.html", message=message), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        db.session.commit()
        login_user(user)
        flash(_("Your password is set. Welcome."), "success")
        return redirect(url_for("main.home"))
    return render_form("auth/set_password.html", form, user=user)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = AccountForm(obj=current_user)
    if form.validate_on_submit():
        form.populate_obj(current_user)
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.account"))
    return render_form("auth/account.html", form)
