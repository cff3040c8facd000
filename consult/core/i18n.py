"""Languages and time zones: the URL prefix picks the language, the reader picks the zone."""
import functools
from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale, support
from babel.dates import format_date, format_skeleton, format_time, get_timezone_location
from babel.lists import format_list
from flask import abort, current_app, g, request, url_for
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.i18n import messages_path

from . import languages
from .database import utcnow

# The registered language codes and their names in themselves, read live from the registry
# (consult/core/languages.py): `lang in LANGUAGES`, `for lang in LANGUAGES`, LANGUAGE_NAMES[lang].
LANGUAGES = languages.CODES
LANGUAGE_NAMES = languages.NAMES
TZ_COOKIE = "tz"
# Zones offered first in the picker: the region runs from UTC+0 to UTC+4.
REGION_ZONES = (
    "Africa/Casablanca", "Africa/Algiers", "Africa/Tunis", "Africa/Tripoli",
    "Africa/Cairo", "Africa/Khartoum", "Africa/Nouakchott", "Africa/Djibouti",
    "Africa/Mogadishu", "Indian/Comoro", "Asia/Amman", "Asia/Beirut",
    "Asia/Damascus", "Asia/Gaza", "Asia/Baghdad", "Asia/Kuwait", "Asia/Riyadh",
    "Asia/Bahrain", "Asia/Qatar", "Asia/Dubai", "Asia/Muscat", "Asia/Aden",
    "Europe/Paris", "Europe/Zurich", "America/New_York", "UTC",
)


def pull_lang(endpoint, values):
    """url_value_preprocessor: take <lang> out of the view arguments."""
    if values and "lang" in values:
        lang = values.pop("lang")
        if lang not in LANGUAGES:
            abort(404)
        g.lang = lang


def add_lang(endpoint, values):
    """url_defaults: keep the current language in every url_for()."""
    if "lang" in values or not current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        return
    # Pages outside a language prefix (errors, /healthz) use the negotiated language.
    values["lang"] = getattr(g, "lang", None) or current_lang()


def select_locale():
    lang = getattr(g, "lang", None)
    if lang:
        return lang
    # An address that matched no route (a 404) still says its language.
    prefix = request.path.strip("/").partition("/")[0]
    return prefix if prefix in LANGUAGES else browser_language()


def browser_language():
    """Best language from Accept-Language; the registry's default (Arabic) when nothing matches."""
    return request.accept_languages.best_match(languages.codes()) or languages.DEFAULT


@functools.cache
def _zone_names():
    return frozenset(available_timezones())  # reads the whole tz database: once per process


def valid_zone(name):
    return bool(name) and name in _zone_names()


def local_time(moment, zone):
    """`moment` (aware) on the clock of the zone named `zone`."""
    return moment.astimezone(ZoneInfo(zone))


def select_timezone():
    """The reader's zone as a name (Flask-Babel 4 still wants a string)."""
    if current_user and current_user.is_authenticated and valid_zone(current_user.timezone):
        return current_user.timezone
    cookie = request.cookies.get(TZ_COOKIE) if request else None
    if valid_zone(cookie):
        return cookie
    return current_app.config["CONSULT_TIMEZONE"]


def today(moment=None):
    """The date in the group's own time zone (CONSULT_TIMEZONE)."""

    zone = ZoneInfo(current_app.config.get("CONSULT_TIMEZONE") or "UTC")
    return (moment or utcnow()).astimezone(zone).date()


@functools.cache
def _wtforms_catalog(lang):
    return support.Translations.load(messages_path(), [lang], domain="wtforms")


def wtforms_translations():
    """WTForms' own messages ("Not a valid choice") in the page's language, read once per language
    (Flask-WTF reads the catalog again on every request)."""
    return _wtforms_catalog(current_lang())


def current_lang():
    return str(get_locale() or languages.DEFAULT)


def text_direction(lang=None):
    return languages.direction(lang or current_lang())


def switch_language_url(lang):
    """The same page in another language, or that language's home page."""
    endpoint = request.endpoint
    if endpoint and request.url_rule and "lang" in request.url_rule.arguments:
        args = dict(request.view_args or {})
        args["lang"] = lang
        url = url_for(endpoint, **args)
        if request.query_string:
            url += "?" + request.query_string.decode("latin-1")
        return url
    return url_for("main.home", lang=lang)


def pick(texts, lang):
    """The text in `lang` from a {"ar": ..., "en": ..., "fr": ...} dict, else along the registry's fallbacks.

    Returns (text, language it is in), so a page can mark text that is not in
    the reader's language with its own `lang`.
    """
    return languages.best_text(texts, lang)


