"""Translating the main report (issue 17): what is untranslated per language, translators, marking."""
import pytest

from consult.synthesis import services as synthesis
from consult.synthesis import translation
from consult.reports import services as reports
from tests.helpers import login, pdf_pages, post_form

SLUG = "review-2026"


@pytest.fixture
def approved(report_call, create_term, secretariat):
    user = create_term(email="rapporteur@example.org", name="Rana Rapporteur").user
    made = report_call.submissions
    synthesis.assign(report_call.consultation, 7, user, secretariat)
    synthesis.save_draft(report_call.consultation, 7, user, "en", "ENGLISHSYNTHESIS text.", ["Legal aid works"],
                         ["Abolish sponsorship", "Portable social security", "Legal aid everywhere"],
                         [(made["public_en"].id, "recommendations"), (made["public_en"].id, "good_practices"),
                          (made["public_ar"].id, "challenges")])
    synthesis.approve(report_call.consultation, 7, secretariat, 1)
    return user


def test_workspace_lists_untranslated_parts_and_translators_confirm(app, report_call, approved, secretariat_client,
                                                                    create_term, tmp_path):
    call, made = report_call.consultation, report_call.submissions
    chapters, quotes = translation.workspace(call, "fr")
    assert [item["state"] for item in chapters] == ["missing"]
    assert {(q["submission"].id, q["field"]) for q in quotes} == {
        (made["public_en"].id, "recommendations"), (made["public_en"].id, "good_practices"),
        (made["public_ar"].id, "challenges")}
    assert not translation.is_complete(call, "fr")
    # The French report marks the untranslated chapter.
    report, _ = reports.build_now(call, "fr", part="main")
    text = "\n".join(pdf_pages(open(reports.file_path(report), "rb").read(), tmp_path))
    assert "ENGLISHSYNTHESIS" in text and "Pas encore traduit" in text
    # A member named translator for French translates; another member may not.
    translator = create_term(email="translator@example.org", name="Tariq Translator", seat=4).user
    response = post_form(secretariat_client, f"/en/reports/{SLUG}/translations/",
                         {"lang": "fr", "member": translator.id})
    assert response.status_code == 303
    client = app.test_client()
    login(client, "translator@example.org")
    assert client.get(f"/en/reports/{SLUG}/translations/ar").status_code == 403
    page = client.get(f"/fr/reports/{SLUG}/translations/fr")
    assert page.status_code == 200 and report_call.canary not in page.get_data(as_text=True)
    incomplete = post_form(client, f"/fr/reports/{SLUG}/translations/fr/chapters/7",
                           {"synthesis": "SYNTHESEFR.", "key_messages": "", "recommendations": "A", "confirm": "y"})
    assert incomplete.status_code == 400
    done = post_form(client, f"/fr/reports/{SLUG}/translations/fr/chapters/7",
                     {"synthesis": "SYNTHESEFR texte.", "key_messages": "L'aide juridique fonctionne",
                      "recommendations": "Abolir le parrainage\nSécurité sociale portable\nAide juridique partout",
                      "confirm": "y"})
    assert done.status_code == 303
    for item in quotes:
        response = post_form(client, f"/fr/reports/{SLUG}/translations/fr/quotes/{item['submission'].id}/{item['field']}",
                             {"text": "Texte traduit.", "confirm": "y"}, get_url=f"/fr/reports/{SLUG}/translations/fr")
        assert response.status_code == 303
    assert translation.is_complete(call, "fr")
    report, _ = reports.build_now(call, "fr", part="main")
    text = "\n".join(pdf_pages(open(reports.file_path(report), "rb").read(), tmp_path))
    assert "SYNTHESEFR" in text and "ENGLISHSYNTHESIS" not in text and "Pas encore traduit" not in text
    # A confidential submission's text is never offered for translation here.
    confidential = made["confidential"]
    refused = post_form(client, f"/fr/reports/{SLUG}/translations/fr/quotes/{confidential.id}/good_practices",
                        {"text": "x", "confirm": "y"}, get_url=f"/fr/reports/{SLUG}/translations/fr")
    assert refused.status_code == 404
    # A later approved edit makes the translation outdated.
    synthesis.save_draft(call, 7, approved, "en", "ENGLISHSYNTHESIS v2.", ["Legal aid works"],
                         ["Abolish sponsorship", "Portable social security", "Legal aid everywhere"],
                         [(made["public_en"].id, "recommendations"), (made["public_en"].id, "good_practices"),
                          (made["public_ar"].id, "challenges")])
    assert translation.workspace(call, "fr")[0] == []  # nothing approved: nothing to translate
