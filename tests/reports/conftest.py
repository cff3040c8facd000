"""A closed call with included submissions of every kind, sent through the real services."""
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from consult.consultations import services
from consult.core.database import utcnow
from consult.core.extensions import db as _db


@dataclass
class ReportCall:
    consultation: object
    canary: str                     # only in a confidential submission
    anonymous_name: str             # the name of an anonymous organisation
    recommendation: str             # a public recommendation, to be quoted
    translated: str                 # an English translation of a French text, confirmed
    submissions: dict = field(default_factory=dict)


def _submit(consultation, **values):
    data = {
        "org_name": "Organisation", "constituency": "civil_society", "country": "JO", "countries_of_work": ["JO"],
        "contact_name": "Contact Person", "contact_email": "contact@example.org", "contact_phone": "+962 6 000 0000",
        "language": "en", "objectives": [7], "principles": ["a"], "good_practices": "", "challenges": "",
        "recommendations": "", "confidentiality": "public",
    }
    data.update(values)
    return services.submit(consultation, data, page_lang=data["language"]).submission


@pytest.fixture
def report_call(create_consultation, secretariat):
    """Seven submissions: five included (public en, public ar, public fr with a confirmed English
    translation, anonymous, confidential), one excluded, one withdrawn; then the call is closed."""
    marker = uuid.uuid4().hex[:8].upper()
    consultation = create_consultation(slug="review-2026", reference_prefix="RSAG")
    canary = f"CANARY{marker}"
    anonymous_name = f"Hidden Collective {marker}"
    recommendation = f"Recommend portable social security {marker}"
    translated = f"One-stop shops for migrant workers {marker}"
    made = {
        "public_en": _submit(consultation, org_name="Tamkeen Fields", country="JO", objectives=[6, 7],
                             principles=["a", "b"], good_practices="Legal aid desks in three governorates.",
                             recommendations=recommendation),
        "public_ar": _submit(consultation, org_name="جمعية العمال المهاجرين", country="LB", language="ar",
                             constituency="migrant_diaspora", objectives=[7], principles=["a"],
                             challenges="العمال المنزليين خارج قانون العمل في 2026 حسب GCM.",
                             recommendations="إلغاء نظام الكفالة."),
        "public_fr": _submit(consultation, org_name="Réseau Maghreb Migrations", country="MA", language="fr",
                             objectives=[6], principles=["f"], good_practices="Des guichets uniques pour les travailleurs migrants."),
        "anonymous": _submit(consultation, org_name=anonymous_name, country="TN", objectives=[16],
                             constituency="academia", confidentiality="anonymous",
                             recommendations="Open the labour market to refugees."),
        "confidential": _submit(consultation, org_name=f"Secret Org {canary}", country="EG", objectives=[7, 16],
                                principles=["b"], confidentiality="confidential",
                                good_practices=f"Confidential practice {canary}", challenges=f"Threats {canary}"),
        "excluded": _submit(consultation, org_name=f"Excluded Org {marker}", objectives=[23],
                            recommendations=f"Excluded text {marker}"),
        "withdrawn": _submit(consultation, org_name=f"Withdrawn Org {marker}", objectives=[23],
                             recommendations=f"Withdrawn text {marker}"),
    }
    for key in ("public_en", "public_ar", "public_fr", "anonymous", "confidential"):
        services.set_status(made[key], "included", secretariat)
    services.set_status(made["excluded"], "excluded", secretariat, reason="Out of scope")
    services.set_status(made["withdrawn"], "withdrawn", secretariat)
    services.save_translation(made["public_fr"], "good_practices", "en", translated, secretariat, confirm=True)
    consultation.status = "closed"
    consultation.closes_at = utcnow() - timedelta(days=1)
    _db.session.commit()
    return ReportCall(consultation, canary, anonymous_name, recommendation, translated, made)


def pdf_pages(data, tmp_path):
    """The text of each page, as pdftotext (poppler) reads it, in reading order."""
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    return text.split("\f")[:-1]


def pdf_outline(data):
    """(reader, [(title, 1-based page, depth)]) of the PDF's bookmarks, depth first."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    out = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((item.title, reader.get_destination_page_number(item) + 1, depth))

    walk(reader.outline, 0)
    return reader, out
