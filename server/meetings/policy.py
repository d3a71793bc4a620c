"""Meetings, agendas, live running, attendance, quorum and minutes: the rules.
Pure: no web framework, no database."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from server.accounts.policy import Viewer
from server.forms import limit, parse_date, parse_id, require, text, too_long, whole_number
from server.i18n import N_, Formatted, gettext
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
OUTCOMES = {
    "done": N_("Completed"),
    "deferred": N_("Deferred to the next meeting"),
    "not_reached": N_("Not reached"),
}
MAJORITIES = {
    "simple": N_("More votes for than against"),
    "two_thirds": N_("Two-thirds of the votes cast"),
}
MOTION_RESULTS = {"carried": N_("Carried"), "failed": N_("Failed")}
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


def can_comment_on_minutes(viewer: Viewer, standing: Standing, status: str) -> bool:
    """Members comment on minutes circulated for corrections (guests never see minutes)."""
    return can_see_meetings(viewer, standing) and status == "circulated"


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


def voters_present(voting_ids: set[int], attending: dict[int, int | None]) -> dict[int, int]:
    """Who votes now, each mapped to the voting member they vote for: voting members present
    or remote, and alternates standing in for a voting member who is not there.

    `attending` maps each attending person to the member they stand in for (or None).
    """
    voters = {person: person for person in attending if person in voting_ids}
    for person, principal in attending.items():
        if principal in voting_ids and principal not in voters.values() and person not in voting_ids:
            voters[person] = principal
    return voters


def quorum(kind: str, value: int, voting_ids: set[int], attending: dict[int, int | None]) -> Quorum:
    """Voting members present or remote, and alternates standing in for an absent one, against
    the team's rule (a count, or a share of its voting members)."""
    needed = value if kind == "count" else math.ceil(len(voting_ids) * value / 100)
    return Quorum(needed=max(needed, 1) if voting_ids else 0, present=len(voters_present(voting_ids, attending)),
                  voting=len(voting_ids))


def attending_at(records: list[dict], at: datetime) -> dict[int, int | None]:
    """Who was in the room at `at`, from attendance records (status, arrived_at, departed_at,
    standing_in_for): the quorum of any past moment, such as the start."""
    return {
        row["person"]: row["standing_in_for"] for row in records
        if row["status"] in ATTENDING and (row["arrived_at"] is None or row["arrived_at"] <= at)
        and (row["departed_at"] is None or row["departed_at"] > at)
    }


def quorum_reached(kind: str, value: int, voting_ids: set[int], records: list[dict],
                   after: datetime) -> tuple[datetime, Quorum] | None:
    """When, after `after`, the quorum was first met (from arrival times) and how it stood
    then; None if it never was (as the attendance now records it)."""
    moments = sorted({row["arrived_at"] for row in records if row["arrived_at"] and row["arrived_at"] > after})
    for moment in moments:
        counted = quorum(kind, value, voting_ids, attending_at(records, moment))
        if counted.met:
            return moment, counted
    return None


LATE_ARRIVAL = timedelta(minutes=10)  # the minutes note an arrival this long after the start


# The items' outcomes.


def outcome_allowed(outcome: str, opened: bool) -> bool:
    """What a chair may say of an item: deferred at any time, done once it has been taken up,
    or "" to let the meeting's end decide. "Not reached" is never chosen: it is what an item
    never opened is."""
    return outcome in {"", "deferred"} or (outcome == "done" and opened)


def final_outcome(chosen: str, opened: bool) -> str:
    """What the minutes record for an item when the meeting ends."""
    if chosen == "deferred" or (chosen == "done" and opened):
        return chosen
    return "done" if opened else "not_reached"


CARRIED_OVER = frozenset({"deferred", "not_reached"})  # offered to the next meeting


# The meeting's pace.


