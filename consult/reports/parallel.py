"""The compendium annex laid out in parallel: cut into parts, laid out at the same time, joined (issue 18).

Parts: the front (cover, contents, summary, methodology, figures) and N groups of chapters (the last
with the back matter), cut where the quoted text balances. Each group is laid out in its own worker
process (forkserver: WeasyPrint is imported once, each worker forks from it and holds only its part).
A worker paginates its part, says how many pages it has, and is told where it starts and how many
pages the document has before WeasyPrint draws its page footers (consult.reports.layout_worker).
The front is first counted (its contents with placeholder numbers), then laid out again once the
chapters' pages are known, with the contents' real numbers and leaders. pikepdf joins the parts
(consult.reports.joining): one structure tree, the bookmarks, links, metadata of a single build.

A worker that fails or dies is started again, once, for its part; a part missing twice fails the
build (it never becomes ready). `on_progress(done, parts)` is called as parts are done.
"""
import logging
import multiprocessing
import os
import resource
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from flask import current_app, has_app_context
from flask_babel import force_locale
from markupsafe import Markup

from ..core import languages, pdf, storage
from . import joining, layout_worker, part_jobs
from .part_jobs import PartMissing

log = logging.getLogger(__name__)
ATTEMPTS = 2  # a part is laid out at most twice
FRONT_ANCHORS = ("summary", "methodology", "statistics")
BACK_ANCHORS = ("other-input", "principles", "organisations", "annex")


def _weight(chapter):
    quotes = [quote for section in chapter["sections"] for quote in section["quotes"]]
    text = sum(len(paragraph) for quote in quotes for part in quote["parts"] for paragraph in part["paragraphs"])
    return text + 400 * len(quotes) + 40 * len(chapter["see_also"]) + 600


def split(data, parts):
    """[chapter numbers] per group: contiguous, of balanced weight; the back matter goes with the last."""
    chapters = data["chapters"]
    back = _weight({"sections": [{"quotes": data["unlinked"]}], "see_also": []}) + 60 * len(data["organisations"])
    weights = [_weight(chapter) for chapter in chapters]
    if weights:
        weights[-1] += back
    total = sum(weights) or 1
    groups, current, done = [], [], 0
    for chapter, weight in zip(chapters, weights):
        boundary = total * (len(groups) + 1) / parts
        if current and len(groups) < parts - 1 and done + weight / 2 > boundary:
            groups.append(current)
            current = []
        current.append(chapter["number"])
        done += weight
    groups.append(current)
    return groups


def _header_css(title):
    """A part without the cover gets the running header the cover sets in a single build."""
    value = pdf.css_string(title)
    return Markup(f"@page {{ @top-center {{ content: {value}; }} }} @page :first {{ @top-center {{ content: {value}; }} }}")


def _contents_css(numbers, system):
    """The contents' page numbers of anchors laid out in other parts, as literal text after the leader."""
    # (anchors are consult's own ids: "objective-7", "principles"...)
    return Markup(" ".join(f'nav.toc a[href="#{anchor}"]::after {{ content: leader(".") " " "{languages.write_digits(page, system)}"; }}'
                    for anchor, page in numbers.items()))


@dataclass
class Composed:
    front: callable               # numbers {anchor: page} -> HTML of the front
    groups: list                  # HTML of each group of chapters
    anchors: list                 # anchors the front's contents link to in other parts
    digits: str                   # the numbering system of its page numbers (core/languages.py)
    title: str
    lang: str
    chapter_groups: list = field(default_factory=list)


def compose(gathered, render, title, parts):
    """The HTML of each part. `render(gathered, **part)` is services.render_html (inside force_locale)."""
    data = gathered.content
    groups = split(data, parts)
    anchors = [chapter["anchor"] for chapter in data["chapters"]] + [
        anchor for anchor in BACK_ANCHORS if anchor != "other-input" or data["unlinked"]]
    header = _header_css(data["call"]["title"])
    htmls = [render(gathered, only={"front": False, "chapters": group, "back": index == len(groups) - 1},
                    part_css=header) for index, group in enumerate(groups)]

    system = languages.get(data["lang"]).digits if data["arabic_digits"] else "latn"

    def front(numbers):  # (called after the chapters are laid out: in the report's language again)
        with force_locale(data["lang"]):
            return render(gathered, only={"front": True, "chapters": [], "back": False, "anchors": anchors},
                          part_css=_contents_css(numbers, system))

    return Composed(front=front, groups=htmls, anchors=anchors, digits=system, title=title,
                    lang=data["lang"], chapter_groups=groups)


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["consult.reports.layout_worker"])
    return context


