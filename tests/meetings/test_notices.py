"""Meeting mail (issue 15, points 1 and 2): only what a calendar must see is mailed, edits made together go
out once, and every invitation, update and cancellation says when (in the invitee's own zone, with the
meeting's beside), where, and for an update what changed, in the invitee's language."""
import os
from datetime import datetime, timedelta, timezone

from icalendar import Calendar
from sqlalchemy import func, select

from consult.core.mail import services as mail
from consult.core.mail.models import OutboxMessage
from consult.meetings import agenda, services

# Thursday 10 December 2026, 10:00 to 12:00 in Cairo (UTC+2).
STARTS = datetime(2026, 12, 10, 8, 0, tzinfo=timezone.utc)


def outbox_count():
    return mail.db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_agenda_changes_send_nothing_and_edits_made_together_go_out_once(create_meeting, create_user, db):
    meeting = create_meeting(starts_at=STARTS, ends_at=STARTS + timedelta(hours=2), venue="UN House")
    people = [create_user(email=f"invitee{n}@example.org") for n in range(15)]
    services.invite_and_notify(meeting, people)
    assert outbox_count() == 15
    sequence = meeting.sequence
    agenda.add_item(meeting, title={"en": "Opening"}, duration_minutes=10)
    agenda.add_item(meeting, title={"en": "Regional review"}, duration_minutes=60)
    assert outbox_count() == 15 and services.pending_notices(meeting) == []
    # Two saves that calendars must see, then the secretariat sends: one update each, SEQUENCE + 1.
    services.update_meeting(meeting, starts_at=STARTS + timedelta(hours=1), ends_at=STARTS + timedelta(hours=3))
    services.update_meeting(meeting, venue="ESCWA, Beirut")
    assert outbox_count() == 15
    assert {kind for _invitation, kind in services.pending_notices(meeting)} == {"update"}
    assert services.send_pending(meeting) == 15
    assert outbox_count() == 30
    assert meeting.sequence == sequence + 1
    assert services.send_pending(meeting) == 0 and outbox_count() == 30
    # A change nobody's calendar shows (the description, the status "held") sends nothing.
    services.update_meeting(meeting, description={"en": "New words."})
    assert services.pending_notices(meeting) == []
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {m.subject for m in messages[15:]} == {"Updated: Advisory group meeting"}
    ics = next(p for p in messages[-1].parts if p["content_type"] == "text/calendar")
    assert "Regional review" in mail_part_text(ics)


def mail_part_text(part):
    import base64

    data = part.get("data")
    return base64.b64decode(data).decode() if isinstance(data, str) else data.decode()


def _meeting_and_people(create_meeting, create_user):
    meeting = create_meeting(starts_at=STARTS, ends_at=STARTS + timedelta(hours=2), kind="in_person",
                             venue="UN House", address="Riad El Solh, Beirut", join_url=None)
    people = {
        "en": create_user(email="dubai@example.org", locale="en", timezone="Asia/Dubai", name="Amira"),
        "fr": create_user(email="beyrouth@example.org", locale="fr", name="Claire"),  # the group's zone
        "ar": create_user(email="cairo@example.org", locale="ar", timezone="Africa/Cairo", name="سامي"),
    }
    return meeting, people


