"""The words of organisations: the codes they are stored with and their labels, defined once."""
from flask_babel import lazy_gettext as _l

# An organisation's country (and a country of work) outside the 22 states of the region.
OUTSIDE_REGION = "other"
OUTSIDE_REGION_LABEL = _l("Outside the Arab region")
