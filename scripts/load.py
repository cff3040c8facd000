"""Load run: the last hour of a call for input (`make load`). Not part of the test suite.

Starts gunicorn (from the venv) on the app, with Redis for the rate limits and a real SMTP
server (aiosmtpd, in its own process) for the receipts, and an open call closing in an hour.
Then, with an asyncio client (aiohttp), SUBMITTERS simulated organisations at once each send
PER_SUBMITTER full submissions (GET the form for its CSRF token and form key, then a multipart
POST with every field and a small PDF, then the receipt page), while READERS read the call's page.
Prints requests/s and p50/p95/p99 latency per kind of request, and every error.

Afterwards it checks in the database that every accepted submission is there once, with a
distinct reference, its attachment, and its receipt in the outbox (`outbox_messages`). The SMTP
server refuses one receipt for good in the middle of the run: that one must be marked failed, every
other one sent, and none may reach the server twice.

Each request comes on a new connection, as from a reverse proxy in front of gunicorn (the README's
deployment); --keepalive keeps the clients' connections open instead.

Runs on PostgreSQL (database consult_load, schema by `flask db upgrade`), then on SQLite (WAL),
and prints both. After the PostgreSQL run, on the same gunicorn, the fault phase: PostgreSQL is
restarted in the middle of the load (after waiting while anyone's test run uses the server), the
clients retry as people do (a page again after a second, a POST resent with its form key), and
every answer is sorted: the app's 503 page, a 500 (there must be none), or no answer; the load
must recover without restarting gunicorn.

    python scripts/load.py [--submitters 200] [--per-submitter 3] [--readers 50]
                           [--databases postgresql,sqlite] [--no-fault] [--fault-seconds 30]
"""
import argparse
import asyncio
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from consult.core import languages  # noqa: E402  (from the checkout, once it is on the path)

LANGUAGES = languages.codes()

SLUG = "last-hour-2026"
PREFIX = "LOAD"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FORM_KEY_RE = re.compile(r'name="form_key"[^>]*value="([^"]+)"')
REFERENCE_RE = re.compile(PREFIX + r"-\d{4}-\d{4,}")
KINDS = ("call page", "form GET", "submit POST", "receipt GET")
COUNTRIES = ("JO", "LB", "EG", "MA", "TN", "DZ", "SA", "AE", "QA", "KW", "IQ", "SD", "YE", "MR", "LY", "PS")
CONSTITUENCIES = ("migrant_diaspora", "civil_society", "trade_union", "academia", "women", "youth", "faith_based")
SECRET = "load-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


# ---------------------------------------------------------------- processes

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url, upload_dir, redis_url=None, mail_url=None, **extra):
    """The environment the app reads its settings from (consult/config.py)."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, "CONSULT_UPLOAD_DIR": str(upload_dir),
           "CONSULT_BASE_URL": "http://consult.load", "PYTHONWARNINGS": "ignore", **extra}
    for name, value in (("CONSULT_REDIS_URL", redis_url), ("CONSULT_MAIL_URL", mail_url)):
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    return env


def migrate(env):
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def reset_postgresql(url):
    """An empty schema in the database of `url`, which is created first on a server that lacks it."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


class Gunicorn:
    """gunicorn from the venv on a free port; `app` is a WSGI target such as wsgi:app."""

    def __init__(self, app, env, workers=4, threads=4, log_path=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path or os.devnull, "ab")
        command = [str(BIN / "gunicorn"), "-w", str(workers), "-k", "gthread", "--threads", str(threads),
                   "-b", f"127.0.0.1:{self.port}", "--timeout", "120", "--keep-alive", "5",
                   "--backlog", "2048", "--log-level", "warning", app]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=self.log)

    def wait_ready(self, path="/healthz", timeout=180):  # a shared, loaded machine starts workers slowly
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def workers(self):
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return sorted(int(pid) for pid in out.split())

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class SMTPSink:
    """A real SMTP server (aiosmtpd) in its own process that counts what it receives; it refuses for
    good (554) the refuse_at-th message it is given, in the middle of the run."""

    def __init__(self, refuse_at=0):
        self.port = free_port()
        self.process = subprocess.Popen([sys.executable, __file__, "--step", "smtp", "--smtp-port", str(self.port),
                                         f"--refuse-at={refuse_at}"],
                                        cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"
        self.url = f"smtp://127.0.0.1:{self.port}"

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=30)
        return json.loads(out.strip().splitlines()[-1])


