"""Rapporteurs and drafting (issue 17): assignment by the roster, what a rapporteur sees, versions,
diffs, comments, approval undone by an edit."""
import pytest

from consult.synthesis import services
from consult.synthesis.models import Chapter, ChapterVersion
from consult.core.extensions import db as _db
from tests.helpers import login, post_form

SLUG = "review-2026"


@pytest.fixture
def rapporteur(create_term, report_call, secretariat):
    term = create_term(email="rapporteur@example.org", name="Rana Rapporteur")
    services.assign(report_call.consultation, 7, term.user, secretariat)
    return term.user


def quotes_of(call, *keys):
    made = call.submissions
    return [f"{made[key].id}:{field}" for key, field in keys]


def draft_data(call, **overrides):
    data = {"lang": "en", "synthesis": "Organisations describe legal aid desks.\n\nThey ask for portability.",
            "key_messages": "Legal aid works\nPortability matters",
            "recommendations": "Abolish sponsorship\nPortable social security\nLegal aid in every governorate",
            "quotes": quotes_of(call, ("public_en", "good_practices"), ("public_en", "recommendations"),
                                ("public_ar", "challenges"))}
    data.update(overrides)
    return data


def test_only_current_members_for_objectives_with_input(secretariat_client, report_call, create_term, create_user,
                                                        today):
    from datetime import timedelta

    current = create_term(email="current@example.org", name="Current Member")
    past = create_term(email="past@example.org", name="Past Member", seat=2,
                       starts_on=today - timedelta(days=500), ends_on=today - timedelta(days=10))
    page = secretariat_client.get(f"/en/reports/{SLUG}/rapporteurs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Current Member" in html and "Past Member" not in html
    bad = post_form(secretariat_client, f"/en/reports/{SLUG}/rapporteurs", {"objective": 7, "member": past.user.id})
    assert bad.status_code == 400
    no_input = post_form(secretariat_client, f"/en/reports/{SLUG}/rapporteurs", {"objective": 23, "member": current.user.id})
    assert no_input.status_code == 400
    ok = post_form(secretariat_client, f"/en/reports/{SLUG}/rapporteurs", {"objective": 7, "member": current.user.id})
    assert ok.status_code == 303
    assert [r.user_id for r in services.rapporteurs_of(report_call.consultation)[7]] == [current.user.id]
    with pytest.raises(services.SynthesisError):
        services.assign(report_call.consultation, 6, past.user, None)


@pytest.mark.parametrize("lang", ["ar", "en", "fr"])
def test_a_rapporteur_sees_what_the_policy_lets_a_member_see(app, report_call, rapporteur, lang):
    client = app.test_client()
    login(client, "rapporteur@example.org")
    page = client.get(f"/{lang}/reports/{SLUG}/chapters/7/edit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert report_call.canary not in html and report_call.anonymous_name not in html
    assert "contact@example.org" not in html
    assert "Tamkeen Fields" in html and "إلغاء نظام الكفالة" in html
    only_arabic = client.get(f"/{lang}/reports/{SLUG}/chapters/7/edit?language=ar").get_data(as_text=True)
    assert "إلغاء نظام الكفالة" in only_arabic and "Legal aid desks" not in only_arabic
    # The anonymous submission's text is there in its own chapter, without its name.
    services.assign(report_call.consultation, 16, rapporteur, None)
    anonymous = client.get(f"/{lang}/reports/{SLUG}/chapters/16/edit").get_data(as_text=True)
    assert "Open the labour market to refugees." in anonymous
    assert report_call.anonymous_name not in anonymous and report_call.canary not in anonymous


def test_draft_versions_diff_comments_and_approval_undone_by_an_edit(app, report_call, rapporteur,
                                                                     secretariat_client, create_term):
    client = app.test_client()
    login(client, "rapporteur@example.org")
    url = f"/en/reports/{SLUG}/chapters/7/edit"
    assert post_form(client, url, draft_data(report_call)).status_code == 303
    chapter = _db.session.query(Chapter).one()
    assert chapter.last_number == 1 and not chapter.is_approved
    # The secretariat approves version 1.
    response = post_form(secretariat_client, f"/en/reports/{SLUG}/chapters/7/approve", {"version": "1"},
                         get_url=f"/en/reports/{SLUG}/chapters/7")
    assert response.status_code == 303
    _db.session.refresh(chapter)
    assert chapter.is_approved and chapter.approved_number == 1
    # Another member comments.
    create_term(email="other@example.org", name="Omar Other", seat=3)
    other = app.test_client()
    login(other, "other@example.org")
    assert other.get(url).status_code == 403
    assert post_form(other, f"/en/reports/{SLUG}/chapters/7/comments", {"text": "Add domestic workers."},
                     get_url=f"/en/reports/{SLUG}/chapters/7").status_code == 303
    assert "Add domestic workers." in other.get(f"/en/reports/{SLUG}/chapters/7").get_data(as_text=True)
    # An edit makes version 2 and undoes the approval.
    edited = draft_data(report_call, recommendations="Abolish sponsorship\nPortable social security\n"
                                                     "Include domestic workers in labour law")
    assert post_form(client, url, edited).status_code == 303
    _db.session.refresh(chapter)
    assert chapter.last_number == 2 and not chapter.is_approved and chapter.approved_number is None
    # Saving the same text again makes no version.
    assert post_form(client, url, edited).status_code == 303
    assert _db.session.query(ChapterVersion).count() == 2
    diff = client.get(f"/en/reports/{SLUG}/chapters/7/versions?old=1&new=2").get_data(as_text=True)
    assert "<del>− 3. Legal aid in every governorate</del>" in diff
    assert "<ins>+ 3. Include domestic workers in labour law</ins>" in diff
    # A stale approval (of version 1) approves nothing.
    stale = post_form(secretariat_client, f"/en/reports/{SLUG}/chapters/7/approve", {"version": "1"},
                      get_url=f"/en/reports/{SLUG}/chapters/7")
    assert stale.status_code == 303
    _db.session.refresh(chapter)
    assert not chapter.is_approved


def test_bad_drafts_are_refused_whole(app, report_call, rapporteur):
    client = app.test_client()
    login(client, "rapporteur@example.org")
    url = f"/en/reports/{SLUG}/chapters/7/edit"
    confidential = f"{report_call.submissions['confidential'].id}:good_practices"
    for data in (draft_data(report_call, quotes=[confidential]),
                 draft_data(report_call, quotes=["x:y"]),
                 draft_data(report_call, recommendations="\n".join(f"R{n}" for n in range(8))),
                 draft_data(report_call, lang="de"),
                 draft_data(report_call, synthesis="x" * 20_001)):
        response = post_form(client, url, data)
        assert response.status_code == 400
        assert report_call.canary not in response.get_data(as_text=True)
    assert _db.session.query(ChapterVersion).count() == 0
    assert client.get(f"/en/reports/{SLUG}/chapters/99/edit").status_code == 404
    assert client.get(f"/en/reports/{SLUG}/chapters/7/versions?old=a&new=2").status_code == 400


def test_approval_needs_a_complete_chapter(report_call, rapporteur, secretariat):
    services.save_draft(report_call.consultation, 7, rapporteur, "en", "Text.", ["One"], ["A", "B"], [])
    with pytest.raises(services.SynthesisError) as error:
        services.approve(report_call.consultation, 7, secretariat, 1)
    assert error.value.code == "few_recommendations"
    with pytest.raises(services.SynthesisError):
        services.approve(report_call.consultation, 7, rapporteur, 1)


def test_chapter_submissions_sorted_by_language(app, report_call, rapporteur):
    client = app.test_client()
    login(client, "rapporteur@example.org")
    html = client.get(f"/en/reports/{SLUG}/chapters/7/edit?sort=language").get_data(as_text=True)
    assert html.index("إلغاء نظام الكفالة") < html.index("Legal aid desks")  # ar before en
    assert client.get(f"/en/reports/{SLUG}/chapters/7/edit?sort=nonsense").status_code == 200
