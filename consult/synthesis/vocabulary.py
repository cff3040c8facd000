"""The words of the group's synthesis, defined once: the sections of a chapter, and what each refused request means."""
from flask_babel import lazy_gettext as _l

SECTION_LABELS = {"synthesis": _l("Synthesis"), "key_messages": _l("Key messages"),
                  "recommendations": _l("Recommendations"), "quotes": _l("Featured quotes")}

# SynthesisError.code -> what the reader is told.
ERRORS = {
    "not_closed": _l("This call still accepts submissions: its chapters are drafted once it closes."),
    "no_input": _l("No included submission addresses this objective."),
    "not_current_member": _l("Only members with a current term on the group's roster can be rapporteurs."),
    "not_rapporteur": _l("Only this chapter's rapporteurs and the secretariat can edit it."),
    "bad_language": _l("Choose a language."),
    "too_long": _l("A text is too long."),
    "too_many_key_messages": _l("At most %(max)d key messages."),
    "too_many_recommendations": _l("At most %(max)d recommendations."),
    "too_many_quotes": _l("At most %(max)d featured quotes."),
    "bad_quote": _l("A featured quote must be a text of this chapter that its organisation allowed to be quoted."),
    "no_draft": _l("There is no draft yet."),
    "no_synthesis": _l("The synthesis is empty."),
    "few_key_messages": _l("At least %(min)d key message is needed."),
    "few_recommendations": _l("At least %(min)d recommendations are needed."),
    "few_quotes": _l("At least %(min)d featured quotes are needed."),
    "stale_version": _l("The draft has changed since you opened the page: read the new version first."),
    "not_secretariat": _l("Only the secretariat approves a chapter."),
    "empty_comment": _l("Write a comment."),
    "no_such_version": _l("There is no such version."),
    "not_translator": _l("Only the secretariat and the translators it named for this language can translate."),
    "not_approved": _l("Only an approved chapter is translated."),
    "incomplete_translation": _l("To confirm, translate the synthesis and every key message and recommendation, one per line."),
    "no_machine": _l("No machine translation is configured."),
    "machine_failed": _l("The machine translation did not answer: write the translation yourself."),
}
