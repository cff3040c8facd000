"""Benchmark: the input report of a call with 1,000 included submissions (`make bench`).

Prints, for 100 and 1,000 submissions: wall time of the build, pages, peak memory, SQL queries,
and, as the reference, WeasyPrint's own time to render the very same final HTML with the same
options; then the time to ask again with unchanged inputs. Each measured step runs in its own
process, so each peak memory figure is that step's alone.

Targets (issue 5): overhead above WeasyPrint's own time under 15 %; the same number of queries
for 100 and 1,000 submissions; peak memory under 1.5 GB; a rebuild with unchanged inputs under 0.2 s.

Since issue 17 the report is two documents: the measures above are of the annex (the compendium,
today's single document); beside them, the main report (the group's approved chapters, every
objective with input drafted: synthesis, 3 key messages, 5 recommendations, 10 featured quotes) and
its Word version. Target: the main report at most about 60 pages whatever the number of submissions.

    python tests/bench/bench_report.py [--sizes 100,1000] [--lang ar] [--database-url URL]
"""
import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WORDS = {
    "en": ("migrant workers recruitment fees wages contract employer passport sponsorship labour law domestic "
           "work social protection health care access documents detention alternatives children families "
           "return reintegration remittances skills recognition pathways regular status protection safety "
           "trafficking smuggling border rights courts legal aid language information training municipality "
           "community cohesion data evidence cooperation partnership review implementation").split(),
    "fr": ("travailleurs migrants frais de recrutement salaires contrat employeur passeport parrainage droit du "
           "travail travail domestique protection sociale santé accès documents rétention alternatives enfants "
           "familles retour réintégration transferts compétences reconnaissance voies régulières statut sécurité "
           "traite passeurs frontière droits tribunaux aide juridique langue information formation commune "
           "cohésion données coopération partenariat examen mise en œuvre").split(),
    "ar": ("العمال المهاجرون رسوم التوظيف الأجور العقد صاحب العمل جواز السفر الكفالة قانون العمل العمل المنزلي "
           "الحماية الاجتماعية الرعاية الصحية الوصول الوثائق الاحتجاز البدائل الأطفال الأسر العودة إعادة الإدماج "
           "التحويلات المهارات الاعتراف المسارات النظامية الوضع القانوني السلامة الاتجار التهريب الحدود الحقوق "
           "المحاكم المساعدة القانونية اللغة المعلومات التدريب البلدية التماسك البيانات التعاون الشراكة الاستعراض "
           "التنفيذ").split(),
}
COUNTRIES = ("JO", "LB", "EG", "MA", "TN", "DZ", "SA", "AE", "QA", "KW", "IQ", "SD", "YE", "MR", "LY", "PS")
CONSTITUENCIES = ("migrant_diaspora", "civil_society", "trade_union", "academia", "women", "youth", "faith_based")


def _text(rng, lang, words):
    sentences, left = [], words
    while left > 0:
        length = min(left, rng.randint(8, 18))
        sentence = " ".join(rng.choice(WORDS[lang]) for _ in range(length))
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
        left -= length
    return " ".join(sentences)


def make_call(slug, count, seed=2026):
    """A closed call with `count` included submissions of about 300 words each, in ar/en/fr."""
    from consult.consultations.models import Consultation, Submission, SubmissionTranslation
    from consult.core.database import utcnow
    from consult.core.extensions import db

    rng = random.Random(seed)
    now = utcnow()
    consultation = Consultation(
        slug=slug, reference_prefix=f"B{count}"[:12], status="closed", timezone="Asia/Beirut",
        opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1),
        title={"ar": "مشاورة قياس الأداء", "en": "Benchmark consultation", "fr": "Consultation de mesure"},
        description={"en": "Benchmark."}, questions={"en": ["What worked?", "What did not?"]}, objectives=[6, 7])
    db.session.add(consultation)
    db.session.flush()
    for number in range(1, count + 1):
        lang = rng.choices(("ar", "en", "fr"), weights=(40, 35, 25))[0]
        submission = Submission(
            consultation_id=consultation.id, number=number, reference=f"B{count}-2026-{number:04d}",
            form_key=f"{slug}-{number}", status="included", org_name=f"Organisation {number}",
            org_name_key=f"organisation {number}", constituency=rng.choice(CONSTITUENCIES),
            country=rng.choice(COUNTRIES), countries_of_work=[], language=lang, page_lang=lang,
            objectives=sorted(rng.sample(range(1, 24), rng.randint(1, 3))), principles=sorted(rng.sample("abcdefghij", 2)),
            good_practices=_text(rng, lang, 110), challenges=_text(rng, lang, 90), recommendations=_text(rng, lang, 100),
            confidentiality=rng.choices(("public", "anonymous", "confidential"), weights=(70, 20, 10))[0],
            submitted_at=now - timedelta(days=10))
        db.session.add(submission)
        if lang != "ar" and number % 4 == 0:
            db.session.flush()
            db.session.add(SubmissionTranslation(submission_id=submission.id, field="recommendations", lang="ar",
                                                 text=_text(rng, "ar", 100), status="confirmed"))
    db.session.commit()
    make_chapters(consultation, rng)


