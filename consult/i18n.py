"""Languages and time zones: the URL prefix picks the language, the reader picks the zone."""
import functools
from zoneinfo import ZoneInfo, available_timezones

from babel import support
from flask import abort, current_app, g, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from wtforms.i18n import messages_path

LANGUAGES = ("ar", "en", "fr")
RTL_LANGUAGES = frozenset({"ar"})
# Each language named in itself, for the switcher.
LANGUAGE_NAMES = {"ar": "العربية", "en": "English", "fr": "Français"}
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
    """Best language from Accept-Language; Arabic when nothing matches."""
    return request.accept_languages.best_match(LANGUAGES) or "ar"


@functools.cache
def _zone_names():
    return frozenset(available_timezones())  # reads the whole tz database: once per process


def valid_zone(name):
    return bool(name) and name in _zone_names()


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
    from .database import utcnow

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
    return str(get_locale() or "ar")


def text_direction(lang=None):
    return "rtl" if (lang or current_lang()) in RTL_LANGUAGES else "ltr"


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
    """The text in `lang` from a {"ar": ..., "en": ..., "fr": ...} dict, else another one.

    Returns (text, language it is in), so a page can mark text that is not in
    the reader's language with its own `lang`.
    """
    texts = texts or {}
    for code in (lang, "en", "ar", "fr"):
        if texts.get(code):
            return texts[code], code
    return "", lang


def template_globals():
    return {
        "LANGUAGES": LANGUAGES,
        "LANGUAGE_NAMES": LANGUAGE_NAMES,
        "current_lang": current_lang,
        "text_direction": text_direction,
        "switch_language_url": switch_language_url,
        "pick": lambda texts: pick(texts, current_lang()),
        "format_moment": format_moment,
        "zone_label": zone_label,
    }


def zone_label(zone=None):
    """A zone as a reader knows it: its city in the page's language ("بيروت", "Beyrouth")."""
    from babel.dates import get_timezone_location
    from flask_babel import get_timezone

    name = zone or str(get_timezone())
    if name == "UTC":
        return "UTC"
    return get_timezone_location(ZoneInfo(name), locale=get_locale(), return_city=True)


def format_moment(moment, zone=None, format="full"):
    """A date and time for the reader: in their own zone, or in `zone`, with the zone named."""
    from babel.dates import format_datetime
    from flask_babel import get_timezone

    tz = ZoneInfo(zone) if zone else get_timezone()
    text = format_datetime(moment, format="d MMMM y, HH:mm" if format == "full" else format,
                           tzinfo=tz, locale=get_locale())
    return f"{text} ({zone_label(zone)})"
