"""The demo data set. Each part creates only what is missing, so a second run changes nothing."""
from ..auth import services as accounts
from ..core.extensions import db
from .consultations import load_consultations
from .meetings import load_meetings
from .reports import load_reports
from .membership import load_membership
from .synthesis import load_synthesis

DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = (
    ("secretariat@example.org", "secretariat", "Layla Haddad", "ar"),
    ("member@example.org", "member", "Youssef Benali", "fr"),
)


def load_demo():
    lines = []
    for email, role, name, locale in DEMO_USERS:
        if accounts.find_user(email) is None:
            user = accounts.create_user(email, role, name=name, locale=locale)
            accounts.set_password(user, DEMO_PASSWORD)
            lines.append(f"created {role} account {email}")
    db.session.commit()
    lines += load_consultations()
    lines += load_meetings()
    lines += load_reports()
    lines += load_membership()
    lines += load_synthesis()
    lines.append(f"demo accounts: {', '.join(e for e, *_ in DEMO_USERS)} (password: {DEMO_PASSWORD})")
    return lines
