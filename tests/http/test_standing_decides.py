"""Standing at the request's instant decides every read and write: someone who left a team, or
now sits only as a guest, loses what membership gave them; a guest's invitation ends with the
guest seat it was issued under (issue 7 §3)."""

from __future__ import annotations

from server.actions import service as actions
from server.teams.tables import Membership
from tests.conftest import CHAIR, GUEST, SCHOOL, TREATMENT, log_in, make_client, post_form
from tests.meetings_helpers import on_team

COLLABORATIVE = "Community Collaborative"


async def current_seat(team_id: int, person_id: int) -> dict:
    return await Membership.select().where(
        (Membership.team == team_id) & (Membership.person == person_id) & Membership.ended_on.is_null()).first()


async def test_people_who_left_or_now_sit_as_guests_no_longer_list_the_teams_action_items(app, client, demo):
    team_id = demo.team(COLLABORATIVE)
    lead = await on_team(demo, CHAIR, team_id)
    for email, title in ((SCHOOL, "Angela's follow-up"), (TREATMENT, "Jordan's follow-up")):
        action_id, problems = await actions.create(lead, {"title": title, "status": "open",
                                                          "owner_id": str(demo.people[email])})
        assert action_id, problems
    token = await log_in(client, CHAIR)
    school = await current_seat(team_id, demo.people[SCHOOL])
    assert (await post_form(client, f"/teams/{team_id}/roster/{school['id']}/end",
                            {"version": school["version"]}, token)).status_code == 303
    treatment = await current_seat(team_id, demo.people[TREATMENT])
    assert (await post_form(client, f"/teams/{team_id}/roster/{treatment['id']}", {
        "agency_id": treatment["agency"], "role": "guest", "version": treatment["version"]}, token)).status_code == 303
    for email, title in ((SCHOOL, "Angela's follow-up"), (TREATMENT, "Jordan's follow-up")):
        async with await make_client(app) as former:
            await log_in(former, email)
            for show in ("mine", "created", "agency"):
                page = await former.get("/actions", params={"show": show, "status": "all"})
                assert page.status_code == 200
                assert title not in page.text and "Maple County Community Collaborative" not in page.text, (email, show)


async def test_a_guest_invitation_ends_with_the_guest_seat_and_seating_again_does_not_revive_it(app, client, demo):
    team_id = demo.team(COLLABORATIVE)
    token = await log_in(client, CHAIR)
    async with await make_client(app) as guest:
        await log_in(guest, GUEST)
        listed = await guest.get(f"/teams/{team_id}/meetings")
        assert listed.status_code == 200  # the demo invites her to the next meeting
        meeting_id = int(listed.text.split('href="/meetings/')[1].split('"')[0])
        assert (await guest.get(f"/meetings/{meeting_id}")).status_code == 200

        seat = await current_seat(team_id, demo.people[GUEST])
        ended = await post_form(client, f"/teams/{team_id}/roster/{seat['id']}/end", {"version": seat["version"]}, token)
        assert ended.status_code == 303
        assert (await guest.get(f"/meetings/{meeting_id}")).status_code == 404

        again = await post_form(client, f"/teams/{team_id}/roster", {
            "person_id": demo.people[GUEST], "agency_id": seat["agency"], "role": "guest"}, token)
        assert again.status_code == 303, again.text[:300]
        assert (await guest.get(f"/meetings/{meeting_id}")).status_code == 404
        assert (await guest.get(f"/teams/{team_id}/meetings")).status_code == 403  # invited to none now

        invited = await post_form(client, f"/meetings/{meeting_id}/invitations", {"person_id": demo.people[GUEST]}, token)
        assert invited.status_code == 303
        assert (await guest.get(f"/meetings/{meeting_id}")).status_code == 200
