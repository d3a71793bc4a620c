"""Translations: English source strings, Spanish catalog in locale/es.

The language of a request lives in a context variable set by the auth middleware, so
Python code and templates call the same `gettext` without passing the request around.
Catalogs are read from the .po files at start-up (no compiled .mo files to keep in step).
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from server.config import ROOT

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = ROOT / "locale"

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> gettext_module.NullTranslations:
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT_LANGUAGE or not po_path.exists():
        return gettext_module.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)


class Formatted(str):
    """An untranslated message with the values it names, translated where it is shown (a
    validator does not know the reader's language). As a str it reads in English."""

    msgid: str
    values: dict[str, object]

    def __new__(cls, msgid: str, **values: object) -> Formatted:
        message = super().__new__(cls, msgid % values)
        message.msgid, message.values = msgid, values
        return message


def gettext(message: str, **variables: object) -> str:
    if isinstance(message, Formatted):
        return translations(current_language.get()).gettext(message.msgid) % {**message.values, **variables}
    text = translations(current_language.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(current_language.get()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; translate it where it is shown."""
    return message


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Messages in `language` for the duration (a page for someone not logged in whose language
    is known otherwise: the person a set-password link belongs to)."""
    token = current_language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        current_language.reset(token)


def pick_language(preferred: str | None, accept_language: str | None) -> str:
    """A person's stored preference first, then the browser's Accept-Language."""
    if preferred in LANGUAGES:
        return preferred
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
