"""Bad input on every public form, generated with Hypothesis.

The forms anyone can reach: the submission form (sent, or saved as a draft), the submitter's private
link (edit, withdraw), the nomination form, sign-in, the password-reset request, the set-password
link, the observer's RSVP link and the time-zone picker. Each gets generated values: very long
strings, characters from every Unicode plane (astral ones too; never lone surrogates), bidi
controls (U+202E, U+2066-U+2069), NUL bytes, HTML and script, spreadsheet formula starts (= + - @),
files whose content does not match their name, malformed multipart bodies, wrong content types,
bodies over the size limits, forged or missing CSRF tokens, forged, tampered and expired signed tokens.

For each request:
- the answer is 2xx, 3xx or 4xx, never 5xx;
- unless the answer says it was accepted, nothing changed: every row of every table, and the files
  in the upload folder, are as before (compared for each example: the `db` fixture empties the
  tables only after the whole test);
- what was accepted was saved whole (the values read back), and shows escaped: a generated
  `<script>` never appears as markup in the answer or on the pages that show the saved values;
- a redirect never leaves the site, and a formula never reaches the secretariat's CSV export as one.
"""
import io
import os
import re
import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from consult.consultations import services as consultations
from consult.extensions import db as _db
from consult.extensions import limiter
from tests.conftest import SUBMISSION_FORM, TEST_PASSWORD, UPLOAD_DIR, csrf_token, login
from tests.fuzz_helpers import describe_changes, snapshot
from tests.meetings.conftest import create_meeting  # noqa: F401 (fixture)
from tests.membership.conftest import ARABIC_APPLICATION, create_call  # noqa: F401 (fixture)


def fuzz(max_examples):
    """Hypothesis settings for these tests: few examples (each is a real request on the real
    database), no deadline, no example database written into the checkout."""
    return settings(max_examples=max_examples, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])


# ---------------------------------------------------------------- what is generated

SCRIPT = "<script>alert(1)</script>"
MARKUP = (SCRIPT, '"><script>alert(1)</script>', "<img src=x onerror=alert(1)>",
          "</textarea><script>alert(1)</script>", "<svg onload=alert(1)>", "javascript:alert(1)")
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "=cmd|' /C calc'!A0",
            "\t=1+1", "\r=1+1")
BIDI = ("\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u202a\u202b\u202c\u202d", "\u200e\u200f")
SPECIAL = (
    *MARKUP, *FORMULAS, *BIDI,
    "a\x00b", "\x00", "\u202eevil.pdf\u202c", "\u2067مرحبا\u2069 Hello",
    "\U0001F600\U0001F1F2\U0001F1E6", "\U00010000\U0002A6D6\U000E0001\U0010FFFD", "𝕳𝖊𝖑𝖑𝖔",
    "\ufdfa" * 20, "ß" * 300, "ﬃ" * 250, "e\u0301" * 150, "\u0627\u0644\u0647\u062c\u0631\u0629",
    "' OR '1'='1' --", "%s%s%n%x", "{{ 7*7 }}", "{% raw %}", "${7*7}", "../../../../etc/passwd",
    "\r\n", "\t", " ", "", "\u00a0\u2003\u3000", "\ufeff", "\uffff\ufffe",
    'x" onmouseover="alert(1)', "²", "١٢٣", "𝟙", "9" * 5000, "-1", "0", str(2**31), str(2**64),
)
PLANES = st.characters(exclude_categories=("Cs",))  # every plane, NUL and controls too; no lone surrogates
ASTRAL = st.characters(min_codepoint=0x10000, exclude_categories=("Cs",))


def text_values():
    return st.one_of(
        st.sampled_from(SPECIAL),
        st.text(PLANES, max_size=60),
        st.text(ASTRAL, min_size=1, max_size=30),
        st.tuples(st.sampled_from(SPECIAL), st.text(PLANES, max_size=20), st.sampled_from(SPECIAL)).map("".join),
        st.tuples(st.sampled_from("xب𝕏"), st.integers(250, 7000)).map(lambda pair: pair[0] * pair[1]),
    )


def field_values():
    """One field's value: a generated text, or several (a multi-valued field, or a field sent twice)."""
    return st.one_of(text_values(), st.lists(text_values(), min_size=0, max_size=4))


def overrides(fields):
    """Some of the form's fields replaced by generated values, others left out altogether."""
    return st.dictionaries(st.sampled_from(fields), st.one_of(field_values(), st.none()), max_size=5)


def apply_overrides(base, changes):
    """The form's data with the changes; None or an empty list leaves the field out (nothing of it is sent)."""
    data = dict(base)
    for key, value in changes.items():
        if value is None or value == []:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _zip(entries):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n" + b"0" * 200 + b"\n%%EOF\n"
DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
BAD_CONTENT = (
    b"MZ\x90\x00\x03" + b"\x00" * 60,               # a Windows program
    b"\x7fELF\x02\x01\x01" + b"\x00" * 60,          # a Linux one
    b"<html><script>alert(1)</script></html>",
    b"GIF89a\x01\x00\x01\x00",
    _zip({"evil.sh": "rm -rf /"}),                   # a zip that is no Word file
    _zip({"mimetype": "application/x-evil"}),        # nor an OpenDocument one
    b"PK\x03\x04 not really a zip",
    b"%PDF",                                         # too short to be anything, but starts right
    b"",
)
FILE_NAMES = ("report.pdf", "photo.png", "image.jpeg", "note.docx", "text.odt", "program.exe", "script.js",
              "تقرير.pdf", "\u202egpj.exe", "../../etc/passwd.pdf", "..\\..\\boot.ini.pdf", "a\x00.pdf",
              "x" * 300 + ".pdf", ".pdf", "noextension", "<script>.pdf", "𝕏.docx")


