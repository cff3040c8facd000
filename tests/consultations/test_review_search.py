"""The review queue's search: folded Arabic, French accents, % and _ taken literally, one query for a
search page and its count, and on PostgreSQL the trigram indexes of revision 0009 in the plan."""
import itertools
import json
import re

import pytest

from consult.consultations import services
from consult.core.database import POSTGRESQL_ONLY_INDEXES as TRIGRAM_INDEXES
from tests.helpers import recorded_statements

ROW_RE = re.compile(r'name="ids" value="(\d+)"')


@pytest.fixture
def make_submission(db):
    counter = itertools.count(1)

    def make(consultation, **values):
        n = next(counter)
        data = {
            "org_name": f"Organisation {n}", "constituency": "migrant_diaspora", "country": "MA",
            "countries_of_work": ["MA"], "contact_name": f"Contact {n}", "contact_email": f"contact{n}@example.org",
            "contact_phone": "", "language": "fr", "objectives": [6], "principles": ["a"],
            "good_practices": f"Texte numéro {n}.", "challenges": "", "recommendations": "",
            "confidentiality": "public",
        }
        data.update(values)
        return services.submit(consultation, data).submission

    return make


@pytest.fixture
def call(create_consultation):
    return create_consultation(slug="call-a")


def found(client, query, lang="en", **args):
    response = client.get(f"/{lang}/review/", query_string={"q": query, **args})
    assert response.status_code == 200, response.get_data(as_text=True)[-3000:]
    return {int(value) for value in ROW_RE.findall(response.get_data(as_text=True))}


def search_statements(db, client, url):
    """The SQL statements (with their parameters) that mention LIKE while `url` is read."""
    with recorded_statements() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return [(statement, parameters) for statement, parameters in seen if "LIKE" in statement.upper()]


@pytest.mark.parametrize("stored, searched", [
    ("الهجرة", "الهجره"),  # ta marbuta folded
    ("الهجره", "الهجرة"),
    ("إدارة الحدود", "اداره"),  # hamza forms
    ("الهِجْرَةُ", "الهجرة"),  # diacritics
])
def test_arabic_letters_are_folded(secretariat_client, call, make_submission, stored, searched):
    hit = make_submission(call, language="ar", good_practices=f"سياسات {stored} في المنطقة")
    make_submission(call, language="ar", good_practices="رسوم التوظيف")
    assert found(secretariat_client, searched, lang="ar") == {hit.id}


def test_french_accents_and_case_do_not_matter(secretariat_client, call, make_submission):
    hit = make_submission(call, recommendations="La réintégration des travailleurs rentrés au pays.")
    other = make_submission(call, recommendations="Les frais de recrutement.")
    for query in ("réintégration", "reintegration", "RÉINTÉGRATION", "Reintégr", "tegra", "réintégration travailleurs"):
        assert found(secretariat_client, query) == {hit.id}, query
    assert found(secretariat_client, "réintégration frais") == set()  # every term must match
    assert found(secretariat_client, "frais") == {other.id}


def test_percent_and_underscore_match_literally(secretariat_client, call, make_submission):
    percent = make_submission(call, challenges="Un taux de 50% seulement.")
    fifty = make_submission(call, challenges="Plus de 500 personnes, soit 50 familles.")
    underscore = make_submission(call, challenges="Le code a_b du formulaire.")
    make_submission(call, challenges="Le code axb du formulaire.")
    backslash = make_submission(call, challenges=r"Le chemin c:\dossier.")

    assert found(secretariat_client, "50%") == {percent.id}
    assert found(secretariat_client, "50") == {percent.id, fifty.id}
    assert found(secretariat_client, "a_b") == {underscore.id}
    assert found(secretariat_client, "%") == {percent.id}
    assert found(secretariat_client, "_") == {underscore.id}
    assert found(secretariat_client, "c:\\dossier") == {backslash.id}


