"""Reference data: GCM objectives and guiding principles, the Arab region, constituencies (pure data;
the look-ups, labels and choices over it are consult/core/reference.py).

Where the facts come from (see ../shared/reference/gcm.md for the sources):

* Objectives: English full titles are exact, from A/RES/73/195 (the Global
  Compact for Safe, Orderly and Regular Migration). English and French short
  labels are the UN Network on Migration's own Hub labels.
* Guiding principles: GCM para. 15 (a)-(j); French labels from the Network's
  French Hub.
* Countries: the 22 member states of the League of Arab States, grouped in
  subregions as in the ESCWA/IOM Situation Report on International Migration
  2019; ISO 3166-1 alpha-2 codes.
* Constituencies: GCM para. 44 and the groups the Network names.

Some labels could not be checked against the official text: the Arabic titles
and short labels of the objectives and the Arabic principle names (no official
Arabic source was reachable), and the French full titles of objectives 2-23
(written from the official French text as best known, only objective 1 was
seen in a source). Each such label says so: ``label.verified(lang)`` is False,
and ``unverified_labels()`` lists them all for the secretariat to check.
The objective groups are the secretariat's own editorial grouping, not GCM text.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from . import languages
from .text import collation_key

# The languages the data below is written in (its sources' languages). The app may speak more
# (consult/core/languages.py): a label with no text in a language gives that language's fallback.
LANGUAGES = ("ar", "en", "fr")

@dataclass(frozen=True)
class Label:
    """One text in several languages: {language code: text}. A language with no text here (one added to
    the registry later) gets the text of its fallback (consult/core/languages.py)."""

    texts: Mapping[str, str]
    # Languages whose wording is not yet checked against the official source.
    unverified: frozenset = field(default=frozenset())

    def __post_init__(self):
        object.__setattr__(self, "texts", MappingProxyType(dict(self.texts)))

    def __hash__(self):
        return hash((tuple(sorted(self.texts.items())), self.unverified))

    def __getattr__(self, code):
        # label.en, label.ar: the text written in that language ("" if none); only for language codes.
        if code.startswith("_") or code in ("texts", "unverified"):
            raise AttributeError(code)
        return self.texts.get(code, "")

    def get(self, lang: str | None = "en") -> str:
        """The text in `lang` ("fr", "fr-FR", "ar_SA" ...), else its fallback's."""
        code = (lang or "en").replace("_", "-").split("-")[0].lower()
        return languages.best_text(self.texts, code if languages.is_known(code) else "en")[0]

    def verified(self, lang: str) -> bool:
        return lang not in self.unverified


def _label(ar, en, fr, unverified=()):
    """A label of the data below, from its texts in the order of LANGUAGES."""
    return Label(dict(zip(LANGUAGES, (ar, en, fr), strict=True)), unverified=frozenset(unverified))


class _Item:
    """Shared behaviour: every item has a `code` and a `label(lang)`."""

    def label(self, lang: str | None = "en") -> str:
        return self.name.get(lang)

    def choice_label(self, lang: str | None = "en") -> str:
        return self.label(lang)

    def sort_key(self, lang: str | None = "en"):
        return ()  # keep the order the items were given in


# --------------------------------------------------------------------------
# The 23 GCM objectives
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Objective(_Item):
    number: int
    group: str          # code of its ObjectiveGroup
    title: Label        # official full title
    short: Label        # short label (the Network's Hub labels in en/fr)

    @property
    def code(self) -> int:
        return self.number

    def label(self, lang: str | None = "en") -> str:
        return self.short.get(lang)

    def choice_label(self, lang: str | None = "en") -> str:
        return f"{self.number}. {self.short.get(lang)}"

    def sort_key(self, lang: str | None = "en"):
        return (self.number,)


@dataclass(frozen=True)
class ObjectiveGroup(_Item):
    code: str
    name: Label
    numbers: tuple  # objective numbers, ascending

    @property
    def objectives(self) -> tuple:
        return tuple(item for number in self.numbers for item in OBJECTIVES if item.number == number)


