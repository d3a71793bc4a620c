"""Recurrence expansion (dateutil) checked against an independent one (recurring-ical-events)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from server.meetings import recurrence
from server.meetings.recurrence import Recurrence

NEW_YORK = "America/New_York"


def independent(start_local: datetime, rule: Recurrence, zone: str) -> list[datetime]:
    """What an iCalendar client computes for the same series (UTC starts)."""
    until = recurrence.until_in_utc(rule.until, zone) if rule.until else None
    text = "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:series@test",
        "DTSTAMP:20260101T000000Z", f"DTSTART;TZID={zone}:{start_local:%Y%m%dT%H%M%S}",
        f"DTEND;TZID={zone}:{start_local + timedelta(hours=1):%Y%m%dT%H%M%S}",
        f"RRULE:{rule.rule(until)}", "SUMMARY:Meeting", "END:VEVENT", "END:VCALENDAR", "",
    ])
    calendar = icalendar.Calendar.from_ical(text)
    events = recurring_ical_events.of(calendar).between(datetime(2000, 1, 1), datetime(2100, 1, 1))
    return sorted(event["DTSTART"].dt.astimezone(UTC) for event in events)


CASES = {
    "third Wednesday monthly across the spring change": (datetime(2026, 1, 21, 10, 0),
        Recurrence("monthly_weekday", week_of_month=3, weekday=2, count=8)),
    "last Thursday monthly across the autumn change": (datetime(2026, 8, 27, 18, 30),
        Recurrence("monthly_weekday", week_of_month=-1, weekday=3, until=date(2027, 3, 31))),
    "every other Thursday": (datetime(2026, 1, 8, 12, 0),
        Recurrence("weekly", interval=2, weekdays=(3,), until=date(2026, 12, 31))),
    "weekly on Monday and Thursday": (datetime(2026, 3, 2, 8, 0),
        Recurrence("weekly", weekdays=(0, 3), count=20)),
    "monthly on the 31st skips short months": (datetime(2026, 1, 31, 9, 0),
        Recurrence("monthly_date", month_day=31, count=7)),
    "every three months on the 15th": (datetime(2026, 1, 15, 14, 0),
        Recurrence("monthly_date", interval=3, month_day=15, until=date(2028, 1, 1))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_expansion_matches_an_independent_icalendar_expansion(name):
    start, rule = CASES[name]
    ours = recurrence.occurrences(start, rule, NEW_YORK)
    assert ours == independent(start, rule, NEW_YORK)
    assert len(ours) >= 5


def test_third_wednesday_keeps_ten_oclock_local_across_daylight_saving():
    start, rule = CASES["third Wednesday monthly across the spring change"]
    starts = recurrence.occurrences(start, rule, NEW_YORK)
    local = [s.astimezone(ZoneInfo(NEW_YORK)) for s in starts]
    assert {(t.hour, t.minute) for t in local} == {(10, 0)}
    assert all(t.weekday() == 2 and 15 <= t.day <= 21 for t in local)
    assert {s.hour for s in starts} == {15, 14}  # UTC moves by an hour at the change


def test_until_includes_a_meeting_on_the_last_day():
    rule = Recurrence("weekly", weekdays=(1,), until=date(2026, 2, 24))
    starts = recurrence.occurrences(datetime(2026, 2, 3, 17, 0), rule, NEW_YORK)
    assert [s.astimezone(ZoneInfo(NEW_YORK)).day for s in starts] == [3, 10, 17, 24]


def test_until_is_written_in_utc_for_calendars():
    rule = Recurrence("weekly", weekdays=(1,), until=date(2026, 2, 24))
    assert rule.rule(recurrence.until_in_utc(rule.until, NEW_YORK)).endswith("UNTIL=20260225T045959Z")


@pytest.mark.parametrize(("form", "field"), [
    ({"frequency": "weekly", "ends": "until", "until": "2025-01-01"}, "until"),
    ({"frequency": "weekly", "ends": "count", "count": "0"}, "count"),
    ({"frequency": "weekly", "ends": "count", "count": "9999"}, "count"),
    ({"frequency": "monthly_weekday", "week_of_month": "5", "ends": "count", "count": "3"}, "week_of_month"),
    ({"frequency": "monthly_date", "month_day": "32", "ends": "count", "count": "3"}, "month_day"),
    ({"frequency": "weekly", "interval": "13", "ends": "count", "count": "3"}, "interval"),
    ({"frequency": "hourly"}, "frequency"),
])
def test_bad_recurrence_fields_are_named(form, field):
    rule, errors = recurrence.parse(form, date(2026, 1, 6))
    assert rule is None and field in errors


def test_recurrence_defaults_to_the_meetings_own_weekday_and_describes_itself():
    rule, errors = recurrence.parse({"frequency": "monthly_weekday", "week_of_month": "3", "ends": "count",
                                     "count": "12"}, date(2026, 1, 21))
    assert errors == {}
    assert recurrence.describe(rule) == "Monthly on the third Wednesday, 12 times"
