"""Benchmark: the review queue with 10,000 submissions (`make bench`).

Fills a database with one call of 100, then one of 10,000 submissions (about 300 words each, in
ar/en/fr, a tenth flagged as possible duplicates), and measures the queue as the secretariat sees
it: the first page, a filtered page, a search, the last page, and the first page as an assigned
member sees it. Prints the server time of each request (in the process, median of the runs) and
its SQL queries; the reference is the same page with 100 submissions. Each size runs in its own
process.

Targets (issue 7): the same number of queries with 100 and with 10,000 submissions; each page
under 150 ms with 10,000.

    python tests/bench/bench_review.py [--sizes 100,10000] [--runs 10] [--database-url URL]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_report import QueryCounter, app_for, make_call  # noqa: E402

PASSWORD = "bench-password-2026"
PAGES = (
    ("first page", "/en/review/", "secretariat"),
    ("filtered", "/en/review/?status=included&country=JO&language=ar", "secretariat"),
    ("search", "/en/review/?q=recruitment+fees", "secretariat"),
    ("last page", "/en/review/?page={last}", "secretariat"),
    ("member", "/en/review/", "member"),
)


def fill(size):
    """One call with `size` submissions; a secretariat account and a member assigned to the call."""
    from sqlalchemy import select, update

    from consult.auth import services as auth
    from consult.consultations.models import Consultation, ReviewerAssignment, Submission
    from consult.core.extensions import db

    slug = f"review-{size}"
    make_call(slug, size)
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    # The queue shows every status but drafts: a mix, as a call under review has.
    db.session.execute(update(Submission).where(Submission.number % 3 == 0).values(status="received"))
    db.session.execute(update(Submission).where(Submission.number % 7 == 0).values(status="screened"))
    # The search text, as the submission service writes it.
    from consult.core.text import normalise

    rows = db.session.execute(select(Submission.id, Submission.good_practices, Submission.challenges,
                                     Submission.recommendations).where(Submission.consultation_id == consultation.id))
    db.session.execute(update(Submission), [{"id": row.id, "search_text": normalise(" ".join(row[1:]))} for row in rows])
    first = db.session.scalar(select(Submission.id).order_by(Submission.id))
    db.session.execute(update(Submission).where(Submission.number % 10 == 0).values(duplicate_of_id=first))
    for email, role in (("secretariat@bench.org", "secretariat"), ("member@bench.org", "member")):
        user = auth.create_user(email, role, name=role.title(), locale="en")
        auth.set_password(user, PASSWORD)
        db.session.flush()
        if role == "member":
            db.session.add(ReviewerAssignment(consultation_id=consultation.id, user_id=user.id))
    db.session.commit()


def step_measure(args):
    import re

    from consult.core.extensions import db

    app = app_for(args.database_url, args.upload_dir)
    app.config["RATELIMIT_LOGIN"] = "1000 per minute"
    results = {}
    with app.app_context():
        counter = QueryCounter(db.engine)
    for role in ("secretariat", "member"):
        client = app.test_client()
        page = client.get("/en/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        response = client.post("/en/login", data={"csrf_token": token, "email": f"{role}@bench.org", "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        for label, url, who in PAGES:
            if who != role:
                continue
            url = url.format(last=-(-args.size // 50))
            response = client.get(url)  # warm
            assert response.status_code == 200, (url, response.status_code)
            times, queries = [], set()
            for _ in range(args.runs):
                counter.count = 0
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                queries.add(counter.count)
            body = response.get_data(as_text=True)
            results[label] = {"median": statistics.median(times), "best": min(times), "queries": sorted(queries),
                              "rows": body.count('name="ids"'), "url": url}
    print(json.dumps(results))


def run_step(step, **values):
    command = [sys.executable, __file__, "--step", step] + [f"--{k.replace('_', '-')}={v}" for k, v in values.items()]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"}).stdout
    return json.loads(out.strip().splitlines()[-1])


def prepare(database_url, upload_dir, size):
    from consult.core.extensions import db

    app = app_for(database_url, upload_dir)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        started = time.perf_counter()
        fill(size)
        if db.engine.dialect.name == "postgresql":
            # What autovacuum will have done long before a call has 10,000 submissions: statistics for
            # the planner, the fill's dead rows gone, the GIN indexes' pending lists merged. Outside a
            # transaction: VACUUM refuses one, and an ANALYZE inside one is rolled back with it.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        print(f"made a call with {size} submissions in {time.perf_counter() - started:.1f} s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,10000")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file per size")
    parser.add_argument("--step", choices=("measure",))
    parser.add_argument("--size", type=int)
    parser.add_argument("--upload-dir")
    args = parser.parse_args()
    if args.step:
        step_measure(args)
        return

    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-review-"))
    upload_dir = str(workdir / "uploads")
    sizes = [int(size) for size in args.sizes.split(",")]
    results = {}
    for size in sizes:
        if args.database_url:
            from consult.core.config import normalise_database_url
            from scripts.load import reset_postgresql

            reset_postgresql(args.database_url.replace("postgresql+psycopg://", "postgresql://"))
            database_url = normalise_database_url(args.database_url)
        else:
            database_url = f"sqlite:///{workdir / f'bench-{size}.db'}"
        prepare(database_url, upload_dir, size)
        results[size] = run_step("measure", database_url=database_url, upload_dir=upload_dir, size=size, runs=args.runs)
        print(f"  {size}: first page {results[size]['first page']['median'] * 1000:.0f} ms", flush=True)

    small, big = min(sizes), max(sizes)
    print(f"\nReview queue benchmark, database {database_url.split(':')[0].split('+')[0]}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d')}")
    header = (f"{'page':<11} {'rows':>4} {f'ms ({big})':>11} {'best ms':>8} {f'queries ({big})':>15} "
              f"{f'ms ({small}, ref)':>14} {f'queries ({small})':>14}")
    print(header)
    print("-" * len(header))
    checks = []
    for label, _url, _who in PAGES:
        b, s = results[big][label], results[small][label]
        print(f"{label:<11} {b['rows']:>4} {b['median'] * 1000:>11.0f} {b['best'] * 1000:>8.0f} "
              f"{'/'.join(map(str, b['queries'])):>15} {s['median'] * 1000:>14.0f} {'/'.join(map(str, s['queries'])):>14}")
        checks.append((f"{label}: same queries with {small} and {big} submissions", b["queries"] == s["queries"]))
        checks.append((f"{label}: under 150 ms with {big} submissions ({b['median'] * 1000:.0f} ms)", b["median"] < 0.15))
    print()
    for label, ok in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {label}")


if __name__ == "__main__":
    main()
