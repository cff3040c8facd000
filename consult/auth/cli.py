import click

from ..core.extensions import db
from ..core.web import external_url
from ..core.i18n import LANGUAGES
from . import services


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="The person's name.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", help="Language of the link's page.")
def create_admin(email, name, lang):
    """Create a secretariat account and print a one-time link to set its password."""
    user = services.find_user(email)
    if user is None:
        user = services.create_user(email, "secretariat", name=name, locale=lang)
    elif user.role != "secretariat":
        raise click.ClickException(f"{user.email} exists with the role {user.role}.")
    db.session.commit()
    link = external_url("auth.set_password", token=services.password_token(user), lang=lang)
    click.echo(f"Secretariat account: {user.email}")
    click.echo(f"Set the password within 48 hours (the link works once): {link}")
