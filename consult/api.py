"""Public, read-only JSON (open data): what a public page shows, nothing more."""
from flask import Blueprint

bp = Blueprint("api", __name__)
