"""Consent can be narrowed at any time: what a submitter (through the private link) or the secretariat
(on the organisation's request) may still do to a submission, before and after the deadline.

Before the deadline the submitter edits everything through the form (services.update_by_submitter).
At any time, even after the report is published, the two actions that narrow consent stay open:
make the submission stricter (public -> anonymous -> confidential) or withdraw it. A withdrawal may
be undone through the link until the deadline. Nothing here makes a submission looser: only the
submitter's own edit before the deadline can. Published reports resting on the old consent are
pulled by the reports feature (reports.services.pull_stale), which checks every build it serves.
"""
from dataclasses import dataclass

from ..core.audit import services as audit
from ..core.database import utcnow
from ..core.extensions import db
from ..core.mail import services as mail
from . import visibility
from .vocabulary import level_explanation, level_label

# Statuses from which a submission may still be withdrawn (a draft is simply never sent).
WITHDRAWABLE = ("received", "screened", "included", "excluded")


class NotAllowed(Exception):
    """The action does not narrow consent, or is no longer open."""


@dataclass(frozen=True)
class ActionsLeft:
    edit: bool          # the whole form (before the deadline)
    narrow_to: tuple    # stricter levels it may move to
    withdraw: bool
    restore: bool       # undo a withdrawal (before the deadline)


def actions_left(submission, now=None):
    accepting = submission.consultation.is_accepting(now)
    withdrawn = submission.status == "withdrawn"
    live = submission.status in WITHDRAWABLE
    return ActionsLeft(
        edit=accepting and submission.status in ("draft", "received", "screened", "included"),
        narrow_to=visibility.stricter_levels(submission.confidentiality) if live else (),
        withdraw=live,
        restore=accepting and withdrawn,
    )


def narrow(submission, level, actor=None, reason=None):
    """Make the submission stricter. `actor` None: the submitter through the link; else the secretariat
    recording an organisation's request, with `reason` (how and when it asked)."""
    if level not in actions_left(submission).narrow_to:
        raise NotAllowed(level)
    before = submission.confidentiality
    submission.confidentiality = level
    audit.record(actor, "submission.consent_narrowed", submission, before=before, after=level,
                 by="submitter" if actor is None else "secretariat", reason=(reason or "").strip() or None)
    _confirm(submission, "narrowed")
    db.session.commit()
    return submission


def withdraw(submission, actor=None, reason=None):
    """Withdraw the submission: nothing of it is used from now on (it stays for the secretariat's records)."""
    if not actions_left(submission).withdraw:
        raise NotAllowed("withdraw")
    previous = submission.status
    submission.status = "withdrawn"
    audit.record(actor, "submission.withdrawn", submission, before=previous,
                 by="submitter" if actor is None else "secretariat", reason=(reason or "").strip() or None)
    _confirm(submission, "withdrawn")
    db.session.commit()
    return submission


def restore(submission, now=None):
    """Undo a withdrawal through the link, until the deadline: it is received again and reviewed anew."""
    if not actions_left(submission, now).restore:
        raise NotAllowed("restore")
    submission.status = "received"
    audit.record(None, "submission.restored", submission, by="submitter")
    _confirm(submission, "restored")
    db.session.commit()
    return submission


def _confirm(submission, what):
    """The submitter hears of every change to their consent, whoever made it (the contact may be purged)."""
    if submission.contact_email:
        mail.send_template(submission.contact_email, "mail/submission_consent", submission.page_lang,
                           submission=submission, consultation=submission.consultation, what=what,
                           moment=utcnow(), level_label=level_label, level_explanation=level_explanation)
