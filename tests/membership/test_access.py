"""Who may open each page of the group: one table, every route of the two blueprints."""
import pytest

from tests.helpers import csrf_token, login

BLUEPRINTS = ("membership", "membership_admin")
# endpoint -> who may open it: "public", "signed_in" (members and the secretariat), "secretariat"
ACCESS = {
    "membership.roster": "public",
    "membership.apply": "public",
    "membership.applied": "public",
    "membership.directory": "signed_in",
    "membership.my_listing": "signed_in",
    "membership_admin.manage": "secretariat",
    "membership_admin.history": "secretariat",
    "membership_admin.term_new": "secretariat",
    "membership_admin.term_edit": "secretariat",
    "membership_admin.term_end": "secretariat",
    "membership_admin.settings": "secretariat",
    "membership_admin.export": "secretariat",
    "membership_admin.balance": "secretariat",
    "membership_admin.organisations": "secretariat",
    "membership_admin.organisation_new": "secretariat",
    "membership_admin.organisation_edit": "secretariat",
    "membership_admin.calls": "secretariat",
    "membership_admin.call_new": "secretariat",
    "membership_admin.call_edit": "secretariat",
    "membership_admin.call_show": "secretariat",
    "membership_admin.application": "secretariat",
}
EXPECTED = {
    # who: (anonymous, member, secretariat)
    "public": (200, 200, 200),
    "signed_in": ("login", 200, 200),
    "secretariat": ("login", 403, 403),
}


def membership_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in BLUEPRINTS]


def test_every_route_is_in_the_table(app):
    assert {rule.endpoint for rule in membership_rules(app)} == set(ACCESS)


@pytest.fixture
def objects(create_term, create_call, create_organisation, application_form):
    from consult.membership import nominations

    term = create_term(email="held@example.org")
    call = create_call()
    application = nominations.apply(call, application_form, lang="ar").application
    return {"term_id": term.id, "call_id": call.id, "organisation_id": term.organisation_id,
            "application_id": application.id, "fmt": "csv"}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_role_checks_on_every_membership_route(app, client, member, secretariat, objects, lang):
    clients = {"anonymous": client, "member": login(app.test_client(), member.email),
               "secretariat": login(app.test_client(), secretariat.email)}
    failures = []
    for rule in membership_rules(app):
        values = {name: objects[name] for name in rule.arguments if name != "lang"}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, lang=lang, **values)
        anonymous, as_member, as_secretariat = EXPECTED[ACCESS[rule.endpoint]]
        if ACCESS[rule.endpoint] == "secretariat":
            as_secretariat = 200
        for who, expected in (("anonymous", anonymous), ("member", as_member), ("secretariat", as_secretariat)):
            response = clients[who].get(url)
            if expected == "login":
                ok = response.status_code == 302 and "/login" in response.headers["Location"]
            else:
                ok = response.status_code == expected
            if not ok:
                failures.append((rule.endpoint, who, response.status_code, expected))
    assert failures == []


def test_posts_are_refused_the_same_way(app, client, member, objects, create_call):
    """A member's or a stranger's POST to a secretariat form changes nothing."""
    from consult.membership import nominations, services

    member_client = login(app.test_client(), member.email)
    token = csrf_token(member_client.get("/en/group/my-listing").get_data(as_text=True))
    response = member_client.post(f"/en/group/nominations/applications/{objects['application_id']}",
                                  data={"csrf_token": token, "action": "shortlist"})
    assert response.status_code == 403
    anonymous = client.post(f"/en/group/manage/terms/{objects['term_id']}/end",
                            data={"ended_on": "2026-01-01", "reason": "resigned"})
    assert anonymous.status_code in (302, 400)
    assert nominations.get_application(objects["application_id"]).status == "received"
    assert services.get_term(objects["term_id"]).ended_on is None
