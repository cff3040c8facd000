"""Reference data: objectives, principles, countries, constituencies."""
import re

import pytest

from consult.core import reference as ref

ARABIC = re.compile(r"[\u0600-\u06FF]")

# Objective number: (EN short, FR short), the UN Network on Migration's Hub labels (gcm.md).
HUB_SHORT = {
    1: ("Data", "Données"),
    2: ("Minimize adverse drivers", "Lutter contre les facteurs négatifs"),
    3: ("Information provision", "Fourniture d'informations"),
    4: ("Legal identity and documentation", "Identité légale et papiers"),
    5: ("Regular pathways", "Filières de migration régulière"),
    6: ("Recruitment and decent work", "Recrutement et travail décent"),
    7: ("Reduce vulnerabilities", "Réduire la vulnérabilité"),
    8: ("Save lives", "Sauver des vies"),
    9: ("Counter smuggling", "Combattre le trafic de migrants"),
    10: ("Eradicate trafficking", "Éradiquer la traite de personnes"),
    11: ("Manage borders", "Gérer les frontières"),
    12: ("Screening and referral", "Contrôle, évaluation et orientation"),
    13: ("Alternatives to detention", "Alternatives à la rétention"),
    14: ("Consular protection", "Protection consulaire"),
    15: ("Access to basic services", "Accès aux services de base"),
    16: ("Inclusion and social cohesion", "Intégration et cohésion sociale"),
    17: ("Eliminate discrimination", "Éliminer les discriminations"),
    18: ("Skills development and recognition", "Perfectionnement et reconnaissance des qualifications"),
    19: ("Migrant and diaspora contributions", "Contributions des migrants et diaspora"),
    20: ("Remittances", "Envois de fonds"),
    21: ("Dignified return and reintegration", "Retour digne et réintégration durable"),
    22: ("Social protection", "Protection sociale"),
    23: ("International cooperation", "Coopération internationale"),
}

PRINCIPLES = {
    "a": ("People-centred", "Priorité à la dimension humaine"),
    "b": ("International cooperation", "Coopération internationale"),
    "c": ("National sovereignty", "Souveraineté nationale"),
    "d": ("Rule of law and due process", "Primauté du droit et garanties d'une procédure régulière"),
    "e": ("Sustainable development", "Développement durable"),
    "f": ("Human rights", "Droits de l'homme"),
    "g": ("Gender-responsive", "Prise en compte de la problématique femmes-hommes"),
    "h": ("Child-sensitive", "Adaptation aux besoins de l'enfant"),
    "i": ("Whole-of-government approach", "Approche mobilisant l'ensemble des pouvoirs publics"),
    "j": ("Whole-of-society approach", "Approche mobilisant l'ensemble de la société"),
}

# Grouping of the ESCWA/IOM Situation Report on International Migration 2019 (gcm.md section 3).
SUBREGION_MEMBERS = {
    "gcc": {"BH", "KW", "OM", "QA", "SA", "AE"},
    "maghreb": {"DZ", "LY", "MA", "TN"},
    "mashreq": {"EG", "IQ", "JO", "LB", "PS", "SY"},
    "ldc": {"KM", "DJ", "MR", "SO", "SD", "YE"},
}


def all_labels():
    """Every Label in the module, with a name for failure messages."""
    for o in ref.OBJECTIVES:
        yield f"objective {o.number} title", o.title
        yield f"objective {o.number} short", o.short
    for kind, items in (("group", ref.OBJECTIVE_GROUPS), ("principle", ref.PRINCIPLES),
                        ("subregion", ref.SUBREGIONS), ("area", ref.AREAS),
                        ("constituency", ref.CONSTITUENCIES)):
        for item in items:
            yield f"{kind} {item.code}", item.name


def test_languages():
    assert ref.LANGUAGES == ("ar", "en", "fr")


