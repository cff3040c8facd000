"""Attachments kept across a form error (issue 15, point 5): a file that passed its checks stays with the
form (server side, tied to its form key), is shown as kept with a box to remove it, goes with the form
once it is sent, and is removed when the form is abandoned; a file that failed is named in the error;
a file over the per-file limit is an error next to its field with the typed text still there."""
import io
import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.core import config as settings
from consult.consultations.kept import KeptFile
from consult.consultations.models import Attachment, Submission
from consult.core.storage import path_of
from consult.core.database import utcnow
from tests.helpers import csrf_token

FORM_URL = "/{lang}/consultations/gcm-review-2026/submit"
KEPT_MARK = '<input type="hidden" name="kept_files" value="1">'


def pdf_bytes(size=2000):
    return b"%PDF-1.4\n" + b"0" * size + b"\n%%EOF\n"


def count(db, model):
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


def form_key(html):
    return re.search(r'name="form_key"[^>]*value="([^"]+)"', html).group(1)


def first_post(client, submission_form, lang="en", **changes):
    page = client.get(FORM_URL.format(lang=lang)).get_data(as_text=True)
    data = {**submission_form, "csrf_token": csrf_token(page), "form_key": form_key(page), **changes}
    return client.post(FORM_URL.format(lang=lang), data=data, content_type="multipart/form-data"), data


def test_a_file_is_kept_across_a_form_error_and_sent_with_the_form(client, db, create_consultation, submission_form):
    create_consultation()
    response, data = first_post(client, submission_form, org_name="",
                                attachments=(io.BytesIO(pdf_bytes()), "rapport annuel.pdf"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Files kept from your last try" in page and "rapport annuel.pdf" in page
    assert count(db, Submission) == 0 and count(db, KeptFile) == 1
    kept = db.session.scalar(select(KeptFile))
    assert kept.form_key == data["form_key"] and os.path.exists(path_of(kept.stored_name))
    stored_name = kept.stored_name

    # Fixed and sent again, without choosing the file again (the page lists it, and says so in a hidden field).
    assert KEPT_MARK in page
    response = client.post(FORM_URL.format(lang="en"), data={**data, "org_name": "Réseau des migrants", "attachments": [],
                                                             "kept_files": "1"}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    submission = db.session.scalar(select(Submission))
    assert [a.original_name for a in submission.attachments] == ["rapport annuel.pdf"]
    with open(path_of(submission.attachments[0].stored_name), "rb") as handle:
        assert handle.read() == pdf_bytes()
    assert count(db, KeptFile) == 0 and not os.path.exists(path_of(stored_name))


def test_a_kept_file_can_be_removed(client, db, create_consultation, submission_form):
    create_consultation()
    response, data = first_post(client, submission_form, org_name="",
                                attachments=(io.BytesIO(pdf_bytes()), "draft.pdf"))
    kept = db.session.scalar(select(KeptFile))
    kept_id, stored_name = kept.id, kept.stored_name
    assert f'name="remove_kept" value="{kept_id}"' in response.get_data(as_text=True)
    response = client.post(FORM_URL.format(lang="en"), data={**data, "org_name": "Réseau", "remove_kept": str(kept_id),
                                                             "kept_files": "1", "attachments": []},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert count(db, KeptFile) == 0 and not os.path.exists(path_of(stored_name))
    assert db.session.scalar(select(Submission)).attachments == []


def test_a_form_that_shows_no_kept_files_sends_none(client, db, create_consultation, submission_form):
    """A page without the list (an earlier copy of the form, say) sends what it shows: the kept file
    stays out of the submission, and goes with the abandoned forms' files."""
    create_consultation()
    response, data = first_post(client, submission_form, org_name="", attachments=(io.BytesIO(pdf_bytes()), "kept.pdf"))
    assert KEPT_MARK in response.get_data(as_text=True)
    response = client.post(FORM_URL.format(lang="en"), data={**data, "org_name": "Réseau", "attachments": []},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(Submission)).attachments == []
    assert count(db, KeptFile) == 1


def test_a_file_that_failed_is_named_and_the_others_are_kept(client, db, create_consultation, submission_form):
    create_consultation()
    response, _ = first_post(client, submission_form, contact_email="",
                             attachments=[(io.BytesIO(b"just text"), "notes.pdf"), (io.BytesIO(pdf_bytes()), "good.pdf")])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "notes.pdf is not a PDF, DOCX, ODT, JPEG or PNG file." in page
    assert [k.original_name for k in db.session.scalars(select(KeptFile))] == ["good.pdf"]


def test_a_file_over_the_limit_is_an_error_next_to_its_field_with_the_text_kept(client, db, create_consultation,
                                                                                  submission_form):
    create_consultation()
    response, _ = first_post(client, submission_form, org_name="", challenges="Les frais de recrutement, encore.",
                             attachments=(io.BytesIO(pdf_bytes(6 * 1024 * 1024)), "big.pdf"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="attachments-error"><li>big.pdf is larger than 5 MB.', page)
    assert "Les frais de recrutement, encore." in page
    assert count(db, KeptFile) == 0


def test_the_request_cap_stays_above_the_files_limits():
    with pytest.raises(settings.ConfigError):
        settings.load("/tmp", {"SECRET_KEY": "x" * 40, "MAX_CONTENT_LENGTH": 10 * 1024 * 1024})
    assert settings.load("/tmp", {"SECRET_KEY": "x" * 40})["MAX_CONTENT_LENGTH"] > 3 * 5 * 1024 * 1024


def test_abandoned_forms_lose_their_files(app, client, db, create_consultation, submission_form):
    create_consultation()
    first_post(client, submission_form, org_name="", attachments=(io.BytesIO(pdf_bytes()), "old.pdf"))
    kept = db.session.scalar(select(KeptFile))
    name = kept.stored_name
    kept.created_at = utcnow() - timedelta(hours=app.config["CONSULT_KEPT_FILE_HOURS"] + 1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["consult", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 attachment(s) of forms left unsent" in result.output
    assert count(db, KeptFile) == 0 and not os.path.exists(path_of(name))
    assert count(db, Attachment) == 0


def test_a_file_over_the_count_is_named(client, db, create_consultation, submission_form):
    create_consultation()
    files = [(io.BytesIO(pdf_bytes()), f"file{n}.pdf") for n in range(4)]
    response, _ = first_post(client, submission_form, org_name="", attachments=files)
    assert "file3.pdf is not attached: please attach at most 3 files." in response.get_data(as_text=True)
    assert count(db, KeptFile) == 3
