"""The case side of meetings (CONSENT.md §3, §4, §6): the case a case-review agenda item reviews,
the cases the people who run a meeting may put on its agenda, what an agenda shows of them,
review notes taken live (case entries, never minutes text), the room check with its step-outs,
and the shared meeting screen.

Case tables are read here for references and step-outs only, and written for links, step-outs
and review notes: every entry shown goes through disclosure.disclose() (which writes the
ledger), and who is covered is decided by disclosure.decided(), which shows nothing. An agenda item itself never carries a case fact: its
title stays "Case review"; the link to the case lives in CaseReview.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from server import clock, urls
from server.cases import disclosure, policy
from server.cases.disclosure import Shown
from server.cases.tables import Case, CaseEntry, CaseReview, StepOut
from server.db import Prepared, writing
from server.errors import Closed, Invalid, NotFound
from server.forms import parse_id, too_long
from server.i18n import N_
from server.meetings import live
from server.meetings import policy as meetings
from server.meetings.access import MeetingAccess
from server.meetings.tables import AgendaItem, Attendance

log = logging.getLogger("convene")

IDENTITY = frozenset({"identity"})
SHOWN_LIVE = frozenset({"identity", "review_note"})  # the chair's live view of the open case review
CATEGORIES = policy.CATEGORIES
NOTE_CATEGORIES = {code: label for code, label in policy.CATEGORIES.items() if code != "identity"}
DEFAULT_CATEGORY = "coordination"
ENTRY_KINDS = {
    "identity": N_("Identity"), "summary": N_("Summary"), "need": N_("Need"), "service": N_("Service or referral"),
    "plan_item": N_("Plan item"), "note": N_("Note"), "attachment": N_("Attachment"), "action": N_("Action item"),
    "review_note": N_("Case-review note"),
}

NOT_A_CASE = N_("Choose one of the team's open cases.")
NO_CASE = N_("Choose the case this item reviews first (edit the item on the agenda).")
NOT_OPEN = N_("Review notes are taken on the case-review item that is open.")
NO_AGENCY = N_("Review notes are recorded for the agency you sit for on this team, and you sit for none today.")
NO_NOTE = N_("Write the note.")
NO_CATEGORY = N_("Choose what kind of information the note holds.")
NOT_IN_ROOM = N_("Only someone checked in as present or remote can step out.")


# Which case an agenda item reviews.


async def open_cases(team: dict) -> list[dict]:
    """The team's open cases by reference (id, reference): what a chair may put on an agenda. A
    reference is not a case detail, so no decision is asked (CONSENT.md §3)."""
    if not policy.reviews_cases(team["kind"]):
        return []
    return await Case.select(Case.id, Case.reference).where(
        (Case.team == team["id"]) & (Case.status == "open")).order_by(Case.reference)


def choices(cases: list[dict], linked: dict | None) -> list[tuple[int, str]]:
    """Options for an item's case: the open cases, and the one it reviews now (closed since, say)."""
    options = [(case["id"], case["reference"]) for case in cases]
    if linked is not None and linked["id"] not in {case_id for case_id, _ in options}:
        options.append((linked["id"], linked["reference"]))
    return options


async def chosen_case(team: dict, form: dict[str, str], keep: int | None = None) -> tuple[int | None, str | None]:
    """The case a case-review item's form chose (None: to be chosen later), or a message. One of
    the team's open cases, or the one the item reviews already (`keep`)."""
    raw = str(form.get("case_id", "") or "").strip()
    if not raw:
        return None, None
    case_id = parse_id(raw)
    if case_id is None:
        return None, NOT_A_CASE
    if case_id == keep:
        return case_id, None
    found = await Case.exists().where((Case.id == case_id) & (Case.team == team["id"]) & (Case.status == "open"))
    return (case_id, None) if found else (None, NOT_A_CASE)


async def link(item_id: int, case_id: int | None) -> None:
    """Inside the caller's write: the item reviews this case (None: no case, or no case review)."""
    await CaseReview.delete().where(CaseReview.agenda_item == item_id)
    if case_id is not None:
        await CaseReview.insert(CaseReview(agenda_item=item_id, case=case_id))


async def carry(from_item: int, to_item: int) -> None:
    """Inside the caller's write: an item carried over reviews the case its original reviewed."""
    found = await CaseReview.select(CaseReview.case).where(CaseReview.agenda_item == from_item).first()
    if found is not None:
        await link(to_item, found["case"])


_REVIEWED = Prepared(lambda p: CaseReview.select(
    CaseReview.agenda_item, CaseReview.case.id.as_alias("case_id"), CaseReview.case.reference.as_alias("reference"),
).where((CaseReview.agenda_item.meeting == p.meeting) & (CaseReview.agenda_item.kind == "case_review")))