def test_objectives_numbered_1_to_23_with_all_texts():
    assert [o.number for o in ref.OBJECTIVES] == list(range(1, 24))
    for o in ref.OBJECTIVES:
        for lang in ref.LANGUAGES:
            assert getattr(o.title, lang).strip(), (o.number, lang)
            assert getattr(o.short, lang).strip(), (o.number, lang)


def test_exact_english_titles():
    assert ref.objective(1).title.en == (
        "Collect and utilize accurate and disaggregated data as a basis for evidence-based policies")
    assert ref.objective(13).title.en == (
        "Use migration detention only as a measure of last resort and work towards alternatives")
    assert ref.objective(23).title.en == (
        "Strengthen international cooperation and global partnerships for safe, orderly and regular migration")


def test_french_title_of_objective_1_as_quoted():
    assert ref.objective(1).title.fr == (
        "Collecter et utiliser des données précises et ventilées qui serviront "
        "à l'élaboration de politiques fondées sur la connaissance des faits")


@pytest.mark.parametrize("number", sorted(HUB_SHORT))
def test_hub_short_labels(number):
    en, fr = HUB_SHORT[number]
    o = ref.objective(number)
    assert (o.short.en, o.short.fr) == (en, fr)
    assert o.label("en") == en and o.label("fr") == fr


def test_verification_flags():
    for o in ref.OBJECTIVES:
        assert o.title.verified("en") and o.short.verified("en") and o.short.verified("fr")
        assert not o.title.verified("ar") and not o.short.verified("ar")
        if o.number >= 16:
            assert not o.title.verified("fr")
    assert ref.objective(1).title.verified("fr")
    for p in ref.PRINCIPLES:
        assert p.name.verified("en") and p.name.verified("fr") and not p.name.verified("ar")
    flagged = {(what, fld, lang) for what, fld, lang, _ in ref.unverified_labels()}
    assert ("objective 5", "title", "ar") in flagged
    assert ("objective 20", "title", "fr") in flagged
    assert ("principle j", "name", "ar") in flagged
    assert ("objective 1", "title", "fr") not in flagged


def test_every_objective_in_exactly_one_group():
    seen = [n for g in ref.OBJECTIVE_GROUPS for n in g.numbers]
    assert sorted(seen) == list(range(1, 24))
    assert 4 <= len(ref.OBJECTIVE_GROUPS) <= 6
    for g in ref.OBJECTIVE_GROUPS:
        assert g.numbers and list(g.numbers) == sorted(g.numbers)
        assert all(o.group == g.code for o in g.objectives)
        assert ref.objective_group(g.code) is g


def test_ten_principles():
    assert [p.code for p in ref.PRINCIPLES] == list("abcdefghij")
    for p in ref.PRINCIPLES:
        assert (p.name.en, p.name.fr) == PRINCIPLES[p.code]


def test_subregions():
    assert [s.code for s in ref.SUBREGIONS] == ["gcc", "maghreb", "mashreq", "ldc"]
    assert ref.subregion("gcc").label("en") == "Gulf Cooperation Council (GCC)"
    assert ref.subregion("ldc").label("en") == "Arab least developed countries"


def test_22_countries_with_iso_codes_and_subregions():
    assert len(ref.COUNTRIES) == 22
    codes = [c.code for c in ref.COUNTRIES]
    assert len(set(codes)) == 22
    assert set(codes) == set().union(*SUBREGION_MEMBERS.values())
    for sub, members in SUBREGION_MEMBERS.items():
        assert {c.code for c in ref.COUNTRIES if c.subregion == sub} == members
        for code in members:
            assert ref.subregion_of(code).code == sub
    assert ref.country("PS").label("en") == "State of Palestine"
    assert ref.country("SY").label("en") == "Syrian Arab Republic"


def test_pseudo_areas_kept_apart():
    assert ref.REGIONAL.code == "regional" and ref.GLOBAL.code == "global"
    assert ref.REGIONAL not in ref.COUNTRIES and ref.GLOBAL not in ref.COUNTRIES
    assert set(ref.AREAS) == set(ref.COUNTRIES) | {ref.REGIONAL, ref.GLOBAL}
    assert ref.area("regional") is ref.REGIONAL and ref.area("jo") is ref.country("JO")
    with pytest.raises(KeyError):
        ref.country("regional")
    with pytest.raises(KeyError):
        ref.subregion_of("global")


