"""`consult remind` asks invitees who have not answered a meeting in the coming week, once."""
from datetime import timedelta

from sqlalchemy import select

from consult.core.database import utcnow
from consult.core.extensions import db as _db
from consult.core.mail.models import OutboxMessage
from consult.meetings import rsvp, services


def test_rsvp_reminders_go_once_to_those_who_have_not_answered(app, create_user, create_meeting):
    soon = create_meeting(starts_at=utcnow().replace(microsecond=0) + timedelta(days=3), languages=["fr"])
    later = create_meeting(starts_at=utcnow().replace(microsecond=0) + timedelta(days=30))
    quiet = create_user(email="quiet@example.org", locale="fr")
    answered = create_user(email="answered@example.org")
    services.invite_members(soon, [quiet, answered])
    services.invite_members(later, [quiet])
    services.invite_observer(soon, "observer@example.org", "Observer")
    rsvp.respond(services.invitation_for(soon, answered), "accepted")
    _db.session.commit()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["consult", "remind"])
    assert result.exit_code == 0, result.output
    assert "RSVPs: 2 reminder(s) sent" in result.output
    messages = _db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.to_address for m in messages] == ["quiet@example.org", "observer@example.org"]
    assert f"/fr/meetings/{soon.id}" in messages[0].body_text
    assert "/fr/meetings/rsvp/" in messages[1].body_text  # the observer's own signed link
    again = runner.invoke(args=["consult", "remind"])
    assert "RSVPs: 0 reminder(s) sent" in again.output
    assert len(_db.session.scalars(select(OutboxMessage)).all()) == 2