@dataclass(frozen=True)
class Pace:
    late_seconds: int | None  # how late the open item was opened against the plan (None: no item open)
    over_seconds: int  # how long it has run past what the plan allows it (negative: not yet)
    left_seconds: int  # until the scheduled end (negative: past it)
    remaining_seconds: int  # planned time of what is still to take up, the open item's rest included

    @property
    def behind_seconds(self) -> int | None:
        """Behind the plan (negative: ahead): the open item's late start, or its overrun once
        that is more."""
        return None if self.late_seconds is None else self.late_seconds + max(0, self.over_seconds)

    @property
    def squeezed(self) -> bool:
        """What is still planned does not fit in the time left."""
        return self.remaining_seconds > max(self.left_seconds, 0)


def pace(starts_at: datetime, ends_at: datetime, items: list[dict], current_id: int | None,
         current_since: datetime | None, now: datetime) -> Pace:
    """How the meeting keeps to its plan. `items` in agenda order, each with id,
    planned_minutes, started_at and outcome; `current_since` is when the open item was last
    opened. By now the meeting should have got through the planned minutes of every item taken
    up so far, the open one's up to its planned minutes (an item gone back to had its planned
    time the first time): it is behind by however much later than that it is."""
    planned_so_far, remaining = timedelta(), 0
    opened, allowance = None, timedelta()
    for item in items:
        planned = timedelta(minutes=item["planned_minutes"])
        if item["id"] == current_id and item["started_at"] is not None:
            opened = current_since or item["started_at"]
            if item["started_at"] < opened:  # gone back to
                planned_so_far += planned
            else:
                allowance = planned
                remaining += max(0, int((planned - (now - opened)).total_seconds()))
        elif item["started_at"] is not None:
            planned_so_far += planned
        elif item["outcome"] != "deferred":
            remaining += int(planned.total_seconds())
    left = int((ends_at - now).total_seconds())
    if opened is None:
        return Pace(None, 0, left, remaining)
    late = int((opened - (starts_at + planned_so_far)).total_seconds())
    return Pace(late, int((now - opened - allowance).total_seconds()), left, remaining)


# Starting, undoing a start.


START_QUESTIONS = {
    "other_day": N_("This meeting is scheduled for %(day)s, not today."),
    "draft_agenda": N_("The agenda is still a draft: members have not seen it."),
}


def start_questions(meeting_day: date, today: date, published: bool) -> list[str]:
    """What to ask before starting: a meeting started on another day than its own, or with an
    agenda nobody has seen, is more often a mistake than not."""
    questions = []
    if meeting_day != today:
        questions.append("other_day")
    if not published:
        questions.append("draft_agenda")
    return questions


def start_undoable(items: list[dict], actions: list[dict]) -> bool:
    """A start can be taken back while nothing has been recorded in the meeting: no notes, no
    outcome and no decision on any item (each with notes, outcome, decisions), no action item
    created in it. Taking it back only restores the plan (attendance taken stays)."""
    return not actions and not any(item["notes"] or item["outcome"] or item["decisions"] for item in items)


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


def notes_hash(notes: str) -> str:
    """What a notes form was typed against: a save over other notes than these keeps both."""
    return hashlib.sha256(notes.encode()).hexdigest()[:16]


def notes_overwrite_theirs(stored: str, base: str | None, replacing: str | None) -> bool:
    """Saving typed notes would write over notes someone else saved since the typing began
    (`base`: the hash of what it began from; None when the client does not say), and the
    chair has not said to replace exactly those (`replacing`: their hash)."""
    if not stored or base is None or notes_hash(stored) == base:
        return False
    return replacing != notes_hash(stored)


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


MAX_COMMENT = 5000


def validate_comment(form: dict[str, str]) -> tuple[str | None, dict[str, str]]:
    """A member's comment on circulated minutes: its text, or a message."""
    body = str(form.get("body", "")).replace("\r\n", "\n").strip()
    if not body:
        return None, {"body": N_("Write your comment.")}
    if len(body) > MAX_COMMENT:
        return None, {"body": too_long(MAX_COMMENT)}
    return body, {}


