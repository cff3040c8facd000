"""Whole journeys in real Chromium, as people make them: an organisation sends its submission with the
keyboard only (Arabic, French, English); the secretariat filters the review queue, opens a submission
and changes its status, while an assigned member sees only their call and no confidential submission;
a member answers a meeting invitation and changes their mind, an observer answers through the signed
link of their e-mail, and the organiser sees both answers.

Every page on the way passes axe-core (no serious or critical violation), fits a 360 px screen, sends
nothing to another host and logs no console error (a Content-Security-Policy violation is one).

With SQLite the live server must never wait on this test's transaction: a test gathers the plain values
it needs, commits, and touches no ORM row until the browser is done (see tests/browser/conftest.py).
"""
import re
from datetime import datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from consult.consultations import services as consultations
from consult.consultations.models import Submission
from consult.meetings import rsvp
from consult.meetings import services as meetings
from consult.meetings.vocabulary import RESPONSE_LABELS
from consult.meetings.models import Invitation
from consult.consultations.vocabulary import submission_status_label
from tests.browser.helpers import ARTIFACTS, assert_accessible
from tests.browser.test_pages import DIRECTION, PHONE, horizontal_overflow
from tests.helpers import TEST_PASSWORD

ORG = {"ar": "جمعية العمال المهاجرين في الأردن", "fr": "Réseau des migrants du Maghreb", "en": "Migrant Workers Union"}
TEXT = {
    "ar": "نوصي بإلغاء رسوم التوظيف التي يدفعها العمال.",
    "fr": "Supprimer les frais de recrutement payés par les travailleurs.",
    "en": "Abolish the recruitment fees that workers pay.",
}
LANGUAGE_RADIO = {"ar": 0, "en": 1, "fr": 2}  # the order of LANGUAGES on the form


def tr(lang, message):
    """The app's own translation of a (lazy) message, so the test reads what the page should say."""
    with force_locale(lang):
        return str(message)


def check(page):
    """The page as it is now: accessible, in the right direction, and no wider than a phone."""
    lang = page.evaluate("document.documentElement.lang")
    assert page.evaluate("document.documentElement.dir") == DIRECTION[lang], page.url
    assert_accessible(page)
    size = page.viewport_size
    if size != PHONE:
        page.set_viewport_size(PHONE)
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= PHONE["width"], (page.url, overflow)
    if size != PHONE:
        page.set_viewport_size(size)


def check_copy(page, scripted):
    """Check a page shown with JavaScript off through a copy of its HTML in a scripted page of the same origin."""
    scripted.set_content(page.content())
    check(scripted)


def sign_in(page, email, lang):
    page.goto(f"/{lang}/login")
    check(page)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(f"/{lang}/"), page.url
    check(page)


def follow(page, locator):
    with page.expect_navigation():
        locator.click()
    check(page)


# ---------------------------------------------------------------- the keyboard only

def focused(page, condition):
    """Whether the focused element meets `condition`, a JavaScript expression about `el`."""
    return page.evaluate(f"(() => {{ const el = document.activeElement; return !!({condition}); }})()")


def tab_to(page, condition, key="Tab", limit=120):
    """Press Tab (or Shift+Tab) until the focused element meets `condition`."""
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page, condition):
            return
    pytest.fail(f"{key} never reached an element where {condition}")


def choose(page, value, key="ArrowDown", limit=60):
    """In the focused <select>, press the arrow key until the wanted option is chosen."""
    for _ in range(limit):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press(key)
    pytest.fail(f"{key} never chose {value!r}")


