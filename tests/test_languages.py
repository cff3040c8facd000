"""Languages declared once (consult/core/languages.py): a fourth, right-to-left language registered
through the registry alone (Persian, with an empty catalog) gets its pages, its submissions and its report."""
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from consult.consultations import services as consultations
from consult.consultations.models import Submission
from consult.core import languages
from consult.core.database import utcnow
from consult.reports import services as reports
from tests.helpers import login, make_app, post_form

ROOT = Path(__file__).resolve().parent.parent
PERSIAN = languages.Language("fa", "فارسی", "rtl", "nplurals=2; plural=(n > 1);", digits="arabext",
                             typeface=("Noto Naskh Arabic",), fallback="en")
PERSIAN_DIGITS = re.compile("[\u06f0-\u06f9]")
ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669]")


@pytest.fixture
def persian_catalog(tmp_path):
    """An empty Persian catalog (what `pybabel init -l fa` and `pybabel compile` make before any translation)."""
    folder = tmp_path / "translations" / "fa" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as handle:
        write_mo(handle, Catalog(locale="fa"))
    return tmp_path / "translations"


@pytest.fixture
def persian_app(database_url, persian_catalog):
    """The app built with Persian registered: the registry's API and the catalog, nothing else."""
    languages.register(PERSIAN)
    try:
        app = make_app(database_url, BABEL_TRANSLATION_DIRECTORIES=f"{ROOT / 'translations'};{persian_catalog}")
        with app.app_context():
            yield app
    finally:
        languages.unregister("fa")


def test_the_registry_is_the_languages_of_the_app(app):
    assert languages.codes() == ("ar", "en", "fr")
    assert [languages.direction(code) for code in ("ar", "en", "fr")] == ["rtl", "ltr", "ltr"]
    assert languages.fallbacks("ar") == ("ar", "en", "fr") and languages.fallbacks("fr") == ("fr", "en", "ar")
    with app.test_request_context("/fr/"):
        assert app.url_map.bind("consult.test").match("/fr/")[0] == "main.home"
    assert app.test_client().get("/xx/").status_code == 404  # an unregistered prefix is no language


@pytest.mark.parametrize("code", ["ar", "en", "fr"])
def test_each_catalog_declares_the_registrys_plural_forms(code):
    with open(ROOT / "translations" / code / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale=code)
    header = dict(line.split(": ", 1) for line in catalog.mime_headers_as_text() if ": " in line) \
        if hasattr(catalog, "mime_headers_as_text") else dict(catalog.mime_headers)
    assert header["Plural-Forms"] == languages.get(code).plural_forms


def test_a_language_column_takes_only_registered_languages(db, create_consultation):
    consultation = create_consultation()
    with pytest.raises(ValueError, match="not a registered language"):
        Submission(consultation_id=consultation.id, language="fa")
    languages.register(PERSIAN)
    try:
        assert Submission(consultation_id=consultation.id, language="fa").language == "fa"
    finally:
        languages.unregister("fa")


def test_a_reference_label_falls_back_for_a_language_it_has_no_text_in(persian_app):
    from consult.core import reference

    jordan = reference.country("JO")
    assert jordan.name.texts.keys() == {"ar", "en", "fr"}
    assert jordan.label("fa") == "Jordan"  # Persian falls back to English, its registered fallback
    assert [code for code, _label in reference.choices(reference.COUNTRIES, "fa")][:1] == ["DZ"]


