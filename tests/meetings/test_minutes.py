"""Minutes, decisions, action items and the overdue-action reminder, on the real app, database and SMTP server."""
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event, func, select

from consult.core.extensions import db as _db
from consult.meetings import minutes
from consult.meetings.models import ActionItem, Decision, Minutes
from consult.meetings.minutes import render_text
from tests.helpers import login, post_form


@contextmanager
def count_queries():
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(_db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(_db.engine, "before_cursor_execute", before)


def test_render_text_escapes_and_makes_paragraphs():
    html = str(render_text("First <b>line</b>\nsecond & line\n\n\nNew paragraph"))
    assert html == "<p>First &lt;b&gt;line&lt;/b&gt;<br>\nsecond &amp; line</p>\n<p>New paragraph</p>\n"
    assert str(render_text("  \n ")) == ""


def test_minutes_saved_and_rendered_escaped(secretariat_client, member_client, create_meeting):
    meeting = create_meeting(visibility="members")
    url = f"/en/meetings/{meeting.id}/minutes"
    response = post_form(secretariat_client, url, {
        "text": "محضر الاجتماع\n<script>alert(1)</script>\n\nSecond paragraph",
        "language": "ar",
        "decisions": "Adopt the agenda\n\nApprove the report\nMeet again in March\n",
    })
    assert response.status_code == 302
    record = _db.session.scalar(select(Minutes))
    assert record.language == "ar" and record.minutes_public is False
    for page in (member_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True),
                 secretariat_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert '<div class="prose minutes-text" lang="ar" dir="auto"><p>محضر الاجتماع<br>' in page
        assert "<p>Second paragraph</p>" in page
        # Decisions keep their order.
        assert page.index("Adopt the agenda") < page.index("Approve the report") < page.index("Meet again in March")
    assert [d.text for d in _db.session.scalars(select(Decision).order_by(Decision.position))] == [
        "Adopt the agenda", "Approve the report", "Meet again in March"]
    # The edit form shows what is stored; saving a new order replaces the decisions.
    page = secretariat_client.get(url).get_data(as_text=True)
    assert "Approve the report" in page and "&lt;script&gt;" in page
    post_form(secretariat_client, url, {"text": "x", "language": "en", "decisions": "B first\nA second"})
    page = member_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    assert page.index("B first") < page.index("A second") and "Adopt the agenda" not in page


def test_minutes_visibility_for_anonymous(client, member_client, secretariat_client, create_meeting):
    public = create_meeting()
    members = create_meeting(visibility="members")
    minutes.save_minutes(public, "Public meeting notes", "en")
    minutes.save_minutes(members, "Members meeting notes", "en", public=True)
    # Members-only minutes of a public meeting: not for anonymous readers.
    assert "Public meeting notes" not in client.get(f"/en/meetings/{public.id}/").get_data(as_text=True)
    assert "Public meeting notes" in member_client.get(f"/en/meetings/{public.id}/").get_data(as_text=True)
    # Marked public, but the meeting is members-only: never shown anonymously.
    assert client.get(f"/en/meetings/{members.id}/").status_code == 404
    assert not minutes.may_read_minutes(members, minutes.minutes_of(members), None)
    # Both public: shown.
    post_form(secretariat_client, f"/en/meetings/{public.id}/minutes",
              {"text": "Public meeting notes", "language": "en", "minutes_public": "y"})
    assert "Public meeting notes" in client.get(f"/en/meetings/{public.id}/").get_data(as_text=True)


def test_member_cannot_edit_minutes_or_actions(client, member_client, create_meeting):
    meeting = create_meeting()
    minutes.save_minutes(meeting, "Original", "en")
    assert member_client.get(f"/en/meetings/{meeting.id}/minutes").status_code == 403
    token_page = f"/en/meetings/{meeting.id}/"
    response = post_form(member_client, f"/en/meetings/{meeting.id}/minutes", {"text": "Changed", "language": "en"},
                         get_url=token_page)
    assert response.status_code == 403
    response = post_form(member_client, f"/en/meetings/{meeting.id}/actions",
                         {"text": "Sneaky", "owner_name": "X", "due_on": "2026-12-01"}, get_url=token_page)
    assert response.status_code == 403
    assert client.get(f"/en/meetings/{meeting.id}/minutes").status_code == 302  # to the login page
    assert minutes.minutes_of(meeting).text == "Original"
    assert _db.session.scalar(select(func.count(ActionItem.id))) == 0


def test_bad_action_and_minutes_input_is_refused(secretariat_client, create_meeting):
    meeting = create_meeting()
    url = f"/en/meetings/{meeting.id}/actions"
    response = post_form(secretariat_client, url, {"text": "", "owner_name": "Someone", "due_on": "2026-12-01"},
                         get_url=f"/en/meetings/{meeting.id}/")
    assert response.status_code == 400
    assert 'id="text-error"' in response.get_data(as_text=True)
    response = post_form(secretariat_client, url, {"text": "Write the report", "owner_name": "Someone",
                                                   "due_on": "31/02/2026"}, get_url=f"/en/meetings/{meeting.id}/")
    assert response.status_code == 400
    assert 'id="due_on-error"' in response.get_data(as_text=True)
    response = post_form(secretariat_client, url, {"text": "Write the report", "due_on": "2026-12-01"},
                         get_url=f"/en/meetings/{meeting.id}/")
    assert response.status_code == 400 and 'id="owner_name-error"' in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count(ActionItem.id))) == 0
    response = post_form(secretariat_client, f"/en/meetings/{meeting.id}/minutes",
                         {"text": "x", "language": "de"})
    assert response.status_code == 400 and 'id="language-error"' in response.get_data(as_text=True)
    assert minutes.minutes_of(meeting) is None


