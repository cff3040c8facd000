"""Commands of the group: the roster export (in the `consult export` group)."""
import click

from .roster import export_roster as roster_export


@click.command("roster")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="File format.")
@click.option("-o", "--output", type=click.File("wb", lazy=True), required=True,
              help="File to write ('-' for standard output).")
def export_roster(fmt, output):
    """Write the group's members, current and past, for the secretariat (with contact details)."""
    data, _filename, _mimetype, count = roster_export(fmt)
    output.write(data)
    output.close()
    click.echo(f"{count} term(s) of the group's members, current and past, written as {fmt} to {output.name}. "
               "It holds contact details: keep it with the secretariat.", err=True)