def test_a_fourth_right_to_left_language_works_end_to_end(persian_app, create_consultation, submission_form,
                                                          create_user, tmp_path):
    client = persian_app.test_client()
    home = client.get("/fa/")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in page
    # The switcher offers every language, each named in itself.
    for code, name in (("ar", "العربية"), ("en", "English"), ("fr", "Français")):
        assert f'hreflang="{code}">{name}</a>' in page
    assert '<span aria-current="true" lang="fa" dir="auto">فارسی</span>' in page

    consultation = create_consultation()
    form_page = client.get("/fa/consultations/gcm-review-2026/submit")
    assert form_page.status_code == 200
    html = form_page.get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in html
    assert re.search(r'<input[^>]*name="language"[^>]*value="fa"', html) and "فارسی" in html
    assert "Persian" in html or "فارسی" in html.split("Language of your submission")[1][:3000]

    marker = "PERSIAN-INPUT-7301"
    form = {**submission_form, "language": "fa", "org_name": "انجمن کارگران مهاجر",
            "good_practices": "مراکز خدمات یکپارچه برای کارگران مهاجر",
            "recommendations": f"حذف هزینه‌های استخدام {marker}"}
    response = post_form(client, "/fa/consultations/gcm-review-2026/submit", form)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    receipt = client.get(response.headers["Location"])
    assert receipt.status_code == 200 and '<html lang="fa" dir="rtl">' in receipt.get_data(as_text=True)

    submission = persian_app.extensions["sqlalchemy"].session.scalar(select(Submission))
    assert (submission.language, submission.page_lang) == ("fa", "fa")

    # The secretariat sees it, marked as Persian, in the queue and on its own page.
    secretariat = create_user(email="secretariat@example.org", role="secretariat")
    staff = login(persian_app.test_client(), secretariat.email)
    queue = staff.get("/en/review/").get_data(as_text=True)
    assert submission.reference in queue
    detail = staff.get(f"/fa/review/{submission.id}")
    assert detail.status_code == 200
    text = detail.get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in text and marker in text
    assert re.search(r'lang="fa"[^>]*>[^<]*' + marker, text)  # the submitter's text keeps its language

    # A report in Persian: right to left, Persian digits, the Naskh face, read back from the PDF.
    consultations.set_status(submission, "included", secretariat)
    reports.save_setup(consultation, secretariat, summary={"fa": "خلاصه مشارکت‌ها"}, methodology={},
                       arabic_digits=True)
    consultation.status = "closed"
    consultation.closes_at = utcnow() - timedelta(days=1)
    persian_app.extensions["sqlalchemy"].session.commit()
    report, _reused = reports.build_now(consultation, "fa")
    assert report.status == "ready", report.error
    assert report.lang == "fa"
    data = Path(reports.file_path(report)).read_bytes()
    path = tmp_path / "fa.pdf"
    path.write_bytes(data)
    pdftext = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                             check=True).stdout
    assert marker in pdftext
    assert PERSIAN_DIGITS.search(pdftext) and not ARABIC_INDIC_DIGITS.search(pdftext)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Naskh-Arabic" in fonts  # the registry's typeface for Persian
    from pypdf import PdfReader

    assert PdfReader(path).trailer["/Root"]["/Lang"] == "fa"
    # The preview (a web page) takes the registry's typefaces from a stylesheet, as its CSP wants.
    preview = staff.get(f"/fa/reports/{consultation.slug}/preview").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in preview and marker in preview
    stylesheet = re.search(r'href="([^"]*languages\.css)"', preview).group(1)
    css = staff.get(stylesheet).get_data(as_text=True)
    assert ':lang(fa) { font-family: "Noto Naskh Arabic"' in css and ":lang(en)" not in css


@pytest.mark.parametrize("url, fields", [
    ("/en/consultations/new", ("title_fa", "description_fa", "questions_fa")),
    ("/en/meetings/new", ("title_fa", "description_fa")),
    ("/en/group/organisations/new", ("name_fa",)),
    ("/en/group/nominations/new", ("title_fa", "description_fa")),
])
def test_the_secretariats_forms_have_fields_for_a_registered_language(persian_app, create_user, url, fields):
    secretariat = create_user(email="secretariat@example.org", role="secretariat")
    page = login(persian_app.test_client(), secretariat.email).get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name in fields:
        assert f'name="{name}"' in html, name
    if "nominations" in url:
        assert "Title in Persian" in html and "Description in Persian" in html


def test_the_report_workspace_offers_a_registered_language(persian_app, create_consultation, create_user):
    secretariat = create_user(email="secretariat@example.org", role="secretariat")
    client = login(persian_app.test_client(), secretariat.email, lang="fr")
    html = client.get(f"/fr/reports/{create_consultation().slug}/").get_data(as_text=True)
    assert "Résumé analytique en persan" in html and 'name="summary_fa"' in html
    from consult.reports.forms import BuildForm

    with persian_app.test_request_context("/fr/"):
        assert [choice[0] for choice in BuildForm().lang.iter_choices()] == ["ar", "en", "fr", "fa"]


def test_forms_lose_the_fields_of_a_language_taken_away(app):
    from consult.consultations.admin_forms import ConsultationForm

    languages.register(PERSIAN)
    assert hasattr(ConsultationForm, "title_fa")
    languages.unregister("fa")
    assert not hasattr(ConsultationForm, "title_fa") and hasattr(ConsultationForm, "title_ar")
