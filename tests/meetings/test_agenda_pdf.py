"""The agenda PDF, built by the real WeasyPrint and read back with pypdf and poppler's pdftotext/pdftoppm."""
import io
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from consult.core import pdf

ARTIFACTS = Path(__file__).resolve().parent.parent / "browser" / "artifacts"
TITLES = {"ar": "اجتماع الفريق الاستشاري", "en": "Advisory group meeting", "fr": "Réunion du groupe consultatif"}
AGENDA = [
    {"title": {"en": "Opening ITEM-X7", "fr": "Ouverture ITEM-X7", "ar": "افتتاح ITEM-X7"},
     "description": {"en": "Welcome.", "ar": "ترحيب"}, "presenter": "Amina Haddad", "duration_minutes": 15,
     "objectives": [7]},
    {"title": {"en": "Data ITEM-Q2", "ar": "البيانات ITEM-Q2"}, "presenter": "Karim Nasser", "duration_minutes": 45},
]


def pdftotext(data):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def fetch(client, meeting, lang):
    response = client.get(f"/{lang}/meetings/{meeting.id}/agenda.pdf")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="agenda-{meeting.id}-{lang}.pdf"'
    return response.data


def test_agenda_pdf_in_three_languages(client, create_meeting):
    meeting = create_meeting(agenda=AGENDA, venue="Conference Centre", languages=["ar", "en", "fr"])
    for lang in ("en", "fr", "ar"):
        started = time.perf_counter()
        data = fetch(client, meeting, lang)
        print(f"agenda PDF ({lang}): {time.perf_counter() - started:.2f} s, {len(data)} bytes")
        assert data.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(data))
        assert reader.metadata.title == TITLES[lang]
        assert reader.metadata.author == "consult"
        assert reader.trailer["/Root"]["/Lang"] == lang
        text = pdftotext(data)
        assert "ITEM-X7" in text and "ITEM-Q2" in text
        assert text.index("ITEM-X7") < text.index("ITEM-Q2")  # in order
        assert "Amina Haddad" in text and "Karim Nasser" in text
        assert "Conference Centre" in text and "Africa/Cairo" in text
        assert "secret-room" not in text and b"secret-room" not in data
        assert "1 / 1" in text  # the page number in the footer
        if lang == "ar":
            assert "ترحيب" in text  # short words only: Arabic extraction is imperfect
            fonts = {str(font["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
            face = pdf.font_report().replace(" ", "-")
            assert any(face in name for name in fonts), fonts  # the face font_report() announced
        elif lang == "fr":
            assert "Ouverture ITEM-X7" in text and "Page" in text
        else:
            assert "Presented by" in text and "Page" in text


def test_arabic_page_rendered_to_png(client, create_meeting):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    meeting = create_meeting(agenda=AGENDA, venue="مركز المؤتمرات", address="القاهرة")
    data = fetch(client, meeting, "ar")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-singlefile", "-", str(ARTIFACTS / "agenda-ar")],
                   input=data, check=True)
    png = ARTIFACTS / "agenda-ar.png"
    assert png.read_bytes().startswith(b"\x89PNG")


def test_restricted_fetcher_refuses_local_files_and_network(app):
    fetcher = pdf.RestrictedFetcher()
    for url in ("file:///etc/passwd", "http://127.0.0.1/", "https://example.org/x.css",
                pdf.default_base_url() + "../base.html", pdf.default_base_url() + "../../consult/config.py"):
        with pytest.raises(pdf.FetchRefused):
            fetcher.fetch(url)
    css = fetcher.fetch(pdf.default_base_url() + "pdf.css")
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_leaking_html_still_builds_without_the_file(app):
    secret = Path("/etc/passwd").read_text().splitlines()[0].split(":")[0]  # "root"
    html = ('<!doctype html><html lang="en"><head><title>Leak test</title>'
            '<link rel="stylesheet" href="file:///etc/passwd"><link rel="stylesheet" href="pdf.css"></head>'
            '<body><p>MARKER-L9</p><img src="file:///etc/passwd" alt="">'
            '<object data="file:///etc/passwd"></object><img src="http://127.0.0.1:9/x.png" alt="">'
            '<iframe src="file:///etc/passwd"></iframe></body></html>')
    data = pdf.render_pdf(html, title="Leak test", lang="en")
    assert data.startswith(b"%PDF")
    assert PdfReader(io.BytesIO(data)).metadata.title == "Leak test"
    text = pdftotext(data)
    assert "MARKER-L9" in text
    assert secret not in text and "/bin/" not in text


def test_members_meeting_pdf_is_hidden_from_anonymous(client, member_client, create_meeting):
    meeting = create_meeting(visibility="members", agenda=AGENDA[:1])
    assert client.get(f"/en/meetings/{meeting.id}/agenda.pdf").status_code == 404
    response = member_client.get(f"/en/meetings/{meeting.id}/agenda.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "private, no-store"


def test_meeting_page_links_to_the_pdf(client, create_meeting):
    meeting = create_meeting()
    page = client.get(f"/fr/meetings/{meeting.id}/").get_data(as_text=True)
    assert f'/fr/meetings/{meeting.id}/agenda.pdf' in page


def test_font_report_names_the_arabic_face():
    assert pdf.font_report() in ("Noto Naskh Arabic", "DejaVu Sans")
