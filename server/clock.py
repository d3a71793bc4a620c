"""The one place that reads the time, so tests and rules agree on "now"."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def now() -> datetime:
    return datetime.now(UTC)


def today_in(time_zone: str) -> date:
    return datetime.now(ZoneInfo(time_zone)).date()
