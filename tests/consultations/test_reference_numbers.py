"""Reference numbers: distinct within a call whatever fails. SQLite raises the call's counter in the
write transaction (no gaps); PostgreSQL takes the call's own sequence (revision 0018_submission_sequence),
which locks nothing and may leave a gap where a transaction failed."""
import pytest
from sqlalchemy import select, text

from consult.consultations import services
from consult.consultations.models import Submission, number_sequence
from tests.helpers import post_form
from tests.consultations.test_admin import SLUG, call_form
from tests.consultations.test_submissions import _values


def test_a_failed_submission_gives_no_reference_twice(create_consultation, submission_form, db, is_postgres, monkeypatch):
    consultation = create_consultation()
    first = services.submit(consultation, _values(submission_form)).submission.reference

    def fail(submission):
        raise RuntimeError("failed after the number was taken")

    with monkeypatch.context() as patched:
        patched.setattr(services, "_record_received", fail)
        with pytest.raises(RuntimeError):
            services.submit(consultation, _values(submission_form))
    last = services.submit(consultation, _values(submission_form)).submission.reference
    numbers = sorted(db.session.scalars(select(Submission.number)))
    # PostgreSQL: the failed post's number is not given again (a gap); SQLite: it was rolled back with it.
    assert numbers == ([1, 3] if is_postgres else [1, 2])
    assert first == "RSAG-2026-0001" and last == ("RSAG-2026-0003" if is_postgres else "RSAG-2026-0002")


def test_the_prefix_stays_once_a_number_is_given(secretariat_client, create_consultation, submission_form, db):
    consultation = create_consultation()
    edit = f"/en/consultations/{SLUG}/edit"
    data = call_form(slug=SLUG, status="open", opens_at="2026-01-01T00:00", closes_at="2027-01-31T18:00")
    # A draft has no number yet: the prefix may still change.
    services.submit(consultation, _values(submission_form), draft=True)
    assert post_form(secretariat_client, edit, {**data, "reference_prefix": "RNEW"}).status_code == 302
    db.session.expire_all()
    consultation = services.get_consultation(SLUG)
    assert services.submit(consultation, _values(submission_form)).submission.reference == "RNEW-2026-0001"
    response = post_form(secretariat_client, edit, {**data, "reference_prefix": "ROLD"})
    assert "its prefix can no longer change" in response.get_data(as_text=True)
    db.session.expire_all()
    assert services.get_consultation(SLUG).reference_prefix == "RNEW"


@pytest.mark.postgres
def test_each_call_has_its_sequence_and_the_revision_starts_it_after_the_last_number(
        app, create_consultation, submission_form, db, is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    from flask_migrate import downgrade, upgrade

    consultation = create_consultation()
    call_id = consultation.id
    for _ in range(2):
        services.submit(consultation, _values(submission_form))
    # The counter column is no longer raised on PostgreSQL: the sequence gives the numbers.
    assert db.session.scalar(text(f"SELECT last_value FROM {number_sequence(call_id)}")) == 2
    db.session.commit()
    downgrade(revision="0016")
    # Going back: the counter holds the highest number given, and the sequences are gone.
    assert db.session.scalar(text("SELECT last_number FROM consultations WHERE id = :id"), {"id": call_id}) == 2
    assert db.session.scalar(text("SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relname ~ '^submission_numbers_[0-9]+$'")) == 0
    db.session.commit()
    upgrade()
    db.session.expire_all()
    consultation = services.get_consultation(consultation.slug)
    assert services.submit(consultation, _values(submission_form)).submission.number == 3