def step_smtp(args):
    from aiosmtpd.controller import Controller

    received, refused, given = [], [], []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            given.append(1)
            if len(given) == args.refuse_at:
                refused.extend(envelope.rcpt_tos)
                return "554 5.7.1 Refused by the load test"
            received.extend(envelope.rcpt_tos)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=args.smtp_port)
    controller.start()
    done = []
    signal.signal(signal.SIGTERM, lambda *_: done.append(1))
    print("ready", flush=True)
    while not done:
        time.sleep(0.1)
    controller.stop()
    print(json.dumps({"received": len(received), "recipients": len(set(received)), "refused": refused}), flush=True)


def step_setup(args):
    """An open call that closes in an hour: the last hour of a call."""
    from datetime import timedelta

    from consult import create_app
    from consult.consultations import services
    from consult.core.database import utcnow

    app = create_app()
    with app.app_context():
        now = utcnow()
        services.save_consultation(
            slug=SLUG, reference_prefix=PREFIX, status="open", timezone="Asia/Beirut",
            opens_at=now - timedelta(days=30), closes_at=now + timedelta(hours=1), objectives=[5, 6, 7, 16],
            title={"ar": "مشاورة الساعة الأخيرة", "en": "Last-hour consultation", "fr": "Consultation de la dernière heure"},
            description={"ar": "ما الذي ينبغي أن يتضمنه الاستعراض الإقليمي؟", "en": "What should the regional review say?",
                         "fr": "Que doit dire l'examen régional ?"},
            questions={"ar": ["ما الذي نجح؟"], "en": ["What worked?"], "fr": ["Qu'est-ce qui a marché ?"]})
    print(json.dumps({"slug": SLUG}))


def step_check(args):
    """Every accepted submission (by its unique e-mail address) once in the database, with a distinct
    reference, its attachment on disk and its receipt in the outbox."""
    from sqlalchemy import func, select

    from consult import create_app
    from consult.core import storage
    from consult.consultations.models import Attachment, Submission
    from consult.core.extensions import db
    from consult.core.mail.models import OutboxMessage

    accepted = json.loads(Path(args.accepted).read_text())
    app = create_app()
    with app.app_context():
        rows = db.session.execute(select(Submission.id, Submission.contact_email, Submission.reference,
                                         Submission.status)).all()
        by_email = defaultdict(list)
        for row in rows:
            by_email[row.contact_email].append(row)
        attachments = dict(db.session.execute(select(Attachment.submission_id, Attachment.stored_name)).all())
        outbox = defaultdict(list)
        refused = []
        for to, subject, status, error in db.session.execute(select(
                OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.status, OutboxMessage.last_error)):
            outbox[to].append((subject, status))
            if status == "failed" and "554" in (error or ""):
                refused.append(to)
        problems = Counter()
        receipt_status = Counter()
        references = []
        for email, shown_reference in accepted.items():
            found = by_email.get(email, [])
            if len(found) != 1:
                problems["accepted but not exactly once in the database"] += 1
                continue
            row = found[0]
            references.append(row.reference)
            if row.status != "received" or not row.reference:
                problems["not received or without a reference"] += 1
            if shown_reference and shown_reference != row.reference:
                problems["receipt page showed another reference"] += 1
            stored = attachments.get(row.id)
            if stored is None or not os.path.exists(os.path.join(app.config["CONSULT_UPLOAD_DIR"], stored)):
                problems["attachment missing"] += 1
            receipts = [status for subject, status in outbox.get(email, []) if row.reference in subject]
            if len(receipts) != 1:
                problems["receipt not in the outbox exactly once"] += 1
            else:
                receipt_status[receipts[0]] += 1
        unexpected = [email for email in by_email if email not in accepted]
        orphans = set(os.listdir(storage.upload_dir())) - set(attachments.values())
        result = {
            "accepted": len(accepted),
            "in_database": len(rows),
            "distinct_references": len(set(references)),
            "references": len(references),
            "saved_but_not_confirmed": len(unexpected),
            "problems": dict(problems),
            "receipts": dict(receipt_status),
            "outbox_total": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
            "orphan_files": len(orphans),
            "refused": refused,
            # PostgreSQL numbers with a sequence: a number taken by a failed transaction leaves a gap.
            "number_gaps": (db.session.scalar(select(func.max(Submission.number))) or 0)
            - db.session.scalar(select(func.count(Submission.number))),
        }
    print(json.dumps(result))