async def reviewed(meeting_id: int) -> dict[int, dict]:
    """Agenda item → the case it reviews ({"id", "reference"}), for a meeting's case-review items."""
    return {row["agenda_item"]: {"id": row["case_id"], "reference": row["reference"]}
            for row in await _REVIEWED.rows(meeting=meeting_id)}


def case_link(case_id: int) -> str | None:
    """The case page, once the app has one."""
    return urls.url("case", case_id=case_id) if urls.known("case") else None


# What an agenda shows.


async def on_agenda(access: MeetingAccess, items: list[dict], surface: str | None) -> None:
    """Puts on each case-review item the members may see (`item["case"]`): the case's reference;
    with a `surface`, also the client's name where the viewer may see an identity entry (else the
    template says "details withheld") and a link where they may open the case, decided by one
    disclose() call for all the meeting's cases. Guests see no reference at all."""
    if not access.is_member or not any(item["kind"] == "case_review" for item in items):
        return
    linked = await reviewed(access.meeting["id"])
    if not linked:
        return
    shown: dict[int, Shown] = {}
    if surface is not None:
        case_ids = sorted({case["id"] for case in linked.values()})
        shown = await disclosure.disclose(access.viewer, access.team, case_ids, surface, kinds=IDENTITY)
    for item in items:
        case = linked.get(item["id"])
        if case is None:
            continue
        seen = shown.get(case["id"])
        item["case"] = {
            "id": case["id"], "reference": case["reference"],
            "name": seen.client_name if seen else None,
            "link": case_link(case["id"]) if seen is not None else None,
        }


# Who is in the room for a case-review item.


_STEPPED_OUT = Prepared(lambda p: StepOut.select(StepOut.person, StepOut.departed_at).where(
    (StepOut.agenda_item == p.item) & StepOut.returned_at.is_null()))


async def stepped_out(item_id: int) -> dict[int, datetime]:
    """Who is out of the room for this item now, and since when."""
    return {row["person"]: row["departed_at"] for row in await _STEPPED_OUT.rows(item=item_id)}


def in_room(records: list[dict], out: dict[int, datetime], at: datetime) -> list[int]:
    """Present or remote, not departed, and not stepped out for the item (CONSENT.md §6)."""
    return sorted(person for person in meetings.attending_at(records, at) if person not in out)


@dataclass(frozen=True)
class RoomCheck:
    """The room as the chair checks it for a case review: who is in it and not covered by the
    case's releases, and who stepped out. Names and agencies only, never a case fact."""

    case: dict | None  # the case the item reviews: {"id", "reference"}; None until one is chosen
    present: list[int] = field(default_factory=list)  # in the room for this item
    uncovered: list[dict] = field(default_factory=list)  # {"id", "name", "agency"}
    out: list[dict] = field(default_factory=list)  # stepped out: {"id", "name", "agency", "since"}

    @property
    def taken(self) -> bool:
        """Someone is checked in: without attendance there is no room to check."""
        return bool(self.present or self.out)


async def room_check(access: MeetingAccess, item: dict, room: live.Room, case: dict | None) -> RoomCheck:
    """Compares who is in the room for this case-review item with the case: a person is not
    covered when the case holds any entry they may not see now."""
    out = await stepped_out(item["id"])
    at = access.viewer.at
    present = in_room(room.records, out, at)
    seats = {person["id"]: person for person in room.people}

    def who(person_id: int) -> dict:
        seat = seats.get(person_id, {})
        return {"id": person_id, "name": seat.get("name", ""),
                "agency": seat.get("agency_short") or seat.get("agency_name") or ""}

    uncovered: list[dict] = []
    if case is not None and present:
        entries, visible = await disclosure.decided(access.team, case["id"], present, at)
        uncovered = [who(person) for person in present if not entries <= visible[person]]
        uncovered.sort(key=lambda person: person["name"])
    gone = sorted(({**who(person), "since": since} for person, since in out.items()),
                  key=lambda person: person["name"])
    return RoomCheck(case, present, uncovered, gone)


# The chair's live view of the open case review.


@dataclass(frozen=True)
class LiveReview:
    """The open case-review item in the live view: the case (its reference; the name and the
    review notes the chair may see, through disclose()), the room check, and the notes form."""

    item_id: int
    case: dict | None
    shown: Shown | None
    room: RoomCheck

    @property
    def name(self) -> str | None:
        return self.shown.client_name if self.shown else None

    @property
    def notes(self) -> list[dict]:
        return [entry for entry in self.shown.entries if entry["kind"] == "review_note"] if self.shown else []

    @property
    def withheld(self) -> bool:
        return self.shown is None or self.shown.withheld

    @property
    def notices(self) -> list[str]:
        return [policy.NOTICE_TEXT[notice] for notice in policy.notices(e["category"] for e in self.notes)]

    @property
    def categories(self) -> dict[str, str]:
        return NOTE_CATEGORIES

    @property
    def link(self) -> str | None:
        return case_link(self.case["id"]) if self.case and self.shown is not None else None


