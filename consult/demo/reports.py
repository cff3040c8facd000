"""The demo's report texts: an executive summary and a methodology note for the closed call."""
from sqlalchemy import select

from ..consultations.models import Consultation
from ..core.extensions import db
from ..reports.models import ReportSetup

SUMMARY = {
    "en": (
        "Civil-society organisations from all four subregions of the Arab region answered the call for input "
        "to the second regional review of the Global Compact for Migration (GCM).\n\n"
        "Three messages stand out. Labour migration governance is still the main concern: recruitment fees, "
        "the sponsorship (kafala) system and the exclusion of domestic workers from labour law come up in every "
        "subregion. Alternatives to immigration detention exist and work, but they remain pilots. And migrants' "
        "access to basic services depends on their status far more than on need.\n\n"
        "The organisations ask the States of the region to report on these points at the review, and to involve "
        "migrant-led groups in the follow-up."
    ),
    "fr": (
        "Des organisations de la société civile des quatre sous-régions de la région arabe ont répondu à l'appel "
        "à contributions pour le deuxième examen régional du Pacte mondial sur les migrations (PMM).\n\n"
        "Trois messages ressortent. La gouvernance des migrations de travail reste la première préoccupation : "
        "frais de recrutement, système de parrainage (kafala) et exclusion des travailleuses domestiques du droit "
        "du travail sont cités dans chaque sous-région. Des alternatives à la rétention existent et fonctionnent, "
        "mais restent des projets pilotes. Enfin, l'accès des migrants aux services de base dépend de leur statut "
        "bien plus que de leurs besoins.\n\n"
        "Les organisations demandent aux États de la région de rendre compte de ces points lors de l'examen et "
        "d'associer les organisations de migrants au suivi."
    ),
    "ar": (
        "استجابت منظمات المجتمع المدني من المناطق دون الإقليمية الأربع في المنطقة العربية لدعوة تقديم المساهمات "
        "في الاستعراض الإقليمي الثاني للاتفاق العالمي من أجل الهجرة الآمنة والمنظمة والنظامية.\n\n"
        "تبرز ثلاث رسائل. ما زالت حوكمة هجرة العمل الشاغل الأول: رسوم التوظيف ونظام الكفالة واستثناء العمال "
        "المنزليين من قانون العمل تتكرر في كل منطقة دون إقليمية. وبدائل احتجاز المهاجرين موجودة وناجحة لكنها ما "
        "زالت تجارب محدودة. كما يتوقف حصول المهاجرين على الخدمات الأساسية على وضعهم القانوني أكثر من حاجتهم.\n\n"
        "وتدعو المنظمات دول المنطقة إلى تقديم تقارير عن هذه المسائل خلال الاستعراض، وإشراك المنظمات التي "
        "يقودها المهاجرون في المتابعة."
    ),
}
METHODOLOGY = {
    "en": (
        "The call for input was published in Arabic, English and French on the group's website and shared through "
        "the members' networks. Organisations answered through a web form, in the language of their choice, and "
        "chose how their input could be used.\n\n"
        "The secretariat screened every submission against the scope of the call, confirmed the GCM objectives "
        "each one addresses, and translated quotations where time allowed. Members of the group reviewed the "
        "screening."
    ),
    "fr": (
        "L'appel à contributions a été publié en arabe, en anglais et en français sur le site du groupe et relayé "
        "par les réseaux des membres. Les organisations ont répondu au moyen d'un formulaire en ligne, dans la "
        "langue de leur choix, et ont indiqué comment leur contribution pouvait être utilisée.\n\n"
        "Le secrétariat a examiné chaque contribution au regard de l'objet de l'appel, confirmé les objectifs du "
        "PMM qu'elle traite et traduit les citations lorsque le temps le permettait. Des membres du groupe ont "
        "relu cet examen."
    ),
    "ar": (
        "نُشرت دعوة تقديم المساهمات بالعربية والإنكليزية والفرنسية على موقع الفريق، وعُمّمت عبر شبكات الأعضاء. "
        "وأجابت المنظمات من خلال استمارة على الإنترنت باللغة التي اختارتها، وحددت كيفية استخدام مساهمتها.\n\n"
        "فحصت الأمانة كل مساهمة في ضوء نطاق الدعوة، وأكدت أهداف الاتفاق العالمي التي تتناولها، وترجمت "
        "الاقتباسات حيثما سمح الوقت. وراجع أعضاء الفريق عملية الفحص."
    ),
}


def load_reports():
    """The closed demo call's report texts, once; its report can then be built in ar, en and fr."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == "arab-regional-review-2026"))
    if consultation is None or db.session.get(ReportSetup, consultation.id) is not None:
        return []
    db.session.add(ReportSetup(consultation_id=consultation.id, summary=SUMMARY, methodology=METHODOLOGY,
                               arabic_digits=False))
    db.session.commit()
    return ["added the report texts of arab-regional-review-2026 (build it from /en/reports/)"]
