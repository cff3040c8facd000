"""Helpers of the bad-input tests: bad input on every public form, generated with Hypothesis. The tests sit
beside each feature's tests, one file per surface: tests/consultations/test_bad_input_submissions.py,
tests/membership/test_bad_input.py, tests/meetings/test_bad_input.py, tests/test_bad_input_auth.py,
tests/test_bad_input_timezone.py, tests/test_bad_input_links.py and tests/test_bad_input_bodies.py.

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
from urllib.parse import urlsplit

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from consult.core.extensions import db as _db
from consult.core.extensions import limiter
from tests.fuzz_helpers import describe_changes, snapshot
from tests.helpers import UPLOAD_DIR


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


def fresh_example():
    """Each example starts with the rate limits cleared: they are tested elsewhere."""
    limiter.reset()


# ---------------------------------------------------------------- links: the shapes of a bad token

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


# ---------------------------------------------------------------- where a redirect may not go

REDIRECTS = ("//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "https://evil.example",
             "\\\\evil.example", "/%2F/evil.example", "/\r\nSet-Cookie: admin=1", " //evil.example",
             "/en/meetings/", "/ar/consultations/?q=<script>alert(1)</script>", "javascript:alert(1)")
