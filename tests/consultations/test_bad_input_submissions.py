"""Bad input on the submission form (sent, or saved as a draft) and on the submitter's private link (edit,
send, withdraw): generated with Hypothesis, checked as tests/bad_input_helpers.py describes."""
import io
import secrets

from hypothesis import example, given
from hypothesis import strategies as st

from consult.consultations import services as consultations
from tests.bad_input_helpers import (
    BAD_CONTENT, SCRIPT, TOKEN_SHAPES, apply_overrides, assert_answered, assert_escaped, assert_unchanged, case,
    cases, csrf_value, files, flatten, fresh_example, fuzz, send, token_variant, uploaded_files)
from tests.fuzz_helpers import snapshot
from tests.helpers import SUBMISSION_FORM


# ---------------------------------------------------------------- the submission form

SUBMISSION_FIELDS = tuple(SUBMISSION_FORM) + ("form_key", "website", "save_draft", "countries_of_work",
                                              "objectives", "principles", "attachments")


def _accepted_submission(db, location):
    token = location.rstrip("/").rsplit("/submissions/", 1)[1].split("/")[0]
    db.session.expire_all()
    return consultations.by_token(token)


def check_saved(submission, data, what):
    """What was accepted was saved whole: each text field as sent (without surrounding spaces)."""
    from consult.core.text import strip_format

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

    from consult.core import storage

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
@example(case=case({"org_name": "\u202e"}), uploads=[], draft=True, lang="en")                # a draft's names lose format characters too
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