async def live_review(access: MeetingAccess, item: dict, room: live.Room) -> LiveReview:
    case = (await reviewed(access.meeting["id"])).get(item["id"])
    check = await room_check(access, item, room, case)
    shown = None
    if case is not None:
        shown = (await disclosure.disclose(access.viewer, access.team, [case["id"]], "live", kinds=SHOWN_LIVE)
                 ).get(case["id"])
    return LiveReview(item["id"], case, shown, check)


async def _open_review(access: MeetingAccess, item_id: int) -> dict:
    """Inside a write, the meeting running: the case-review item open now, and the case it reviews."""
    if access.meeting["current_item_id"] != item_id:
        raise Closed(NOT_OPEN)
    item = await AgendaItem.select(AgendaItem.id, AgendaItem.kind).where(
        (AgendaItem.id == item_id) & (AgendaItem.meeting == access.meeting["id"])).first()
    if item is None or item["kind"] != "case_review":
        raise NotFound()
    return item


# Step-outs: a departure and a return time in attendance, for one item.


async def step_out(access: MeetingAccess, item_id: int, person_id: int | None) -> None:
    """The chair marks someone in the room as stepped out for the open case-review item: a StepOut
    row, and their attendance shows them gone until they come back."""
    async with writing():
        access = await live.running(access)
        await _open_review(access, item_id)
        room = await live.attendance(access)
        out = await stepped_out(item_id)
        if person_id in out:
            return  # a second click
        now = clock.now()
        if person_id is None or person_id not in in_room(room.records, out, now):
            raise Invalid(NOT_IN_ROOM)
        await StepOut.insert(StepOut(agenda_item=item_id, person=person_id, departed_at=now, returned_at=None,
                                     recorded_by=access.viewer.id))
        await Attendance.update({Attendance.departed_at: now, Attendance.updated_at: now,
                                 Attendance.recorded_by: access.viewer.id}).where(
            (Attendance.meeting == access.meeting["id"]) & (Attendance.person == person_id))
        await live.bump_version(access.meeting["id"])


async def bring_back(access: MeetingAccess, item_id: int, person_id: int | None) -> None:
    """The chair brings someone (None: everyone) back into the room for the open item."""
    async with writing():
        access = await live.running(access)
        await _open_review(access, item_id)
        if await return_all(access.meeting["id"], item_id, clock.now(), person_id):
            await live.bump_version(access.meeting["id"])


_RETURN_ATTENDANCE = (
    "UPDATE attendance SET departed_at = NULL, updated_at = {} WHERE meeting = {} AND EXISTS (SELECT 1 FROM step_out s"
    " JOIN agenda_item i ON i.id = s.agenda_item WHERE i.meeting = attendance.meeting AND s.person = attendance.person"
    " AND s.returned_at IS NULL AND s.departed_at = attendance.departed_at%s)"
)


async def return_all(meeting_id: int, item_id: int | None, now: datetime, person_id: int | None = None) -> bool:
    """Inside the caller's write: everyone stepped out of the item (None: of any item of the
    meeting; `person_id`: only them) is back. Their attendance shows them in the room again,
    unless it has recorded them leaving since. Whether anyone came back."""
    condition = StepOut.returned_at.is_null() & StepOut.agenda_item.is_in(
        AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id))
    extra, arguments = "", [now, meeting_id]
    if item_id is not None:
        condition &= StepOut.agenda_item == item_id
        extra += " AND s.agenda_item = {}"
        arguments.append(item_id)
    if person_id is not None:
        condition &= StepOut.person == person_id
        extra += " AND s.person = {}"
        arguments.append(person_id)
    if not await StepOut.exists().where(condition):
        return False
    await Attendance.raw(_RETURN_ATTENDANCE % extra, *arguments)
    await StepOut.update({StepOut.returned_at: now}).where(condition)
    return True


# Review notes: case entries, never minutes text.


def validate_note(form: dict[str, str]) -> tuple[tuple[str, str] | None, dict[str, str]]:
    body = str(form.get("body", "")).replace("\r\n", "\n").strip()
    category = str(form.get("category", "") or DEFAULT_CATEGORY)
    errors: dict[str, str] = {}
    if not body:
        errors["body"] = NO_NOTE
    elif len(body) > meetings.MAX_NOTES:
        errors["body"] = too_long(meetings.MAX_NOTES)
    if category not in NOTE_CATEGORIES:
        errors["category"] = NO_CATEGORY
    return (None, errors) if errors else ((body, category), {})


