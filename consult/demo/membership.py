"""The demo group: 10 current members (8 seat holders, 2 alternates) and 3 past ones, from organisations across
the four subregions and several constituencies, and one open call for nominations with two applications.
Everything is found again by e-mail, name or title, so a second run changes nothing."""
from datetime import timedelta

from sqlalchemy import select

from ..auth import services as accounts
from ..core.database import utcnow
from ..core.extensions import db
from ..membership import nominations, services
from ..membership.models import Application, NominationCall, Term
from ..organisations.services import organisation_by_name, save_organisation

# name, language of the name, acronym, constituency, country, countries of work, migrant-led, website
ORGANISATIONS = (
    ("Réseau marocain des associations de migrants", "fr", "RMAM", "migrant_diaspora", "MA", ["MA", "regional"], True, "https://rmam.example.org"),
    ("الجمعية التونسية للدفاع عن حقوق العمال المهاجرين", "ar", "", "civil_society", "TN", ["TN", "LY"], False, ""),
    ("مركز تمكين للمساعدة القانونية وحقوق الإنسان", "ar", "", "civil_society", "JO", ["JO"], False, "https://tamkeen.example.org"),
    ("Lebanese Workers' Solidarity Network", "en", "LWSN", "trade_union", "LB", ["LB"], False, ""),
    ("المنتدى المصري لدراسات الهجرة", "ar", "", "academia", "EG", ["EG", "SD"], False, ""),
    ("Gulf Forum for Migrant Rights", "en", "GFMR", "civil_society", "KW", ["KW", "QA", "AE", "regional"], False, ""),
    ("Migrant Domestic Workers Alliance Bahrain", "en", "MDWA", "migrant_diaspora", "BH", ["BH"], True, ""),
    ("Sudanese Diaspora Youth Network", "en", "SDYN", "youth", "SD", ["SD", "global"], True, ""),
    ("Association des femmes mauritaniennes pour le développement", "fr", "AFMD", "women", "MR", ["MR"], False, ""),
    ("Yemeni Centre for Migration Studies", "en", "YCMS", "academia", "YE", ["YE", "DJ", "SO"], False, ""),
    ("Collectif algérien pour les droits des migrants", "fr", "CADM", "civil_society", "DZ", ["DZ"], False, ""),
    ("شبكة العراق للمجتمع المدني", "ar", "", "civil_society", "IQ", ["IQ"], False, ""),
    ("Oman Chamber of Employers", "en", "OCE", "private_sector", "OM", ["OM"], False, ""),
)

# e-mail, name, locale, gender, organisation (index), role, seat, start (days from today), end (days from today),
# ended early (days from today) or None
MEMBERS = (
    ("member@example.org", "Youssef Benali", "fr", "male", 0, "member", 1, -400, 330, None),
    ("hanan.k@example.org", "Hanan Khalil", "ar", "female", 2, "chair", 2, -300, 430, None),
    ("salma.t@example.org", "سلمى الطرابلسي", "ar", "female", 1, "member", 3, -300, 430, None),
    ("rami.h@example.org", "Rami Haddad", "en", "male", 3, "member", 4, -300, 45, None),
    ("mona.f@example.org", "منى فاروق", "ar", "female", 4, "member", 5, -200, 530, None),
    ("fatima.a@example.org", "Fatima Al-Sabah", "en", "female", 5, "co_chair", 6, -200, 530, None),
    ("grace.m@example.org", "Grace Mendoza", "en", "undisclosed", 6, "member", 7, -100, 630, None),
    ("ahmed.o@example.org", "Ahmed Osman", "en", "male", 7, "member", 8, -100, 630, None),
    ("aicha.s@example.org", "Aïcha Sow", "fr", "female", 8, "alternate", 1, -100, 630, None),
    ("nabil.y@example.org", "Nabil Al-Yamani", "ar", "male", 9, "alternate", 4, -100, 630, None),
    # past members
    ("karim.b@example.org", "Karim Bouzid", "fr", "male", 10, "chair", 2, -1100, -301, None),
    ("zainab.j@example.org", "زينب الجبوري", "ar", "female", 11, "member", 6, -1000, -201, None),
    ("said.r@example.org", "Said Al-Rawahi", "en", "male", 12, "member", 9, -700, -35, -160),
)

