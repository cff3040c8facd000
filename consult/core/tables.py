"""Table writers shared by every export (submissions, roster, open data): CSV, XLSX and JSON.

Every writer treats every value as text: a spreadsheet never finds a formula in what people wrote.
"""
import csv
import io
import json
import re
from datetime import timezone

import xlsxwriter

LIST_SEPARATOR = "; "

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

# A formula start at the beginning of a value, or after a character at which a spreadsheet may cut the
# value into cells (its list separator "," or ";", a tab, a line break), quotes and spaces skipped:
# Excel set to ";" (French, Arabic) splits `a;=1+1;b` into three cells and runs the middle one.
_FORMULA_AT = re.compile(r'(\A|[,;\t\r\n])([" ]*)(?=[=+\-@\t\r])')


def cell(value):
    """A value as the text of one cell: lists joined, None empty."""
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if value is None:
        return ""
    return str(value)


def neutralise(text):
    """A value in which a spreadsheet could find a formula, wherever it cuts it into cells: each
    formula start that begins the value or follows a separator gets a single quote before it."""
    return _FORMULA_AT.sub(lambda match: match.group(1) + match.group(2) + "'", text)


def csv_table(names, rows):
    """A CSV file of `rows` (dicts) with the columns `names`: UTF-8 with a byte-order mark
    (so Excel reads Arabic right); every field quoted; lists joined; formulas neutralised (see
    neutralise)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(names)
    for row in rows:
        writer.writerow([neutralise(cell(row.get(name))) for name in names])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_table(names, rows, sheet="data", wide=(), created=None):
    """One sheet; every cell written as a string, so nothing is ever a formula. Columns in `wide` get
    room for long texts. `created` (a UTC datetime) is the document's date; given, the same data give
    the same bytes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    if created is not None:
        workbook.set_properties({"created": created.astimezone(timezone.utc).replace(tzinfo=None)})
    worksheet = workbook.add_worksheet(sheet)
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for col, name in enumerate(names):
        worksheet.write_string(0, col, name, bold)
        worksheet.set_column(col, col, 60 if name in wide else 18)
    for number, row in enumerate(rows, start=1):
        for col, name in enumerate(names):
            worksheet.write_string(number, col, cell(row.get(name)), wrap)
    worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def json_table(rows):
    """A list of objects; Arabic and French stay readable (no \\u escapes)."""
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
