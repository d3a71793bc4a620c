"""Rosters: adding, changing and ending seats, history, coverage, CSV export and import."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from server import clock
from server.accounts.tables import Person
from server.teams.tables import Membership, RosterUpload
from tests.conftest import ADMIN, CHAIR, SCHOOL, log_in, make_client, post_form
from tests.meetings_helpers import days_from_today

COLLABORATIVE = "Community Collaborative"


async def seat_of(team_id: int, person_id: int, current: bool = True) -> dict:
    query = Membership.select().where((Membership.team == team_id) & (Membership.person == person_id))
    if current:
        query = query.where(Membership.ended_on.is_null())
    return await query.first()


async def test_a_chair_adds_a_member_and_the_roster_and_coverage_change(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    before = await client.get(f"/teams/{team_id}/roster")
    assert "Not represented:" in before.text and "Housing" in before.text.split("Not represented:")[1].split("</p>")[0]
    response = await post_form(client, f"/teams/{team_id}/roster", {
        "person_id": demo.people["derek.shaw@maple.example"], "agency_id": demo.agencies["MCAP"],
        "role": "member", "started_on": "",
    }, token)
    assert response.status_code == 303
    after = await client.get(f"/teams/{team_id}/roster")
    assert "Derek Shaw" in after.text.split('id="past-heading"')[0]
    coverage = after.text.split('id="coverage-heading"')[1].split("</section>")[0]
    assert "Housing" not in coverage


async def test_adding_someone_already_seated_is_refused_with_a_field_message(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    response = await post_form(client, f"/teams/{team_id}/roster", {
        "person_id": demo.people[SCHOOL], "agency_id": demo.agencies["MCS"], "role": "member",
    }, token, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 422
    assert "already has a seat" in response.text
    assert "<html" not in response.text
    assert await Membership.count().where(
        (Membership.team == team_id) & (Membership.person == demo.people[SCHOOL])
    ) == 1


async def test_ending_a_membership_keeps_it_in_the_roster_history(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    seat = await seat_of(team_id, demo.people[SCHOOL])
    response = await post_form(client, f"/teams/{team_id}/roster/{seat['id']}/end",
                               {"version": seat["version"]}, token)
    assert response.status_code == 303
    rows = await Membership.select().where(
        (Membership.team == team_id) & (Membership.person == demo.people[SCHOOL])
    )
    assert len(rows) == 1 and rows[0]["ended_on"] is not None
    page = await client.get(f"/teams/{team_id}/roster")
    current, past = page.text.split('id="past-heading"')
    assert "Angela Brooks" not in current.split('id="add-heading"')[0]
    assert "Angela Brooks" in past


async def test_changing_a_role_ends_the_old_seat_and_starts_a_new_one(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    seat = await seat_of(team_id, demo.people[SCHOOL])
    response = await post_form(client, f"/teams/{team_id}/roster/{seat['id']}", {
        "agency_id": demo.agencies["MCS"], "role": "co_chair", "alternate_for_id": "",
        "started_on": "", "version": seat["version"],
    }, token)
    assert response.status_code == 303
    rows = await Membership.select().where(
        (Membership.team == team_id) & (Membership.person == demo.people[SCHOOL])
    ).order_by(Membership.id)
    assert [(r["role"], r["ended_on"] is None) for r in rows] == [("member", False), ("co_chair", True)]
    assert rows[0]["ended_on"] == rows[1]["started_on"]


async def test_a_stale_edit_of_a_seat_is_refused_and_overwrites_nothing(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    seat = await seat_of(team_id, demo.people[SCHOOL])
    first = await post_form(client, f"/teams/{team_id}/roster/{seat['id']}", {
        "agency_id": demo.agencies["MCS"], "role": "co_chair", "version": seat["version"],
    }, token)
    assert first.status_code == 303
    second = await post_form(client, f"/teams/{team_id}/roster/{seat['id']}", {
        "agency_id": demo.agencies["MCS"], "role": "guest", "version": seat["version"],
    }, token)
    assert second.status_code == 409
    assert "Someone else changed this" in second.text
    assert not await Membership.exists().where((Membership.team == team_id) & (Membership.role == "guest")
                                               & (Membership.person == demo.people[SCHOOL]))


async def test_a_member_cannot_change_the_roster(client, demo):
    token = await log_in(client, SCHOOL)
    team_id = demo.team(COLLABORATIVE)
    before = await Membership.count()
    response = await post_form(client, f"/teams/{team_id}/roster", {
        "person_id": demo.people["derek.shaw@maple.example"], "agency_id": demo.agencies["MCAP"],
        "role": "member",
    }, token)
    assert response.status_code == 403
    assert await Membership.count() == before


async def test_roster_export_is_a_csv_of_current_and_past_seats(client, demo):
    await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    response = await client.get(f"/teams/{team_id}/roster/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))  # as a spreadsheet reads it
    assert {"name", "email", "agency", "role", "alternate_for", "started_on", "ended_on"} <= set(rows[0])
    by_email = {row["email"]: row for row in rows}
    assert by_email["beth.lindqvist@maple.example"]["alternate_for"] == "samuel.okafor@maple.example"
    assert by_email["george.halvorsen@maple.example"]["ended_on"] != ""
    assert len(rows) == await Membership.count().where(Membership.team == team_id)


def upload(text: str) -> dict:
    return {"file": ("roster.csv", text.encode(), "text/csv")}


UPLOAD_RE = re.compile(r'name="upload" value="([^"]+)"')


async def preview(client, token: str, team_id: int, text: str) -> tuple[object, str | None]:
    """Uploads a CSV for its preview; the response and the upload token its confirm form carries."""
    response = await client.post(f"/teams/{team_id}/roster/import", files=upload(text), data={"_csrf_token": token})
    found = UPLOAD_RE.search(response.text)
    return response, found.group(1) if found else None


async def test_a_csv_import_with_a_bad_row_shows_every_problem_and_writes_nothing(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    before = await Membership.count()
    text = (
        "email,agency,role,alternate_for,started_on\n"
        "derek.shaw@maple.example,MCAP,member,,\n"
        "nobody@maple.example,Nowhere Agency,captain,,2024-13-40\n"
        "school@maple.example,MCS,member,,\n"
    )
    preview = await client.post(f"/teams/{team_id}/roster/import", files=upload(text),
                                data={"_csrf_token": token})
    assert preview.status_code == 422
    assert "No active person has this email address." in preview.text
    assert "No active agency has this name." in preview.text
    assert "The role is not one of" in preview.text
    assert "already has a seat" in preview.text
    assert "Add these members" not in preview.text
    # Posting the rows to the confirm step anyway still writes nothing.
    confirm = await post_form(client, f"/teams/{team_id}/roster/import/confirm", {"csv_text": text}, token)
    assert confirm.status_code == 422
    assert await Membership.count() == before


async def test_a_clean_csv_import_adds_every_row_after_confirmation(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    started = days_from_today(-30).isoformat()
    text = (
        "email,agency,role,alternate_for,started_on\n"
        "derek.shaw@maple.example,Maple Community Action Partnership (Housing),member,,\n"
        f"nicole.foster@maple.example,MCS,Member,school@maple.example,{started}\n"
    )
    previewed, held = await preview(client, token, team_id, text)
    assert previewed.status_code == 200
    assert "2 rows are ready" in previewed.text
    assert await seat_of(team_id, demo.people["derek.shaw@maple.example"]) is None
    confirm = await post_form(client, f"/teams/{team_id}/roster/import/confirm", {"upload": held}, token)
    assert confirm.status_code == 303
    nicole = await seat_of(team_id, demo.people["nicole.foster@maple.example"])
    assert nicole["alternate_for"] == demo.people[SCHOOL]
    assert nicole["started_on"].isoformat() == started
    assert await seat_of(team_id, demo.people["derek.shaw@maple.example"]) is not None


async def test_a_file_that_is_not_a_roster_csv_gets_a_clear_message(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    for content, message in [
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (b"name,phone\nA,1\n", "must name the columns"),
        (b"email,agency,role\n", "no rows below the header"),
    ]:
        response = await client.post(f"/teams/{team_id}/roster/import",
                                     files={"file": ("x.csv", content, "text/csv")}, data={"_csrf_token": token})
        assert response.status_code == 422
        assert message in response.text


async def test_exported_cells_that_look_like_formulas_are_defused(app, client, demo):
    token = await log_in(client, ADMIN)
    person_id = demo.people[SCHOOL]
    await post_form(client, f"/people/{person_id}", {
        "name": "=HYPERLINK(\"http://x\")", "email": SCHOOL, "agency_id": demo.agencies["MCS"],
        "preferred_language": "en",
    }, token)
    async with await make_client(app) as chair:
        await log_in(chair, CHAIR)
        response = await chair.get(f"/teams/{demo.team(COLLABORATIVE)}/roster/export.csv")
    assert "'=HYPERLINK" in response.text


async def test_a_chair_cannot_give_or_take_the_coordinator_role(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    response = await post_form(client, f"/teams/{team_id}/roster", {
        "person_id": demo.people["derek.shaw@maple.example"], "agency_id": demo.agencies["MCAP"],
        "role": "coordinator",
    }, token)
    assert response.status_code == 422
    assert "Only a coordinator or the site administrator" in response.text
    coordinator_seat = await seat_of(team_id, demo.people[ADMIN])  # the admin coordinates this team
    assert coordinator_seat["role"] == "coordinator"
    response = await post_form(client, f"/teams/{team_id}/roster/{coordinator_seat['id']}/end",
                               {"version": coordinator_seat["version"]}, token)
    assert response.status_code == 403
    page = await client.get(f"/teams/{team_id}/roster")
    assert f"/roster/{coordinator_seat['id']}/edit" not in page.text
    assert '<option value="coordinator"' not in page.text


async def test_agency_pages_list_only_the_teams_whose_roster_the_viewer_may_see(app, demo):
    agency = demo.agencies["FSA"]  # the family partner sits on every team, the CFT included
    async with await make_client(app) as guest:
        await log_in(guest, "ellen.marsh@maple.example")  # a guest on the collaborative only
        page = await guest.get(f"/agencies/{agency}")
        assert "Child and Family Team CFT-0142" not in page.text
        assert "Community Collaborative" not in page.text
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        page = await member.get(f"/agencies/{agency}")
        assert "Maple County Community Collaborative" in page.text
        assert "Child and Family Team CFT-0142" not in page.text


async def test_a_260_row_import_writes_exactly_the_rows_previewed_once(client, demo):
    """The confirmation carries a token, not the file: all 260 rows previewed are the 260 seats
    added (a hidden field once cut the file at 20,000 characters), and a second click adds none."""
    now = clock.now()
    emails = [f"import.newcomer.{n:03d}.family.services@maple.example" for n in range(260)]
    await Person.insert(*[Person(name=f"Newcomer {n:03d}", email=email, active=True, created_at=now, updated_at=now)
                          for n, email in enumerate(emails)])
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    text = "email,agency,role\n" + "".join(f"{email},Maple City School District,member\n" for email in emails)
    assert len(text) > 20_000
    previewed, held = await preview(client, token, team_id, text)
    assert previewed.status_code == 200 and "260 rows are ready" in previewed.text
    before = await Membership.count().where(Membership.team == team_id)
    tampered = "email,agency,role\n" + emails[0] + ",MCS,member\n"
    confirm = await post_form(client, f"/teams/{team_id}/roster/import/confirm",
                              {"upload": held, "csv_text": tampered}, token)
    assert confirm.status_code == 303
    assert await Membership.count().where(Membership.team == team_id) == before + 260
    again = await post_form(client, f"/teams/{team_id}/roster/import/confirm", {"upload": held}, token)
    assert again.status_code == 422 and "Upload the file again" in again.text
    assert await Membership.count().where(Membership.team == team_id) == before + 260
    assert await RosterUpload.count() == 0


async def test_an_upload_confirms_only_for_its_team_its_person_and_for_two_hours(app, client, demo, clock_at):
    text = "email,agency,role\nderek.shaw@maple.example,MCAP,member\n"
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    _, held = await preview(client, token, team_id, text)
    async with await make_client(app) as admin:  # the site admin may manage every roster, not use this upload
        admin_token = await log_in(admin, ADMIN)
        refused = await post_form(admin, f"/teams/{team_id}/roster/import/confirm", {"upload": held}, admin_token)
        assert refused.status_code == 422
        other_team = demo.team("Perinatal Cluster")
        refused = await post_form(admin, f"/teams/{other_team}/roster/import/confirm", {"upload": held}, admin_token)
        assert refused.status_code == 422
    clock_at(clock.now() + timedelta(hours=2, minutes=1))
    token = await log_in(client, CHAIR)  # the session itself ended after two idle hours
    expired = await post_form(client, f"/teams/{team_id}/roster/import/confirm", {"upload": held}, token)
    assert expired.status_code == 422 and "expired" in expired.text
    assert await seat_of(team_id, demo.people["derek.shaw@maple.example"]) is None