def make_chapters(consultation, rng):
    """Rapporteurs and an approved chapter for every objective with input, written in Arabic."""
    from sqlalchemy import select

    from consult.auth.models import User
    from consult.consultations.models import Submission
    from consult.core.extensions import db
    from consult.synthesis.models import Chapter, ChapterVersion, Rapporteur

    users = []
    for number in range(5):
        email = f"rapporteur-{number}@bench.example"
        user = db.session.scalar(select(User).where(User.email == email)) or User(
            email=email, role="member", name=f"Rapporteur {number}", locale="ar")
        db.session.add(user)
        users.append(user)
    db.session.flush()
    rows = db.session.execute(select(Submission.id, Submission.objectives, Submission.confidentiality)
                              .where(Submission.consultation_id == consultation.id)).all()
    for objective in sorted({n for row in rows for n in row.objectives}):
        quotable = [row.id for row in rows if objective in row.objectives and row.confidentiality != "confidential"]
        author = users[objective % len(users)]
        db.session.add(Rapporteur(consultation_id=consultation.id, objective=objective, user_id=author.id))
        chapter = Chapter(consultation_id=consultation.id, objective=objective, last_number=1, approved_number=1)
        db.session.add(chapter)
        db.session.flush()
        db.session.add(ChapterVersion(
            chapter_id=chapter.id, number=1, lang="ar", author_id=author.id,
            synthesis="\n\n".join(_text(rng, "ar", 90) for _ in range(3)),
            key_messages=[_text(rng, "ar", 14) for _ in range(3)],
            recommendations=[_text(rng, "ar", 22) for _ in range(5)],
            quotes=[{"submission": sid, "field": "recommendations"} for sid in rng.sample(quotable, min(10, len(quotable)))]))
    db.session.commit()


class QueryCounter:
    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def app_for(database_url, upload_dir, workers=1, queue_url=None):
    """The app; builds in one piece (workers=1) unless told: the figures above are single-process ones."""
    from consult import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench" * 10,
                       "CONSULT_UPLOAD_DIR": upload_dir, "CONSULT_ENV": "testing",
                       "CONSULT_REPORT_WORKERS": workers, "CONSULT_QUEUE_URL": queue_url})


def step_build(args):
    """Build the report (nothing stored yet): wall time, pages, queries, peak memory; save its HTML."""
    from flask_babel import force_locale

    from consult.consultations.services import get_consultation
    from consult.core.extensions import db
    from consult.reports import content, services

    app = app_for(args.database_url, args.upload_dir)
    with app.app_context():
        consultation = get_consultation(args.slug)
        counter = QueryCounter(db.engine)
        started = time.perf_counter()
        report, reused = services.build_now(consultation, args.lang)
        wall = time.perf_counter() - started
        assert report.status == "ready" and not reused, (report.status, report.error, reused)
        queries = counter.count
        counter.count = 0
        started = time.perf_counter()
        with force_locale(args.lang):
            gathered = content.gather(consultation, args.lang)
            html = services.render_html(gathered)
        compose = time.perf_counter() - started
        Path(args.html).write_text(html, encoding="utf-8")
        gather_queries = counter.count
        print(json.dumps({"wall": wall, "pages": report.pages, "queries": queries, "gather_queries": gather_queries, "compose": compose,
                          "peak_mb": peak_mb(), "size": report.size, "weasyprint_inside": report.seconds}))