def files():
    """Uploads: a name and content, mostly not matching (a real PDF or DOCX now and then)."""
    content = st.one_of(st.sampled_from(BAD_CONTENT), st.binary(max_size=300), st.sampled_from((PDF, DOCX)))
    return st.lists(st.tuples(st.one_of(st.sampled_from(FILE_NAMES), st.text(PLANES, max_size=30)), content),
                    max_size=4)


CSRF_MODES = ("valid", "valid", "valid", "missing", "forged", "other_session", "empty")
ENCODINGS = ("form", "form", "multipart", "multipart", "json", "text")


def sending(links=None):
    """How a form is sent (and through which link): half the time as a browser sends it through the
    real link, so that the values reach the database; otherwise anyhow."""
    right = {"csrf": st.just("valid"), "encoding": st.sampled_from(("form", "multipart"))}
    anyhow = {"csrf": st.sampled_from(CSRF_MODES), "encoding": st.sampled_from(ENCODINGS)}
    if links is not None:
        right["shape"], anyhow["shape"] = st.just("real"), st.sampled_from(links)
    return st.one_of(st.fixed_dictionaries(right), st.fixed_dictionaries(anyhow))


def cases(all_fields, free_text):
    """Half the examples change only the free-text fields of a good form sent the right way, so that
    they reach the database; the other half break anything: any field, the CSRF token, the encoding."""
    content = st.fixed_dictionaries({
        "changes": st.dictionaries(st.sampled_from(free_text), text_values(), min_size=1, max_size=4),
        "csrf": st.just("valid"), "encoding": st.sampled_from(("form", "multipart"))})
    anything = st.fixed_dictionaries({
        "changes": overrides(all_fields), "csrf": st.sampled_from(CSRF_MODES), "encoding": st.sampled_from(ENCODINGS)})
    return st.one_of(content, anything)


def case(changes, csrf="valid", encoding="form"):
    """An explicit example for @example(case=...)."""
    return {"changes": changes, "csrf": csrf, "encoding": encoding}


def csrf_value(mode, token, other_token):
    return {"valid": token, "forged": "IjEyMyI.ZmFrZQ.forged-" + secrets.token_hex(8), "empty": "",
            "other_session": other_token}.get(mode)


# ---------------------------------------------------------------- checks

def uploaded_files():
    return set(os.listdir(UPLOAD_DIR)) if os.path.isdir(UPLOAD_DIR) else set()


# Markup that runs: a script, an element with an event handler, or an attribute broken out of.
DANGEROUS = re.compile(r"<(?:script|img|svg|iframe)\b[^<>]*>|\"\s*on[a-z]+\s*=", re.IGNORECASE)


def raw_markup(text, values):
    """The dangerous pieces of the generated values that show as they were sent (not escaped) in `text`."""
    return [piece for value in values for piece in DANGEROUS.findall(value) if piece in text]


def flatten(data):
    out = []
    for value in data.values():
        if isinstance(value, (list, tuple)):
            out.extend(item for item in value if isinstance(item, str))
        elif isinstance(value, str):
            out.append(value)
    return out


def assert_answered(response, what):
    event(f"answered {response.status_code}")
    assert response.status_code < 500, f"{what}: {response.status_code}\n{response.get_data(as_text=True)[:2000]}"
    assert 200 <= response.status_code < 500, f"{what}: {response.status_code}"


def assert_escaped(response, values, what):
    if response.mimetype != "text/html":
        return
    found = raw_markup(response.get_data(as_text=True), values)
    assert not found, f"{what}: unescaped {found}"


def assert_unchanged(before, files_before, response, what, kept=False):
    """Nothing written. With `kept`, a refused submission form may keep the files that passed their checks
    (issue 15: kept with the form key, for the next try), and nothing else."""
    after = snapshot()
    files = uploaded_files()
    if kept:
        from consult.consultations.kept import KeptFile

        before, after = dict(before), dict(after)
        before.pop("kept_files", None), after.pop("kept_files", None)
        # Files kept now or by an earlier example (a later post may take or sweep those).
        KEPT_NAMES.update(_db.session.scalars(select(KeptFile.stored_name)))
        files, files_before = files - KEPT_NAMES, files_before - KEPT_NAMES
    assert after == before, f"{what} answered {response.status_code} but changed: {describe_changes(before, after)}"
    assert files == files_before, f"{what} answered {response.status_code} but left files behind"


KEPT_NAMES = set()


def assert_stays_on_site(location, what):
    """Where a browser would go: it drops tabs and newlines and reads a backslash as a slash."""
    browser = re.sub(r"[\t\n\r]", "", location or "").replace("\\", "/")
    parts = urlsplit(browser)
    assert not parts.netloc or parts.netloc == "localhost", f"{what}: redirect off the site to {location!r}"
    assert not parts.scheme or parts.scheme in ("http", "https"), f"{what}: redirect to {location!r}"


def send(client, url, data, encoding):
    """POST `data` as a browser would (a form, multipart), or the wrong way."""
    if encoding == "form":
        return client.post(url, data=data)
    if encoding == "multipart":
        return client.post(url, data=data, content_type="multipart/form-data")
    if encoding == "json":
        import json

        return client.post(url, data=json.dumps({k: v for k, v in data.items() if not hasattr(v, "read")},
                                                default=str), content_type="application/json")
    if encoding == "text":
        return client.post(url, data="&".join(f"{k}={v}" for k, v in data.items() if isinstance(v, str)),
                           content_type="text/plain; charset=utf-8")
    raise AssertionError(encoding)



