from datetime import datetime, timedelta, timezone

import pytest


@pytest.fixture
def create_meeting(db):
    """A scheduled public virtual meeting in ten days, unless told otherwise."""
    from consult.meetings import services

    def create(agenda=(), **fields):
        starts_at = fields.pop("starts_at", datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=10))
        values = {
            "title": {"ar": "اجتماع الفريق الاستشاري", "en": "Advisory group meeting", "fr": "Réunion du groupe consultatif"},
            "description": {"ar": "وصف الاجتماع", "en": "What we discuss.", "fr": "Ce dont nous parlons."},
            "kind": "virtual",
            "join_url": "https://meet.example.org/secret-room-42",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "timezone": "Africa/Cairo",
            "visibility": "public",
            "status": "scheduled",
        }
        values.update(fields)
        return services.create_meeting(agenda=agenda, **values)

    return create
