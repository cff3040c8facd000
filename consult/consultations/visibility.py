"""The confidentiality policy: who may see what of a submission, and what a report may do with it.

Every reader of submissions asks here: the review queue and page, search, duplicate hints,
attachments, exports (web and CLI), report content, the API and open data, e-mails and machine
translation. It is an allowlist: a level not in ``RULES`` is treated as confidential everywhere,
so a new level, or a value that slipped past the database's check, stays with the secretariat.
No code outside this module compares a confidentiality value (tests/test_visibility_policy.py
reads every module to make sure).
"""
from types import MappingProxyType

# The levels' names and explanations live in the vocabulary, with the feature's other words (only words:
# what a level allows is decided here). Kept importable from here as before.
from .vocabulary import LEVEL_EXPLANATIONS, LEVEL_LABELS  # noqa: F401
from .vocabulary import level_explanation as explanation  # noqa: F401
from .vocabulary import level_label as label  # noqa: F401

PUBLIC_LEVEL, ANONYMOUS_LEVEL, CONFIDENTIAL_LEVEL = "public", "anonymous", "confidential"
# From loosest to strictest: consent may always move to the right, never back without the submitter.
LEVELS = (PUBLIC_LEVEL, ANONYMOUS_LEVEL, CONFIDENTIAL_LEVEL)

# Audiences: who is reading.
SECRETARIAT = "secretariat"
REVIEWER = "reviewer"      # a member assigned to the call (reviewer or rapporteur)
MEMBER = "member"          # any other member of the group: reads what the public reads
PUBLIC = "public"
SUBMITTER = "submitter"    # the organisation itself, through its private link
AUDIENCES = (SECRETARIAT, REVIEWER, MEMBER, PUBLIC, SUBMITTER)

# What a reader may see of one submission.
ASPECTS = ("text", "organisation", "profile", "attachments", "contact")
# text: the substance, objectives, principles, reference; organisation: its name (and anything that
# links the submission to it); profile: constituency, country, subregion, language; attachments:
# the files; contact: person, e-mail, phone (personal data).

_ALWAYS = frozenset({SECRETARIAT, SUBMITTER})


def _rule(aspects, quote, name, translate):
    return MappingProxyType({"aspects": MappingProxyType({k: frozenset(v) | _ALWAYS for k, v in aspects.items()}),
                             "quote": quote, "name": name, "translate": translate})


RULES = MappingProxyType({
    PUBLIC_LEVEL: _rule({
        "text": {REVIEWER, MEMBER, PUBLIC},
        "organisation": {REVIEWER, MEMBER, PUBLIC},
        "profile": {REVIEWER, MEMBER, PUBLIC},
        "attachments": {REVIEWER},
        "contact": set(),
    }, quote=True, name=True, translate=True),
    # Attachments often carry a letterhead or a signature: they would name the organisation.
    ANONYMOUS_LEVEL: _rule({
        "text": {REVIEWER, MEMBER, PUBLIC},
        "organisation": set(),
        "profile": {REVIEWER, MEMBER, PUBLIC},
        "attachments": set(),
        "contact": set(),
    }, quote=True, name=False, translate=True),
    CONFIDENTIAL_LEVEL: _rule({aspect: set() for aspect in ASPECTS}, quote=False, name=False, translate=False),
})
_STRICTEST = RULES[CONFIDENTIAL_LEVEL]

# Review statuses each audience is shown (drafts are no one's); a public reader sees included input only.
STATUSES = MappingProxyType({
    SECRETARIAT: ("received", "screened", "included", "excluded", "withdrawn"),
    REVIEWER: ("received", "screened", "included"),
    MEMBER: ("included",),
    PUBLIC: ("included",),
    SUBMITTER: ("received", "screened", "included", "excluded", "withdrawn"),
})


def rules(level):
    return RULES.get(level, _STRICTEST)


def may(level, audience, aspect):
    """May `audience` see `aspect` of a submission at `level`? Unknown levels, audiences and aspects: no,
    except for the secretariat and the submitter, who see everything of their own."""
    if audience in _ALWAYS:
        return True
    return audience in rules(level)["aspects"].get(aspect, ())


def sees_every_level(audience):
    """The secretariat (and a submitter, of their own) see any level, known or not: no filter for them."""
    return audience in _ALWAYS


def readable_levels(audience, aspect="text"):
    """The known levels whose `aspect` the audience may see, for SQL filters (an allowlist)."""
    return tuple(level for level in LEVELS if may(level, audience, aspect))


def quotable(level):
    """May a report, a featured quote or open data carry the text?"""
    return rules(level)["quote"]


def named(level):
    """May a report, a contributors' list or open data name the organisation?"""
    return rules(level)["name"]


def quotable_levels():
    return tuple(level for level in LEVELS if quotable(level))


def named_levels():
    return tuple(level for level in LEVELS if named(level))


def translatable(level):
    """May the text be sent to a machine-translation server?"""
    return rules(level)["translate"]


def reported_level(level):
    """The level a report counts a submission under: an unknown one counts as confidential."""
    return level if level in RULES else CONFIDENTIAL_LEVEL


def is_known(level):
    return level in RULES


def is_stricter(new, old):
    """Does `new` narrow consent compared with `old`? An unknown old level can only stay as it is."""
    if new not in RULES:
        return False
    if old not in RULES:
        return False
    return LEVELS.index(new) > LEVELS.index(old)


def stricter_levels(level):
    """The levels a submitter may narrow to from `level` (none from an unknown one)."""
    if level not in RULES:
        return ()
    return LEVELS[LEVELS.index(level) + 1:]


def disclosed_in_figures(level):
    """May a figure or table show this submission under its own country, constituency or language?
    Those that may not are folded into one "not disclosed" row, so totals stay right."""
    return quotable(level)


def may_link(levels, audience):
    """May `audience` be shown that submissions at these levels are related (same organisation or
    same texts)? Only when it may see every one's organisation: otherwise a link to a named one
    would name an anonymous one, or betray that a confidential one exists."""
    return all(may(level, audience, "organisation") and may(level, audience, "text") for level in levels)


def export_audience(audience):
    """The export audiences ("secretariat", "members", "public") in policy terms."""
    return {"secretariat": SECRETARIAT, "members": REVIEWER, "public": PUBLIC}[audience]
