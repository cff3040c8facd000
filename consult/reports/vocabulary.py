"""The words of reports, defined once: its documents, the stages of a build, why a build was pulled."""
from flask_babel import lazy_gettext as _l

PART_LABELS = {"main": _l("Main report (the group's synthesis)"), "annex": _l("Annex: compendium of input")}

STAGE_LABELS = {
    "queued": _l("Waiting for its turn"),
    "collecting": _l("Collecting the submissions"),
    "composing": _l("Composing the text"),
    "laying_out": _l("Laying out the pages"),
    "writing": _l("Writing the PDF"),
    "done": _l("Done"),
}


def stage_label(stage):
    """What the build's page says of a stage, "parts 2/5" (laid out in parts) included."""
    if stage and stage.startswith("parts "):
        done, parts = stage[6:].split("/")
        return _l("Laying out the pages: %(done)s of %(parts)s parts done", done=done, parts=parts)
    return STAGE_LABELS.get(stage, stage)

# Why a build was pulled (models.PULL_REASONS), as the secretariat's page says it.
PULL_REASON_LABELS = {
    "consent": _l("an organisation made its submission stricter"),
    "withdrawn": _l("an organisation withdrew its submission"),
    "excluded": _l("a submission in it is no longer included"),
    "reopened": _l("the call was reopened"),
    "superseded": _l("a newer build was published"),
}
