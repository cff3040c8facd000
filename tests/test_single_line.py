"""Single-line fields hold one line, and names lose the invisible characters that reorder text."""
import importlib
import io
import re

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select

from consult.consultations.models import Attachment, Submission
from consult.core.forms import ConsultForm
from consult.core.mail import services as mail
from consult.core.text import single_line, strip_format
from tests.helpers import post_form

FORM_URL = "/{lang}/consultations/gcm-review-2026/submit"
MEETING = {"title_en": "Planning meeting", "kind": "in_person", "venue": "Cairo", "timezone": "Africa/Cairo",
           "starts_at": "2026-03-30T10:00", "ends_at": "2026-03-30T12:00", "languages": ["en"],
           "visibility": "public", "status": "scheduled"}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_is_a_consult_form():
    """One shared check for all forms: none is built on FlaskForm directly."""
    for module in ("auth", "consultations", "consultations.admin_", "consultations.review_", "membership",
                   "meetings", "reports"):
        importlib.import_module(f"consult.{module}{'' if module.endswith('_') else '.'}forms")
    forms = [cls for cls in _subclasses(FlaskForm) if cls.__module__.startswith("consult.")]
    assert len(forms) > 30
    assert [cls.__name__ for cls in forms if not issubclass(cls, ConsultForm)] == []


@pytest.mark.parametrize("lang, message", [
    ("en", "Please write this on one line"), ("fr", "Veuillez écrire ceci sur une seule ligne"),
    ("ar", "يرجى كتابة هذا في سطر واحد")])
@pytest.mark.parametrize("bad", ["Planning\nmeeting", "Planning\r\nBcc: x@example.org", "Tab\there", "Escape\x1b[2J",
                                 "Line\u2028separator"])
def test_meeting_title_and_place_refuse_line_breaks(secretariat_client, lang, message, bad, db):
    from consult.meetings.models import Meeting

    for field in ("title_en", "venue"):
        response = post_form(secretariat_client, f"/{lang}/meetings/new", {**MEETING, field: bad})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Meeting.id)) is None


def test_multi_line_fields_keep_their_line_breaks(secretariat_client, db):
    from consult.meetings.models import Meeting

    response = post_form(secretariat_client, "/en/meetings/new",
                         {**MEETING, "description_en": "First line\nSecond line"})
    assert response.status_code == 302
    assert db.session.scalar(select(Meeting)).description["en"] == "First line\nSecond line"


def test_submission_names_refuse_line_breaks_and_lose_format_characters(client, create_consultation,
                                                                        submission_form, db):
    create_consultation()
    for field in ("org_name", "contact_name"):
        response = post_form(client, FORM_URL.format(lang="fr"), {**submission_form, field: "Réseau\ndes migrants"})
        assert response.status_code == 400
        assert "Veuillez écrire ceci sur une seule ligne" in response.get_data(as_text=True)
    assert db.session.scalar(select(Submission.id)) is None
    form = {**submission_form, "org_name": "Réseau\u202e des migrants\u200f", "challenges": "Un\nDeux",
            "attachments": (io.BytesIO(b"%PDF-1.4\n0\n%%EOF\n"), "rapport\u202egpj.pdf")}
    response = post_form(client, FORM_URL.format(lang="fr"), form, content_type="multipart/form-data")
    assert response.status_code == 302
    submission = db.session.scalar(select(Submission))
    assert submission.org_name == "Réseau des migrants"
    assert submission.challenges == "Un\nDeux"
    attachment = db.session.scalar(select(Attachment))
    assert attachment.original_name == "rapportgpj.pdf"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="([^"]*/attachments/\d+)"', page).group(1)
    download = client.get(link)
    assert download.status_code == 200
    assert "\u202e" not in download.headers["Content-Disposition"]
    assert "rapportgpj.pdf" in download.headers["Content-Disposition"]


def test_a_name_stored_earlier_with_an_override_is_served_without_it(client, create_consultation, submission_form,
                                                                     db):
    create_consultation()
    form = {**submission_form, "attachments": (io.BytesIO(b"%PDF-1.4\n0\n%%EOF\n"), "old.pdf")}
    response = post_form(client, FORM_URL.format(lang="en"), form, content_type="multipart/form-data")
    attachment = db.session.scalar(select(Attachment))
    attachment.original_name = "old\u202egpj.pdf"
    db.session.commit()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="([^"]*/attachments/\d+)"', page).group(1)
    assert "\u202e" not in client.get(link).headers["Content-Disposition"]


def test_text_helpers():
    assert strip_format("a\u202eb\u2066c\u2069\u200bd\ufeff") == "abcd"
    assert strip_format("می\u200cخواهم") == "می\u200cخواهم"  # the zero-width non-joiner is spelling
    assert single_line("Title\r\nBcc: x\u202e") == "Title Bcc: x"


def test_mail_subjects_are_one_line(app, db):
    message = mail.send("a@example.org", "Meeting\r\nBcc: victim@example.org", "Body")
    assert message.subject == "Meeting Bcc: victim@example.org"
