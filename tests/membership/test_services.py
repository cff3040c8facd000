"""The rules of the group: one organisation per normalised name, one seat per person at a time, declarations
before a term starts, balance warnings, reminders sent once."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.core.extensions import db as _db
from consult.core.mail.models import OutboxMessage
from consult.membership import roster, services
from consult.membership.models import Term, TermReminder
from consult.organisations import services as organisations
from consult.organisations.models import Organisation
from tests.helpers import post_form
from consult.core.text import normalise_name


@pytest.mark.parametrize("one, other", [
    ("جمعية الأمل للمهاجرين", "جمعية الامل للمهاجرين"),     # أ / ا
    ("إتحاد العمال", "اتحاد العمال"),                      # إ / ا
    ("آفاق", "افاق"),                                       # آ / ا
    ("الجمعية التونسية", "الجمعيه التونسيه"),               # ة / ه
    ("ملتقى الهجرة", "ملتقي الهجرة"),                       # ى / ي
    ("Migrant Forum  Asia", " migrant forum asia "),        # case and spaces
    ("Réseau des Migrants", "reseau des migrants"),         # accents
])
def test_names_are_normalised(one, other):
    assert normalise_name(one) == normalise_name(other)


def test_no_two_organisations_share_a_normalised_name(create_organisation):
    first = create_organisation("الجمعية التونسية للمهاجرين")
    with pytest.raises(organisations.OrganisationError) as error:
        create_organisation("الجمعيه  التونسيه للمهاجرين")
    assert error.value.code == "duplicate"
    assert organisations.find_or_create_organisation("الجمعيه التونسيه للمهاجرين").id == first.id
    assert _db.session.scalar(select(func.count()).select_from(Organisation)) == 1
    # Renaming keeps its own key; renaming onto another's name is refused.
    second = create_organisation("Gulf Forum")
    with pytest.raises(organisations.OrganisationError):
        organisations.save_organisation(second, name="الجمعية التونسية للمهاجرين")


def test_duplicate_organisation_is_a_form_error(secretariat_client, create_organisation):
    create_organisation("Réseau des migrants")
    response = post_form(secretariat_client, "/en/group/organisations/new",
                         {"name": "RESEAU des  migrants", "name_lang": "fr", "constituency": "civil_society",
                          "country": "MA"})
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_submissions_are_linked_to_the_shared_organisation(client, create_consultation, create_organisation,
                                                          submission_form):
    from consult.consultations.models import Submission

    organisation = create_organisation("Réseau des migrants")
    create_consultation()
    response = post_form(client, "/fr/consultations/gcm-review-2026/submit",
                         dict(submission_form, org_name="RÉSEAU des Migrants"))
    assert response.status_code == 302
    response = post_form(client, "/fr/consultations/gcm-review-2026/submit",
                         dict(submission_form, org_name="Nouvelle association", contact_email="b@example.org",
                              recommendations="Autre texte."))
    assert response.status_code == 302
    submissions = _db.session.scalars(select(Submission).order_by(Submission.id)).all()
    assert submissions[0].organisation_id == organisation.id
    new = _db.session.get(Organisation, submissions[1].organisation_id)
    assert new.name == "Nouvelle association" and new.constituency == "migrant_diaspora"


def test_one_person_cannot_hold_two_seats_at_once(create_user, create_term, create_organisation, today):
    person = create_user(email="p@example.org")
    create_term(user=person, seat=1)
    with pytest.raises(services.MembershipError) as error:
        create_term(user=person, seat=2, starts_on=today, ends_on=today + timedelta(days=30))
    assert error.value.code == "person_overlap"
    # After the first term ends, a new term on another seat is fine.
    create_term(user=person, seat=2, starts_on=today + timedelta(days=301), ends_on=today + timedelta(days=600))
    assert _db.session.scalar(select(func.count()).select_from(Term)) == 2


def test_overlapping_term_is_a_form_error_and_nothing_saved(secretariat_client, create_user, create_term, today):
    person = create_user(email="p@example.org")
    term = create_term(user=person, seat=1)
    response = post_form(secretariat_client, "/en/group/manage/terms/new", {
        "user_id": str(person.id), "organisation_id": str(term.organisation_id), "role": "member", "seat": "2",
        "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat(),
        "gender": "female", "locale": "en"})
    assert response.status_code == 400
    assert "one person, one seat at a time" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Term)) == 1


def test_a_seat_has_one_holder_and_one_alternate(create_term, today):
    create_term(seat=1, email="a@example.org")
    create_term(seat=1, role="alternate", email="b@example.org")
    with pytest.raises(services.MembershipError) as error:
        create_term(seat=1, email="c@example.org")
    assert error.value.code == "seat_taken"
    with pytest.raises(services.MembershipError) as error:
        create_term(seat=11, email="d@example.org")
    assert error.value.code == "seat"
    create_term(seat=2, role="chair", email="e@example.org")
    with pytest.raises(services.MembershipError) as error:
        create_term(seat=3, role="chair", email="f@example.org")
    assert error.value.code == "role_taken"


def test_a_term_starts_only_with_both_declarations(create_term, today):
    term = create_term(declarations=False, starts_on=today - timedelta(days=5))
    assert term.status(today) == "waiting"
    assert services.current_terms(today) == []
    services.record_declarations(term, today, None)
    assert services.current_terms(today) == []
    services.record_declarations(term, today, today)
    assert services.current_terms(today) == [term]
    with pytest.raises(services.MembershipError):
        services.record_declarations(term, today + timedelta(days=1), today)


def test_ending_a_term_keeps_its_history(secretariat_client, create_term, today):
    term = create_term(seat=4, email="leaving@example.org")
    url = f"/en/group/manage/terms/{term.id}/end"
    assert post_form(secretariat_client, url, {"ended_on": (today + timedelta(days=999)).isoformat(),
                                               "reason": "resigned"}).status_code == 400
    assert post_form(secretariat_client, url, {"ended_on": today.isoformat(), "reason": "resigned",
                                               "note": "Moved abroad"}).status_code == 302
    _db.session.expire_all()
    term = services.get_term(term.id)
    assert term.ended_on == today and term.end_reason == "resigned"
    assert term.status(today + timedelta(days=1)) == "past"
    history = secretariat_client.get("/en/group/manage/history").get_data(as_text=True)
    assert "Moved abroad" in history and "Resigned" in history
    # A double post of the same end changes nothing and says so.
    again = post_form(secretariat_client, url, {"ended_on": today.isoformat(), "reason": "resigned"})
    assert again.status_code == 400


def test_balance_and_its_warnings(create_term, create_organisation, today):
    morocco = create_organisation("Maroc org", country="MA")
    jordan = create_organisation("Jordan org", country="JO", constituency="trade_union")
    create_term(seat=1, organisation=morocco, gender="female", email="w@example.org")
    create_term(seat=2, organisation=jordan, gender="male", email="m1@example.org")
    create_term(seat=3, organisation=jordan, gender="male", email="m2@example.org",
                ends_on=today + timedelta(days=20))
    result = roster.balance(today)
    assert result.total == 3
    assert result.gender["female"] == 1 and result.gender["male"] == 2
    assert result.subregion["maghreb"] == 1 and result.subregion["mashreq"] == 2 and result.subregion["gcc"] == 0
    assert ("women", {"percent": 33, "minimum": 40}) in result.warnings
    assert sorted(d["code"] for c, d in result.warnings if c == "subregion") == ["gcc", "ldc"]
    assert ("vacant", {"count": 7}) in result.warnings
    assert [d["days"] for c, d in result.warnings if c == "ending"] == [20]
    # The secretariat turns warnings off or changes them.
    services.save_settings(min_women_percent=30, warn_empty_subregion=False, warn_ending_days=10, seats=3)
    result = roster.balance(today)
    assert result.warnings == []


def test_balance_page_draws_svg_without_styles(secretariat_client, create_term):
    create_term(seat=1, gender="female", email="w@example.org")
    for lang in ("en", "ar"):
        html = secretariat_client.get(f"/{lang}/group/balance").get_data(as_text=True)
        assert html.count("<svg") == 5
        assert "style=" not in html and "<script" not in html.split("</head>")[1]
        assert 'fill="#' in html


def test_balance_bars_are_shares_of_the_group(secretariat_client, create_term):
    create_term(seat=1, gender="female", email="w@example.org")
    for seat in range(2, 11):
        create_term(seat=seat, gender="male", email=f"m{seat}@example.org")
    html = secretariat_client.get("/en/group/balance").get_data(as_text=True)
    gender = html.split('id="chart-gender-title"')[1].split("</svg>")[0]
    lengths = [int(value) for value in re.findall(r'<rect x="[\d.]+" y="\d+" width="(\d+)"', gender)]
    # 480 wide, 230 for labels, 40 for the count, 10 spare: 200 px is 100 %.
    assert sorted(lengths)[-2:] == [20, 180], lengths


def test_term_reminders_are_sent_once_per_threshold(app, create_term, create_user, today):
    from consult.core.database import utcnow

    create_user(email="staff@example.org", role="secretariat", locale="fr")
    term = create_term(seat=1, email="ending@example.org", ends_on=today + timedelta(days=60))
    create_term(seat=2, email="later@example.org", ends_on=today + timedelta(days=200))
    runner = app.test_cli_runner()

    def outbox():
        return _db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()

    result = runner.invoke(args=["consult", "remind"])
    assert result.exit_code == 0, result.output
    assert "terms ending: 2 reminder(s) sent" in result.output
    assert [m.to_address for m in outbox()] == ["ending@example.org", "staff@example.org"]
    # Run again the same day: nothing new.
    result = runner.invoke(args=["consult", "remind"])
    assert "terms ending: 0 reminder(s) sent" in result.output
    assert len(outbox()) == 2
    # 30 days later, then 7 days before the end: one more pair each, once.
    for days_later, expected in ((30, 4), (30, 4), (53, 6), (53, 6), (58, 6)):
        services.send_term_reminders(now=utcnow() + timedelta(days=days_later))
        assert len(outbox()) == expected, days_later
    assert sorted(r.days for r in _db.session.scalars(select(TermReminder))) == [7, 30, 60]
    assert all(r.term_id == term.id for r in _db.session.scalars(select(TermReminder)))