def run_step(step, env, **values):
    command = [sys.executable, __file__, "--step", step] + [f"--{k.replace('_', '-')}={v}" for k, v in values.items()]
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# ---------------------------------------------------------------- the simulated clients

def pdf_bytes(rng, size=20_000):
    return b"%PDF-1.4\n% load test\n" + bytes(rng.choice(b"0123456789abcdef ") for _ in range(size)) + b"\n%%EOF\n"


def text(rng, lang, words):
    from tests.bench.bench_report import _text

    return _text(rng, lang, words)


def form_fields(rng, number, email):
    """Every field of the submission form, as a browser sends them."""
    lang = rng.choice(LANGUAGES)
    fields = [
        ("org_name", f"Organisation {number % 150}" if lang != "ar" else f"جمعية رقم {number % 150}"),
        ("constituency", rng.choice(CONSTITUENCIES)),
        ("country", rng.choice(COUNTRIES)),
        ("contact_name", "Amina Load"),
        ("contact_email", email),
        ("contact_phone", "+961 1 000000"),
        ("language", lang),
        ("good_practices", text(rng, lang, 120)),
        ("challenges", text(rng, lang, 100)),
        ("recommendations", text(rng, lang, 110)),
        ("confidentiality", rng.choice(("public", "public", "anonymous", "confidential"))),
        ("consent", "y"),
        ("website", ""),
        ("send", "1"),
    ]
    fields += [("countries_of_work", code) for code in rng.sample(COUNTRIES, 2)]
    fields += [("objectives", str(n)) for n in sorted(rng.sample(range(1, 24), 3))]
    fields += [("principles", code) for code in sorted(rng.sample("abcdefghij", 2))]
    return fields


class Recorder:
    def __init__(self):
        self.samples = []  # (kind, started (monotonic), seconds, outcome)
        self.messages = {}  # outcome -> the first error message seen

    def add(self, kind, started, outcome):
        self.samples.append((kind, started, time.monotonic() - started, outcome))


def classify(status, body):
    if status == 503:
        return "503 page" if ('class="notice notice-error"' in body and "<html lang=" in body) else "503 other"
    return str(status)


async def timed(recorder, kind, session, method, url, ok=(200,), **kwargs):
    """One request; returns (status, body) or (None, None) when no answer came."""
    import aiohttp

    started = time.monotonic()
    try:
        async with session.request(method, url, allow_redirects=False, **kwargs) as response:
            body = await response.text()
            status = response.status
            location = response.headers.get("Location")
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        outcome = f"no answer ({type(error).__name__})"
        recorder.messages.setdefault(outcome, f"{kind}: {error}"[:200])
        recorder.add(kind, started, outcome)
        return None, None, None
    recorder.add(kind, started, "ok" if status in ok else classify(status, body))
    return status, body, location


