"""The agenda: items added, changed, deleted and reordered with plain forms; documents per item."""
import os
from datetime import datetime, timezone
from io import BytesIO

from icalendar import Calendar
from sqlalchemy import func, select

from consult.meetings import agenda, services
from consult.meetings.models import AgendaDocument, AgendaItem, Meeting
from tests.helpers import csrf_token, post_form

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
FAKE_PDF = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
# A meeting on 1 December 2026, 09:00 in Cairo (07:00 UTC).
STARTS = datetime(2026, 12, 1, 7, 0, tzinfo=timezone.utc)


def agenda_url(meeting, rest=""):
    return f"/en/meetings/{meeting.id}/agenda{rest}"


def reload(db, meeting):
    db.session.expire_all()
    return db.session.get(Meeting, meeting.id)


def titles_and_positions(db, meeting):
    meeting = reload(db, meeting)
    return [(item.title.get("en"), item.position) for item in meeting.agenda]


def add(client, meeting, title, **data):
    values = {"title_en": title, "duration_minutes": "30", **data}
    return post_form(client, agenda_url(meeting), values)


def test_add_edit_delete_move_keep_positions_and_leave_the_sequence(secretariat_client, create_meeting, db):
    meeting = create_meeting(starts_at=STARTS)
    sequence = meeting.sequence
    response = add(secretariat_client, meeting, "Opening", title_fr="Ouverture", title_ar="الافتتاح",
                   presenter="Chair", start_time="09:15", objectives=["7", "23"])
    assert response.status_code == 302
    for title in ("Reports", "Any other business"):
        assert add(secretariat_client, meeting, title).status_code == 302
    meeting = reload(db, meeting)
    assert titles_and_positions(db, meeting) == [("Opening", 1), ("Reports", 2), ("Any other business", 3)]
    first = meeting.agenda[0]
    assert first.title == {"ar": "الافتتاح", "en": "Opening", "fr": "Ouverture"}
    # 09:15 in Cairo on the meeting's day is 07:15 UTC.
    assert first.starts_at == datetime(2026, 12, 1, 7, 15, tzinfo=timezone.utc)
    assert first.objectives == [7, 23] and first.presenter == "Chair" and first.duration_minutes == 30
    assert meeting.sequence == sequence
    page = secretariat_client.get(agenda_url(meeting)).get_data(as_text=True)
    page = page[page.index('id="content"'):]  # after the navigation, which has a "Reports" link too
    assert page.index("Opening") < page.index("Reports") < page.index("Any other business")

    # Edit: the form comes back filled in; an agenda change raises no SEQUENCE (it goes with the next update).
    edit_url = agenda_url(meeting, f"/{first.id}/edit")
    page = secretariat_client.get(edit_url).get_data(as_text=True)
    assert 'value="09:15"' in page and 'value="Chair"' in page
    response = post_form(secretariat_client, edit_url, {"title_en": "Welcome", "start_time": "09:00",
                                                        "duration_minutes": "", "presenter": "Chair"})
    assert response.status_code == 302
    meeting = reload(db, meeting)
    assert meeting.agenda[0].title == {"en": "Welcome"} and meeting.agenda[0].duration_minutes is None
    assert meeting.sequence == sequence

    # Move the last item up, then the (new) first one down; the ends do not move further.
    last = meeting.agenda[2]
    assert post_form(secretariat_client, agenda_url(meeting, f"/{last.id}/move"), {"direction": "up"},
                     get_url=agenda_url(meeting)).status_code == 302
    assert titles_and_positions(db, meeting) == [("Welcome", 1), ("Any other business", 2), ("Reports", 3)]
    welcome = reload(db, meeting).agenda[0]
    assert post_form(secretariat_client, agenda_url(meeting, f"/{welcome.id}/move"), {"direction": "down"},
                     get_url=agenda_url(meeting)).status_code == 302
    assert titles_and_positions(db, meeting) == [("Any other business", 1), ("Welcome", 2), ("Reports", 3)]
    assert reload(db, meeting).sequence == sequence
    top = reload(db, meeting).agenda[0]
    post_form(secretariat_client, agenda_url(meeting, f"/{top.id}/move"), {"direction": "up"},
              get_url=agenda_url(meeting))
    assert reload(db, meeting).sequence == sequence
    assert post_form(secretariat_client, agenda_url(meeting, f"/{top.id}/move"), {"direction": "sideways"},
                     get_url=agenda_url(meeting)).status_code == 400

    # Delete the middle item: the others close up to 1..n.
    middle_id = reload(db, meeting).agenda[1].id
    assert post_form(secretariat_client, agenda_url(meeting, f"/{middle_id}/delete"), {},
                     get_url=agenda_url(meeting)).status_code == 302
    assert titles_and_positions(db, meeting) == [("Any other business", 1), ("Reports", 2)]
    assert reload(db, meeting).sequence == sequence
    assert db.session.get(AgendaItem, middle_id) is None


