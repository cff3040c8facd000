"""Attachments: the type is read from the content, never trusted from the name;
files are stored under random names outside any static folder."""
import hashlib
import os
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from flask import current_app
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import FileStorage

from .database import UTCDateTime, utcnow
from .text import single_line

MAX_FILES = 3
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = ("pdf", "docx", "odt", "jpg", "jpeg", "png")
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class UploadError(Exception):
    """A file that cannot be accepted; `code` says why (for a translated message)."""

    def __init__(self, code, filename=""):
        super().__init__(code)
        self.code, self.filename = code, filename


@dataclass
class CheckedFile:
    original_name: str
    content_type: str
    data: bytes

    @property
    def size(self):
        return len(self.data)


class StoredFileMixin:
    """The columns of a file stored by this module: its original name, its random stored name, what it is."""

    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def sniff(data):
    """The content type of `data` if it is one we accept, else None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                    return "application/vnd.oasis.opendocument.text"
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
    return None


def clean_name(filename):
    """A file name as stored and sent back: its last path part, without format characters (U+202E
    would show "gpj.pdf" reversed) or control characters, at most 255 characters."""
    name = single_line(os.path.basename((filename or "").replace("\\", "/")))[:255].strip()
    return name or "file"


def check_files(storages, already=0, already_bytes=0):
    """Read and check uploaded files (werkzeug FileStorage); raise UploadError on the first bad one."""
    files = []
    total = already_bytes
    for storage in storages:
        # A text field sent under a file field's name is no file.
        if not isinstance(storage, FileStorage) or not storage.filename:
            continue
        name = clean_name(storage.filename)
        if name.rsplit(".", 1)[-1].lower() not in ALLOWED_EXTENSIONS:
            raise UploadError("type", name)
        data = storage.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise UploadError("size", name)
        if not data:
            raise UploadError("empty", name)
        content_type = sniff(data)
        if content_type is None:
            raise UploadError("type", name)
        total += len(data)
        files.append(CheckedFile(name, content_type, data))
    if len(files) + already > MAX_FILES:
        raise UploadError("count")
    if total > MAX_TOTAL_BYTES:
        raise UploadError("total")
    return files


def upload_dir():
    path = current_app.config["CONSULT_UPLOAD_DIR"]
    os.makedirs(path, exist_ok=True)
    return path


def store(data):
    """Write `data` under a new random name; return (stored_name, sha256). Raises OSError (disk full)."""
    stored_name = secrets.token_hex(16)
    path = os.path.join(upload_dir(), stored_name)
    try:
        with open(path, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        remove(stored_name)
        raise
    return stored_name, hashlib.sha256(data).hexdigest()


def store_checked(checked):
    """Write a CheckedFile to disk; return the StoredFileMixin columns for its row."""
    stored_name, digest = store(checked.data)
    return {"original_name": checked.original_name, "stored_name": stored_name,
            "content_type": checked.content_type, "size": checked.size, "sha256": digest}


def remove(stored_name):
    try:
        os.remove(os.path.join(upload_dir(), stored_name))
    except FileNotFoundError:
        pass


def path_of(stored_name):
    return os.path.join(upload_dir(), stored_name)
