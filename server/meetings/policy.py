"""Meetings, agendas, live running, attendance, quorum and minutes: the rules.
Pure: no web framework, no database."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from server.accounts.policy import Viewer
from server.forms import limit, parse_date, parse_id, require, text, too_long, whole_number
from server.i18n import N_, gettext
from server.teams.policy import Standing

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
MAX_JOIN_LINK = 500
MAX_MINUTES = 600  # planned minutes for one item


# Permissions: the viewer and their standing on the meeting's team at the request's instant.
# A site admin has no extra rights here: DESIGN.md §4 "as member only".


def can_run(viewer: Viewer, standing: Standing) -> bool:
    """Create, edit and publish meetings and agendas; run them live; keep minutes."""
    return standing.leads


def can_see_meetings(viewer: Viewer, standing: Standing) -> bool:
    """Every meeting of the team, its minutes (once out of draft) and its action items."""
    return standing.is_member


def can_see_meeting(viewer: Viewer, standing: Standing, invited: bool) -> bool:
    """Members see the team's meetings; a guest only the ones they are invited to."""
    return can_see_meetings(viewer, standing) or (standing.is_guest and invited)


def can_list_meetings(viewer: Viewer, standing: Standing, invited_to_some: bool) -> bool:
    """The team's meeting list: for members, and for a guest invited to at least one meeting."""
    return can_see_meetings(viewer, standing) or (standing.is_guest and invited_to_some)


def can_see_agenda(viewer: Viewer, standing: Standing, invited: bool, published: bool) -> bool:
    """Drafts are for the people who run the meeting; the published agenda for everyone on it."""
    return can_run(viewer, standing) or (published and can_see_meeting(viewer, standing, invited))


def can_see_minutes(viewer: Viewer, standing: Standing, status: str) -> bool:
    return can_run(viewer, standing) or (can_see_meetings(viewer, standing) and status != "draft")


def minutes_can_start(meeting_status: str, starts_at: datetime, now: datetime, has_minutes: bool) -> bool:
    """A meeting held outside Convene gets its minutes when its chair starts them; a cancelled
    meeting has none, and one that has not begun has nothing to record yet."""
    return not has_minutes and meeting_status != "cancelled" and starts_at <= now


NOT_STARTABLE = N_("Minutes can be started once the meeting has begun, and not for a cancelled meeting.")


WATCH_AHEAD = timedelta(hours=12)


def is_watched(live_status: str, status: str, starts_at: datetime, now: datetime) -> bool:
    """Pages showing the meeting poll for live changes while it runs, and from 12 hours before
    a scheduled start (so they see it begin)."""
    if live_status == "live":
        return True
    return live_status == "not_started" and status == "scheduled" and starts_at - now < WATCH_AHEAD


def item_title(kind: str, title: str, number: int) -> str:
    """What an agenda item is called wherever it is shown: a case-review item never carries case
    facts, only its number (CONSENT.md §3), whatever was typed for it."""
    return gettext("Case review (%(n)s)", n=number) if kind == "case_review" else title


def stored_item_title(kind: str, title: str) -> str:
    """What is kept for an item: nothing typed for a case review is stored."""
    return "Case review" if kind == "case_review" else title


# Agenda timing.


def running_starts(start: datetime, planned_minutes: list[int]) -> list[datetime]:
    """When each item should start if every earlier item keeps to its planned time."""
    starts, clock = [], start
    for minutes in planned_minutes:
        starts.append(clock)
        clock += timedelta(minutes=minutes)
    return starts


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
    limit(errors, "location", location, 300)
    join_link = str(form.get("join_link", "")).strip()
    if len(join_link) > MAX_JOIN_LINK:
        errors["join_link"] = too_long(MAX_JOIN_LINK)
    elif join_link and not join_link.startswith(("https://", "http://")):
        errors["join_link"] = N_("Enter a web address starting with https://.")
    description = str(form.get("description", "")).strip()
    limit(errors, "description", description, 5000)
    if errors:
        return None, errors
    assert day and start and duration
    return MeetingInput(title, day, start, duration, location, join_link, description), {}


MAX_CANCEL_REASON = 300  # one line: calendar invitations will carry it as the CANCEL's COMMENT


def validate_cancel_reason(form: dict[str, str]) -> tuple[str | None, dict[str, str]]:
    """Why a meeting is cancelled (optional): one line of plain text, white space collapsed."""
    reason = text(form, "reason", MAX_CANCEL_REASON)
    if len(reason) > MAX_CANCEL_REASON:
        return None, {"reason": too_long(MAX_CANCEL_REASON)}
    return reason, {}


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
    limit(errors, "presenter_notes", notes, 5000)
    if errors:
        return None, errors
    assert minutes is not None
    return ItemInput(kind, title, presenter_id, minutes, notes), {}


MAX_NOTES = 20_000


def validate_notes(form: dict[str, str]) -> tuple[str | None, dict[str, str]]:
    """An item's notes exactly as typed, or a message: beyond the limit nothing is saved."""
    notes = str(form.get("notes", ""))
    if len(notes) > MAX_NOTES:
        return None, {"notes": too_long(MAX_NOTES)}
    return notes, {}


MAX_DECISION = 2000


def validate_decision(form: dict[str, str]) -> tuple[str | None, dict[str, str]]:
    text = " ".join(str(form.get("text", "")).split())
    if not text or len(text) > MAX_DECISION:
        return None, {"decision": N_("Write the decision (at most 2000 characters).")}
    return text, {}


@dataclass(frozen=True)
class CheckIn:
    person_id: int
    status: str
    standing_in_for: int | None
    departed: bool


def parse_check_in(form: dict[str, str]) -> CheckIn | None:
    """One attendance button: who, which status ("Left" keeps the status they had), and for an
    alternate whom they stand in for. None when the form makes no sense."""
    person_id = parse_id(form.get("person_id"))
    raw_standing = str(form.get("standing_in_for", "")).strip()
    standing_in_for = parse_id(raw_standing) if raw_standing else None
    status = form.get("status") or form.get("departed_status", "")
    if person_id is None or (raw_standing and standing_in_for is None) or status not in ATTENDANCE:
        return None
    return CheckIn(person_id, status, standing_in_for, form.get("departed") == "true")


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
