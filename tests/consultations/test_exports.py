"""Exports of a call's submissions: who sees what, in CSV, XLSX and JSON, from the page and the CLI."""
import csv
import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from html import unescape

import pytest

from consult.consultations import exports, services
from consult.core import tables
from consult.consultations.models import Submission
from consult.core.extensions import db as _db
from consult.core.extensions import limiter
from tests.helpers import SUBMISSION_FORM, empty_tables, login, new_consultation, new_user

SLUG = "gcm-review-2026"


def make_submission(consultation, status=None, actor=None, **fields):
    """A submission sent through the real service, optionally moved to a review status."""
    values = {key: value for key, value in SUBMISSION_FORM.items() if key not in ("consent", "send")}
    values["objectives"] = [int(number) for number in values["objectives"]]
    values.update(fields)
    result = services.submit(consultation, values, page_lang=values.get("language", "en"))
    submission = result.submission
    if status and status != "received":
        services.set_status(submission, status, actor, reason="Out of scope" if status == "excluded" else None)
        _db.session.commit()
    return submission


def read_csv(data):
    assert data.startswith(b"\xef\xbb\xbf"), "CSV without a byte-order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_cells(data):
    """The cells that start like a formula when the CSV is read with "," and with ";" as the separator
    (Excel in English, and in French or Arabic settings)."""
    text = data.decode("utf-8-sig")
    found = []
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            found += [(delimiter, cell) for cell in row if cell.startswith(DANGEROUS_STARTS)]
    return found


NASTY = ["a;=1+1;b", "x,=HYPERLINK(\"http://evil.example\")", "tab\t=1", "line\n@SUM(A1)", 'q;"=1+1',
         "a; -2+3", "cr\r+1", "a;\t=b", " =1", "=;=,=", '"=1"', "a,\"\"=1"]


def test_csv_guard_holds_wherever_a_spreadsheet_cuts_the_cells():
    import random

    rows = [{"value": value} for value in NASTY]
    generator = random.Random(16)
    alphabet = ["a", "=", "+", "-", "@", "\t", "\r", "\n", ",", ";", '"', " ", "'"]
    rows += [{"value": "".join(generator.choice(alphabet) for _ in range(generator.randint(1, 10)))}
             for _ in range(3000)]
    data = tables.csv_table(["value"], rows)
    assert formula_cells(data) == []
    # Every field is quoted, and the values come back whole (with the quotes added before formulas).
    assert tables.csv_table(["a", "b"], [{"a": "x", "b": 1}]) == '\ufeff"a","b"\r\n"x","1"\r\n'.encode("utf-8")
    back = [row["value"] for row in read_csv(data)]
    assert [value.replace("'", "") for value in back] == [row["value"].replace("'", "") for row in rows]


def test_exported_csv_has_no_formula_cells_with_either_separator(planted, secretariat, secretariat_client):
    for number, value in enumerate(NASTY):
        make_submission(planted["consultation"], "included", secretariat, org_name=value.replace("\n", " "),
                        contact_email=f"nasty{number}@example.org", challenges=value, recommendations=f"ok; {value}")
    response = export_via_page(secretariat_client, "csv")
    assert formula_cells(response.data) == []
    for audience in ("members", "public"):
        assert formula_cells(exports.export(planted["consultation"], audience, "csv").data) == []