def test_a_search_is_counted_and_paged(db, secretariat_client, call, make_submission):
    hits = [make_submission(call, good_practices=f"Guichet unique {n}.") for n in range(53)]
    make_submission(call, good_practices="Autre chose.")
    response = secretariat_client.get("/en/review/", query_string={"q": "guichet"})
    text = response.get_data(as_text=True)
    assert "53 submissions" in text
    first = {int(value) for value in ROW_RE.findall(text)}
    assert len(first) == 50 and first == {s.id for s in hits[-50:]}  # newest first
    assert found(secretariat_client, "guichet", page=2) == {s.id for s in hits[:3]}
    assert secretariat_client.get("/en/review/", query_string={"q": "guichet", "page": 3}).status_code == 404

    nothing = secretariat_client.get("/en/review/", query_string={"q": "introuvable"})
    assert nothing.status_code == 200 and "0 submissions" in nothing.get_data(as_text=True)

    # One query finds the page and counts it: the LIKEs run once per request.
    assert len(search_statements(db, secretariat_client, "/en/review/?q=guichet+unique")) == 1


def test_a_search_makes_the_same_queries_whatever_the_number_of_submissions(db, secretariat_client, call,
                                                                           make_submission):
    def statements():
        with recorded_statements() as seen:
            assert secretariat_client.get("/en/review/?q=guichet").status_code == 200
        return len(seen)

    for _ in range(3):
        make_submission(call, good_practices="Guichet unique.")
    small = statements()
    for _ in range(20):
        make_submission(call, good_practices="Guichet unique.")
    assert statements() == small


def test_postgresql_searches_through_the_trigram_indexes(db, is_postgres, secretariat_client, call, make_submission):
    """The search's SQL, as the page sends it, can be served by the trigram indexes on PostgreSQL.

    The test table is tiny, so PostgreSQL would rightly read it whole (or along its primary key, in
    the page's order): for the EXPLAIN, sequential and plain index scans are turned off, which leaves
    the planner the bitmap scans of indexes that can serve the LIKEs. A LIKE that no trigram index
    serves (another column, lower(), a pattern built differently) shows up as a table read instead.
    With 10,000 submissions the planner picks the trigram indexes unprompted, for a member's search
    too (tests/bench/bench_review.py); here a member's search would take the index of their one
    small call, which no setting can rule out.
    """
    client = secretariat_client
    hit = make_submission(call, good_practices="Les frais de recrutement.")
    make_submission(call, good_practices="Des guichets uniques.")
    assert found(client, "recrutement frais") == {hit.id}

    statements = search_statements(db, client, "/en/review/?q=recrutement+frais")
    assert len(statements) == 1
    if not is_postgres:
        return  # SQLite has no such index (revision 0009 leaves it alone): the search above is all there is to check.
    statement, parameters = statements[0]
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_indexscan = off")
        plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
        conn.rollback()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    used = set(_index_names(plan))
    assert TRIGRAM_INDEXES <= used, json.dumps(plan, indent=1)


def test_postgresql_has_the_trigram_indexes(db, is_postgres):
    from sqlalchemy import text

    if not is_postgres:
        # Revision 0009 creates nothing on SQLite, where LIKE '%term%' reads the table whatever the index.
        assert not db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name LIKE '%trgm%'"))
        return
    rows = db.session.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'submissions'")).all()
    definitions = {name: definition for name, definition in rows if name in TRIGRAM_INDEXES}
    assert set(definitions) == TRIGRAM_INDEXES
    assert all("USING gin" in d and "gin_trgm_ops" in d for d in definitions.values()), definitions


def _index_names(node):
    if isinstance(node, list):
        for item in node:
            yield from _index_names(item)
    elif isinstance(node, dict):
        if "Index Name" in node:
            yield node["Index Name"]
        for value in node.values():
            if isinstance(value, (list, dict)):
                yield from _index_names(value)
