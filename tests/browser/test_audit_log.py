"""The audit log as the secretariat reads it (issue 15, point 15): every entry a sentence in the reader's
language, in Arabic and French as in English: no stored codes ("term.created", "role: member; seat: 1")."""
import re
from datetime import timedelta

import pytest

from consult.consultations import services as consultations
from consult.membership import nominations
from consult.membership import services as membership
from consult.organisations.services import save_organisation
from tests.browser.test_journeys import check, sign_in
from tests.helpers import SUBMISSION_FORM

CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b|\b[a-z_]+: [\w-]+;|\bterms \d|\bnomination_")


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_every_audit_entry_is_a_sentence_in_the_readers_language(new_page, create_user, create_consultation, db,
                                                                 lang, blocked_requests, console_errors):
    staff = create_user(email=f"staff-audit-{lang}@example.org", role="secretariat", name="Rania Staff")
    reviewer = create_user(email=f"reviewer-{lang}@example.org", name="Reviewer")
    consultation = create_consultation(slug=f"audit-{lang}")
    submission = consultations.submit(consultation, dict(SUBMISSION_FORM), page_lang="en").submission
    consultations.set_status(submission, "excluded", staff, reason="Off topic")
    consultations.assign_reviewers(consultation, [reviewer.id], staff)
    today = membership.today()
    organisation = save_organisation(name="Réseau audit", name_lang="fr", constituency="civil_society",
                                                country="MA", countries_of_work=["MA"], other_names={},
                                                acronym="", website="", migrant_led=False)
    term = membership.add_term(reviewer, organisation, seat=1, role="member", starts_on=today - timedelta(days=5),
                               ends_on=today + timedelta(days=300), actor=staff)
    membership.update_term(term, actor=staff, seat=2, tor_accepted_on=today - timedelta(days=5))
    membership.end_term(term, today, "resigned", actor=staff)
    nominations.save_call(title={"en": "Call for nominations"}, description={"en": "Members wanted."}, seats=2,
                         timezone="Asia/Beirut", status="open", closes_at=membership.utcnow() + timedelta(days=9),
                         actor=staff)
    email = staff.email
    db.session.commit()

    page = new_page(locale=lang)
    sign_in(page, email, lang)
    page.goto(f"/{lang}/review/audit")
    check(page)
    rows = page.locator("table.review-audit tbody tr").all_inner_texts()
    assert len(rows) >= 7
    for row in rows:
        assert not CODE.search(row), row
        if lang == "ar":
            what = row.split("\t")[2]
            assert re.search("[\u0600-\u06FF]", what), row
    text = "\n".join(rows)
    if lang == "fr":
        assert "Mandat au sein du groupe ajouté" in text and "Siège 1, en tant que Membre." in text
        assert "Motif : Démission." in text or "Démission" in text
    assert blocked_requests == [] and console_errors == []
