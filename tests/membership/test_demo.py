"""`consult demo` makes a group of 10 current and 3 past members and one open call; twice changes nothing."""
from sqlalchemy import func, select

from consult.core.extensions import db as _db
from consult.membership import nominations, roster, services
from consult.membership.models import Application, Term


def test_demo_group(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["consult", "demo"]).exit_code == 0
    on = services.today()
    current = services.current_terms(on)
    assert len(current) == 10
    assert sum(term.status(on) == "past" for term in services.all_terms()) == 3
    assert "member@example.org" in {term.user.email for term in current}
    assert {term.role for term in current} == {"chair", "co_chair", "member", "alternate"}
    result = roster.balance(on)
    assert all(result.subregion[code] for code in ("maghreb", "mashreq", "gcc", "ldc"))
    assert len(result.constituency) >= 5 and result.gender["female"] >= 4
    [call] = nominations.open_calls()
    assert _db.session.scalar(select(func.count()).select_from(Application)) == 2
    terms = _db.session.scalar(select(func.count()).select_from(Term))
    assert runner.invoke(args=["consult", "demo"]).exit_code == 0
    assert _db.session.scalar(select(func.count()).select_from(Term)) == terms
