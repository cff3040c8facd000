"""Review pages (secretariat and assigned members): the queue, its search and bulk changes, and what
every review page shows. One submission's page and its actions are in review_submission.py, on the
same blueprint."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import func, select
from sqlalchemy.orm import defer, raiseload

from ...core import reference
from ...auth.access import login_required
from ...core.extensions import db
from ...core.i18n import current_lang
from ...core.text import search_terms
from .. import private_search, reviewing, visibility
from ..forms import OUTSIDE_REGION
from ..models import TEXT_FIELDS, Consultation, Submission
from ..review_forms import BulkForm, QueueFilterForm
from ..vocabulary import field_label, level_label, submission_status_label

bp = Blueprint("review", __name__)

WITHDRAWN_STAYS = _l("A withdrawn submission stays withdrawn: only its organisation can undo that, from its private "
                     "link before the deadline. Nothing was changed.")
PER_PAGE = 50

# Language names inside a sentence, in the reader's language ("Translated from Arabic").
LANGUAGE_LABELS = {
    "ar": _l("Arabic"),
    "en": _l("English"),
    "fr": _l("French"),
}


def language_label(code):
    return LANGUAGE_LABELS.get(code, code)


# ---------------------------------------------------------------- the queue

@bp.route("/review/")
@login_required
def queue():
    filters = _filter_form()
    return _queue_page(filters, BulkForm(formdata=None))


@bp.route("/review/bulk", methods=["POST"])
@login_required
def bulk():
    """Change the status of the ticked submissions; the query string carries the queue's filters."""
    filters = _filter_form()
    form = BulkForm()
    if form.validate_on_submit():
        wanted = set(form.ids.data)
        submissions = db.session.scalars(
            reviewing.queue_query(current_user, reviewing.QueueFilters()).where(Submission.id.in_(wanted))).all()
        if len(submissions) != len(wanted):
            form.ids.errors.append(_("Some of the ticked submissions are not yours to review, or no longer exist. Nothing was changed."))
        elif any(not reviewing.may_set_status(s, form.new_status.data) for s in submissions):
            form.ids.errors.append(WITHDRAWN_STAYS)
        else:
            reviewing.bulk_set_status(submissions, form.new_status.data, current_user, form.reason.data)
            flash(ngettext("%(num)d submission is now “%(status)s”.", "%(num)d submissions are now “%(status)s”.",
                           len(submissions), status=submission_status_label(form.new_status.data)), "success")
            # Back to the first page with the same filters: the changed rows may have left this page.
            return redirect(url_for("review.queue", **({} if filters.errors else private_search.hide(filters.query_args()))))
    return _queue_page(filters, form)


def _filter_form():
    """The queue's filters from the query string, validated."""
    form = QueueFilterForm(private_search.expand(request.args), consultations=_reviewable_consultations(),
                           secretariat=current_user.is_secretariat)
    form.validate()
    return form


def _reviewable_consultations():
    allowed = reviewing.reviewable_consultation_ids(current_user)
    query = select(Consultation).order_by(Consultation.opens_at.desc())
    if allowed is not None:
        query = query.where(Consultation.id.in_(allowed))
    return db.session.scalars(query).all()


def _queue_args(filters):
    """The filters (and page) of the queue when they are valid; none otherwise."""
    if filters.errors:
        return {}
    args = filters.query_args()
    if filters.page.data and filters.page.data > 1:
        args["page"] = filters.page.data
    return private_search.hide(args)


@bp.route("/review/search", methods=["POST"])
@login_required
def search():
    """The filter form posts here: typed terms go to the session, never into the address (or access logs)."""
    filters = QueueFilterForm(request.form, consultations=_reviewable_consultations(),
                              secretariat=current_user.is_secretariat)
    values = {name: (request.form.get(name) or "").strip() for name in QueueFilterForm.FILTER_NAMES}
    return redirect(url_for("review.queue", **private_search.keep(values)) if filters.validate() else
                    url_for("review.queue", **{k: v for k, v in values.items() if k not in private_search.PRIVATE}), 303)


