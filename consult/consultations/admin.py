"""Secretariat pages of a call: create, edit, extend or reopen, reviewers, exports."""
from flask import Blueprint

bp = Blueprint("consultations_admin", __name__)