@pytest.fixture
def page_token(app):
    """A new client and the CSRF token of its session (from the page at `url`); and a token of another session."""
    other = []

    def make(url="/en/login"):
        client = app.test_client()
        token = csrf_token(client.get(url).get_data(as_text=True))
        if not other:
            other.append(csrf_token(app.test_client().get("/en/login").get_data(as_text=True)))
        return client, token, other[0]

    return make


@pytest.fixture
def secretariat_reader(app, secretariat):
    return login(app.test_client(), secretariat.email)


def fresh_example():
    """Each example starts with the rate limits cleared: they are tested elsewhere."""
    limiter.reset()


# ---------------------------------------------------------------- the submission form

SUBMISSION_FIELDS = tuple(SUBMISSION_FORM) + ("form_key", "website", "save_draft", "countries_of_work",
                                              "objectives", "principles", "attachments")


def _accepted_submission(db, location):
    token = location.rstrip("/").rsplit("/submissions/", 1)[1].split("/")[0]
    db.session.expire_all()
    return consultations.by_token(token)


def check_saved(submission, data, what):
    """What was accepted was saved whole: each text field as sent (without surrounding spaces)."""
    from consult.text import strip_format

    for name in ("org_name", "contact_name", "good_practices", "challenges", "recommendations"):
        sent = data.get(name)
        if isinstance(sent, str):
            # Single-line names lose invisible format characters (issue 16); texts are kept as sent.
            expected = strip_format(sent).strip() if name in ("org_name", "contact_name") else sent.strip()
            assert getattr(submission, name) == expected, f"{what}: {name} saved as {getattr(submission, name)!r}"


def check_attachments(submission, uploads, files_before, what):
    """Each file kept is what its content says it is (magic bytes), under an allowed name, and was sent;
    the files written to disk are exactly the rows'. (Which of the sent names arrived is the test client's
    business: it garbles quotes and newlines in file names, so the check starts from what was kept.)"""
    import hashlib

    from consult.consultations import uploads as storage

    sent = {hashlib.sha256(content).hexdigest() for _name, content in uploads}
    for attachment in submission.attachments:
        assert attachment.original_name.rsplit(".", 1)[-1].lower() in storage.ALLOWED_EXTENSIONS, what
        assert attachment.sha256 in sent, f"{what}: a file that was not sent"
        with open(storage.path_of(attachment.stored_name), "rb") as handle:
            assert storage.sniff(handle.read()) == attachment.content_type, f"{what}: {attachment.original_name!r}"
    assert len(uploaded_files() - files_before) == len(submission.attachments), f"{what}: files no row names"


def check_export(secretariat_reader, slug, values, what):
    """The secretariat's CSV export: no cell a spreadsheet would run as a formula."""
    import csv

    response = secretariat_reader.get(f"/en/consultations/{slug}/export.csv")
    assert response.status_code == 200, what
    for row in csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"{what}: a formula in the export: {cell!r}"


SUBMISSION_TEXT = ("org_name", "contact_name", "contact_phone", "good_practices", "challenges", "recommendations")


@fuzz(50)
@given(case=cases(SUBMISSION_FIELDS, SUBMISSION_TEXT), uploads=st.one_of(st.just([]), st.just([]), files()),
       draft=st.booleans(), lang=st.sampled_from(("ar", "en", "fr")))
@example(case=case({"org_name": SCRIPT, "good_practices": "=1+1", "recommendations": "\u202e" + SCRIPT}), uploads=[],
         draft=False, lang="ar")
@example(case=case({"org_name": "a\x00b"}), uploads=[], draft=False, lang="en")                 # NUL
@example(case=case({"org_name": "\ufdfa" * 20}), uploads=[], draft=False, lang="en")            # a key longer than the name
@example(case=case({"form_key": "k" * 100}), uploads=[], draft=True, lang="fr")                # longer than its column
@example(case=case({"attachments": SCRIPT}), uploads=[], draft=False, lang="en")               # a text, not a file
@example(case=case({}, encoding="multipart"), uploads=[("report.pdf", BAD_CONTENT[0])], draft=False, lang="en")
@example(case=case({"save_draft": [], "send": None}), uploads=[], draft=False, lang="ar")     # a field sent empty
def test_submission_form(app, db, page_token, create_consultation, secretariat_reader, case, uploads, draft, lang):
    changes, csrf, encoding = case["changes"], case["csrf"], case["encoding"]
    fresh_example()
    slug = "fuzz-call"
    try:
        consultations.get_consultation(slug)
    except consultations.NotFound:
        create_consultation(slug=slug)
    url = f"/{lang}/consultations/{slug}/submit"
    client, token, other = page_token(url)
    data = apply_overrides({**SUBMISSION_FORM, "form_key": secrets.token_urlsafe(24)}, changes)
    if draft:
        data["save_draft"] = "1"
        data.pop("send", None)
    draft = "save_draft" in data
    if uploads:
        data["attachments"] = [(io.BytesIO(content), name) for name, content in uploads]
        encoding = "multipart" if encoding == "form" else encoding
    data["csrf_token"] = csrf_value(csrf, token, other)
    if data["csrf_token"] is None:
        del data["csrf_token"]
    what = f"POST {url} ({encoding}, csrf {csrf})"
    before, files_before = snapshot(), uploaded_files()
    response = send(client, url, data, encoding)
    assert_answered(response, what)
    values = flatten(changes)
    assert_escaped(response, values, what)
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "/submissions/" in location:
        assert csrf == "valid", f"{what}: accepted without a valid CSRF token"
        submission = _accepted_submission(db, location)
        assert submission.status == ("draft" if draft else "received"), f"{what}: saved as {submission.status}"
        check_saved(submission, data, what)
        check_attachments(submission, uploads, files_before, what)
        page = client.get(location)
        assert page.status_code == 200, what
        assert_escaped(page, values, f"the submitter's page after {what}")
        if not draft:
            review = secretariat_reader.get(f"/en/review/{submission.id}")
            assert review.status_code == 200, what
            assert_escaped(review, values, f"the review page after {what}")
            check_export(secretariat_reader, slug, values, what)
    else:
        # 200: the same form (its form_key) sent twice, which shows where the first one went.
        assert response.status_code in (200, 400, 413), f"{what}: {response.status_code} {location}"
        assert_unchanged(before, files_before, response, what, kept=True)