async def submitter(number, connector, base, config, recorder, accepted, stop):
    import aiohttp

    rng = random.Random(config["seed"] * 100_003 + number)
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
    async with aiohttp.ClientSession(base_url=base, connector=connector, connector_owner=False, cookie_jar=jar,
                                     timeout=aiohttp.ClientTimeout(total=120)) as session:
        for round_ in range(config["per_submitter"]):
            if stop.is_set():
                return
            page_lang = rng.choice(LANGUAGES)
            email = f"load-{config['run']}-{number}-{round_}@example.org"
            form_url = f"/{page_lang}/consultations/{SLUG}/submit"
            # A person whose page did not come retries after a moment; a POST is resent as is (same form key).
            for _attempt in range(config["retries"]):
                status, body, _ = await timed(recorder, "form GET", session, "GET", form_url)
                if status == 200:
                    break
                await asyncio.sleep(1)
            else:
                continue
            csrf, form_key = CSRF_RE.search(body).group(1), FORM_KEY_RE.search(body).group(1)
            fields = form_fields(rng, number, email) + [("csrf_token", csrf), ("form_key", form_key)]
            attachment = pdf_bytes(rng)
            location, taken = None, False
            for _attempt in range(config["retries"]):
                data = aiohttp.FormData()
                for name, value in fields:
                    data.add_field(name, value)
                data.add_field("attachments", attachment, filename="تقرير المنظمة.pdf", content_type="application/pdf")
                status, body, location = await timed(recorder, "submit POST", session, "POST", form_url, ok=(200, 302),
                                                     data=data)
                if status == 302:
                    taken = True
                    break
                if status == 200 and REFERENCE_RE.search(body or ""):
                    # "Already received": an earlier POST of this form was stored after all (its answer was lost).
                    taken, location = True, None
                    accepted[email] = REFERENCE_RE.search(body).group(0)
                    break
                await asyncio.sleep(1)
            if not taken or location is None:
                continue
            accepted[email] = None
            status, body, _ = await timed(recorder, "receipt GET", session, "GET", location)
            if status == 200:
                found = REFERENCE_RE.search(body)
                accepted[email] = found.group(0) if found else None


async def reader(number, connector, base, recorder, stop):
    import aiohttp

    rng = random.Random(number)
    async with aiohttp.ClientSession(base_url=base, connector=connector, connector_owner=False,
                                     timeout=aiohttp.ClientTimeout(total=120)) as session:
        while not stop.is_set():
            lang = rng.choice(LANGUAGES)
            await timed(recorder, "call page", session, "GET", f"/{lang}/consultations/{SLUG}/")
            await asyncio.sleep(rng.uniform(0, 0.5))


async def warm_up(base, workers, threads):
    """Each worker compiles its templates and loads its catalogs before anything is measured."""
    import aiohttp

    async with aiohttp.ClientSession(base_url=base) as session:
        async def get(path):
            async with session.get(path) as response:
                await response.read()

        for lang in LANGUAGES:
            paths = [f"/{lang}/consultations/{SLUG}/", f"/{lang}/consultations/{SLUG}/submit"] * workers * threads
            await asyncio.gather(*(get(path) for path in paths))


