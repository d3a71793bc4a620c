"""Self-granted access is visible: a site admin seating themselves is allowed, recorded and shown
on the team's roster and in the admin's access log; so is every change that raises someone's
access (issue 7 §11)."""

from __future__ import annotations

from server.teams.tables import AccessGrant, Membership
from tests.conftest import ADMIN, CHAIR, SCHOOL, log_in, make_client, post_form

CLUSTER = "Perinatal Cluster"
COLLABORATIVE = "Community Collaborative"


async def test_a_site_admin_seating_themselves_is_allowed_recorded_and_shown(app, client, demo):
    team_id = demo.team(CLUSTER)
    token = await log_in(client, ADMIN)
    response = await post_form(client, f"/teams/{team_id}/roster", {
        "person_id": demo.people[ADMIN], "agency_id": demo.agencies["FCFC"], "role": "chair"}, token)
    assert response.status_code == 303
    grant = await AccessGrant.select().where(
        (AccessGrant.person == demo.people[ADMIN]) & (AccessGrant.team == team_id)).first()
    assert grant["granted_by"] == demo.people[ADMIN] and grant["role"] == "chair" and grant["previous_role"] is None
    seat = await Membership.select(Membership.id).where(
        (Membership.team == team_id) & (Membership.person == demo.people[ADMIN])).first()
    assert grant["seat"] == seat["id"] and grant["team"] == team_id

    roster = (await client.get(f"/teams/{team_id}/roster")).text
    granted = roster.split('id="grants-heading"')[1]
    assert "Dana Whitfield" in granted and "themselves" in granted and "Chair" in granted
    log = await client.get("/teams/access")
    assert log.status_code == 200 and "Maple County Perinatal Cluster" in log.text and "themselves" in log.text
    async with await make_client(app) as chair:
        await log_in(chair, CHAIR)
        assert (await chair.get("/teams/access")).status_code == 403


async def test_a_change_that_raises_access_is_recorded_one_that_lowers_it_is_not(client, demo):
    team_id = demo.team(COLLABORATIVE)
    token = await log_in(client, CHAIR)

    async def change(role: str) -> None:
        seat = await Membership.select().where(
            (Membership.team == team_id) & (Membership.person == demo.people[SCHOOL])
            & Membership.ended_on.is_null()).first()
        response = await post_form(client, f"/teams/{team_id}/roster/{seat['id']}", {
            "agency_id": seat["agency"], "role": role, "version": seat["version"]}, token)
        assert response.status_code == 303

    await change("co_chair")
    await change("member")
    await change("guest")
    grants = await AccessGrant.select(AccessGrant.role, AccessGrant.previous_role, AccessGrant.granted_by).where(
        AccessGrant.person == demo.people[SCHOOL])
    assert grants == [{"role": "co_chair", "previous_role": "member", "granted_by": demo.people[CHAIR]}]
    roster = (await client.get(f"/teams/{team_id}/roster")).text.split('id="grants-heading"')[1]
    assert "Angela Brooks" in roster and "Member, now Co-chair" in roster and "Marcus Reyes" in roster
