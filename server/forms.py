"""Small pure helpers for cleaning form input. Messages are untranslated source strings."""

from __future__ import annotations

import re
from datetime import date

from server.web.i18n import N_

EMAIL_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\".]{2,}$")


def text(form: dict[str, str], key: str, max_length: int = 200) -> str:
    """Collapse white space; clip absurdly long input so validation can report it."""
    return " ".join(str(form.get(key, ""))[: max_length * 4 + 10].split())


def checked(form: dict[str, str], key: str) -> bool:
    return form.get(key, "") in {"on", "true", "1", "yes"}


def email(value: str) -> str | None:
    value = value.strip().lower()
    return value if len(value) <= 254 and EMAIL_RE.match(value) else None


def parse_date(value: str) -> date | None:
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if 1900 <= parsed.year <= 2200 else None


def parse_id(value: object) -> int | None:
    text_value = str(value or "").strip()
    if not text_value.isdigit() or len(text_value) > 12:
        return None
    return int(text_value)


def require(errors: dict[str, str], key: str, value: str, max_length: int, label: str) -> None:
    if not value:
        errors[key] = label
    elif len(value) > max_length:
        errors[key] = N_("This is too long.")


def parse_version(value: object) -> int:
    """The record version a form was loaded with; -1 (matches nothing) when it is not a number."""
    raw = str(value or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else -1
