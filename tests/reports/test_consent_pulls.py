"""A published report never outlives the consent it was built on (issue 13, finding 2): a build
resting on a submission that became stricter, was withdrawn or excluded, whose call was reopened, or
that a newer published build replaced, answers 410 to everyone but the secretariat and is listed
nowhere; the secretariat's page says which builds were pulled and why."""
from datetime import timedelta

from sqlalchemy import select

from consult.core.audit.models import AuditEntry
from consult.consultations import services as consultations
from consult.core.database import utcnow
from consult.core.extensions import db as _db
from consult.reports import services
from tests.helpers import csrf_token, pdf_pages



def _link(submission):
    """A fresh private link for a submission made by the fixture (its first link went by e-mail)."""
    token = f"tok{submission.id}" + "x" * 40
    submission.token_hash = consultations._hash_token(token)
    _db.session.commit()
    return f"/en/submissions/{token}/"


def _published(report_call, secretariat, lang="en"):
    report, _ = services.build_now(report_call.consultation, lang)
    assert report.status == "ready", report.error
    services.publish(report, secretariat)
    return report


def _listed(client):
    return [item["id"] for item in client.get("/api/reports").get_json()]


def test_narrowing_by_link_after_publication_pulls_every_build_resting_on_it(
        report_call, secretariat, secretariat_client, client, member_client, smtp, tmp_path):
    public = report_call.submissions["public_en"]
    report = _published(report_call, secretariat)
    url = f"/en/reports/{report.id}.pdf"
    assert client.get(url).status_code == 200 and _listed(client) == [report.id]

    # The call closed long ago; the organisation makes its public submission confidential through its link.
    link = _link(public)
    page = client.get(link).get_data(as_text=True)
    assert "Make it stricter" in page
    response = client.post(link + "consent", data={"csrf_token": csrf_token(page), "level": "confidential"})
    assert response.status_code == 303
    _db.session.expire_all()
    assert public.confidentiality == "confidential"
    # The submitter is told, in their language, by mail.
    assert any("Tamkeen" not in m["Subject"] and public.reference in m["Subject"] for m in smtp.messages)

    # The old PDF is gone for everyone but the secretariat; 410 with a page in the reader's language.
    for reader in (client, member_client):
        gone = reader.get(f"/fr/reports/{report.id}.pdf")
        assert gone.status_code == 410
        assert "n'est plus disponible" in gone.get_data(as_text=True)
    assert _listed(client) == []
    assert f"/reports/{report.id}.pdf" not in client.get("/en/reports/").get_data(as_text=True)
    assert secretariat_client.get(url).status_code == 200
    workspace = secretariat_client.get(f"/en/reports/{report_call.consultation.slug}/").get_data(as_text=True)
    assert "Pulled" in workspace and "made its submission stricter" in workspace
    # A pulled build can't be published again.
    response = secretariat_client.post(f"/en/reports/builds/{report.id}/publish",
                                       data={"csrf_token": csrf_token(workspace), "action": "publish"})
    assert response.status_code == 303
    _db.session.expire_all()
    assert services.get(report.id).pulled_reason == "consent"

    # Rebuilt: a new build (never the pulled one reused), without the organisation's name or text.
    rebuilt = _published(report_call, secretariat)
    assert rebuilt.id != report.id
    text = "\n".join(pdf_pages(open(services.file_path(rebuilt), "rb").read(), tmp_path))
    assert "Tamkeen Fields" not in text and report_call.recommendation not in text
    assert client.get(f"/en/reports/{rebuilt.id}.pdf").status_code == 200
    # The old one still answers 410, now pointing to the current report.
    gone = client.get(url).get_data(as_text=True)
    assert f"/reports/{rebuilt.id}.pdf" in gone
    assert _listed(client) == [rebuilt.id]


