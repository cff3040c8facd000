"""The annex laid out in parts at once and joined (issue 18): a reader cannot tell it from a
single-process build; a part whose worker dies is laid out again; a missing part fails the build."""
import io
import os
import socket
import subprocess
import sys
import time

import pikepdf
import pytest
from flask_babel import force_locale
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from consult.core import languages
from consult.core.database import utcnow
from consult.core.extensions import db as _db
from consult.reports import parallel, part_jobs, services
from consult.reports.vocabulary import stage_label
from consult.reports.models import Report
from tests.helpers import UPLOAD_DIR, pdf_outline, pdf_pages



def _build(app, monkeypatch, consultation, workers, lang="ar"):
    monkeypatch.setitem(app.config, "CONSULT_REPORT_WORKERS", workers)
    report, reused = services.build_now(consultation, lang, part="annex")
    assert report.status == "ready" and not reused, (report.status, report.error)
    with open(services.file_path(report), "rb") as source:
        data = source.read()
    report.pulled_at = utcnow()  # so that the next build is laid out anew, not reused
    _db.session.commit()
    return report, data


def _structure(data):
    """The structure tree as (type, depth) in document order; checks parents and the parent tree."""
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root.StructTreeRoot
    out = []

    def walk(element, parent, depth):
        if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
            return
        assert element.P.objgen == parent.objgen, "a structure element's /P is not its parent"
        out.append((str(element.S), depth))
        kids = element.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            walk(kid, element, depth + 1)

    for top in (root.K if isinstance(root.K, pikepdf.Array) else [root.K]):
        walk(top, root, 0)
    keys = {int(key) for key, _value in pikepdf.NumberTree(root.ParentTree).items()}
    for number, page in enumerate(pdf.pages):
        assert int(page.obj.StructParents) in keys, f"page {number + 1} has no parent-tree entry"
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                assert int(annotation.StructParent) in keys
    assert int(root.get("/ParentTreeNextKey", max(keys) + 1)) > max(keys)
    return out, pdf


@pytest.fixture
def arabic_digits(report_call, secretariat):
    services.save_setup(report_call.consultation, secretariat, {"ar": "ملخص"}, {}, arabic_digits=True)
    return report_call


def test_parts_joined_read_as_a_single_build(arabic_digits, app, monkeypatch, tmp_path):
    consultation = arabic_digits.consultation
    single, single_pdf = _build(app, monkeypatch, consultation, 1)
    both, parallel_pdf = _build(app, monkeypatch, consultation, 2)
    assert both.pages == single.pages and both.pages >= 6

    single_text, parallel_text = pdf_pages(single_pdf, tmp_path), pdf_pages(parallel_pdf, tmp_path)
    assert len(single_text) == len(parallel_text) == single.pages
    for number, (expected, got) in enumerate(zip(single_text, parallel_text), start=1):
        assert got == expected, f"page {number} differs"
    # Page footers in Arabic-Indic digits, numbered through the parts ("/ total" on every page).
    total = languages.write_digits(single.pages, "arab")
    assert f"{total} / {total}" in parallel_text[-1]
    # The contents: the same page numbers, after leaders.
    contents = next(page for page in parallel_text if "المحتويات" in page or "Contents" in page)
    assert "....." in contents and contents == single_text[parallel_text.index(contents)]

    single_reader, single_outline = pdf_outline(single_pdf)
    parallel_reader, parallel_outline = pdf_outline(parallel_pdf)
    assert parallel_outline == single_outline and len(single_outline) >= 6
    assert parallel_reader.metadata.title == single_reader.metadata.title
    assert "/StructTreeRoot" in parallel_reader.trailer["/Root"]

    single_tree, _ = _structure(single_pdf)
    parallel_tree, joined = _structure(parallel_pdf)
    assert parallel_tree == single_tree and len(single_tree) > 100  # the same elements, in the same order
    assert joined.Root.MarkInfo.Marked
    # The contents' links lead to the chapters' pages.
    names = dict(pikepdf.NameTree(joined.Root.Names.Dests).items())
    index = {page.objgen: number for number, page in enumerate(joined.pages)}
    assert "objective-16" in names and index[names["objective-16"][0].objgen] > 2


