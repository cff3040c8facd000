"""`consult backup` and `consult restore`: a round trip on the test's own database while submissions are
being written; everything in the archive comes back byte for byte."""
import hashlib
import json
import os
import tarfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from consult.backup import services as backup
from consult.consultations import services
from consult.core import storage
from consult.core.storage import CheckedFile
from consult.core.extensions import db as _db
from consult.core.mail import services as mail
from consult.reports.models import Report
from tests.helpers import SUBMISSION_FORM, make_app

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


# A call counts its submissions (the next reference number): its row changes with each one.
CHANGED_BY_SUBMISSIONS = {"consultations"}


def _values(n):
    values = {key: value for key, value in SUBMISSION_FORM.items() if key not in ("consent", "send")}
    values.update(objectives=[6, 7], org_name=f"Organisation {n} — منظمة", contact_email=f"c{n}@example.org",
                  challenges=f"Texte {n}\nسطر ثان")
    return values


def _submit(consultation, n):
    files = [CheckedFile(f"pièce-{n}.pdf", "application/pdf", PDF + str(n).encode())]
    services.submit(consultation, _values(n), files=files)


@pytest.fixture
def target_url(database_url, tmp_path):
    """An empty database beside the test's own: a second PostgreSQL database, or a new SQLite file."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_restore"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _invoke(target, *args):
    """A command of the app on the restored database (its context over the test's own)."""
    with target.app_context():
        return target.test_cli_runner().invoke(args=["consult", *args])


def _rows(engine, table):
    with engine.connect() as conn:
        return {row[0]: tuple(row) for row in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY 1'))}


def test_round_trip_while_submissions_are_written(app, db, tmp_path, create_consultation, secretariat,
                                                  database_url, target_url):
    consultation = create_consultation()
    for n in range(5):
        _submit(consultation, n)
    stored, digest = storage.store(b"%PDF-1.4 the report\n%%EOF\n")
    _db.session.add(Report(consultation_id=consultation.id, lang="ar", input_hash="0" * 64, status="ready",
                           stage="done", stored_name=stored, sha256=digest, size=26))
    mail.send("someone@example.org", "Réunion — اجتماع", "نص\nBody")
    consultation_id = consultation.id
    _db.session.commit()

    stop, written, errors = threading.Event(), [], []

    def writer():
        with app.app_context():
            try:
                call = _db.session.get(type(consultation), consultation_id)
                n = 100
                while not stop.is_set():
                    _submit(call, n)
                    written.append(n)
                    n += 1
            except Exception as error:  # noqa: BLE001 -- reported by the test
                errors.append(error)
            finally:
                _db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3 and thread.is_alive():
            time.sleep(0.01)
        archive = tmp_path / "backup.tar"
        result = app.test_cli_runner().invoke(args=["consult", "backup", "-o", str(archive)])
        while len(written) < 6 and thread.is_alive():
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not errors, errors
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["schema_revision"] == backup.schema_revision()
    assert manifest["database"] == _db.engine.dialect.name

    restored_dir = tmp_path / "restored-uploads"
    target = make_app(target_url, CONSULT_UPLOAD_DIR=str(restored_dir))
    result = _invoke(target, "restore", str(archive))
    assert result.exit_code == 0, result.output

    source_engine, target_engine = _db.engine, create_engine(target_url)
    try:
        counts = {}
        for table in _db.metadata.sorted_tables:
            source_rows, restored_rows = _rows(source_engine, table.name), _rows(target_engine, table.name)
            # Every row in the backup is the source's row, byte for byte (rows are only added meanwhile).
            if table.name in CHANGED_BY_SUBMISSIONS:
                assert set(restored_rows) <= set(source_rows)
            else:
                assert [key for key, row in restored_rows.items() if source_rows.get(key) != row] == [], table.name
            counts[table.name] = (len(restored_rows), len(source_rows))
        # The backup caught the writer in the middle: more than the first five, fewer than the end.
        assert 5 < counts["submissions"][0] < counts["submissions"][1], counts
        assert counts["attachments"][0] == counts["submissions"][0]
        assert counts["reports"][0] == 1
        assert counts["outbox_messages"][0] == counts["submissions"][0] + 1  # the receipts and the mail
        with target_engine.connect() as conn:
            files = list(conn.execute(text("SELECT stored_name, sha256 FROM attachments UNION ALL "
                                           "SELECT stored_name, sha256 FROM reports")))
    finally:
        target_engine.dispose()
    for stored_name, sha256 in files:
        data = (restored_dir / stored_name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha256
        assert data == Path(storage.path_of(stored_name)).read_bytes()


def test_restore_refuses_a_damaged_archive_and_a_database_in_use(app, db, tmp_path, create_consultation,
                                                                 target_url):
    create_consultation()
    _db.session.commit()
    archive = tmp_path / "backup.tar"
    assert app.test_cli_runner().invoke(args=["consult", "backup", "-o", str(archive)]).exit_code == 0
    # Into the database in use: refused, nothing changed.
    result = app.test_cli_runner().invoke(args=["consult", "restore", str(archive)])
    assert result.exit_code != 0 and "not empty" in result.output
    # A damaged copy: one byte changed in the database member.
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("database."):
                data = data[:-100] + bytes([data[-100] ^ 1]) + data[-99:]
            copy.addfile(member, __import__("io").BytesIO(data))
    target = make_app(target_url, CONSULT_UPLOAD_DIR=str(tmp_path / "empty"))
    result = _invoke(target, "restore", str(damaged))
    assert result.exit_code != 0 and "checksum mismatch" in result.output
    with target.app_context():
        assert backup.database_is_empty()
    # An unknown schema revision: refused.
    manifest_only = tmp_path / "future.tar"
    with tarfile.open(archive) as source, tarfile.open(manifest_only, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), "schema_revision": "9999"}).encode()
                member.size = len(data)
            copy.addfile(member, __import__("io").BytesIO(data))
    result = _invoke(target, "restore", str(manifest_only))
    assert result.exit_code != 0 and "9999" in result.output
    # The good archive goes in; a second time it is refused, unless forced.
    assert _invoke(target, "restore", str(archive)).exit_code == 0
    again = _invoke(target, "restore", str(archive))
    assert again.exit_code != 0 and "not empty" in again.output
    forced = _invoke(target, "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output


@pytest.mark.postgres
def test_pg_dump_of_another_major_version_is_refused(app, db, is_postgres, tmp_path, monkeypatch):
    if not is_postgres:
        pytest.skip("PostgreSQL only")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pg_dump").write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    (fake / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    result = app.test_cli_runner().invoke(args=["consult", "backup", "-o", str(tmp_path / "b.tar")])
    assert result.exit_code != 0 and "version 9" in result.output
    assert not (tmp_path / "b.tar").exists()
