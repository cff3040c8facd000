"""One archive of everything a restore needs: the database, the stored files, and a manifest.

The archive is a tar file:

    manifest.json     format, database kind, schema revision, when, and the SHA-256 of every member
    database.pgdump   PostgreSQL: pg_dump's custom format (one consistent snapshot), or
    database.sqlite3  SQLite: a copy made by SQLite's online backup API (consistent, writers go on)
    uploads/...       every file under CONSULT_UPLOAD_DIR (attachments, agenda documents, reports)

The database is copied first and the files after: a file is written (and synced) before the row that
names it is committed, and never changed afterwards, so every file the copied database names is
there. Files written after the copy began are kept as well (unused; harmless).
A restore goes into an empty database and an empty folder, unless forced; it checks every
checksum before it changes anything, and the schema revision before and after.
"""
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import timezone
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect, text

from ..core.database import utcnow, write_intent
from ..core.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
UPLOADS = "uploads/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """What stops a backup or a restore, in words for the person running it."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dialect():
    name = db.engine.dialect.name
    if name not in DATABASE_MEMBER:
        raise BackupError(f"cannot back up a {name} database (PostgreSQL and SQLite only)")
    return name


def schema_revision():
    """The database's Alembic revision (read without taking SQLite's write lock)."""
    token = write_intent.set(False)
    try:
        with db.engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        write_intent.reset(token)


def known_revisions():
    """Every revision id of this code's migrations, oldest first, and the head."""
    directory = Path(current_app.root_path).parent / "migrations"
    script = ScriptDirectory.from_config(_alembic_config(Config, directory))
    revisions = [revision.revision for revision in script.walk_revisions()]
    return list(reversed(revisions)), script.get_current_head()


def _alembic_config(config_class, directory):
    config = config_class()
    config.set_main_option("script_location", str(directory))
    return config


# PostgreSQL: pg_dump and pg_restore, of the server's major version.

def _libpq():
    """(arguments, environment) that point pg_dump/pg_restore at the app's database; the password
    goes in the environment, never on the command line."""
    url = db.engine.url
    args = ["--dbname", url.database or "", "--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def _server_major():
    with db.engine.connect() as conn:
        return int(conn.execute(text("SHOW server_version_num")).scalar()) // 10000


def check_pg_tool(tool):
    """The path of `tool` (pg_dump, pg_restore) when its major version is the server's; else BackupError."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not installed (Debian: apt install postgresql-client-{_server_major()})")
    output = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    server = _server_major()
    if not match or int(match.group(1)) != server:
        raise BackupError(f"{tool} is version {match.group(1) if match else '?'} but the server is {server}: "
                          f"install postgresql-client-{server} (or put its bin folder first in PATH)")
    return path


def _dump_postgresql(target):
    tool = check_pg_tool("pg_dump")
    args, env = _libpq()
    result = subprocess.run([tool, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[-2000:]}")


def _restore_postgresql(source):
    tool = check_pg_tool("pg_restore")
    args, env = _libpq()
    result = subprocess.run([tool, "--exit-on-error", "--no-owner", "--no-privileges", "--single-transaction",
                             *args, str(source)], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-2000:]}")


# SQLite: the online backup API, page by page, while others go on writing.

def _sqlite_connection():
    raw = db.engine.raw_connection()
    return raw, raw.driver_connection


def _dump_sqlite(target):
    raw, source = _sqlite_connection()
    try:
        destination = sqlite3.connect(str(target))
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        raw.close()


def _restore_sqlite(source_path):
    db.engine.dispose()
    raw, destination = _sqlite_connection()
    try:
        source = sqlite3.connect(str(source_path))
        try:
            source.backup(destination)
        finally:
            source.close()
    finally:
        raw.close()
    db.engine.dispose()


# The archive.

def _upload_files(folder):
    """Every regular file under the folder, as (path, its name in the archive), in a stable order."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files.append((path, UPLOADS + path.relative_to(folder).as_posix()))
    return files


def backup(output):
    """Write the archive to `output` (a path); return the manifest. The file appears whole or not at all."""
    dialect = _dialect()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="consult-backup-", dir=output.parent) as work:
        database_file = Path(work) / DATABASE_MEMBER[dialect]
        revision_before = schema_revision()
        started = utcnow()
        (_dump_postgresql if dialect == "postgresql" else _dump_sqlite)(database_file)
        revision = _revision_of_copy(database_file) if dialect == "sqlite" else schema_revision()
        if revision != revision_before:
            raise BackupError("the schema changed during the backup (a migration ran): run it again")
        members = {DATABASE_MEMBER[dialect]: database_file}
        members.update({name: path for path, name in _upload_files(current_app.config["CONSULT_UPLOAD_DIR"])})
        checksums = {}
        partial = Path(work) / "archive.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            for name, path in members.items():
                try:
                    checksums[name] = _sha256(path)
                    archive.add(str(path), arcname=name, recursive=False)
                except FileNotFoundError:
                    continue  # removed since it was listed (a withdrawal, a purge): the copy no longer names it
            manifest = {
                "format": FORMAT, "database": dialect, "schema_revision": revision,
                "created_at": started.astimezone(timezone.utc).isoformat(timespec="seconds"),
                "files": checksums,
            }
            data = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(started.timestamp())
            archive.addfile(info, io.BytesIO(data))
        os.replace(partial, output)
    return manifest


