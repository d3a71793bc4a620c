"""Meetings, agendas, live running, attendance, quorum and minutes: the rules.
Pure: no web framework, no database."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from server.forms import parse_date, parse_id, require, text, whole_number
from server.teams.policy import LEADING_ROLES, MEMBER_ROLES
from server.web.i18n import N_

AGENDA_KINDS = {
    "standing": N_("Standing item"),
    "discussion": N_("Discussion"),
    "decision": N_("Decision"),
    "presentation": N_("Presentation"),
    "case_review": N_("Case review"),
    "gap_review": N_("Gap review"),
    "action_item_review": N_("Action-item review"),
}
ATTENDANCE = {
    "present": N_("Present"),
    "remote": N_("Remote"),
    "absent": N_("Absent"),
    "excused": N_("Excused"),
}
ATTENDING = frozenset({"present", "remote"})
MINUTES_STATES = {
    "draft": N_("Draft"),
    "circulated": N_("Circulated"),
    "approved": N_("Approved"),
    "locked": N_("Locked"),
}
MAX_AGENDA_ITEMS = 80
MAX_MINUTES = 600  # planned minutes for one item


# Permissions. `roles` are the viewer's roles on the meeting's team at the time of the request.
# A site admin has no extra rights here: DESIGN.md §4 "as member only".


def can_run(roles: set[str]) -> bool:
    """Create, edit and publish meetings and agendas; run them live; keep minutes."""
    return bool(roles & LEADING_ROLES)


def can_see_meetings(roles: set[str]) -> bool:
    return bool(roles & MEMBER_ROLES)


def can_see_meeting(roles: set[str], invited: bool) -> bool:
    return can_see_meetings(roles) or invited


def can_see_agenda(roles: set[str], invited: bool, published: bool) -> bool:
    """Drafts are for the people who run the meeting; the published agenda for everyone on it."""
    return can_run(roles) or (published and can_see_meeting(roles, invited))


def can_see_minutes(roles: set[str], status: str) -> bool:
    return can_run(roles) or (can_see_meetings(roles) and status != "draft")


# Agenda timing.


def running_starts(start: datetime, planned_minutes: list[int]) -> list[datetime]:
    """When each item should start if every earlier item keeps to its planned time."""
    starts, clock = [], start
    for minutes in planned_minutes:
        starts.append(clock)
        clock += timedelta(minutes=minutes)
    return starts


def overrun_seconds(started_at: datetime | None, ended_at: datetime | None, planned_minutes: int,
                    now: datetime) -> int:
    """Positive when an item has run longer than planned (so far, if it is still running)."""
    if started_at is None:
        return 0
    return int(((ended_at or now) - started_at).total_seconds()) - planned_minutes * 60


# Quorum.


@dataclass(frozen=True)
class Quorum:
    needed: int
    present: int
    voting: int

    @property
    def met(self) -> bool:
        return self.present >= self.needed


def quorum(kind: str, value: int, voting_ids: set[int], attending: dict[int, int | None]) -> Quorum:
    """Who counts: voting members present or remote, and alternates standing in for an absent one.

    `attending` maps each attending person to the member they stand in for (or None).
    """
    counted = {person for person in attending if person in voting_ids}
    for person, principal in attending.items():
        if principal in voting_ids and principal not in counted and person not in voting_ids:
            counted.add(principal)
    needed = value if kind == "count" else math.ceil(len(voting_ids) * value / 100)
    return Quorum(needed=max(needed, 1) if voting_ids else 0, present=len(counted), voting=len(voting_ids))


# Forms.


@dataclass(frozen=True)
class MeetingInput:
    title: str
    day: date
    start: time
    duration_minutes: int
    location: str
    join_link: str
    description: str

    def start_local(self) -> datetime:
        return datetime.combine(self.day, self.start)


def validate_meeting(form: dict[str, str]) -> tuple[MeetingInput | None, dict[str, str]]:
    errors: dict[str, str] = {}
    title = text(form, "title")
    require(errors, "title", title, 200, N_("Give the meeting a title."))
    day = parse_date(form.get("day", ""))
    if day is None:
        errors["day"] = N_("Enter the date as YYYY-MM-DD.")
    start = _parse_time(form.get("start", ""))
    if start is None:
        errors["start"] = N_("Enter the start time as HH:MM.")
    duration = _int_between(form.get("duration_minutes", ""), 5, 600)
    if duration is None:
        errors["duration_minutes"] = N_("Enter a length from 5 to 600 minutes.")
    location = text(form, "location", 300)
    if len(location) > 300:
        errors["location"] = N_("This is too long.")
    join_link = str(form.get("join_link", "")).strip()
    if join_link and (len(join_link) > 500 or not join_link.startswith(("https://", "http://"))):
        errors["join_link"] = N_("Enter a web address starting with https://.")
    description = str(form.get("description", "")).strip()
    if len(description) > 5000:
        errors["description"] = N_("This is too long.")
    if errors:
        return None, errors
    assert day and start and duration
    return MeetingInput(title, day, start, duration, location, join_link, description), {}


@dataclass(frozen=True)
class ItemInput:
    kind: str
    title: str
    presenter_id: int | None
    planned_minutes: int
    presenter_notes: str


def validate_item(form: dict[str, str], presenter_ids: set[int]) -> tuple[ItemInput | None, dict[str, str]]:
    errors: dict[str, str] = {}
    kind = form.get("kind", "")
    if kind not in AGENDA_KINDS:
        errors["kind"] = N_("Choose the kind of item.")
    title = text(form, "title")
    require(errors, "title", title, 200, N_("Give the item a title."))
    presenter_id = None
    if str(form.get("presenter_id", "")).strip():
        presenter_id = parse_id(form.get("presenter_id"))
        if presenter_id not in presenter_ids:
            errors["presenter_id"] = N_("Choose a presenter from the team's roster.")
    minutes = _int_between(form.get("planned_minutes", ""), 1, MAX_MINUTES)
    if minutes is None:
        errors["planned_minutes"] = N_("Enter the planned minutes, from 1 to 600.")
    notes = str(form.get("presenter_notes", "")).strip()
    if len(notes) > 5000:
        errors["presenter_notes"] = N_("This is too long.")
    if errors:
        return None, errors
    assert minutes is not None
    return ItemInput(kind, title, presenter_id, minutes, notes), {}


def case_review_title(kind: str, title: str, position: int) -> str:
    """A case-review item never carries case facts in its title (CONSENT.md §3)."""
    return f"Case review ({position})" if kind == "case_review" else title


def moved(order: list[int], item_id: int, direction: str) -> list[int]:
    """The item order after moving one item up or down by one place."""
    if item_id not in order or direction not in {"up", "down"}:
        return order
    index = order.index(item_id)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(order):
        return order
    result = list(order)
    result[index], result[target] = result[target], result[index]
    return result


def reordered(order: list[int], proposed: list[int]) -> list[int] | None:
    """A drag-and-drop order is accepted only if it is a permutation of the current items."""
    return proposed if sorted(proposed) == sorted(order) and len(set(proposed)) == len(proposed) else None


MINUTES_NEXT = {
    "draft": {"circulated"},
    "circulated": {"draft", "approved"},
    "approved": {"locked"},
    "locked": set(),
}


def minutes_editable(status: str) -> bool:
    return status in {"draft", "circulated"}


def can_move_minutes(status_from: str, status_to: str) -> bool:
    return status_to in MINUTES_NEXT.get(status_from, set())


def _parse_time(value: str) -> time | None:
    try:
        parsed = time.fromisoformat(str(value).strip()[:8])
    except ValueError:
        return None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def _int_between(value: object, low: int, high: int) -> int | None:
    number = whole_number(value, 5)
    return number if number is not None and low <= number <= high else None
