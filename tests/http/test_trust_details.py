"""Trust details (issue 8, Build 9, the first of them): CSV exports a spreadsheet opens right and
imports of the dates it writes back; agency names alike whatever their case; approval offered
only when a later meeting exists; the Spanish word families use."""

from __future__ import annotations

from server.actions import service as actions
from server.actions.tables import ActionItem, ActionUpdate
from server.agencies.tables import Agency
from server.meetings.tables import Meeting, Minutes
from server.teams.tables import Membership
from tests.conftest import ADMIN, CHAIR, SCHOOL, log_in, make_client, post_form
from tests.meetings_helpers import days_from_today, on_team, schedule

COLLABORATIVE = "Community Collaborative"


async def test_a_roster_export_starts_with_a_byte_order_mark_and_names_one_charset(client, demo):
    await log_in(client, CHAIR)
    response = await client.get(f"/teams/{demo.team(COLLABORATIVE)}/roster/export.csv")
    assert response.content.startswith("\ufeffname,email".encode())
    assert response.headers["content-type"].lower().count("charset") == 1


async def test_an_import_accepts_the_us_dates_a_spreadsheet_writes_back(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    day = days_from_today(-10)
    text = f"email,agency,role,started_on\nderek.shaw@maple.example,MCAP,member,{day.month}/{day.day}/{day.year}\n"
    preview = await client.post(f"/teams/{team_id}/roster/import", data={"_csrf_token": token},
                                files={"file": ("r.csv", ("\ufeff" + text).encode(), "text/csv")})
    assert preview.status_code == 200 and "1 row is ready" in preview.text
    held = preview.text.split('name="upload" value="')[1].split('"')[0]
    assert (await post_form(client, f"/teams/{team_id}/roster/import/confirm", {"upload": held}, token)).status_code == 303
    seat = await Membership.select(Membership.started_on).where(
        (Membership.team == team_id) & (Membership.person == demo.people["derek.shaw@maple.example"])).first()
    assert seat["started_on"] == day


async def test_agency_names_are_unique_whatever_their_case_and_spaces(client, demo):
    token = await log_in(client, ADMIN)
    before = await Agency.count()
    existing = (await Agency.select(Agency.name).where(Agency.id == demo.agencies["HMG"]).first())["name"]
    response = await post_form(client, "/agencies", {"name": f"  {existing.upper()}  ", "sector": "other"}, token)
    assert response.status_code == 422
    assert await Agency.count() == before


async def test_record_approval_is_offered_only_once_a_later_meeting_has_taken_place(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    held = await schedule(client, token, team_id, title="Yesterday's meeting", day=days_from_today(-1).isoformat())
    await post_form(client, f"/meetings/{held}/minutes/start", {}, token)
    await Minutes.update({Minutes.status: "circulated"}).where(Minutes.meeting == held)
    start = (await Meeting.select(Meeting.starts_at).where(Meeting.id == held).first())["starts_at"]
    later = (Meeting.team == team_id) & (Meeting.starts_at > start) & (Meeting.status == "scheduled")
    await Meeting.update({Meeting.status: "cancelled"}).where(later)  # none held since, whatever the clock
    page = (await client.get(f"/meetings/{held}/minutes")).text
    assert "Record approval" not in page and "none has taken place yet" in page
    later_one = await schedule(client, token, team_id, title="This morning's meeting", day=days_from_today(0).isoformat(),
                               start="00:00", duration_minutes="15")
    page = (await client.get(f"/meetings/{held}/minutes")).text
    assert "Record approval" in page and f'value="{later_one}"' in page


async def test_spanish_readers_see_the_term_families_use_for_a_family_partner(app, demo):
    async with await make_client(app) as chair:
        await log_in(chair, CHAIR)
        await post_form(chair, "/account/language", {"language": "es"},
                        (await chair.get("/account")).text.split('name="_csrf_token" value="')[1].split('"')[0])
        roster = (await chair.get(f"/teams/{demo.team(COLLABORATIVE)}/roster")).text
    assert "Representante de familias" in roster and "Socio(a) familiar" not in roster


async def test_an_update_that_changes_nothing_writes_no_log_entry_and_says_so(app, demo):
    lead = await on_team(demo, CHAIR, demo.team(COLLABORATIVE))
    action_id, _ = await actions.create(lead, {"title": "Unchanged", "status": "open",
                                               "owner_id": str(demo.people[SCHOOL])})
    logged = await ActionUpdate.count().where(ActionUpdate.action_item == action_id)
    async with await make_client(app) as owner:
        token = await log_in(owner, SCHOOL)
        version = (await ActionItem.select(ActionItem.version).where(ActionItem.id == action_id).first())["version"]
        response = await post_form(owner, f"/actions/{action_id}/progress", {"status": "open", "version": version}, token)
        assert response.status_code == 303
        page = await owner.get(response.headers["location"])
        assert "Nothing to save" in page.text
    assert await ActionUpdate.count().where(ActionUpdate.action_item == action_id) == logged
    assert (await ActionItem.select(ActionItem.version).where(ActionItem.id == action_id).first())["version"] == version
