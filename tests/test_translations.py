"""Every user-facing string is in gettext, and the ar and fr catalogs are complete."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "pgettext": ((1, "c"), 2), "pgettext_l": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
METHOD_MAP = [("consult/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
ARABIC = re.compile(r"[\u0600-\u06FF]")


def extracted_ids():
    """(msgid, context) of every string; context is None but for the words that differ by use ("Declined")."""
    ids = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        ids.add((message if isinstance(message, str) else message[0], context))
    return ids


def catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


@pytest.fixture(scope="module")
def ids():
    found = extracted_ids()
    assert len(found) > 50
    return found


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_catalog_has_every_extracted_string(ids, lang):
    messages = catalog(lang)
    missing = sorted(f"{i} ({context})" if context else i for i, context in ids
                     if messages.get(i, context=context) is None)
    assert not missing, f"not in {lang} catalog (run `make extract`): {missing[:10]}"


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_catalog_entries_are_translated_not_fuzzy(ids, lang):
    messages = catalog(lang)
    bad = []
    for message in messages:
        first = message.id[0] if isinstance(message.id, tuple) else message.id
        if not message.id or (first, message.context) not in ids:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            bad.append(message.id)
    assert not bad, f"empty or fuzzy in {lang}: {bad[:10]}"


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_placeholders_survive_translation(lang):
    for message in catalog(lang):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= set(PLACEHOLDER.findall(source)), (lang, source, string)
            assert set(PLACEHOLDER.findall(source)) - {"num", "count", "n"} <= set(PLACEHOLDER.findall(string)), (lang, source, string)


def test_arabic_is_arabic_and_french_is_not_english(ids):
    arabic, french = catalog("ar"), catalog("fr")
    for message_id, context in ids:
        assert ARABIC.search(_first(arabic.get(message_id, context=context).string)), f"ar copy of English: {message_id!r}"
    same = [i for i, context in ids if _first(french.get(i, context=context).string) == i and len(i) > 12]
    assert len(same) < len(ids) // 20, f"fr copies English: {same[:5]}"


def test_arabic_plurals_have_six_forms():
    messages = catalog("ar")
    assert messages.num_plurals == 6
    for message in messages:
        if isinstance(message.id, tuple):
            assert len(message.string) == 6 and all(message.string), message.id


def _first(string):
    return string[0] if isinstance(string, tuple) else string


# Text between tags that is not inside {{ }} or {% %}: a string that escaped gettext.
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&\w+;|&#\d+;")


@pytest.mark.parametrize("template", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.html")))
def test_templates_have_no_untranslated_text(template):
    text = (ROOT / template).read_text(encoding="utf-8")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    leftover = ENTITY.sub(" ", TAG.sub(" ", JINJA.sub(" ", text)))
    words = re.findall(r"[^\W\d_]{2,}", leftover)
    assert not words, f"{template}: text outside gettext: {words[:8]}"
