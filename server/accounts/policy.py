"""Who is asking, password and throttling rules. Pure: no web framework, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from server.i18n import N_

MIN_PASSWORD = 10
MAX_PASSWORD = 256
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 30
PASSWORD_LINK_LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class Viewer:
    """The logged-in person, as every request sees them, at the request's instant `at`: every
    rule of the request reads time and standing as of that instant."""

    id: int
    name: str
    email: str
    language: str
    is_site_admin: bool
    session_id: int
    at: datetime
    primary_agency_id: int | None = None  # their agency in the directory at `at`


def password_problem(password: str, confirm: str, email_address: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return N_("Use at least 10 characters.")
    if len(password) > MAX_PASSWORD:
        return N_("Use at most 256 characters.")
    if password.strip().lower() == email_address.lower():
        return N_("Do not use your email address as your password.")
    if password != confirm:
        return N_("The two passwords do not match.")
    return None


def is_throttled(failures_for_email: int, failures_for_ip: int) -> bool:
    """Too many recent failures for this account, or from this address."""
    return failures_for_email >= MAX_FAILURES_PER_EMAIL or failures_for_ip >= MAX_FAILURES_PER_IP


def retry_minutes(oldest_failure: datetime, now: datetime) -> int:
    remaining = oldest_failure + THROTTLE_WINDOW - now
    return max(1, int(remaining.total_seconds() // 60) + 1)