def _queue_page(filters, bulk_form):
    pagination, duplicates = None, {}
    if not filters.errors:
        wanted = filters.to_filters()
        query = reviewing.queue_query(current_user, wanted)
        # The rows show no texts, files or translations: leaving them out keeps a sort of 10,000 rows
        # in memory (wide rows spilled it to disk) and saves two queries.
        options = (*(defer(getattr(Submission, name), raiseload=True) for name in (*TEXT_FIELDS, "search_text")),
                   raiseload(Submission.attachments), raiseload(Submission.translations))
        page = filters.page.data or 1
        if search_terms(wanted.query):
            pagination = SearchPagination(select=query, options=options, session=db.session(), page=page,
                                          per_page=PER_PAGE, max_per_page=PER_PAGE)
        else:
            pagination = db.paginate(query.options(*options), page=page, per_page=PER_PAGE, max_per_page=PER_PAGE)
        duplicates = _duplicate_hints(pagination.items)
    status = 400 if (filters.errors or bulk_form.errors) else 200
    return render_template("consultations/review/queue.html", filters=filters, bulk=bulk_form, pagination=pagination,
                           duplicates=duplicates, queue_args=_queue_args(filters),
                           link_args={} if filters.errors else private_search.hide(filters.query_args())), status


class SearchPagination(SelectPagination):
    """A page of a search, counted by the same query (count(*) OVER ()).

    Each term is matched with LIKE '%term%' on every submission that the trigram indexes could not
    rule out (on SQLite, every submission): db.paginate would do that work twice, once for the page
    and once for its count. Here one query finds the page's ids and the total, and the rows are
    then read by id. Takes `select` (reviewing.queue_query), `options` (for the rows) and `session`.
    """

    def _query_items(self):
        query, session = self._query_args["select"], self._query_args["session"]
        found = (query.with_only_columns(Submission.id, func.count().over().label("total"))
                 .limit(self.per_page).offset(self._query_offset).subquery())
        rows = session.execute(select(Submission, found.c.total).join(found, found.c.id == Submission.id)
                               .options(*self._query_args["options"]).order_by(Submission.id.desc())).all()
        # No row: no match at all on the first page; past the last page Pagination answers 404.
        self._total = rows[0].total if rows else 0
        return [row[0] for row in rows]

    def _query_count(self):
        return self._total


def _duplicate_hints(items):
    """{id: reference of its possible earlier duplicate} for the rows where the reader may see that link
    (one query): a member is never shown a link that would name an anonymous author or betray a
    confidential submission."""
    ids = {s.duplicate_of_id for s in items if s.duplicate_of_id}
    if not ids:
        return {}
    others = {row.id: row for row in visible_rows(Submission.id.in_(ids))}
    return {s.id: others[s.duplicate_of_id].reference for s in items
            if s.duplicate_of_id in others and may_link(s, others[s.duplicate_of_id])}


# ---------------------------------------------------------------- for every review page

def reader():
    """The policy's audience for whoever reviews: only the secretariat and assigned members get here."""
    return visibility.SECRETARIAT if current_user.is_secretariat else visibility.REVIEWER


def visible_rows(condition):
    """(id, reference, confidentiality) of the submissions the reader may open that meet `condition`."""
    query = reviewing.queue_query(current_user, reviewing.QueueFilters()).where(condition)
    return db.session.execute(query.with_only_columns(Submission.id, Submission.reference,
                                                      Submission.confidentiality)).all()


def may_link(submission, other):
    return visibility.may_link((submission.confidentiality, other.confidentiality), reader())


def area_label(code):
    if code == OUTSIDE_REGION:
        return _("Outside the Arab region")
    try:
        return reference.area(code).label(current_lang())
    except KeyError:
        return code or "—"


def constituency_label(code):
    try:
        return reference.constituency(code).label(current_lang())
    except KeyError:
        return code or "—"


def principle_label(code):
    try:
        return reference.principle(code).choice_label(current_lang())
    except KeyError:
        return code


def organisation_label(submission):
    """The organisation as this reader may see it: members get a name only for public submissions."""
    if submission.may(reader(), "organisation"):
        return submission.org_name
    return _("Anonymous (%(constituency)s, %(country)s)", constituency=constituency_label(submission.constituency),
             country=area_label(submission.country))


@bp.context_processor
def review_helpers():
    return {
        "area_label": area_label,
        "constituency_label": constituency_label,
        "principle_label": principle_label,
        "language_label": language_label,
        "organisation_label": organisation_label,
        "confidentiality_label": level_label,
        "field_label": field_label,
    }
