""""Send me my links" (issue 15, point 8): a lost or tampered link leads to a page where a person enters
their e-mail and receives new links to their submissions to open calls; the page answers the same
whether or not any exist, is rate-limited, and sends nothing while it answers (the outbox keeps it)."""
from datetime import timedelta

from sqlalchemy import select

from consult.consultations import services
from consult.core.database import utcnow
from consult.core.mail import services as mail
from consult.core.mail.models import OutboxMessage
from tests.helpers import post_form

LINKS_URL = "/{lang}/submissions/links"


def make_submission(consultation, submission_form, email="amina@example.org"):
    values = {key: value for key, value in submission_form.items() if key in services.SUBMITTER_FIELDS}
    values["objectives"] = [6, 7]
    values["contact_email"] = email
    return services.submit(consultation, values, page_lang="fr")


def outbox(db):
    db.session.commit()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_tampered_link_leads_to_send_me_my_links(client, create_consultation, submission_form):
    result = make_submission(create_consultation(), submission_form)
    response = client.get(f"/ar/submissions/{result.token[:-2]}xx/")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'href="/ar/submissions/links"' in page
    assert client.get("/ar/submissions/links").status_code == 200


def test_links_are_mailed_later_and_the_answer_is_the_same(client, db, create_consultation, submission_form, smtp):
    open_call = create_consultation()
    closed = create_consultation(slug="closed-call", title={"en": "Closed call XYZ"})
    first = make_submission(open_call, submission_form)
    late = make_submission(closed, submission_form)
    services.save_consultation(closed, closes_at=utcnow() - timedelta(minutes=1))  # closes: its link stays as it was
    before = len(outbox(db))
    answer_known = post_form(client, LINKS_URL.format(lang="en"), {"email": " Amina@Example.org "})
    answer_unknown = post_form(client, LINKS_URL.format(lang="en"), {"email": "nobody@example.org"})
    assert answer_known.status_code == answer_unknown.status_code == 200
    assert answer_known.get_data(as_text=True) == answer_unknown.get_data(as_text=True).replace(
        csrf_of(answer_unknown), csrf_of(answer_known))

    mail.wait_for_runner(timeout=30)  # looked up, renewed and mailed by the outbox runner, after the answer
    messages = outbox(db)[before:]
    assert len(messages) == 1 and messages[0].to_address == "amina@example.org"
    assert messages[0].status == "sent"
    body = messages[0].body_text
    assert "Regional review consultation" in body and first.submission.reference in body
    new_link = next(line for line in body.splitlines() if "/submissions/" in line).strip()
    assert new_link.startswith("http://consult.test/en/submissions/")

    # The old link no longer works; the new one opens the submission.
    assert client.get(f"/en/submissions/{first.token}/").status_code == 404
    assert client.get(new_link.removeprefix("http://consult.test")).status_code == 200
    assert "Closed call XYZ" not in body and late.submission.reference not in body
    assert services.by_token(late.token) == late.submission

    assert "Your private links" in [message["Subject"] for message in smtp.messages]


def csrf_of(response):
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return match.group(1) if match else ""


def test_bad_address_is_a_form_error(client):
    response = post_form(client, LINKS_URL.format(lang="fr"), {"email": "not an address"})
    assert response.status_code == 400
    assert "field-error" in response.get_data(as_text=True)


def test_asking_is_rate_limited(client, create_consultation):
    statuses = [post_form(client, LINKS_URL.format(lang="en"), {"email": f"p{n}@example.org"}).status_code
                for n in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429