def language_list(locale=None, style="or"):
    """The registered languages named in the reader's language and joined its way: "Arabic, English, or French",
    "العربية أو الإنجليزية أو الفرنسية" (style "or"), "Arabic, English, and French" (style "standard")."""
    locale = _locale(locale)
    return format_list([locale.languages.get(code, languages.native_name(code)) for code in languages.codes()],
                       style=style, locale=locale)


def template_globals():
    return {
        "language_list": language_list,
        "LANGUAGES": LANGUAGES,
        "LANGUAGE_NAMES": LANGUAGE_NAMES,
        "current_lang": current_lang,
        "text_direction": text_direction,
        "switch_language_url": switch_language_url,
        "pick": lambda texts: pick(texts, current_lang()),
        "format_moment": format_moment,
        "format_day": format_day,
        "format_names": format_names,
        "isolate": isolate,
        "isolated": isolated,
        "code": code,
        "zone_label": zone_label,
    }


def zone_label(zone=None, locale=None):
    """A zone as a reader knows it: its city in the page's language ("بيروت", "Beyrouth")."""

    name = zone or str(get_timezone())
    if name == "UTC":
        return "UTC"
    return get_timezone_location(ZoneInfo(name), locale=locale or get_locale(), return_city=True)


# One date style per kind of place, from Babel: "table" (short, unambiguous: "12 Jan 2027"), "prose" (long:
# "12 January 2027"). Times use the locale's own pattern, joined to the date with its own separator ("،").
DATE_STYLES = ("prose", "table")


def _locale(locale=None):
    return Locale.parse(str(locale or get_locale() or languages.DEFAULT))


def format_day(day, style="prose", locale=None):
    """A date for the reader, in the style of the place it is shown (`table` or `prose`)."""

    if day is None:
        return ""
    if isinstance(day, datetime):  # a moment: its date in the reader's zone

        day = day.astimezone(ZoneInfo(str(get_timezone()))).date()
    locale = _locale(locale)
    if style == "table":
        return format_skeleton("yMMMd", day, locale=locale)
    return format_date(day, "long", locale=locale)


def format_moment(moment, zone=None, style="prose", locale=None, with_zone=True):
    """A date and time for the reader: in their own zone, or in `zone`, with the zone named.

    `style` is "prose", "table" or "time" (the time of day only).
    """

    return _formatted_moment(moment, zone or str(get_timezone()), style, str(_locale(locale)), with_zone)


@functools.lru_cache(maxsize=1024)
def _formatted_moment(moment, zone, style, locale, with_zone):
    # Kept: the same few moments (a call's deadline, a meeting's start) are shown again and again, on pages
    # and in every receipt, and Babel's formatting costs more than the rest of a receipt.
    locale = Locale.parse(locale)
    local = moment.astimezone(ZoneInfo(zone))
    text = format_time(local, "short", locale=locale)
    if style != "time":
        joiner = locale.datetime_formats["medium" if style == "table" else "long"]
        text = str(joiner).format(text, format_day(local.date(), style, locale))
    return f"{text} ({zone_label(zone, locale)})" if with_zone else text


def format_names(items, label=None, locale=None):
    """Items of a list joined the locale's way: "A, B and C", "A, B et C", "A وB وC" (no Latin commas in Arabic).
    `label(item)` names each item; Markup stays markup, the rest is escaped."""

    items = [escape(label(item) if label else item) for item in items or () if item not in (None, "")]
    if not items:
        return Markup("")
    return Markup(format_list([str(item) for item in items], locale=_locale(locale)))


def isolate(text):
    """Plain text (an e-mail, a PDF's metadata) set apart from the text around it, whatever its direction:
    Unicode's first-strong isolate (FSI ... PDI), as <bdi> does in HTML."""
    return f"\u2068{text}\u2069" if text else ""


def isolated(text, lang=None):
    """User-written text (a title, a name, a file name) in a page: in a <bdi>, which takes the direction of
    its own first letters, with its language when known, so "Association Amal / جمعية أمل" keeps its order."""
    if text in (None, ""):
        return Markup("")
    attribute = Markup(' lang="%s"') % lang if lang else ""
    return Markup("<bdi%s>%s</bdi>") % (attribute, text)


def code(text):
    """A reference, slug or address (RSAG-2026-0018): left to right, and never broken across lines."""
    if text in (None, ""):
        return Markup("")
    return Markup('<bdi class="code" dir="ltr">%s</bdi>') % text


def template_filters():
    """`{{ day|day }}` (prose) and `{{ day|day("table") }}`: the one way templates show a date."""
    return {"day": format_day, "moment": format_moment, "names": format_names}