@dataclass
class _Job:
    key: str
    kind: str                      # "count" (front, placeholders) or "part" (laid out and written)
    html: str
    out_path: str | None = None
    numbering: tuple | None = None
    pages: int | None = None
    attempts: int = 0
    done: bool = False
    peak_mb: float = 0.0
    process: object = None
    connection: object = None
    die_at: str | None = None      # (tests: how the first attempt's worker dies)


class _Runner:
    """Runs jobs in worker processes, answers their page counts, starts them again once if they die."""

    def __init__(self, context, title, lang, numbering_for, on_done=None, timeout=None):
        self.context, self.title, self.lang = context, title, lang
        self.numbering_for, self.on_done = numbering_for, on_done
        self.timeout = timeout or (current_app.config["CONSULT_REPORT_TIMEOUT"] if has_app_context() else 1800)

    def _start(self, job):
        job.attempts += 1
        if job.attempts > ATTEMPTS:
            raise PartMissing(f"part {job.key} failed {ATTEMPTS} times")
        parent, child = self.context.Pipe()
        payload = {"kind": job.kind, "html": job.html, "out_path": job.out_path, "title": self.title,
                   "lang": self.lang, "numbering": job.numbering,
                   "die_at": job.die_at if job.attempts == 1 else None}
        job.process = self.context.Process(target=_child, args=(child, payload), daemon=True)
        job.process.start()
        child.close()
        job.connection = parent

    def run(self, jobs):
        for job in jobs:
            self._start(job)
        deadline = time.monotonic() + self.timeout
        try:
            while not all(job.done for job in jobs):
                if time.monotonic() > deadline:
                    raise PartMissing("parts not laid out in time")
                live = {job.connection: job for job in jobs if not job.done}
                sentinels = {job.process.sentinel: job for job in jobs if not job.done}
                for ready in wait(list(live) + list(sentinels), timeout=60):
                    job = live.get(ready) or sentinels.get(ready)
                    if job.done:
                        continue
                    attempts = job.attempts
                    self._on_ready(job, jobs, ready in live)
                    if job.attempts != attempts:
                        # Started again: the other handles of this round may be the dead attempt's (their
                        # numbers even reused by the new one's); look again.
                        break
        finally:
            for job in jobs:
                if job.process is not None and job.process.is_alive():
                    job.process.kill()
                    job.process.join(5)

    def _on_ready(self, job, jobs, is_message):
        try:
            message = job.connection.recv() if is_message or job.connection.poll() else None
        except (EOFError, OSError):
            message = None
        if message is None:
            job.process.join(5)
            log.warning("report part %s: worker gone (exit %s), laying it out again", job.key, job.process.exitcode)
            job.connection.close()
            self._start(job)
            return
        kind, value = message
        if kind == "pages":
            if job.pages is not None and job.pages != value:
                raise PartMissing(f"part {job.key}: {value} pages, {job.pages} before")
            job.pages = value
            if job.kind == "count":
                job.done = True
                job.process.join(5)
            self._send_numbers(jobs)
        elif kind == "done":
            job.done, job.peak_mb = True, value["peak_mb"]
            job.process.join(5)
            if self.on_done:
                self.on_done(job)
        elif kind == "failed":
            log.warning("report part %s failed (%s), laying it out again", job.key, value)
            job.process.join(5)
            self._start(job)

    def _send_numbers(self, jobs):
        numbering = self.numbering_for(jobs)
        if numbering is None:
            return
        for job in jobs:
            if job.kind == "part" and not job.done and job.numbering is None:
                job.numbering = numbering[job.key]
                try:
                    job.connection.send(job.numbering)
                except OSError:  # (died meanwhile: its sentinel tells it, and the next attempt is given them)
                    pass