def tick(page, element_id):
    """Tab to a checkbox, first opening its folded group (Enter on the summary), and tick it with Space."""
    inside = f"document.getElementById('{element_id}')"
    tab_to(page, f"el.id === '{element_id}' || (el.tagName === 'SUMMARY' && el.parentElement.contains({inside}))")
    if focused(page, "el.tagName === 'SUMMARY'"):
        page.keyboard.press("Enter")
        assert page.evaluate(f"{inside}.closest('details').open")
        tab_to(page, f"el.id === '{element_id}'")
    page.keyboard.press("Space")
    assert page.evaluate(f"{inside}.checked"), element_id


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_submission_sent_with_the_keyboard_only(new_page, create_consultation, db, lang, blocked_requests,
                                                console_errors):
    create_consultation()
    db.session.commit()  # and no ORM row until the browser is done
    page = new_page(locale=lang)
    page.goto(f"/{lang}/consultations/gcm-review-2026/")
    check(page)
    tab_to(page, "el.tagName === 'A' && el.pathname.endsWith('/gcm-review-2026/submit')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check(page)

    page.keyboard.press("Tab")
    assert focused(page, "el.className === 'skip-link'")
    tab_to(page, "el.id === 'org_name'")
    page.keyboard.type(ORG[lang][:-3] + "xyz")  # a slip, put right below with Shift+Tab
    page.keyboard.press("Tab")
    assert focused(page, "el.id === 'constituency'")
    page.keyboard.press("Shift+Tab")
    assert focused(page, "el.id === 'org_name'")
    page.keyboard.press("End")  # Shift+Tab selected the whole text: keep it, mend its end
    for _ in range(3):
        page.keyboard.press("Backspace")
    page.keyboard.type(ORG[lang][-3:])
    page.keyboard.press("Tab")
    choose(page, "migrant_diaspora")  # arrow keys in a closed <select>
    page.keyboard.press("Tab")
    assert focused(page, "el.id === 'country'")
    choose(page, "JO")
    tick(page, "countries_of_work-JO")
    tick(page, "countries_of_work-LB")

    tab_to(page, "el.id === 'contact_name'")
    page.keyboard.type("Amina")
    page.keyboard.press("Tab")
    page.keyboard.type("amina@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("+962 6 000 0000")

    # Radio buttons: Tab enters the group, Space picks, the arrow keys move the choice.
    tab_to(page, "el.name === 'language'")
    page.keyboard.press("Space")
    for _ in range(LANGUAGE_RADIO[lang]):
        page.keyboard.press("ArrowDown")
    assert page.evaluate(f"document.getElementById('language-{LANGUAGE_RADIO[lang]}').checked")
    tick(page, "objectives-6")
    tick(page, "objectives-22")
    tick(page, "principles-a")
    tab_to(page, "el.id === 'recommendations'")
    page.keyboard.type(TEXT[lang])
    tab_to(page, "el.name === 'confidentiality'")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.getElementById('confidentiality-1').checked")  # anonymous
    tick(page, "consent")
    tab_to(page, "el.name === 'send'")
    if lang == "ar":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "submit-ar-keyboard.png", full_page=True)
    with page.expect_navigation():
        page.keyboard.press("Space" if lang == "fr" else "Enter")

    assert re.search(r"/submissions/[\w-]+/(\?new=1)?$", page.url), page.url
    check(page)
    db.session.commit()
    submission = db.session.scalar(select(Submission))
    assert submission.reference and submission.reference in page.locator("main").inner_text()
    assert (submission.org_name, submission.constituency, submission.country, sorted(submission.countries_of_work),
            submission.language, submission.objectives, submission.principles, submission.confidentiality) == (
        ORG[lang], "migrant_diaspora", "JO", ["JO", "LB"], lang, [6, 22], ["a"], "anonymous")
    assert submission.recommendations == TEXT[lang]
    db.session.commit()
    assert blocked_requests == []
    assert console_errors == []


# ---------------------------------------------------------------- review

# The reference of each row in the queue (a second link in the cell points to a possible duplicate).
REFERENCES = "table.review-queue tbody tr td:nth-child(2) > a:first-of-type"


def submit(consultation, n, language, confidentiality):
    values = {
        "org_name": f"Organisation {n}", "constituency": "civil_society", "country": "LB", "countries_of_work": ["LB"],
        "contact_name": f"Contact {n}", "contact_email": f"contact{n}@example.org", "contact_phone": None,
        "language": language, "objectives": [6, 7], "principles": ["a"], "confidentiality": confidentiality,
        "good_practices": {"ar": "مركز موحد لخدمة المهاجرين رقم {}.", "en": "One-stop centre number {} for migrants.",
                           "fr": "Le guichet unique numéro {} pour les migrants."}[language].format(n),
        "challenges": "", "recommendations": "",
    }
    return consultations.submit(consultation, values).submission


@pytest.fixture
def review_data(create_consultation, secretariat, member):
    """Two calls with a mix of languages and confidentiality; the member reviews the second only."""
    first = create_consultation()
    second = create_consultation(slug="labour-2027", reference_prefix="RLAB", title={
        "ar": "هجرة اليد العاملة", "en": "Labour migration", "fr": "Migration de main-d'œuvre"})
    mix = [("ar", "public"), ("ar", "anonymous"), ("ar", "confidential"), ("en", "public"), ("fr", "confidential")]
    made = {"first": [submit(first, n, *kind) for n, kind in enumerate(mix)],
            "second": [submit(second, 10 + n, *kind) for n, kind in enumerate(mix)]}
    consultations.assign_reviewers(second, [member.id], secretariat)
    data = {
        "first_slug": first.slug, "second_slug": second.slug, "second_title": second.title,
        "first_ar": [s.reference for s in made["first"] if s.language == "ar"],
        "second_visible": sorted(s.reference for s in made["second"] if s.confidentiality != "confidential"),
        "second_confidential": [s.id for s in made["second"] if s.confidentiality == "confidential"],
        "first_public": [s.id for s in made["first"] if s.confidentiality == "public"],
        "secretariat": secretariat.email, "member": member.email,
    }
    return data


def test_review_by_the_secretariat(new_page, review_data, db, blocked_requests, console_errors):
    data = review_data
    db.session.commit()  # and no ORM row until the browser is done
    lang = "ar"
    page = new_page(locale=lang)
    sign_in(page, data["secretariat"], lang)
    follow(page, page.locator(".main-nav a[href$='/review/']"))

    # Filters: the first call, submissions in Arabic.
    page.select_option("#call", data["first_slug"])
    page.select_option("#language", "ar")
    follow(page, page.locator("form.review-filters button[type=submit]"))
    assert f"call={data['first_slug']}" in page.url and "language=ar" in page.url
    references = page.locator(REFERENCES).all_inner_texts()
    assert sorted(references) == sorted(data["first_ar"])
    # The secretariat sees every level, confidential included, and the organisation's name.
    assert page.locator("table.review-queue tbody").get_by_text("Organisation 2").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "review-ar.png", full_page=True)

    # Open one and exclude it: first without the reason (an error beside the field), then with it.
    reference = references[0]
    follow(page, page.locator("table.review-queue").get_by_role("link", name=reference, exact=True))
    assert page.locator("h1").inner_text() == reference
    page.select_option("#status", "excluded")
    follow(page, page.locator("form[action$='/status'] button[type=submit]"))
    assert page.locator("#reason[aria-invalid=true]").count() == 1
    page.select_option("#status", "excluded")
    page.fill("#reason", "خارج نطاق الدعوة")
    follow(page, page.locator("form[action$='/status'] button[type=submit]"))
    excluded = tr(lang, submission_status_label("excluded"))
    assert excluded in page.locator(".notice-success").inner_text()
    assert page.locator(".facts").get_by_text(excluded).count() == 1

    # Back in the queue, the filter on the status finds it.
    page.goto(f"/{lang}/review/?status=excluded")
    check(page)
    assert page.locator(REFERENCES).all_inner_texts() == [reference]

    db.session.commit()
    assert db.session.scalar(select(Submission.status).where(Submission.reference == reference)) == "excluded"
    db.session.commit()
    assert blocked_requests == []
    assert console_errors == []


