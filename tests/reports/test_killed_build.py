"""A report build killed half-way (the process gone, as when a worker is OOM-killed): the build
is marked failed once it has been silent too long, no file is served, and it can be built again."""
import os
import signal
import subprocess
import sys
import time

from sqlalchemy import select

from consult.core.extensions import db as _db
from consult.reports import services
from consult.reports.models import Report
from tests.helpers import UPLOAD_DIR


def test_killed_build_is_failed_and_rebuilt(report_call, app, database_url, secretariat_client, monkeypatch, tmp_path):
    slug = report_call.consultation.slug
    _db.session.commit()
    files_before = set(os.listdir(UPLOAD_DIR)) if os.path.isdir(UPLOAD_DIR) else set()
    env = {**os.environ, "DATABASE_URL": database_url, "CONSULT_UPLOAD_DIR": UPLOAD_DIR,
           "SECRET_KEY": "x" * 40, "CONSULT_ENV": "testing"}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "consult", "report", "build", slug,
                                "--lang", "ar", "--part", "annex", "-o", str(tmp_path / "never.pdf")], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stage = None
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            row = _db.session.execute(select(Report.status, Report.stage)).first()
            _db.session.commit()  # release the database between looks
            if row and row.stage in ("composing", "laying_out", "writing"):
                stage = row.stage
                break
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert stage is not None, "the build was never seen under way"

    report = _db.session.scalar(select(Report))
    assert report.status == "building" and report.stored_name is None
    assert not (tmp_path / "never.pdf").exists()
    # Within the time limit it is still taken as under way: asking again gives that build.
    assert services.request_build(report_call.consultation, "ar")[0].id == report.id
    assert secretariat_client.get(f"/en/reports/{report.id}.pdf").status_code == 404

    # Past the limit it is failed; a new request builds anew; no file was left behind.
    monkeypatch.setitem(app.config, "CONSULT_REPORT_TIMEOUT", 0)
    page = secretariat_client.get(f"/en/reports/builds/{report.id}").get_data(as_text=True)
    assert "Failed" in page
    _db.session.expire_all()
    assert _db.session.get(Report, report.id).status == "failed"
    assert set(os.listdir(UPLOAD_DIR)) - files_before == set()
    monkeypatch.setitem(app.config, "CONSULT_REPORT_TIMEOUT", 1800)
    rebuilt, reused = services.build_now(report_call.consultation, "ar")
    assert rebuilt.id != report.id and rebuilt.status == "ready" and not reused
    assert secretariat_client.get(f"/en/reports/{rebuilt.id}.pdf").status_code == 200
    assert secretariat_client.get(f"/en/reports/{report.id}.pdf").status_code == 404
