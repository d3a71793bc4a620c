"""Agendas: items with running start times, reordering, the team's standing items, carry-over
of unfinished items, publishing. Every change raises the meeting's live version (watching
pages refresh); none touches the meeting's calendar identity (see scheduling.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from server import clock
from server.actions.tables import ActionItem
from server.attachments.tables import Attachment
from server.cases import meeting_cases
from server.db import Prepared, Raw, lock_row, reading, writing
from server.errors import Invalid, NotFound, Stale
from server.forms import parse_version
from server.i18n import N_
from server.meetings import live, policy
from server.meetings.access import MeetingAccess
from server.meetings.tables import AgendaItem, Decision, Meeting, Motion, Recusal, TemplateItem
from server.teams import membership
from server.teams.access import TeamAccess
from server.teams.tables import Team

ITEM_COLUMNS = (
    AgendaItem.id, AgendaItem.position, AgendaItem.kind, AgendaItem.title, AgendaItem.presenter,
    AgendaItem.presenter.name, AgendaItem.planned_minutes, AgendaItem.presenter_notes, AgendaItem.notes,
    AgendaItem.status, AgendaItem.started_at, AgendaItem.ended_at, AgendaItem.carried_from,
    AgendaItem.version,
)
log = logging.getLogger("convene")
AGENDA_FULL = N_("An agenda holds at most 80 items.")
HAS_DOCUMENTS = N_("This item has documents or links, and a case review takes none: everyone who sees the agenda "
                   "sees them. Remove them first, then make the item a case review.")


def item_row(meeting_id: int, position: int, kind: str, title: str, planned_minutes: int, *,
             presenter: int | None = None, presenter_notes: str = "", carried_from: int | None = None) -> AgendaItem:
    """A new agenda item, not yet taken up."""
    return AgendaItem(
        meeting=meeting_id, position=position, kind=kind, title=policy.stored_item_title(kind, title),
        presenter=presenter, planned_minutes=planned_minutes, presenter_notes=presenter_notes,
        status="pending", carried_from=carried_from, version=1,
    )


@dataclass(frozen=True)
class Agenda:
    items: list[dict]
    actions: list[dict]  # action items created in this meeting
    open_actions: list[dict]  # the team's open ones, for an action-item review item
    total_minutes: int
    overruns: bool


async def agenda(access: MeetingAccess) -> Agenda:
    """Items with running start times, decisions, and the action items they produced."""
    meeting = access.meeting
    async with reading():
        items = _items_with_decisions(await _ITEMS_AND_DECISIONS.rows(meeting=meeting["id"]))
        await _with_votes(meeting["id"], items)
        needs_review = access.is_member and any(item["kind"] == "action_item_review" for item in items)
        actions, open_actions = await _action_items(access, needs_review) if access.is_member else ([], [])
    starts = policy.running_starts(meeting["starts_at"], [i["planned_minutes"] for i in items])
    actions_by_item: dict[int, list[dict]] = {}
    for action in actions:
        actions_by_item.setdefault(action["source_item"], []).append(action)
    for number, (item, start) in enumerate(zip(items, starts, strict=True), start=1):
        item["number"] = number
        item["display_title"] = policy.item_title(item["kind"], item["title"], number)
        item["planned_start"] = start
        item["actions"] = actions_by_item.get(item["id"], [])
    total = sum(i["planned_minutes"] for i in items)
    return Agenda(
        items=items, actions=actions, open_actions=open_actions, total_minutes=total,
        overruns=total > int((meeting["ends_at"] - meeting["starts_at"]).total_seconds() // 60),
    )


OPEN = ("open", "in_progress", "blocked")


# The agenda's items with their decisions, in one statement (an item row once per decision):
# only what the pages show (an item being edited is read whole by get_item). Votes on the
# decisions, and their recusals, come in two more only when the meeting has any.
_ITEMS_AND_DECISIONS = Raw(
    'SELECT i.id, i.kind, i.title, p.name AS "presenter.name", i.planned_minutes, i.presenter_notes, i.notes,'
    " i.status, i.outcome, i.started_at, d.id AS decision_id, d.text AS decision_text, mo.id AS motion_id"
    " FROM agenda_item i LEFT JOIN person p ON p.id = i.presenter LEFT JOIN decision d ON d.agenda_item = i.id"
    " LEFT JOIN motion mo ON mo.decision = d.id"
    " WHERE i.meeting = {meeting} ORDER BY i.position, i.id, d.id",
    AgendaItem,
)
MOTION_FIELDS = ("votes_for", "votes_against", "abstentions", "majority", "result", "quorum_needed",
                 "quorum_present", "quorum_voting")
_MOTIONS = Raw(
    "SELECT mo.id, mv.name AS mover, sc.name AS seconder, " + ", ".join(f"mo.{f}" for f in MOTION_FIELDS)
    + " FROM motion mo JOIN decision d ON d.id = mo.decision JOIN agenda_item i ON i.id = d.agenda_item"
    " JOIN person mv ON mv.id = mo.mover LEFT JOIN person sc ON sc.id = mo.seconder"
    " WHERE i.meeting = {meeting}",
    Motion,
)
_RECUSALS = Raw(
    "SELECT r.motion, p.name, r.reason FROM recusal r JOIN person p ON p.id = r.person"
    " JOIN motion mo ON mo.id = r.motion JOIN decision d ON d.id = mo.decision"
    " JOIN agenda_item i ON i.id = d.agenda_item WHERE i.meeting = {meeting} ORDER BY r.id",
    Recusal,
)


def _items_with_decisions(rows: list[dict]) -> list[dict]:
    """One dict per item, in agenda order, with its decisions (the rows come by item, then
    decision); a decision taken by a vote holds its motion's id until _with_votes fills it in."""
    items: list[dict] = []
    item: dict = {}
    for row in rows:
        decision_id, text, motion_id = row.pop("decision_id"), row.pop("decision_text"), row.pop("motion_id")
        if row["id"] != item.get("id"):
            item = row
            item["decisions"] = []
            items.append(item)
        if decision_id is not None:
            item["decisions"].append({"id": decision_id, "agenda_item": item["id"], "text": text, "motion": motion_id})
    return items


