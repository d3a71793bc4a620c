"""What the meeting pages show, each gathered by one call: the meeting page (the agenda, and the
chair's editing aids), the live view, and what a watching page's poll needs."""

from __future__ import annotations

from server.actions import service as actions
from server.attachments import service as attachments
from server.cases import meeting_cases
from server.db import reading
from server.meetings import agenda, live, policy, scheduling
from server.meetings.access import MeetingAccess
from server.teams import membership


async def meeting_page(access: MeetingAccess, *, editing_aids: bool = True, shows_agenda: bool = True) -> dict:
    """The meeting page: facts, the live panel, the agenda (when the viewer may see it) and, for
    the people who run it, the roster, carry-over candidates and invited guests. The agenda's
    case reviews are disclosed (and so in the ledger) only when the answer `shows_agenda`."""
    meeting, now = access.meeting, access.viewer.at
    async with reading():
        context = {
            "m_": meeting, "team": access.team, "access": access, "zone": access.team["time_zone"], "now": now,
            "agenda": await agenda.agenda(access) if access.can_see_agenda else None,
            "series": await scheduling.get_series(meeting["series"]),
            "watch": policy.is_watched(meeting["live_status"], meeting["status"], meeting["starts_at"], now),
        }
        context["documents"] = await attachments.on_agenda(access, context["agenda"])
        context["cases"] = []
        if access.can_run and editing_aids:
            people = await membership.seated(access.team, access.today)
            context.update({
                "people": people, "guests": [person for person in people if person["role"] == "guest"],
                "carry": await agenda.carry_over_candidates(access) if access.editing else [],
                "invited": await scheduling.invitations(meeting["id"]),
                "cases": meeting_cases.choices(await meeting_cases.open_cases(access.team), None)
                if access.editing else [],
            })
    if context["agenda"] is not None and shows_agenda:  # after the reads: the disclosure writes the ledger
        await meeting_cases.on_agenda(access, context["agenda"].items, "agenda")
    context["minutes_visible"] = access.can_see_minutes()
    context["current"] = current_item(context["agenda"], meeting)
    return context


def current_item(agenda_view: agenda.Agenda | None, meeting: dict) -> dict | None:
    if agenda_view is None:
        return None
    return next((item for item in agenda_view.items if item["id"] == meeting["current_item_id"]), None)


async def live_page(access: MeetingAccess) -> dict:
    """The chair's live view: the current item, the agenda with each item's outcome, the pace
    against the plan, attendance and quorum, and who may own a new action item or move a motion."""
    meeting, now = access.meeting, access.viewer.at
    async with reading():
        agenda_view = await agenda.agenda(access) if access.can_see_agenda else None
        context = {
            "m_": meeting, "team": access.team, "access": access, "agenda": agenda_view,
            "current": current_item(agenda_view, meeting), "zone": access.team["time_zone"],
            "now": now, "room": await live.attendance(access) if access.can_run else None,
        }
        if access.can_run:
            _, people, agencies = await actions.owner_choices(access.team, access.today)
            context.update({"owners": people, "agencies": agencies})
    items = agenda_view.items if agenda_view else []
    context["pace"] = policy.pace(meeting["starts_at"], meeting["ends_at"], items, meeting["current_item_id"],
                                  meeting["current_since"], now) if meeting["live_status"] == "live" else None
    context["undoable"] = meeting["live_status"] == "live" and policy.start_undoable(
        items, agenda_view.actions if agenda_view else [])
    room = context["room"]
    if agenda_view is not None:  # references only: the open case review shows the rest
        await meeting_cases.on_agenda(access, agenda_view.items, None)
    current = context["current"]
    context["review"] = await meeting_cases.live_review(access, current, room) \
        if current and current["kind"] == "case_review" and room else None
    names = {person["id"]: person["name"] for person in room.people} if room else {}
    context["voters"] = [{"id": person, "name": names.get(person, "")} for person in (room.voters if room else {})]
    context["voters"].sort(key=lambda voter: voter["name"])
    return context
