"""Text helpers shared by features: one normaliser for search and for organisation names, and the
cleaning of single-line values (names, titles, subjects, file names)."""
import functools
import re
import unicodedata

from pyuca import Collator

# Arabic letter variants folded together, so "الهجره" finds "الهجرة", and the Arabic diacritics dropped.
_ARABIC_MARKS = (*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE))
_ARABIC_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ة": "ه",
    "ى": "ي",
    "ـ": "",  # tatweel
    **{chr(code): "" for code in _ARABIC_MARKS},
}
# Every combining mark (accents once NFKD has split them off; all lie below U+20000), dropped.
_COMBINING = {chr(code): "" for code in range(0x20000) if unicodedata.combining(chr(code))}
_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]")


def _replace_from(table, text):
    """`text` with each character that is a key of `table` replaced by its value. Only the few characters
    the text holds are replaced, each by str.replace: str.translate would look every character of the text
    up in the table, several times slower on a submission's 3,000 letters."""
    for char in table.keys() & set(text):
        text = text.replace(char, table[char])
    return text


def normalise(text):
    """Lower case, no accents or Arabic diacritics, Arabic letter variants folded, single spaces."""
    if not text:
        return ""
    if not text.isascii():  # NFKD leaves ASCII as it is, and ASCII has no marks
        text = _replace_from(_COMBINING, unicodedata.normalize("NFKD", _replace_from(_ARABIC_FOLD, text)))
    return " ".join(text.casefold().split())  # str.split() splits where \s+ would


# The size of the columns that keep name keys; NFKD can make a key longer than its name (ﷺ gives 18 letters).
NAME_KEY_LENGTH = 300


def normalise_name(name):
    """A key for organisation names: normalise() without punctuation."""
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", normalise(name))).strip()[:NAME_KEY_LENGTH].strip()


def search_terms(query):
    """The normalised words of a search query (at most 8, to keep queries cheap)."""
    return [term for term in normalise(query).split(" ") if term][:8]


# Format characters (Unicode category Cf) are invisible; the bidi controls among them (U+202E RIGHT-TO-LEFT
# OVERRIDE, the isolates, the marks) reorder the text around them, so "gpj.pdf" shows as "fdp.jpg".
# The zero-width (non-)joiners are kept: they only change how letters join (Persian, Kurdish names).
_KEPT_FORMAT = frozenset("\u200c\u200d")
# Line breaks and other control characters: a single-line value holds none.
_LINE_BREAK_OR_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def strip_format(text):
    """`text` without its format characters (category Cf), the zero-width joiners aside."""
    if not text or text.isascii():
        return text
    return "".join(char for char in text if char in _KEPT_FORMAT or unicodedata.category(char) != "Cf")


def has_line_break_or_control(text):
    return bool(text) and _LINE_BREAK_OR_CONTROL.search(text) is not None


def single_line(text):
    """A single-line value as stored: no format characters; line breaks and controls become spaces
    (for values that do not come from a form, such as e-mail subjects)."""
    return _SPACES.sub(" ", _LINE_BREAK_OR_CONTROL.sub(" ", strip_format(text or ""))).strip()


@functools.cache
def _collator():
    return Collator()  # reads the Unicode Collation Algorithm's table (DUCET) once per process, about 1 s


def collation_key(text):
    """The Unicode Collation Algorithm's key (pyuca, DUCET): case and accents count only after the letters,
    "État" sorts with E, أ/إ/آ with ا; the Arabic article is left out as in UN Arabic lists ("الأردن"
    sorts as "أردن", before "الإمارات"). Every list of countries, subregions or names sorts with this.
    """
    text = unicodedata.normalize("NFC", text or "").strip()
    if text.startswith("ال") and len(text) > 2:
        text = text[2:]
    return _collator().sort_key(text)
