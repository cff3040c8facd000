"""Commands of the consultations feature: exports (the retention purge is consult/purge.py, across features)."""
import click
from flask.cli import AppGroup

from . import calls, exports

export_cli = AppGroup("export", help="Export data as an audience may see it.")


@export_cli.command("submissions")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default="csv", show_default=True,
              help="File format.")
@click.option("--audience", type=click.Choice(["secretariat", "members", "public"]), required=True,
              help="Who the file is for: it holds only what they may see.")
@click.option("-o", "--output", type=click.File("wb", lazy=True), required=True,
              help="File to write ('-' for standard output).")
def export_submissions(slug, fmt, audience, output):
    """Write the submissions of the call SLUG as the audience may see them."""
    try:
        consultation = calls.get_consultation(slug, include_drafts=True)
    except calls.NotFound:
        raise click.BadParameter(f"no call for input has the slug {slug!r}.", param_hint="SLUG") from None
    result = exports.export(consultation, audience, fmt)
    output.write(result.data)
    output.close()
    click.echo(f"{result.count} submission(s) of {consultation.slug} written for the {audience} audience "
               f"as {fmt} to {output.name}.", err=True)

