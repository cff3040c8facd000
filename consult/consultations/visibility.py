"""TEMPORARY stand-in for the lead's confidentiality policy (issue 13), with the same names.

Replaced by main's module at merge: take main's version of this file.
"""
SECRETARIAT, REVIEWER, MEMBER, PUBLIC, SUBMITTER = "secretariat", "reviewer", "member", "public", "submitter"
ASPECTS = ("text", "organisation", "profile", "attachments", "contact")

_POLICY = {
    "public": {
        SECRETARIAT: set(ASPECTS), SUBMITTER: set(ASPECTS),
        REVIEWER: {"text", "organisation", "profile", "attachments"},
        MEMBER: {"text", "organisation", "profile"}, PUBLIC: {"text", "organisation", "profile"},
    },
    "anonymous": {
        SECRETARIAT: set(ASPECTS), SUBMITTER: set(ASPECTS),
        REVIEWER: {"text", "profile", "attachments"}, MEMBER: {"text", "profile"}, PUBLIC: {"text", "profile"},
    },
    "confidential": {SECRETARIAT: set(ASPECTS), SUBMITTER: set(ASPECTS)},
}


def may(level, audience, aspect):
    return aspect in _POLICY.get(level, {}).get(audience, set())


def readable_levels(audience):
    return tuple(level for level in _POLICY if may(level, audience, "text"))


def quotable(level):
    return may(level, PUBLIC, "text")


def named(level):
    return may(level, PUBLIC, "organisation")


def translatable(level):
    return quotable(level)