def xlsx_text(data):
    """Every string of the workbook, as text: shared strings, inline strings and the sheets' XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        parts = [archive.read(name).decode("utf-8") for name in names
                 if name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/")]
    return unescape("\n".join(parts))


def xlsx_rows(data):
    """The first sheet as a list of rows of strings (every cell is a shared string here)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        shared_xml = archive.read("xl/sharedStrings.xml").decode("utf-8")
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    shared = [unescape(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<si>(.*?)</si>", shared_xml, re.S)]
    rows = []
    for row_xml in re.findall(r"<row[^>]*>(.*?)</row>", sheet_xml, re.S):
        cells = re.findall(r'<c r="[A-Z]+\d+"([^>]*)>(.*?)</c>', row_xml, re.S)
        row = []
        for attrs, inner in cells:
            assert 't="s"' in attrs, "a cell that is not a string"
            assert "<f>" not in inner, "a formula cell"
            row.append(shared[int(re.search(r"<v>(\d+)</v>", inner).group(1))])
        rows.append(row)
    return rows


def as_text(data, fmt):
    if fmt == "csv":
        return json.dumps(read_csv(data), ensure_ascii=False)
    if fmt == "xlsx":
        return xlsx_text(data)
    return json.dumps(json.loads(data.decode("utf-8")), ensure_ascii=False)


def plant(secretariat):
    """A call with one submission at each level, and canaries that only the secretariat may see."""
    consultation = new_consultation()
    canary_text = f"canary-text-{uuid.uuid4()}"
    canary_org = f"Canary Org {uuid.uuid4()}"
    anonymous_org = f"Anonymous Org {uuid.uuid4()}"
    public = make_submission(consultation, "included", secretariat, org_name="جمعية المهاجرين العرب",
                             language="ar", recommendations="+SUM(1,2) تعزيز الحماية",
                             contact_email="public-contact@example.org")
    anonymous = make_submission(consultation, "included", secretariat, org_name=anonymous_org,
                                confidentiality="anonymous", contact_email="anon-contact@example.org",
                                good_practices="Anonymous but quotable.")
    confidential = make_submission(consultation, "included", secretariat, org_name=canary_org,
                                   confidentiality="confidential", contact_email="conf-contact@example.org",
                                   challenges=f"Secret: {canary_text}")
    formula = make_submission(consultation, "screened", secretariat, org_name='=HYPERLINK("http://evil.example","x")',
                              contact_email="formula@example.org", challenges="@SUM(A1)")
    services.set_review(public, secretariat, tags=["recruitment"])
    return {
        "consultation": consultation, "public": public, "anonymous": anonymous, "confidential": confidential,
        "formula": formula, "canary_text": canary_text, "canary_org": canary_org, "anonymous_org": anonymous_org,
        "emails": ["public-contact@example.org", "anon-contact@example.org", "conf-contact@example.org",
                   "formula@example.org"],
    }


@pytest.fixture
def planted(db, secretariat):
    return plant(secretariat)


def export_via_page(client, fmt):
    response = client.get(f"/en/consultations/{SLUG}/export.{fmt}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response


def export_via_cli(app, tmp_path, audience, fmt):
    target = tmp_path / f"out-{audience}.{fmt}"
    result = app.test_cli_runner().invoke(
        args=["consult", "export", "submissions", SLUG, "--format", fmt, "--audience", audience, "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target.read_bytes()


@dataclass
class Exported:
    """What the exports of the planted call gave, for each format: the pages' answers (body and headers) for the
    secretariat and for a reviewer, the CLI's file for each audience, and the service's public export."""
    planted: dict                                        # the canaries, names and e-mails (text only)
    pages: dict = field(default_factory=dict)            # fmt -> audience -> (data, headers)
    cli: dict = field(default_factory=dict)              # fmt -> audience -> bytes
    service_public: dict = field(default_factory=dict)   # fmt -> bytes


@pytest.fixture(scope="module")
def exported(app, tmp_path_factory):
    """The planted call exported in every format, once for the module rather than once per format.

    Every test starts on empty tables (the `db` fixture empties them after each test), so a module-scoped
    fixture cannot keep rows for several tests. This one builds the call in its own app context before the
    first test that asks for it (the tables are empty then), exports it through the page and the CLI as the
    tests of each format did, keeps the bytes and the headers, and empties the tables again."""
    target = tmp_path_factory.mktemp("exports")
    limiter.reset()
    with app.app_context():
        try:
            secretariat = new_user(email="secretariat@example.org", role="secretariat", name="Secretariat Person")
            member = new_user(email="member@example.org", role="member", name="Member Person")
            planted = plant(secretariat)
            services.assign_reviewers(planted["consultation"], [member.id], secretariat)
            clients = {"secretariat": login(app.test_client(), secretariat.email),
                       "members": login(app.test_client(), member.email)}
            result = Exported({key: planted[key] for key in ("canary_text", "canary_org", "anonymous_org", "emails")})
            for fmt in exports.FORMATS:
                result.pages[fmt] = {}
                for audience, client in clients.items():
                    response = export_via_page(client, fmt)
                    result.pages[fmt][audience] = (response.data, dict(response.headers))
                result.cli[fmt] = {audience: export_via_cli(app, target, audience, fmt) for audience in exports.AUDIENCES}
                result.service_public[fmt] = exports.export(planted["consultation"], "public", fmt).data
        finally:
            _db.session.remove()
            empty_tables()
    return result


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_confidential_canary_never_leaves_the_secretariat(exported, fmt):
    planted = exported.planted
    secretariat_file = as_text(exported.pages[fmt]["secretariat"][0], fmt)
    members_file = as_text(exported.pages[fmt]["members"][0], fmt)
    public_file = as_text(exported.cli[fmt]["public"], fmt)

    assert planted["canary_text"] in secretariat_file
    assert planted["canary_org"] in secretariat_file
    assert planted["anonymous_org"] in secretariat_file
    for email in planted["emails"]:
        assert email in secretariat_file

    for name, text in (("members", members_file), ("public", public_file)):
        assert planted["canary_text"] not in text, name
        assert planted["canary_org"] not in text, name
        assert planted["anonymous_org"] not in text, name
        assert "@example.org" not in text, name
        assert "Amina" not in text and "600 000000" not in text, name
        # What they may see is there: the public submission and the anonymous text.
        assert "جمعية المهاجرين العرب" in text, name
        assert "Anonymous but quotable." in text, name


def test_audiences_see_the_statuses_described(planted, secretariat):
    consultation = planted["consultation"]
    withdrawn = make_submission(consultation, "withdrawn", secretariat, org_name="Withdrawn Org", contact_email="w@example.org")
    excluded = make_submission(consultation, "excluded", secretariat, org_name="Excluded Org", contact_email="x@example.org")
    received = make_submission(consultation, None, None, org_name="Received Org", contact_email="r@example.org")
    by_audience = {audience: {row["reference"]: row for row in exports.rows(consultation, audience)}
                   for audience in exports.AUDIENCES}

    assert set(by_audience["secretariat"]) == {s.reference for s in (
        planted["public"], planted["anonymous"], planted["confidential"], planted["formula"], withdrawn, excluded, received)}
    assert set(by_audience["members"]) == {s.reference for s in (
        planted["public"], planted["anonymous"], planted["formula"], received)}
    assert set(by_audience["public"]) == {planted["public"].reference, planted["anonymous"].reference}

    assert by_audience["members"][planted["anonymous"].reference]["organisation"] == ""
    assert by_audience["public"][planted["anonymous"].reference]["organisation"] == ""
    assert by_audience["public"][planted["anonymous"].reference]["constituency"] == "migrant_diaspora"
    assert by_audience["public"][planted["anonymous"].reference]["country"] == "MA"
    assert by_audience["secretariat"][excluded.reference]["exclusion_reason"] == "Out of scope"
    assert "contact_email" not in exports.columns("members") and "contact_email" not in exports.columns("public")
    assert "confidentiality" in exports.columns("secretariat") and "confidentiality" not in exports.columns("members")
    assert "tags" in exports.columns("members") and "tags" not in exports.columns("public")
    assert by_audience["members"][planted["public"].reference]["tags"] == ["recruitment"]


def test_drafts_are_in_no_export(planted):
    consultation = planted["consultation"]
    values = {key: value for key, value in SUBMISSION_FORM.items() if key not in ("consent", "send")}
    values.update(org_name="Draft Org", objectives=[6])
    services.submit(consultation, values, draft=True)
    for audience in exports.AUDIENCES:
        assert "Draft Org" not in json.dumps(exports.rows(consultation, audience))


def test_csv_keeps_arabic_and_neutralises_formulas(planted, secretariat_client):
    response = export_via_page(secretariat_client, "csv")
    assert response.mimetype == "text/csv"
    rows = {row["reference"]: row for row in read_csv(response.data)}
    public = rows[planted["public"].reference]
    assert public["organisation"] == "جمعية المهاجرين العرب"
    assert public["recommendations"] == "'+SUM(1,2) تعزيز الحماية"
    formula = rows[planted["formula"].reference]
    assert formula["organisation"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert formula["challenges"] == "'@SUM(A1)"
    # The phone number starts with "+": neutralised as well.
    assert public["contact_phone"] == "'+212 600 000000"
    assert public["objectives"] == "6; 7"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", public["submitted_at"])


def test_xlsx_cells_are_strings_never_formulas(planted, secretariat_client):
    response = export_via_page(secretariat_client, "xlsx")
    rows = xlsx_rows(response.data)
    header, body = rows[0], rows[1:]
    assert header == exports.columns("secretariat")
    by_reference = {row[0]: dict(zip(header, row)) for row in body}
    formula = by_reference[planted["formula"].reference]
    assert formula["organisation"] == '=HYPERLINK("http://evil.example","x")'
    assert by_reference[planted["public"].reference]["organisation"] == "جمعية المهاجرين العرب"


def test_json_is_a_list_of_objects_with_readable_arabic(planted, secretariat_client):
    response = export_via_page(secretariat_client, "json")
    assert "جمعية المهاجرين العرب".encode() in response.data
    data = json.loads(response.data)
    assert isinstance(data, list) and all(isinstance(item, dict) for item in data)
    public = next(item for item in data if item["reference"] == planted["public"].reference)
    assert public["objectives"] == [6, 7]
    assert public["countries_of_work"] == ["MA", "TN"]
    assert public["confidentiality"] == "public"
    assert public["consultation"] == SLUG


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_file_names_never_name_an_organisation(exported, fmt):
    for audience in ("secretariat", "members"):
        _data, headers = exported.pages[fmt][audience]
        disposition = headers["Content-Disposition"]
        assert disposition == f'attachment; filename="{SLUG}-submissions-{audience}.{fmt}"'
        assert "no-store" in headers["Cache-Control"]


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_cli_writes_what_the_page_gives(exported, fmt):
    assert exported.cli[fmt]["secretariat"] == exported.pages[fmt]["secretariat"][0]
    assert exported.cli[fmt]["members"] == exported.pages[fmt]["members"][0]
    assert exported.cli[fmt]["public"] == exported.service_public[fmt]


def test_cli_unknown_slug_is_a_clear_error(app, tmp_path):
    target = tmp_path / "nothing.csv"
    result = app.test_cli_runner().invoke(
        args=["consult", "export", "submissions", "no-such-call", "--audience", "public", "-o", str(target)])
    assert result.exit_code != 0
    assert "no-such-call" in result.output
    assert not target.exists()


def test_cli_refuses_an_unknown_audience(app, planted, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["consult", "export", "submissions", SLUG, "--audience", "everyone", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code != 0


def test_member_who_does_not_review_the_call_gets_403(planted, member_client):
    for fmt in exports.FORMATS:
        assert member_client.get(f"/en/consultations/{SLUG}/export.{fmt}").status_code == 403


def test_purged_contacts_export_empty(planted, secretariat):
    consultation = planted["consultation"]
    submission = planted["public"]
    submission.contact_name = submission.contact_email = submission.contact_phone = None
    _db.session.commit()
    row = next(r for r in exports.rows(consultation, "secretariat") if r["reference"] == submission.reference)
    assert row["contact_email"] == "" and row["contact_name"] == ""


def test_export_query_count_does_not_grow(planted, secretariat, db):
    from sqlalchemy import event, func, select

    def count(consultation):
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            db.session.expire_all()
            exports.export(consultation, "secretariat", "csv")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    consultation = planted["consultation"]
    before = count(consultation)
    for number in range(5):
        make_submission(consultation, None, None, org_name=f"More {number}", contact_email=f"m{number}@example.org")
    assert count(consultation) == before
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 9
