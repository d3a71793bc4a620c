"""The one place that reads the time, so rules and tests agree on "now".

Tests move the clock with `travel_to(instant)`: "now" becomes that instant and time flows on
from there. A process a test starts (a server, a command) inherits the same clock through
CONVENE_TEST_CLOCK_OFFSET, which is honoured only when CONVENE_ENV=test.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

OFFSET_VARIABLE = "CONVENE_TEST_CLOCK_OFFSET"


def _offset_from_environment() -> timedelta:
    raw = os.environ.get(OFFSET_VARIABLE, "")
    if not raw or os.environ.get("CONVENE_ENV") != "test":
        return timedelta(0)
    return timedelta(seconds=float(raw))


_offset = _offset_from_environment()


def now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(UTC) + _offset


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def day_in(instant: datetime, time_zone: str) -> date:
    """The calendar day it is at `instant` in `time_zone`."""
    return instant.astimezone(zone(time_zone)).date()


def today_in(time_zone: str) -> date:
    return day_in(now(), time_zone)


# Test control.


def travel_to(instant: datetime) -> None:
    """Make `instant` "now" for this process; time keeps flowing from there."""
    global _offset
    if instant.tzinfo is None:
        raise ValueError("travel_to needs an aware datetime")
    _offset = instant - datetime.now(UTC)


def offset_seconds() -> float:
    """How far this process's clock is from the wall clock (for child processes' environment)."""
    return _offset.total_seconds()


def set_offset_seconds(seconds: float) -> None:
    global _offset
    _offset = timedelta(seconds=seconds)