def step_main(args):
    """Build the main report and its Word version: wall time, pages, queries, peak memory."""
    from consult.consultations.services import get_consultation
    from consult.core.extensions import db
    from consult.reports import services

    app = app_for(args.database_url, args.upload_dir)
    with app.app_context():
        consultation = get_consultation(args.slug)
        counter = QueryCounter(db.engine)
        started = time.perf_counter()
        report, reused = services.build_now(consultation, args.lang, part="main")
        wall = time.perf_counter() - started
        assert report.status == "ready" and not reused and report.docx_name, (report.status, report.error, reused)
        print(json.dumps({"wall": wall, "pages": report.pages, "queries": counter.count, "peak_mb": peak_mb(),
                          "size": report.size, "docx": os.path.getsize(services.docx_path(report))}))


def step_weasyprint(args):
    """The reference: WeasyPrint alone on the same final HTML, with the same fetcher and options."""
    from weasyprint import HTML

    from consult.core.pdf import PDF_VARIANT, RestrictedFetcher, default_base_url

    html = Path(args.html).read_text(encoding="utf-8")
    started = time.perf_counter()
    document = HTML(string=html, base_url=default_base_url(), url_fetcher=RestrictedFetcher(timeout=5)).render()
    document.write_pdf(pdf_variant=PDF_VARIANT)
    print(json.dumps({"wall": time.perf_counter() - started, "pages": len(document.pages), "peak_mb": peak_mb()}))


def step_rebuild(args):
    """Ask again with unchanged inputs: the stored report comes back."""
    from consult.consultations.services import get_consultation
    from consult.reports import services

    app = app_for(args.database_url, args.upload_dir)
    with app.app_context():
        consultation = get_consultation(args.slug)
        _, reused = services.request_build(consultation, args.lang)  # warm: imports, fonts list, template fingerprint
        assert reused, "the inputs changed since the build (templates or catalogs edited during the run?)"
        times = []
        for _ in range(5):
            started = time.perf_counter()
            report, reused = services.request_build(consultation, args.lang)
            times.append(time.perf_counter() - started)
            assert reused
        print(json.dumps({"best": min(times), "median": sorted(times)[2]}))


def step_parallel(args):
    """The annex laid out in parts (issue 18): from the database to the joined PDF, with `--workers`
    local worker processes, or as RQ jobs (`--queue-url`) on the `consult worker` processes running."""
    from flask_babel import force_locale

    from consult.consultations.services import get_consultation
    from consult.reports import parallel, services

    app = app_for(args.database_url, args.upload_dir, workers=args.workers, queue_url=args.queue_url or None)
    with app.app_context():
        consultation = get_consultation(args.slug)
        started = time.perf_counter()
        with force_locale(args.lang):
            gathered = services.gather(consultation, args.lang, "annex")
            composed = parallel.compose(gathered, services.render_html, services.pdf_title(gathered.content),
                                        args.workers)
        del gathered
        result = parallel.build(composed, queued=bool(args.queue_url))
        wall = time.perf_counter() - started
        print(json.dumps({"wall": wall, "pages": result.pages, "parts": result.parts, "queued": result.queued,
                          "worker_peaks_mb": result.worker_peaks_mb, "coordinator_peak_mb": peak_mb()}))


def load():
    return os.getloadavg()[0]