MAX_VOTES = 999
MAX_RECUSALS = 20
MAX_RECUSAL_REASON = 300


@dataclass(frozen=True)
class MotionInput:
    mover_id: int
    seconder_id: int | None
    votes_for: int
    votes_against: int
    abstentions: int
    majority: str
    recusals: tuple[tuple[int, str], ...]  # (person, reason)


def recusal_rows(form: dict[str, str]) -> int:
    """How many recusal rows the motion form shows: at least one, one more when asked."""
    shown = whole_number(form.get("recusal_rows", "")) or 1
    return min(MAX_RECUSALS, max(1, shown) + (1 if form.get("add_recusal") else 0))


VOTE_FIELDS = ("mover_id", "seconder_id", "votes_for", "votes_against", "abstentions")  # in the decision form


def is_motion(form: dict[str, str]) -> bool:
    """A decision is a motion when anything of a vote is filled in: a vote typed is never dropped."""
    return any(str(form.get(field, "")).strip() for field in VOTE_FIELDS) or any(
        str(value).strip() for key, value in form.items() if key.startswith("recusal_person_"))


def validate_motion(form: dict[str, str], voters: dict[int, int]) -> tuple[MotionInput | None, dict[str, str]]:
    """A vote on the decision: mover and seconder among those voting now (`voters`, see
    voters_present), a count that does not exceed them, recusals by person with a reason."""
    errors: dict[str, str] = {}
    mover = parse_id(form.get("mover_id"))
    if mover not in voters:
        errors["mover_id"] = N_("Choose who moved it, from the voting members present.")
    seconder = None
    if str(form.get("seconder_id", "")).strip():
        seconder = parse_id(form.get("seconder_id"))
        if seconder not in voters or seconder == mover:
            errors["seconder_id"] = N_("Choose a seconder other than the mover, from the voting members present.")
    counts = {}
    for key in ("votes_for", "votes_against", "abstentions"):
        number = whole_number(form.get(key, "") or "0", 3)
        if number is None or number > MAX_VOTES:
            errors[key] = N_("Enter a whole number of votes.")
        counts[key] = number or 0
    majority = form.get("majority", "simple") or "simple"
    if majority not in MAJORITIES:
        errors["majority"] = N_("Choose the majority the motion needs.")
    recusals: list[tuple[int, str]] = []
    for row in range(recusal_rows({**form, "add_recusal": ""})):
        raw_person = str(form.get(f"recusal_person_{row}", "")).strip()
        reason = " ".join(str(form.get(f"recusal_reason_{row}", "")).split())
        if not raw_person and not reason:
            continue
        person = parse_id(raw_person)
        if person not in voters or person in (mover, seconder) or person in {p for p, _ in recusals}:
            errors[f"recusal_person_{row}"] = N_("Choose a voting member present who did not move or second it.")
        elif not reason:
            errors[f"recusal_reason_{row}"] = N_("Say why they took no part.")
        elif len(reason) > MAX_RECUSAL_REASON:
            errors[f"recusal_reason_{row}"] = too_long(MAX_RECUSAL_REASON)
        else:
            recusals.append((person, reason))
    if not errors and sum(counts.values()) + len(recusals) > len(voters):
        errors["votes_for"] = Formatted(
            N_("More votes and recusals than voting members present (%(present)s)."), present=len(voters))
    if errors:
        return None, errors
    assert mover is not None
    return MotionInput(mover, seconder, counts["votes_for"], counts["votes_against"], counts["abstentions"],
                       majority, tuple(recusals)), {}


def motion_result(votes_for: int, votes_against: int, majority: str, quorum_met: bool) -> str:
    """Carried or failed: nothing carries without a quorum; abstentions are not votes cast."""
    if not quorum_met:
        return "failed"
    if majority == "two_thirds":
        return "carried" if votes_for > 0 and 3 * votes_for >= 2 * (votes_for + votes_against) else "failed"
    return "carried" if votes_for > votes_against else "failed"


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
