"""Action items: who updates what, the progress log, stale edits, concurrent writers, filters."""

from __future__ import annotations

import asyncio

from server import clock
from server.actions.tables import ActionItem, ActionUpdate
from tests.conftest import CHAIR, FAMILY, SCHOOL, TREATMENT, log_in, make_client, post_form
from tests.http.test_concurrency import logged_in_client
from tests.meetings_helpers import days_from_today

COLLABORATIVE = "Community Collaborative"


async def new_action(client, token, demo, **fields) -> int:
    form = {"title": "Draft the shared referral form", "owner_id": demo.people[SCHOOL], "status": "open",
            "due_on": days_from_today(14).isoformat(), **fields}
    response = await post_form(client, f"/teams/{demo.team(COLLABORATIVE)}/actions", form, token)
    assert response.status_code == 303, response.text[:600]
    return int(response.headers["location"].rsplit("/", 1)[1])


async def test_the_owner_updates_status_with_a_note_and_the_log_keeps_it(app, client, demo):
    token = await log_in(client, CHAIR)
    action_id = await new_action(client, token, demo)
    async with await make_client(app) as owner:
        owner_token = await log_in(owner, SCHOOL)
        item = await ActionItem.objects().where(ActionItem.id == action_id).first()
        response = await post_form(owner, f"/actions/{action_id}/progress", {
            "status": "in_progress", "note": "Drafted with the district's counsel.",
            "due_on": item.due_on.isoformat(), "version": item.version}, owner_token)
        assert response.status_code == 303
        page = await owner.get(f"/actions/{action_id}")
        assert "Drafted with the district&#39;s counsel." in page.text
        assert "Open → In progress" in page.text
    log = await ActionUpdate.select().where(ActionUpdate.action_item == action_id).order_by(ActionUpdate.id)
    assert [(u["status_from"], u["status_to"]) for u in log] == [("", "open"), ("open", "in_progress")]


async def test_moving_a_due_date_needs_a_reason(app, client, demo):
    token = await log_in(client, CHAIR)
    action_id = await new_action(client, token, demo)
    async with await make_client(app) as owner:
        owner_token = await log_in(owner, SCHOOL)
        later = days_from_today(40).isoformat()
        response = await post_form(owner, f"/actions/{action_id}/progress",
                                   {"status": "open", "due_on": later, "note": "", "version": 1}, owner_token)
        assert response.status_code == 422 and "Say why the due date changes." in response.text
        response = await post_form(owner, f"/actions/{action_id}/progress",
                                   {"status": "open", "due_on": later, "note": "Board meets later.", "version": 1},
                                   owner_token)
        assert response.status_code == 303
    update = await ActionUpdate.objects().where(ActionUpdate.action_item == action_id).order_by(
        ActionUpdate.id, ascending=False).first()
    assert update.due_to.isoformat() == later and update.note == "Board meets later."


async def test_a_member_updates_their_agencys_items_but_not_others(app, client, demo):
    token = await log_in(client, CHAIR)
    agency_item = await new_action(client, token, demo, owner_id="", owner_agency_id=demo.agencies["HRS"])
    other_item = await new_action(client, token, demo)
    async with await make_client(app) as member:
        member_token = await log_in(member, TREATMENT)
        ok = await post_form(member, f"/actions/{agency_item}/progress",
                             {"status": "done", "due_on": days_from_today(14).isoformat(),
                              "version": 1}, member_token)
        assert ok.status_code == 303
        refused = await post_form(member, f"/actions/{other_item}/progress", {"status": "done", "version": 1},
                                  member_token)
        assert refused.status_code == 403
        page = await member.get(f"/actions/{other_item}")
        assert page.status_code == 200 and "Update progress" not in page.text
        dropped = await post_form(member, f"/actions/{agency_item}/progress", {"status": "dropped", "version": 2},
                                  member_token)
        assert dropped.status_code == 422  # dropping an item is the chair's call
    assert (await ActionItem.objects().where(ActionItem.id == other_item).first()).status == "open"


async def test_two_stale_edits_save_one_and_answer_the_other_409_with_both_versions(client, demo):
    token = await log_in(client, CHAIR)
    action_id = await new_action(client, token, demo)
    base = {"owner_id": demo.people[SCHOOL], "status": "open", "version": "1",
            "due_on": days_from_today(14).isoformat()}
    first = await post_form(client, f"/actions/{action_id}", {**base, "title": "Form v2 (Angela)"}, token)
    assert first.status_code == 303
    second = await post_form(client, f"/actions/{action_id}", {**base, "title": "Form v2 (Marcus)",
                                                                "description": "Marcus's notes"}, token)
    assert second.status_code == 409
    assert "Form v2 (Angela)" in second.text and "Form v2 (Marcus)" in second.text
    assert "Marcus&#39;s notes" in second.text
    saved = await ActionItem.objects().where(ActionItem.id == action_id).first()
    assert saved.title == "Form v2 (Angela)" and saved.version == 2