# Themed groups so that a form can show the 23 objectives readably.
_GROUP_NAMES = {
    "evidence": _label(
        "البيانات والمعلومات ودوافع الهجرة",
        "Data, information and drivers of migration",
        "Données, information et facteurs de migration"),
    "pathways": _label(
        "مسارات الهجرة النظامية والعمل اللائق والمهارات",
        "Regular pathways, decent work and skills",
        "Filières régulières, travail décent et compétences"),
    "protection": _label(
        "الحماية والسلامة وحقوق الإنسان",
        "Protection, safety and human rights",
        "Protection, sécurité et droits de l'homme"),
    "borders": _label(
        "الحدود والتهريب والاتجار بالأشخاص والعودة",
        "Borders, smuggling, trafficking and return",
        "Frontières, trafic de migrants, traite et retour"),
    "inclusion": _label(
        "الإدماج والتنمية والتعاون الدولي",
        "Inclusion, development and cooperation",
        "Inclusion, développement et coopération"),
}

# number, group, full title (en, fr, ar), short label (en, fr, ar).
_OBJECTIVE_ROWS = (
    (1, "evidence",
     "Collect and utilize accurate and disaggregated data as a basis for evidence-based policies",
     "Collecter et utiliser des données précises et ventilées qui serviront à l'élaboration de politiques fondées sur la connaissance des faits",
     "جمع واستخدام بيانات دقيقة ومصنفة كأساس لوضع سياسات قائمة على الأدلة",
     ("Data", "Données", "البيانات")),
    (2, "evidence",
     "Minimize the adverse drivers and structural factors that compel people to leave their country of origin",
     "Lutter contre les facteurs négatifs et les problèmes structurels qui poussent des personnes à quitter leur pays d'origine",
     "التقليل إلى أدنى حد من العوامل السلبية والعوامل الهيكلية التي تضطر الناس إلى مغادرة بلدهم الأصلي",
     ("Minimize adverse drivers", "Lutter contre les facteurs négatifs", "الحد من العوامل السلبية")),
    (3, "evidence",
     "Provide accurate and timely information at all stages of migration",
     "Fournir dans les meilleurs délais des informations exactes à toutes les étapes de la migration",
     "توفير معلومات دقيقة وفي الوقت المناسب في جميع مراحل الهجرة",
     ("Information provision", "Fourniture d'informations", "توفير المعلومات")),
    (4, "protection",
     "Ensure that all migrants have proof of legal identity and adequate documentation",
     "Munir tous les migrants d'une preuve d'identité légale et de papiers adéquats",
     "ضمان حصول جميع المهاجرين على ما يثبت هويتهم القانونية وعلى الوثائق الملائمة",
     ("Legal identity and documentation", "Identité légale et papiers", "الهوية القانونية والوثائق")),
    (5, "pathways",
     "Enhance availability and flexibility of pathways for regular migration",
     "Faire en sorte que les filières de migration régulière soient accessibles et plus souples",
     "تعزيز توافر مسارات الهجرة النظامية ومرونتها",
     ("Regular pathways", "Filières de migration régulière", "مسارات الهجرة النظامية")),
    (6, "pathways",
     "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work",
     "Favoriser des pratiques de recrutement justes et éthiques et assurer les conditions d'un travail décent",
     "تيسير التوظيف العادل والأخلاقي وصون الظروف التي تكفل العمل اللائق",
     ("Recruitment and decent work", "Recrutement et travail décent", "التوظيف والعمل اللائق")),
    (7, "protection",
     "Address and reduce vulnerabilities in migration",
     "S'attaquer aux facteurs de vulnérabilité liés aux migrations et les réduire",
     "معالجة أوجه الضعف في سياق الهجرة والحد منها",
     ("Reduce vulnerabilities", "Réduire la vulnérabilité", "الحد من أوجه الضعف")),
    (8, "protection",
     "Save lives and establish coordinated international efforts on missing migrants",
     "Sauver des vies et mettre en place une action internationale coordonnée pour retrouver les migrants disparus",
     "إنقاذ الأرواح وإرساء جهود دولية منسقة بشأن المهاجرين المفقودين",
     ("Save lives", "Sauver des vies", "إنقاذ الأرواح")),
    (9, "borders",
     "Strengthen the transnational response to smuggling of migrants",
     "Renforcer l'action transnationale face au trafic de migrants",
     "تعزيز التصدي على الصعيد عبر الوطني لتهريب المهاجرين",
     ("Counter smuggling", "Combattre le trafic de migrants", "مكافحة تهريب المهاجرين")),
    (10, "borders",
     "Prevent, combat and eradicate trafficking in persons in the context of international migration",
     "Prévenir, combattre et éliminer la traite de personnes dans le cadre des migrations internationales",
     "منع الاتجار بالأشخاص ومكافحته والقضاء عليه في سياق الهجرة الدولية",
     ("Eradicate trafficking", "Éradiquer la traite de personnes", "القضاء على الاتجار بالأشخاص")),
    (11, "borders",
     "Manage borders in an integrated, secure and coordinated manner",
     "Gérer les frontières de manière intégrée, sûre et coordonnée",
     "إدارة الحدود بطريقة متكاملة وآمنة ومنسقة",
     ("Manage borders", "Gérer les frontières", "إدارة الحدود")),
    (12, "borders",
     "Strengthen certainty and predictability in migration procedures for appropriate screening, assessment and referral",
     "Renforcer la prévisibilité et la sécurité juridique des procédures migratoires pour garantir des contrôles, des évaluations et une orientation appropriés",
     "تعزيز اليقين وإمكانية التنبؤ في إجراءات الهجرة من أجل الفرز والتقييم والإحالة على النحو المناسب",
     ("Screening and referral", "Contrôle, évaluation et orientation", "الفرز والتقييم والإحالة")),
    (13, "protection",
     "Use migration detention only as a measure of last resort and work towards alternatives",
     "Ne recourir au placement en rétention administrative des migrants qu'en dernier ressort et chercher des solutions de rechange",
     "عدم اللجوء إلى احتجاز المهاجرين إلا كتدبير أخير والعمل على إيجاد بدائل له",
     ("Alternatives to detention", "Alternatives à la rétention", "بدائل الاحتجاز")),
    (14, "protection",
     "Enhance consular protection, assistance and cooperation throughout the migration cycle",
     "Renforcer la protection, l'assistance et la coopération consulaires tout au long du cycle migratoire",
     "تعزيز الحماية والمساعدة والتعاون في المجال القنصلي طوال دورة الهجرة",
     ("Consular protection", "Protection consulaire", "الحماية القنصلية")),
    (15, "inclusion",
     "Provide access to basic services for migrants",
     "Assurer l'accès des migrants aux services de base",
     "توفير إمكانية حصول المهاجرين على الخدمات الأساسية",
     ("Access to basic services", "Accès aux services de base", "الحصول على الخدمات الأساسية")),
    (16, "inclusion",
     "Empower migrants and societies to realize full inclusion and social cohesion",
     "Donner aux migrants et aux sociétés les moyens de réaliser la pleine intégration et la cohésion sociale",
     "تمكين المهاجرين والمجتمعات من تحقيق الإدماج الكامل والتماسك الاجتماعي",
     ("Inclusion and social cohesion", "Intégration et cohésion sociale", "الإدماج والتماسك الاجتماعي")),
    (17, "inclusion",
     "Eliminate all forms of discrimination and promote evidence-based public discourse to shape perceptions of migration",
     "Éliminer toutes les formes de discrimination et encourager un débat public fondé sur l'analyse des faits afin de faire évoluer la manière dont les migrations sont perçues",
     "القضاء على جميع أشكال التمييز وتشجيع الخطاب العام القائم على الأدلة من أجل تشكيل التصورات عن الهجرة",
     ("Eliminate discrimination", "Éliminer les discriminations", "القضاء على التمييز")),
    (18, "pathways",
     "Invest in skills development and facilitate mutual recognition of skills, qualifications and competences",
     "Investir dans le perfectionnement des compétences et faciliter la reconnaissance mutuelle des aptitudes, qualifications et compétences",
     "الاستثمار في تنمية المهارات وتيسير الاعتراف المتبادل بالمهارات والمؤهلات والكفاءات",
     ("Skills development and recognition", "Perfectionnement et reconnaissance des qualifications", "تنمية المهارات والاعتراف بها")),
    (19, "inclusion",
     "Create conditions for migrants and diasporas to fully contribute to sustainable development in all countries",
     "Créer les conditions permettant aux migrants et aux diasporas de contribuer pleinement au développement durable dans tous les pays",
     "تهيئة الظروف التي تمكّن المهاجرين والمغتربين من المساهمة الكاملة في التنمية المستدامة في جميع البلدان",
     ("Migrant and diaspora contributions", "Contributions des migrants et diaspora", "مساهمات المهاجرين والمغتربين")),
    (20, "inclusion",
     "Promote faster, safer and cheaper transfer of remittances and foster financial inclusion of migrants",
     "Promouvoir des transferts de fonds plus rapides, plus sûrs et moins coûteux et favoriser l'inclusion financière des migrants",
     "تشجيع إرسال التحويلات المالية بطرق أسرع وأكثر أماناً وأقل تكلفة وتعزيز الشمول المالي للمهاجرين",
     ("Remittances", "Envois de fonds", "التحويلات المالية")),
    (21, "borders",
     "Cooperate in facilitating safe and dignified return and readmission, as well as sustainable reintegration",
     "Coopérer en vue de faciliter dans la sécurité et la dignité le retour et la réadmission des migrants, ainsi que leur réintégration durable",
     "التعاون في تيسير العودة وإعادة القبول على نحو آمن وكريم، وكذلك إعادة الإدماج المستدام",
     ("Dignified return and reintegration", "Retour digne et réintégration durable", "العودة الكريمة وإعادة الإدماج")),
    (22, "pathways",
     "Establish mechanisms for the portability of social security entitlements and earned benefits",
     "Mettre en place des mécanismes de portabilité des droits de sécurité sociale et des avantages acquis",
     "إنشاء آليات لقابلية نقل استحقاقات الضمان الاجتماعي والمزايا المكتسبة",
     ("Social protection", "Protection sociale", "الحماية الاجتماعية")),
    (23, "inclusion",
     "Strengthen international cooperation and global partnerships for safe, orderly and regular migration",
     "Renforcer la coopération internationale et les partenariats mondiaux pour des migrations sûres, ordonnées et régulières",
     "تعزيز التعاون الدولي والشراكات العالمية من أجل الهجرة الآمنة والمنظمة والنظامية",
     ("International cooperation", "Coopération internationale", "التعاون الدولي")),
)

