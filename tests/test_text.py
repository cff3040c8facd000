from consult.core.text import normalise, normalise_name, search_terms


def test_arabic_letter_variants_fold_together():
    assert normalise("الهجرة") == normalise("الهجره")
    assert normalise("أحمد") == normalise("إحمد") == normalise("آحمد") == normalise("احمد")
    assert normalise("مستشفى") == normalise("مستشفي")


def test_arabic_diacritics_and_tatweel_are_ignored():
    assert normalise("الْهِجْرَةُ") == normalise("الهجرة")
    assert normalise("الهـــجرة") == normalise("الهجرة")


def test_latin_case_accents_and_spaces():
    assert normalise("  Réseau   MIGRANTS ") == "reseau migrants"
    assert normalise_name("Caritas - Liban!") == normalise_name("caritas liban")


def test_search_terms():
    assert search_terms("  الهجرة   Travail ") == [normalise("الهجرة"), "travail"]
    assert len(search_terms("a " * 20)) == 8