async def test_twenty_concurrent_updates_of_one_item_keep_exactly_one_and_log_it(demo, two_workers):
    now = clock.now()
    rows = await ActionItem.insert(ActionItem(
        team=demo.team(COLLABORATIVE), title="Contested item", owner=demo.people[CHAIR], status="open",
        created_at=now, updated_at=now, version=1)).returning(ActionItem.id)
    action_id = rows[0]["id"]
    base_url = two_workers
    client, token = await logged_in_client(base_url, CHAIR)
    try:
        responses = await asyncio.gather(*[
            client.post(f"/actions/{action_id}/progress", data={
                "_csrf_token": token, "status": "in_progress", "note": f"writer {n}", "version": "1"})
            for n in range(20)
        ])
    finally:
        await client.aclose()
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303] + [409] * 19
    log = await ActionUpdate.select().where(ActionUpdate.action_item == action_id)
    assert len(log) == 1
    item = await ActionItem.objects().where(ActionItem.id == action_id).first()
    assert item.version == 2 and item.status == "in_progress"


async def test_twenty_concurrent_writers_on_different_items_all_land(demo, two_workers):
    now = clock.now()
    rows = await ActionItem.insert(*[ActionItem(
        team=demo.team(COLLABORATIVE), title=f"Item {n}", owner=demo.people[CHAIR], status="open",
        created_at=now, updated_at=now, version=1) for n in range(20)]).returning(ActionItem.id)
    base_url = two_workers
    client, token = await logged_in_client(base_url, CHAIR)
    try:
        responses = await asyncio.gather(*[
            client.post(f"/actions/{row['id']}/progress", data={
                "_csrf_token": token, "status": "done", "note": "finished", "version": "1"})
            for row in rows
        ])
    finally:
        await client.aclose()
    assert [r.status_code for r in responses] == [303] * 20
    assert await ActionItem.count().where(ActionItem.status == "done") == 20 + await ActionItem.count().where(
        (ActionItem.status == "done") & ActionItem.id.not_in([r["id"] for r in rows]))


async def test_my_action_items_filter_by_scope_status_and_team_and_flag_overdue(app, client, demo):
    token = await log_in(client, CHAIR)
    yesterday = days_from_today(-3).isoformat()
    mine = await new_action(client, token, demo, title="Rosa's overdue item", owner_id=demo.people[FAMILY],
                            due_on=yesterday, past_due_confirmed="yes")
    await new_action(client, token, demo, title="Agency item for FSA", owner_id="", owner_agency_id=demo.agencies["FSA"])
    await new_action(client, token, demo, title="Someone else's item")
    async with await make_client(app) as family:
        await log_in(family, FAMILY)
        page = await family.get("/actions")
        assert "Rosa&#39;s overdue item" in page.text and "Someone else" not in page.text
        assert 'class="overdue"' in page.text
        agency = await family.get("/actions?show=agency&status=all", headers={"HX-Request": "true"})
        assert "Agency item for FSA" in agency.text and "<html" not in agency.text
        done = await family.get("/actions?status=done")
        assert "Rosa&#39;s overdue item" not in done.text
        other_team = await family.get(f"/actions?team={demo.team('Perinatal Cluster')}")
        assert "Rosa&#39;s overdue item" not in other_team.text
    assert mine


async def test_my_agencys_items_leave_out_teams_i_do_not_sit_on(app, client, demo):
    now = clock.now()
    leadership = demo.team("Leadership Group")  # the family partner's agency sits there, she does not
    await ActionItem.insert(ActionItem(
        team=leadership, title="Leadership-only item", owner_agency=demo.agencies["FSA"], status="open",
        created_at=now, updated_at=now, version=1))
    async with await make_client(app) as family:
        await log_in(family, FAMILY)
        page = await family.get("/actions?show=agency&status=all")
        assert "Leadership-only item" not in page.text


async def test_guests_are_not_offered_as_action_item_owners(client, demo):
    token = await log_in(client, CHAIR)
    page = await client.get(f"/teams/{demo.team(COLLABORATIVE)}/actions/new")
    assert "Judge Ellen Marsh" not in page.text  # a guest on the collaborative
    response = await post_form(client, f"/teams/{demo.team(COLLABORATIVE)}/actions", {
        "title": "For the judge", "owner_id": demo.people["ellen.marsh@maple.example"], "status": "open"}, token)
    assert response.status_code == 422
