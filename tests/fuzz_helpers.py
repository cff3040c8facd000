"""Helpers shared by the authorisation matrix and the bad-input tests: what the database holds
(to prove that a refused or rejected request changed nothing) and the readable text of any answer
(pages, JSON, calendars, CSV, XLSX and PDF), to look for words that must not be there."""
import hashlib
import io
import re
import subprocess
import zipfile

from consult.core.database import write_intent
from consult.core.extensions import db as _db


def snapshot():
    """Every row of every table: equal snapshots mean nothing was written.

    Plain SQL, values as the driver gives them (no JSON or date conversion), sorted here: cheap enough
    to take around every request of a test. The test's own transaction is ended first (on SQLite it may
    hold the write lock), and the snapshot reads as a reader (a plain BEGIN, not the BEGIN IMMEDIATE of
    a unit of work that writes), so it never waits for a writer.
    """
    _db.session.commit()
    names = [table.name for table in _db.metadata.sorted_tables]
    reading = write_intent.set(False)
    try:
        with _db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # One round trip: each table as one JSON array of its rows.
                columns = ", ".join(f"(SELECT coalesce(json_agg(t ORDER BY t::text), '[]') FROM \"{name}\" t)"
                                    for name in names)
                return dict(zip(names, conn.exec_driver_sql(f"SELECT {columns}").one()))
            state = {}
            for name in names:
                rows = conn.exec_driver_sql(f'SELECT * FROM "{name}"').fetchall()
                state[name] = sorted((tuple(row) for row in rows), key=repr)
            return state
    finally:
        write_intent.reset(reading)


def describe_changes(before, after):
    """Which tables differ between two snapshots (for an assertion message)."""
    changed = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, []), after.get(name, [])
        if old != new:
            changed.append(f"{name}: {len(old)} -> {len(new)} rows; new or changed: "
                           f"{[row for row in new if row not in old][:3]}")
    return "; ".join(changed)


_PDF_TEXT = {}


def pdf_text(data):
    """The text of a PDF as poppler's pdftotext reads it (pypdf where poppler is missing), cached by content."""
    key = hashlib.sha256(data).hexdigest()
    if key not in _PDF_TEXT:
        try:
            result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                                    timeout=60)
            text = result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None
        except FileNotFoundError:
            text = None
        if text is None:
            from pypdf import PdfReader
            from pypdf.errors import PdfReadError

            try:
                text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
            except PdfReadError:
                text = ""
        # The document's properties (title, author) and any text left uncompressed are read too.
        _PDF_TEXT[key] = text + "\n" + data.decode("latin-1")
    return _PDF_TEXT[key]


def text_of(response):
    """What a reader can read in an answer: text as sent, and the text inside PDF and XLSX files."""
    data = response.get_data()
    if data.startswith(b"%PDF-"):
        return pdf_text(data)
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                             if name.endswith(".xml") or name.endswith(".rels"))
    text = data.decode("utf-8", "replace")
    # Calendar files fold long lines (RFC 5545): unfold them before searching.
    if response.mimetype == "text/calendar":
        text = re.sub(r"\r?\n[ \t]", "", text)
    return text


def full_text(response):
    """The answer's text and its headers (a file name in Content-Disposition is read too)."""
    headers = "\n".join(f"{key}: {value}" for key, value in response.headers.items())
    return text_of(response) + "\n" + headers