def test_a_part_whose_worker_dies_is_laid_out_again(arabic_digits, app, monkeypatch, tmp_path):
    consultation = arabic_digits.consultation
    with force_locale("ar"):
        gathered = services.gather(consultation, "ar", "annex")
        composed = parallel.compose(gathered, services.render_html, services.pdf_title(gathered.content), 2)
    assert len(composed.groups) == 2
    progress = []
    result = parallel.build(composed, on_progress=lambda done, parts: progress.append((done, parts)),
                            faults={"part-1": "paginated", "part-2": "written", "front": "start"})
    assert progress == [(1, 3), (2, 3), (3, 3)]
    reference = services.pdf.write_pdf(_html(gathered), title=composed.title, lang="ar")
    assert result.pages == reference.pages
    assert pdf_pages(result.data, tmp_path) == pdf_pages(reference.data, tmp_path)


def _html(gathered):
    with force_locale("ar"):
        return services.render_html(gathered)


def test_a_part_missing_twice_fails_the_build(arabic_digits, app, monkeypatch):
    consultation = arabic_digits.consultation
    real_build = parallel.build

    def always_dying(composed, on_progress=None, faults=None, queued=None):
        monkeypatch.setattr(parallel, "ATTEMPTS", 1)  # no second attempt: the part stays missing
        return real_build(composed, on_progress, {"part-1": "paginated"}, queued)

    monkeypatch.setattr(parallel, "build", always_dying)
    monkeypatch.setitem(app.config, "CONSULT_REPORT_WORKERS", 2)
    report, _ = services.build_now(consultation, "ar", part="annex")
    assert report.status == "failed" and report.error == "PartMissing" and report.stored_name is None
    assert _db.session.scalars(select(Report).where(Report.status == "ready")).all() == []


def test_progress_shows_parts_done_out_of_parts(app):
    report = Report(status="building", stage=parallel.progress_stage(2, 4))
    assert report.progress == 80  # between "laying out" (60) and done (100)
    with app.test_request_context(), force_locale("fr"):
        assert str(stage_label(report.stage)) == "Mise en page : 2 parties faites sur 4"


def _redis_running():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_running(), reason="Redis not running on 127.0.0.1:6379")
def test_parts_laid_out_by_queue_workers(arabic_digits, app, database_url, monkeypatch, tmp_path):
    """With CONSULT_QUEUE_URL and `consult worker` processes listening, the parts are RQ jobs; a job
    whose work horse dies is queued again, and the joined PDF reads as the single-process build."""
    url = os.environ.get("TEST_PARTS_REDIS_URL", "redis://127.0.0.1:6379/5")
    consultation = arabic_digits.consultation
    single, single_pdf = _build(app, monkeypatch, consultation, 1)
    connection = part_jobs.queue(url).connection
    connection.flushdb()
    env = {**os.environ, "DATABASE_URL": database_url, "CONSULT_UPLOAD_DIR": UPLOAD_DIR, "SECRET_KEY": "x" * 40,
           "CONSULT_ENV": "testing", "CONSULT_QUEUE_URL": url}
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "consult", "worker"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    try:
        monkeypatch.setitem(app.config, "CONSULT_QUEUE_URL", url)
        deadline = time.monotonic() + 60
        while part_jobs.available_workers(url) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert part_jobs.available_workers(url) == 2
        real_lay_out = parallel.build
        used = []

        def watched(composed, on_progress=None, faults=None, queued=None):
            result = real_lay_out(composed, on_progress, {"part-2": "paginated"}, queued)  # its first horse dies
            used.append(result.queued)
            return result

        monkeypatch.setattr(parallel, "build", watched)
        both, parallel_pdf = _build(app, monkeypatch, consultation, 2)
        assert used == [True]
        assert FailedJobRegistry(queue=part_jobs.queue(url)).count == 1  # the dead attempt; the second one did it
        assert both.pages == single.pages
        assert pdf_pages(parallel_pdf, tmp_path) == pdf_pages(single_pdf, tmp_path)
        assert pdf_outline(parallel_pdf)[1] == pdf_outline(single_pdf)[1]
        assert _structure(parallel_pdf)[0] == _structure(single_pdf)[0]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        connection.flushdb()
