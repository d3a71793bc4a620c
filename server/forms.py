"""Small pure helpers for cleaning form input. Messages are untranslated source strings."""

from __future__ import annotations

import re
from datetime import date

from server.i18n import N_, Formatted

EMAIL_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\".]{2,}$")

# Characters that change how the text around them is shown without being seen themselves:
# bidirectional embeddings, overrides and isolates (U+202E shows "txt.exe" as "exe.txt"),
# direction marks, zero-width spaces and joiners, the word joiner and invisible operators, BOM.
_DECEIVING = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Zero-width (non-)joiners shape Persian, Indic scripts and emoji: kept between two non-ASCII
# characters, where they do that work; between Latin letters they only hide a difference.
_STRAY_JOINER = re.compile("(?<![^\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f])")


def neutralised(value: str) -> str:
    """`value` without the characters that could make one text pass for another."""
    if value.isascii():
        return value
    return _STRAY_JOINER.sub("", _DECEIVING.sub("", value))


def text(form: dict[str, str], key: str, max_length: int = 200) -> str:
    """Collapse white space; clip absurdly long input so validation can report it."""
    return " ".join(str(form.get(key, ""))[: max_length * 4 + 10].split())


def checked(form: dict[str, str], key: str) -> bool:
    return form.get(key, "") in {"on", "true", "1", "yes"}


MAX_EMAIL = 254  # RFC 5321's limit for an address


def email(value: str) -> str | None:
    value = value.strip().lower()
    return value if len(value) <= MAX_EMAIL and EMAIL_RE.match(value) else None


def parse_date(value: str) -> date | None:
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if 1900 <= parsed.year <= 2200 else None


_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def spreadsheet_date(value: str) -> str:
    """A date as a spreadsheet writes it back (Excel in the US: 3/7/2026) in ISO form
    (2026-03-07); anything else as it is, for parse_date to judge."""
    match = _US_DATE.fullmatch(value.strip())
    if not match:
        return value
    month, day, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return value


MAX_PHONE = 40
# Digits with the usual separators, an optional leading + (the country code), an optional
# extension: "(555) 010-2040", "555.010.2040 x12", "+1 555 010 2040", "555-010-2040 ext. 7".
_PHONE = re.compile(r"(?P<number>\+?[0-9 ().\-/]*?)(?: *(?:x|ext\.?|extension|#) *(?P<extension>[0-9]{1,8}))?",
                    re.IGNORECASE)


def phone(value: str) -> str | None:
    """A phone number as typed (trimmed), or None when it is not one: 7 to 15 digits (the most a
    number has, country code included), the usual separators, then perhaps an extension."""
    value = value.strip()
    match = _PHONE.fullmatch(value)
    digits = sum(c.isdigit() for c in match["number"]) if match else 0
    return value if match and 7 <= digits <= 15 and len(value) <= MAX_PHONE else None


MAX_ID = 2_147_483_647  # ids are 32-bit serials on PostgreSQL


def whole_number(value: object, max_digits: int = 9) -> int | None:
    """A plain ASCII whole number (str.isdigit() also accepts "²", which int() refuses)."""
    text_value = str(value or "").strip()
    if not (text_value.isascii() and text_value.isdecimal()) or len(text_value) > max_digits:
        return None
    return int(text_value)


def parse_id(value: object) -> int | None:
    number = whole_number(value, 10)
    return number if number is not None and 0 < number <= MAX_ID else None


class Overridable(str):
    """A field message the person may overrule ("this date has passed"): the form comes back
    with it and a checkbox named `confirm`, labelled `confirm_label`; ticked, the value is saved."""

    confirm: str
    confirm_label: str

    def __new__(cls, message: str, *, confirm: str, confirm_label: str) -> Overridable:
        overridable = super().__new__(cls, message)
        overridable.confirm, overridable.confirm_label = confirm, confirm_label
        return overridable


def too_long(limit: int) -> str:
    """The message for a value over its field's limit, naming the limit."""
    return Formatted(N_("This is too long: at most %(limit)s characters."), limit=limit)


def require(errors: dict[str, str], key: str, value: str, max_length: int, label: str) -> None:
    if not value:
        errors[key] = label
    elif len(value) > max_length:
        errors[key] = too_long(max_length)


def limit(errors: dict[str, str], key: str, value: str, max_length: int) -> None:
    """An optional field: a message when `value` is over its limit."""
    if len(value) > max_length:
        errors[key] = too_long(max_length)


def parse_version(value: object) -> int:
    """The record version a form was loaded with; -1 (matches nothing) when it is not a number."""
    number = whole_number(value)
    return -1 if number is None else number