def test_withdrawal_and_exclusion_pull_and_a_newer_build_supersedes(report_call, secretariat, client):
    first = _published(report_call, secretariat)
    services.save_setup(report_call.consultation, secretariat, summary={"en": "A summary."}, methodology={},
                        arabic_digits=False)
    second = _published(report_call, secretariat)
    assert client.get(f"/en/reports/{first.id}.pdf").status_code == 410  # superseded
    assert "A newer version" in client.get(f"/en/reports/{first.id}.pdf").get_data(as_text=True)
    assert client.get(f"/en/reports/{second.id}.pdf").status_code == 200

    # A withdrawal after the deadline (consent narrows at any time) pulls it.
    confidential = report_call.submissions["confidential"]  # only counted in the report: still pulled
    link = _link(confidential)
    confirm = client.get(link + "withdraw")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.get_data(as_text=True)
    assert client.post(link + "withdraw", data={"csrf_token": csrf_token(confirm.get_data(as_text=True))}).status_code == 303
    assert client.get(f"/en/reports/{second.id}.pdf").status_code == 410
    _db.session.expire_all()
    assert services.get(second.id).pulled_reason == "withdrawn"

    third = _published(report_call, secretariat)
    consultations.bulk_set_status([report_call.submissions["anonymous"]], "excluded", secretariat, reason="Off topic")
    assert client.get(f"/en/reports/{third.id}.pdf").status_code == 410
    _db.session.expire_all()
    assert services.get(third.id).pulled_reason == "excluded"


def test_reopening_a_call_pulls_its_reports(report_call, secretariat, client):
    report = _published(report_call, secretariat)
    report_call.consultation.status = "open"
    report_call.consultation.closes_at = utcnow() + timedelta(days=3)
    _db.session.commit()
    assert client.get(f"/en/reports/{report.id}.pdf").status_code == 410
    assert _listed(client) == []
    # Closed again with nothing changed: the pulled build is not served again, nor reused.
    report_call.consultation.status = "closed"
    report_call.consultation.closes_at = utcnow() - timedelta(hours=1)
    _db.session.commit()
    assert client.get(f"/en/reports/{report.id}.pdf").status_code == 410
    again, reused = services.build_now(report_call.consultation, "en")
    assert not reused and again.id != report.id


def test_the_secretariat_records_an_organisation_s_request(report_call, secretariat, secretariat_client, client):
    report = _published(report_call, secretariat)
    public = report_call.submissions["public_fr"]
    page = secretariat_client.get(f"/en/review/{public.id}").get_data(as_text=True)
    assert "The organisation's request" in page
    # Without a reason: refused, nothing changed.
    response = secretariat_client.post(f"/en/review/{public.id}/consent",
                                       data={"csrf_token": csrf_token(page), "change": "anonymous"})
    assert response.status_code == 400
    _db.session.expire_all()
    assert public.confidentiality == "public"
    response = secretariat_client.post(f"/en/review/{public.id}/consent", data={
        "csrf_token": csrf_token(page), "change": "anonymous", "reason": "Phone call from the director, 3 December"})
    assert response.status_code == 303
    _db.session.expire_all()
    assert public.confidentiality == "anonymous"
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "submission.consent_narrowed"))
    assert entry.actor_id == secretariat.id and entry.details["reason"].startswith("Phone call")
    assert entry.details["before"] == "public" and entry.details["after"] == "anonymous"
    assert client.get(f"/en/reports/{report.id}.pdf").status_code == 410
    # Never looser again: the secretariat is offered only stricter levels, and cannot undo a withdrawal.
    page = secretariat_client.get(f"/en/review/{public.id}").get_data(as_text=True)
    assert 'value="public"' not in page.split('id="consent"')[1]
    secretariat_client.post(f"/en/review/{public.id}/consent", data={
        "csrf_token": csrf_token(page), "change": "withdraw", "reason": "E-mail of 4 December"})
    response = secretariat_client.post(f"/en/review/{public.id}/status",
                                       data={"csrf_token": csrf_token(page), "status": "included"})
    assert response.status_code == 400 and "stays withdrawn" in response.get_data(as_text=True)
    _db.session.expire_all()
    assert public.status == "withdrawn"


def test_a_submitter_never_loosens_after_the_deadline(report_call, client):
    anonymous = report_call.submissions["anonymous"]
    link = _link(anonymous)
    page = client.get(link).get_data(as_text=True)
    response = client.post(link + "consent", data={"csrf_token": csrf_token(page), "level": "public"})
    assert response.status_code == 400
    _db.session.expire_all()
    assert anonymous.confidentiality == "anonymous"