# French full titles seen in a source (gcm.md quotes objective 1 only).
_FR_TITLES_VERIFIED = frozenset({1})

OBJECTIVES = tuple(
    Objective(
        number=number,
        group=group,
        title=_label(ar_title, en_title, fr_title,
                     unverified={"ar"} if number in _FR_TITLES_VERIFIED else {"ar", "fr"}),
        short=_label(ar_short, en_short, fr_short, unverified={"ar"}),
    )
    for number, group, en_title, fr_title, ar_title, (en_short, fr_short, ar_short) in _OBJECTIVE_ROWS
)

OBJECTIVE_GROUPS = tuple(
    ObjectiveGroup(code=code, name=name,
                   numbers=tuple(o.number for o in OBJECTIVES if o.group == code))
    for code, name in _GROUP_NAMES.items()
)


# --------------------------------------------------------------------------
# The 10 guiding principles (GCM para. 15 (a)-(j))
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Principle(_Item):
    code: str  # the letter of para. 15
    name: Label

    def sort_key(self, lang: str | None = "en"):
        return (self.code,)


_AR = ("ar",)  # Arabic written for this app, not yet checked against the official text

PRINCIPLES = (
    Principle("a", _label("محورية الإنسان", "People-centred",
                          "Priorité à la dimension humaine", _AR)),
    Principle("b", _label("التعاون الدولي", "International cooperation",
                          "Coopération internationale", _AR)),
    Principle("c", _label("السيادة الوطنية", "National sovereignty",
                          "Souveraineté nationale", _AR)),
    Principle("d", _label("سيادة القانون ومراعاة الأصول القانونية", "Rule of law and due process",
                          "Primauté du droit et garanties d'une procédure régulière", _AR)),
    Principle("e", _label("التنمية المستدامة", "Sustainable development",
                          "Développement durable", _AR)),
    Principle("f", _label("حقوق الإنسان", "Human rights",
                          "Droits de l'homme", _AR)),
    Principle("g", _label("مراعاة المنظور الجنساني", "Gender-responsive",
                          "Prise en compte de la problématique femmes-hommes", _AR)),
    Principle("h", _label("مراعاة احتياجات الطفل", "Child-sensitive",
                          "Adaptation aux besoins de l'enfant", _AR)),
    Principle("i", _label("نهج يشمل الحكومة بأكملها", "Whole-of-government approach",
                          "Approche mobilisant l'ensemble des pouvoirs publics", _AR)),
    Principle("j", _label("نهج يشمل المجتمع بأكمله", "Whole-of-society approach",
                          "Approche mobilisant l'ensemble de la société", _AR)),
)


