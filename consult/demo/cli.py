import click

from . import services


@click.command("demo")
def demo():
    """Fill the database with a realistic demo; running it again changes nothing."""
    for line in services.load_demo():
        click.echo(line)