def test_each_mail_says_when_where_and_what_changed_in_the_invitees_language(create_meeting, create_user, smtp, db,
                                                                            capsys):
    meeting, people = _meeting_and_people(create_meeting, create_user)
    services.invite_and_notify(meeting, list(people.values()))
    services.update_meeting(meeting, starts_at=STARTS + timedelta(hours=1), ends_at=STARTS + timedelta(hours=3))
    services.send_pending(meeting)
    services.update_meeting(meeting, kind="virtual", join_url="https://meet.example.org/room-7")
    services.send_pending(meeting)
    services.cancel_meeting(meeting)
    services.send_pending(meeting)
    mail.deliver()
    by_address = {}
    for message in smtp.messages:
        by_address.setdefault(message["To"], []).append(message)
    if os.environ.get("CONSULT_TEST_SHOW_MAIL") == "1":  # to read the mails as invitees get them
        for lang, person in people.items():
            with capsys.disabled():
                for message in by_address[person.email]:
                    print(f"\n===== {lang}: {message['Subject']}\n{message.get_body(('plain',)).get_content()}")
    en = [(m["Subject"], m.get_body(("plain",)).get_content()) for m in by_address["dubai@example.org"]]
    assert [subject for subject, _body in en] == [
        "Invitation: Advisory group meeting", "Updated: Advisory group meeting", "Updated: Advisory group meeting",
        "Cancelled: Advisory group meeting"]
    invitation, moved, online, cancelled = (body for _subject, body in en)
    # Dubai is two hours ahead of Cairo: 12:00 there, the meeting's own 10:00 beside.
    assert "When: Thursday, December 10, 2026, 12:00 – 14:00 (Dubai time)" in invitation
    assert "In the meeting's own time zone: Thursday, December 10, 2026, 10:00 – 12:00 (Cairo time)" in invitation
    assert "Where: UN House, Riad El Solh, Beirut" in invitation
    assert ("New time: Thursday, December 10, 2026, 13:00 – 15:00 (Dubai time), "
            "was Thursday, December 10, 2026, 12:00 – 14:00 (Dubai time)") in moved
    assert "New place: Online, was UN House, Riad El Solh, Beirut" in online and "Where: Online" in online
    assert "https://meet.example.org/room-7" in online
    assert "This meeting is cancelled" in cancelled and "room-7" not in cancelled

    fr = [(m["Subject"], m.get_body(("plain",)).get_content()) for m in by_address["beyrouth@example.org"]]
    assert fr[1][0] == "Mise à jour : Réunion du groupe consultatif"
    assert fr[3][0].startswith("Annulée") or fr[3][0].startswith("Annulé")
    # No zone chosen: the group's zone (Beirut, UTC+2 like Cairo), the meeting's zone beside.
    assert "jeudi 10 décembre 2026, 10:00 – 12:00 (heure : Beyrouth)" in fr[0][1]
    assert "Nouvel horaire" in fr[1][1]

    ar = [(m["Subject"], m.get_body(("plain",)).get_content()) for m in by_address["cairo@example.org"]]
    assert ar[1][0].startswith("تحديث") and "اجتماع الفريق الاستشاري" in ar[1][0]
    assert "القاهرة" in ar[0][1]
    # Same zone as the meeting: said once.
    assert ar[0][1].count("القاهرة") == 1

    # Each mail carries the invite: the same UID, SEQUENCE + 1 each time, REQUEST then CANCEL.
    seen = []
    for message in by_address["dubai@example.org"]:
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
        seen.append((part.get_param("method"), int(event["SEQUENCE"]), str(event["UID"])))
    assert [method for method, _s, _u in seen] == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    assert [s for _m, s, _u in seen] == [seen[0][1] + n for n in range(4)] and len({u for *_x, u in seen}) == 1


def test_a_draft_made_public_sends_the_invitation_with_the_button(create_meeting, create_user, db):
    meeting = create_meeting(status="draft")
    person = create_user(email="later@example.org")
    created, sent = services.invite_and_notify(meeting, [person])
    assert not sent and services.pending_notices(meeting) == []
    services.update_meeting(meeting, status="scheduled")
    assert [kind for _i, kind in services.pending_notices(meeting)] == ["invitation"]
    assert services.send_pending(meeting) == 1
    subjects = db.session.scalars(select(OutboxMessage.subject)).all()
    assert subjects == ["Invitation: Advisory group meeting"]
    services.update_meeting(meeting, status="held")  # a calendar shows "held" as it showed "scheduled"
    assert services.pending_notices(meeting) == []
