"""`flask --app wsgi consult purge`: personal data past its retention period, removed from every feature.

Run it from cron (daily is enough). Each feature offers the function that purges its own data.
"""
import click
from flask import current_app
from flask.cli import with_appcontext

from .consultations import kept, retention
from .membership.nominations import purge_applications


@click.command("purge")
@with_appcontext
def purge():
    """Remove personal data past its retention period."""
    months = current_app.config["CONSULT_RETENTION_MONTHS"]
    count = retention.purge_contacts(months)
    click.echo(f"Contact details (name, e-mail, phone) removed from {count} submission(s) "
               f"to calls whose deadline passed more than {months} month(s) ago.")
    count = purge_applications(months)
    click.echo(f"Personal data (applicant, nominee, their texts) removed from {count} nomination(s) "
               f"to calls for nominations whose deadline passed more than {months} month(s) ago.")
    hours = current_app.config["CONSULT_KEPT_FILE_HOURS"]
    count = kept.sweep()
    click.echo(f"{count} attachment(s) of forms left unsent for more than {hours:g} hour(s) removed.")