# ---------------------------------------------------------------- the submitter's private link

TOKEN_SHAPES = ("real", "real", "real", "random", "truncated", "extended", "long", "unicode", "nul", "empty_like")


def token_variant(shape, real):
    return {
        "real": real,
        "random": secrets.token_urlsafe(32),
        "truncated": real[:-1],
        "extended": real + "A",
        "long": real * 20,
        "unicode": real[:10] + "\u202eب𝕏",
        "nul": real[:10] + "\x00",
        "empty_like": "%20",
    }[shape]


@fuzz(35)
@given(case=cases(SUBMISSION_FIELDS + ("remove_attachment",), SUBMISSION_TEXT + ("remove_attachment",)),
       uploads=st.one_of(st.just([]), files()), shape=st.sampled_from(TOKEN_SHAPES),
       action=st.sampled_from(("edit", "edit", "send", "withdraw")))
@example(case=case({"remove_attachment": "²"}), uploads=[], shape="real", action="edit")
@example(case=case({"remove_attachment": "9" * 5000}), uploads=[], shape="real", action="edit")
def test_submitter_link(app, db, page_token, create_consultation, case, uploads, shape, action):
    changes, csrf, encoding = case["changes"], case["csrf"], case["encoding"]
    fresh_example()
    slug = "fuzz-link"
    try:
        consultation = consultations.get_consultation(slug)
    except consultations.NotFound:
        consultation = create_consultation(slug=slug)
    # A new submission (or a new draft) for each example: withdrawing one does not stop the next.
    values = {**SUBMISSION_FORM, "objectives": [6], "principles": ["a"], "countries_of_work": ["MA"]}
    result = consultations.submit(consultation, values, page_lang="en", draft=action == "send")
    real = result.token
    token = token_variant(shape, real)
    base = f"/en/submissions/{token}/"
    url = base + "withdraw" if action == "withdraw" else base
    client, csrf_token_, other = page_token()
    data = apply_overrides({**SUBMISSION_FORM}, changes)
    if action == "send":
        data["send"] = "1"
    elif action == "edit":
        data.pop("send", None)
    if uploads:
        data["attachments"] = [(io.BytesIO(content), name) for name, content in uploads]
        encoding = "multipart" if encoding == "form" else encoding
    if csrf_value(csrf, csrf_token_, other) is not None:
        data["csrf_token"] = csrf_value(csrf, csrf_token_, other)
    what = f"{action} through a {shape} link ({encoding}, csrf {csrf})"
    before, files_before = snapshot(), uploaded_files()
    response = send(client, url, data, encoding)
    assert_answered(response, what)
    assert_escaped(response, flatten(changes), what)
    if response.status_code in (302, 303):
        assert csrf == "valid" and shape == "real", f"{what}: accepted"
        db.session.expire_all()
        submission = consultations.by_token(real)
        if action == "withdraw":
            assert submission.status == "withdrawn", what
        else:
            check_saved(submission, data, what)
            check_attachments(submission, uploads, files_before, what)
            assert submission.status == "received", f"{what}: saved as {submission.status}"
            page = client.get(response.headers["Location"])
            assert page.status_code == 200, what
            assert_escaped(page, flatten(changes), f"the submitter's page after {what}")
    else:
        assert response.status_code in (400, 404, 410, 413), what
        assert_unchanged(before, files_before, response, what)


# ---------------------------------------------------------------- the nomination form

APPLICATION_FIELDS = tuple(ARABIC_APPLICATION) + ("migrant_led", "website_check", "form_key")


APPLICATION_TEXT = ("org_name", "contact_name", "nominee_name", "nominee_phone", "nominee_position", "motivation",
                    "experience")


