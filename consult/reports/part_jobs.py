"""Parts of a report laid out as RQ jobs on `consult worker` processes, possibly on other hosts (issue 18).

Used instead of local worker processes when CONSULT_QUEUE_URL is set and workers listen on the parts
queue besides the one coordinating the build. A part's HTML and its PDF go through the storage folder
(shared by every host, as the reports themselves); its page count, the numbers it is told and its end
go through Redis keys of the build. The coordinator watches the jobs: a job that failed, or whose work
horse died, is queued again once (numbered as before when the numbers were already given).
"""
import json
import logging
import os
import resource
import secrets
import time

from flask import current_app, has_app_context
from redis import Redis
from rq import Queue, Worker, get_current_job
from rq.job import JobStatus

from ..core import storage
from . import layout_worker

log = logging.getLogger(__name__)
PARTS_QUEUE = "consult-report-parts"
POLL = 0.1  # seconds between two looks of the coordinator


class PartMissing(RuntimeError):
    """A part could not be laid out (twice): the build has a hole and must not be stored."""


def _redis(url=None):
    return Redis.from_url(url or current_app.config["CONSULT_QUEUE_URL"])


def queue(url=None):
    return Queue(PARTS_QUEUE, connection=_redis(url))


def available_workers(url):
    """Workers listening on the parts queue, less the one running this build if it is one of them."""
    count = Worker.count(queue=queue(url))
    return count - 1 if get_current_job() is not None else count


def lay_out_part(build_key, key, kind, folder, title, lang, numbering, die_at=None):
    """The RQ job: lay out one part (or count the front's pages), telling the coordinator through Redis.
    Inside the worker's app, as every report job (jobs.run): workers are started with `consult worker`."""
    if not has_app_context():
        raise RuntimeError("start report workers with `flask --app wsgi consult worker` (they need the app)")
    return _lay_out_part(build_key, key, kind, folder, title, lang, numbering, die_at)


def _lay_out_part(build_key, key, kind, folder, title, lang, numbering, die_at):
    connection = _redis()
    with open(storage.path_of(os.path.join(folder, f"{key}.html")), encoding="utf-8") as source:
        html = source.read()
    if kind == "count":
        connection.hset(f"{build_key}:pages", key, layout_worker.count_pages(html))
        connection.hset(f"{build_key}:done", key, json.dumps({"peak_mb": 0}))
        return

    def ask(pages):
        connection.hset(f"{build_key}:pages", key, pages)
        if die_at == "paginated":  # (tests: a work horse killed half-way)
            os._exit(3)
        if numbering:
            return tuple(numbering)
        told = connection.blpop(f"{build_key}:numbers:{key}", timeout=current_app.config["CONSULT_REPORT_TIMEOUT"])
        if told is None:
            raise layout_worker.PartFailed(f"{key}: never told its page numbers")
        return tuple(json.loads(told[1]))

    result = layout_worker.lay_out(html, storage.path_of(os.path.join(folder, f"{key}.pdf")), ask, title, lang)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    connection.hset(f"{build_key}:done", key, json.dumps(result))


class RqRunner:
    """Same duties as parallel._Runner, with RQ jobs: start, number, watch, start again once."""

    def __init__(self, folder, title, lang, numbering_for, on_done=None, attempts=2, timeout=None):
        self.folder, self.title, self.lang = folder, title, lang
        self.numbering_for, self.on_done, self.attempts = numbering_for, on_done, attempts
        self.build_key = f"consult:parts:{secrets.token_hex(8)}"
        self.queue = queue()
        self.timeout = timeout or current_app.config["CONSULT_REPORT_TIMEOUT"]

    def _start(self, job):
        job.attempts += 1
        if job.attempts > self.attempts:
            raise PartMissing(f"part {job.key} failed {self.attempts} times")
        path = storage.path_of(os.path.join(self.folder, f"{job.key}.html"))
        if not os.path.exists(path):
            with open(path, "w", encoding="utf-8") as target:
                target.write(job.html)
        job.process = self.queue.enqueue(
            lay_out_part, self.build_key, job.key, job.kind, self.folder, self.title, self.lang, job.numbering,
            job.die_at if job.attempts == 1 else None, job_timeout=self.timeout, result_ttl=600, failure_ttl=3600)

    def run(self, jobs):
        connection = self.queue.connection
        for job in jobs:
            self._start(job)
        deadline = time.monotonic() + self.timeout
        try:
            while not all(job.done for job in jobs):
                if time.monotonic() > deadline:
                    raise PartMissing("parts not laid out in time (are workers listening on the parts queue?)")
                pages = {key.decode(): int(value) for key, value in connection.hgetall(f"{self.build_key}:pages").items()}
                finished = connection.hgetall(f"{self.build_key}:done")
                for job in jobs:
                    if job.done:
                        continue
                    if job.key in pages and job.pages != pages[job.key]:
                        if job.pages is not None:
                            raise PartMissing(f"part {job.key}: {pages[job.key]} pages, {job.pages} before")
                        job.pages = pages[job.key]
                        self._send_numbers(jobs)
                    if job.key.encode() in finished:
                        job.done = True
                        job.peak_mb = json.loads(finished[job.key.encode()]).get("peak_mb", 0)
                        if self.on_done and job.kind != "count":
                            self.on_done(job)
                    elif job.process.get_status(refresh=True) in (JobStatus.FAILED, JobStatus.STOPPED,
                                                                   JobStatus.CANCELED):
                        log.warning("report part %s: job %s %s, laying it out again", job.key, job.process.id,
                                    job.process.get_status())
                        self._start(job)
                time.sleep(POLL)
        finally:
            for job in jobs:
                connection.delete(f"{self.build_key}:numbers:{job.key}")
            connection.delete(f"{self.build_key}:pages", f"{self.build_key}:done")

    def _send_numbers(self, jobs):
        numbering = self.numbering_for(jobs)
        if numbering is None:
            return
        for job in jobs:
            if job.kind == "part" and not job.done and job.numbering is None:
                job.numbering = numbering[job.key]
                self.queue.connection.rpush(f"{self.build_key}:numbers:{job.key}", json.dumps(job.numbering))