def test_constituencies():
    codes = [c.code for c in ref.CONSTITUENCIES]
    assert len(codes) == len(set(codes)) == 13
    assert codes[-1] == "other"
    assert ref.constituency("nhri").label("ar") == "المؤسسات الوطنية لحقوق الإنسان"
    assert ref.constituency("red_cross_crescent").label("ar") == (
        "الحركة الدولية للصليب الأحمر والهلال الأحمر")


def test_arabic_labels_are_arabic_and_others_are_not():
    for what, label in all_labels():
        assert ARABIC.search(label.ar), what
        assert not ARABIC.search(label.en) and not ARABIC.search(label.fr), what


def test_label_falls_back_to_english():
    o = ref.objective(8)
    assert o.label("de") == "Save lives"
    assert o.label(None) == "Save lives"
    assert o.label("fr-FR") == "Sauver des vies"
    assert ref.country("MA").label("ar") == "المغرب"


@pytest.mark.parametrize("lookup, code", [
    (ref.objective, 0), (ref.objective, 24), (ref.objective, "x"),
    (ref.country, "FR"), (ref.country, ""), (ref.constituency, "government"),
    (ref.principle, "k"), (ref.subregion_of, "XX"), (ref.area, "world"),
    (ref.subregion, "levant"), (ref.objective_group, "nope"),
])
def test_unknown_codes_raise_keyerror(lookup, code):
    with pytest.raises(KeyError):
        lookup(code)


def test_lookups_accept_forms_input():
    assert ref.objective("7") is ref.objective(7)
    assert ref.country("jo") is ref.country("JO")
    assert ref.principle("J").code == "j"


def test_objective_choices_by_number():
    shuffled = list(reversed(ref.OBJECTIVES))
    got = ref.choices(shuffled, "en")
    assert [code for code, _ in got] == list(range(1, 24))
    assert got[7] == (8, "8. Save lives")
    grouped = ref.grouped_objective_choices("fr")
    assert [label for label, _ in grouped] == [g.label("fr") for g in ref.OBJECTIVE_GROUPS]
    assert sorted(code for _, group in grouped for code, _ in group) == list(range(1, 24))


@pytest.mark.parametrize("lang", ref.LANGUAGES)
def test_country_choices_sorted_by_label(lang):
    got = ref.choices(ref.COUNTRIES, lang)
    assert len(got) == 22
    keys = [ref.collation_key(label) for _, label in got]
    assert keys == sorted(keys)


def test_country_choices_examples():
    fr = [label for _, label in ref.choices(ref.COUNTRIES, "fr")]
    assert fr.index("Égypte") < fr.index("Émirats arabes unis") < fr.index("État de Palestine") < fr.index("Iraq")
    en = [code for code, _ in ref.choices(ref.COUNTRIES, "en")]
    assert en[0] == "DZ" and en[-1] == "YE"
    ar = [code for code, _ in ref.choices(ref.COUNTRIES, "ar")]
    assert ar[:3] == ["JO", "AE", "BH"]  # الأردن، الإمارات، البحرين: the article is ignored


def test_area_choices_put_regional_and_global_first():
    got = ref.choices(ref.AREAS, "en")
    assert [code for code, _ in got[:2]] == ["regional", "global"]
    assert len(got) == 24


def test_principle_and_constituency_choices_keep_order():
    assert [c for c, _ in ref.choices(reversed(ref.PRINCIPLES), "ar")] == list("abcdefghij")
    assert [c for c, _ in ref.choices(ref.CONSTITUENCIES, "fr")] == [c.code for c in ref.CONSTITUENCIES]


def test_items_are_frozen():
    with pytest.raises(AttributeError):
        ref.objective(1).number = 2
    with pytest.raises(AttributeError):
        ref.country("JO").name.en = "x"
