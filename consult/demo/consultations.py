"""Demo calls for input: one closed (ready for a report), one open; about 60 submissions
in Arabic, English and French from across the region, at every confidentiality level."""
import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from ..auth.models import User
from ..consultations import services
from ..consultations.models import Consultation
from ..core.storage import CheckedFile
from ..core.database import utcnow
from ..core.extensions import db

# A tiny, valid one-page PDF, attached to a few submissions.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

CLOSED = {
    "slug": "arab-regional-review-2026",
    "title": {
        "ar": "مساهمات المجتمع المدني في الاستعراض الإقليمي الثاني للاتفاق العالمي من أجل الهجرة في المنطقة العربية",
        "en": "Civil-society input to the second regional review of the GCM in the Arab region",
        "fr": "Contributions de la société civile au deuxième examen régional du Pacte mondial dans la région arabe",
    },
    "description": {
        "ar": "يدعو الفريق الاستشاري منظمات المجتمع المدني ومنظمات المهاجرين والمغتربين والنقابات والأوساط الأكاديمية إلى مشاركة تجاربها في تنفيذ الاتفاق العالمي منذ الاستعراض الأول.\n\nستُجمع المساهمات في تقرير يُقدَّم إلى الاستعراض الإقليمي.",
        "en": "The advisory group invites civil-society organisations, migrant and diaspora groups, trade unions and academia to share their experience of implementing the Global Compact since the first review.\n\nThe submissions will be gathered into a report for the regional review.",
        "fr": "Le groupe consultatif invite les organisations de la société civile, les groupes de migrants et de la diaspora, les syndicats et les universitaires à partager leur expérience de la mise en œuvre du Pacte mondial depuis le premier examen.\n\nLes contributions seront rassemblées dans un rapport pour l'examen régional.",
    },
    "questions": {
        "ar": ["ما الممارسات الجيدة التي لاحظتموها في بلدكم؟", "ما أبرز التحديات أمام المهاجرين ومنظماتهم؟", "ما توصياتكم للحكومات والشركاء؟"],
        "en": ["What good practices have you seen in your country?", "What are the main challenges for migrants and their organisations?", "What do you recommend to governments and partners?"],
        "fr": ["Quelles bonnes pratiques avez-vous observées dans votre pays ?", "Quels sont les principaux défis pour les migrants et leurs organisations ?", "Que recommandez-vous aux gouvernements et aux partenaires ?"],
    },
    "objectives": [2, 6, 7, 13, 15, 16, 23],
    "timezone": "Asia/Beirut",
    "reference_prefix": "RSAG",
}

OPEN = {
    "slug": "labour-migration-2027",
    "title": {
        "ar": "هجرة اليد العاملة والعمل اللائق: مشاورة تحضيرية",
        "en": "Labour migration and decent work: a preparatory consultation",
        "fr": "Migration de main-d'œuvre et travail décent : consultation préparatoire",
    },
    "description": {
        "ar": "نجمع تجارب العمال المهاجرين ومنظماتهم في التوظيف العادل وحماية الأجور والضمان الاجتماعي.",
        "en": "We gather the experience of migrant workers and their organisations on fair recruitment, wage protection and social security.",
        "fr": "Nous recueillons l'expérience des travailleurs migrants et de leurs organisations sur le recrutement équitable, la protection des salaires et la sécurité sociale.",
    },
    "questions": {
        "ar": ["كيف تغيّرت ممارسات التوظيف منذ عام 2022؟", "هل يحصل العمال المهاجرون على الحماية الاجتماعية؟"],
        "en": ["How have recruitment practices changed since 2022?", "Do migrant workers get social protection?"],
        "fr": ["Comment les pratiques de recrutement ont-elles évolué depuis 2022 ?", "Les travailleurs migrants bénéficient-ils d'une protection sociale ?"],
    },
    "objectives": [6, 18, 20, 22],
    "timezone": "Asia/Riyadh",
    "reference_prefix": "RLAB",
}

