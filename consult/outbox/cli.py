import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..core.extensions import db
from ..core.mail import services
from ..core.mail.models import OutboxMessage

mail_cli = AppGroup("mail", help="The e-mail outbox.")


@mail_cli.command("send")
def send_command():
    """Send the queued messages that are due (run it from cron)."""
    click.echo(f"{services.deliver()} message(s) sent.")


@mail_cli.command("outbox")
@click.option("--limit", default=10, show_default=True)
def outbox_command(limit):
    """Print the newest messages in the outbox (for development without SMTP)."""
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    for message in messages:
        click.echo(f"#{message.id} [{message.status}] to {message.to_address}: {message.subject}")
        click.echo(message.body_text)
        click.echo("-" * 60)