def test_review_by_an_assigned_member(new_page, review_data, db, blocked_requests, console_errors):
    data = review_data
    db.session.commit()  # and no ORM row until the browser is done
    lang = "en"
    page = new_page(locale=lang)
    sign_in(page, data["member"], lang)
    follow(page, page.locator(".main-nav a[href$='/review/']"))

    # Only the call they review, never a confidential row, and no confidential filter to choose.
    values = "options => options.map(option => option.value)"
    assert page.locator("#call option").evaluate_all(values) == ["", data["second_slug"]]
    assert page.locator("#confidentiality option").evaluate_all(values) == ["", "public", "anonymous"]
    rows = page.locator("table.review-queue tbody tr")
    assert sorted(page.locator(REFERENCES).all_inner_texts()) == data["second_visible"]
    assert set(rows.locator("td:nth-child(3)").all_inner_texts()) == {data["second_title"][lang]}
    assert "Confidential" not in page.locator("table.review-queue").inner_text()
    # An anonymous organisation is never named to a member.
    assert "Organisation 11" not in page.locator("table.review-queue").inner_text()

    page.select_option("#language", "ar")
    follow(page, page.locator("form.review-filters button[type=submit]"))
    assert rows.count() == 2

    # The pages they may not see answer 403, and say so readably.
    for submission_id in (data["second_confidential"][0], data["first_public"][0]):
        response = page.goto(f"/{lang}/review/{submission_id}")
        assert response.status == 403
        check(page)
    assert blocked_requests == []
    assert console_errors == []