async def drive(base, config, fault=None):
    """Run the submitters and readers; returns (recorder, accepted, seconds, fault_info)."""
    import aiohttp

    recorder, accepted = Recorder(), {}
    stop = asyncio.Event()
    # By default a connection per request, as a reverse proxy in front of gunicorn opens them (nginx by default).
    # With --keepalive: kept connections are reused for less time than gunicorn keeps them (--keep-alive 5); even
    # so a saturated gthread worker closes some kept connections that already carry the next request, and those
    # POSTs fail with "Can not write request body" (browsers resend then; aiohttp does not).
    connector = (aiohttp.TCPConnector(limit=0, keepalive_timeout=2) if config.get("keepalive")
                 else aiohttp.TCPConnector(limit=0, force_close=True))
    started = time.monotonic()
    readers = [asyncio.create_task(reader(n, connector, base, recorder, stop)) for n in range(config["readers"])]
    submitters = [asyncio.create_task(submitter(n, connector, base, config, recorder, accepted, stop))
                  for n in range(config["submitters"])]
    fault_info = None
    if fault is not None:
        fault_info = await fault(started)
        stop.set()
    await asyncio.gather(*submitters)
    stop.set()
    await asyncio.gather(*readers)
    seconds = time.monotonic() - started
    await connector.close()
    return recorder, accepted, seconds, fault_info


# ---------------------------------------------------------------- figures

def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)] if ordered else float("nan")


def summarise(recorder, seconds):
    rows = {}
    for kind in KINDS:
        samples = [s for s in recorder.samples if s[0] == kind]
        if not samples:
            continue
        times = [s[2] for s in samples]
        outcomes = Counter(s[3] for s in samples)
        rows[kind] = {"count": len(samples), "rps": len(samples) / seconds, "p50": percentile(times, 0.5),
                      "p95": percentile(times, 0.95), "p99": percentile(times, 0.99),
                      "errors": {k: v for k, v in outcomes.items() if k != "ok"}}
    rows["all"] = {"count": len(recorder.samples), "rps": len(recorder.samples) / seconds,
                   "messages": dict(recorder.messages)}
    return rows


def print_table(title, rows, seconds):
    print(f"\n{title} ({seconds:.1f} s)")
    header = f"  {'request':<12} {'count':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  errors"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for kind in KINDS:
        if kind in rows:
            row = rows[kind]
            errors = ", ".join(f"{k}: {v}" for k, v in sorted(row["errors"].items())) or "none"
            print(f"  {kind:<12} {row['count']:>6} {row['rps']:>7.1f} {row['p50'] * 1000:>7.0f} "
                  f"{row['p95'] * 1000:>7.0f} {row['p99'] * 1000:>7.0f}  {errors}")
    print(f"  {'all':<12} {rows['all']['count']:>6} {rows['all']['rps']:>7.1f}")
    for outcome, message in rows["all"]["messages"].items():
        print(f"  {outcome}, first seen: {message}")


def mail_ok(check, smtp):
    """The refused message failed alone and nothing was sent twice: the server got each sent receipt once
    (a message left "sending" by the PostgreSQL restart may or may not have reached it)."""
    receipts = check["receipts"]
    sent, sending = receipts.get("sent", 0), receipts.get("sending", 0)
    return (check["refused"] == smtp["refused"] and len(smtp["refused"]) <= 1
            and smtp["recipients"] == smtp["received"] and sent <= smtp["received"] <= sent + sending)


def check_ok(check, smtp):
    return (not check["problems"] and check["distinct_references"] == check["references"] == check["accepted"]
            and check["saved_but_not_confirmed"] == 0 and check["orphan_files"] == 0 and mail_ok(check, smtp))


def print_check(check, smtp):
    print(f"  database: {check['accepted']} accepted, {check['in_database']} in the database, "
          f"{check['distinct_references']} distinct references; receipts in the outbox: "
          f"{', '.join(f'{k} {v}' for k, v in sorted(check['receipts'].items())) or 'none'}; "
          f"SMTP server received {smtp['received']} ({smtp['recipients']} distinct recipients) and refused "
          f"{len(smtp['refused'])}; orphan files {check['orphan_files']}; "
          f"gaps in the reference numbers {check['number_gaps']} (allowed on PostgreSQL)")
    if check["saved_but_not_confirmed"]:
        print(f"  saved although the submitter saw no confirmation: {check['saved_but_not_confirmed']}")
    for problem, count in check["problems"].items():
        print(f"  PROBLEM: {problem}: {count}")
    print(f"  {'ok  ' if check_ok(check, smtp) else 'MISS'} every accepted submission stored once, distinct reference, "
          "attachment, receipt in the outbox")
    print(f"  {'ok  ' if mail_ok(check, smtp) else 'MISS'} the message the SMTP server refused failed alone "
          f"({', '.join(smtp['refused']) or 'none refused'}); no receipt reached the server twice")


