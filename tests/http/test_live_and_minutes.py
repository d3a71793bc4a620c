"""Running a meeting live (as the chair, and as a member watching) and the minutes that follow."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from server import clock
from server.meetings.tables import (
    AgendaItem,
    Attendance,
    Meeting,
    Minutes,
    MinutesRevision,
    TemplateItem,
)
from tests.conftest import CHAIR, SCHOOL, log_in, make_client, page_text, post_form
from tests.meetings_helpers import NEW_YORK, days_from_today, schedule

COLLABORATIVE = "Community Collaborative"


async def meeting_with_items(client, token, demo, titles=("Welcome", "Housing gap", "Referral form")) -> int:
    """A published meeting starting in an hour (so watching pages poll for changes)."""
    await TemplateItem.delete().where(TemplateItem.team == demo.team(COLLABORATIVE))  # only these items
    soon = clock.now().astimezone(NEW_YORK) + timedelta(hours=1)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE), day=soon.date().isoformat(),
                                start=soon.strftime("%H:%M"))
    for title in titles:
        response = await post_form(client, f"/meetings/{meeting_id}/items",
                                   {"title": title, "kind": "discussion", "planned_minutes": "10"}, token)
        assert response.status_code == 303
    await post_form(client, f"/meetings/{meeting_id}/publish", {"published": "true"}, token)
    return meeting_id


def panel_version(html: str) -> int:
    return int(re.search(r"/live/panel\?v=(\d+)", html).group(1))


async def test_a_watching_member_sees_the_current_item_and_new_action_items_through_polling(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await meeting_with_items(client, token, demo)
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        page = await member.get(f"/meetings/{meeting_id}")
        version = panel_version(page.text)
        unchanged = await member.get(f"/meetings/{meeting_id}/live/panel?v={version}", headers={"HX-Request": "true"})
        assert unchanged.status_code == 204
        await post_form(client, f"/meetings/{meeting_id}/live/start", {"confirmed": "yes"}, token)
        await post_form(client, f"/meetings/{meeting_id}/live/next", {}, token)
        changed = await member.get(f"/meetings/{meeting_id}/live/panel?v={version}", headers={"HX-Request": "true"})
        assert changed.status_code == 200
        assert "<html" not in changed.text
        assert "Now:" in changed.text and "Housing gap" in changed.text
        new_version = panel_version(changed.text)
        await post_form(client, f"/meetings/{meeting_id}/actions", {
            "title": "Map transportation options", "owner_id": demo.people[SCHOOL]}, token)
        fresh = await member.get(f"/meetings/{meeting_id}/live/panel?v={new_version}", headers={"HX-Request": "true"})
        assert "Map transportation options" in fresh.text


async def test_the_server_records_when_each_item_actually_started_and_ended(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await meeting_with_items(client, token, demo)
    await post_form(client, f"/meetings/{meeting_id}/live/start", {"confirmed": "yes"}, token)
    await post_form(client, f"/meetings/{meeting_id}/live/next", {}, token)
    items = await AgendaItem.select().where(AgendaItem.meeting == meeting_id).order_by(AgendaItem.position)
    assert [i["status"] for i in items] == ["done", "current", "pending"]
    assert items[0]["started_at"] <= items[0]["ended_at"] <= items[1]["started_at"]
    assert items[2]["started_at"] is None


async def test_attendance_quorum_and_an_alternate_standing_in(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await meeting_with_items(client, token, demo)
    await post_form(client, f"/meetings/{meeting_id}/live/start", {"confirmed": "yes"}, token)
    page = await client.get(f"/meetings/{meeting_id}/live")
    assert "No quorum yet" in page.text
    samuel, beth = demo.people["samuel.okafor@maple.example"], demo.people["beth.lindqvist@maple.example"]
    response = await post_form(client, f"/meetings/{meeting_id}/attendance",
                               {"person_id": beth, "status": "present", "standing_in_for": samuel}, token)
    assert response.status_code == 303
    record = await Attendance.objects().where((Attendance.person == beth) & (Attendance.meeting == meeting_id)).first()
    assert record.standing_in_for == samuel and record.arrived_at is not None
    page = await client.get(f"/meetings/{meeting_id}/live")
    assert "1 of 12 voting members present or remote" in page.text
    await post_form(client, f"/meetings/{meeting_id}/attendance",
                    {"person_id": beth, "departed_status": "present", "departed": "true"}, token)
    record = await Attendance.objects().where((Attendance.person == beth) & (Attendance.meeting == meeting_id)).first()
    assert record.departed_at is not None and record.status == "present"
    bad = await post_form(client, f"/meetings/{meeting_id}/attendance", {"person_id": "999999", "status": "present"}, token)
    assert bad.status_code == 422


async def test_ending_the_meeting_drafts_minutes_from_notes_decisions_and_actions(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await meeting_with_items(client, token, demo)
    await post_form(client, f"/meetings/{meeting_id}/live/start", {"confirmed": "yes"}, token)
    await post_form(client, f"/meetings/{meeting_id}/attendance",
                    {"person_id": demo.people[CHAIR], "status": "present"}, token)
    await post_form(client, f"/meetings/{meeting_id}/live/next", {}, token)
    current = await Meeting.select(Meeting.current_item_id).where(Meeting.id == meeting_id).first()
    item_id = current["current_item_id"]
    await post_form(client, f"/meetings/{meeting_id}/items/{item_id}/notes",
                    {"notes": "Two families waited over 30 days for housing."}, token)
    await post_form(client, f"/meetings/{meeting_id}/items/{item_id}/decisions",
                    {"text": "Ask MCAP to present at the next meeting."}, token)
    await post_form(client, f"/meetings/{meeting_id}/actions",
                    {"title": "Invite MCAP", "owner_id": demo.people[CHAIR], "item_id": item_id}, token)
    asked = await post_form(client, f"/meetings/{meeting_id}/live/end", {}, token)
    assert asked.status_code == 200 and "End the meeting now?" in asked.text  # asks first, ends nothing
    assert (await Meeting.select(Meeting.live_status).where(Meeting.id == meeting_id).first())["live_status"] == "live"
    response = await post_form(client, f"/meetings/{meeting_id}/live/end", {"confirmed": "yes"}, token)
    assert response.headers["location"] == f"/meetings/{meeting_id}/minutes"
    printed = page_text((await client.get(f"/meetings/{meeting_id}/minutes/print")).text)
    assert "Two families waited over 30 days for housing." in printed
    assert "Decision: Ask MCAP to present at the next meeting." in printed
    assert "Action: Invite MCAP (Marcus Reyes, Maple County Juvenile Court)" in printed
    assert "Marcus Reyes (Chair) Present" in printed


async def test_minutes_move_through_circulation_and_approval_and_then_cannot_be_edited(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    earlier = await schedule(client, token, team_id, day=days_from_today(-60).isoformat())
    later = await schedule(client, token, team_id, day=days_from_today(-30).isoformat())
    await post_form(client, f"/meetings/{earlier}/minutes/start", {}, token)
    page = await client.get(f"/meetings/{earlier}/minutes")
    assert page.status_code == 200
    record = await Minutes.objects().where(Minutes.meeting == earlier).first()
    saved = await post_form(client, f"/meetings/{earlier}/minutes", {"summary": "Corrected text.", "version": record.version}, token)
    assert saved.status_code == 303
    stale = await post_form(client, f"/meetings/{earlier}/minutes", {"summary": "Lost edit", "version": record.version}, token)
    assert stale.status_code == 409
    record = await Minutes.objects().where(Minutes.meeting == earlier).first()
    for status, extra in [("circulated", {}), ("approved", {"approved_at_meeting": later}), ("locked", {})]:
        record = await Minutes.objects().where(Minutes.meeting == earlier).first()
        moved = await post_form(client, f"/meetings/{earlier}/minutes/status",
                                {"status": status, "version": record.version, **extra}, token)
        assert moved.status_code == 303, (status, moved.text[:300])
    record = await Minutes.objects().where(Minutes.meeting == earlier).first()
    assert record.status == "locked" and record.approved_at_meeting == later
    assert json.loads(record.record)["summary"] == "Corrected text."
    refused = await post_form(client, f"/meetings/{earlier}/minutes", {"summary": "Rewrite", "version": record.version}, token)
    assert refused.status_code == 409
    revisions = await MinutesRevision.select(MinutesRevision.status, MinutesRevision.version).where(
        MinutesRevision.minutes == record.id).order_by(MinutesRevision.id)
    assert [r["status"] for r in revisions] == ["draft", "draft", "circulated", "approved", "locked"]
    assert [r["version"] for r in revisions] == [1, 2, 3, 4, 5]
    printed = await client.get(f"/meetings/{earlier}/minutes/print")
    assert printed.status_code == 200 and "Corrected text." in printed.text


async def test_members_do_not_see_draft_minutes(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE), day=days_from_today(-60).isoformat())
    await post_form(client, f"/meetings/{meeting_id}/minutes/start", {}, token)
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        assert (await member.get(f"/meetings/{meeting_id}/minutes")).status_code == 404
        record = await Minutes.objects().where(Minutes.meeting == meeting_id).first()
        await post_form(client, f"/meetings/{meeting_id}/minutes/status",
                        {"status": "circulated", "version": record.version}, token)
        assert (await member.get(f"/meetings/{meeting_id}/minutes")).status_code == 200


async def test_opening_the_minutes_never_writes_a_row_the_chair_starts_them(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    held = await schedule(client, token, team_id, day=days_from_today(-7).isoformat())
    cancelled = await schedule(client, token, team_id, day=days_from_today(-14).isoformat())
    version = (await Meeting.select(Meeting.version).where(Meeting.id == cancelled).first())["version"]
    await post_form(client, f"/meetings/{cancelled}/cancel", {"version": version}, token)
    ahead = await schedule(client, token, team_id, day=days_from_today(7).isoformat())
    rows = (await Minutes.count(), await MinutesRevision.count())

    offered = await client.get(f"/meetings/{held}/minutes")
    assert offered.status_code == 200 and "Start the minutes" in offered.text
    assert "Start the minutes" in (await client.get(f"/meetings/{held}")).text
    for meeting_id in (cancelled, ahead):
        assert (await client.get(f"/meetings/{meeting_id}/minutes")).status_code == 404
        assert "Start the minutes" not in (await client.get(f"/meetings/{meeting_id}")).text
        refused = await post_form(client, f"/meetings/{meeting_id}/minutes/start", {}, token)
        assert refused.status_code == 409
    assert (await Minutes.count(), await MinutesRevision.count()) == rows

    started = await post_form(client, f"/meetings/{held}/minutes/start", {}, token)
    assert started.status_code == 303 and started.headers["location"] == f"/meetings/{held}/minutes"
    again = await post_form(client, f"/meetings/{held}/minutes/start", {}, token)
    assert again.status_code == 303
    assert (await Minutes.count(), await MinutesRevision.count()) == (rows[0] + 1, rows[1] + 1)
    page = await client.get(f"/meetings/{held}/minutes")
    assert "Save corrections" in page.text and "Start the minutes" not in page.text


async def test_moving_another_meetings_item_is_a_404_and_moves_nothing(client, demo):
    token = await log_in(client, CHAIR)
    here = await meeting_with_items(client, token, demo, titles=("A", "B"))
    there = await meeting_with_items(client, token, demo, titles=("C", "D"))
    theirs = await AgendaItem.select(AgendaItem.id, AgendaItem.position).where(
        AgendaItem.meeting == there).order_by(AgendaItem.position)
    response = await post_form(client, f"/meetings/{here}/items/{theirs[1]['id']}/move", {"direction": "up"}, token)
    assert response.status_code == 404
    after = await AgendaItem.select(AgendaItem.id, AgendaItem.position).where(
        AgendaItem.meeting == there).order_by(AgendaItem.position)
    assert after == theirs


async def test_agenda_items_move_by_keyboard_buttons_and_by_a_dragged_order(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await meeting_with_items(client, token, demo, titles=("A", "B", "C", "D"))
    ids = [row["id"] for row in await AgendaItem.select(AgendaItem.id).where(
        AgendaItem.meeting == meeting_id).order_by(AgendaItem.position)]
    await post_form(client, f"/meetings/{meeting_id}/items/{ids[2]}/move", {"direction": "up"}, token)
    titles = [r["title"] for r in await AgendaItem.select(AgendaItem.title).where(
        AgendaItem.meeting == meeting_id).order_by(AgendaItem.position)]
    assert titles == ["A", "C", "B", "D"]
    response = await post_form(client, f"/meetings/{meeting_id}/items/order",
                               {"order": ",".join(str(i) for i in [ids[3], ids[0], ids[1], ids[2]])}, token,
                               headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and 'id="agenda"' in response.text
    titles = [r["title"] for r in await AgendaItem.select(AgendaItem.title).where(
        AgendaItem.meeting == meeting_id).order_by(AgendaItem.position)]
    assert titles == ["D", "A", "B", "C"]
    bad = await post_form(client, f"/meetings/{meeting_id}/items/order", {"order": f"{ids[0]},{ids[0]}"}, token)
    assert bad.status_code == 422


async def test_running_the_meeting_leaves_its_calendar_identity_alone(client, demo):
    """Calendars will build on updated_at and SEQUENCE: "next item" must not look like a change."""
    token = await log_in(client, CHAIR)
    meeting_id = await meeting_with_items(client, token, demo)
    calendar = (Meeting.updated_at, Meeting.sequence, Meeting.uid, Meeting.starts_at, Meeting.version)
    before = await Meeting.select(*calendar).where(Meeting.id == meeting_id).first()
    await post_form(client, f"/meetings/{meeting_id}/live/start", {"confirmed": "yes"}, token)
    await post_form(client, f"/meetings/{meeting_id}/live/next", {}, token)
    current = (await Meeting.select(Meeting.current_item_id).where(Meeting.id == meeting_id).first())["current_item_id"]
    await post_form(client, f"/meetings/{meeting_id}/items/{current}/notes", {"notes": "Noted."}, token)
    await post_form(client, f"/meetings/{meeting_id}/attendance",
                    {"person_id": demo.people[CHAIR], "status": "present"}, token)
    await post_form(client, f"/meetings/{meeting_id}/items", {"title": "Late item", "kind": "discussion",
                                                              "planned_minutes": "5"}, token)
    after = await Meeting.select(*calendar, Meeting.live_version).where(Meeting.id == meeting_id).first()
    assert after["live_version"] > 0
    assert {key: after[key] for key in before} == before
