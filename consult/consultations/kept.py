"""Attachments kept across a form error: a file that passed its checks is stored with the form's key
(the hidden `form_key` every submission form carries) until the form is sent, its remover unticks it,
or the form is abandoned: `consult purge` and later posts remove what is older than
CONSULT_KEPT_FILE_HOURS. Nothing here needs JavaScript: the form lists the kept files with a box to
remove each one."""
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..core import database
from ..core.database import utcnow
from ..core.extensions import db
from ..core import storage


class KeptFile(storage.StoredFileMixin, db.Model):
    """A checked file of a form that came back with an error, waiting for the form to be sent."""

    __tablename__ = "kept_files"
    __table_args__ = (Index("ix_kept_files_form", "consultation_id", "form_key"),
                      Index("ix_kept_files_created_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    form_key: Mapped[str] = mapped_column(String(64))


@dataclass
class Attached:
    """A form's files after a post: those kept from before, the new ones that passed, the errors of the rest."""

    kept: list = field(default_factory=list)
    new: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # storage.UploadError, each naming its file where it has one

    def checked(self):
        """Every file as storage.CheckedFile, the kept ones read back from disk."""
        return [_read(item) for item in self.kept] + self.new


def collect(consultation, form_key, storages, remove_ids=()):
    """Check the files of a post one by one and take the form's kept files, less those to remove (deleted now).

    A file that fails is reported and left out; the others stay. The limits on count and total size apply
    to kept and new files together: new files beyond them are left out with the error.
    """
    result = Attached()
    if form_key:
        with database.reading_before_writing():
            rows = _kept_rows(consultation, form_key)
        _delete([item for item in rows if item.id in remove_ids])
        result.kept = [item for item in rows if item.id not in remove_ids]
    total = sum(item.size for item in result.kept)
    for upload in storages or ():
        try:
            checked = storage.check_files([upload])
        except storage.UploadError as error:
            result.errors.append(error)
            continue
        for one in checked:
            if len(result.kept) + len(result.new) >= storage.MAX_FILES:
                result.errors.append(storage.UploadError("count", one.original_name))
            elif total + one.size > storage.MAX_TOTAL_BYTES:
                result.errors.append(storage.UploadError("total", one.original_name))
            else:
                total += one.size
                result.new.append(one)
    return result


def keep(consultation, form_key, attached):
    """Store the new files of `attached` under the form's key (the form came back with an error): they become
    kept files. Commits. On a full disk the new files are dropped and reported (OSError is raised)."""
    stored = []
    try:
        for checked in attached.new:
            columns = storage.store_checked(checked)
            stored.append(columns["stored_name"])
            item = KeptFile(consultation_id=consultation.id, form_key=form_key, **columns)
            db.session.add(item)
            attached.kept.append(item)
        attached.new = []
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for name in stored:
            storage.remove(name)
        raise
    sweep()
    return attached


def release(items):
    """The form was sent with these files (stored again with the submission): remove the kept copies."""
    _delete(items)


def sweep(now=None):
    """Remove kept files older than CONSULT_KEPT_FILE_HOURS (abandoned forms); return how many."""
    cutoff = (now or utcnow()) - timedelta(hours=current_app.config["CONSULT_KEPT_FILE_HOURS"])
    old = db.session.scalars(select(KeptFile).where(KeptFile.created_at < cutoff)).all()
    _delete(old)
    return len(old)


def _kept_rows(consultation, form_key):
    return db.session.scalars(select(KeptFile).where(
        KeptFile.consultation_id == consultation.id, KeptFile.form_key == form_key).order_by(KeptFile.id)).all()


def _read(item):
    with open(storage.path_of(item.stored_name), "rb") as handle:
        return storage.CheckedFile(item.original_name, item.content_type, handle.read())


def _delete(items):
    """Remove rows (committed), then their files."""
    if not items:
        return
    names = [item.stored_name for item in items]
    for item in items:
        db.session.delete(item)
    db.session.commit()
    for name in names:
        storage.remove(name)
