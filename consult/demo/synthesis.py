"""The closed demo call's synthesis: rapporteurs, three approved chapters (written in Arabic, English and
French, each translated into the other two), featured quotes, a comment, the main report and its annex
built and published in the three languages, and so its open data. Done once: a second run changes nothing."""
from sqlalchemy import select

from ..auth.models import User
from ..consultations import services as consultations, visibility
from ..consultations.models import Consultation, Submission
from ..core.extensions import db
from ..core import languages
from ..reports import services as reports
from ..synthesis import services as synthesis, translation
from ..synthesis.models import Rapporteur
from .consultations import TEXTS

SLUG = "arab-regional-review-2026"

# objective: rapporteur's e-mail, the language it was written in, then the text in ar, en, fr:
# (synthesis, [key messages], [recommendations]).
CHAPTERS = {
    6: ("hanan.k@example.org", "ar", {
        "ar": ("تصف المنظمات في المناطق دون الإقليمية الأربع رسوم توظيف تُدفع في بلدان المنشأ وتُسترد من الأجور بعد الوصول. "
               "ويربط نظام الكفالة الإقامة بصاحب العمل، فيبقى العامل عاجزًا عن تغيير عمله أو الشكوى.\n\n"
               "وتُظهر التجارب الناجحة أن مكاتب المساعدة القانونية وعقود العمل الموحدة بلغة العامل تقلل من النزاعات.",
               ["رسوم التوظيف ما زالت يتحملها العمال", "الكفالة تمنع العمال من الشكوى"],
               ["حظر تحصيل أي رسوم توظيف من العمال", "السماح بتغيير صاحب العمل دون موافقته",
                "عقود عمل موحدة بلغة العامل", "مكاتب مساعدة قانونية في مناطق العمل"]),
        "en": ("Organisations in all four subregions describe recruitment fees paid in countries of origin and deducted "
               "from wages on arrival. The sponsorship (kafala) system ties residence to the employer, so workers cannot "
               "change jobs or complain.\n\nWhere legal aid desks and standard contracts in the worker's language exist, "
               "disputes fall.",
               ["Workers still pay recruitment fees", "Sponsorship stops workers from complaining"],
               ["Ban every recruitment fee charged to workers", "Allow workers to change employer without consent",
                "Standard contracts in the worker's language", "Legal aid desks where migrants work"]),
        "fr": ("Les organisations des quatre sous-régions décrivent des frais de recrutement payés dans les pays d'origine "
               "et retenus sur les salaires à l'arrivée. Le parrainage (kafala) lie le séjour à l'employeur : le travailleur "
               "ne peut ni changer d'emploi ni se plaindre.\n\nLà où existent des permanences juridiques et des contrats "
               "types dans la langue du travailleur, les litiges reculent.",
               ["Les travailleurs paient encore des frais de recrutement", "Le parrainage empêche de porter plainte"],
               ["Interdire tout frais de recrutement à la charge des travailleurs",
                "Permettre de changer d'employeur sans son accord", "Des contrats types dans la langue du travailleur",
                "Des permanences juridiques là où travaillent les migrants"]),
    }),
    7: ("member@example.org", "fr", {
        "fr": ("Les contributions montrent que les migrants en situation irrégulière évitent les services publics par peur "
               "d'être signalés. Quelques villes ont séparé l'accès aux soins et à l'école du contrôle du statut.\n\n"
               "Les organisations demandent que ces pratiques deviennent la règle.",
               ["La peur du signalement éloigne des services", "Des pare-feu locaux fonctionnent"],
               ["Séparer l'accès aux services du contrôle migratoire", "Scolariser tous les enfants quel que soit le statut",
                "Former les agents publics aux droits des migrants"]),
        "en": ("Submissions show that migrants in an irregular situation avoid public services for fear of being reported. "
               "A few cities have separated access to health care and school from status checks.\n\n"
               "The organisations ask for these practices to become the rule.",
               ["Fear of being reported keeps people away from services", "Local firewalls work"],
               ["Separate access to services from immigration enforcement", "Enrol every child whatever their status",
                "Train public officials in migrants' rights"]),
        "ar": ("تُظهر المساهمات أن المهاجرين في وضع غير نظامي يتجنبون الخدمات العامة خوفًا من الإبلاغ عنهم. "
               "وقد فصلت بعض المدن بين الحصول على الرعاية الصحية والتعليم والتحقق من الوضع القانوني.\n\n"
               "وتطالب المنظمات بأن تصبح هذه الممارسات القاعدة.",
               ["الخوف من الإبلاغ يُبعد الناس عن الخدمات", "الفصل المحلي بين الخدمات والرقابة ناجح"],
               ["الفصل بين الحصول على الخدمات وإنفاذ قوانين الهجرة", "تسجيل كل الأطفال في المدارس أيًا كان وضعهم",
                "تدريب الموظفين العموميين على حقوق المهاجرين"]),
    }),
    16: ("fatima.a@example.org", "en", {
        "en": ("Inclusion is described as a matter of daily life: language classes, recognition of skills and a say in "
               "local decisions. Migrant-led groups report that they are rarely consulted.\n\n"
               "Where municipalities fund community centres run with migrants, tensions ease.",
               ["Migrant-led groups are rarely consulted", "Community centres build cohesion"],
               ["Consult migrant-led groups on local policies", "Recognise skills and diplomas obtained abroad",
                "Fund community centres run with migrants"]),
        "ar": ("يوصف الإدماج بأنه شأن من شؤون الحياة اليومية: دروس اللغة والاعتراف بالمهارات والمشاركة في القرارات المحلية. "
               "وتفيد المجموعات التي يقودها مهاجرون بأنها نادرًا ما تُستشار.\n\n"
               "وحيثما تموّل البلديات مراكز مجتمعية تُدار مع المهاجرين، تخف التوترات.",
               ["نادرًا ما تُستشار المجموعات التي يقودها مهاجرون", "المراكز المجتمعية تعزز التماسك"],
               ["استشارة المجموعات التي يقودها مهاجرون في السياسات المحلية", "الاعتراف بالمهارات والشهادات المكتسبة في الخارج",
                "تمويل مراكز مجتمعية تُدار مع المهاجرين"]),
        "fr": ("L'inclusion est décrite comme une affaire de vie quotidienne : cours de langue, reconnaissance des "
               "compétences et voix dans les décisions locales. Les groupes dirigés par des migrants disent être rarement "
               "consultés.\n\nLà où les communes financent des centres communautaires gérés avec des migrants, les tensions "
               "s'apaisent.",
               ["Les groupes de migrants sont rarement consultés", "Les centres communautaires renforcent la cohésion"],
               ["Consulter les groupes dirigés par des migrants sur les politiques locales",
                "Reconnaître les compétences et diplômes obtenus à l'étranger",
                "Financer des centres communautaires gérés avec des migrants"]),
    }),
}
OTHER_RAPPORTEURS = {2: "rami.h@example.org", 13: "mona.f@example.org", 15: "grace.m@example.org",
                     23: "ahmed.o@example.org"}