async def _with_votes(meeting_id: int, items: list[dict]) -> None:
    """Each motion whole (mover, seconder, the count, the quorum, recusals), when there are any."""
    decisions = [d for item in items for d in item["decisions"] if d["motion"] is not None]
    if not decisions:
        return
    motions = {row["id"]: {**row, "recusals": []} for row in await _MOTIONS.rows(meeting=meeting_id)}
    for row in await _RECUSALS.rows(meeting=meeting_id):
        motions[row["motion"]]["recusals"].append({"name": row["name"], "reason": row["reason"]})
    for decision in decisions:
        decision["motion"] = motions[decision["motion"]]


_CREATED_HERE = Prepared(lambda p: ActionItem.select(
    ActionItem.id, ActionItem.title, ActionItem.status, ActionItem.due_on, ActionItem.source_item,
    ActionItem.version, ActionItem.owner.name, ActionItem.owner_agency.name, ActionItem.owner_agency.short_name,
).where(ActionItem.source_meeting == p.meeting).order_by(ActionItem.id))

# An action-item review takes up the team's items that were open when the meeting began, each
# with its status as it stood at the meeting's end (now, while it has not ended): the review of
# a past meeting shows what the meeting saw, and one closed during the meeting stays in view.
# In the same statement, the items the meeting created (`here`). A status at a moment is read
# from the item's log only when that moment is past: before the meeting begins, and while it
# runs for its end, the item's own status is the one that counts (and costs no subquery).
_STATUS_AT = ("COALESCE((SELECT u.status_to FROM action_update u WHERE u.action_item = a.id AND u.at < {%s}"
              " ORDER BY u.at DESC, u.id DESC LIMIT 1), a.status)")
_NAMES = (' o.name AS "owner.name", g.name AS "owner_agency.name", g.short_name AS "owner_agency.short_name"'
          " FROM action_item a LEFT JOIN person o ON o.id = a.owner LEFT JOIN agency g ON g.id = a.owner_agency")


def _created_and_reviewed(began: bool, ended: bool) -> Raw:
    return Raw(
        "SELECT 1 AS here, a.id, a.title, a.status, a.due_on, a.source_item, a.version," + _NAMES
        + " WHERE a.source_meeting = {meeting}"
        " UNION ALL SELECT 0, id, title, status, due_on, source_item, version, \"owner.name\", \"owner_agency.name\","
        ' "owner_agency.short_name" FROM (SELECT a.id, a.title, a.due_on, a.source_item, a.version,'
        f" {_STATUS_AT % 'start' if began else 'a.status'} AS status_at_start,"
        f" {_STATUS_AT % 'end' if ended else 'a.status'} AS status," + _NAMES
        + " WHERE a.team = {team} AND a.created_at < {start}) reviewed"
        " WHERE status_at_start IN ('open', 'in_progress', 'blocked')",
        ActionItem,
    )


_CREATED_AND_REVIEWED = {(began, ended): _created_and_reviewed(began, ended)
                         for began in (False, True) for ended in (False, True)}


