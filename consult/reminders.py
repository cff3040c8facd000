"""`flask --app wsgi consult remind`: the daily reminders, run once a day from cron.

Each feature offers one function that sends its own reminders, records what it
sent so that nothing goes out twice, and returns how many messages it queued.
The queued messages are then delivered (what fails stays queued for
`consult mail send`).
"""
import click
from flask.cli import with_appcontext

from .core.mail.services import deliver
from .meetings.minutes import send_overdue_action_reminders
from .meetings.rsvp import send_rsvp_reminders
from .membership.services import send_term_reminders

# (name, function) in the order they run.
REMINDERS = (
    ("terms ending", send_term_reminders),
    ("RSVPs", send_rsvp_reminders),
    ("overdue actions", send_overdue_action_reminders),
)


@click.command("remind")
@with_appcontext
def remind():
    """Send the daily reminders (terms ending, RSVPs, overdue actions), each once."""
    total = 0
    for name, send in REMINDERS:
        count = send()
        total += count
        click.echo(f"{name}: {count} reminder(s) sent")
    delivered = deliver()
    click.echo(f"{total} reminder(s) in all; {delivered} e-mail(s) delivered now")