COMMENT = ("salma.t@example.org", 6, "أقترح ذكر العمال المنزليين صراحة في التوصية الثانية.")


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _quotes(consultation, objective, count=4):
    """The first quotable recommendations of the chapter (texts the demo has in the three languages)."""
    items = synthesis.chapter_submissions(consultation, objective, visibility.PUBLIC)
    return [(item["id"], "recommendations") for item in items if item["quotable"] and "recommendations" in item["texts"]
            ][:count]


def _translate_quotes(consultation, quotes, secretariat):
    for submission_id, field in quotes:
        submission = db.session.get(Submission, submission_id)
        position = TEXTS[submission.language][field].index(getattr(submission, field))
        for lang in TEXTS:  # the languages the demo's texts are written in
            existing = submission.translation(field, lang)
            if lang != submission.language and not (existing and existing.confirmed):
                consultations.save_translation(submission, field, lang, TEXTS[lang][field][position], secretariat)


def load_synthesis():
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
    secretariat = db.session.scalar(select(User).where(User.role == "secretariat").order_by(User.id))
    if consultation is None or secretariat is None or db.session.scalar(
            select(Rapporteur.user_id).where(Rapporteur.consultation_id == consultation.id).limit(1)):
        return []
    with_input = synthesis.objectives_with_input(consultation)
    for objective, (email, written, texts) in CHAPTERS.items():
        author = _user(email)
        if objective not in with_input or author is None:
            continue
        synthesis.assign(consultation, objective, author, secretariat)
        quotes = _quotes(consultation, objective)
        text, messages, recommendations = texts[written]
        synthesis.save_draft(consultation, objective, author, written, text, messages, recommendations, quotes)
        synthesis.approve(consultation, objective, secretariat, 1)
        for lang, (text, messages, recommendations) in texts.items():
            if lang != written:
                translation.save_chapter(consultation, objective, lang, secretariat, text, messages, recommendations,
                                         confirm=True)
        _translate_quotes(consultation, quotes, secretariat)
    for objective, email in OTHER_RAPPORTEURS.items():
        if objective in with_input and _user(email) is not None:
            synthesis.assign(consultation, objective, _user(email), secretariat)
    email, objective, text = COMMENT
    if _user(email) is not None and objective in with_input:
        synthesis.comment(consultation, objective, _user(email), text)
    built = 0
    for lang in languages.codes():
        for part in ("main", "annex"):
            report, _reused = reports.build_now(consultation, lang, part=part)
            if report.is_ready:
                reports.publish(report, secretariat)
                built += 1
    return [f"added rapporteurs and {len(CHAPTERS)} approved chapters to {SLUG}, and published {built} reports "
            "(main report and annex in ar, en, fr) with its open data"]
