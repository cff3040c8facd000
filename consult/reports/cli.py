"""`flask --app wsgi consult report build ...` and `consult worker` (the RQ worker for builds)."""
import shutil
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from rq import Worker

from ..consultations import services as consultations
from ..core.i18n import LANGUAGES
from . import part_jobs, services
from .jobs import queue

report_cli = AppGroup("report", help="Input reports of calls for input.")


@report_cli.command("build")
@click.argument("slug")
@click.option("--lang", type=click.Choice(LANGUAGES), required=True, help="Language of the report.")
@click.option("--part", type=click.Choice(("main", "annex")), default="main", show_default=True,
              help="The main report (the group's synthesis) or the annex (the compendium of input).")
@click.option("--format", "fmt", type=click.Choice(("pdf", "docx")), default="pdf", show_default=True,
              help="PDF, or Word (the main report only).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Where to write the file ('-' for standard output).")
def build(slug, lang, part, fmt, output):
    """Build the input report of call SLUG (or take the stored one if nothing has changed)."""
    try:
        consultation = consultations.get_consultation(slug, include_drafts=True)
    except consultations.NotFound:
        raise click.BadParameter(f"no call has the slug {slug!r}.", param_hint="SLUG") from None
    if fmt == "docx" and part != "main":
        raise click.BadParameter("the Word version exists for the main report only.", param_hint="--format")
    try:
        report, reused = services.build_now(consultation, lang, part=part)
    except services.NotClosed:
        raise click.ClickException(f"{slug} still accepts submissions: build its report once it closes.") from None
    if not report.is_ready:
        raise click.ClickException(f"the build failed ({report.error or report.status}); see the log.")
    with open(services.docx_path(report) if fmt == "docx" else services.file_path(report), "rb") as source:
        if output == "-":
            shutil.copyfileobj(source, sys.stdout.buffer)
        else:
            with open(output, "wb") as target:
                shutil.copyfileobj(source, target)
    how = "stored report, inputs unchanged" if reused else f"built in {report.seconds:.1f} s"
    click.echo(f"{slug} ({lang}, {part}, {fmt}): {report.pages} pages, {report.size} bytes, {how}; Arabic set in "
               f"{report.arabic_face}; report {report.id}", err=True)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker(burst):
    """Build queued reports, and parts of reports, from the Redis queues (CONSULT_QUEUE_URL)."""
    if not current_app.config.get("CONSULT_QUEUE_URL"):
        raise click.ClickException("CONSULT_QUEUE_URL is not set: reports are built in the web process.")
    reports = queue()
    # Parts of a build laid out in parallel first (a build waits for them), then whole builds.
    Worker([part_jobs.queue(), reports], connection=reports.connection).work(burst=burst)