# name, language, constituency, country, countries of work
ORGANISATIONS = [
    ("جمعية حقوق العمال المهاجرين", "ar", "migrant_diaspora", "JO", ["JO"]),
    ("Tamkeen for Legal Aid and Human Rights", "en", "civil_society", "JO", ["JO"]),
    ("الشبكة اللبنانية لحقوق العاملات في المنازل", "ar", "women", "LB", ["LB"]),
    ("Migrant Workers Action Lebanon", "en", "migrant_diaspora", "LB", ["LB", "SY"]),
    ("Association marocaine d'études et de recherches sur les migrations", "fr", "academia", "MA", ["MA"]),
    ("Plateforme des associations subsahariennes du Maroc", "fr", "migrant_diaspora", "MA", ["MA", "regional"]),
    ("Forum tunisien pour les droits économiques et sociaux", "fr", "civil_society", "TN", ["TN", "LY"]),
    ("Union générale tunisienne du travail — section migration", "fr", "trade_union", "TN", ["TN"]),
    ("المركز المصري للحقوق الاقتصادية والاجتماعية", "ar", "civil_society", "EG", ["EG"]),
    ("Cairo Institute for Migration Studies", "en", "academia", "EG", ["EG", "SD"]),
    ("جمعية الهلال الأحمر السوداني — برنامج الهجرة", "ar", "red_cross_crescent", "SD", ["SD"]),
    ("Migrant-Rights.org", "en", "civil_society", "KW", ["KW", "QA", "SA", "AE", "BH", "OM"]),
    ("Bahrain Migrant Workers Protection Society", "en", "civil_society", "BH", ["BH"]),
    ("الاتحاد العام لنقابات عمال الكويت", "ar", "trade_union", "KW", ["KW"]),
    ("Qatar University — Gulf Studies Center", "en", "academia", "QA", ["QA", "regional"]),
    ("Oman Human Rights Commission", "en", "nhri", "OM", ["OM"]),
    ("Association des travailleurs migrants de Mauritanie", "fr", "migrant_diaspora", "MR", ["MR", "MA"]),
    ("Caritas Djibouti — Centre d'accueil des migrants", "fr", "faith_based", "DJ", ["DJ"]),
    ("منظمة شباب اليمن للتنمية", "ar", "youth", "YE", ["YE"]),
    ("Somali Diaspora Network", "en", "migrant_diaspora", "SO", ["SO", "global"]),
    ("Comité comorien des droits des migrants", "fr", "civil_society", "KM", ["KM"]),
    ("مرصد العراق للهجرة والنزوح", "ar", "civil_society", "IQ", ["IQ"]),
    ("Palestinian Migration Research Unit", "en", "academia", "PS", ["PS", "JO", "LB"]),
    ("الجمعية السورية للإغاثة والتنمية", "ar", "faith_based", "SY", ["SY", "LB", "JO"]),
    ("Collectif algérien des journalistes pour la migration", "fr", "media", "DZ", ["DZ"]),
    ("Libyan Organisation for Migrants' Health", "en", "civil_society", "LY", ["LY"]),
    ("مبادرة النساء المهاجرات في الإمارات", "ar", "women", "AE", ["AE"]),
    ("Saudi Business Council for Fair Recruitment", "en", "private_sector", "SA", ["SA"]),
    ("Municipalité de Sfax — cellule migration", "fr", "local_authority", "TN", ["TN"]),
    ("Regional Migrant Workers' Network", "en", "migrant_diaspora", "regional_org", ["regional"]),
]

TEXTS = {
    "ar": {
        "good_practices": [
            "أطلقت وزارة العمل نظامًا إلكترونيًا لحماية الأجور يتيح للعمال المهاجرين متابعة رواتبهم وتقديم الشكاوى بلغاتهم.",
            "افتتحت البلدية مركزًا موحدًا يقدّم المعلومات القانونية والدعم النفسي للمهاجرين والنازحين.",
            "سمحت السلطات بتسوية أوضاع العمال الذين فقدوا وضعهم النظامي بسبب أصحاب العمل.",
            "توفّر المدارس الحكومية التعليم لأطفال المهاجرين بغض النظر عن وضع ذويهم القانوني.",
        ],
        "challenges": [
            "لا يزال نظام الكفالة يربط الإقامة بصاحب العمل ويحدّ من حرية العمال في تغيير وظائفهم.",
            "تتقاضى مكاتب التوظيف رسومًا باهظة تُثقل العمال بالديون قبل وصولهم.",
            "تفتقر العاملات في المنازل إلى الحماية في قانون العمل.",
            "يُحتجز المهاجرون في مراكز مكتظة دون إمكانية الوصول إلى محامين أو مترجمين.",
        ],
        "recommendations": [
            "إلغاء نظام الكفالة وتمكين العمال من تغيير أصحاب العمل دون إذن مسبق.",
            "حظر تحميل العمال رسوم التوظيف وإلزام أصحاب العمل بتغطيتها.",
            "شمول العاملات في المنازل بقانون العمل وبالضمان الاجتماعي.",
            "اعتماد بدائل للاحتجاز تحترم حقوق الإنسان، ولا سيما للأطفال.",
        ],
    },
    "en": {
        "good_practices": [
            "The labour ministry's wage protection system lets migrant workers check their pay and complain in their own language.",
            "A municipal one-stop centre gives migrants legal information, health referrals and psychosocial support.",
            "A regularisation programme allowed workers who lost their status through their employer's fault to regain it.",
            "Public schools enrol migrant children whatever their parents' legal status.",
        ],
        "challenges": [
            "The kafala system still ties residence to one employer and keeps workers from changing jobs.",
            "Recruitment agencies charge high fees, so workers arrive in debt.",
            "Domestic workers remain outside the labour law.",
            "Migrants are detained in crowded centres without access to lawyers or interpreters.",
        ],
        "recommendations": [
            "Abolish the kafala system and let workers change employers without permission.",
            "Ban recruitment fees for workers and make employers pay them.",
            "Bring domestic workers under the labour law and social security.",
            "Adopt rights-based alternatives to detention, above all for children.",
        ],
    },
    "fr": {
        "good_practices": [
            "Le système de protection des salaires permet aux travailleurs migrants de vérifier leur paie et de porter plainte dans leur langue.",
            "Un guichet unique municipal offre aux migrants une information juridique, une orientation sanitaire et un soutien psychosocial.",
            "Une opération de régularisation a permis aux travailleurs ayant perdu leur statut par la faute de leur employeur de le retrouver.",
            "Les écoles publiques accueillent les enfants migrants quel que soit le statut de leurs parents.",
        ],
        "challenges": [
            "Le système de la kafala lie encore le séjour à un employeur et empêche les travailleurs de changer d'emploi.",
            "Les agences de recrutement facturent des frais élevés : les travailleurs arrivent endettés.",
            "Les travailleuses domestiques restent exclues du code du travail.",
            "Les migrants sont retenus dans des centres surpeuplés sans accès à un avocat ni à un interprète.",
        ],
        "recommendations": [
            "Abolir la kafala et permettre aux travailleurs de changer d'employeur sans autorisation.",
            "Interdire les frais de recrutement à la charge des travailleurs.",
            "Inclure les travailleuses domestiques dans le code du travail et la sécurité sociale.",
            "Adopter des alternatives à la rétention respectueuses des droits, surtout pour les enfants.",
        ],
    },
}
EXCLUSION_REASON = "Outside the scope of the call (a request for individual assistance), referred to a partner."


