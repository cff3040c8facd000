"""The public roster and the members' pages: what each reader sees, and what never leaves the secretariat."""
import csv
import io
import json
from datetime import timedelta

from consult.core.extensions import db as _db
from consult.membership import nominations, services
from tests.helpers import login, post_form


def test_public_roster_shows_no_contacts_no_gender_no_hidden_names(app, client, create_term, create_user,
                                                                  create_organisation, member, today):
    shown = create_term(seat=1, role="chair", name="Hanan Khalil", email="hanan@example.org", gender="female",
                        phone="+961 1 234 567",
                        organisation=create_organisation("مركز تمكين", name_lang="ar", country="JO"))
    hidden = create_term(seat=2, name="Secret Person", email="secret@example.org", gender="male")
    services.set_hide_name(hidden.user, True)
    create_term(seat=3, name="Past Person", email="past@example.org",
                starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=10))
    create_term(seat=4, name="Waiting Person", email="waiting@example.org", declarations=False)
    for lang in ("ar", "en", "fr"):
        response = client.get(f"/{lang}/group/")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Hanan Khalil" in html and "مركز تمكين" in html
        for secret in ("Secret Person", "hanan@example.org", "secret@example.org", "+961 1 234 567",
                       "Past Person", "Waiting Person", "Woman", "female", "mailto:"):
            assert secret not in html, (lang, secret)
    assert 'dir="rtl"' in client.get("/ar/group/").get_data(as_text=True)
    # The nomination page and the public API say nothing of members either.
    for path in ("/en/", "/api/consultations", "/api/meetings"):
        text = client.get(path).get_data(as_text=True)
        assert "hanan@example.org" not in text and "Secret Person" not in text


def test_directory_shows_contacts_to_members(app, create_term, member):
    create_term(seat=1, name="Hanan Khalil", email="hanan@example.org", phone="+961 1 234 567", gender="female")
    html = login(app.test_client(), member.email).get("/en/group/directory").get_data(as_text=True)
    assert "hanan@example.org" in html and "+961 1 234 567" in html
    assert "Woman" not in html and "female" not in html


def test_a_member_hides_their_own_name(app, client, create_term, create_user):
    user = create_user(email="shy@example.org", name="Shy Member")
    create_term(user=user, seat=1)
    assert "Shy Member" in client.get("/en/group/").get_data(as_text=True)
    member_client = login(app.test_client(), user.email)
    response = post_form(member_client, "/en/group/my-listing", {"hide_name": "y"})
    assert response.status_code == 302
    assert "Shy Member" not in client.get("/en/group/").get_data(as_text=True)
    response = post_form(member_client, "/en/group/my-listing", {})
    assert "Shy Member" in client.get("/en/group/").get_data(as_text=True)