def test_bad_input_is_refused_and_nothing_saved(secretariat_client, create_meeting, db):
    meeting = create_meeting(starts_at=STARTS)
    sequence = meeting.sequence
    for data in ({"title_en": "", "duration_minutes": "30"},          # no title
                 {"title_en": "No time"},                             # neither a start nor a duration
                 {"title_en": "Bad", "start_time": "25:99"},
                 {"title_en": "Bad", "duration_minutes": "0"},
                 {"title_en": "Bad", "duration_minutes": "30", "objectives": ["24"]}):
        response = post_form(secretariat_client, agenda_url(meeting), data)
        assert response.status_code == 400, data
    page = response.get_data(as_text=True)
    assert "Please correct the fields marked below." in page
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 0
    assert reload(db, meeting).sequence == sequence
    response = post_form(secretariat_client, agenda_url(meeting), {"title_fr": "Rien"})
    assert "Please give a start time or a duration." in response.get_data(as_text=True)


def test_unknown_ids_and_items_of_another_meeting_are_404(secretariat_client, create_meeting, db):
    meeting = create_meeting(agenda=[{"title": {"en": "Mine"}, "duration_minutes": 10}])
    other = create_meeting(agenda=[{"title": {"en": "Theirs"}, "duration_minutes": 10}])
    theirs = other.agenda[0]
    assert secretariat_client.get("/en/meetings/999999/agenda").status_code == 404
    assert secretariat_client.get(agenda_url(meeting, "/999999/edit")).status_code == 404
    assert secretariat_client.get(agenda_url(meeting, f"/{theirs.id}/edit")).status_code == 404
    for rest in (f"/{theirs.id}/move", f"/{theirs.id}/delete", f"/{theirs.id}/documents"):
        response = post_form(secretariat_client, agenda_url(meeting, rest), {"direction": "up"},
                             get_url=agenda_url(meeting))
        assert response.status_code == 404, rest
    assert db.session.get(AgendaItem, theirs.id) is not None


def test_member_cannot_change_the_agenda(member_client, create_meeting, db):
    meeting = create_meeting(agenda=[{"title": {"en": "Item"}, "duration_minutes": 10}])
    item = meeting.agenda[0]
    page = member_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    token = csrf_token(member_client.get("/en/calendar").get_data(as_text=True))
    for rest, data in (("", {"title_en": "Mine", "duration_minutes": "5"}),
                       (f"/{item.id}/move", {"direction": "down"}),
                       (f"/{item.id}/delete", {}),
                       (f"/{item.id}/edit", {"title_en": "Changed", "duration_minutes": "5"}),
                       (f"/{item.id}/documents", {"document": (BytesIO(PDF), "a.pdf")})):
        response = member_client.post(agenda_url(meeting, rest), data={"csrf_token": token, **data})
        assert response.status_code == 403, rest
    assert member_client.get(agenda_url(meeting)).status_code == 403
    assert "Edit the agenda" not in page
    assert reload(db, meeting).agenda[0].title == {"en": "Item"}


def test_agenda_changes_are_not_mailed_but_go_with_the_next_update(secretariat_client, create_meeting, member,
                                                                    smtp, db):
    from consult.core.mail import services as mail

    meeting = create_meeting()
    services.invite_and_notify(meeting, [member])
    mail.deliver()
    assert [m["Subject"] for m in smtp.messages] == ["Invitation: Advisory group meeting"]
    uid, sequence = meeting.uid, meeting.sequence
    for title in ("Regional review", "Any other business"):
        assert add(secretariat_client, meeting, title).status_code == 302
    mail.deliver()
    assert len(smtp.messages) == 1  # two agenda items: nothing mailed, nothing to send
    page = secretariat_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    assert "Send the update" not in page
    meeting = reload(db, meeting)
    services.update_meeting(meeting, venue="UN House")
    assert services.send_pending(meeting) == 1
    mail.deliver()
    message = smtp.messages[1]
    assert message["To"] == "member@example.org" and message["Subject"] == "Updated: Advisory group meeting"
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(parts[0].get_payload(decode=True))
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) == sequence + 1 == reload(db, meeting).sequence
    assert "Regional review" in str(event["DESCRIPTION"]) and "Any other business" in str(event["DESCRIPTION"])


def test_draft_meeting_change_sends_nothing(secretariat_client, create_meeting, member, smtp, db):
    from consult.core.mail import services as mail

    meeting = create_meeting(status="draft")
    services.invite_members(meeting, [member])
    assert add(secretariat_client, meeting, "Draft item").status_code == 302
    mail.deliver()
    assert smtp.messages == []


def upload(client, meeting, item, data, name):
    return post_form(client, agenda_url(meeting, f"/{item.id}/documents"),
                     {"document": (BytesIO(data), name)}, get_url=agenda_url(meeting),
                     content_type="multipart/form-data")


