"""Membership pages as people meet them (issue 15, points 9 and 10): a nomination whose gender is left
alone is "not stated" on the balance page, and each subregion and country has one label, sorted the same
way on the form and on the balance page."""
from datetime import timedelta

from sqlalchemy import select

from consult.core.database import utcnow
from consult.membership import nominations, services
from consult.membership.models import Application
from consult.organisations.services import save_organisation
from tests.browser.test_journeys import check, sign_in


def test_a_nominees_gender_left_alone_is_not_stated(new_page, create_user, db, blocked_requests, console_errors):
    call = nominations.save_call(title={"en": "Call for nominations"}, description={"en": "We look for members."},
                              seats=2, timezone="Asia/Beirut", status="open",
                              closes_at=utcnow().replace(microsecond=0) + timedelta(days=14))
    call_id = call.id
    staff = create_user(email="staff-gender@example.org", role="secretariat").email
    db.session.commit()

    page = new_page(locale="en")
    page.goto(f"/en/group/nominations/{call_id}/apply")
    check(page)
    gender = page.locator("select[name=nominee_gender]")
    assert gender.input_value() == ""  # no answer, not the first gender of the list
    options = gender.locator("option").all_inner_texts()
    assert options[0] == "No answer" and "Prefers not to say" in options
    page.locator("input[name=org_name]").fill("Migrant Rights Collective")
    page.locator("select[name=constituency]").select_option("civil_society")
    page.locator("select[name=country]").select_option("JO")
    page.locator("input[name=contact_name]").fill("Omar Khatib")
    page.locator("input[name=contact_email]").fill("omar@example.org")
    page.locator("input[name=nominee_name]").fill("Laila Haddad")
    page.locator("input[name=nominee_email]").fill("laila@example.org")
    page.locator("textarea[name=motivation]").fill("Ten years with migrant workers.")
    page.locator("input[name=consent]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/thanks" in page.url, page.url
    db.session.commit()
    application = db.session.scalar(select(Application))
    assert application.nominee_gender == "unstated"
    application_id = application.id
    db.session.commit()

    # Selected without a gender: the balance page counts her under "Not stated".
    today = services.today()
    nominations.select_nominee(db.session.get(Application, application_id), seat=1, role="member",
                            starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=300))
    term = services.all_terms()[0]
    services.update_term(term, tor_accepted_on=today - timedelta(days=1), coi_declared_on=today - timedelta(days=1))
    db.session.commit()
    sign_in(page, staff, "en")
    page.goto("/en/group/balance")
    check(page)
    rows = page.locator("section.chart-block").first.locator("tbody tr").all_inner_texts()
    assert any(row.startswith("Not stated") and "\t1\t" in row for row in rows), rows
    assert any(row.startswith("Prefers not to say") and "\t0\t" in row for row in rows), rows
    assert blocked_requests == [] and console_errors == []


def test_one_label_per_subregion_and_countries_in_one_order(new_page, create_user, db, blocked_requests,
                                                            console_errors):
    call = nominations.save_call(title={"ar": "دعوة إلى الترشيح"}, description={"ar": "نبحث عن أعضاء جدد."},
                              seats=2, timezone="Asia/Beirut", status="open",
                              closes_at=utcnow().replace(microsecond=0) + timedelta(days=14))
    call_id = call.id
    today = services.today()
    for seat, (country, name) in enumerate((("YE", "Yemen org"), ("TN", "Tunisia org"), ("QA", "Qatar org")), 1):
        user = create_user(email=f"seat{seat}@example.org")
        organisation = save_organisation(name=name, name_lang="en", constituency="civil_society",
                                                  country=country, countries_of_work=[country], other_names={},
                                                  acronym="", website="", migrant_led=False)
        services.add_term(user, organisation, seat=seat, role="member", starts_on=today - timedelta(days=10),
                          ends_on=today + timedelta(days=300), tor_accepted_on=today - timedelta(days=10),
                          coi_declared_on=today - timedelta(days=10))
    staff = create_user(email="staff-labels@example.org", role="secretariat").email
    db.session.commit()

    page = new_page(locale="ar")
    page.goto(f"/ar/group/nominations/{call_id}/apply")
    check(page)
    form_countries = page.locator("select[name=country] option").all_inner_texts()
    form_groups = page.locator(".choice-group summary").all_inner_texts()
    assert "مجلس التعاون الخليجي" in form_groups
    sign_in(page, staff, "ar")
    page.goto("/ar/group/balance")
    check(page)
    tables = page.locator("section.chart-block")
    subregions = [row.split("\t")[0] for row in tables.nth(1).locator("tbody tr").all_inner_texts()]
    countries = [row.split("\t")[0] for row in tables.nth(3).locator("tbody tr").all_inner_texts()]
    # The same label as on the form ("الخليج" no more), and the countries in the form's order.
    assert "مجلس التعاون الخليجي" in subregions and "الخليج" not in subregions
    assert set(subregions) <= set(form_groups)
    assert countries == [name for name in form_countries if name in countries] == ["تونس", "قطر", "اليمن"]
    assert blocked_requests == [] and console_errors == []
