"""The feature's words (consult/consultations/vocabulary.py) name exactly the codes the models and the
policy know: a new status, level or text field without its label would show its code to readers."""
from flask_babel import force_locale

from consult.consultations import visibility, vocabulary
from consult.consultations.models import CONSULTATION_STATUSES, SUBMISSION_STATUSES, TEXT_FIELDS


def test_every_code_has_its_label():
    assert set(vocabulary.SUBMISSION_STATUS_LABELS) == set(SUBMISSION_STATUSES)
    assert set(vocabulary.CALL_STATUS_LABELS) == set(CONSULTATION_STATUSES)
    assert set(vocabulary.FIELD_LABELS) == set(TEXT_FIELDS)
    assert set(vocabulary.LEVEL_LABELS) == set(vocabulary.LEVEL_EXPLANATIONS) == set(visibility.LEVELS)


def test_labels_are_in_the_readers_language(app):
    with app.test_request_context("/fr/"), force_locale("fr"):
        assert str(vocabulary.submission_status_label("withdrawn")) == "Retirée"
        assert str(vocabulary.level_label("confidential")) == "Confidentiel"
        assert str(vocabulary.field_label("challenges")) == "Difficultés"
    # An unknown code shows itself (secretariat pages only ever meet one through bad data).
    assert vocabulary.submission_status_label("lost") == "lost"
    assert vocabulary.level_label("secret") == "secret"