# ---------------------------------------------------------------- meetings

def test_meeting_answers_by_a_member_and_an_observer(new_page, create_meeting, secretariat, member, db,  # noqa: F811
                                                     blocked_requests, console_errors):
    starts_at = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=12)
    meeting = create_meeting(visibility="members", starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
    meetings.invite_members(meeting, [member])
    observer = meetings.invite_observer(meeting, "observer@example.org", "Nadia Observer")
    meeting_id, observer_id, token = meeting.id, observer.id, rsvp.rsvp_token(observer)
    staff, member_email = secretariat.email, member.email
    db.session.commit()  # and no ORM row until the browser is done

    # A member, in Arabic: from the menu to the meeting, Accept, then a change of mind.
    lang = "ar"
    page = new_page(locale=lang)
    sign_in(page, member_email, lang)
    follow(page, page.locator(".main-nav a[href$='/meetings/']"))
    follow(page, page.locator(f"main a[href$='/meetings/{meeting_id}/']"))
    for answer in ("accepted", "declined"):
        follow(page, page.locator(f"button[name=response][value={answer}]"))
        label = tr(lang, RESPONSE_LABELS[answer])
        assert label in page.locator(".notice-success").inner_text()
        assert label in page.locator("section.rsvp p").first.inner_text()
        assert page.locator(f"button[name=response][value={answer}]").get_attribute("aria-pressed") == "true"
        assert page.locator("button[aria-pressed=true]").count() == 1

    # An observer, in French, with no account and JavaScript off on a phone: the signed link of their e-mail.
    lang = "fr"
    guest = new_page(locale=lang, viewport=PHONE, java_script_enabled=False)
    mirror = new_page(locale=lang, viewport=PHONE)  # axe needs JavaScript: it checks the guest's pages here
    mirror.goto(f"/{lang}/")
    guest.goto(f"/{lang}/meetings/rsvp/{token}")
    check_copy(guest, mirror)
    with guest.expect_navigation():
        guest.locator("button[name=response][value=tentative]").click()
    check_copy(guest, mirror)
    label = tr(lang, RESPONSE_LABELS["tentative"])
    assert label in guest.locator(".notice-success").inner_text()
    assert label in guest.locator("section.rsvp p").first.inner_text()

    # The organiser sees both answers on the meeting's page.
    lang = "en"
    organiser = new_page(locale=lang)
    sign_in(organiser, staff, lang)
    organiser.goto(f"/{lang}/meetings/{meeting_id}/")
    check(organiser)
    answers = organiser.locator("table.rsvp-table tbody").inner_text()
    assert "Declined" in answers and "Tentative" in answers and "Nadia Observer" in answers

    db.session.commit()
    responses = dict(db.session.execute(select(Invitation.id, Invitation.response)
                                        .where(Invitation.meeting_id == meeting_id)).all())
    assert responses[observer_id] == "tentative"
    assert sorted(responses.values()) == ["declined", "tentative"]
    db.session.commit()
    assert blocked_requests == []
    assert console_errors == []