# ---------------------------------------------------------------- the fault: PostgreSQL restarted

def others_testing():
    """Someone's test run uses the server: .ci/run, or a run with TEST_DATABASE_URL (in its command or its
    environment, as `TEST_DATABASE_URL=... make test` has it)."""
    for pattern in (".ci/run", "TEST_DATABASE_URL"):
        if subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode == 0:
            return pattern
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if b"TEST_DATABASE_URL=" in environ.read_bytes():
                return f"process {environ.parent.name} with TEST_DATABASE_URL"
        except OSError:
            continue
    return None


def wait_for_quiet_server(max_wait):
    waited = 0
    while (busy := others_testing()) is not None:
        if waited == 0:
            print(f"  waiting: a test run uses PostgreSQL ({busy} is running)", flush=True)
        if waited >= max_wait:
            return False
        time.sleep(5)
        waited += 5
    return True


def restart_postgresql():
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                   capture_output=True)


def make_fault(args):
    async def fault(started):
        await asyncio.sleep(args.fault_at)
        loop = asyncio.get_running_loop()
        quiet = await loop.run_in_executor(None, wait_for_quiet_server, args.fault_max_wait)
        if not quiet:
            return {"skipped": "a test run kept using PostgreSQL"}
        down = time.monotonic()
        print(f"  restarting PostgreSQL at t={down - started:.1f} s", flush=True)
        await loop.run_in_executor(None, restart_postgresql)
        up = time.monotonic()
        print(f"  PostgreSQL back at t={up - started:.1f} s", flush=True)
        await asyncio.sleep(max(args.fault_seconds - (up - started), args.fault_recovery))
        return {"down": down, "up": up, "started": started}

    return fault


def fault_figures(recorder, info):
    down, up = info["down"], info["up"]
    during = [s for s in recorder.samples if s[1] + s[2] >= down and s[1] <= up + 1]
    outcomes = Counter(s[3] for s in recorder.samples)
    failures = [s for s in recorder.samples if s[3] != "ok"]
    first_failure = min((s[1] + s[2] for s in failures), default=down)
    last_failure = max((s[1] + s[2] for s in failures), default=down)
    after = [s for s in recorder.samples if s[1] > up + 2]
    return {
        "restart_seconds": up - down,
        "outcomes": dict(outcomes),
        "requests_around_restart": len(during),
        "failures_from": first_failure - down,
        "failures_until": last_failure - down,
        "after": len(after),
        "after_failed": sum(1 for s in after if s[3] != "ok"),
        "status_500": sum(v for k, v in outcomes.items() if k.startswith("50") and k != "503 page"),
        "no_answer": sum(v for k, v in outcomes.items() if k.startswith("no answer")),
        "page_503": outcomes.get("503 page", 0),
    }


# ---------------------------------------------------------------- main