# --------------------------------------------------------------------------
# The Arab region: subregions, the 22 LAS member states, pseudo-areas
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Subregion(_Item):
    code: str
    name: Label


SUBREGIONS = (
    Subregion("gcc", _label("مجلس التعاون الخليجي", "Gulf Cooperation Council (GCC)",
                            "Conseil de coopération du Golfe (CCG)")),
    Subregion("maghreb", _label("المغرب العربي", "Maghreb", "Maghreb")),
    Subregion("mashreq", _label("المشرق العربي", "Mashreq", "Machrek")),
    Subregion("ldc", _label("أقل البلدان العربية نمواً", "Arab least developed countries",
                            "Pays arabes les moins avancés")),
)


@dataclass(frozen=True)
class Area(_Item):
    """A country of work: an LAS member state, or the regional/global level."""

    code: str              # ISO 3166-1 alpha-2 for countries
    name: Label
    subregion: str | None  # None for the two pseudo-areas

    @property
    def is_country(self) -> bool:
        return self.subregion is not None

    def sort_key(self, lang: str | None = "en"):
        # Regional and global first, in their own order; countries by name.
        if not self.is_country:
            return (0, PSEUDO_AREAS.index(self))
        return (1, collation_key(self.label(lang)))


def _country(code, subregion, ar, en, fr):
    return Area(code=code, name=_label(ar, en, fr), subregion=subregion)


