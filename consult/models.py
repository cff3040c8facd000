"""Every table, imported in one place so that Alembic and the tests see them all."""
from .auth.models import User  # noqa: F401
from .mail.models import OutboxMessage  # noqa: F401
