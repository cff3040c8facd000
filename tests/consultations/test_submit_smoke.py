from tests.helpers import post_form


def test_form_renders_in_three_languages(client, create_consultation):
    create_consultation()
    for lang in ("ar", "en", "fr"):
        response = client.get(f"/{lang}/consultations/gcm-review-2026/submit")
        assert response.status_code == 200, response.get_data(as_text=True)[:3000]


def test_submit_happy_path(client, create_consultation, submission_form, smtp):
    create_consultation()
    response = post_form(client, "/fr/consultations/gcm-review-2026/submit", submission_form)
    assert response.status_code == 302, response.get_data(as_text=True)[-4000:]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "RSAG-2026-0001" in page.get_data(as_text=True)
    assert len(smtp.messages) == 1