COUNTRIES = (
    _country("BH", "gcc", "البحرين", "Bahrain", "Bahreïn"),
    _country("KW", "gcc", "الكويت", "Kuwait", "Koweït"),
    _country("OM", "gcc", "عُمان", "Oman", "Oman"),
    _country("QA", "gcc", "قطر", "Qatar", "Qatar"),
    _country("SA", "gcc", "المملكة العربية السعودية", "Saudi Arabia", "Arabie saoudite"),
    _country("AE", "gcc", "الإمارات العربية المتحدة", "United Arab Emirates", "Émirats arabes unis"),
    _country("DZ", "maghreb", "الجزائر", "Algeria", "Algérie"),
    _country("LY", "maghreb", "ليبيا", "Libya", "Libye"),
    _country("MA", "maghreb", "المغرب", "Morocco", "Maroc"),
    _country("TN", "maghreb", "تونس", "Tunisia", "Tunisie"),
    _country("EG", "mashreq", "مصر", "Egypt", "Égypte"),
    _country("IQ", "mashreq", "العراق", "Iraq", "Iraq"),
    _country("JO", "mashreq", "الأردن", "Jordan", "Jordanie"),
    _country("LB", "mashreq", "لبنان", "Lebanon", "Liban"),
    _country("PS", "mashreq", "دولة فلسطين", "State of Palestine", "État de Palestine"),
    _country("SY", "mashreq", "الجمهورية العربية السورية", "Syrian Arab Republic",
             "République arabe syrienne"),
    _country("KM", "ldc", "جزر القمر", "Comoros", "Comores"),
    _country("DJ", "ldc", "جيبوتي", "Djibouti", "Djibouti"),
    _country("MR", "ldc", "موريتانيا", "Mauritania", "Mauritanie"),
    _country("SO", "ldc", "الصومال", "Somalia", "Somalie"),
    _country("SD", "ldc", "السودان", "Sudan", "Soudan"),
    _country("YE", "ldc", "اليمن", "Yemen", "Yémen"),
)

