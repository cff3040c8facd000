"""Where report builds run: a thread of this process (the embedded default), or an RQ queue on
Redis (CONSULT_QUEUE_URL) served by `flask --app wsgi consult worker`, possibly on several hosts.

Either way the job is a function to run and a report id: the worker reads everything else from the
database, and `services.run_build` claims the report atomically, so a job delivered twice builds once.
The function is passed in (services imports this module, never the reverse).
"""
import logging
from concurrent.futures import ThreadPoolExecutor

from flask import current_app, has_app_context
from redis import Redis
from rq import Queue

from ..core.extensions import db

log = logging.getLogger(__name__)
QUEUE_NAME = "consult-reports"
_executor = None


def _thread_pool():
    global _executor
    if _executor is None:
        # One build at a time: WeasyPrint is CPU- and memory-hungry; queued builds wait their turn.
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-build")
    return _executor


def queue(url=None):
    return Queue(QUEUE_NAME, connection=Redis.from_url(url or current_app.config["CONSULT_QUEUE_URL"]))


def enqueue(build, report_id):
    """Run `build(report_id)` on the queue when there is one, else in this process's build thread."""
    url = current_app.config.get("CONSULT_QUEUE_URL")
    if url:
        timeout = current_app.config["CONSULT_REPORT_TIMEOUT"]
        queue(url).enqueue(run, build, report_id, job_timeout=timeout, result_ttl=3600, failure_ttl=86400)
        log.info("report %s queued on %s", report_id, QUEUE_NAME)
        return None
    return _thread_pool().submit(_run_in_thread, current_app._get_current_object(), build, report_id)


def _run_in_thread(app, build, report_id):
    with app.app_context():
        build(report_id)


def run(build, report_id):
    """The RQ job, inside the worker's app: workers are started with `flask --app wsgi consult worker`."""
    if not has_app_context():
        raise RuntimeError("start report workers with `flask --app wsgi consult worker` (they need the app)")
    # A forked work horse must not share the parent's pooled connections.
    db.engine.dispose(close=False)
    build(report_id)


def wait_for_threads(timeout=None):
    """Block until the in-process builds queued so far are done (tests, and the CLI on exit)."""
    if _executor is not None:
        _executor.submit(lambda: None).result(timeout=timeout)