def stored_files(app):
    folder = app.config["CONSULT_UPLOAD_DIR"]
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def test_upload_list_download_and_delete_a_pdf(app, secretariat_client, client, create_meeting, db):
    meeting = create_meeting(agenda=[{"title": {"en": "Reports"}, "duration_minutes": 45}])
    item = meeting.agenda[0]
    sequence = meeting.sequence
    response = upload(secretariat_client, meeting, item, PDF, "Rapport régional.pdf")
    assert response.status_code == 302
    document = db.session.scalar(select(AgendaDocument))
    stored_name = document.stored_name
    assert document.original_name == "Rapport régional.pdf" and document.content_type == "application/pdf"
    assert document.size == len(PDF) and document.stored_name != document.original_name
    assert os.path.exists(os.path.join(app.config["CONSULT_UPLOAD_DIR"], document.stored_name))
    assert reload(db, meeting).sequence == sequence  # a document is not a change of time, place or agenda
    download = f"/en/meetings/{meeting.id}/agenda/{item.id}/documents/{document.id}"
    for reader in (secretariat_client, client):  # a public meeting: anyone may see it
        page = reader.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
        assert "Rapport régional.pdf" in page and download in page
        response = reader.get(download)
        assert response.status_code == 200 and response.data == PDF
        assert response.mimetype == "application/pdf"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment") and "Rapport%20r%C3%A9gional.pdf" in disposition
    assert "Rapport régional.pdf" in secretariat_client.get(agenda_url(meeting)).get_data(as_text=True)
    assert client.get(f"/en/meetings/{meeting.id}/agenda/{item.id}/documents/999999").status_code == 404

    # Deleting the document removes the file.
    response = post_form(secretariat_client, f"{download}/delete", {}, get_url=agenda_url(meeting))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AgendaDocument)) == 0
    assert not os.path.exists(os.path.join(app.config["CONSULT_UPLOAD_DIR"], stored_name))
    assert client.get(download).status_code == 404


def test_deleting_an_item_removes_its_files(app, secretariat_client, create_meeting, db):
    meeting = create_meeting(agenda=[{"title": {"en": "Reports"}, "duration_minutes": 45}])
    item = meeting.agenda[0]
    assert upload(secretariat_client, meeting, item, PDF, "a.pdf").status_code == 302
    stored_name = db.session.scalar(select(AgendaDocument.stored_name))
    post_form(secretariat_client, agenda_url(meeting, f"/{item.id}/delete"), {}, get_url=agenda_url(meeting))
    assert db.session.scalar(select(func.count()).select_from(AgendaDocument)) == 0
    assert stored_name not in stored_files(app)


def test_fake_pdf_and_other_types_are_refused(app, secretariat_client, create_meeting, db):
    meeting = create_meeting(agenda=[{"title": {"en": "Reports"}, "duration_minutes": 45}])
    item = meeting.agenda[0]
    before = stored_files(app)
    response = upload(secretariat_client, meeting, item, FAKE_PDF, "report.pdf")
    assert response.status_code == 400
    assert "report.pdf is not a PDF, DOCX or ODT file." in response.get_data(as_text=True)
    # A real image is a real file, but not an agenda document.
    response = upload(secretariat_client, meeting, item, b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "photo.png")
    assert response.status_code == 400
    assert "photo.png is not a PDF, DOCX or ODT file." in response.get_data(as_text=True)
    response = upload(secretariat_client, meeting, item, b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "big.pdf")
    assert response.status_code == 400
    assert "big.pdf is larger than 5 MB." in response.get_data(as_text=True)
    response = upload(secretariat_client, meeting, item, b"", "")
    assert response.status_code == 400 and "Please choose a file." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AgendaDocument)) == 0
    assert stored_files(app) == before


def test_anonymous_cannot_download_members_only_document(app, client, member_client, create_meeting, db):
    from consult.core import storage

    meeting = create_meeting(visibility="members", agenda=[{"title": {"en": "Closed"}, "duration_minutes": 5}])
    item = meeting.agenda[0]
    with app.test_request_context():
        document = agenda.add_document(item, storage.CheckedFile("closed.pdf", "application/pdf", PDF))
    download = f"/en/meetings/{meeting.id}/agenda/{item.id}/documents/{document.id}"
    assert client.get(download).status_code == 404
    response = member_client.get(download)
    assert response.status_code == 200 and response.data == PDF
    assert "no-store" in response.headers["Cache-Control"]
    draft = create_meeting(status="draft", agenda=[{"title": {"en": "Draft"}, "duration_minutes": 5}])
    draft_item = draft.agenda[0]
    with app.test_request_context():
        hidden = agenda.add_document(draft_item, storage.CheckedFile("draft.pdf", "application/pdf", PDF))
    assert member_client.get(f"/en/meetings/{draft.id}/agenda/{draft_item.id}/documents/{hidden.id}").status_code == 404
    # The document of one item is not reachable through another meeting's item.
    assert member_client.get(f"/en/meetings/{meeting.id}/agenda/{item.id}/documents/{hidden.id}").status_code == 404
    for stored in (document.stored_name, hidden.stored_name):
        storage.remove(stored)