async def _action_items(access: MeetingAccess, needs_review: bool) -> tuple[list[dict], list[dict]]:
    """The action items this meeting created and, for an action-item review, the ones it
    reviews (see _created_and_reviewed), in one statement."""
    meeting = access.meeting
    if not needs_review:
        return await _CREATED_HERE.rows(meeting=meeting["id"]), []
    ended = not access.agenda_open
    start = meeting["live_started_at"] or (meeting["starts_at"] if ended else access.viewer.at)
    end = meeting["live_ended_at"] or meeting["ends_at"]
    began = meeting["live_started_at"] is not None or ended
    rows = await _CREATED_AND_REVIEWED[began, ended].rows(
        meeting=meeting["id"], team=access.team["id"], start=start, **({"end": end} if ended else {}))
    created: list[dict] = []
    reviewed: list[dict] = []
    for row in rows:
        (created if row.pop("here") else reviewed).append(row)
    created.sort(key=lambda row: row["id"])
    reviewed.sort(key=lambda row: (row["due_on"] is None, row["due_on"] or date.min, row["id"]))
    return created, reviewed


async def _presenter_ids(access: MeetingAccess) -> set[int]:
    return {person["id"] for person in await membership.seated(access.team, access.today)}


async def _changing(access: MeetingAccess) -> MeetingAccess:
    """Inside writing(): the meeting locked and its access read again. Closed if the meeting has
    ended since the page was read, Forbidden if the viewer no longer runs it."""
    await lock_row(Meeting, access.meeting["id"])
    return await access.confirm(run=True, agenda=True)


async def _case_problems(access: MeetingAccess, form: dict[str, str], problems: dict[str, str],
                         keep: int | None = None) -> tuple[int | None, dict[str, str]]:
    """The case a case-review item's form chose (by its opaque reference), with the form's
    field messages and any about the case."""
    if form.get("kind") != "case_review":
        return None, problems
    case_id, problem = await meeting_cases.chosen_case(access.team, form, keep)
    return case_id, {**problems, "case_id": problem} if problem else problems


async def add_item(access: MeetingAccess, form: dict[str, str]) -> dict[str, str]:
    """Appends an item: field messages, or {} when added. Invalid when the agenda is full."""
    async with writing():
        access = await _changing(access)
        data, problems = policy.validate_item(form, await _presenter_ids(access))
        case_id, problems = await _case_problems(access, form, problems)
        if data is None or problems:
            return problems
        count = await AgendaItem.count().where(AgendaItem.meeting == access.meeting["id"])
        if count >= policy.MAX_AGENDA_ITEMS:
            raise Invalid(AGENDA_FULL)
        added = await AgendaItem.insert(item_row(
            access.meeting["id"], count, data.kind, data.title, data.planned_minutes,
            presenter=data.presenter_id, presenter_notes=data.presenter_notes,
        )).returning(AgendaItem.id)
        if case_id is not None:
            await meeting_cases.link(added[0]["id"], case_id)
        await live.bump_version(access.meeting["id"])
    return {}


async def get_item(access: MeetingAccess, item_id: int) -> dict:
    item = await AgendaItem.select(*ITEM_COLUMNS).where(
        (AgendaItem.id == item_id) & (AgendaItem.meeting == access.meeting["id"])
    ).first()
    if item is None:
        raise NotFound()
    return item


async def edit_item(access: MeetingAccess, item_id: int, form: dict[str, str]) -> dict[str, str]:
    """Field messages, or {} when saved. NotFound when the item is gone; Stale when someone else
    changed it first."""
    async with writing():
        access = await _changing(access)
        item = await get_item(access, item_id)
        data, problems = policy.validate_item(form, await _presenter_ids(access))
        linked = (await meeting_cases.reviewed(access.meeting["id"])).get(item_id) \
            if item["kind"] == "case_review" else None
        case_id, problems = await _case_problems(access, form, problems, linked["id"] if linked else None)
        if form.get("kind") == "case_review" and item["kind"] != "case_review" and await Attachment.exists().where(
                Attachment.agenda_item == item_id):
            # Hidden once the item became a case review, its documents would stay in storage and
            # turn into the whole meeting's if the item were removed: they go first.
            problems = {**problems, "kind": HAS_DOCUMENTS}
        if data is None or problems:
            return problems
        updated = await AgendaItem.update({
            AgendaItem.kind: data.kind, AgendaItem.title: policy.stored_item_title(data.kind, data.title),
            AgendaItem.presenter: data.presenter_id, AgendaItem.planned_minutes: data.planned_minutes,
            AgendaItem.presenter_notes: data.presenter_notes, AgendaItem.version: item["version"] + 1,
        }).where(
            (AgendaItem.id == item_id) & (AgendaItem.version == parse_version(form.get("version")))
        ).returning(AgendaItem.id)
        if not updated:
            raise Stale()
        if data.kind == "case_review" or item["kind"] == "case_review":
            await meeting_cases.link(item_id, case_id if data.kind == "case_review" else None)
        await live.bump_version(access.meeting["id"])
    return {}