def run_database(name, database_url, args, workdir, fault=False):
    upload_dir = workdir / f"uploads-{name}"
    shutil.rmtree(upload_dir, ignore_errors=True)
    # The server refuses one message in the middle of the first run's receipts.
    smtp = SMTPSink(refuse_at=max(1, args.submitters * args.per_submitter // 2))
    env = app_env(database_url, upload_dir, redis_url=args.redis_url, mail_url=smtp.url,
                  CONSULT_RATELIMIT_SUBMIT="1000000 per hour")
    if database_url.startswith("postgresql"):
        reset_postgresql(database_url)
    migrate(env)
    run_step("setup", env)
    flush_redis(args.redis_url)
    server = Gunicorn("wsgi:app", env, workers=args.workers, threads=args.threads,
                      log_path=workdir / f"gunicorn-{name}.log")
    results = {}
    try:
        server.wait_ready()
        config = {"submitters": args.submitters, "per_submitter": args.per_submitter, "readers": args.readers,
                  "seed": 7, "run": name, "retries": 1, "keepalive": args.keepalive}
        asyncio.run(warm_up(server.url, args.workers, args.threads))
        recorder, accepted, seconds, _ = asyncio.run(drive(server.url, config))
        results["load"] = (summarise(recorder, seconds), seconds)
        accepted_all = dict(accepted)
        if fault:
            master, workers = server.process.pid, server.workers()
            config = {**config, "run": f"{name}-fault", "per_submitter": 10_000, "retries": 30,
                      "submitters": args.fault_submitters or args.submitters}
            recorder, accepted, seconds, info = asyncio.run(drive(server.url, config, fault=make_fault(args)))
            accepted_all.update(accepted)
            results["fault"] = (summarise(recorder, seconds), seconds, info,
                                None if "skipped" in info else fault_figures(recorder, info),
                                {"same_master": server.process.poll() is None and server.process.pid == master,
                                 "same_workers": server.workers() == workers})
    finally:
        server.stop()
        smtp_counts = smtp.stop()
    accepted_path = workdir / f"accepted-{name}.json"
    accepted_path.write_text(json.dumps(accepted_all))
    results["check"] = run_step("check", env, accepted=accepted_path)
    results["smtp"] = smtp_counts
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submitters", type=int, default=200, help="simulated organisations sending at once")
    parser.add_argument("--per-submitter", type=int, default=3, help="submissions each sends, one after the other")
    parser.add_argument("--readers", type=int, default=50, help="readers of the call's page at the same time")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--postgresql-url", default="postgresql://postgres@127.0.0.1:5432/consult_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--no-fault", action="store_true", help="skip the PostgreSQL restart phase")
    parser.add_argument("--keepalive", action="store_true",
                        help="clients keep connections to gunicorn open (default: one per request, as a reverse "
                             "proxy such as nginx opens to gunicorn by default)")
    parser.add_argument("--fault-submitters", type=int, default=None, help="default: --submitters")
    parser.add_argument("--fault-at", type=float, default=8.0, help="seconds into the fault phase")
    parser.add_argument("--fault-seconds", type=float, default=30.0, help="length of the fault phase")
    parser.add_argument("--fault-recovery", type=float, default=10.0, help="load kept after the restart, at least")
    parser.add_argument("--fault-max-wait", type=float, default=900.0, help="wait at most this for others' test runs")
    parser.add_argument("--step", choices=("setup", "check", "smtp"))
    parser.add_argument("--accepted")
    parser.add_argument("--smtp-port", type=int)
    parser.add_argument("--refuse-at", type=int, default=0, help="(smtp step) refuse the n-th message (0: none)")
    args = parser.parse_args()
    if args.step:
        {"setup": step_setup, "check": step_check, "smtp": step_smtp}[args.step](args)
        return

    workdir = Path(tempfile.mkdtemp(prefix="consult-load-"))
    databases = {"postgresql": args.postgresql_url.replace("postgresql+psycopg://", "postgresql://"),
                 "sqlite": f"sqlite:///{workdir / 'load.db'}"}
    wanted = [name.strip() for name in args.databases.split(",") if name.strip()]
    print(f"Load: the last hour of a call. {args.submitters} submitters x {args.per_submitter} full submissions "
          f"(form GET, multipart POST with a 20 KB PDF, receipt page) + {args.readers} readers of the call page; "
          f"gunicorn {args.workers} workers x {args.threads} threads (gthread); Redis rate limits; SMTP on loopback; "
          f"{os.cpu_count()} cores shared with the client; load average before {os.getloadavg()[0]:.1f}; "
          f"logs in {workdir}", flush=True)
    all_results = {}
    for name in wanted:
        print(f"\n== {name}", flush=True)
        fault = name == "postgresql" and not args.no_fault
        results = run_database(name, databases[name], args, workdir, fault=fault)
        all_results[name] = results
        rows, seconds = results["load"]
        print_table(f"{name}: load", rows, seconds)
        if "fault" in results:
            rows, seconds, info, figures, server = results["fault"]
            print_table(f"{name}: load with a PostgreSQL restart (retrying clients)", rows, seconds)
            if figures is None:
                print(f"  fault phase skipped: {info['skipped']}")
            else:
                print_fault(figures, server)
        print_check(results["check"], results["smtp"])

    print_summary(args, all_results)


def print_fault(figures, server):
    print(f"  PostgreSQL restart took {figures['restart_seconds']:.1f} s; {figures['requests_around_restart']} requests "
          f"around it; answers: {figures['page_503']} x the app's 503 page, {figures['status_500']} x 500 or other 5xx, "
          f"{figures['no_answer']} without an answer")
    print(f"  failed answers from {figures['failures_from']:+.1f} s to {figures['failures_until']:+.1f} s after the "
          f"restart began; {figures['after']} requests from 2 s after the restart command returned: "
          f"{figures['after_failed']} failed; "
          f"gunicorn master kept: {server['same_master']}, same workers: {server['same_workers']}")
    ok = (figures["status_500"] == 0 and figures["no_answer"] == 0 and figures["after_failed"] == 0
          and server["same_master"] and figures["page_503"] > 0)
    print(f"  {'ok  ' if ok else 'MISS'} failures during the restart are the app's 503 page (no 500, no dropped "
          "connection), and the load recovers without restarting gunicorn")


def print_summary(args, all_results):
    print(f"\n---- summary for the README ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores shared by gunicorn, "
          "the database and the load client) ----")
    print(f"Load, `make load`: {args.submitters} simulated organisations x {args.per_submitter} full submissions "
          f"(with a PDF) + {args.readers} readers of the call page; gunicorn {args.workers} workers x "
          f"{args.threads} threads; "
          f"{'kept-alive connections' if args.keepalive else 'a connection per request, as from a reverse proxy'}.\n")
    print("| database | requests/s | form GET p50/p95/p99 ms | submit POST p50/p95/p99 ms | call page p50/p95/p99 ms "
          "| errors | stored and receipted |")
    print("|---|---|---|---|---|---|---|")
    for name, results in all_results.items():
        rows, _ = results["load"]

        def cell(kind):
            row = rows.get(kind)
            return f"{row['p50'] * 1000:.0f} / {row['p95'] * 1000:.0f} / {row['p99'] * 1000:.0f}" if row else "-"

        errors = sum(sum(rows[k]["errors"].values()) for k in KINDS if k in rows)
        check = results["check"]
        print(f"| {name} | {rows['all']['rps']:.0f} | {cell('form GET')} | {cell('submit POST')} | "
              f"{cell('call page')} | {errors} | {check['references']}/{check['accepted']} "
              f"{'ok' if check_ok(check, results['smtp']) else 'MISS'} |")
    for name, results in all_results.items():
        if "fault" in results and results["fault"][3] is not None:
            figures, server = results["fault"][3], results["fault"][4]
            print(f"\nPostgreSQL restarted under load ({figures['restart_seconds']:.1f} s): {figures['page_503']} "
                  f"requests got the app's 503 page, {figures['status_500']} a 500, {figures['no_answer']} no answer; "
                  f"failures ended {figures['failures_until']:.1f} s after the restart began, "
                  f"{figures['after_failed']} of the {figures['after']} requests after it failed; gunicorn not restarted "
                  f"({'same master and workers' if server['same_master'] and server['same_workers'] else 'RESTARTED'}).")


if __name__ == "__main__":
    main()
