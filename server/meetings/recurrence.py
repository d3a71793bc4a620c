"""Recurring meeting rules, expanded in the team's local time by dateutil.

Occurrences are computed as local wall-clock times and only then placed in the time zone,
so a 10:00 meeting stays at 10:00 across daylight-saving changes. Pure: no framework, no DB.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from server.forms import parse_date, whole_number
from server.i18n import N_

FREQUENCIES = {
    "none": N_("Does not repeat"),
    "weekly": N_("Weekly (or every few weeks)"),
    "monthly_date": N_("Monthly on a date"),
    "monthly_weekday": N_("Monthly on a weekday (e.g. third Wednesday)"),
}
WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEKDAYS = [N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
            N_("Saturday"), N_("Sunday")]
ENDS = {"until": N_("On a date"), "count": N_("After a number of meetings"), "never": N_("No end date")}
ORDINALS = {1: N_("first"), 2: N_("second"), 3: N_("third"), 4: N_("fourth"), -1: N_("last")}
MAX_OCCURRENCES = 260  # five years of weekly meetings
OPEN_AHEAD = timedelta(days=2 * 366)  # a series with no end has its meetings this far ahead, topped up as time goes on


@dataclass(frozen=True)
class Recurrence:
    """How a series repeats. Ends on a date (inclusive, local) or after a count."""

    frequency: str  # weekly | monthly_date | monthly_weekday
    interval: int = 1
    weekdays: tuple[int, ...] = ()  # weekly: 0 = Monday
    month_day: int | None = None  # monthly_date: 1..31
    week_of_month: int | None = None  # monthly_weekday: 1..4 or -1 (last)
    weekday: int | None = None  # monthly_weekday: 0 = Monday
    until: date | None = None
    count: int | None = None

    @property
    def open_ended(self) -> bool:
        """No last date and no number of meetings: it goes on until someone ends it."""
        return self.until is None and not self.count

    def rule(self, until_utc: datetime | None = None) -> str:
        """The RFC 5545 RRULE value. UNTIL, when given, must already be in UTC (RFC 5545 3.3.10)."""
        parts = []
        if self.frequency == "weekly":
            parts += ["FREQ=WEEKLY", "BYDAY=" + ",".join(WEEKDAY_CODES[d] for d in self.weekdays)]
        elif self.frequency == "monthly_date":
            parts += ["FREQ=MONTHLY", f"BYMONTHDAY={self.month_day}"]
        else:
            parts += ["FREQ=MONTHLY", f"BYDAY={self.week_of_month}{WEEKDAY_CODES[self.weekday or 0]}"]
        if self.interval > 1:
            parts.insert(1, f"INTERVAL={self.interval}")
        if self.count:
            parts.append(f"COUNT={self.count}")
        elif until_utc is not None:
            parts.append("UNTIL=" + until_utc.strftime("%Y%m%dT%H%M%SZ"))
        return ";".join(parts)


def from_row(series: dict) -> Recurrence:
    """The rule of a stored Series row."""
    return Recurrence(
        frequency=series["frequency"], interval=series["interval"],
        weekdays=tuple(int(d) for d in series["weekdays"].split(",") if d),
        month_day=series["month_day"], week_of_month=series["week_of_month"], weekday=series["weekday"],
        until=series["until"], count=series["occurrences"],
    )


def occurrences(start_local: datetime, recurrence: Recurrence, time_zone: str,
                horizon: date | None = None) -> list[datetime]:
    """Every occurrence as an aware UTC datetime, first one included; for a series with no end,
    those up to `horizon` (a local day, included)."""
    zone = ZoneInfo(time_zone)
    rule = recurrence.rule()
    last_day = recurrence.until if recurrence.until is not None and not recurrence.count else (
        horizon if recurrence.open_ended else None)
    if last_day is not None:
        # dateutil compares UNTIL with the naive local starts: the end of the last day, local.
        rule += ";UNTIL=" + datetime.combine(last_day, time(23, 59, 59)).strftime("%Y%m%dT%H%M%S")
    elif recurrence.open_ended:
        raise ValueError("a series with no end needs a horizon")
    expanded = rrulestr(rule, dtstart=start_local.replace(tzinfo=None), cache=False)
    result = []
    for local in expanded:
        if len(result) >= MAX_OCCURRENCES:
            break
        result.append(local.replace(tzinfo=zone).astimezone(UTC))
    return result


def horizon(today: date) -> date:
    """How far ahead a series with no end has its meetings."""
    return today + OPEN_AHEAD


def until_in_utc(until: date, time_zone: str) -> datetime:
    """The end of the local until-day in UTC, for writing UNTIL in calendars."""
    return datetime.combine(until, time(23, 59, 59), tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def describe(recurrence: Recurrence | None, translate=lambda s: s) -> str:
    """"Every third Wednesday of the month" and the like, for people."""
    if recurrence is None:
        return translate(N_("Does not repeat"))
    if recurrence.frequency == "weekly":
        days = ", ".join(translate(WEEKDAYS[d]) for d in recurrence.weekdays)
        text = (translate(N_("Every week on %(days)s")) if recurrence.interval == 1
                else translate(N_("Every %(n)s weeks on %(days)s"))) % {"days": days, "n": recurrence.interval}
    elif recurrence.frequency == "monthly_date":
        text = (translate(N_("Monthly on day %(day)s")) if recurrence.interval == 1
                else translate(N_("Every %(n)s months on day %(day)s"))) % {"day": recurrence.month_day, "n": recurrence.interval}
    else:
        text = translate(N_("Monthly on the %(ordinal)s %(weekday)s")) % {
            "ordinal": translate(ORDINALS[recurrence.week_of_month or 1]),
            "weekday": translate(WEEKDAYS[recurrence.weekday or 0]),
        }
        if recurrence.interval > 1:
            text += " " + translate(N_("(every %(n)s months)")) % {"n": recurrence.interval}
    if recurrence.count:
        text += ", " + translate(N_("%(count)s times")) % {"count": recurrence.count}
    elif recurrence.until:
        text += ", " + translate(N_("until %(date)s")) % {"date": recurrence.until.isoformat()}
    else:
        text += ", " + translate(N_("with no end date"))
    return text


def parse(form: dict[str, str], start: date | None) -> tuple[Recurrence | None, dict[str, str]]:
    """The recurrence fields of the meeting form. None means a one-off meeting."""
    frequency = form.get("frequency", "none")
    if frequency not in FREQUENCIES:
        return None, {"frequency": N_("Choose how the meeting repeats.")}
    if frequency == "none":
        return None, {}
    errors: dict[str, str] = {}
    interval = _small_int(form.get("interval", "1") or "1", 1, 12)
    if interval is None:
        errors["interval"] = N_("Repeat every 1 to 12 weeks or months.")
    weekdays: tuple[int, ...] = ()
    month_day = week_of_month = weekday = None
    if frequency == "weekly":
        weekdays = tuple(sorted({int(d) for d in form.get("weekdays", "").split(",")
                                 if d in {"0", "1", "2", "3", "4", "5", "6"}}))
        if not weekdays and start is not None:
            weekdays = (start.weekday(),)
        if not weekdays:
            errors["weekdays"] = N_("Choose the day of the week.")
    elif frequency == "monthly_date":
        month_day = _small_int(form.get("month_day", "") or (str(start.day) if start else ""), 1, 31)
        if month_day is None:
            errors["month_day"] = N_("Choose a day of the month from 1 to 31.")
    else:
        week_of_month = _small_int(form.get("week_of_month", ""), -1, 4)
        if week_of_month in (None, 0):
            errors["week_of_month"] = N_("Choose the first, second, third, fourth or last week of the month.")
        weekday = _small_int(form.get("weekday", "") or (str(start.weekday()) if start else ""), 0, 6)
        if weekday is None:
            errors["weekday"] = N_("Choose the day of the week.")
    ends = form.get("ends", "until")
    until = count = None
    if ends not in ENDS:
        errors["ends"] = N_("Choose how the series ends.")
    elif ends == "never":
        pass
    elif ends == "count":
        count = _small_int(form.get("count", ""), 1, MAX_OCCURRENCES)
        if count is None:
            errors["count"] = N_("Enter how many meetings, from 1 to 260.")
    else:
        until = parse_date(form.get("until", ""))
        if until is None:
            errors["until"] = N_("Enter the date of the last meeting as YYYY-MM-DD.")
        elif start is not None and until < start:
            errors["until"] = N_("The series cannot end before it starts.")
        elif start is not None and until > start + timedelta(days=366 * 5):
            errors["until"] = N_("A series can run at most five years.")
    if errors:
        return None, errors
    return Recurrence(frequency, interval or 1, weekdays, month_day, week_of_month, weekday, until, count), {}


def _small_int(value: str, low: int, high: int) -> int | None:
    value = str(value).strip()
    number = whole_number(value.removeprefix("-"), 3)
    if number is None:
        return None
    number = -number if value.startswith("-") else number
    return number if low <= number <= high else None
