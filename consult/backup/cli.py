"""`consult backup -o FILE` and `consult restore FILE`."""
import click

from . import services


@click.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The archive to write.")
def backup_command(output):
    """One consistent archive of the database and the stored files, with checksums and the schema revision."""
    try:
        manifest = services.backup(output)
    except services.BackupError as error:
        raise click.ClickException(str(error))
    files = len(manifest["files"]) - 1
    click.echo(f"{output}: {manifest['database']} database at revision {manifest['schema_revision']}, "
               f"{files} stored file(s), checksums in manifest.json.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that is not empty and write into a folder that is not.")
def restore_command(archive, force):
    """Restore a backup into an empty database and upload folder (checksums and revision checked)."""
    try:
        manifest = services.restore(archive, force=force)
    except services.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Restored the {manifest['database']} database at revision {manifest['schema_revision']} and "
               f"{len(manifest['files']) - 1} stored file(s) from {archive} (made {manifest['created_at']}).")
    if manifest["schema_revision"] != manifest["head"]:
        click.echo(f"This code's schema is at {manifest['head']}: run `flask --app wsgi db upgrade` next.")