def load_consultations():
    """Create the two demo calls and their submissions, once."""
    if db.session.scalar(select(Consultation.id).where(Consultation.slug == CLOSED["slug"])):
        return []
    secretariat = db.session.scalar(select(User).where(User.role == "secretariat").order_by(User.id))
    rng = random.Random(2026)
    now = utcnow()
    closed_opens = datetime(2026, 2, 1, 6, 0, tzinfo=timezone.utc)
    closed_closes = datetime(2026, 3, 31, 20, 59, tzinfo=timezone.utc)  # 23:59 in Beirut
    closed = services.save_consultation(**CLOSED, status="open", opens_at=closed_opens, closes_at=closed_closes)
    hour = now.replace(minute=0, second=0, microsecond=0)
    opened = services.save_consultation(**OPEN, status="open", opens_at=hour - timedelta(days=10),
                                        closes_at=(now + timedelta(days=40)).replace(hour=20, minute=59, second=0, microsecond=0))
    made = []
    for index in range(45):
        moment = closed_opens + timedelta(hours=rng.randrange(24, 24 * 57))
        made.append(_submit(closed, index, rng, moment))
    for index in range(15):
        made.append(_submit(opened, 45 + index, rng, None))
    _review(made[:45], secretariat, rng)
    closed.status = "closed"
    db.session.commit()
    return [f"created 2 calls for input and {len(made)} submissions"]


def _submit(consultation, index, rng, moment):
    name, lang, constituency, country, work = ORGANISATIONS[index % len(ORGANISATIONS)]
    if country == "regional_org":
        country = "other"
    texts = TEXTS[lang]
    level = ("public", "public", "anonymous", "confidential")[index % 4]
    values = {
        "org_name": name, "constituency": constituency, "country": country, "countries_of_work": work,
        "contact_name": f"Contact {index + 1}", "contact_email": f"contact{index + 1}@example.org",
        "contact_phone": None, "language": lang,
        "objectives": sorted(rng.sample([2, 6, 7, 13, 15, 16, 23], k=rng.randint(1, 3))),
        "principles": sorted(rng.sample(list("abcdefghij"), k=rng.randint(1, 3))),
        "confidentiality": level,
        "good_practices": texts["good_practices"][index % 4],
        "challenges": texts["challenges"][(index + 1) % 4],
        "recommendations": texts["recommendations"][(index + 2) % 4],
    }
    files = [CheckedFile("report.pdf", "application/pdf", DEMO_PDF)] if index % 9 == 0 else []
    result = services.submit(consultation, values, files, page_lang=lang, now=moment)
    if moment:
        result.submission.submitted_at = moment
    return result.submission


def _review(submissions, secretariat, rng):
    """Screen the closed call: most included, a few excluded or withdrawn; some translated."""
    for index, submission in enumerate(submissions):
        status = "included"
        if index % 15 == 7:
            status = "excluded"
        elif index % 15 == 11:
            status = "withdrawn"
        services.set_status(submission, "screened", secretariat)
        services.set_status(submission, status, secretariat, reason=EXCLUSION_REASON if status == "excluded" else None)
        db.session.commit()
        if status == "included" and index % 3 == 0:
            # A person's translation of the recommendations into the other languages of the demo's texts.
            position = TEXTS[submission.language]["recommendations"].index(submission.recommendations)
            for lang in TEXTS:
                if lang != submission.language:
                    services.save_translation(submission, "recommendations", lang,
                                              TEXTS[lang]["recommendations"][position], secretariat)
