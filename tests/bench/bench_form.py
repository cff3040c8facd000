"""Benchmark: the submission form's GET and POST throughput on gunicorn (`make bench`).

The reference, measured in the same run on the same gunicorn settings with the same client: a bare
Flask app whose GET returns a page of the same byte size as the form, and whose POST reads the very
same multipart body (every field and a 20 KB PDF) and redirects, as the real form does.

The real form's POST does what a submission does: CSRF and field checks, the PDF's type read from
its content, the row, its reference number, the file written and fsynced, the receipt queued in the
outbox (no SMTP server here: the receipt stays in the outbox), the redirect. Each simulated client
keeps its session (one CSRF token) and sends new submissions (a new form key and address each time).

Each measured step runs in its own process (the client), against its own gunicorn. As in `make load`,
each request comes on a new connection, as from the reverse proxy of the README's deployment;
--keepalive keeps the clients' connections open instead.

Targets: GET, consult at least half the bare app's throughput (issue 7). POST (issue 18): consult at
least half the throughput of the storing reference (stored_app), bare Flask that stores the same rows
and file by hand and does nothing else: the bare app's POST stores nothing, so the gap to it is mostly
the cost of storing a submission durably at all; the storing reference shows what consult adds to that.
The bare POST is still printed, with no target.

    python tests/bench/bench_form.py [--seconds 8] [--rounds 3] [--concurrency 32] [--keepalive] [--workers 4] [--threads 4]
                                     [--databases sqlite,postgresql] [--postgresql-url URL]  (SQLite: a new file;
                                     PostgreSQL: default consult_bench on 127.0.0.1, emptied first)
                                     [--database-url URL]   (one database only)
"""
import argparse
import asyncio
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

FORM_PATH = "/en/consultations/{slug}/submit".format(slug="last-hour-2026")


