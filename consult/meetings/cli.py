"""`flask --app wsgi consult meeting ...`"""
import sys

import click
from flask.cli import AppGroup

from . import ics, services
from ..core.i18n import LANGUAGES

meeting_cli = AppGroup("meeting", help="Meetings of the group.")


@meeting_cli.command("ics")
@click.argument("meeting_id", type=int)
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of the summary and description.")
def meeting_ics(meeting_id, lang):
    """Print the invite (METHOD:PUBLISH) of meeting MEETING_ID to standard output."""
    try:
        meeting = services.get_meeting_any(meeting_id)
    except services.NotFound:
        raise click.BadParameter(f"no meeting has the id {meeting_id}.", param_hint="MEETING_ID") from None
    sys.stdout.buffer.write(ics.build_calendar([meeting], lang))
    sys.stdout.flush()