async def delete_item(access: MeetingAccess, item_id: int) -> None:
    """Removes an item. An ordinary item's documents move to the meeting itself; a case review's
    (attached before it became one, and shown to no one since) go with it, never to the meeting."""
    async with writing():
        access = await _changing(access)
        item = await get_item(access, item_id)
        removed = []
        if item["kind"] == "case_review":
            removed = await Attachment.delete().where(Attachment.agenda_item == item_id).returning(
                Attachment.storage_key)
            # Anyone stepped out for it is back in the room (its step-outs go with it).
            await meeting_cases.return_all(access.meeting["id"], item_id, clock.now())
        await Decision.delete().where(Decision.agenda_item == item_id)
        await ActionItem.update({ActionItem.source_item: None}).where(ActionItem.source_item == item_id)
        await AgendaItem.delete().where(AgendaItem.id == item_id)
        await _number(access.meeting["id"], await _order(access.meeting["id"]))
        await live.bump_version(access.meeting["id"])
    await _forget_files({row["storage_key"] for row in removed if row["storage_key"]})


async def _forget_files(keys: set[str]) -> None:
    """After the commit: stored files no row points at any more are removed (a failure leaves a
    harmless file that the next start sweeps away)."""
    if not keys:
        return
    from server.attachments import service as attachments

    for key in sorted(keys):
        try:
            await attachments.forget(key)
        except Exception:
            log.exception("could not remove the unused stored file %s", key)


async def _order(meeting_id: int) -> list[int]:
    rows = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id).order_by(
        AgendaItem.position
    )
    return [row["id"] for row in rows]


async def _number(meeting_id: int, order: list[int]) -> None:
    """Positions 0, 1, 2, … in this order, in one statement whatever the agenda's length."""
    if not order:
        return
    cases = " ".join("WHEN {} THEN CAST({} AS INTEGER)" for _ in order)
    arguments = [value for position, item_id in enumerate(order) for value in (item_id, position)]
    await AgendaItem.raw(
        f"UPDATE agenda_item SET position = CASE id {cases} END WHERE meeting = {{}}", *arguments, meeting_id,
    )


async def reorder(access: MeetingAccess, item_id: int | None, direction: str | None,
                  proposed: list[int] | None) -> None:
    """Moves one item up or down, or applies a dragged order. Invalid if the order is not valid."""
    async with writing():
        access = await _changing(access)
        order = await _order(access.meeting["id"])
        if proposed is not None:
            new_order = policy.reordered(order, proposed)
        elif item_id is not None and direction is not None:
            if item_id not in order:  # another meeting's item, or one deleted meanwhile
                raise NotFound()
            new_order = policy.moved(order, item_id, direction)
        else:
            new_order = None
        if new_order is None:
            raise Invalid(N_("The agenda changed meanwhile; reload and try again.") if proposed is not None else None)
        if new_order != order:
            await _number(access.meeting["id"], new_order)
            await live.bump_version(access.meeting["id"])


# The team's standing items.


async def template_items(team_id: int) -> list[dict]:
    return await TemplateItem.select().where(TemplateItem.team == team_id).order_by(TemplateItem.position)


async def add_standing_items(team_id: int, meeting_ids: list[int]) -> None:
    """Inside writing(): the team's standing items onto new meetings."""
    template = await template_items(team_id)
    rows = [item_row(meeting_id, position, t["kind"], t["title"], t["planned_minutes"])
            for meeting_id in meeting_ids for position, t in enumerate(template)]
    if rows:
        await AgendaItem.insert(*rows)


async def apply_template(access: MeetingAccess) -> int:
    """Adds the team's standing items that the agenda does not have yet; returns how many."""
    async with writing():
        access = await _changing(access)
        existing = await AgendaItem.select(AgendaItem.title, AgendaItem.kind).where(
            AgendaItem.meeting == access.meeting["id"]
        )
        have = {(row["kind"], row["title"]) for row in existing}
        missing = [t for t in await template_items(access.team["id"]) if (t["kind"], t["title"]) not in have]
        if missing:
            await AgendaItem.insert(*[
                item_row(access.meeting["id"], len(existing) + n, t["kind"], t["title"], t["planned_minutes"])
                for n, t in enumerate(missing)
            ])
            await live.bump_version(access.meeting["id"])
    return len(missing)


