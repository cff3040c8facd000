"""The secretariat's new-meeting form as a person meets it: the zone it starts in, the working languages as
checkboxes, and what "Draft" means (issue 15, points 3 and 4)."""
from datetime import datetime, timezone

from sqlalchemy import select

from consult.meetings.vocabulary import STATUS_LABELS
from consult.meetings.models import Meeting
from tests.browser.test_journeys import check, sign_in, tr


def test_new_meeting_form_starts_in_the_groups_zone_with_language_checkboxes(new_page, create_user, app, db,
                                                                             blocked_requests, console_errors):
    staff = create_user(email="staff-form@example.org", role="secretariat").email
    db.session.commit()
    lang = "en"
    page = new_page(locale=lang)
    sign_in(page, staff, lang)
    page.goto(f"/{lang}/meetings/new")
    check(page)
    # The group's zone, not the first of the list (Casablanca).
    assert page.locator("select[name=timezone]").input_value() == app.config["CONSULT_TIMEZONE"] == "Asia/Beirut"
    # Working languages: one checkbox each, no Ctrl-click list.
    assert page.locator("select[name=languages]").count() == 0
    assert page.locator("input[type=checkbox][name=languages]").count() == 3
    # "Draft" is explained next to the status.
    hint = page.locator("#status-hint").inner_text()
    assert "only the secretariat" in hint and "nobody is e-mailed" in hint

    page.locator("input[name=title_en]").fill("Zone check meeting")
    page.locator("input[name=starts_at]").fill("2031-03-04T10:00")
    page.locator("input[name=ends_at]").fill("2031-03-04T12:00")
    page.locator("label[for=languages-ar]").click()
    page.locator("label[for=languages-fr]").click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check(page)
    meeting = db.session.scalar(select(Meeting).where(Meeting.title["en"].as_string() == "Zone check meeting"))
    # 10:00 typed is 10:00 in Beirut (UTC+2 in March), as the secretary meant.
    assert meeting.starts_at.astimezone(timezone.utc).replace(tzinfo=None) == datetime(2031, 3, 4, 8, 0)
    assert meeting.timezone == "Asia/Beirut" and sorted(meeting.languages) == ["ar", "fr"]
    db.session.commit()
    assert blocked_requests == [] and console_errors == []


def test_new_meeting_form_starts_in_the_authors_own_zone(new_page, create_user, db):
    staff = create_user(email="staff-tunis@example.org", role="secretariat", timezone="Africa/Tunis").email
    db.session.commit()
    page = new_page(locale="fr")
    sign_in(page, staff, "fr")
    page.goto("/fr/meetings/new")
    assert page.locator("select[name=timezone]").input_value() == "Africa/Tunis"
    assert tr("fr", STATUS_LABELS["draft"]) == "Brouillon" and "Brouillon" in page.locator("select[name=status]").inner_text()


def test_after_moving_a_meeting_the_secretariat_sends_one_update(new_page, create_user, db, blocked_requests,
                                                                 console_errors):
    """Point 1: saving sends nothing; the meeting page offers "Send the update to N invitees", once."""
    from consult.core.mail.models import OutboxMessage
    from consult.meetings import agenda, services

    staff = create_user(email="staff-move@example.org", role="secretariat").email
    people = [create_user(email=f"guest{n}@example.org") for n in range(2)]
    starts = datetime(2031, 3, 4, 8, 0, tzinfo=timezone.utc)
    meeting = services.create_meeting(title={"en": "Moving meeting"}, kind="in_person", venue="UN House",
                                      starts_at=starts, ends_at=starts.replace(hour=10), timezone="Asia/Beirut",
                                      visibility="members", status="scheduled")
    services.invite_and_notify(meeting, people)
    agenda.add_item(meeting, title={"en": "Opening"}, duration_minutes=10)
    meeting_id = meeting.id
    db.session.commit()

    page = new_page(locale="en")
    sign_in(page, staff, "en")
    page.goto(f"/en/meetings/{meeting_id}/")
    assert page.locator("#send-update-heading").count() == 0  # an agenda item is not worth a mail
    page.goto(f"/en/meetings/{meeting_id}/edit")
    page.locator("input[name=starts_at]").fill("2031-03-04T11:00")
    page.locator("input[name=ends_at]").fill("2031-03-04T13:00")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check(page)
    panel = page.locator("section.send-update")
    assert "New time:" in panel.inner_text() and "was" in panel.inner_text()
    button = panel.locator("button")
    assert button.inner_text() == "Send the update to 2 invitees"
    with page.expect_navigation():
        button.click()
    check(page)
    assert "Sent to 2 invitees." in page.locator(".notice-success").inner_text()
    assert page.locator("section.send-update").count() == 0
    db.session.commit()
    subjects = db.session.scalars(select(OutboxMessage.subject).order_by(OutboxMessage.id)).all()
    assert subjects == ["Invitation: Moving meeting"] * 2 + ["Updated: Moving meeting"] * 2
    db.session.commit()
    assert blocked_requests == [] and console_errors == []
