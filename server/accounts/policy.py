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


FIRST_DELAY = timedelta(minutes=1)


def login_wait(failures_here: list[datetime], failures_from_address: list[datetime], now: datetime) -> timedelta:
    """How long this address must wait before its next guess at this account (zero: go ahead).

    `failures_here`: recent failures for the account from this address; `failures_from_address`:
    recent failures from the address for any account, both oldest first. An account is throttled
    per address, with delays that double from the fifth failure (1, 2, 4, 8 minutes, then the
    window): someone guessing elsewhere never locks the owner out, whose right password from an
    address that has not been failing goes through. An address failing on many accounts, or many
    times behind one office's NAT, is slowed only past 30 failures in the window."""
    waits = [timedelta(0)]
    if len(failures_here) >= MAX_FAILURES_PER_EMAIL:
        doublings = len(failures_here) - MAX_FAILURES_PER_EMAIL
        delay = min(FIRST_DELAY * 2 ** min(doublings, 10), THROTTLE_WINDOW)
        waits.append(failures_here[-1] + delay - now)
    if len(failures_from_address) >= MAX_FAILURES_PER_IP:
        waits.append(failures_from_address[-MAX_FAILURES_PER_IP] + THROTTLE_WINDOW - now)
    return max(waits)


def wait_minutes(wait: timedelta) -> int:
    """A wait as whole minutes to tell a person (at least one)."""
    return max(1, -(-int(wait.total_seconds()) // 60))