def bare_app():
    """The reference: Flask alone, a page of BENCH_PAGE_BYTES bytes, a POST that reads the form and redirects."""
    from flask import Flask, redirect, request

    size = int(os.environ.get("BENCH_PAGE_BYTES", "20000"))
    head = '<!doctype html>\n<html lang="en" dir="ltr"><head><meta charset="utf-8"><title>Form</title></head><body>\n'
    tail = "</body></html>\n"
    filler = '<div class="choice"><input type="checkbox" name="x" value="1"> <label>Choice</label></div>\n'
    body = (filler * (size // len(filler) + 1))[: size - len(head) - len(tail)]
    page = head + body + tail
    app = Flask(__name__)

    @app.route(FORM_PATH, methods=["GET", "POST"])
    def form():
        if request.method == "POST":
            fields = request.form.to_dict(flat=False)
            files = [storage.read() for storage in request.files.getlist("attachments")]
            if not fields or not files:
                return "missing", 400
            return redirect("/en/submissions/done/", 302)
        return page

    return app


def stored_app():
    """A second reference for POST: bare Flask doing a submission's storing by hand, none of the rest.

    It writes the file and fsyncs it, then in one transaction (SQLAlchemy Core, no ORM) takes the
    reference number as consult does (SQLite: raises the call's counter; PostgreSQL: the call's
    sequence, revision 0018) and inserts the submission, its attachment, the receipt (a fixed text)
    and the audit entry, the same rows in the same database as consult (every column consult fills from the
    form, the search text and text key included: a plain lower-cased join of the texts, as long as consult's
    normalised one, since its trigram index is part of storing the row on PostgreSQL); then redirects. No CSRF, no checks
    of the fields or the file, no organisation, no duplicate check, no page for errors, no templates.
    It tells how much of a real submission is storing at all, and how much is the rest.
    """
    import hashlib
    from datetime import datetime, timezone

    from flask import Flask, redirect, request
    from sqlalchemy import MetaData, create_engine, event, func, select

    app = Flask(__name__)
    engine = create_engine(os.environ["DATABASE_URL"], pool_size=8)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA busy_timeout=10000")

        @event.listens_for(engine, "begin")
        def on_begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    tables = MetaData()
    tables.reflect(engine, only=["consultations", "submissions", "attachments", "outbox_messages", "audit_entries"])
    with engine.connect() as connection:  # the call's id, once (a number is its sequence's)
        call_ids = [connection.execute(select(tables.tables["consultations"].c.id)
                                       .where(tables.tables["consultations"].c.slug == "last-hour-2026")).scalar_one()]
    upload_dir = Path(os.environ["CONSULT_UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    @app.route(FORM_PATH, methods=["GET", "POST"])
    def store():
        if request.method == "GET":  # the client reads a CSRF token first; there is none here
            return "reference"
        fields = request.form.to_dict()
        lists = {name: request.form.getlist(name) for name in ("countries_of_work", "objectives", "principles")}
        # The same search text and text key as consult's (the texts joined, lower-cased here, which is as
        # long as consult's normalised text): on PostgreSQL its trigram index is part of storing the row.
        texts = " ".join(fields[name] for name in ("good_practices", "challenges", "recommendations")).lower()
        upload = request.files["attachments"]
        data = upload.read()
        stored_name = secrets.token_hex(16)
        with open(upload_dir / stored_name, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        now = datetime.now(timezone.utc)
        calls, submissions, attachments, outbox, audit = (tables.tables[name] for name in (
            "consultations", "submissions", "attachments", "outbox_messages", "audit_entries"))
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                call_id = call_ids[0]
                number = connection.execute(select(func.nextval(f"submission_numbers_{call_id}"))).scalar_one()
            else:
                call_id, number = connection.execute(
                    calls.update().where(calls.c.slug == "last-hour-2026").values(last_number=calls.c.last_number + 1)
                    .returning(calls.c.id, calls.c.last_number)).one()
            reference = f"RSAG-2026-{number:04d}"
            submission_id = connection.execute(submissions.insert().values(
                consultation_id=call_id, number=number, reference=reference, form_key=fields["form_key"],
                status="received", org_name=fields["org_name"], org_name_key=fields["org_name"].lower(),
                constituency=fields["constituency"], country=fields["country"],
                countries_of_work=lists["countries_of_work"], contact_name=fields["contact_name"],
                contact_email=fields["contact_email"], contact_phone=fields["contact_phone"], language=fields["language"],
                page_lang="en", objectives=[int(n) for n in lists["objectives"]], principles=lists["principles"],
                good_practices=fields["good_practices"], challenges=fields["challenges"],
                recommendations=fields["recommendations"], confidentiality=fields["confidentiality"], consent_at=now,
                token_hash=secrets.token_hex(32), search_text=texts, text_key=hashlib.sha256(texts.encode()).hexdigest(),
                tags=[], created_at=now, submitted_at=now, updated_at=now,
            ).returning(submissions.c.id)).scalar_one()
            connection.execute(attachments.insert().values(
                submission_id=submission_id, original_name=upload.filename, stored_name=stored_name,
                content_type="application/pdf", size=len(data), sha256=hashlib.sha256(data).hexdigest(), created_at=now))
            connection.execute(outbox.insert().values(
                to_address=fields["contact_email"], subject=f"Submission received: {reference}",
                body_text=f"Thank you. Reference number: {reference}\n", parts=[], status="kept", attempts=0,
                created_at=now, next_attempt_at=now))
            connection.execute(audit.insert().values(
                action="submission.received", object_type="submissions", object_id=submission_id,
                details={"reference": reference}, created_at=now))
        return redirect("/en/submissions/done/", 302)

    return app


# ---------------------------------------------------------------- the client (its own process)

def step_drive(args):
    import aiohttp

    from load import CSRF_RE, form_fields, pdf_bytes

    async def run():
        samples, errors = [], {}
        # As in `make load`: a connection per request, as the reverse proxy in front of gunicorn opens them
        # (README, Deployment); --keepalive reuses them (for less time than gunicorn's --keep-alive 5).
        connector = (aiohttp.TCPConnector(limit=0, keepalive_timeout=2) if args.keepalive
                     else aiohttp.TCPConnector(limit=0, force_close=True))
        warm_until = time.monotonic() + args.warmup
        end = warm_until + args.seconds

        async def client(number):
            rng = random.Random(number)
            attachment = pdf_bytes(rng)
            async with aiohttp.ClientSession(base_url=args.url, connector=connector, connector_owner=False,
                                             cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
                csrf = ""
                if args.method == "POST":
                    async with session.get(FORM_PATH) as response:
                        page = await response.text()
                    match = CSRF_RE.search(page)
                    csrf = match.group(1) if match else "none"
                fields = form_fields(rng, number, "x")
                n = 0
                while time.monotonic() < end:
                    n += 1
                    started = time.monotonic()
                    if args.method == "GET":
                        request = session.get(FORM_PATH, allow_redirects=False)
                        wanted = 200
                    else:
                        data = aiohttp.FormData()
                        for name, value in fields:
                            data.add_field(name, f"bench-{number}-{n}-{secrets.token_hex(4)}@example.org"
                                           if name == "contact_email" else value)
                        data.add_field("csrf_token", csrf)
                        data.add_field("form_key", secrets.token_urlsafe(24))
                        data.add_field("attachments", attachment, filename="report.pdf", content_type="application/pdf")
                        request = session.post(FORM_PATH, data=data, allow_redirects=False)
                        wanted = 302
                    async with request as response:
                        await response.read()
                        status = response.status
                    if started >= warm_until and time.monotonic() <= end:
                        if status == wanted:
                            samples.append(time.monotonic() - started)
                        else:
                            errors[str(status)] = errors.get(str(status), 0) + 1

        await asyncio.gather(*(client(n) for n in range(args.concurrency)))
        await connector.close()
        samples.sort()
        pick = (lambda p: samples[min(len(samples) - 1, int(p * len(samples)))] if samples else float("nan"))
        return {"rps": len(samples) / args.seconds, "count": len(samples), "p50": pick(0.5), "p95": pick(0.95),
                "errors": errors}

    print(json.dumps(asyncio.run(run())))


def step_inprocess(args):
    """Where the time goes: one request's time inside the process (Flask test client, no HTTP, no gunicorn)."""
    import io
    import statistics

    from load import CSRF_RE, form_fields, pdf_bytes

    if args.app == "bare":
        app = bare_app()
    else:
        from consult import create_app

        app = create_app()
    client = app.test_client()
    rng = random.Random(1)
    attachment = pdf_bytes(rng)
    page = client.get(FORM_PATH).get_data(as_text=True)
    match = CSRF_RE.search(page)
    fields = form_fields(rng, 0, "x")
    results = {}
    for method in ("GET", "POST"):
        times = []
        for n in range(args.runs):
            if method == "GET":
                started = time.perf_counter()
                response = client.get(FORM_PATH)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200
                continue
            data = {}
            for name, value in fields:
                data.setdefault(name, []).append(f"inprocess-{n}-{secrets.token_hex(4)}@example.org"
                                                 if name == "contact_email" else value)
            data.update(csrf_token=match.group(1) if match else "", form_key=secrets.token_urlsafe(24),
                        attachments=(io.BytesIO(attachment), "report.pdf"))
            started = time.perf_counter()
            response = client.post(FORM_PATH, data=data, content_type="multipart/form-data")
            times.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
        results[method] = statistics.median(times[2:])
    print(json.dumps(results))


def median_run(runs):
    """The run with the median throughput, with every round's errors added up."""
    middle = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]
    errors = {}
    for run in runs:
        for status, count in run["errors"].items():
            errors[status] = errors.get(status, 0) + count
    return {**middle, "errors": errors}


def inprocess(app_name, env, runs):
    command = [sys.executable, __file__, "--step", "inprocess", "--app", app_name, f"--runs={runs}"]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def drive(url, method, args):
    command = [sys.executable, __file__, "--step", "drive", "--url", url, "--method", method,
               f"--seconds={args.seconds}", f"--warmup={args.warmup}", f"--concurrency={args.concurrency}",
               *(["--keepalive"] if args.keepalive else [])]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"}).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per step")
    parser.add_argument("--rounds", type=int, default=3, help="turns of every step (the figures are medians)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring, per step")
    parser.add_argument("--concurrency", type=int, default=32, help="clients at once")
    parser.add_argument("--keepalive", action="store_true",
                        help="clients keep their connections (default: a new one per request, as from a reverse proxy)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--databases", default="sqlite,postgresql",
                        help="run on each in turn: sqlite (a new file) and postgresql (--postgresql-url, emptied)")
    parser.add_argument("--postgresql-url", default="postgresql://postgres@127.0.0.1:5432/consult_bench")
    parser.add_argument("--database-url", default=None, help="one database only (instead of --databases)")
    parser.add_argument("--step", choices=("drive", "inprocess"))
    parser.add_argument("--app", choices=("consult", "bare"))
    parser.add_argument("--runs", type=int, default=30, help="requests per in-process measurement")
    parser.add_argument("--url")
    parser.add_argument("--method", choices=("GET", "POST"))
    args = parser.parse_args()
    if args.step:
        {"drive": step_drive, "inprocess": step_inprocess}[args.step](args)
        return

    if args.database_url:
        urls = [args.database_url]
    else:
        urls = [args.postgresql_url if name == "postgresql" else None for name in args.databases.split(",")]
    checks = []
    for url in urls:
        checks += [(f"{label}, {name}", ok) for name, label, ok in run_database(url, args)]
    print()
    for label, ok in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {label}")


def run_database(database_url, args):
    """The steps on one database, its table; returns its checks as (database, label, ok)."""
    import urllib.request

    from load import Gunicorn, app_env, migrate, reset_postgresql, run_step

    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-form-"))
    database_url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    if database_url.startswith(("postgresql", "postgres:")):
        database_url = database_url.replace("postgresql+psycopg://", "postgresql://")
        reset_postgresql(database_url)
    env = app_env(database_url, workdir / "uploads", CONSULT_RATELIMIT_SUBMIT="1000000 per hour")
    migrate(env)
    run_step("setup", env)

    # All three servers run side by side, and the steps take turns (consult, bare, storing by hand)
    # for several rounds: a busy spell of the shared machine then hits every app alike, and each
    # figure is the median of its rounds.
    bare_env = {**os.environ, "BENCH_PAGE_BYTES": "", "PYTHONWARNINGS": "ignore"}
    stored_env = {**env, "CONSULT_UPLOAD_DIR": str(workdir / "uploads-stored")}
    servers = {"consult": Gunicorn("wsgi:app", env, workers=args.workers, threads=args.threads,
                                   log_path=workdir / "consult.log")}
    try:
        servers["consult"].wait_ready()
        with urllib.request.urlopen(servers["consult"].url + FORM_PATH) as response:
            page_bytes = len(response.read())
        bare_env["BENCH_PAGE_BYTES"] = str(page_bytes)
        servers["bare"] = Gunicorn("tests.bench.bench_form:bare_app()", bare_env, workers=args.workers,
                                   threads=args.threads, log_path=workdir / "bare.log")
        servers["stored"] = Gunicorn("tests.bench.bench_form:stored_app()", stored_env, workers=args.workers,
                                     threads=args.threads, log_path=workdir / "stored.log")
        for name in ("bare", "stored"):
            servers[name].wait_ready(FORM_PATH)
        with urllib.request.urlopen(servers["bare"].url + FORM_PATH) as response:
            bare_bytes = len(response.read())
        rounds = {}
        for turn in range(1, args.rounds + 1):
            for method, names in (("GET", ("consult", "bare")), ("POST", ("consult", "bare", "stored"))):
                for name in names:
                    rounds.setdefault((name, method), []).append(drive(servers[name].url, method, args))
            print(f"  round {turn}: " + ", ".join(f"{name} {method} {runs[-1]['rps']:.0f}"
                                                 for (name, method), runs in rounds.items()) + " req/s", flush=True)
    finally:
        for server in servers.values():
            server.stop()
    results = {key: median_run(runs) for key, runs in rounds.items()}
    # Each target's reference: for GET the bare page, for POST the storing reference (issue 18). The
    # ratio is the median of the rounds' ratios (each round's steps ran one after the other).
    against = {"GET": "bare", "POST": "stored"}
    ratios = {method: sorted(real["rps"] / other["rps"] for real, other in zip(rounds[("consult", method)],
                                                                              rounds[(against[method], method)]))
              for method in ("GET", "POST")}

    cost = {"consult": inprocess("consult", {**env, "CONSULT_UPLOAD_DIR": str(workdir / "uploads-inprocess")}, args.runs),
            "bare": inprocess("bare", bare_env, args.runs)}

    print(f"\nSubmission form benchmark, database {database_url.split(':')[0]}, gunicorn {args.workers} workers x "
          f"{args.threads} threads (gthread), {args.concurrency} clients "
          f"({'kept-alive connections' if args.keepalive else 'a connection per request, as from a reverse proxy'}), {args.rounds} rounds of {args.seconds:.0f} s a step "
          f"(medians), "
          f"{os.cpu_count()} cores shared with the client, load average {os.getloadavg()[0]:.1f}, "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"page: consult form {page_bytes} bytes, bare page {bare_bytes} bytes; POST: every field and a 20 KB PDF")
    print("reference: GET, bare Flask serving a page of the same size; POST, bare Flask storing the same rows and "
          "file by hand, nothing else")
    header = (f"{'':8} {'consult req/s':>13} {'p50 ms':>7} {'p95 ms':>7} {'ref. req/s':>11} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'ratio':>6} {'(rounds)':>13}  errors")
    print(header)
    print("-" * len(header))
    checks = []
    for method in ("GET", "POST"):
        real, other = results[("consult", method)], results[(against[method], method)]
        ratio = ratios[method][len(ratios[method]) // 2]
        spread = "–".join(f"{value:.0%}" for value in (ratios[method][0], ratios[method][-1]))
        errors = {**{f"consult {k}": v for k, v in real["errors"].items()},
                  **{f"{against[method]} {k}": v for k, v in other["errors"].items()}}
        print(f"{method:8} {real['rps']:>13.0f} {real['p50'] * 1000:>7.0f} {real['p95'] * 1000:>7.0f} {other['rps']:>11.0f} "
              f"{other['p50'] * 1000:>7.0f} {other['p95'] * 1000:>7.0f} {ratio:>6.0%} {spread:>13}  {errors or 'none'}")
        checks.append((f"form {method}: consult at least half the throughput of {'the bare app' if method == 'GET' else 'bare Flask storing the same rows and file'}"
                       f" ({method.lower()}/reference = {ratio:.2f})", ratio >= 0.5))
    bare, real = results[("bare", "POST")], results[("consult", "POST")]
    print(f"POST, bare Flask reading the same body and storing nothing (no target): {bare['rps']:.0f} req/s, "
          f"p50 {bare['p50'] * 1000:.0f} ms, p95 {bare['p95'] * 1000:.0f} ms, errors {bare['errors'] or 'none'}; "
          f"consult does {real['rps'] / bare['rps']:.0%} of it")
    print(f"one request inside the process (no HTTP, no gunicorn, median of {args.runs}): "
          f"consult GET {cost['consult']['GET'] * 1000:.1f} ms, POST {cost['consult']['POST'] * 1000:.1f} ms; "
          f"bare GET {cost['bare']['GET'] * 1000:.1f} ms, POST {cost['bare']['POST'] * 1000:.1f} ms")
    return [(database_url.split(":")[0], label, ok) for label, ok in checks]


if __name__ == "__main__":
    main()
