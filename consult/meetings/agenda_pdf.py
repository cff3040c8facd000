"""A meeting's agenda as a PDF, stored by the hash of its inputs (as input reports are) and served
from the stored file: WeasyPrint runs only when the agenda, the meeting, the language, the templates
or the fonts changed, and each build counts against the reader's address (costs.count_build).

The inputs are the document's HTML itself (every value of the meeting that shows, in the language
asked for), the print stylesheets it loads, the Arabic face and the PDF settings. One file is kept
per meeting and language: a new build removes the older one.
"""
import hashlib
import os
from pathlib import Path

from flask import render_template

from ..core import pdf
from ..core import storage
from ..core.i18n import pick

FOLDER = "agendas"
STYLESHEETS = ("pdf.css",)


def _fingerprint():
    digest = hashlib.sha256()
    for name in STYLESHEETS:
        digest.update((pdf.PDF_DIR / name).read_bytes())
    digest.update(pdf.font_report().encode())
    digest.update(pdf.language_css().encode())
    digest.update(pdf.PDF_VARIANT.encode())
    return digest.hexdigest()


def _folder():
    path = Path(storage.upload_dir()) / FOLDER
    path.mkdir(exist_ok=True)
    return path


def compose(meeting, lang):
    """(html, title, input hash) of the agenda in `lang`."""
    title, title_lang = pick(meeting.title, lang)
    html = render_template("meetings/agenda_pdf.html", meeting=meeting, doc_title=title, doc_title_lang=title_lang,
                           **pdf.template_helpers())
    digest = hashlib.sha256()
    for part in (html, title or "", lang, _fingerprint()):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return html, title, digest.hexdigest()


def stored_pdf(meeting, lang, before_build=None):
    """The path of the agenda's PDF, built first if its inputs changed; `before_build()` is called
    before WeasyPrint runs (it may refuse, e.g. with a 429)."""
    html, title, input_hash = compose(meeting, lang)
    prefix = f"agenda-{meeting.id}-{lang}-"
    path = _folder() / f"{prefix}{input_hash}.pdf"
    if path.is_file():
        return path
    if before_build is not None:
        before_build()
    data = pdf.render_pdf(html, title=title, lang=lang)
    partial = path.with_suffix(f".{os.getpid()}.part")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)  # readers see the whole file or none
    for older in path.parent.glob(f"{prefix}*.pdf"):
        if older != path:
            older.unlink(missing_ok=True)
    return path
