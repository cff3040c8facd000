"""Who may do what: every route of the app (from app.url_map), every method it takes, as five readers.

The readers: anonymous; a submitter without an account who holds the private links e-mailed to them
(their submission's link, and an observer's RSVP link to a meeting); a member of the group; a member
assigned to review the calls; the secretariat. The table says what each one gets; a route or method
added to the app without a row here fails the test, and so does a row for a route that is gone.

Besides the status codes, for every request:
- no answer is a 5xx;
- a GET, and any refused or rejected request (a redirect to the sign-in page, any 4xx), changes
  nothing in the database (every row of every table is compared);
- the text of a confidential submission, its organisation's name, the name of an anonymous
  organisation and the contact details of other people's submissions (canaries planted below)
  appear in nothing that a reader other than the secretariat gets: pages, JSON, calendars, CSV,
  XLSX, PDF (text extracted) and headers. The secretariat does see them, so the check can fail.
"""
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from flask import url_for
from itsdangerous import URLSafeTimedSerializer

from consult.consultations import services as consultations
from consult.core import storage
from consult.core.database import utcnow
from consult.core.extensions import db as _db
from tests.fuzz_helpers import describe_changes, full_text, snapshot
from tests.helpers import csrf_token, login

READERS = ("anonymous", "submitter", "member", "reviewer", "secretariat")
LOGIN = "login"  # a 302 to the sign-in page