async def add_template_item(access: TeamAccess, form: dict[str, str]) -> dict[str, str]:
    data, problems = policy.validate_item(form, set())
    if data is None:
        return problems
    async with writing():
        await lock_row(Team, access.team["id"])
        access = await access.confirm(policy.can_run)
        count = await TemplateItem.count().where(TemplateItem.team == access.team["id"])
        await TemplateItem.insert(TemplateItem(
            team=access.team["id"], position=count, kind=data.kind,
            title=policy.stored_item_title(data.kind, data.title), planned_minutes=data.planned_minutes,
        ))
    return {}


async def delete_template_item(access: TeamAccess, item_id: int) -> None:
    team_id = access.team["id"]
    async with writing():
        await lock_row(Team, team_id)
        await access.confirm(policy.can_run)
        deleted = await TemplateItem.delete().where(
            (TemplateItem.id == item_id) & (TemplateItem.team == team_id)
        ).returning(TemplateItem.id)
        if not deleted:  # another team's standing item, or one deleted meanwhile
            raise NotFound()
        for position, row in enumerate(await template_items(team_id)):
            await TemplateItem.update({TemplateItem.position: position}).where(TemplateItem.id == row["id"])


# Publishing and carry-over.


async def set_published(access: MeetingAccess, published: bool) -> None:
    async with writing():
        access = await _changing(access)
        await Meeting.update({
            Meeting.agenda_published_at: clock.now() if published else None, Meeting.version: Meeting.version + 1,
        }).where(Meeting.id == access.meeting["id"])
        await live.bump_version(access.meeting["id"])


# Items deferred or not reached at the team's last ended meeting before this one: not carried
# anywhere yet, and neither standing items nor reviews (every meeting gets those anyway).
_UNFINISHED = Raw(
    'SELECT i.id, i.position, i.kind, i.title, i.presenter, p.name AS "presenter.name", i.planned_minutes,'
    " i.presenter_notes, i.notes, i.status, i.outcome, i.started_at, i.ended_at, i.carried_from, i.version,"
    ' m.id AS "meeting.id", m.title AS "meeting.title", m.starts_at AS "meeting.starts_at"'
    " FROM agenda_item i JOIN meeting m ON m.id = i.meeting LEFT JOIN person p ON p.id = i.presenter"
    " WHERE i.meeting = (SELECT last.id FROM meeting last WHERE last.team = {team} AND last.live_status = 'ended'"
    " AND last.starts_at < {starts_at} AND last.id <> {meeting} ORDER BY last.starts_at DESC LIMIT 1)"
    " AND i.outcome IN ('deferred', 'not_reached') AND i.status <> 'carried'"
    " AND i.kind NOT IN ('standing', 'action_item_review')"
    " AND i.id NOT IN (SELECT here.carried_from FROM agenda_item here WHERE here.meeting = {meeting}"
    " AND here.carried_from IS NOT NULL)"
    " AND NOT EXISTS (SELECT 1 FROM template_item t WHERE t.team = {team} AND t.kind = i.kind AND t.title = i.title)"
    " ORDER BY i.position",
    AgendaItem,
)


async def carry_over_candidates(access: MeetingAccess) -> list[dict]:
    """Items deferred or not reached at the team's last ended meeting, not yet carried over."""
    meeting = access.meeting
    unfinished = await _UNFINISHED.rows(team=access.team["id"], starts_at=meeting["starts_at"], meeting=meeting["id"])
    for item in unfinished:
        item["from_meeting"] = {"id": item["meeting.id"], "title": item["meeting.title"],
                                "starts_at": item["meeting.starts_at"]}
    return unfinished


async def carry_over(access: MeetingAccess, item_id: int) -> None:
    """Copies an unfinished item onto this agenda, once (two clicks at once carry it once)."""
    async with writing():
        access = await _changing(access)
        item = {item["id"]: item for item in await carry_over_candidates(access)}.get(item_id)
        if item is None:
            raise NotFound()
        count = await AgendaItem.count().where(AgendaItem.meeting == access.meeting["id"])
        added = await AgendaItem.insert(item_row(
            access.meeting["id"], count, item["kind"], item["title"], item["planned_minutes"],
            presenter=item["presenter"], presenter_notes=item["presenter_notes"], carried_from=item["id"],
        )).returning(AgendaItem.id)
        if item["kind"] == "case_review":  # it goes on reviewing the same case
            await meeting_cases.carry(item["id"], added[0]["id"])
        await AgendaItem.update({AgendaItem.status: "carried"}).where(AgendaItem.id == item_id)
        await live.bump_version(access.meeting["id"])
