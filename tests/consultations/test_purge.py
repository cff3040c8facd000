"""`consult purge`: contact details go once the retention period after the deadline is over."""
from datetime import timedelta

from sqlalchemy import func, select

from consult.core.audit.models import AuditEntry
from consult.consultations import services
from consult.consultations.models import Submission
from consult.core.database import utcnow
from consult.core.extensions import db as _db
from tests.consultations.test_exports import make_submission

MONTH = timedelta(days=30.44)


def closed_call_with_submissions(create_consultation, slug, months_ago, prefix):
    """A call that took two submissions, then closed `months_ago` months ago."""
    consultation = create_consultation(slug=slug, reference_prefix=prefix)
    submissions = [make_submission(consultation, org_name=f"{slug} one", contact_email=f"one@{slug}.example"),
                   make_submission(consultation, org_name=f"{slug} two", contact_email=f"two@{slug}.example")]
    closes = utcnow() - months_ago * MONTH
    services.save_consultation(consultation, status="closed", opens_at=closes - timedelta(days=30), closes_at=closes)
    return consultation, [s.id for s in submissions]


def purge(app):
    result = app.test_cli_runner().invoke(args=["consult", "purge"])
    assert result.exit_code == 0, result.output
    return result.output


def purged_entries(ids):
    return _db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "submission.contact_purged", AuditEntry.object_type == "submissions",
        AuditEntry.object_id.in_(ids)))


def test_purge_after_the_retention_period(app, db, create_consultation):
    assert app.config["CONSULT_RETENTION_MONTHS"] == 24
    _, old_ids = closed_call_with_submissions(create_consultation, "old-call", 25, "OLD")
    _, recent_ids = closed_call_with_submissions(create_consultation, "recent-call", 23, "NEW")

    output = purge(app)
    assert "2 submission(s)" in output and "24 month(s)" in output

    db.session.expire_all()
    for submission_id in old_ids:
        submission = db.session.get(Submission, submission_id)
        assert submission.contact_name is None
        assert submission.contact_email is None
        assert submission.contact_phone is None
        assert submission.contact_purged_at is not None
        # The substance stays: only personal data go.
        assert submission.org_name.startswith("old-call") and submission.recommendations
    assert purged_entries(old_ids) == 2
    for submission_id in recent_ids:
        submission = db.session.get(Submission, submission_id)
        assert submission.contact_email and submission.contact_name == "Amina" and submission.contact_phone
        assert submission.contact_purged_at is None
    assert purged_entries(recent_ids) == 0

    purged_at = {i: db.session.get(Submission, i).contact_purged_at for i in old_ids}
    assert "0 submission(s)" in purge(app)
    db.session.expire_all()
    assert purged_entries(old_ids) == 2
    assert {i: db.session.get(Submission, i).contact_purged_at for i in old_ids} == purged_at
    assert db.session.get(Submission, recent_ids[0]).contact_email


def test_retention_period_comes_from_the_settings(app, db, create_consultation):
    _, recent_ids = closed_call_with_submissions(create_consultation, "recent-call", 23, "NEW")
    previous = app.config["CONSULT_RETENTION_MONTHS"]
    app.config["CONSULT_RETENTION_MONTHS"] = 12
    try:
        output = purge(app)
    finally:
        app.config["CONSULT_RETENTION_MONTHS"] = previous
    assert "2 submission(s)" in output and "12 month(s)" in output
    db.session.expire_all()
    assert all(db.session.get(Submission, i).contact_email is None for i in recent_ids)


def test_open_calls_are_never_purged(app, db, create_consultation):
    consultation = create_consultation()
    submission = make_submission(consultation)
    assert "0 submission(s)" in purge(app)
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).contact_email == "amina@example.org"