async def add_review_note(access: MeetingAccess, item_id: int, form: dict[str, str]) -> dict[str, str]:
    """A note taken on the open case-review item, kept as an entry of the case it reviews: the
    note-taker's agency (the one they sit for now) is its source. Field messages, or {}."""
    note, problems = validate_note(form)
    if note is None:
        return problems
    body, category = note
    async with writing():
        access = await live.running(access)
        await _open_review(access, item_id)
        case = (await reviewed(access.meeting["id"])).get(item_id)
        if case is None:
            raise Invalid(NO_CASE)
        now = clock.now()
        reader = (await disclosure.readers(access.team, [access.viewer.id], now))[access.viewer.id][0]
        if not policy.may_add_entries(reader):
            raise Invalid(NO_AGENCY)
        await CaseEntry.insert(CaseEntry(
            case=case["id"], kind="review_note", category=category, source_agency=reader.agency_id, title="",
            body=body, meeting=access.meeting["id"], agenda_item=item_id, recorded_by=access.viewer.id,
            recorded_at=now,
        ))
        await live.bump_version(access.meeting["id"])
    return {}


# The meeting screen: what everyone in the room may see.


_ITEMS = Prepared(lambda p: AgendaItem.select(AgendaItem.id, AgendaItem.kind, AgendaItem.title).where(
    AgendaItem.meeting == p.meeting).order_by(AgendaItem.position).order_by(AgendaItem.id))


@dataclass(frozen=True)
class Screen:
    """What the shared screen shows: the open item and, for a case review, the entries of its case
    that every person in the room (and the chair) may see."""

    item: dict | None  # the open item: id, kind, number, title (as the agenda shows it)
    total: int
    case: dict | None = None
    present: list[int] = field(default_factory=list)
    shown: Shown | None = None

    @property
    def entries(self) -> list[dict]:
        return self.shown.entries if self.shown else []

    @property
    def withheld(self) -> bool:
        return self.shown is None or self.shown.withheld or not self.shown.entries

    @property
    def name(self) -> str | None:
        return self.shown.client_name if self.shown else None

    @property
    def notices(self) -> list[str]:
        return [policy.NOTICE_TEXT[notice] for notice in self.shown.notices] if self.shown else []

    @property
    def fingerprint(self) -> str:
        if self.case is None or not self.present:
            return ""
        return fingerprint(self.case["id"], [entry["id"] for entry in self.entries], self.withheld)


def fingerprint(case_id: int, shown_ids: list[int], withheld: bool) -> str:
    """What a screen shows of a case, in a few characters: a poll that would show the same answers
    204 (no ledger row for what was not sent again); a revocation changes it at once."""
    text = f"{case_id}:{','.join(str(i) for i in sorted(shown_ids))}:{int(withheld)}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


async def _on_screen(access: MeetingAccess) -> tuple[Screen, list[int]]:
    """The open item and, for a case review with its case chosen and attendance taken, who is in
    the room (the chair is always shown it too)."""
    meeting = access.meeting
    if meeting["live_status"] != "live" or meeting["current_item_id"] is None:
        return Screen(None, 0), []
    items = await _ITEMS.rows(meeting=meeting["id"])
    number, row = next(((n, row) for n, row in enumerate(items, start=1) if row["id"] == meeting["current_item_id"]),
                       (0, None))
    if row is None:
        return Screen(None, len(items)), []
    item = {"id": row["id"], "kind": row["kind"], "number": number,
            "title": meetings.item_title(row["kind"], row["title"], number)}
    if row["kind"] != "case_review":
        return Screen(item, len(items)), []
    case = (await reviewed(meeting["id"])).get(row["id"])
    if case is None:
        return Screen(item, len(items)), []
    room = await live.attendance(access)
    present = in_room(room.records, await stepped_out(row["id"]), access.viewer.at)
    return Screen(item, len(items), case, present), present


async def screen(access: MeetingAccess) -> Screen:
    """The screen as it is shown now: disclose() for the room (a ledger row for each person in it)."""
    found, present = await _on_screen(access)
    if found.case is None or not present:
        return found
    shown = (await disclosure.disclose(access.viewer, access.team, [found.case["id"]], "screen",
                                       audience=present)).get(found.case["id"])
    return Screen(found.item, found.total, found.case, present, shown)


async def screen_fingerprint(access: MeetingAccess) -> str:
    """The fingerprint of what the screen would show now, decided without showing anything."""
    found, present = await _on_screen(access)
    if found.case is None or not present:
        return ""
    people = sorted({access.viewer.id, *present})
    entries, visible = await disclosure.decided(access.team, found.case["id"], people, access.viewer.at)
    shared = frozenset.intersection(*(visible[person] for person in people))
    return fingerprint(found.case["id"], list(shared), not shared or shared != entries)
