"""Review pages: the queue, one submission, bulk actions, the audit log (secretariat and assigned members)."""
from flask import Blueprint

bp = Blueprint("review", __name__)