def test_secretariat_adds_a_new_member_with_an_invitation(secretariat_client, smtp, create_organisation, today):
    organisation = create_organisation("Gulf Forum", country="KW", name_lang="en")
    data = {"user_id": "0", "name": "Fatima Al-Sabah", "email": "Fatima@Example.org", "locale": "ar",
            "organisation_id": str(organisation.id), "role": "co_chair", "seat": "5",
            "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=700)).isoformat(),
            "tor_accepted_on": today.isoformat(), "coi_declared_on": today.isoformat(),
            "gender": "female", "phone": "+965 555"}
    response = post_form(secretariat_client, "/en/group/manage/terms/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    [term] = services.current_terms(today)
    assert term.user.email == "fatima@example.org" and term.role == "co_chair"
    assert services.profile_of(term.user).gender == "female"
    [invitation] = smtp.messages
    assert invitation["To"] == "fatima@example.org" and "/ar/password/set/" in invitation.get_body().get_content()
    # Oversized and wrong values: form errors, nothing saved.
    for bad in ({"seat": "0"}, {"phone": "9" * 51}, {"ends_on": "2020-01-01"}, {"starts_on": "soon"},
                {"organisation_id": "999999"}, {"role": "king"}, {"user_id": "0", "email": ""}):
        response = post_form(secretariat_client, "/en/group/manage/terms/new", {**data, **bad, "email": "x@example.org"}
                             if "email" not in bad else {**data, **bad})
        assert response.status_code == 400, bad
    assert len(services.all_terms()) == 1


def test_settings_form_checks_its_numbers(secretariat_client):
    response = post_form(secretariat_client, "/en/group/manage/settings",
                         {"seats": "0", "min_women_percent": "140", "warn_ending_days": "x"})
    assert response.status_code == 400
    assert services.group_settings().seats == 10
    response = post_form(secretariat_client, "/en/group/manage/settings",
                         {"seats": "12", "alternates": "y", "min_women_percent": "50", "warn_ending_days": "30"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert services.group_settings().seats == 12 and services.group_settings().min_women_percent == 50


def test_secretariat_opens_a_call_for_nominations(secretariat_client, client):
    response = post_form(secretariat_client, "/en/group/nominations/new", {
        "title_ar": "دعوة", "title_en": "", "title_fr": "", "seats": "2", "closes_at": "2099-12-01T23:59",
        "timezone": "Asia/Beirut", "status": "open"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    [call] = nominations.list_calls()
    assert call.is_accepting()
    assert "دعوة" in client.get("/en/group/").get_data(as_text=True)
    response = post_form(secretariat_client, "/en/group/nominations/new", {
        "title_ar": "", "title_en": "", "title_fr": "", "seats": "2", "closes_at": "tomorrow",
        "timezone": "Mars/Base", "status": "open"})
    assert response.status_code == 400


def test_roster_csv_read_back_keeps_arabic_and_neutralises_formulas(secretariat_client, create_term,
                                                                    create_user, create_organisation):
    user = create_user(email="ar@example.org", name="=cmd|' /C calc'!A0")
    create_term(user=user, seat=1, gender="female",
                organisation=create_organisation("جمعية الهجرة والتنمية", name_lang="ar", country="JO",
                                                 acronym="+SUM(1)"))
    response = secretariat_client.get("/en/group/manage/roster.csv")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    data = response.get_data()
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1
    assert rows[0]["organisation"] == "جمعية الهجرة والتنمية"
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["acronym"] == "'+SUM(1)"
    assert rows[0]["gender"] == "female" and rows[0]["subregion"] == "mashreq"


def test_roster_csv_has_no_formula_cells_with_either_separator(secretariat_client, create_term, create_user,
                                                               create_organisation):
    from tests.consultations.test_exports import formula_cells

    user = create_user(email="semi@example.org", name="Amina;=cmd|' /C calc'!A0")
    create_term(user=user, seat=1, gender="female",
                organisation=create_organisation("Réseau, -1+1;@SUM(A1)", country="JO", acronym="a;\t=1"))
    data = secretariat_client.get("/en/group/manage/roster.csv").get_data()
    assert formula_cells(data) == []


def test_roster_json_and_the_cli(app, create_term, create_user, tmp_path, today):
    create_term(seat=1, name="ليلى حداد", email="laila@example.org")
    create_term(seat=2, name="Past One", email="past@example.org",
                starts_on=today - timedelta(days=900), ends_on=today - timedelta(days=100))
    runner = app.test_cli_runner()
    for fmt in ("json", "csv"):
        target = tmp_path / f"roster.{fmt}"
        result = runner.invoke(args=["consult", "export", "roster", "--format", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "roster.json").read_text("utf-8"))
    assert {(row["name"], row["status"]) for row in rows} == {("ليلى حداد", "current"), ("Past One", "past")}
    assert "ليلى حداد" in (tmp_path / "roster.json").read_text("utf-8")  # not \u-escaped
    assert (tmp_path / "roster.csv").read_bytes().startswith(b"\xef\xbb\xbf")
