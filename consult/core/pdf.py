"""PDF documents (meeting agendas, input reports) with WeasyPrint and one shared print stylesheet.

The stylesheet is templates/pdf/pdf.css. Documents may load only that folder's files and
data: URLs: anything else (file:///etc/passwd, http://...) is refused, so a document can
never read local files or reach the network. WeasyPrint logs a refused fetch and goes on.
"""
import logging
import subprocess
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import Markup, escape
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from . import languages

log = logging.getLogger(__name__)

PDF_DIR = (Path(__file__).resolve().parents[2] / "templates" / "pdf").resolve()
ARABIC_FACES = (languages.get("ar").typeface[0], "DejaVu Sans")
PDF_VARIANT = "pdf/ua-1"  # tagged PDF; needs <title> and lang, both set by templates/pdf/base.html
AUTHOR = "consult"


class FetchRefused(ValueError):
    """A document asked for something outside templates/pdf/ or data: URLs."""


class RestrictedFetcher(URLFetcher):
    """Serves data: URLs and files under templates/pdf/ only."""

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if path.is_file() and path.is_relative_to(PDF_DIR):
                return super().fetch(path.as_uri(), headers)
        raise FetchRefused(f"refused to fetch {url[:200]}")


def default_base_url():
    """Relative links in a document (href="pdf.css") resolve inside templates/pdf/."""
    return PDF_DIR.as_uri() + "/"


@lru_cache(maxsize=1)
def font_report():
    """The face Arabic text gets: "Noto Naskh Arabic" when fontconfig has it, else "DejaVu Sans"."""
    try:
        families = subprocess.run(["fc-list", ":lang=ar", "family"], capture_output=True, text=True,
                                  timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        families = ""
    names = {name.strip() for line in families.splitlines() for name in line.split(",")}
    face = ARABIC_FACES[0] if ARABIC_FACES[0] in names else ARABIC_FACES[1]
    if face != ARABIC_FACES[0]:
        log.warning("PDF: Noto Naskh Arabic not found (install fonts-noto-core); Arabic falls back to DejaVu Sans")
    else:
        log.info("PDF: Arabic text set in %s", face)
    return face


def css_string(text):
    """A CSS string literal, for translated words in generated content (content: "Page ")."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("<", "\\3c ")
    return Markup(f'"{escaped}"')


def bdi(value, direction="ltr"):
    """A value (date, number, code, name) isolated from the text around it.

    WeasyPrint 70 ignores `unicode-bidi` (and so what <bdi> means), but Pango honours the
    Unicode isolates: LRI/RLI/FSI ... PDI. The <bdi> element keeps the HTML preview right too.
    """
    mark = {"ltr": "\u2066", "rtl": "\u2067"}.get(direction, "\u2068")
    attribute = f' dir="{direction}"' if direction in ("ltr", "rtl") else ""
    return Markup(f"<bdi{attribute}>{mark}") + escape(value) + Markup("\u2069</bdi>")


def language_css():
    """Each language's typeface, from the registry (consult/core/languages.py): text in a language with its
    own faces (Arabic: Noto Naskh Arabic) is set in them, in any document. templates/pdf/base.html puts it
    in the PDF; the HTML preview loads it as languages.css."""
    return Markup("\n".join(f":lang({language.code}) {{ font-family: {language.font_family()}; }}"
                     for language in map(languages.get, languages.codes())
                     if language.typeface != languages.LATIN_TYPEFACE))


def template_helpers():
    """What templates/pdf/base.html and the documents extending it need besides the app's globals."""
    return {"css_string": css_string, "bdi": bdi, "language_css": language_css,
            "counter_style": lambda lang: languages.get(lang).counter_style}


@dataclass
class RenderedPdf:
    data: bytes
    pages: int
    arabic_face: str
    seconds: float


def write_pdf(html, base_url=None, title=None, lang=None, author=AUTHOR, on_stage=None):
    """Lay out and write an HTML string as a PDF with its metadata (title, language, author) set.

    `on_stage("laying_out")` and `on_stage("writing")` are called as the two long steps begin.
    """
    started = time.perf_counter()
    if on_stage:
        on_stage("laying_out")
    document = HTML(string=html, base_url=base_url or default_base_url(),
                    url_fetcher=RestrictedFetcher(timeout=5)).render()
    if title:
        document.metadata.title = title
    if lang:
        document.metadata.lang = lang
    document.metadata.authors = [author]
    if on_stage:
        on_stage("writing")
    data = document.write_pdf(pdf_variant=PDF_VARIANT)
    result = RenderedPdf(data=data, pages=len(document.pages), arabic_face=font_report(),
                         seconds=time.perf_counter() - started)
    log.info("PDF: %d page(s), %d bytes in %.2f s (Arabic face: %s)", result.pages, len(data), result.seconds,
             result.arabic_face)
    return result


def render_pdf(html, base_url=None, title=None, lang=None, author=AUTHOR):
    """The PDF of an HTML string, as bytes."""
    return write_pdf(html, base_url=base_url, title=title, lang=lang, author=author).data
