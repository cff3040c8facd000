"""One part of a long report, laid out in a worker process (issue 18).

A part is paginated alone; before its page headers and footers are drawn, it says how many pages it
has and is told where it starts and how many pages the whole document has. WeasyPrint lays out the
margin boxes (the "Page 3 / 855" footers) only after the whole part is paginated, from the page
counters it keeps per page: those counters are set to the document's numbers there, so the footers
are WeasyPrint's own, in the report's digits, tagged as in a single-process build.

This module is what a worker process imports: WeasyPrint, consult.pdf, nothing of the app.
"""
import os
import resource
import threading
import time
from contextlib import contextmanager

import weasyprint.layout as weasy_layout
from weasyprint import HTML

from ..core import pdf

_patch_lock = threading.Lock()


class PartFailed(RuntimeError):
    """A part could not be laid out as asked (its page count changed between two attempts...)."""


@contextmanager
def numbered_as(ask):
    """Within the block, WeasyPrint's page counters of a part are set to the whole document's.

    `ask(pages)` is called once the part is paginated, with its page count, and returns
    (first page number, total pages of the document).
    """
    original = weasy_layout.make_margin_boxes
    told = {}

    def make_margin_boxes(context, page, state):
        if "start" not in told:
            # page_maker holds one entry per page after the initial state: the part's page count.
            count = len(context.page_maker) - 1
            told["start"], told["total"] = ask(count)
            for number, entry in enumerate(context.page_maker[1:], start=told["start"]):
                counters = entry[3][1]
                counters["page"] = [number]
                counters["pages"] = [told["total"]]
        return original(context, page, state)

    with _patch_lock:  # (a worker lays out one part at a time; the lock keeps it so should threads share one)
        weasy_layout.make_margin_boxes = make_margin_boxes
        try:
            yield told
        finally:
            weasy_layout.make_margin_boxes = original


def lay_out(html, out_path, ask, title=None, lang=None):
    """Lay out `html` numbered as `ask` says, write it as a tagged PDF to `out_path` (atomically).

    Returns {"pages", "seconds"}."""
    started = time.perf_counter()
    with numbered_as(ask):
        rendered = pdf.write_pdf(html, title=title, lang=lang)
    temporary = f"{out_path}.part"
    with open(temporary, "wb") as target:
        target.write(rendered.data)
    os.replace(temporary, out_path)
    return {"pages": rendered.pages, "seconds": time.perf_counter() - started}


def count_pages(html):
    """How many pages `html` takes (layout only, nothing drawn)."""
    return len(HTML(string=html, base_url=pdf.default_base_url(),
                    url_fetcher=pdf.RestrictedFetcher(timeout=5)).render().pages)


def run_in_child(connection, job):
    """Entry point of a local worker process: `job` is a dict (kind, html, out_path, title, lang,
    numbering); talks to the coordinator through `connection`."""
    if job.get("die_at") == "start":  # (tests: a worker that dies before anything)
        os._exit(3)
    if job["kind"] == "count":
        connection.send(("pages", count_pages(job["html"])))
        return

    def ask(pages):
        connection.send(("pages", pages))
        if job.get("die_at") == "paginated":  # (tests: a worker killed half-way)
            os._exit(3)
        if job.get("numbering"):
            start, total = job["numbering"]
        else:
            start, total = connection.recv()
        return start, total

    result = lay_out(job["html"], job["out_path"], ask, title=job.get("title"), lang=job.get("lang"))
    if job.get("die_at") == "written":  # (tests: a worker that dies once its file is written)
        os._exit(3)
    connection.send(("done", {**result, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