def test_secretariat_adds_edits_and_closes_actions(secretariat_client, member, create_meeting):
    meeting = create_meeting()
    url = f"/en/meetings/{meeting.id}/actions"
    response = post_form(secretariat_client, url, {"text": "Draft the terms of reference", "owner_id": str(member.id),
                                                   "due_on": "2026-12-01"}, get_url=f"/en/meetings/{meeting.id}/")
    assert response.status_code == 302
    post_form(secretariat_client, url, {"text": "Book the room", "owner_id": "None", "owner_name": "Hotel staff",
                                        "due_on": "2026-11-20"}, get_url=f"/en/meetings/{meeting.id}/")
    first, second = _db.session.scalars(select(ActionItem).order_by(ActionItem.id)).all()
    assert (first.owner_id, first.due_on, first.status) == (member.id, date(2026, 12, 1), "open")
    assert (second.owner_id, second.owner_name) == (None, "Hotel staff")
    page = secretariat_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    assert "Draft the terms of reference" in page and "Hotel staff" in page and "Member Person" in page
    edit = f"/en/meetings/{meeting.id}/actions/{second.id}/edit"
    assert "Book the room" in secretariat_client.get(edit).get_data(as_text=True)
    response = post_form(secretariat_client, edit, {"text": "Book the big room", "owner_id": "None",
                                                    "owner_name": "Hotel staff", "due_on": "2026-11-25",
                                                    "status": "open"})
    assert response.status_code == 302
    _db.session.refresh(second)
    assert (second.text, second.due_on) == ("Book the big room", date(2026, 11, 25))
    response = post_form(secretariat_client, f"/en/meetings/{meeting.id}/actions/{second.id}/done", {},
                         get_url=f"/en/meetings/{meeting.id}/")
    assert response.status_code == 302
    _db.session.refresh(second)
    assert second.status == "done" and second.done_at is not None


def test_owner_marks_own_action_done_and_others_cannot(app, member_client, member, create_user, create_meeting):
    meeting = create_meeting()
    mine = minutes.add_action(meeting, "Mine", date(2026, 12, 1), owner_id=member.id)
    other_user = create_user(email="other@example.org", name="Other Person")
    theirs = minutes.add_action(meeting, "Theirs", date(2026, 12, 1), owner_id=other_user.id)
    page = member_client.get(f"/en/meetings/{meeting.id}/").get_data(as_text=True)
    assert f"/actions/{mine.id}/done" in page and f"/actions/{theirs.id}/done" not in page
    response = post_form(member_client, f"/en/meetings/{meeting.id}/actions/{theirs.id}/done", {},
                         get_url=f"/en/meetings/{meeting.id}/")
    assert response.status_code == 403
    other_client = login(app.test_client(), other_user.email)
    response = post_form(other_client, f"/en/meetings/{meeting.id}/actions/{mine.id}/done", {},
                         get_url=f"/en/meetings/{meeting.id}/")
    assert response.status_code == 403
    assert member_client.get(f"/en/meetings/{meeting.id}/actions/{mine.id}/edit").status_code == 403
    response = post_form(member_client, f"/en/meetings/{meeting.id}/actions/{mine.id}/done", {"next": "actions"},
                         get_url=f"/en/meetings/{meeting.id}/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/meetings/actions")
    _db.session.refresh(mine)
    _db.session.refresh(theirs)
    assert mine.status == "done" and theirs.status == "open"


