from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import text

from ..consultations.services import open_consultations
from ..core.database import utcnow
from ..core.extensions import db
from ..core.i18n import LANGUAGES, REGION_ZONES, TZ_COOKIE, browser_language, valid_zone

bp = Blueprint("main", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
def root():
    return redirect(url_for("main.home", lang=browser_language()))


@bp.route("/<lang>/")
def home():
    return render_template("main/home.html", today=format_date(utcnow(), format="full"),
                           open_calls=open_consultations())


@bp.route("/<lang>/timezone", methods=["GET", "POST"])
def timezone():
    """Pick the zone in which times are shown; works with JavaScript off."""
    error = None
    if request.method == "POST":
        zone = request.form.get("timezone", "")
        if valid_zone(zone):
            target = request.form.get("next") or url_for("main.home")
            # Browsers drop tabs and newlines and read "\\" as "/": "/\t/evil.example" is another site.
            if not target.startswith("/") or target.startswith("//") or "\\" in target or not target.isprintable():
                target = url_for("main.home")
            response = redirect(target)
            response.set_cookie(TZ_COOKIE, zone, max_age=ONE_YEAR, samesite="Lax",
                                secure=current_app.config["SESSION_COOKIE_SECURE"])
            return response
        error = _("Please choose a time zone from the list.")
    status = 400 if error else 200
    return render_template("main/timezone.html", zones=REGION_ZONES, error=error,
                           next=request.args.get("next", "")), status


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify({"status": "error", "db": "error"}), 503
    return jsonify({"status": "ok", "db": "ok"})


@bp.app_template_filter("lang_url")
def lang_url(lang):
    return url_for("main.home", lang=lang) if lang in LANGUAGES else url_for("main.root")
