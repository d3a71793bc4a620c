"""A write decides with what is true when it writes, not with what the page saw: the access
checked when the request came in is read again inside the write's own transaction.

Each test takes the access a request would have taken, changes the world the way a second
person could in the meantime, and then makes the first request's write."""

from __future__ import annotations

import pytest

from server.actions import service as actions
from server.actions.access import action_access
from server.actions.tables import ActionItem
from server.errors import Closed, Forbidden, NotFound
from server.meetings import agenda, live
from server.meetings.tables import AgendaItem
from server.teams import service as teams
from server.teams.tables import Membership
from tests.conftest import CHAIR, SCHOOL, log_in, make_client
from tests.meetings_helpers import add_item, on_meeting, on_team, schedule, viewer_of

COLLABORATIVE = "Community Collaborative"
CO_CHAIR = "kevin.oconnell@maple.example"


async def test_an_item_cannot_be_removed_from_a_meeting_ended_after_the_page_was_read(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE))
    chair = await on_meeting(demo, CHAIR, meeting_id)
    item_id = await add_item(chair, "discussion", "Respite waitlist")
    co_chair = await on_meeting(demo, CO_CHAIR, meeting_id)  # the co-chair's page, agenda open
    await live.start(chair, confirmed=True)
    await live.end(await chair.confirm(run=True), {})  # the chair ends the meeting meanwhile
    with pytest.raises(Closed):
        await agenda.delete_item(co_chair, item_id)
    assert await AgendaItem.exists().where(AgendaItem.id == item_id)


async def test_a_chair_whose_seat_ended_meanwhile_cannot_add_to_the_roster(demo):
    team_id = demo.team(COLLABORATIVE)
    co_chair = await on_team(demo, CO_CHAIR, team_id)  # the roster page, read as co-chair
    await Membership.update({Membership.ended_on: co_chair.today}).where(
        (Membership.team == team_id) & (Membership.person == demo.people[CO_CHAIR]))
    before = await Membership.count()
    with pytest.raises(NotFound):  # no seat left: an outsider, told what any outsider is
        await teams.add_seat(co_chair, {"person_id": str(demo.people["derek.shaw@maple.example"]),
                                        "agency_id": str(demo.agencies["MCAP"]), "role": "member"})
    assert await Membership.count() == before


async def test_an_owner_who_lost_the_item_meanwhile_cannot_report_progress_on_it(demo):
    lead = await on_team(demo, CHAIR, demo.team(COLLABORATIVE))
    action_id, problems = await actions.create(lead, {
        "title": "Share the waitlist", "owner_id": str(demo.people[SCHOOL]), "status": "open"})
    assert action_id, problems
    owner = await action_access(viewer_of(demo, SCHOOL), action_id)  # her page: she may update
    assert owner.may_update
    await ActionItem.update({ActionItem.owner: demo.people[CHAIR], ActionItem.owner_agency: None}).where(
        ActionItem.id == action_id)
    with pytest.raises(Forbidden):
        await actions.record_progress(owner, {"status": "done", "version": "1"})
    assert (await ActionItem.select(ActionItem.status).where(ActionItem.id == action_id).first())["status"] == "open"


async def test_my_agencys_items_follow_the_agency_a_member_sits_for_on_that_team(app, demo):
    """Angela works for the school district in the directory; if she sits for the family
    agency on the collaborative, that agency's items there are hers to update, the district's
    are not (DESIGN.md §4: "given to them or their agency" on the team)."""
    team_id = demo.team(COLLABORATIVE)
    lead = await on_team(demo, CHAIR, team_id)
    for_seat, _ = await actions.create(lead, {"title": "For the family agency", "status": "open",
                                              "owner_agency_id": str(demo.agencies["FSA"])})
    for_directory, _ = await actions.create(lead, {"title": "For the school district", "status": "open",
                                                   "owner_agency_id": str(demo.agencies["MCS"])})
    assert for_seat and for_directory
    await Membership.update({Membership.agency: demo.agencies["FSA"]}).where(
        (Membership.team == team_id) & (Membership.person == demo.people[SCHOOL]))
    async with await make_client(app) as member:
        token = await log_in(member, SCHOOL)
        mine = (await member.get("/actions?show=agency&status=all")).text
        assert "For the family agency" in mine and "For the school district" not in mine
        allowed = await member.post(f"/actions/{for_seat}/progress", data={"_csrf_token": token})
        refused = await member.post(f"/actions/{for_directory}/progress", data={"_csrf_token": token})
    assert allowed.status_code == 422  # may update: only the empty form is refused
    assert refused.status_code == 403
