from datetime import date, timedelta

import pytest


@pytest.fixture
def today(app):
    from consult.membership.services import today

    return today()


@pytest.fixture
def create_organisation(db):
    from consult.organisations import services

    def create(name="Réseau des migrants", **fields):
        values = {"name_lang": "fr", "constituency": "migrant_diaspora", "country": "MA",
                  "countries_of_work": ["MA"], "other_names": {}, "acronym": "", "website": "", "migrant_led": True}
        values.update(fields)
        return services.save_organisation(name=name, **values)

    return create


@pytest.fixture
def create_term(db, create_user, create_organisation, today):
    """A current term (declarations recorded) for a new member, unless told otherwise."""
    from consult.membership import services
    from consult.organisations.services import organisation_by_name

    def create(user=None, organisation=None, seat=1, role="member", starts_on=None, ends_on=None,
               declarations=True, gender=None, phone=None, **user_fields):
        user = user or create_user(**user_fields)
        name = f"Organisation {user.id}"
        organisation = organisation or organisation_by_name(name) or create_organisation(name)
        starts_on = starts_on or today - timedelta(days=100)
        ends_on = ends_on or today + timedelta(days=300)
        declared = min(starts_on, today) if declarations else None
        if gender or phone:
            profile = services.profile_of(user)
            profile.gender = gender or profile.gender
            profile.phone = phone or profile.phone
        return services.add_term(user, organisation, seat=seat, role=role, starts_on=starts_on, ends_on=ends_on,
                                 tor_accepted_on=declared, coi_declared_on=declared)

    return create


@pytest.fixture
def create_call(db):
    from consult.database import utcnow
    from consult.membership import nominations

    def create(closes_at=None, status="open", **fields):
        values = {"title": {"ar": "دعوة إلى الترشيح", "en": "Call for nominations", "fr": "Appel à candidatures"},
                  "description": {"ar": "نبحث عن أعضاء جدد.", "en": "We look for new members.",
                                  "fr": "Nous cherchons de nouveaux membres."},
                  "seats": 2, "timezone": "Asia/Beirut", "status": status,
                  "closes_at": closes_at or utcnow().replace(microsecond=0) + timedelta(days=14)}
        values.update(fields)
        return nominations.save_call(**values)

    return create


ARABIC_APPLICATION = {
    "org_name": "جمعية الهجرة والتنمية",
    "constituency": "migrant_diaspora",
    "country": "JO",
    "countries_of_work": ["JO", "LB"],
    "website": "",
    "contact_name": "عمر الخطيب",
    "contact_email": "omar@example.org",
    "nominee_name": "ليلى حداد",
    "nominee_email": "laila@example.org",
    "nominee_phone": "+962 7 9999 0000",
    "nominee_position": "مديرة البرامج",
    "nominee_gender": "female",
    "motivation": "تعمل ليلى منذ عشر سنوات مع العمال المهاجرين.",
    "experience": "",
    "consent": "y",
}


@pytest.fixture
def application_form():
    return dict(ARABIC_APPLICATION)