def _child(connection, job):
    try:
        layout_worker.run_in_child(connection, job)
    except Exception as error:  # noqa: BLE001 - told to the coordinator, which lays the part out again
        log.exception("report part failed")
        connection.send(("failed", type(error).__name__))
    finally:
        connection.close()


@dataclass
class ParallelResult:
    data: bytes
    pages: int
    seconds: float
    parts: int
    worker_peaks_mb: list
    arabic_face: str
    queued: bool = False


def _use_queue():
    """Parts go to RQ jobs when a queue is set and some `consult worker` listens on the parts queue
    besides the one running this build; otherwise they are laid out in local worker processes."""
    url = has_app_context() and current_app.config.get("CONSULT_QUEUE_URL")
    return bool(url) and part_jobs.available_workers(url) >= 1


def plan(workers):
    """(parts, queued): as RQ jobs, no more parts than listening workers (a part waits for the others'
    page counts: more parts than workers would wait for ever)."""
    if _use_queue():
        return max(1, min(workers, part_jobs.available_workers(current_app.config["CONSULT_QUEUE_URL"]))), True
    return workers, False


def build(composed, on_progress=None, faults=None, queued=None):
    """Lay out the composed parts at the same time and join them: a ParallelResult. `queued`: RQ jobs
    (True), local processes (False), or as the configuration and the listening workers say (None)."""
    started = time.perf_counter()
    faults = faults or {}
    queued = _use_queue() if queued is None else queued
    if queued:
        folder = f"parts-{secrets.token_hex(8)}"
        workdir = storage.path_of(folder)
        os.makedirs(workdir)

        def runner(numbering_for, on_done):
            return part_jobs.RqRunner(folder, composed.title, composed.lang, numbering_for, on_done, ATTEMPTS)
    else:
        workdir = tempfile.mkdtemp(prefix="consult-parts-")
        context = _context()

        def runner(numbering_for, on_done):
            return _Runner(context, composed.title, composed.lang, numbering_for, on_done)
    try:
        placeholders = {anchor: 8 * 10 ** 2 for anchor in composed.anchors}
        count = _Job("front-count", "count", composed.front(placeholders), die_at=faults.get("front-count"))
        parts = [_Job(f"part-{index + 1}", "part", html, out_path=os.path.join(workdir, f"part-{index + 1}.pdf"),
                      die_at=faults.get(f"part-{index + 1}")) for index, html in enumerate(composed.groups)]
        total_parts = len(parts) + 1
        done = []

        def numbering_for(jobs):
            if any(job.pages is None for job in jobs):
                return None
            numbers, page = {}, count.pages + 1
            total = count.pages + sum(job.pages for job in parts)
            for job in parts:
                numbers[job.key] = (page, total)
                page += job.pages
            return numbers

        def on_done(job):
            done.append(job)
            if on_progress:
                on_progress(len(done), total_parts)

        runner(numbering_for, on_done).run([count] + parts)
        total = count.pages + sum(job.pages for job in parts)
        # The contents: where each anchor of the other parts landed.
        numbers = {}
        for job in parts:
            for anchor, index in joining.named_destination_pages(job.out_path).items():
                if anchor in composed.anchors and index is not None:
                    numbers[anchor] = job.numbering[0] + index
        front = _Job("front", "part", composed.front(numbers), out_path=os.path.join(workdir, "front.pdf"),
                     numbering=(1, total), die_at=faults.get("front"))
        front.pages = count.pages  # (laid out again with its real numbers, it must keep its length)
        runner(numbering_for, on_done).run([front])
        paths = [front.out_path] + [job.out_path for job in parts]
        missing = [path for path in paths if not os.path.exists(path)]
        if missing:
            raise PartMissing(f"missing parts: {missing}")
        data = joining.join(paths)
        return ParallelResult(data=data, pages=total, seconds=time.perf_counter() - started, parts=total_parts,
                              worker_peaks_mb=[job.peak_mb for job in [front] + parts], arabic_face=pdf.font_report(),
                              queued=queued)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def progress_stage(done, parts):
    """The stage a build shows while its parts are laid out: "parts 3/5" (models.Report.progress reads it)."""
    return f"parts {done}/{parts}"


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
