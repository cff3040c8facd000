"""The main report as a Word document (python-docx), from the same data as its PDF, so the
confidentiality rules are the PDF's own: nothing enters here that consult.reports.main_report did not let in.

Real headings (Heading 1-3, navigable in Word), real tables, and in Arabic every paragraph and table
marked right to left (w:bidi, w:rtl) in a right-to-left language (Arabic), so Word lays it out so.
"""
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from flask_babel import get_translations
from flask_babel import gettext as _

from ..core import languages


def _bidi(paragraph, lang):
    """Mark a paragraph (and its runs) right to left when its language is written so (Arabic)."""
    if languages.direction(lang) != "rtl":
        return paragraph
    properties = paragraph._p.get_or_add_pPr()
    bidi = OxmlElement("w:bidi")
    bidi.set(qn("w:val"), "1")
    properties.insert(0, bidi)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in paragraph.runs:
        rpr = run._r.get_or_add_rPr()
        rtl = OxmlElement("w:rtl")
        rtl.set(qn("w:val"), "1")
        rpr.append(rtl)
    return paragraph


class Writer:
    def __init__(self, lang, gettext):
        self.lang, self._ = lang, gettext
        self.document = Document()
        style = self.document.styles["Normal"]
        style.font.name = "Arial"
        style.font.size = Pt(10.5)
        # The complex-script font (Arabic) and its size.
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        fonts.set(qn("w:cs"), "Arial")
        if languages.direction(lang) == "rtl":
            language = OxmlElement("w:lang")
            language.set(qn("w:bidi"), "ar-SA" if lang == "ar" else lang)  # Word's usual tag for Arabic
            rpr.append(language)

    def heading(self, text, level, lang=None):
        return _bidi(self.document.add_heading(text, level=level), lang or self.lang)

    def paragraph(self, text, lang=None, style=None, italic=False):
        paragraph = self.document.add_paragraph(style=style)
        run = paragraph.add_run(text)
        run.italic = italic
        return _bidi(paragraph, lang or self.lang)

    def items(self, lines, lang, numbered=False):
        for line in lines:
            self.paragraph(line, lang, style="List Number" if numbered else "List Bullet")

    def table(self, headers, rows):
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        if languages.direction(self.lang) == "rtl":
            properties = table._tbl.tblPr
            visual = OxmlElement("w:bidiVisual")
            visual.set(qn("w:val"), "1")
            properties.append(visual)
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = str(text)
            cell.paragraphs[0].runs[0].bold = True
            _bidi(cell.paragraphs[0], self.lang)
        # Repeat the header row on each page.
        header = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "1")
        header.append(repeat)
        for values in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                cell.text = str(text)
                _bidi(cell.paragraphs[0], self.lang)
        return table

    def save(self, title):
        self.document.core_properties.title = title
        self.document.core_properties.language = self.lang
        self.document.core_properties.author = "consult"
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _attribution(quote, _):
    who = quote["attribution"]
    if who["named"]:
        return _("%(organisation)s (%(constituency)s, %(country)s)", organisation=who["name"],
                 constituency=who["constituency"], country=who["country"])
    return _("An organisation (%(constituency)s, %(country)s)", constituency=who["constituency"],
             country=who["country"])


def _note(item, _):
    if item.get("untranslated"):
        return _("Not yet translated: shown in %(language)s, the language it was written in.",
                 language=item["original_language"])
    if item.get("translated"):
        return _("Translated from %(language)s.", language=item["original_language"])
    return None


def render(data, title, prepared, number):
    """The .docx bytes of the main report `data` (consult.reports.main_report.gather). Call inside force_locale."""

    def ngettext(singular, plural, count, num):
        return get_translations().ngettext(singular, plural, count) % {"num": num}

    lang, call, counts = data["lang"], data["call"], data["counts"]
    out = Writer(lang, _)
    out.paragraph(_("Regional Stakeholder Advisory Group on Migration, Arab region"))
    out.heading(_("The advisory group's input to the regional review of the Global Compact for Migration"), 0)
    out.paragraph(call["title"], call["title_lang"])
    out.table([_("Call for input"), _("Submissions included"), _("Prepared on")],
              [[f"{call['opens']} – {call['closes']}", number(counts["included"]), prepared]])
    if data["summary"]["paragraphs"]:
        out.heading(_("Executive summary"), 1)
        for paragraph in data["summary"]["paragraphs"]:
            out.paragraph(paragraph, data["summary"]["lang"])
    out.heading(_("The group's key messages and recommendations"), 1)
    for chapter in data["chapters"]:
        if not chapter["approved"]:
            continue
        out.heading(_("Objective %(number)s", number=number(chapter["number"])) + ": " + chapter["title"], 3)
        out.items(chapter["key_messages"], chapter["lang"])
        out.items(chapter["recommendations"], chapter["lang"], numbered=True)
    for chapter in data["chapters"]:
        out.heading(_("Objective %(number)s", number=number(chapter["number"])) + ": " + chapter["title"], 1)
        if chapter["rapporteurs"]:
            out.paragraph(_("Rapporteurs:") + " " + ", ".join(chapter["rapporteurs"]))
        if chapter["approved"]:
            note = _note(chapter, _)
            if note:
                out.paragraph(note, italic=True)
            out.heading(_("Synthesis"), 2)
            for paragraph in chapter["synthesis"]:
                out.paragraph(paragraph, chapter["lang"])
            out.heading(_("Key messages"), 2)
            out.items(chapter["key_messages"], chapter["lang"])
            out.heading(_("Recommendations"), 2)
            out.items(chapter["recommendations"], chapter["lang"], numbered=True)
            if chapter["quotes"]:
                out.heading(_("In the organisations' words"), 2)
                for quote in chapter["quotes"]:
                    out.paragraph(quote["text"], quote["lang"], style="Quote")
                    out.paragraph(f"{quote['reference']} · {_attribution(quote, _)}")
        else:
            out.paragraph(_("The group's synthesis of this objective is not approved yet; the submissions on it "
                            "are in the annex."), italic=True)
        figure = chapter["figure"]
        out.paragraph(ngettext("%(num)s included submission addresses this objective",
                               "%(num)s included submissions address this objective", figure["total"],
                               num=number(figure["total"])))
        out.table([_("Subregion"), _("Submissions")], [[row["label"], number(row["count"])] for row in figure["rows"]])
    out.heading(_("Methodology"), 1)
    for paragraph in data["methodology"]["paragraphs"]:
        out.paragraph(paragraph, data["methodology"]["lang"])
    out.table([_("Submissions received"), _("Included in this report"), _("Confidential: counted, never quoted")],
              [[number(counts["received"]), number(counts["included"]), number(counts["confidential"])]])
    out.heading(_("Contributors"), 1)
    if data["rapporteurs"]:
        out.heading(_("Rapporteurs of the advisory group"), 2)
        out.items(data["rapporteurs"], None)
    out.heading(_("Contributing organisations"), 2)
    out.paragraph(ngettext("%(num)s organisation agreed to be named; it is listed in the annex.",
                           "%(num)s organisations agreed to be named; they are listed in the annex.",
                           data["named_organisations"], num=number(data["named_organisations"])))
    if data["unnamed_organisations"]:
        out.paragraph(ngettext(
            "%(num)s further submission came from an organisation that asked not to be named.",
            "%(num)s further submissions came from organisations that asked not to be named.",
            data["unnamed_organisations"], num=number(data["unnamed_organisations"])))
    return out.save(title)
