"""The app factory: it registers every feature's blueprints and commands, in one place."""
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import models  # noqa: F401  (every table, for Alembic)
from .api.views import bp as api_bp
from .auth.views import bp as auth_bp
from .cli import consult_cli
from .auditlog.views import bp as audit_bp
from .consultations.views import review_submission  # noqa: F401 (its routes are on the review blueprint)
from .consultations.views.admin import bp as consultations_admin_bp
from .consultations.views.public import bp as consultations_bp
from .consultations.views.public import submissions_bp
from .consultations.views.review import bp as review_bp
from .core import config as settings
from .core import database, errors, i18n, security, web
from .core.extensions import babel, csrf, db, limiter, login_manager, migrate
from .core.mail import services as mail
from .main.views import bp as main_bp
from .meetings.views import admin as meetings_admin  # noqa: F401 (its routes are on the meetings blueprint)
from .meetings.views.calendar import bp as calendar_bp
from .meetings.views.public import bp as meetings_bp
from .membership.views.admin import bp as membership_admin_bp
from .membership.views.public import bp as membership_bp
from .opendata.views import api_bp as opendata_api_bp
from .opendata.views import bp as opendata_bp
from .outbox.views import bp as mail_bp
from .reports.views import bp as reports_bp
from .synthesis.views import bp as synthesis_bp

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the app. `config` is a dict of settings that win over the environment."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings.load(app.instance_path, config))
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    database.configure(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    security.init_app(app)  # before csrf: its malformed-request check must run first
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    app.url_value_preprocessor(i18n.pull_lang)
    app.url_defaults(i18n.add_lang)
    app.jinja_env.globals.update(web.template_globals())
    app.jinja_env.filters.update(i18n.template_filters())
    mail.init_app(app)
    errors.init_app(app)

    # Ids in addresses stay within the database's integer range: a larger one is a 404, not a 500.
    app.url_map.converters["int"] = web.DatabaseIdConverter

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/<lang>")
    app.register_blueprint(consultations_bp, url_prefix="/<lang>")
    app.register_blueprint(submissions_bp, url_prefix="/<lang>")
    app.register_blueprint(consultations_admin_bp, url_prefix="/<lang>")
    app.register_blueprint(review_bp, url_prefix="/<lang>")
    app.register_blueprint(audit_bp, url_prefix="/<lang>")
    app.register_blueprint(meetings_bp, url_prefix="/<lang>")
    app.register_blueprint(reports_bp, url_prefix="/<lang>")
    app.register_blueprint(calendar_bp)
    app.register_blueprint(membership_bp, url_prefix="/<lang>")
    app.register_blueprint(membership_admin_bp, url_prefix="/<lang>")
    app.register_blueprint(mail_bp, url_prefix="/<lang>")
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(opendata_bp, url_prefix="/<lang>")
    app.register_blueprint(synthesis_bp, url_prefix="/<lang>")
    app.register_blueprint(opendata_api_bp, url_prefix="/api")

    app.cli.add_command(consult_cli)
    return app
