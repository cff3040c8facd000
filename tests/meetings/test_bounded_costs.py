"""What an anonymous reader can make the server do is bounded: agenda PDFs are stored by the hash of
their inputs and their builds counted per address; feeds and the API are kept whole for a while."""
from pathlib import Path

import pytest

from consult.core import costs, pdf
from consult.core.extensions import db as _db
from tests.helpers import login, recorded_statements


@pytest.fixture
def builds(monkeypatch):
    """The number of times WeasyPrint lays out a document."""
    calls = []
    real = pdf.render_pdf

    def counting(*args, **kwargs):
        calls.append(kwargs.get("lang"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return calls


@pytest.fixture
def kept(app):
    app.config["CONSULT_PUBLIC_CACHE_SECONDS"] = 60
    costs.response_cache().clear()
    yield costs.response_cache()
    app.config["CONSULT_PUBLIC_CACHE_SECONDS"] = 0
    costs.response_cache().clear()


def test_agenda_pdf_is_built_once_for_the_same_inputs(app, client, create_meeting, builds):
    meeting = create_meeting(agenda=[{"title": {"en": "Opening"}}])
    url = f"/en/meetings/{meeting.id}/agenda.pdf"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and first.data.startswith(b"%PDF")
    assert builds == ["en"]
    # The stored file is served, and a client that has it gets a 304.
    assert client.get(url, headers={"If-None-Match": second.headers["ETag"]}).status_code == 304
    folder = Path(app.config["CONSULT_UPLOAD_DIR"]) / "agendas"
    assert len(list(folder.glob(f"agenda-{meeting.id}-en-*.pdf"))) == 1
    # Another language is another document; a change to the meeting makes a new one, and the old goes.
    assert client.get(f"/fr/meetings/{meeting.id}/agenda.pdf").status_code == 200
    meeting.title = {"en": "Renamed meeting"}
    _db.session.commit()
    third = client.get(url)
    assert third.status_code == 200 and third.data != first.data
    assert builds == ["en", "fr", "en"]
    assert len(list(folder.glob(f"agenda-{meeting.id}-en-*.pdf"))) == 1


def test_agenda_pdf_builds_are_limited_per_address(app, client, create_meeting, builds):
    app.config["CONSULT_RATELIMIT_PDF"] = "2 per minute"
    try:
        meetings = [create_meeting(title={"en": f"Meeting {n}"}) for n in range(3)]
        one = {"REMOTE_ADDR": "192.0.2.1"}
        assert client.get(f"/en/meetings/{meetings[0].id}/agenda.pdf", environ_base=one).status_code == 200
        assert client.get(f"/en/meetings/{meetings[1].id}/agenda.pdf", environ_base=one).status_code == 200
        refused = client.get(f"/fr/meetings/{meetings[2].id}/agenda.pdf", environ_base=one)
        assert refused.status_code == 429
        assert "Veuillez patienter" in refused.get_data(as_text=True)
        # What is stored is still served to that address; another address may build.
        assert client.get(f"/en/meetings/{meetings[0].id}/agenda.pdf", environ_base=one).status_code == 200
        other = {"REMOTE_ADDR": "192.0.2.2"}
        assert client.get(f"/fr/meetings/{meetings[2].id}/agenda.pdf", environ_base=other).status_code == 200
        assert len(builds) == 3
    finally:
        app.config["CONSULT_RATELIMIT_PDF"] = "10 per minute; 30 per hour"


@pytest.mark.parametrize("url", ["/calendar/public.ics", "/calendar/public.ics?lang=fr", "/api/meetings",
                                 "/api/consultations", "/api/reports", "/meetings/{id}.ics"])
def test_feeds_and_the_api_are_kept_for_anonymous_readers(client, create_meeting, kept, url):
    meeting = create_meeting()
    url = url.format(id=meeting.id)
    first = client.get(url)
    assert first.status_code == 200
    with recorded_statements() as statements:
        again = client.get(url)
    assert again.status_code == 200 and again.data == first.data
    selects = [sql for sql, _ in statements if sql.lstrip().upper().startswith("SELECT")]
    # A dictionary lookup; one meeting's file first checks that the reader may still see the meeting.
    assert len(selects) <= (2 if url.startswith("/meetings/") else 0), selects  # the meeting and its agenda
    # Query strings that do not change the answer do not make new entries.
    for junk in ("?x=1", "?lang=zz", "?lang=en&y=2", "?lang=ar", "?z=3"):
        assert client.get(url.split("?")[0] + junk).status_code == 200
    assert len(kept._entries) <= 3  # one per language at most


def test_signed_in_readers_get_fresh_answers(app, member, create_meeting, kept):
    client = login(app.test_client(), member.email)
    meeting = create_meeting()
    client.get(f"/meetings/{meeting.id}.ics")
    with recorded_statements() as statements:
        assert client.get(f"/meetings/{meeting.id}.ics").status_code == 200
    assert statements