@fuzz(40)
@given(case=cases(APPLICATION_FIELDS, APPLICATION_TEXT), lang=st.sampled_from(("ar", "en", "fr")))
@example(case=case({"org_name": "\ufdfa" * 20}), lang="ar")
@example(case=case({"motivation": "a\x00b"}), lang="en")
@example(case=case({"org_name": "—"}), lang="fr")                                    # punctuation names nothing
def test_nomination_form(app, db, page_token, create_call, secretariat_reader, case, lang):
    changes, csrf, encoding = case["changes"], case["csrf"], case["encoding"]
    from consult.membership import nominations
    from consult.membership.models import Application

    fresh_example()
    call = next(iter(nominations.list_calls()), None) or create_call()
    url = f"/{lang}/group/nominations/{call.id}/apply"
    client, token, other = page_token(url)
    data = apply_overrides({**ARABIC_APPLICATION, "nominee_email": f"{secrets.token_hex(6)}@example.org",
                            "form_key": secrets.token_urlsafe(24)}, changes)
    if csrf_value(csrf, token, other) is not None:
        data["csrf_token"] = csrf_value(csrf, token, other)
    what = f"POST {url} ({encoding}, csrf {csrf})"
    before = snapshot()
    response = send(client, url, data, encoding)
    assert_answered(response, what)
    assert_escaped(response, flatten(changes), what)
    if response.status_code == 302:
        assert csrf == "valid" and response.headers["Location"].endswith("/thanks"), what
        db.session.expire_all()
        application = db.session.scalars(select(Application).order_by(Application.id.desc())).first()
        for name in ("org_name", "contact_name", "nominee_name", "motivation"):
            if isinstance(data.get(name), str):
                assert getattr(application, name) == data[name].strip(), f"{what}: {name}"
        page = secretariat_reader.get(f"/en/group/nominations/applications/{application.id}")
        assert page.status_code == 200, what
        assert_escaped(page, flatten(changes), f"the application's page after {what}")
    else:
        assert response.status_code in (200, 400, 413), what  # 200: the same form sent twice
        assert_unchanged(before, uploaded_files(), response, what)


# ---------------------------------------------------------------- sign-in and the password-reset request

REDIRECTS = ("//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "https://evil.example",
             "\\\\evil.example", "/%2F/evil.example", "/\r\nSet-Cookie: admin=1", " //evil.example",
             "/en/meetings/", "/ar/consultations/?q=<script>alert(1)</script>", "javascript:alert(1)")


@fuzz(12)
@given(email=st.one_of(text_values(), st.sampled_from(("member@example.org", " MEMBER@example.org "))),
       password=st.one_of(text_values(), st.just(TEST_PASSWORD)),
       next_=st.one_of(st.none(), text_values(), st.sampled_from(REDIRECTS)), how=sending())
@example(email="member@example.org", password=TEST_PASSWORD, next_="/\t/evil.example",
         how={"csrf": "valid", "encoding": "form"})
@example(email=" MEMBER@example.org ", password=TEST_PASSWORD, next_="/\\evil.example",
         how={"csrf": "valid", "encoding": "multipart"})
def test_sign_in(app, db, page_token, member, email, password, next_, how):
    """Wrong e-mails and passwords (some right ones too): a 400 that changes nothing, or, signed in,
    a redirect that stays on the site whatever `next` says."""
    from urllib.parse import quote

    csrf, encoding = how["csrf"], how["encoding"]
    fresh_example()
    client, token, other = page_token()
    url = "/en/login" + (f"?next={quote(next_, safe='')}" if next_ is not None else "")
    data = {"email": email, "password": password}
    if csrf_value(csrf, token, other) is not None:
        data["csrf_token"] = csrf_value(csrf, token, other)
    what = f"sign-in as {email!r}, next {next_!r} ({encoding}, csrf {csrf})"
    before = snapshot()
    response = send(client, url, data, encoding)
    assert_answered(response, what)
    assert_escaped(response, [email, password, next_ or ""], what)
    right = (csrf == "valid" and encoding in ("form", "multipart") and password == TEST_PASSWORD
             and email.strip().lower() == member.email)
    assert (response.status_code == 302) == right, f"{what}: {response.status_code}"
    if right:
        assert_stays_on_site(response.headers["Location"], what)
        return
    assert response.status_code in (400, 413), f"{what}: a wrong password answered {response.status_code}"
    assert snapshot() == before, what
    if len(password.strip()) >= 20:  # the password box comes back empty
        from markupsafe import escape

        for tag in re.findall(r'<input[^>]*name="password"[^>]*>', response.get_data(as_text=True)):
            assert str(escape(password)) not in tag, f"{what}: the password is sent back"


EMAILS = ("nobody@example.org", " Nobody@Example.ORG ", "ليلى@example.org", "a+b@example.org", "x@xn--mgbh0fb.example",
          "<script>@example.org", "a@b", "@example.org", "a" * 250 + "@example.org")


@fuzz(25)
@given(email=st.one_of(text_values(), st.emails().map(str), st.sampled_from(EMAILS)), how=sending())
def test_password_reset_request(app, db, page_token, email, how):
    csrf, encoding = how["csrf"], how["encoding"]
    fresh_example()
    client, token, other = page_token("/en/password/forgot")
    data = {"email": email}
    if csrf_value(csrf, token, other) is not None:
        data["csrf_token"] = csrf_value(csrf, token, other)
    what = f"reset request for {email!r} ({encoding}, csrf {csrf})"

    before = snapshot()
    response = send(client, "/en/password/forgot", data, encoding)
    assert_answered(response, what)
    assert_escaped(response, [email], what)
    assert response.status_code in (302, 400, 413), what
    if response.status_code == 302:
        assert csrf == "valid", what
        assert urlsplit(response.headers["Location"]).path == "/en/login", what
    # Nobody has an account here: no e-mail queued, nothing written either way.
    assert snapshot() == before, what


# ---------------------------------------------------------------- the set-password link

class _OldSigner(TimestampSigner):
    def get_timestamp(self):
        return int(time.time()) - 30 * 24 * 3600


