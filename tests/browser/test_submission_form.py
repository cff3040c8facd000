"""The public submission form in real Chromium: JavaScript off, a phone's width, Arabic and French."""
import re

import pytest
from sqlalchemy import select

from consult.consultations.models import Submission
from tests.browser.helpers import ARTIFACTS, assert_accessible

PHONE = {"width": 360, "height": 740}
ORG = {"ar": "جمعية العمال المهاجرين", "fr": "Réseau des migrants", "en": "Migrant Workers Union"}
SENT = {"ar": "استلمنا مساهمتك", "fr": "Merci", "en": "Thank you"}


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_submission_form_works_with_javascript_off(new_page, create_consultation, db, lang, console_errors):
    create_consultation()
    db.session.commit()
    url = f"/{lang}/consultations/gcm-review-2026/submit"
    # axe itself needs JavaScript: check the same page in a scripted context first.
    checked = new_page(locale=lang, viewport=PHONE)
    checked.goto(url)
    assert_accessible(checked)

    page = new_page(locale=lang, viewport=PHONE, java_script_enabled=False)
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Sent empty: errors next to the fields, in the page's language, still accessible.
    page.locator("button[name=send]").click()
    assert page.locator("[aria-invalid=true]").count() >= 3
    checked.set_content(page.content())
    assert_accessible(checked)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.fill("#org_name", ORG[lang])
    page.select_option("#constituency", "migrant_diaspora")
    page.select_option("#country", "JO")
    page.fill("#contact_name", "Amina")
    page.fill("#contact_email", "amina@example.org")
    page.check("#language-0")  # Arabic, whatever the page's language
    # The objectives fold away in themed groups; a summary opens one without JavaScript.
    page.locator("details:has(#objectives-6) > summary").click()
    page.check("#objectives-6")
    page.fill("#recommendations", "إلغاء رسوم التوظيف" if lang == "ar" else "Abolish recruitment fees.")
    page.check("#confidentiality-1")
    page.check("#consent")
    if lang == "ar":
        page.screenshot(path=str(ARTIFACTS / "submit-ar.png"), full_page=True)
    page.locator("button[name=send]").click()
    page.wait_for_url(re.compile(r"/submissions/[\w-]+/"))
    assert SENT[lang] in page.content()
    assert "RSAG-2026-0001" in page.content()
    db.session.commit()
    submission = db.session.scalar(select(Submission))
    assert (submission.org_name, submission.language, submission.objectives, submission.confidentiality) == (
        ORG[lang], "ar", [6], "anonymous")
    assert not console_errors


def test_an_attachment_is_kept_across_a_form_error_with_javascript_off(new_page, create_consultation, db, tmp_path):
    """Issue 15, point 5, as a person meets it: attach a PDF, forget the organisation's name, send; the page
    says the file is kept; fix the name, send: the submission has its attachment."""
    create_consultation()
    db.session.commit()
    report = tmp_path / "تقرير الجمعية.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"0" * 5000 + b"\n%%EOF\n")
    page = new_page(locale="ar", viewport=PHONE, java_script_enabled=False)
    page.goto("/ar/consultations/gcm-review-2026/submit")
    page.select_option("#constituency", "migrant_diaspora")
    page.select_option("#country", "JO")
    page.fill("#contact_name", "Amina")
    page.fill("#contact_email", "amina@example.org")
    page.check("#language-0")
    page.fill("#recommendations", "إلغاء رسوم التوظيف")
    page.check("#confidentiality-0")
    page.check("#consent")
    page.set_input_files("#attachments", str(report))
    page.locator("button[name=send]").click()

    kept = page.locator("#kept-files")
    assert kept.is_visible()
    assert "تقرير الجمعية.pdf" in kept.inner_text()
    assert page.locator("#kept-files input[name=remove_kept]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "submit-kept-file-ar.png"), full_page=True)

    page.fill("#org_name", ORG["ar"])
    page.locator("button[name=send]").click()
    page.wait_for_url(re.compile(r"/submissions/[\w-]+/"))
    db.session.commit()
    submission = db.session.scalar(select(Submission))
    assert [item.original_name for item in submission.attachments] == ["تقرير الجمعية.pdf"]