CALL = {
    "title": {"ar": "دعوة إلى الترشيح لعضوية الفريق الاستشاري 2027",
              "en": "Call for nominations to the advisory group 2027",
              "fr": "Appel à candidatures au groupe consultatif 2027"},
    "description": {"ar": "يدعو الفريق الاستشاري منظمات المجتمع المدني في المنطقة العربية إلى ترشيح ممثلين لشغل مقعدين شاغرين.",
                    "en": "The advisory group invites civil-society organisations of the Arab region to nominate people for two vacant seats.",
                    "fr": "Le groupe consultatif invite les organisations de la société civile de la région arabe à proposer des personnes pour deux sièges vacants."},
}

APPLICATIONS = (
    ("ar", {"org_name": "جمعية المهاجرين في ليبيا", "constituency": "migrant_diaspora", "country": "LY",
            "countries_of_work": ["LY"], "website": "", "migrant_led": True,
            "contact_name": "عمر الفيتوري", "contact_email": "omar.f@example.org",
            "nominee_name": "ليلى بن سعيد", "nominee_email": "laila.b@example.org", "nominee_phone": "",
            "nominee_gender": "female", "nominee_position": "منسقة البرامج",
            "motivation": "تعمل ليلى منذ عشر سنوات مع المهاجرين في ليبيا وتعرف احتياجاتهم.", "experience": ""}),
    ("fr", {"org_name": "Comité des travailleurs migrants de Djibouti", "constituency": "trade_union", "country": "DJ",
            "countries_of_work": ["DJ", "SO"], "website": "", "migrant_led": False,
            "contact_name": "Hassan Ali", "contact_email": "hassan.a@example.org",
            "nominee_name": "Idriss Omar", "nominee_email": "idriss.o@example.org", "nominee_phone": "",
            "nominee_gender": "male", "nominee_position": "Secrétaire général",
            "motivation": "Idriss représente les travailleurs migrants le long de la route de l'Est.", "experience": ""}),
)


def load_membership():
    lines = []
    on = services.today()
    services.group_settings()
    organisations = []
    for name, lang, acronym, constituency, country, work, migrant_led, website in ORGANISATIONS:
        organisation = organisation_by_name(name)
        if organisation is None:
            organisation = save_organisation(
                name=name, name_lang=lang, acronym=acronym, constituency=constituency, country=country,
                countries_of_work=work, migrant_led=migrant_led, website=website, other_names={})
            lines.append(f"created organisation {name}")
        organisations.append(organisation)
    for email, name, locale, gender, org, role, seat, start, end, ended in MEMBERS:
        user = accounts.find_user(email)
        if user is None:
            user = accounts.create_user(email, "member", name=name, locale=locale)
            accounts.set_password(user, "demo-password-2026")
            lines.append(f"created member account {email}")
        profile = services.profile_of(user)
        if profile.gender == "unstated":
            profile.gender = gender
        db.session.commit()
        if db.session.scalar(select(Term.id).where(Term.user_id == user.id).limit(1)) is not None:
            continue
        starts_on = on + timedelta(days=start)
        term = services.add_term(user, organisations[org], role=role, seat=seat, starts_on=starts_on,
                                 ends_on=on + timedelta(days=end), tor_accepted_on=starts_on - timedelta(days=10),
                                 coi_declared_on=starts_on - timedelta(days=10))
        if ended is not None:
            services.end_term(term, on + timedelta(days=ended), "resigned", "Moved abroad.")
        lines.append(f"created term on seat {seat} for {email}")
    call = db.session.scalar(select(NominationCall).where(NominationCall.seats == 2, NominationCall.status == "open"))
    if call is None:
        call = nominations.save_call(title=CALL["title"], description=CALL["description"], seats=2,
                                  closes_at=utcnow().replace(microsecond=0) + timedelta(days=30),
                                  timezone="Asia/Beirut", status="open")
        lines.append("created an open call for nominations")
    for lang, values in APPLICATIONS:
        exists = db.session.scalar(select(Application.id).where(Application.call_id == call.id,
                                                                Application.nominee_email == values["nominee_email"]))
        if exists is None:
            nominations.apply(call, values, lang=lang, form_key=f"demo-{values['nominee_email']}")
            lines.append(f"created a nomination of {values['nominee_email']}")
    return lines
