"""The machine-translation hook: off by default; a LibreTranslate-compatible endpoint when configured.

Set app.config["CONSULT_TRANSLATE_URL"] to the full address of the /translate endpoint
(for example http://127.0.0.1:5000/translate for a LibreTranslate on the same host) and,
if that server wants one, app.config["CONSULT_TRANSLATE_KEY"] to its API key.

What comes back is only ever saved as a draft translation, which a person must check and
confirm before any reader sees it (see review.machine_translation).
"""
import json
import logging
import urllib.parse
import urllib.request
from http.client import HTTPException

from flask import current_app

from . import visibility

TIMEOUT_SECONDS = 20
MAX_RESPONSE_BYTES = 1024 * 1024

log = logging.getLogger(__name__)


class TranslationUnavailable(Exception):
    """The service is not configured, did not answer, or answered something unusable."""


def is_configured():
    return bool(current_app.config.get("CONSULT_TRANSLATE_URL"))


def machine_translate(text, source, target, level):
    """`text` from language `source` into `target` ("ar", "en", "fr"); raises TranslationUnavailable.
    `level`: the submission's confidentiality; the policy decides whether its text may leave at all."""
    if not visibility.translatable(level):
        raise TranslationUnavailable("the confidentiality policy keeps this text here")
    url = current_app.config.get("CONSULT_TRANSLATE_URL")
    if not url:
        raise TranslationUnavailable("not configured")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise TranslationUnavailable("CONSULT_TRANSLATE_URL must be an http or https address")
    payload = {"q": text, "source": source, "target": target, "format": "text"}
    key = current_app.config.get("CONSULT_TRANSLATE_KEY")
    if key:
        payload["api_key"] = key
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
        if len(body) > MAX_RESPONSE_BYTES:
            raise ValueError("response too large")
        translated = json.loads(body.decode("utf-8"))["translatedText"]
    except (OSError, HTTPException, ValueError, KeyError, TypeError) as error:
        # urllib.error.URLError and HTTPError are OSErrors; timeouts too. Log why, never the text.
        log.warning("machine translation %s->%s failed: %s", source, target, type(error).__name__)
        raise TranslationUnavailable(type(error).__name__) from error
    if not isinstance(translated, str) or not translated.strip():
        raise TranslationUnavailable("empty answer")
    return translated
