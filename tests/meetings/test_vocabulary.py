"""The words of meetings are defined once (consult/meetings/vocabulary.py), for every code the database allows."""
from flask_babel import force_locale

from consult.meetings import models, rsvp, vocabulary
from consult.meetings.agenda import DIRECTIONS
from consult.meetings.forms import MeetingForm


def test_every_code_has_exactly_one_label():
    assert list(vocabulary.KIND_LABELS) == list(models.MEETING_KINDS)
    assert list(vocabulary.STATUS_LABELS) == list(models.MEETING_STATUSES)
    assert list(vocabulary.VISIBILITY_LABELS) == list(models.VISIBILITIES)
    assert list(vocabulary.RESPONSE_LABELS) == list(models.RESPONSES)
    assert list(vocabulary.ANSWER_BUTTONS) == list(rsvp.ANSWERS)
    assert list(vocabulary.ACTION_STATUS_LABELS) == list(models.ACTION_STATUSES)
    assert list(vocabulary.DIRECTION_LABELS) == list(DIRECTIONS)


def test_pages_and_forms_read_the_same_labels(app):
    with app.test_request_context("/fr/meetings/new"), force_locale("fr"):
        form = MeetingForm()
        assert {choice.value: str(choice.label) for choice in form.status.choices} == {
            code: str(label) for code, label in vocabulary.STATUS_LABELS.items()}
        assert vocabulary.status_label("cancelled") == vocabulary.STATUS_LABELS["cancelled"]
        assert str(vocabulary.kind_label("in_person")) != "In person"  # translated when shown
        assert vocabulary.response_label("unknown-code") == "unknown-code"
