"""Calls for nominations: the public form (Arabic end to end), the secretariat's decisions, the e-mails."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from consult.core.database import utcnow
from consult.core.extensions import db as _db
from consult.membership import nominations, services
from consult.membership.models import Application, Term
from consult.organisations.models import Organisation
from tests.helpers import csrf_token, login, post_form

AR_SIGNATURE = "أمانة الفريق الاستشاري لأصحاب المصلحة المعني بالهجرة، المنطقة العربية"
FR_SIGNATURE = "Secrétariat du Groupe consultatif des parties prenantes sur les migrations, région arabe"


def body(message):
    return message.get_body(("plain",)).get_content()


def test_a_nomination_in_arabic_end_to_end(app, client, smtp, secretariat_client, create_call, application_form, today):
    call = create_call()
    url = f"/ar/group/nominations/{call.id}/apply"

    # 1. The public form, in Arabic, right to left; no account needed.
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html and "دعوة إلى الترشيح" in html
    response = post_form(client, url, application_form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith(f"/ar/group/nominations/{call.id}/thanks")
    application = _db.session.scalar(select(Application))
    assert application.lang == "ar" and application.status == "received"
    assert application.organisation.name == "جمعية الهجرة والتنمية"
    [receipt] = smtp.messages
    assert receipt["To"] == "omar@example.org"
    assert "ليلى حداد" in body(receipt) and AR_SIGNATURE in body(receipt)
    assert "ليلى" not in receipt["Subject"]  # subjects are logged: no names in them

    # 2. The secretariat shortlists it, then selects the nominee for seat 3.
    page_url = f"/en/group/nominations/applications/{application.id}"
    response = post_form(secretariat_client, page_url, {"action": "shortlist"})
    assert response.status_code == 302
    assert nominations.get_application(application.id).status == "shortlisted"
    start, end = today + timedelta(days=10), today + timedelta(days=10 + 730)
    response = post_form(secretariat_client, page_url, {"action": "select", "role": "member", "seat": "3",
                                                        "starts_on": start.isoformat(), "ends_on": end.isoformat(),
                                                        "reason": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    # 3. The member account and the term (waiting for the declarations).
    application = nominations.get_application(application.id)
    assert application.status == "selected"
    term = _db.session.get(Term, application.term_id)
    assert term.user.email == "laila@example.org" and term.user.role == "member" and term.user.locale == "ar"
    assert term.user.password_hash is None and term.seat == 3 and term.status(today) == "waiting"
    assert services.profile_of(term.user).gender == "female"

    # 4. Two e-mails in Arabic: the invitation to the nominee, the outcome to the applicant.
    invitation, outcome = smtp.messages[1:]
    assert invitation["To"] == "laila@example.org" and AR_SIGNATURE in body(invitation)
    assert outcome["To"] == "omar@example.org" and AR_SIGNATURE in body(outcome)
    assert "ليلى حداد" in body(outcome)
    link = re.search(r"http://consult\.test(/ar/password/set/\S+)", body(invitation)).group(1)

    # 5. The nominee chooses a password with the link, and is signed in as a member.
    newcomer = app.test_client()
    page = newcomer.get(link)
    assert page.status_code == 200
    response = newcomer.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                         "password": "a long new password", "confirm": "a long new password"})
    assert response.status_code == 302
    assert newcomer.get("/ar/group/directory").status_code == 200

    # A second decision is refused: nothing changes, no new mail.
    response = post_form(secretariat_client, page_url, {"action": "decline", "reason": "No."})
    assert response.status_code == 200 or response.status_code == 400
    assert nominations.get_application(application.id).status == "selected"
    assert len(smtp.messages) == 3


def test_declined_applicant_is_told_in_their_language(app, client, smtp, secretariat_client, create_call,
                                                     application_form):
    call = create_call()
    form = dict(application_form, org_name="Association des migrants", contact_email="amina@example.org",
                nominee_email="nadia@example.org", nominee_name="Nadia")
    assert post_form(client, f"/fr/group/nominations/{call.id}/apply", form).status_code == 302
    application = _db.session.scalar(select(Application))
    assert application.lang == "fr"
    url = f"/en/group/nominations/applications/{application.id}"
    # No reason: a form error, nothing decided, nothing sent.
    response = post_form(secretariat_client, url, {"action": "decline", "reason": "  "})
    assert response.status_code == 400
    assert nominations.get_application(application.id).status == "received"
    assert len(smtp.messages) == 1
    response = post_form(secretariat_client, url, {"action": "decline", "reason": "Les sièges sont pourvus."})
    assert response.status_code == 302
    outcome = smtp.messages[-1]
    assert outcome["To"] == "amina@example.org"
    assert "Les sièges sont pourvus." in body(outcome) and FR_SIGNATURE in body(outcome)


def test_after_the_deadline_the_form_is_closed(client, create_call, application_form):
    call = create_call(closes_at=utcnow() - timedelta(minutes=1))
    page = client.get(f"/en/group/nominations/{call.id}/apply")
    assert page.status_code == 200 and "closed" in page.get_data(as_text=True)
    token = csrf_token(client.get("/en/login").get_data(as_text=True))
    response = client.post(f"/en/group/nominations/{call.id}/apply", data={"csrf_token": token, **application_form})
    assert response.status_code == 409
    assert _db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_draft_and_unknown_calls_are_404(client, create_call):
    call = create_call(status="draft")
    assert client.get(f"/en/group/nominations/{call.id}/apply").status_code == 404
    assert client.get("/en/group/nominations/999999/apply").status_code == 404
    assert client.get("/en/group/nominations/99999999999/apply").status_code == 404


def test_bad_input_is_a_400_with_errors_and_nothing_saved(client, create_call, application_form):
    call = create_call()
    url = f"/ar/group/nominations/{call.id}/apply"
    cases = [
        dict(application_form, motivation="م" * 4001),
        dict(application_form, org_name="x" * 301),
        dict(application_form, nominee_email="not an address"),
        dict(application_form, country="XX"),
        dict(application_form, consent=""),
        dict(application_form, website_check="http://spam.example"),
        {key: value for key, value in application_form.items() if key != "motivation"},
    ]
    for data in cases:
        response = post_form(client, url, data)
        assert response.status_code == 400, data
        assert 'notice-error' in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Application)) == 0
    assert _db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_the_same_form_sent_twice_makes_one_application(client, smtp, create_call, application_form):
    call = create_call()
    url = f"/en/group/nominations/{call.id}/apply"
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="form_key"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf_token(page), "form_key": key, **application_form}
    assert client.post(url, data=data).status_code == 302
    again = client.post(url, data=data)
    assert again.status_code == 200 and "already" in again.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Application)) == 1
    assert len(smtp.messages) == 1
    # Another form for the same nominee in the same call: a clear error.
    response = post_form(client, url, application_form)
    assert response.status_code == 400
    assert _db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_selection_that_breaks_a_rule_saves_nothing(app, smtp, secretariat_client, create_call, create_term,
                                                    application_form, today):
    create_term(seat=3, email="holder@example.org")
    call = create_call()
    application = nominations.apply(call, application_form, lang="ar").application
    response = post_form(secretariat_client, f"/en/group/nominations/applications/{application.id}",
                         {"action": "select", "role": "member", "seat": "3",
                          "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat()})
    assert response.status_code == 400
    assert "already held" in response.get_data(as_text=True)
    assert nominations.get_application(application.id).status == "received"
    from consult.auth.services import find_user

    assert find_user("laila@example.org") is None
    from consult.core.mail.models import OutboxMessage

    assert smtp.messages == []
    assert _db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1  # the receipt only


def test_declining_an_application_is_not_worded_as_declining_a_meeting(app):
    """"Decline" is one English word for two acts: in Arabic and French they read differently."""
    from flask_babel import force_locale

    from consult.meetings.vocabulary import ANSWER_BUTTONS
    from consult.membership.forms import DecisionForm
    from consult.membership.vocabulary import APPLICATION_STATUS_LABELS

    with app.test_request_context("/ar/"):
        for lang in ("ar", "fr"):
            with force_locale(lang):
                decline_choice = dict((c.value, str(c.label)) for c in DecisionForm.action.kwargs["choices"])["decline"]
                assert decline_choice != str(ANSWER_BUTTONS["declined"])
                assert str(APPLICATION_STATUS_LABELS["declined"]) not in ("Declined", str(ANSWER_BUTTONS["declined"]))
        with force_locale("ar"):
            assert str(APPLICATION_STATUS_LABELS["declined"]) == "مرفوض"


def test_purge_removes_nominations_personal_data_after_the_retention_period(app, db, create_call, application_form,
                                                                            secretariat_client):
    """`consult purge`: nominations to a call closed over CONSULT_RETENTION_MONTHS ago lose who applied and
    whom they nominated; recent ones keep everything; a second run changes nothing."""
    from consult.core.audit.models import AuditEntry

    old_call = create_call(closes_at=utcnow() + timedelta(days=1))
    recent_call = create_call(closes_at=utcnow() + timedelta(days=1))
    made = {}
    for name, call in (("old", old_call), ("recent", recent_call)):
        for n in range(2):
            values = {**application_form, "nominee_email": f"{name}{n}@example.org", "nominee_name": f"PLANTED-{name}-{n}"}
            made[(name, n)] = nominations.apply(call, values, lang="ar").application.id
    nominations.save_call(old_call, closes_at=utcnow() - timedelta(days=25 * 30.5))
    nominations.save_call(recent_call, closes_at=utcnow() - timedelta(days=23 * 30.5))

    result = app.test_cli_runner().invoke(args=["consult", "purge"])
    assert result.exit_code == 0, result.output
    assert "removed from 2 nomination(s)" in result.output
    _db.session.expire_all()
    for (name, n), application_id in made.items():
        application = _db.session.get(Application, application_id)
        if name == "old":
            assert application.personal_data_removed_at is not None
            assert application.nominee_email is None and application.contact_email is None
            assert (application.nominee_name, application.contact_name, application.nominee_phone,
                    application.motivation) == ("", "", "", "")
            assert application.org_name == application_form["org_name"] and application.nominee_gender == "female"
        else:
            assert application.nominee_email == f"recent{n}@example.org" and application.personal_data_removed_at is None
    removed = _db.session.scalars(select(AuditEntry.object_id).where(
        AuditEntry.action == "application.personal_data_removed")).all()
    assert sorted(removed) == sorted([made[("old", 0)], made[("old", 1)]])

    # The secretariat's pages say what happened and show nothing of the planted names; no decision is offered.
    call_page = secretariat_client.get(f"/en/group/nominations/{old_call.id}/").get_data(as_text=True)
    page = secretariat_client.get(f"/en/group/nominations/applications/{made[('old', 0)]}").get_data(as_text=True)
    assert "PLANTED-old" not in call_page + page and "Nominee's name removed" in call_page
    assert "after the retention period" in page and 'name="action"' not in page
    ar_page = secretariat_client.get(f"/ar/group/nominations/applications/{made[('old', 0)]}").get_data(as_text=True)
    assert "PLANTED-old" not in ar_page and 'dir="rtl"' in ar_page

    assert "removed from 0 nomination(s)" in app.test_cli_runner().invoke(args=["consult", "purge"]).output
