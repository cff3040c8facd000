"""The main report (issue 17): approved chapters only, featured quotes, the Word version, the CLI."""
import pytest

from consult.reports import services
from consult.synthesis import services as synthesis
from tests.helpers import pdf_outline, pdf_pages

DRAFT_MARK = "UNAPPROVEDDRAFT"
APPROVED_MARK = "APPROVEDSYNTHESIS"


@pytest.fixture
def chapters(report_call, create_term, secretariat):
    """Objective 7 approved (three quotes, one of them Arabic); objective 6 drafted, not approved."""
    user = create_term(email="rapporteur@example.org", name="Rana Rapporteur").user
    call, made = report_call.consultation, report_call.submissions
    for objective in (6, 7):
        synthesis.assign(call, objective, user, secretariat)
    synthesis.save_draft(call, 7, user, "en", f"{APPROVED_MARK} legal aid desks work.\n\nSecond paragraph.",
                         ["Legal aid works"], ["Abolish sponsorship", "Portable social security", "Legal aid everywhere"],
                         [(made["public_en"].id, "recommendations"), (made["public_en"].id, "good_practices"),
                          (made["public_ar"].id, "challenges")])
    synthesis.approve(call, 7, secretariat, 1)
    synthesis.save_draft(call, 6, user, "en", f"{DRAFT_MARK} text.", ["M"], ["A", "B", "C"], [])
    return user


def test_main_report_has_approved_chapters_and_quotes_only(report_call, chapters, tmp_path):
    report, _ = services.build_now(report_call.consultation, "en", part="main")
    assert report.status == "ready", report.error
    assert report.part == "main" and report.docx_name
    data = open(services.file_path(report), "rb").read()
    text = "\n".join(pdf_pages(data, tmp_path))
    assert APPROVED_MARK in text
    assert DRAFT_MARK not in text
    assert report_call.recommendation in text            # a featured quote
    assert "Tamkeen Fields" in text                       # named: public
    assert report_call.canary not in text and report_call.anonymous_name not in text
    assert "Rana Rapporteur" in text
    reader, outline = pdf_outline(data)
    titles = [title for title, _page, _depth in outline]
    assert any("Objective 7" in title for title in titles) and any("Methodology" in title for title in titles)
    assert "/StructTreeRoot" in reader.trailer["/Root"]   # tagged (PDF/UA)
    # The annex is another document with its own contents.
    annex, _ = services.build_now(report_call.consultation, "en", part="annex")
    assert annex.id != report.id and annex.part == "annex"
    annex_text = "\n".join(pdf_pages(open(services.file_path(annex), "rb").read(), tmp_path))
    assert "Contents" in annex_text and APPROVED_MARK not in annex_text
    # Unchanged inputs: the stored build.
    assert services.build_now(report_call.consultation, "en", part="main") == (report, True)


def test_an_edit_after_approval_leaves_the_chapter_out(report_call, chapters, tmp_path):
    call, made = report_call.consultation, report_call.submissions
    synthesis.save_draft(call, 7, chapters, "en", f"{DRAFT_MARK} rewritten.", ["X"], ["A", "B", "C"],
                         [(made["public_en"].id, "recommendations")])
    report, _ = services.build_now(call, "en", part="main")
    text = "\n".join(pdf_pages(open(services.file_path(report), "rb").read(), tmp_path))
    assert DRAFT_MARK not in text and APPROVED_MARK not in text


def test_word_version_is_real_and_arabic_is_right_to_left(report_call, chapters):
    from docx import Document

    report, _ = services.build_now(report_call.consultation, "ar", part="main")
    assert report.status == "ready", report.error
    document = Document(services.docx_path(report))
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) > 5
    body = "\n".join(p.text for p in document.paragraphs)
    body += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert APPROVED_MARK in body and DRAFT_MARK not in body
    assert report_call.canary not in body and report_call.anonymous_name not in body
    assert "contact@example.org" not in body
    arabic = [p for p in document.paragraphs if "إلغاء" in p.text or "العمال" in p.text]
    assert arabic, "the Arabic quote is missing"
    for paragraph in arabic:
        assert paragraph._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi") is not None
    assert len(document.tables) >= 2


def test_docx_download_follows_the_pdf(app, client, report_call, chapters, secretariat):
    report, _ = services.build_now(report_call.consultation, "fr", part="main")
    assert client.get(f"/en/reports/{report.id}.docx").status_code == 404  # not published
    services.publish(report, secretariat)
    response = client.get(f"/en/reports/{report.id}.docx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert "input-report-review-2026-fr.docx" in response.headers["Content-Disposition"]
    annex, _ = services.build_now(report_call.consultation, "fr", part="annex")
    services.publish(annex, secretariat)
    assert client.get(f"/en/reports/{annex.id}.docx").status_code == 404
    listed = client.get("/api/reports").get_json()
    assert {(item["lang"], item["part"]) for item in listed} == {("fr", "main"), ("fr", "annex")}


def test_cli_builds_each_part_and_format(app, report_call, chapters, tmp_path):
    runner = app.test_cli_runner()
    for args, magic in (([], b"%PDF"), (["--part", "annex"], b"%PDF"), (["--format", "docx"], b"PK")):
        target = tmp_path / "out"
        result = runner.invoke(args=["consult", "report", "build", "review-2026", "--lang", "ar", *args,
                                     "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert target.read_bytes()[:len(magic)] == magic
    refused = runner.invoke(args=["consult", "report", "build", "review-2026", "--lang", "ar", "--part", "annex",
                                  "--format", "docx", "-o", str(tmp_path / "x")])
    assert refused.exit_code != 0


@pytest.mark.parametrize("lang", ["ar", "en", "fr"])
def test_preview_and_workspace_offer_both_documents(secretariat_client, report_call, chapters, lang):
    page = secretariat_client.get(f"/{lang}/reports/review-2026/preview?part=main")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert APPROVED_MARK in html and DRAFT_MARK not in html and report_call.canary not in html
    assert secretariat_client.get(f"/{lang}/reports/review-2026/preview?part=other").status_code == 404
    workspace = secretariat_client.get(f"/{lang}/reports/review-2026/").get_data(as_text=True)
    assert 'name="part"' in workspace and "part=main" in workspace and "/reports/review-2026/rapporteurs" in workspace