def password_link(app, user, shape):
    from consult.auth import services as accounts

    real = accounts.password_token(user)
    salt = "consult.password-link"
    if shape == "expired":
        return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt, signer=_OldSigner).dumps(
            {"u": user.id, "f": user.password_fingerprint})
    if shape == "other_key":
        return URLSafeTimedSerializer("another-key-" + "x" * 40, salt=salt).dumps({"u": user.id, "f": user.password_fingerprint})
    if shape.startswith("payload:"):
        # Signed with the app's own key, but not what the app signs: defence in depth.
        payload = ODD_PASSWORD_PAYLOADS[int(shape.split(":")[1])]
        return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt).dumps(payload)
    return token_variant(shape, real)


# Only the app's key signs these; ids it never signs (beyond the database's integers, negative) are
# still refused cleanly, should the key ever leak.
ODD_PASSWORD_PAYLOADS = ([1], "u", {"u": "1"}, {"u": True}, None, {"u": [1]}, {"u": 2**31 - 1}, {"u": 2**31},
                         {"u": 2**64}, {"u": -1})


@fuzz(14)
@given(how=sending(TOKEN_SHAPES + ("expired", "other_key")),
       password=st.one_of(text_values(), text_values().map(lambda text: text + " and long enough")),
       same=st.sampled_from((True, True, False)))
def test_set_password_link(app, db, page_token, create_user, how, password, same):
    from consult.auth import services as accounts
    from consult.auth.models import User

    shape, csrf, encoding = how["shape"], how["csrf"], how["encoding"]
    fresh_example()
    user = db.session.scalar(select(User).where(User.email == "new@example.org")) or create_user(
        email="new@example.org", password=None)
    token = password_link(app, user, shape)
    client, csrf_token_, other = page_token()
    data = {"password": password, "confirm": password if same else password + "x"}
    if csrf_value(csrf, csrf_token_, other) is not None:
        data["csrf_token"] = csrf_value(csrf, csrf_token_, other)
    url = f"/en/password/set/{token}"
    what = f"set password through a {shape} link ({encoding}, csrf {csrf})"
    before = snapshot()
    response = send(client, url, data, encoding)
    assert_answered(response, what)
    assert_escaped(response, [password], what)
    if response.status_code == 302:
        assert csrf == "valid" and shape == "real" and same and len(password) >= 10, what
        db.session.expire_all()
        user = db.session.get(User, user.id)
        assert accounts.hasher.verify(user.password_hash, password), f"{what}: the password is not the one sent"
    else:
        assert response.status_code in (400, 404, 413), what
        assert snapshot() == before, what


# ---------------------------------------------------------------- the observer's RSVP link

def rsvp_link(app, invitation, member_invitation, past_invitation, shape):
    from consult.meetings import rsvp

    salt = "consult.meeting-rsvp"
    real = rsvp.rsvp_token(invitation)
    signed = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt)
    return {
        "expired": rsvp.rsvp_token(past_invitation),
        "member": signed.dumps({"i": member_invitation.id}),
        "other_key": URLSafeTimedSerializer("another-key-" + "x" * 40, salt=salt).dumps({"i": invitation.id}),
        "string_id": signed.dumps({"i": str(invitation.id)}),
        "bool_id": signed.dumps({"i": True}),
        "list": signed.dumps([invitation.id]),
        "unknown": signed.dumps({"i": 2**31 - 1}),
        "beyond_int": signed.dumps({"i": 2**31}),
        "beyond_bigint": signed.dumps({"i": 2**64}),
        "negative": signed.dumps({"i": -5}),
    }.get(shape) or token_variant(shape, real)


RSVP_SHAPES = ("expired", "member", "other_key", "string_id", "bool_id", "list", "unknown", "beyond_int",
               "beyond_bigint", "negative")


@fuzz(25)
@given(how=sending(TOKEN_SHAPES + RSVP_SHAPES),
       answer=st.one_of(st.sampled_from(("accepted", "declined", "tentative", "pending")), text_values(),
                        st.lists(text_values(), max_size=3)))
def test_observer_rsvp_link(app, db, page_token, create_meeting, member, how, answer):
    from consult.database import utcnow
    from consult.meetings import services as meetings
    from consult.meetings.models import Invitation, Meeting

    shape, csrf, encoding = how["shape"], how["csrf"], how["encoding"]
    fresh_example()
    meeting = db.session.scalar(select(Meeting).where(Meeting.status == "scheduled"))
    if meeting is None:
        meeting = create_meeting()
        started = utcnow().replace(microsecond=0) - timedelta(days=3)
        create_meeting(starts_at=started, ends_at=started + timedelta(hours=2), status="held")
        meetings.invite_members(meeting, [member])
    past = db.session.scalar(select(Meeting).where(Meeting.status == "held"))
    invitation = meetings.invite_observer(meeting, "observer@example.org", "Observer")
    past_invitation = meetings.invite_observer(past, "observer@example.org", "Observer")
    member_invitation = meetings.invitation_for(meeting, member)
    token = rsvp_link(app, invitation, member_invitation, past_invitation, shape)
    client, csrf_token_, other = page_token()
    data = {"response": answer}
    if csrf_value(csrf, csrf_token_, other) is not None:
        data["csrf_token"] = csrf_value(csrf, csrf_token_, other)
    url = f"/fr/meetings/rsvp/{token}"
    what = f"RSVP {answer!r} through a {shape} link ({encoding}, csrf {csrf})"
    before = snapshot()
    response = send(client, url, data, encoding)
    assert_answered(response, what)
    assert_escaped(response, flatten(data), what)
    if response.status_code == 302:
        assert csrf == "valid" and shape == "real" and answer in ("accepted", "declined", "tentative"), what
        db.session.expire_all()
        assert db.session.get(Invitation, invitation.id).response == answer, what
    else:
        assert response.status_code in (400, 404, 410, 413), what
        assert snapshot() == before, what
    # The page of the link (GET) never breaks either.
    page = client.get(url)
    assert_answered(page, f"GET {what}")