def _actions_page(client):
    response = client.get("/en/meetings/actions")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_open_actions_across_meetings(client, member_client, member, secretariat_client, create_user,
                                      create_meeting):
    first = create_meeting(title={"en": "First meeting"})
    second = create_meeting(title={"en": "Second meeting"}, visibility="members")
    draft = create_meeting(title={"en": "Draft meeting"}, status="draft")
    other_user = create_user(email="other@example.org", name="Other Person")
    minutes.add_action(first, "Another person task", date(2026, 1, 1), owner_id=other_user.id)
    minutes.add_action(second, "My task", date(2027, 1, 1), owner_id=member.id)
    done = minutes.add_action(first, "Finished task", date(2026, 1, 1), owner_name="A. Person")
    minutes.close_action(done, type("Sec", (), {"is_authenticated": True, "role": "secretariat"})())
    minutes.add_action(draft, "Draft task", date(2026, 1, 1), owner_name="A. Person")
    assert client.get("/en/meetings/actions").status_code == 302
    page = _actions_page(member_client)
    assert "Finished task" not in page and "Draft task" not in page
    # Their own first, even though it is due later.
    assert page.index("My task") < page.index("Another person task")
    assert "First meeting" in page and "Second meeting" in page
    page = _actions_page(secretariat_client)
    assert "Draft task" in page and "Finished task" not in page


def test_open_actions_query_count_is_constant(member_client, member, create_user, create_meeting):
    owners = [member, create_user(email="a@example.org", name="A"), create_user(email="b@example.org", name="B")]
    meetings = [create_meeting(title={"en": f"Meeting {n}"}) for n in range(4)]

    def add(count):
        for n in range(count):
            minutes.add_action(meetings[n % 4], f"Task {n}", date(2026, 12, 1) + timedelta(days=n),
                               owner_id=owners[n % 3].id)

    add(3)
    member_client.get("/en/meetings/actions")  # warm caches (templates, translations)
    with count_queries() as small:
        assert _actions_page(member_client).count('<bdi>Task ') == 3
    _db.session.execute(ActionItem.__table__.delete())
    _db.session.commit()
    add(12)
    with count_queries() as large:
        assert _actions_page(member_client).count('<bdi>Task ') == 12
    assert len(small) == len(large)
    # The meeting page: actions with their owners in one query too.
    with count_queries() as page_small:
        member_client.get(f"/en/meetings/{meetings[1].id}/")
    add(8)
    with count_queries() as page_large:
        member_client.get(f"/en/meetings/{meetings[1].id}/")
    assert len(page_small) == len(page_large)


def _run_remind(app):
    result = app.test_cli_runner().invoke(args=["consult", "remind"])
    assert result.exit_code == 0, result.output
    return result.output


def test_remind_sends_overdue_actions_once_in_owner_language(app, create_user, create_meeting, smtp):
    meeting = create_meeting(title={"ar": "اجتماع الفريق", "en": "Group meeting", "fr": "Réunion du groupe"})
    arabic = create_user(email="amal@example.org", name="أمل", locale="ar")
    french = create_user(email="claire@example.org", name="Claire", locale="fr")
    today = minutes.today()
    late_ar = minutes.add_action(meeting, "إعداد التقرير", today - timedelta(days=3), owner_id=arabic.id)
    minutes.add_action(meeting, "Préparer la note", today - timedelta(days=1), owner_id=french.id)
    minutes.add_action(meeting, "Due today", today, owner_id=french.id)
    minutes.add_action(meeting, "No account", today - timedelta(days=5), owner_name="Outside person")
    closed = minutes.add_action(meeting, "Already done", today - timedelta(days=5), owner_id=arabic.id)
    minutes.close_action(closed, type("Sec", (), {"is_authenticated": True, "role": "secretariat"})())
    later = minutes.add_action(meeting, "Later", today + timedelta(days=10), owner_id=arabic.id)

    output = _run_remind(app)
    assert "overdue actions: 2 reminder(s) sent" in output
    assert sorted(message["To"] for message in smtp.messages) == ["amal@example.org", "claire@example.org"]
    bodies = {message["To"]: (message["Subject"], message.get_body(preferencelist=("plain",)).get_content())
              for message in smtp.messages}
    subject, body = bodies["amal@example.org"]
    assert "إعداد التقرير" in subject and "اجتماع الفريق" in body and "أمل" in body
    assert f"http://consult.test/ar/meetings/{meeting.id}/" in body
    subject, body = bodies["claire@example.org"]
    assert "Préparer la note" in subject and "Réunion du groupe" in body and "/fr/meetings/" in body
    _db.session.refresh(late_ar)
    assert late_ar.reminded_at is not None

    # A second run sends nothing new.
    assert "overdue actions: 0 reminder(s) sent" in _run_remind(app)
    assert len(smtp.messages) == 2

    # An action that becomes overdue later is reminded then, once.
    later.due_on = today - timedelta(days=1)
    _db.session.commit()
    assert "overdue actions: 1 reminder(s) sent" in _run_remind(app)
    assert [message["To"] for message in smtp.messages[2:]] == ["amal@example.org"]
    assert "Later" in smtp.messages[2]["Subject"]
    _run_remind(app)
    assert len(smtp.messages) == 3
