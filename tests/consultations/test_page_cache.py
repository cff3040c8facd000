"""The submission form kept for anonymous readers: the same page for everyone, but each with its own
CSRF token and form key; never for a signed-in reader; gone at the deadline and after an edit."""
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.consultations import services
from consult.consultations.models import Submission
from consult.core.database import utcnow
from consult.core.pagecache import page_cache
from tests.helpers import csrf_token, login, recorded_statements

SLUG = "kept-form-2026"
FORM_URL = f"/{{lang}}/consultations/{SLUG}/submit"
FORM_KEY_RE = re.compile(r'name="form_key"[^>]*value="([^"]+)"')


@pytest.fixture
def cache_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULT_PAGE_CACHE_SECONDS", 10)
    with app.app_context():
        page_cache("submission_form").clear()
    yield app
    with app.app_context():
        page_cache("submission_form").clear()


def form_key(html):
    return FORM_KEY_RE.search(html).group(1)


def test_kept_page_has_each_readers_own_token_and_key_and_both_submit(cache_on, create_consultation, submission_form, db):
    create_consultation(slug=SLUG, reference_prefix="KEPT")
    first, second = cache_on.test_client(), cache_on.test_client()
    page_one = first.get(FORM_URL.format(lang="en")).get_data(as_text=True)
    with recorded_statements() as statements:
        response = second.get(FORM_URL.format(lang="en"))
    page_two = response.get_data(as_text=True)
    assert response.status_code == 200
    assert statements == [], "the second reader's form came from the database, not the kept page"
    assert csrf_token(page_one) != csrf_token(page_two)
    assert form_key(page_one) != form_key(page_two)
    assert page_one.replace(csrf_token(page_one), "").replace(form_key(page_one), "") == \
        page_two.replace(csrf_token(page_two), "").replace(form_key(page_two), "")
    again = first.get(FORM_URL.format(lang="en")).get_data(as_text=True)
    assert form_key(again) not in (form_key(page_one), form_key(page_two))

    for client, page, email in ((first, page_one, "one@example.org"), (second, page_two, "two@example.org")):
        response = client.post(FORM_URL.format(lang="en"), data={
            **submission_form, "contact_email": email, "csrf_token": csrf_token(page), "form_key": form_key(page)})
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    db.session.commit()
    references = db.session.scalars(select(Submission.reference).where(Submission.form_key.in_(
        [form_key(page_one), form_key(page_two)]))).all()
    assert sorted(references) == ["KEPT-2026-0001", "KEPT-2026-0002"]


def test_kept_per_language_and_time_zone(cache_on, create_consultation):
    create_consultation(slug=SLUG)
    client = cache_on.test_client()
    arabic = client.get(FORM_URL.format(lang="ar")).get_data(as_text=True)
    english = client.get(FORM_URL.format(lang="en")).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in arabic and 'lang="en" dir="ltr"' in english
    assert 'lang="en"' in client.get(FORM_URL.format(lang="en")).get_data(as_text=True)
    client.set_cookie("tz", "America/Toronto")
    toronto = client.get(FORM_URL.format(lang="en")).get_data(as_text=True)
    assert "Toronto" in toronto and "Toronto" not in english


def test_never_kept_for_a_signed_in_reader(cache_on, create_consultation, member):
    create_consultation(slug=SLUG)
    cache_on.test_client().get(FORM_URL.format(lang="en"))
    signed_in = login(cache_on.test_client(), member.email)
    page = signed_in.get(FORM_URL.format(lang="en")).get_data(as_text=True)
    assert "Sign out" in page
    assert "Sign out" not in cache_on.test_client().get(FORM_URL.format(lang="en")).get_data(as_text=True)


def test_kept_page_ends_at_the_deadline(cache_on, create_consultation):
    create_consultation(slug=SLUG, closes_at=utcnow() + timedelta(seconds=1.5))
    client = cache_on.test_client()
    assert 'name="form_key"' in client.get(FORM_URL.format(lang="en")).get_data(as_text=True)
    time.sleep(1.6)
    closed = client.get(FORM_URL.format(lang="en")).get_data(as_text=True)
    assert 'name="form_key"' not in closed
    assert "closed" in closed


def test_an_edit_shows_once_the_kept_page_expires(cache_on, create_consultation, db):
    cache_on.config["CONSULT_PAGE_CACHE_SECONDS"] = 0.5
    consultation = create_consultation(slug=SLUG)
    client = cache_on.test_client()
    assert "Regional review consultation" in client.get(FORM_URL.format(lang="en")).get_data(as_text=True)
    services.save_consultation(consultation, title={**consultation.title, "en": "A renamed call"})
    time.sleep(0.6)
    assert "A renamed call" in client.get(FORM_URL.format(lang="en")).get_data(as_text=True)