def _revision_of_copy(path):
    connection = sqlite3.connect(str(path))
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()


def read_manifest(archive):
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise BackupError("not a consult backup: no manifest.json")
    try:
        manifest = json.loads(archive.extractfile(member).read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BackupError("the manifest is damaged")
    if manifest.get("format") != FORMAT or manifest.get("database") not in DATABASE_MEMBER:
        raise BackupError("this backup was made by another version of consult")
    return manifest


def _safe_member_name(name):
    if name in DATABASE_MEMBER.values():
        return True
    parts = name.split("/")
    return name.startswith(UPLOADS) and len(parts) > 1 and all(part not in ("", ".", "..") for part in parts)


def verify(archive_path):
    """Check the archive against its manifest, member by member; return the manifest."""
    with tarfile.open(archive_path, "r:") as archive:
        manifest = read_manifest(archive)
        expected = manifest["files"]
        members = {member.name: member for member in archive.getmembers() if member.name != MANIFEST}
        if set(members) != set(expected):
            raise BackupError("the archive's files do not match its manifest")
        if DATABASE_MEMBER[manifest["database"]] not in members:
            raise BackupError("the archive holds no database")
        for name, member in members.items():
            if not member.isfile() or not _safe_member_name(name):
                raise BackupError(f"unexpected entry in the archive: {name!r}")
            digest = hashlib.sha256()
            handle = archive.extractfile(member)
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
            if digest.hexdigest() != expected[name]:
                raise BackupError(f"checksum mismatch for {name}: the archive is damaged")
    return manifest


def database_is_empty():
    tables = set(inspect(db.engine).get_table_names())
    return not (tables - {"sqlite_sequence"})


def folder_is_empty(folder):
    folder = Path(folder)
    return not folder.exists() or not any(folder.iterdir())


def restore(archive_path, force=False):
    """Restore an archive into the app's database and upload folder; return the manifest.

    Refuses a database that has tables or a folder that has files, unless `force`: then the database's
    content is replaced and files of the same names are overwritten.
    """
    dialect = _dialect()
    manifest = verify(archive_path)
    if manifest["database"] != dialect:
        raise BackupError(f"this backup is of a {manifest['database']} database; the app uses {dialect}")
    revisions, head = known_revisions()
    if manifest["schema_revision"] not in revisions:
        raise BackupError(f"schema revision {manifest['schema_revision']!r} is unknown to this version of consult "
                          f"(newest known: {head}): restore with the version that made the backup")
    folder = Path(current_app.config["CONSULT_UPLOAD_DIR"])
    if not force:
        if not database_is_empty():
            raise BackupError("the database is not empty (use --force to replace its content)")
        if not folder_is_empty(folder):
            raise BackupError(f"the upload folder {folder} is not empty (use --force to write into it)")
    db.session.remove()
    with tempfile.TemporaryDirectory(prefix="consult-restore-") as work, tarfile.open(archive_path, "r:") as archive:
        database_name = DATABASE_MEMBER[dialect]
        archive.extract(database_name, path=work, filter="data")
        database_file = Path(work) / database_name
        if _sha256(database_file) != manifest["files"][database_name]:
            raise BackupError("the database copy changed while being read: nothing was restored")
        if dialect == "postgresql":
            if force:
                _empty_postgresql()
            _restore_postgresql(database_file)
        else:
            _restore_sqlite(database_file)
        folder.mkdir(parents=True, exist_ok=True)
        for name, checksum in manifest["files"].items():
            if not name.startswith(UPLOADS):
                continue
            target = folder / name[len(UPLOADS):]
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(name) as source, open(target, "wb") as handle:
                shutil.copyfileobj(source, handle, CHUNK)
                handle.flush()
                os.fsync(handle.fileno())
            if _sha256(target) != checksum:
                raise BackupError(f"{target} does not match its checksum after writing (disk?)")
    restored = schema_revision()
    if restored != manifest["schema_revision"]:
        raise BackupError(f"the restored database is at revision {restored}, the backup said "
                          f"{manifest['schema_revision']}")
    return {**manifest, "head": head}


def _empty_postgresql():
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