def rq_workers(count, database_url, upload_dir, queue_url):
    """`count` `consult worker` processes, each held to one core (taskset), registered on the parts queue."""
    from consult.reports import part_jobs

    env = {**os.environ, "DATABASE_URL": database_url, "CONSULT_UPLOAD_DIR": upload_dir, "SECRET_KEY": "bench" * 10,
           "CONSULT_ENV": "testing", "CONSULT_QUEUE_URL": queue_url, "PYTHONWARNINGS": "ignore"}
    cores = os.cpu_count() or 1
    workers = [subprocess.Popen(["taskset", "-c", str(index % cores), sys.executable, "-m", "flask", "--app", "wsgi",
                                 "consult", "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for index in range(count)]
    deadline = time.monotonic() + 60
    while part_jobs.available_workers(queue_url) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return workers


def stop(workers):
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=60)


def measure_parallel(biggest, common, database_url, upload_dir, queue_url):
    """Issue 18: the annex in parts, local processes (1 and 2 workers), and RQ workers on one core each."""
    out = {"load_before": load()}
    for workers in (1, 2):
        out[workers] = run_step("parallel", workers=workers, queue_url="", **common)
        print(f"  {biggest}: in parts, {workers} worker(s): {out[workers]['wall']:.1f} s, {out[workers]['pages']} pages, "
              f"worker peaks {', '.join(f'{mb:.0f}' for mb in out[workers]['worker_peaks_mb'])} MB "
              f"(coordinator {out[workers]['coordinator_peak_mb']:.0f} MB), load {load():.2f}", flush=True)
    out["rq"] = {}
    if queue_url:
        for workers in (1, 2):
            started = rq_workers(workers, database_url, upload_dir, queue_url)
            try:
                out["rq"][workers] = run_step("parallel", workers=workers, queue_url=queue_url, **common)
            finally:
                stop(started)
            print(f"  {biggest}: in parts as RQ jobs, {workers} worker(s) on one core each: "
                  f"{out['rq'][workers]['wall']:.1f} s, load {load():.2f}", flush=True)
    out["load_after"] = load()
    return out


def run_step(step, **values):
    command = [sys.executable, __file__, "--step", step] + [f"--{key.replace('_', '-')}={value}" for key, value in values.items()]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"}).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--lang", default="ar", choices=("ar", "en", "fr"))
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--step", choices=("build", "main", "weasyprint", "rebuild", "parallel"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queue-url", default=os.environ.get("BENCH_QUEUE_URL", "redis://127.0.0.1:6379/5"),
                        help="Redis for the RQ measure ('' to leave it out)")
    parser.add_argument("--slug")
    parser.add_argument("--html")
    parser.add_argument("--upload-dir")
    args = parser.parse_args()
    if args.step:
        {"build": step_build, "main": step_main, "weasyprint": step_weasyprint, "rebuild": step_rebuild,
         "parallel": step_parallel}[args.step](args)
        return

    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    upload_dir = str(workdir / "uploads")
    sizes = [int(size) for size in args.sizes.split(",")]
    app = app_for(database_url, upload_dir)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        for size in sizes:
            started = time.perf_counter()
            make_call(f"bench-{size}-{int(time.time())}", size)
            print(f"made a call with {size} included submissions in {time.perf_counter() - started:.1f} s", flush=True)
        from sqlalchemy import select

        from consult.consultations.models import Consultation
        from consult.core.extensions import db

        slugs = {size: db.session.scalar(select(Consultation.slug).where(Consultation.slug.like(f"bench-{size}-%"))
                                         .order_by(Consultation.id.desc())) for size in sizes}

    print(f"\nReport benchmark ({args.lang}), database {database_url.split(':')[0]}, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}")
    header = (f"{'submissions':>11} {'pages':>6} {'build s':>8} {'weasyprint s':>12} {'overhead':>9} "
              f"{'queries':>8} {'peak MB':>8} {'ref MB':>7} {'rebuild ms':>10}")
    results = {}
    for size in sizes:
        html = str(workdir / f"report-{size}.html")
        common = {"database_url": database_url, "slug": slugs[size], "lang": args.lang, "upload_dir": upload_dir}
        built = run_step("build", html=html, **common)
        print(f"  {size}: build {built['wall']:.1f} s ({built['compose']:.2f} s of it collecting and composing the HTML), "
              f"{built['pages']} pages, peak {built['peak_mb']:.0f} MB", flush=True)
        reference = run_step("weasyprint", html=html)
        print(f"  {size}: WeasyPrint alone {reference['wall']:.1f} s, peak {reference['peak_mb']:.0f} MB", flush=True)
        rebuild = run_step("rebuild", **common)
        main_report = run_step("main", **common)
        print(f"  {size}: main report {main_report['wall']:.1f} s (with its Word version), {main_report['pages']} pages",
              flush=True)
        overhead = (built["wall"] - reference["wall"]) / reference["wall"]
        results[size] = {**built, "reference": reference, "rebuild": rebuild, "overhead": overhead, "main": main_report}
        if size == max(sizes):
            results[size]["parallel"] = measure_parallel(size, common, database_url, upload_dir, args.queue_url)
    print(header)
    print("-" * len(header))
    for size in sizes:
        built, reference, rebuild, overhead = (results[size], results[size]["reference"], results[size]["rebuild"],
                                               results[size]["overhead"])
        print(f"{size:>11} {built['pages']:>6} {built['wall']:>8.1f} {reference['wall']:>12.1f} {overhead:>8.1%} "
              f"{built['queries']:>8} {built['peak_mb']:>8.0f} {reference['peak_mb']:>7.0f} "
              f"{rebuild['median'] * 1000:>10.0f}")
    print()
    parts = (f"{'submissions':>11} {'single doc pages':>16} {'single s':>9} {'main pages':>10} {'main s':>7} "
             f"{'main queries':>12} {'main MB':>8} {'annex pages':>11} {'annex s':>8} {'docx KB':>8}")
    print("Main report and annex beside today's single document (the annex is today's document)")
    print(parts)
    print("-" * len(parts))
    for size in sizes:
        built, main_report = results[size], results[size]["main"]
        print(f"{size:>11} {built['pages']:>16} {built['wall']:>9.1f} {main_report['pages']:>10} "
              f"{main_report['wall']:>7.1f} {main_report['queries']:>12} {main_report['peak_mb']:>8.0f} "
              f"{built['pages']:>11} {built['wall']:>8.1f} {main_report['docx'] / 1024:>8.0f}")
    print()
    biggest = results[max(sizes)]
    checks = [
        ("overhead above WeasyPrint's own time < 15 %", biggest["overhead"] < 0.15),
        ("same query count for every size", len({r["queries"] for r in results.values()}) == 1),
        ("peak memory < 1.5 GB", biggest["peak_mb"] < 1536),
        ("rebuild with unchanged inputs < 0.2 s", biggest["rebuild"]["median"] < 0.2),
        ("main report at most about 60 pages", biggest["main"]["pages"] <= 60),
        ("main report's queries the same for every size", len({r["main"]["queries"] for r in results.values()}) == 1),
    ]
    for label, ok in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {label}")
    # Issue 18: the annex in parts, against WeasyPrint's own single-process render of the same HTML.
    measured = biggest["parallel"]
    single_time, single_peak = biggest["reference"]["wall"], biggest["peak_mb"]
    worker_peak = max(measured[2]["worker_peaks_mb"])
    print()
    print(f"Annex in parts ({max(sizes)} submissions, {biggest['pages']} pages; load {measured['load_before']:.2f} "
          f"before, {measured['load_after']:.2f} after; {os.cpu_count()} cores)")
    print(f"  WeasyPrint alone, one process: {single_time:.1f} s, peak {biggest['reference']['peak_mb']:.0f} MB; "
          f"single-process build peak {single_peak:.0f} MB")
    for workers in (1, 2):
        print(f"  {workers} worker(s): {measured[workers]['wall']:.1f} s = {measured[workers]['wall'] / single_time:.2f} "
              f"x WeasyPrint alone; largest worker peak {max(measured[workers]['worker_peaks_mb']):.0f} MB = "
              f"{max(measured[workers]['worker_peaks_mb']) / single_peak:.2f} x the single-process peak")
    if len(measured["rq"]) == 2:
        speedup = measured["rq"][1]["wall"] / measured["rq"][2]["wall"]
        print(f"  RQ workers, one core each (taskset): 1 worker {measured['rq'][1]['wall']:.1f} s, 2 workers "
              f"{measured['rq'][2]['wall']:.1f} s: x{speedup:.2f} for the added worker")
    time_ratio, memory_ratio = measured[2]["wall"] / single_time, worker_peak / single_peak
    print(f"parallel/single = {time_ratio:.2f} {'ok' if time_ratio <= 0.6 else 'MISS'} (time, 2 workers, target 0.6); "
          f"memory {memory_ratio:.2f} {'ok' if memory_ratio <= 0.6 else 'MISS'} (largest worker peak / single-process peak)")


if __name__ == "__main__":
    main()
