"""What an Arabic reader sees on a phone (issue 15, points 8, 11, 12): dates and lists in Arabic
typography, text in another language keeping its own direction, and a way forward from a lost link."""
from datetime import datetime, timezone

from consult.consultations import services
from tests.browser.helpers import ARTIFACTS, assert_accessible

PHONE = {"width": 360, "height": 740}


def test_arabic_dates_and_lists_use_arabic_punctuation(new_page, create_consultation, create_meeting, db):  # noqa: F811
    call = create_consultation(closes_at=datetime(2027, 1, 12, 20, 59, tzinfo=timezone.utc))
    meeting = create_meeting(languages=["ar", "en", "fr"])
    db.session.commit()
    page = new_page(locale="ar", viewport=PHONE)
    page.goto(f"/ar/consultations/{call.slug}/")
    deadline = page.locator("dl.facts dd").first.inner_text()
    assert "12 يناير 2027، 10:59 م" in deadline and "," not in deadline
    page.goto(f"/ar/meetings/{meeting.id}/")
    languages = page.locator("dt:has-text('لغات العمل') + dd").inner_text()
    assert languages.startswith("العربية وEnglish وFrançais") and "," not in languages


def test_text_in_another_language_keeps_its_own_direction(new_page, create_meeting, db):  # noqa: F811
    meeting = create_meeting(description={"en": "The input report."}, title={"en": "Review of the input report"})
    db.session.commit()
    page = new_page(locale="ar", viewport=PHONE)
    page.goto(f"/ar/meetings/{meeting.id}/")
    for selector in ("h1", "div.prose"):
        assert page.evaluate(f"getComputedStyle(document.querySelector('main {selector}')).direction") == "ltr", selector
    # The full stop stays at the end of the sentence: at the right of the text, not the left.
    box = page.evaluate("""() => { const p = document.querySelector('main div.prose p'); const r = document.createRange();
        r.setStart(p.firstChild, p.firstChild.length - 1); r.setEnd(p.firstChild, p.firstChild.length);
        return {stop: r.getBoundingClientRect().left, text: p.firstChild.parentElement.getBoundingClientRect().left}; }""")
    assert box["stop"] > box["text"] + 50
    page.screenshot(path=str(ARTIFACTS / "meeting-english-description-ar-360.png"), full_page=True)


def test_a_lost_link_leads_to_send_me_my_links(new_page, create_consultation, submission_form, db):
    call = create_consultation()
    values = {key: value for key, value in submission_form.items() if key in services.SUBMITTER_FIELDS}
    values["objectives"] = [6]
    token = services.submit(call, values, page_lang="ar").token
    db.session.commit()
    page = new_page(locale="ar", viewport=PHONE, java_script_enabled=False)
    response = page.goto(f"/ar/submissions/{token[:-3]}/")
    assert response.status == 404
    page.get_by_role("link", name="أرسلوا لي روابطي").click()
    page.fill("input[name=email]", "amina@example.org")
    page.locator("main form button[type=submit]").click()
    answer = page.locator("main [role=status]").inner_text()
    assert "في طريقها إليه" in answer
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "send-my-links-ar-360.png"), full_page=True)
    checked = new_page(locale="ar", viewport=PHONE)
    checked.goto("/ar/submissions/links")
    assert_accessible(checked)
    checked.set_content(page.content())
    assert_accessible(checked)
