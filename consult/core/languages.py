"""The languages consult speaks, declared once.

Every other place reads this registry: the URL prefix (/ar/, /en/, ...), Flask-Babel's locale selector,
the pages' `lang` and `dir`, the language switcher, form choices, CLI choices, the models' validation,
the reports (direction, digits, typeface) and the demo data. Adding a language is one entry in
LANGUAGES plus its catalog (`pybabel init -l xx`); nothing else, and no migration (language columns hold
up to CODE_LENGTH characters and are checked here, not by the database).

A test or a deployment may add a language at run time with register(); the registry is per process.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

CODE_LENGTH = 8  # the width of every language column (ISO 639 codes: "ar", "fa", "ckb")
DIRECTIONS = ("ltr", "rtl")
# Numbering systems (CLDR names) and the CSS counter style that writes page numbers in them.
DIGITS = {"latn": "decimal", "arab": "arabic-indic", "arabext": "persian"}
# The zero of each numbering system, for a number written as those counter styles write it (no grouping).
ZEROS = {"latn": "0", "arab": "\u0660", "arabext": "\u06f0"}


def write_digits(number, system="latn"):
    """`number` (a whole number) in the digits of `system`, as CSS's counter style for it writes it."""
    zero = ord(ZEROS[system])
    return "".join(chr(zero + int(digit)) for digit in str(number))
LATIN_TYPEFACE = ("Noto Sans", "DejaVu Sans")


@dataclass(frozen=True)
class Language:
    code: str                   # ISO 639 code, the URL prefix and the catalog's folder name
    native_name: str            # the language named in itself, for the switcher
    direction: str = "ltr"      # "ltr" or "rtl"
    plural_forms: str = "nplurals=2; plural=(n != 1);"  # the catalog's Plural-Forms header
    digits: str = "latn"        # native digits, when a report asks for them: latn, arab or arabext
    typeface: tuple = LATIN_TYPEFACE  # font families for PDFs, best first (fonts-noto-core has these)
    fallback: str | None = "en"  # the language shown when a text is missing in this one

    def __post_init__(self):
        if not (2 <= len(self.code) <= CODE_LENGTH and self.code.isascii() and self.code.isalpha()
                and self.code.islower()):
            raise ValueError(f"language code {self.code!r}: 2 to {CODE_LENGTH} lowercase letters (ISO 639)")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"language {self.code}: direction is one of {DIRECTIONS}")
        if self.digits not in DIGITS:
            raise ValueError(f"language {self.code}: digits is one of {tuple(DIGITS)}")

    @property
    def rtl(self):
        return self.direction == "rtl"

    @property
    def counter_style(self):
        """The CSS counter style for page numbers in this language's native digits."""
        return DIGITS[self.digits]

    def font_family(self):
        """A CSS font-family value: this language's faces, then the Latin ones (for codes and names)."""
        faces = list(dict.fromkeys(self.typeface + LATIN_TYPEFACE))
        return ", ".join(f'"{face}"' for face in faces) + ", sans-serif"


LANGUAGES = (
    Language("ar", "العربية", "rtl",
             "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
             "n%100>=0 && n%100<=2 ? 4 : 5);",
             digits="arab", typeface=("Noto Naskh Arabic",), fallback="en"),
    Language("en", "English", fallback=None),
    Language("fr", "Français", plural_forms="nplurals=2; plural=(n > 1);", fallback="en"),
)
# The language of a reader whose browser asks for none of ours.
DEFAULT = "ar"

_registry = {language.code: language for language in LANGUAGES}
# Called with (code, added) when a language is registered or taken away at run time (per-language form fields).
_listeners = []


def on_change(listener):
    """Decorator: `listener(code, added)` runs after register() and unregister()."""
    _listeners.append(listener)
    return listener


def register(language):
    """Add (or replace) a language for this process; returns it."""
    if language.fallback is not None and language.fallback not in _registry and language.fallback != language.code:
        raise ValueError(f"language {language.code}: fallback {language.fallback!r} is not registered")
    _registry[language.code] = language
    for listener in _listeners:
        listener(language.code, True)
    return language


def unregister(code):
    """Take a language added with register() away again (tests)."""
    if code == DEFAULT or any(language.fallback == code for language in _registry.values() if language.code != code):
        raise ValueError(f"language {code} is needed by another one")
    if _registry.pop(code, None) is not None:
        for listener in _listeners:
            listener(code, False)


def codes():
    return tuple(_registry)


def is_known(code):
    return code in _registry


def get(code):
    """The Language of `code`; KeyError when it is not registered."""
    return _registry[code]


def direction(code):
    language = _registry.get(code)
    return language.direction if language else "ltr"


def native_name(code):
    language = _registry.get(code)
    return language.native_name if language else code


def fallbacks(code):
    """`code`, then its fallback chain, then every other language in the registry's order: where to look
    for a text that may be missing in `code`."""
    order = []
    while code and code not in order and code in _registry:
        order.append(code)
        code = _registry[code].fallback
    return tuple(order) + tuple(other for other in _registry if other not in order)


def best_text(texts, code):
    """(text, its language) from a {code: text} mapping: the text in `code`, else along fallbacks(code)."""
    texts = texts or {}
    for candidate in fallbacks(code) + tuple(texts):
        if texts.get(candidate):
            return texts[candidate], candidate
    return "", code


def check(code, what="language"):
    """`code` if registered; else ValueError (models call this before writing a language column)."""
    if code not in _registry:
        raise ValueError(f"{what}: {code!r} is not a registered language ({', '.join(_registry)})")
    return code


class _Codes(Sequence):
    """The registered codes, read live: `lang in CODES`, `for lang in CODES`, `CODES.index(lang)`."""

    def __getitem__(self, index):
        return codes()[index]

    def __len__(self):
        return len(_registry)

    def __contains__(self, code):
        return code in _registry

    def __repr__(self):
        return repr(codes())


class _Names(Mapping):
    """{code: native name}, read live, for the language switcher and form choices."""

    def __getitem__(self, code):
        return _registry[code].native_name

    def __iter__(self):
        return iter(_registry)

    def __len__(self):
        return len(_registry)


CODES = _Codes()
NAMES = _Names()
