"""The group's synthesis pages: drafting chapters (drafting.py) and translating them (translation.py), on one blueprint."""
from . import translation  # noqa: F401  (its routes are on the drafting blueprint)
from .drafting import bp  # noqa: F401