def _pdf():
    """A real one-page PDF."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = _pdf()


@dataclass(frozen=True)
class Row:
    """What each reader gets, in the order of READERS. `data`: the POST body besides the CSRF token (a
    name of World.ids stands for its value). `values`: the URL's parameters where they differ (a name of
    World.ids, or a literal). `holders`: which of their links the submitter uses, per kind of token
    ({"submission": "expired"}); by default each reader uses the token they hold, or a forged one."""

    codes: tuple
    data: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    holders: dict = field(default_factory=dict)


def R(anonymous, submitter, member, reviewer, secretariat, data=None, holders=None, **values):
    return Row((anonymous, submitter, member, reviewer, secretariat), data or {}, values, holders or {})


# Patterns that recur.
EVERYONE = R(200, 200, 200, 200, 200)
SIGNED_IN = R(LOGIN, LOGIN, 200, 200, 200)
SECRETARIAT = R(LOGIN, LOGIN, 403, 403, 200)
SECRETARIAT_FORM_REJECTED = R(LOGIN, LOGIN, 403, 403, 400)  # an empty form: errors, nothing saved
REVIEWERS = R(LOGIN, LOGIN, 403, 200, 200)  # the secretariat, and members assigned to the call
LINK_HOLDER = R(404, 200, 404, 404, 404)  # a private link: its holder; a forged one opens nothing

# "endpoint METHOD": what each reader gets. GET/POST pages are also POSTed with only the CSRF token
# (an empty form) unless `data` says otherwise.
TABLE = {
    # ---- main
    "main.root GET": R(302, 302, 302, 302, 302),
    "main.home GET": EVERYONE,
    "main.timezone GET": EVERYONE,
    "main.timezone POST": R(400, 400, 400, 400, 400),  # no zone chosen
    "main.healthz GET": EVERYONE,
    "static GET": EVERYONE,
    # ---- auth
    "auth.login GET": EVERYONE,
    "auth.login POST": R(400, 400, 400, 400, 400),
    "auth.logout POST": R(302, 302, 302, 302, 302),
    "auth.account GET": SIGNED_IN,
    "auth.account POST": R(LOGIN, LOGIN, 400, 400, 400),
    "auth.forgot_password GET": EVERYONE,
    "auth.forgot_password POST": R(400, 400, 400, 400, 400),
    # Each signed-in reader holds the set-password link of their own account; a forged one is a 400.
    "auth.set_password GET": R(400, 400, 200, 200, 200),
    "auth.set_password POST": R(400, 400, 400, 400, 400),
    # ---- calls for input (public), the submission form, the submitter's link
    "consultations.index GET": EVERYONE,
    "consultations.show GET": EVERYONE,
    "consultations.submit GET": EVERYONE,
    "consultations.submit POST": R(400, 400, 400, 400, 400),
    "submissions.show GET": LINK_HOLDER,
    "submissions.show POST": R(404, 400, 404, 404, 404),
    "submissions.attachment GET": LINK_HOLDER,
    "submissions.withdraw GET": LINK_HOLDER,  # the confirmation page
    "submissions.withdraw POST": R(404, 303, 404, 404, 404, holders={"submission": "spare"}),
    "submissions.narrow_consent POST": R(404, 400, 404, 404, 404),  # no level chosen
    "submissions.restore POST": R(404, 409, 404, 404, 404),  # not withdrawn: nothing to undo
    # "Send me my links": anyone may ask; an empty form is a 400 (the same answer for every reader).
    "submissions.links GET": EVERYONE,
    "submissions.links POST": R(400, 400, 400, 400, 400),
    # ---- calls for input (secretariat)
    "consultations_admin.manage GET": SECRETARIAT,
    "consultations_admin.create GET": SECRETARIAT,
    "consultations_admin.create POST": SECRETARIAT_FORM_REJECTED,
    "consultations_admin.edit GET": SECRETARIAT,
    "consultations_admin.edit POST": SECRETARIAT_FORM_REJECTED,
    "consultations_admin.reviewers GET": SECRETARIAT,
    "consultations_admin.reviewers POST": R(LOGIN, LOGIN, 403, 403, 302, data={"reviewers": "reviewer_id"}),
    "consultations_admin.export GET": REVIEWERS,
    # ---- e-mail not sent (secretariat)
    "mail.outbox GET": SECRETARIAT,
    "mail.retry POST": R(LOGIN, LOGIN, 403, 403, 302),
    # ---- review
    "review.queue GET": SIGNED_IN,
    "review.bulk POST": R(LOGIN, LOGIN, 400, 400, 400),
    "review.show GET": REVIEWERS,
    "review.attachment GET": REVIEWERS,
    "review.classify POST": R(LOGIN, LOGIN, 403, 302, 302, data={"tags": "recruitment", "objectives": "6"}),
    "review.add_note POST": R(LOGIN, LOGIN, 403, 400, 400),
    "review.change_status POST": R(LOGIN, LOGIN, 403, 400, 400),
    "review.record_consent POST": R(LOGIN, LOGIN, 403, 403, 400),  # the secretariat's, on a request
    "review.search POST": R(LOGIN, LOGIN, 303, 303, 303),  # typed terms to the session, not the address
    "review.translate GET": SECRETARIAT,
    "review.translate POST": SECRETARIAT_FORM_REJECTED,
    "review.machine_translation POST": R(LOGIN, LOGIN, 403, 403, 404),  # no translation service set up
    "audit.log GET": SECRETARIAT,
    # ---- meetings
    "meetings.index GET": EVERYONE,
    "meetings.show GET": EVERYONE,
    "meetings.answer POST": R(LOGIN, LOGIN, 302, 403, 403, data={"response": "accepted"}),  # the member is invited
    "meetings.rsvp_link GET": LINK_HOLDER,
    "meetings.rsvp_link POST": R(404, 302, 404, 404, 404, data={"response": "tentative"}),
    "meetings.attendance POST": R(LOGIN, LOGIN, 403, 403, 302, data={"attended": "past_invitation_id"},
                                  meeting_id="past_meeting_id"),
    "meetings.actions GET": SIGNED_IN,
    "meetings.add_action POST": R(LOGIN, LOGIN, 403, 403, 400, meeting_id="past_meeting_id"),
    "meetings.edit_action GET": R(LOGIN, LOGIN, 403, 403, 200, meeting_id="past_meeting_id"),
    "meetings.edit_action POST": R(LOGIN, LOGIN, 403, 403, 400, meeting_id="past_meeting_id"),
    # The action belongs to the member: they may close it, the secretariat too, nobody else.
    "meetings.close_action POST": R(LOGIN, LOGIN, 302, 403, 302, meeting_id="past_meeting_id"),
    "meetings.edit_minutes GET": R(LOGIN, LOGIN, 403, 403, 200, meeting_id="past_meeting_id"),
    "meetings.edit_minutes POST": R(LOGIN, LOGIN, 403, 403, 400, data={"language": "xx"},
                                    meeting_id="past_meeting_id"),
    "meetings.create GET": SECRETARIAT,
    "meetings.create POST": SECRETARIAT_FORM_REJECTED,
    "meetings.edit GET": SECRETARIAT,
    "meetings.edit POST": SECRETARIAT_FORM_REJECTED,
    "meetings.invitations GET": SECRETARIAT,
    "meetings.invitations POST": SECRETARIAT_FORM_REJECTED,  # nobody chosen
    "meetings.agenda_page GET": SECRETARIAT,
    "meetings.agenda_page POST": SECRETARIAT_FORM_REJECTED,
    "meetings.agenda_pdf GET": EVERYONE,
    "meetings.edit_agenda_item GET": SECRETARIAT,
    "meetings.edit_agenda_item POST": SECRETARIAT_FORM_REJECTED,
    "meetings.move_agenda_item POST": R(LOGIN, LOGIN, 403, 403, 302, data={"direction": "down"}),
    "meetings.delete_agenda_item GET": SECRETARIAT,  # the page that asks first
    "meetings.delete_agenda_item POST": R(LOGIN, LOGIN, 403, 403, 302, item_id="spare_item_id"),
    "meetings.send_update POST": R(LOGIN, LOGIN, 403, 403, 302),
    "meetings.add_agenda_document POST": SECRETARIAT_FORM_REJECTED,  # no file
    "meetings.agenda_document GET": EVERYONE,
    "meetings.delete_agenda_document POST": R(LOGIN, LOGIN, 403, 403, 302, document_id="spare_document_id"),
    "meetings.feed GET": SIGNED_IN,
    "meetings.feed POST": R(LOGIN, LOGIN, 200, 200, 200),  # a new private calendar address, shown once
    "calendar.meeting_ics GET": EVERYONE,
    "calendar.public_feed GET": EVERYONE,
    "calendar.private_feed GET": R(404, 404, 200, 404, 404),  # the member holds their feed's address
    # ---- reports
    "reports.index GET": EVERYONE,
    "reports.download GET": EVERYONE,  # the published report
    "reports.download_docx GET": R(404, 404, 404, 404, 404),  # it is the annex: no Word version
    "reports.stylesheet GET": EVERYONE,
    # The closed call's report: its workspace, preview and builds.
    "reports.workspace GET": R(LOGIN, LOGIN, 403, 403, 200, slug="closed_slug"),
    "reports.workspace POST": R(LOGIN, LOGIN, 403, 403, 302, slug="closed_slug"),  # empty texts are valid texts
    "reports.preview GET": R(LOGIN, LOGIN, 403, 403, 200, slug="closed_slug"),
    "reports.build POST": R(LOGIN, LOGIN, 403, 403, 400, slug="closed_slug"),  # no language chosen: nothing built
    "reports.progress GET": SECRETARIAT,
    "reports.progress_state GET": SECRETARIAT,
    "reports.publish GET": R(LOGIN, LOGIN, 403, 403, 200, report_id="unpublished_report_id"),  # asks first
    "reports.publish POST": R(LOGIN, LOGIN, 403, 403, 303, data={"action": "publish"}),
    # ---- the group
    "membership.roster GET": EVERYONE,
    "membership.directory GET": SIGNED_IN,
    "membership.my_listing GET": SIGNED_IN,
    "membership.my_listing POST": R(LOGIN, LOGIN, 302, 302, 200),  # the secretariat has no listing
    "membership.apply GET": EVERYONE,
    "membership.apply POST": R(400, 400, 400, 400, 400),
    "membership.applied GET": EVERYONE,
    "membership_admin.manage GET": SECRETARIAT,
    "membership_admin.history GET": SECRETARIAT,
    "membership_admin.balance GET": SECRETARIAT,
    "membership_admin.export GET": SECRETARIAT,
    "membership_admin.settings GET": SECRETARIAT,
    "membership_admin.settings POST": SECRETARIAT_FORM_REJECTED,
    "membership_admin.term_new GET": SECRETARIAT,
    "membership_admin.term_new POST": SECRETARIAT_FORM_REJECTED,
    "membership_admin.term_edit GET": SECRETARIAT,
    "membership_admin.term_edit POST": SECRETARIAT_FORM_REJECTED,
    "membership_admin.term_end GET": SECRETARIAT,
    "membership_admin.term_end POST": SECRETARIAT_FORM_REJECTED,
    "membership_admin.organisations GET": SECRETARIAT,
    "membership_admin.organisation_new GET": SECRETARIAT,
    "membership_admin.organisation_new POST": SECRETARIAT_FORM_REJECTED,
    "membership_admin.organisation_edit GET": SECRETARIAT,
    "membership_admin.organisation_edit POST": SECRETARIAT_FORM_REJECTED,
    "membership_admin.calls GET": SECRETARIAT,
    "membership_admin.call_new GET": SECRETARIAT,
    "membership_admin.call_new POST": SECRETARIAT_FORM_REJECTED,
    "membership_admin.call_show GET": SECRETARIAT,
    "membership_admin.call_edit GET": SECRETARIAT,
    "membership_admin.call_edit POST": SECRETARIAT_FORM_REJECTED,
    "membership_admin.application GET": SECRETARIAT,
    "membership_admin.application POST": SECRETARIAT_FORM_REJECTED,
    # ---- the group's synthesis of the closed call (objective 7 has input)
    "synthesis.rapporteurs GET": R(LOGIN, LOGIN, 403, 403, 200, slug="closed_slug"),
    "synthesis.rapporteurs POST": R(LOGIN, LOGIN, 403, 403, 400, slug="closed_slug"),  # nobody chosen
    "synthesis.unassign POST": R(LOGIN, LOGIN, 403, 403, 400, slug="closed_slug"),
    "synthesis.chapters GET": R(LOGIN, LOGIN, 200, 200, 200, slug="closed_slug"),
    "synthesis.chapter GET": R(LOGIN, LOGIN, 200, 200, 200, slug="closed_slug", objective=7),
    "synthesis.add_comment POST": R(LOGIN, LOGIN, 400, 400, 400, slug="closed_slug", objective=7),  # empty
    "synthesis.approve POST": R(LOGIN, LOGIN, 403, 403, 400, slug="closed_slug", objective=7),
    "synthesis.edit GET": R(LOGIN, LOGIN, 403, 403, 200, slug="closed_slug", objective=7),  # rapporteurs only
    "synthesis.edit POST": R(LOGIN, LOGIN, 403, 403, 400, slug="closed_slug", objective=7),
    "synthesis.versions GET": R(LOGIN, LOGIN, 200, 200, 200, slug="closed_slug", objective=7),
    # Translating the main report: the secretariat and the translators it names (none here).
    "synthesis.translations GET": R(LOGIN, LOGIN, 403, 403, 200, slug="closed_slug"),
    "synthesis.translations POST": R(LOGIN, LOGIN, 403, 403, 400, slug="closed_slug"),  # nobody chosen
    "synthesis.translation_workspace GET": R(LOGIN, LOGIN, 403, 403, 200, slug="closed_slug"),
    "synthesis.translate_chapter GET": R(LOGIN, LOGIN, 403, 403, 404, slug="closed_slug"),  # no approved chapter
    "synthesis.translate_chapter POST": R(LOGIN, LOGIN, 403, 403, 404, slug="closed_slug"),
    "synthesis.machine_chapter POST": R(LOGIN, LOGIN, 403, 403, 303, slug="closed_slug"),  # none configured: said so
    "synthesis.translate_quote POST": R(LOGIN, LOGIN, 403, 403, 404, slug="closed_slug"),  # another call's submission
    # ---- open data
    "opendata.data_csv GET": R(200, 200, 200, 200, 200, slug="closed_slug"),  # a report of it is published
    "opendata.dictionary GET": R(200, 200, 200, 200, 200, slug="closed_slug"),
    "opendata_api.submissions_json GET": R(200, 200, 200, 200, 200, slug="closed_slug"),
    "api.consultations_list GET": EVERYONE,
    "api.meetings_list GET": EVERYONE,
    "api.reports_list GET": EVERYONE,
}

# The same routes on other objects: what is hidden, closed or expired.
VARIANTS = [
    ("a draft call is nobody's public page", "consultations.show GET", R(404, 404, 404, 404, 404, slug="draft_slug")),
    ("a draft call takes no submission", "consultations.submit GET", R(404, 404, 404, 404, 404, slug="draft_slug")),
    ("the secretariat edits a draft call", "consultations_admin.edit GET", R(LOGIN, LOGIN, 403, 403, 200, slug="draft_slug")),
    ("a closed call's form says it is closed", "consultations.submit GET", R(200, 200, 200, 200, 200, slug="closed_slug")),
    ("a closed call takes nothing", "consultations.submit POST", R(409, 409, 409, 409, 409, slug="closed_slug")),
    ("an unknown call", "consultations.show GET", R(404, 404, 404, 404, 404, slug="no-such-call")),
    ("after the deadline the link shows the submission, read only", "submissions.show GET",
     R(404, 200, 404, 404, 404, holders={"submission": "expired"})),
    ("after the deadline nothing is edited", "submissions.show POST",
     R(404, 410, 404, 404, 404, holders={"submission": "expired"})),
    ("consent narrows at any time: a withdrawal after the deadline", "submissions.withdraw POST",
     R(404, 303, 404, 404, 404, holders={"submission": "expired"})),
    ("the attachment of another submission", "submissions.attachment GET",
     R(404, 404, 404, 404, 404, attachment_id="other_attachment_id")),
    ("a confidential submission is the secretariat's", "review.show GET",
     R(LOGIN, LOGIN, 403, 403, 200, submission_id="confidential_id")),
    ("translating a confidential submission is the secretariat's", "review.translate GET",
     R(LOGIN, LOGIN, 403, 403, 200, submission_id="confidential_id", target="fr")),
    ("the anonymous submission: reviewers read it", "review.show GET",
     R(LOGIN, LOGIN, 403, 200, 200, submission_id="anonymous_id")),
    ("a draft is nobody's to review", "review.show GET", R(LOGIN, LOGIN, 404, 404, 404, submission_id="draft_id")),
    ("an unknown submission", "review.show GET", R(LOGIN, LOGIN, 404, 404, 404, submission_id=2**31 - 1)),
    ("an id beyond the database's integers", "review.show GET", R(404, 404, 404, 404, 404, submission_id=2**31)),
    ("the reviewer's export of the closed call", "consultations_admin.export GET",
     R(LOGIN, LOGIN, 403, 200, 200, slug="closed_slug", fmt="json")),
    ("the export as XLSX", "consultations_admin.export GET", R(LOGIN, LOGIN, 403, 200, 200, fmt="xlsx")),
    ("the closed call's reviewing", "review.show GET", R(LOGIN, LOGIN, 403, 200, 200, submission_id="closed_public_id")),
    ("an unpublished report: members and the secretariat", "reports.download GET",
     R(404, 404, 200, 200, 200, report_id="unpublished_report_id")),
    ("a members' meeting", "meetings.show GET", R(404, 404, 200, 200, 200, meeting_id="members_meeting_id")),
    ("a members' meeting's invite", "calendar.meeting_ics GET", R(404, 404, 200, 200, 200, meeting_id="members_meeting_id")),
    ("a members' meeting's agenda", "meetings.agenda_pdf GET", R(404, 404, 200, 200, 200, meeting_id="members_meeting_id")),
    ("a draft meeting", "meetings.show GET", R(404, 404, 404, 404, 200, meeting_id="draft_meeting_id")),
    ("a draft meeting's invite", "calendar.meeting_ics GET", R(404, 404, 404, 404, 200, meeting_id="draft_meeting_id")),
    ("the past meeting, minutes public", "meetings.show GET", R(200, 200, 200, 200, 200, meeting_id="past_meeting_id")),
    ("no answer once the meeting is over", "meetings.answer POST",
     R(LOGIN, LOGIN, 410, 403, 403, data={"response": "accepted"}, meeting_id="past_meeting_id")),
    ("an RSVP link once the meeting is over", "meetings.rsvp_link GET",
     R(404, 410, 404, 404, 404, holders={"rsvp": "expired"})),
    ("a document of another meeting's item", "meetings.agenda_document GET",
     R(404, 404, 404, 404, 404, meeting_id="past_meeting_id")),
    ("a draft nomination call", "membership.apply GET", R(404, 404, 404, 404, 404, call_id="draft_call_id")),
    ("an unknown stylesheet", "reports.stylesheet GET", R(404, 404, 404, 404, 404, name="../config.py")),
    ("the roster as JSON", "membership_admin.export GET", R(LOGIN, LOGIN, 403, 403, 200, fmt="json")),
    ("an unknown language", "consultations.index GET", R(404, 404, 404, 404, 404, lang="de")),
    ("no open data before a report is published", "opendata.data_csv GET", R(404, 404, 404, 404, 404)),
    ("no chapter for an objective without input", "synthesis.chapter GET",
     R(LOGIN, LOGIN, 404, 404, 404, slug="closed_slug", objective=23)),
]


@dataclass
class World:
    ids: dict
    tokens: dict     # kind -> {holder: token}
    canaries: dict   # what only the secretariat may read -> where it was planted
    users: dict


def _submit(consultation, files=(), draft=False, **values):
    data = {
        "org_name": "Organisation", "constituency": "civil_society", "country": "JO", "countries_of_work": ["JO"],
        "contact_name": "Contact", "contact_email": "contact@example.org", "contact_phone": "+962 6 000 0000",
        "language": "en", "objectives": [7], "principles": ["a"], "good_practices": "", "challenges": "",
        "recommendations": "", "confidentiality": "public",
    }
    data.update(values)
    result = consultations.submit(consultation, data, files=list(files), page_lang="en", draft=draft)
    return result.submission, result.token


def _forged(kind, ids):
    """A token of the right shape that opens nothing: random, or signed with another key."""
    if kind in ("rsvp", "password"):
        salt = {"rsvp": "consult.meeting-rsvp", "password": "consult.password-link"}[kind]
        payload = {"i": ids["invitation_id"]} if kind == "rsvp" else {"u": ids["member_id"], "f": "0" * 16}
        return URLSafeTimedSerializer("not-the-secret-key-" + "x" * 30, salt=salt).dumps(payload)
    return secrets.token_urlsafe(32)


@pytest.fixture
def world(app, create_consultation, create_user, member, secretariat, report_call, create_meeting, create_term,
          create_call, application_form):
    from consult.auth import services as accounts
    from consult.meetings import agenda, minutes, rsvp
    from consult.meetings import services as meetings
    from consult.membership import nominations
    from consult.reports import services as reports

    canary = report_call.canary  # also in the closed call's confidential submission
    marker = uuid.uuid4().hex[:8].upper()
    anonymous_name = report_call.anonymous_name
    contact = f"Private Contact {marker}"
    reviewer = create_user(email="reviewer@example.org", role="member", name="Reviewer Person")

    # The open call: the submitter's own (public, with a file), a spare one to withdraw, someone else's
    # confidential, anonymous and public ones, and a draft.
    open_call = create_consultation(slug="open-call-2026")
    own, own_token = _submit(open_call, org_name="Submitter's Own Org", contact_name="The Submitter",
                             contact_email="submitter@example.org", good_practices="Legal aid desks.",
                             files=[storage.CheckedFile("evidence.pdf", "application/pdf", PDF)])
    _, spare_token = _submit(open_call, org_name="Submitter's Second Org", contact_name="The Submitter",
                                 contact_email="submitter@example.org", recommendations="Another idea.")
    confidential, _ = _submit(open_call, org_name=f"Secret Org {canary}", confidentiality="confidential",
                              contact_name=contact, contact_email=f"{marker.lower()}@private.example",
                              good_practices=f"Confidential practice {canary}", challenges=f"Threats {canary}")
    anonymous, _ = _submit(open_call, org_name=anonymous_name, confidentiality="anonymous", contact_name=contact,
                           recommendations="Open the labour market to refugees.")
    other, _ = _submit(open_call, org_name="Another Public Org", contact_name=contact,
                       files=[storage.CheckedFile("other.pdf", "application/pdf", PDF)],
                       recommendations="Portable social security.")
    draft, _ = _submit(open_call, draft=True, org_name="Draft Org", contact_name=contact, challenges="Unfinished.")

    # A call closed since the submitter sent to it: the link has expired.
    past_call = create_consultation(slug="past-call-2025")
    _, expired_token = _submit(past_call, org_name="Submitter's Own Org", recommendations="Too late now.")
    past_call.status, past_call.closes_at = "closed", utcnow() - timedelta(days=2)
    draft_call = create_consultation(slug="draft-call-2027", status="draft")
    _db.session.commit()

    for consultation in (open_call, report_call.consultation):
        consultations.assign_reviewers(consultation, [reviewer.id], secretariat)

    # The closed call's reports: one published, one not (real builds).
    published, _ = reports.build_now(report_call.consultation, "en")
    reports.publish(published, secretariat)
    unpublished, _ = reports.build_now(report_call.consultation, "fr")
    assert published.status == unpublished.status == "ready"

    # Meetings: a public one coming (agenda, documents, the member and an observer invited), a past
    # one held (minutes made public, an action of the member's, attendance), a members' one, a draft.
    coming = create_meeting(agenda=[{"title": {"en": "Opening"}}, {"title": {"en": "Labour migration"}},
                                    {"title": {"en": "Item to delete"}}])
    document = agenda.add_document(coming.agenda[0], storage.CheckedFile("agenda.pdf", "application/pdf", PDF))
    spare_document = agenda.add_document(coming.agenda[0], storage.CheckedFile("old.pdf", "application/pdf", PDF))
    meetings.invite_members(coming, [member])
    observer = meetings.invite_observer(coming, "observer@example.org", "Observer")
    started = utcnow().replace(microsecond=0) - timedelta(days=20)
    past = create_meeting(starts_at=started, ends_at=started + timedelta(hours=2), status="held",
                          agenda=[{"title": {"en": "Past item"}}])
    agenda.add_document(past.agenda[0], storage.CheckedFile("past.pdf", "application/pdf", PDF))
    minutes.save_minutes(past, "We agreed on the review timetable.", "en", public=True, decisions=["Meet again."])
    action = minutes.add_action(past, "Send the note", date.today() + timedelta(days=30), owner_id=member.id)
    past_invitation = meetings.invite_members(past, [member])[0]
    past_observer = meetings.invite_observer(past, "observer@example.org", "Observer")
    members_meeting = create_meeting(visibility="members")
    draft_meeting = create_meeting(status="draft")

    # The group: the member's term, a nomination call with an application, a draft call.
    term = create_term(user=member)
    call = create_call()
    application = nominations.apply(call, application_form, lang="ar").application
    draft_nomination_call = create_call(status="draft")

    feed_token = meetings.new_feed_token(member)
    from consult.core.mail.models import OutboxMessage

    failed_mail = OutboxMessage(to_address="bounced@example.org", subject="Refused", body_text="Body", parts=[],
                                status="failed", attempts=1, last_error="SMTPDataError: (554, b'Refused')")
    _db.session.add(failed_mail)
    _db.session.commit()
    ids = {
        "member_id": member.id, "reviewer_id": reviewer.id,
        "slug": open_call.slug, "closed_slug": report_call.consultation.slug, "draft_slug": draft_call.slug,
        "submission_id": own.id, "attachment_id": own.attachments[0].id,
        "other_attachment_id": other.attachments[0].id,
        "confidential_id": confidential.id, "anonymous_id": anonymous.id, "draft_id": draft.id,
        "closed_public_id": report_call.submissions["public_en"].id,
        "field_name": "good_practices", "target": "ar",
        "report_id": published.id, "unpublished_report_id": unpublished.id, "name": "pdf.css", "fmt": "csv",
        "meeting_id": coming.id, "item_id": coming.agenda[0].id, "spare_item_id": coming.agenda[2].id,
        "document_id": document.id, "spare_document_id": spare_document.id,
        "past_meeting_id": past.id, "action_id": action.id, "past_invitation_id": past_invitation.id,
        "members_meeting_id": members_meeting.id, "draft_meeting_id": draft_meeting.id,
        "invitation_id": observer.id,
        "term_id": term.id, "organisation_id": term.organisation_id, "call_id": call.id,
        "draft_call_id": draft_nomination_call.id, "application_id": application.id,
        "filename": "consult.css", "message_id": failed_mail.id, "objective": 7, "tlang": "fr",
    }
    tokens = {
        "submission": {"submitter": own_token, "spare": spare_token, "expired": expired_token},
        "rsvp": {"submitter": rsvp.rsvp_token(observer), "expired": rsvp.rsvp_token(past_observer)},
        "password": {"member": accounts.password_token(member), "reviewer": accounts.password_token(reviewer),
                     "secretariat": accounts.password_token(secretariat)},
        "feed": {"member": feed_token},
    }
    canaries = {
        canary: "a confidential submission's text and organisation",
        anonymous_name: "the name of an anonymous organisation",
        contact: "the contact person of other people's submissions",
        f"{marker.lower()}@private.example": "a confidential submission's e-mail address",
    }
    users = {"member": member, "reviewer": reviewer, "secretariat": secretariat}
    return World(ids, tokens, canaries, users)


# Which kind of token a route's <token> is.
TOKEN_KINDS = {
    "submissions.show": "submission", "submissions.attachment": "submission", "submissions.withdraw": "submission",
    "submissions.narrow_consent": "submission", "submissions.restore": "submission",
    "meetings.rsvp_link": "rsvp", "auth.set_password": "password", "calendar.private_feed": "feed",
}


def rules_by_key(app):
    """{"endpoint METHOD": rule} for every route and method (HEAD and OPTIONS are Werkzeug's own)."""
    keys = {}
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            keys[f"{rule.endpoint} {method}"] = rule
    return keys


def test_the_table_names_every_route_and_method(app):
    keys = set(rules_by_key(app))
    missing = sorted(keys - set(TABLE))
    stale = sorted(set(TABLE) - keys)
    assert not missing, ("routes with no row in TABLE (say who may use them): " + ", ".join(missing))
    assert not stale, ("rows in TABLE for routes the app no longer has: " + ", ".join(stale))
    unknown = sorted({key for _, key, _ in VARIANTS} - keys)
    assert not unknown, f"VARIANTS name routes the app does not have: {unknown}"


class Readers:
    """The five readers' clients, each with a CSRF token taken from a page it may open."""

    def __init__(self, app, world):
        self.app = app
        self.clients = {"anonymous": app.test_client(), "submitter": app.test_client()}
        for name in ("member", "reviewer", "secretariat"):
            self.clients[name] = login(app.test_client(), world.users[name].email)
        self.tokens = {}
        for name, client in self.clients.items():
            page = "/en/account" if name in world.users else "/en/login"
            self.tokens[name] = csrf_token(client.get(page).get_data(as_text=True))


def _url(app, world, rule, reader, row, lang):
    values = {}
    for name in rule.arguments:
        wanted = row.values.get(name, name)
        if name == "lang":
            values[name] = row.values.get("lang", lang)
        elif name == "token":
            values[name] = _token(world, rule.endpoint, reader, row)
        elif isinstance(wanted, str) and wanted in world.ids:
            values[name] = world.ids[wanted]
        else:
            values[name] = wanted
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def _token(world, endpoint, reader, row):
    """The reader's own token of this kind (the submitter's other links where the row says so); else a forged one."""
    kind = TOKEN_KINDS[endpoint]
    held = world.tokens[kind]
    if reader == "submitter" and kind in row.holders:
        return held[row.holders[kind]]
    return held.get(reader) or _forged(kind, world.ids)


def _post_data(world, row, csrf):
    data = {"csrf_token": csrf}
    for key, value in row.data.items():
        data[key] = world.ids.get(value, value) if isinstance(value, str) else value
    return data


def _check(response, expected):
    if expected == LOGIN:
        return response.status_code == 302 and "/login" in response.headers.get("Location", "")
    return response.status_code == expected


def _matches_elsewhere(app, response, method):
    """A 308 to the same address with a slash, where another route takes the method (Werkzeug's strict
    slashes: POST /en/reports/1.pdf is the report workspace of a call named "1.pdf")."""
    if response.status_code != 308:
        return False
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(urlsplit(response.headers["Location"]).path, method=method)
    except Exception:  # noqa: BLE001 - no route: not an acceptable redirect
        return False
    return True


def _refused(expected):
    return expected == LOGIN or (isinstance(expected, int) and expected >= 400)


def test_every_route_answers_each_reader_as_the_table_says(app, world):
    rules = rules_by_key(app)
    assert set(rules) == set(TABLE), "see test_the_table_names_every_route_and_method"
    readers = Readers(app, world)
    failures, leaks, seen_by_secretariat = [], [], set()
    state = snapshot()

    def visit(label, key, row, lang):
        nonlocal state
        endpoint, method = key.split(" ")
        rule = rules[key]
        for reader, expected in zip(READERS, row.codes):
            url = _url(app, world, rule, reader, row, lang)
            client = readers.clients[reader]
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data=_post_data(world, row, readers.tokens[reader]))
            where = f"{label}: {reader} {method} {url}"
            if response.status_code >= 500:
                failures.append(f"{where} -> {response.status_code} (a server error)")
            elif not _check(response, expected):
                failures.append(f"{where} -> {response.status_code} {response.headers.get('Location', '')}"
                                f" (the table says {expected})")
            after = snapshot()
            if (method == "GET" or _refused(expected)) and after != state:
                failures.append(f"{where} -> {response.status_code} changed the database: "
                                f"{describe_changes(state, after)}")
            state = after
            text = full_text(response)
            for canary, what in world.canaries.items():
                if canary in text:
                    if reader == "secretariat":
                        seen_by_secretariat.add(canary)
                    else:
                        leaks.append(f"{where}: {what} ({canary!r}) is in the answer")

    langs = ("en", "ar", "fr")
    # Every GET first, then the variants, then the POSTs (which change things); the sign-out at the end.
    gets = sorted(key for key in TABLE if key.endswith(" GET"))
    posts = sorted(key for key in TABLE if key.endswith(" POST") and key != "auth.logout POST")
    for index, key in enumerate(gets):
        visit(key, key, TABLE[key], langs[index % 3])
    for index, (label, key, row) in enumerate(VARIANTS):
        visit(f"{key} ({label})", key, row, langs[index % 3])
    for index, key in enumerate(posts):
        visit(key, key, TABLE[key], langs[index % 3])

    # A method a route does not take is a 405 (with a valid CSRF token, so it is the method that is refused).
    anonymous = readers.clients["anonymous"]
    for key, rule in sorted(rules.items()):
        endpoint, method = key.split(" ")
        other = "POST" if method == "GET" else "GET"
        if other in rule.methods:
            continue
        url = _url(app, world, rule, "anonymous", Row(TABLE[key].codes), "en")
        response = (anonymous.get(url) if other == "GET"
                    else anonymous.post(url, data={"csrf_token": readers.tokens["anonymous"]}))
        if response.status_code != 405 and not _matches_elsewhere(app, response, other):
            failures.append(f"{key}: anonymous {other} {url} -> {response.status_code} (expected 405)")

    # A POST without a CSRF token is refused before anything else, and changes nothing.
    for key, rule in sorted(rules.items()):
        if not key.endswith(" POST"):
            continue
        for reader in ("anonymous", "secretariat"):
            url = _url(app, world, rule, reader, TABLE[key], "en")
            response = readers.clients[reader].post(url, data=_post_data(world, TABLE[key], "forged")
                                                    | {"csrf_token": "forged"})
            if response.status_code != 400:
                failures.append(f"{key}: {reader} POST {url} with a forged CSRF token -> {response.status_code}")
    after = snapshot()
    if after != state:
        failures.append(f"POSTs refused for their method or CSRF token changed the database: "
                        f"{describe_changes(state, after)}")

    visit("auth.logout POST", "auth.logout POST", TABLE["auth.logout POST"], "ar")
    for reader in ("member", "reviewer", "secretariat"):
        response = readers.clients[reader].get("/en/account")
        if not _check(response, LOGIN):
            failures.append(f"{reader} is still signed in after signing out: {response.status_code}")

    assert not failures and not leaks, (f"{len(failures)} answers differ from the table:\n" + "\n".join(failures)
                                        + f"\n{len(leaks)} answers show what only the secretariat may read:\n"
                                        + "\n".join(leaks))
    # The secretariat reads them all (so the check above looks for the right words).
    assert seen_by_secretariat == set(world.canaries), set(world.canaries) - seen_by_secretariat