# ---------------------------------------------------------------- every kind of bad link, each shape once

def test_every_forged_tampered_or_expired_link(app, db, page_token, create_consultation, create_user, create_meeting,
                                               member):
    """Each shape of bad token on each signed or secret link (GET and POST): 4xx, nothing changed."""
    from consult.meetings import services as meetings

    consultation = create_consultation(slug="links")
    result = consultations.submit(consultation, {**SUBMISSION_FORM, "objectives": [6], "principles": ["a"],
                                                 "countries_of_work": ["MA"]}, page_lang="en")
    user = create_user(email="new@example.org", password=None)
    meeting = create_meeting()
    started = meeting.starts_at - timedelta(days=30)
    past = create_meeting(starts_at=started, ends_at=started + timedelta(hours=2), status="held")
    meetings.invite_members(meeting, [member])
    invitation = meetings.invite_observer(meeting, "observer@example.org", "Observer")
    past_invitation = meetings.invite_observer(past, "observer@example.org", "Observer")
    member_invitation = meetings.invitation_for(meeting, member)
    feed_token = meetings.new_feed_token(member)
    client, token, _other = page_token()
    links = []
    for shape in TOKEN_SHAPES[3:]:
        links.append(("submission", shape, f"/en/submissions/{token_variant(shape, result.token)}/", {}))
        links.append(("withdraw", shape, f"/en/submissions/{token_variant(shape, result.token)}/withdraw", {}))
        links.append(("calendar", shape, f"/calendar/{token_variant(shape, feed_token)}.ics", None))
    for shape in TOKEN_SHAPES[3:] + ("expired", "other_key") + tuple(f"payload:{n}" for n in range(len(ODD_PASSWORD_PAYLOADS))):
        data = {"password": "a long enough password", "confirm": "a long enough password"}
        links.append(("password", shape, f"/en/password/set/{password_link(app, user, shape)}", data))
    for shape in TOKEN_SHAPES[3:] + RSVP_SHAPES:
        token_ = rsvp_link(app, invitation, member_invitation, past_invitation, shape)
        links.append(("rsvp", shape, f"/en/meetings/rsvp/{token_}", {"response": "accepted"}))
    failures = []
    for kind, shape, url, data in links:
        for method in ("GET", "POST") if data is not None else ("GET",):
            if method == "GET" and url.endswith("/withdraw"):
                continue
            before = snapshot()
            response = client.get(url) if method == "GET" else client.post(url, data={**data, "csrf_token": token})
            if not 400 <= response.status_code < 500 or snapshot() != before:
                failures.append(f"{kind} link, {shape}: {method} {url[:90]} -> {response.status_code}")
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------- the time-zone picker

ZONES = ("Asia/Beirut", "Africa/Casablanca", "UTC", "Europe/Paris")


@fuzz(40)
@given(zone=st.one_of(st.sampled_from(ZONES), st.sampled_from(ZONES), text_values()),
       next_=st.one_of(st.sampled_from(REDIRECTS), text_values()), how=sending(),
       method=st.sampled_from(("POST", "POST", "GET")))
@example(zone="Asia/Beirut", next_="/\t/evil.example", how={"csrf": "valid", "encoding": "form"}, method="POST")
@example(zone="Asia/Beirut", next_="/\n/evil.example", how={"csrf": "valid", "encoding": "form"}, method="POST")
def test_timezone_picker(app, db, page_token, zone, next_, how, method):
    from urllib.parse import quote

    csrf, encoding = how["csrf"], how["encoding"]
    fresh_example()
    client, token, other = page_token("/ar/timezone")
    what = f"{method} time zone {zone!r} then {next_!r} ({encoding}, csrf {csrf})"
    before = snapshot()
    if method == "GET":
        response = client.get(f"/ar/timezone?next={quote(next_, safe='')}")
        assert_answered(response, what)
        assert response.status_code in (200, 400), what
    else:
        data = {"timezone": zone, "next": next_}
        if csrf_value(csrf, token, other) is not None:
            data["csrf_token"] = csrf_value(csrf, token, other)
        response = send(client, "/ar/timezone", data, encoding)
        assert_answered(response, what)
        if response.status_code == 302:
            assert csrf == "valid" and zone in ZONES, what
            assert_stays_on_site(response.headers["Location"], what)
            assert f"tz={zone}" in response.headers.get("Set-Cookie", "").replace('"', ""), what
        else:
            assert response.status_code in (400, 413), what
    assert_escaped(response, [zone, next_], what)
    assert snapshot() == before, what


# ---------------------------------------------------------------- bodies that are not forms at all

PUBLIC_POSTS = ("/en/consultations/fuzz-raw/submit", "/ar/group/nominations/{call}/apply", "/fr/login",
                "/en/password/forgot", "/en/password/set/{password}", "/en/meetings/rsvp/{rsvp}",
                "/ar/timezone", "/en/submissions/{submission}/", "/en/submissions/{submission}/withdraw")
CONTENT_TYPES = ("multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=xyz",
                 'multipart/form-data; boundary="\u202e"', "multipart/mixed; boundary=abc",
                 "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-16",
                 "application/x-www-form-urlencoded; charset=no-such-charset", "application/json", "text/xml",
                 "application/octet-stream", "", "text/plain; charset=\x00", "image/png")


