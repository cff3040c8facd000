"""User-written text isolated from the page around it (issue 15, point 12): titles, descriptions, names and
quotes carry their own language where it is known and their own direction (dir="auto", <bdi>), on pages,
in e-mails (Unicode isolates) and in PDFs (an explicit direction: WeasyPrint ignores dir="auto")."""
import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from consult.consultations import services
from consult.core.mail.models import OutboxMessage

ENGLISH_ONLY = {"en": "The input report."}


def test_a_description_in_another_language_keeps_its_own_direction_on_the_page(client, create_meeting):
    meeting = create_meeting(description=ENGLISH_ONLY, title={"en": "Review of the input report"})
    page = client.get(f"/ar/meetings/{meeting.id}/").get_data(as_text=True)
    assert '<h1 lang="en" dir="auto">Review of the input report</h1>' in page
    assert re.search(r'<div class="prose" lang="en" dir="auto"><p>The input report.</p>', page)


def test_an_english_description_in_an_arabic_agenda_pdf_reads_left_to_right(client, create_meeting):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    meeting = create_meeting(description=ENGLISH_ONLY)
    data = client.get(f"/ar/meetings/{meeting.id}/agenda.pdf").data
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "The input report." in text
    assert ".The input report" not in text  # what an RTL paragraph makes of it


def test_names_in_e_mails_are_isolated(create_consultation, submission_form):
    call = create_consultation(title={"en": "Regional review (GCM)"})
    values = {key: value for key, value in submission_form.items() if key in services.SUBMITTER_FIELDS}
    values["objectives"] = [6]
    services.submit(call, values, page_lang="ar")
    body = services.db.session.scalars(select(OutboxMessage)).one().body_text
    assert "\u2068Regional review (GCM)\u2069" in body


def test_an_organisation_name_in_two_scripts_keeps_its_order(secretariat_client, create_consultation, submission_form):
    call = create_consultation()
    values = {key: value for key, value in submission_form.items() if key in services.SUBMITTER_FIELDS}
    values.update(objectives=[6], org_name="Association Amal / جمعية أمل")
    submission = services.submit(call, values, page_lang="en").submission
    page = secretariat_client.get(f"/ar/review/{submission.id}").get_data(as_text=True)
    assert re.search(r"<bdi[^>]*>Association Amal / جمعية أمل</bdi>", page)