# The balance of the advisory group is read by these four subregions (the
# grouping above), in this order, with the same labels as everywhere else.
BALANCE_SUBREGIONS = tuple(next(item for item in SUBREGIONS if item.code == code)
                           for code in ("maghreb", "mashreq", "gcc", "ldc"))


REGIONAL = Area("regional", _label("إقليمي (المنطقة العربية)", "Regional (Arab region)",
                                   "Régional (région arabe)"), None)
GLOBAL = Area("global", _label("عالمي", "Global", "Mondial"), None)
PSEUDO_AREAS = (REGIONAL, GLOBAL)
AREAS = COUNTRIES + PSEUDO_AREAS


# --------------------------------------------------------------------------
# Constituencies (whole-of-society, GCM para. 44 and the Network's groups)
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Constituency(_Item):
    code: str
    name: Label


CONSTITUENCIES = (
    Constituency("migrant_diaspora", _label(
        "منظمات المهاجرين والمغتربين", "Migrant and diaspora organizations",
        "Organisations de migrants et de la diaspora")),
    Constituency("civil_society", _label(
        "المجتمع المدني (المنظمات غير الحكومية)", "Civil society (NGOs)",
        "Société civile (ONG)")),
    Constituency("trade_union", _label(
        "النقابات العمالية", "Trade unions", "Syndicats")),
    Constituency("private_sector", _label(
        "أصحاب العمل والقطاع الخاص", "Employers and private sector",
        "Employeurs et secteur privé")),
    Constituency("academia", _label(
        "الأوساط الأكاديمية", "Academia", "Milieux universitaires")),
    Constituency("local_authority", _label(
        "السلطات المحلية", "Local authorities", "Autorités locales")),
    Constituency("nhri", _label(
        "المؤسسات الوطنية لحقوق الإنسان", "National human rights institutions",
        "Institutions nationales des droits de l'homme")),
    Constituency("red_cross_crescent", _label(
        "الحركة الدولية للصليب الأحمر والهلال الأحمر",
        "International Red Cross and Red Crescent Movement",
        "Mouvement international de la Croix-Rouge et du Croissant-Rouge")),
    Constituency("faith_based", _label(
        "المنظمات الدينية", "Faith-based organizations", "Organisations confessionnelles")),
    Constituency("media", _label(
        "وسائط الإعلام", "Media", "Médias")),
    Constituency("youth", _label(
        "منظمات الشباب", "Youth organizations", "Organisations de jeunes")),
    Constituency("women", _label(
        "المنظمات النسائية", "Women's organizations", "Organisations de femmes")),
    Constituency("other", _label(
        "جهات أخرى", "Other", "Autre")),
)
