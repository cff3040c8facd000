"""Commands of the consultations feature: exports and the retention purge."""
import click
from flask.cli import AppGroup

export_cli = AppGroup("export", help="Export data as an audience may see it.")


@click.command("purge")
def purge():
    """Remove personal data past its retention period."""
    from . import services
    from flask import current_app

    count = services.purge_contacts(current_app.config["CONSULT_RETENTION_MONTHS"])
    click.echo(f"contact details removed from {count} submission(s)")