def multipart_bodies():
    """Multipart bodies that break the rules: wrong or missing boundaries, unfinished parts, odd headers."""
    part = st.sampled_from((
        b'--xyz\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\nabc\r\n--xyz--\r\n',
        b'--xyz\r\nContent-Disposition: form-data; name="attachments"; filename="a.pdf"\r\n'
        b'Content-Type: application/pdf\r\n\r\n%PDF-1.4 unfinished',
        b'--xyz\r\nContent-Disposition: form-data; name="org_name"\r\n\r\n' + "\u202e<script>".encode() + b'\r\n--xyz',
        b'--xyz\r\nContent-Disposition: form-data; name=\x00\r\n\r\nx\r\n--xyz--\r\n',
        b'--xyz\r\nContent-Disposition: form-data; filename="' + b"a" * 5000 + b'"\r\n\r\nx\r\n--xyz--\r\n',
        b'--xyz\r\n\r\n\r\n--xyz--\r\n',
        b'--xyz\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--xyz--\r\n',
        b'--xyz\r\nContent-Disposition: form-data; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n--xyz--\r\n',
        b'--abc\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--abc--\r\n',
        b"--xyz--\r\n", b"\r\n\r\n--xyz", b"--xyz\r\nContent-Disposition: form-data; name=\"x\"\r\n",
    ))
    return st.one_of(part, st.lists(part, min_size=1, max_size=4).map(b"".join), st.binary(max_size=2000))


NAMELESS = b'--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--\r\n'


@fuzz(50)
@example(target="/fr/login", content_type="multipart/form-data; boundary=xyz", body=NAMELESS, with_token=False)
@given(target=st.sampled_from(PUBLIC_POSTS), content_type=st.sampled_from(CONTENT_TYPES), body=multipart_bodies(),
       with_token=st.booleans())
def test_bodies_that_are_not_forms(app, db, page_token, create_consultation, create_call, create_meeting, member,
                                   target, content_type, body, with_token):
    from consult.auth import services as accounts
    from consult.meetings import rsvp
    from consult.meetings import services as meetings
    from consult.meetings.models import Invitation
    from consult.membership.models import NominationCall

    fresh_example()
    try:
        consultation = consultations.get_consultation("fuzz-raw")
    except consultations.NotFound:
        consultation = create_consultation(slug="fuzz-raw")
        create_call()
        meeting = create_meeting()
        meetings.invite_observer(meeting, "observer@example.org")

    invitation = db.session.scalar(select(Invitation))
    call = db.session.scalar(select(NominationCall))
    submission = consultations.submit(consultation, {**SUBMISSION_FORM, "objectives": [6], "principles": ["a"],
                                                     "countries_of_work": ["MA"]}, page_lang="en")
    url = target.format(call=call.id, password=accounts.password_token(member), rsvp=rsvp.rsvp_token(invitation),
                        submission=submission.token)
    client, token, _other = page_token()
    if with_token:
        # The right CSRF token inside a body that is broken around it.
        body = body.replace(b"abc", token.encode())
    before, files_before = snapshot(), uploaded_files()
    response = client.post(url, data=body, content_type=content_type)
    what = f"POST {url} as {content_type!r}: {body[:120]!r}"
    assert_answered(response, what)
    if response.status_code == 302:
        # A well-formed body around the right CSRF token: withdrawing needs nothing else.
        assert with_token and url.endswith("/withdraw"), what
        return
    assert response.status_code in (400, 404, 413, 415), what
    assert_unchanged(before, files_before, response, what)



def test_bodies_over_the_limits(app, db, page_token, monkeypatch, create_consultation, create_call, create_meeting,
                                member):
    """A request over the hard cap (lowered here to 200 kB), or one text field over Flask's cap on a form
    field held in memory (multipart): a translated 413 page on every public form, and nothing changed."""
    from consult.auth import services as accounts
    from consult.meetings import rsvp
    from consult.meetings import services as meetings

    consultation = create_consultation(slug="fuzz-raw")
    call = create_call()
    invitation = meetings.invite_observer(create_meeting(), "observer@example.org")
    submission = consultations.submit(consultation, {**SUBMISSION_FORM, "objectives": [6], "principles": ["a"],
                                                     "countries_of_work": ["MA"]}, page_lang="en")
    urls = [target.format(call=call.id, password=accounts.password_token(member), rsvp=rsvp.rsvp_token(invitation),
                          submission=submission.token) for target in PUBLIC_POSTS]
    client, token, _other = page_token()
    field_cap = app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000
    failures = []
    for url in urls:
        for what, data, request_cap in (
                ("one field over the in-memory cap", {"csrf_token": token, "org_name": "x" * (field_cap + 1)}, None),
                ("a file over the request cap",
                 {"csrf_token": token, "attachments": (io.BytesIO(PDF + b"0" * 300_000), "big.pdf")}, 200_000)):
            with monkeypatch.context() as patch:
                if request_cap:
                    patch.setitem(app.config, "MAX_CONTENT_LENGTH", request_cap)
                before, files_before = snapshot(), uploaded_files()
                response = client.post(url, data=data, content_type="multipart/form-data")
            if response.status_code != 413 or snapshot() != before or uploaded_files() != files_before:
                failures.append(f"{what}: POST {url} -> {response.status_code}")
            elif "<html lang=" not in response.get_data(as_text=True):
                failures.append(f"{what}: POST {url} -> 413 without the site's page")
    assert not failures, "\n".join(failures)
