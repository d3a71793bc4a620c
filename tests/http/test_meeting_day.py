"""A meeting day a chair can trust (issue 8): nothing typed is lost, the live view a real chair
needs, decisions with motions and votes, minutes as a structured record in the reader's
language, and a history back to the team's first meeting."""

from __future__ import annotations

import json
from datetime import timedelta

from server import clock
from server.accounts.tables import LoginSession
from server.actions.tables import ActionItem, ActionUpdate
from server.meetings import policy
from server.meetings.tables import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesRevision,
    Motion,
    Recusal,
)
from tests.conftest import (
    CHAIR,
    GUEST,
    SCHOOL,
    TREATMENT,
    log_in,
    make_client,
    page_text,
    post_form,
)
from tests.http.test_live_and_minutes import COLLABORATIVE, meeting_with_items
from tests.meetings_helpers import days_from_today, schedule

HTMX = {"HX-Request": "true"}
CO_CHAIR = "kevin.oconnell@maple.example"
SAMUEL, BETH = "samuel.okafor@maple.example", "beth.lindqvist@maple.example"  # a member and his alternate


async def started(client, token, demo, titles=("Welcome", "Housing gap", "Referral form")) -> int:
    meeting_id = await meeting_with_items(client, token, demo, titles)
    response = await post_form(client, f"/meetings/{meeting_id}/live/start", {"confirmed": "yes"}, token)
    assert response.status_code == 303
    return meeting_id


async def items_of(meeting_id: int) -> list[dict]:
    return await AgendaItem.select().where(AgendaItem.meeting == meeting_id).order_by(AgendaItem.position)


async def current_of(meeting_id: int) -> int:
    return (await Meeting.select(Meeting.current_item_id).where(Meeting.id == meeting_id).first())["current_item_id"]


async def started_with_their_notes(client, token, demo, theirs: str) -> tuple[int, int]:
    """A running meeting whose open item has notes someone else saved: (meeting, item)."""
    meeting_id = await started(client, token, demo)
    item = await current_of(meeting_id)
    await AgendaItem.update({AgendaItem.notes: theirs}).where(AgendaItem.id == item)
    return meeting_id, item


async def reviewing(client, token, demo, title: str, status: str, began_minutes_ago: int) -> tuple[int, int]:
    """A running action-item review with one item created a week before it began: (meeting, item)."""
    meeting_id = await started(client, token, demo, titles=("Action-item review",))
    await AgendaItem.update({AgendaItem.kind: "action_item_review"}).where(AgendaItem.meeting == meeting_id)
    response = await post_form(client, f"/teams/{demo.team(COLLABORATIVE)}/actions", {
        "title": title, "owner_id": demo.people[SCHOOL], "status": status}, token)
    action_id = int(response.headers["location"].rsplit("/", 1)[1])
    week_ago = clock.now() - timedelta(days=7)
    await ActionItem.update({ActionItem.created_at: week_ago}).where(ActionItem.id == action_id)
    await ActionUpdate.update({ActionUpdate.at: week_ago}).where(ActionUpdate.action_item == action_id)
    await Meeting.update({Meeting.live_started_at: clock.now() - timedelta(minutes=began_minutes_ago)}).where(
        Meeting.id == meeting_id)
    return meeting_id, action_id


# Nothing typed is lost.


async def test_notes_typed_live_are_saved_as_they_come_and_say_so(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    item = await current_of(meeting_id)
    response = await post_form(client, f"/meetings/{meeting_id}/items/{item}/notes",
                               {"notes": "Two families waited", "notes_base": policy.notes_hash("")}, token,
                               headers=HTMX)
    assert response.status_code == 200 and "Saved at" in response.text and 'id="notes-status"' in response.text
    assert f'value="{policy.notes_hash("Two families waited")}" hx-swap-oob="true"' in response.text
    assert (await items_of(meeting_id))[0]["notes"] == "Two families waited"


async def test_every_move_saves_the_notes_it_carries_next_previous_jump_outcome_and_end(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    first, second, third = [item["id"] for item in await items_of(meeting_id)]

    async def move(path: str, item: int, notes: str, **extra) -> None:
        base = policy.notes_hash(next(i["notes"] for i in await items_of(meeting_id) if i["id"] == item))
        response = await post_form(client, f"/meetings/{meeting_id}{path}",
                                   {"notes_item": item, "notes": notes, "notes_base": base, **extra}, token)
        assert response.status_code in (200, 303), response.text[:300]

    await move("/live/next", first, "Welcome notes, never saved by hand")
    await move(f"/live/items/{third}/open", second, "Housing notes")
    await move("/live/previous", third, "Referral notes")
    await move(f"/items/{second}/outcome", second, "Housing notes, more", outcome="deferred")
    await move("/live/end", second, "Housing notes, last words")
    notes = {item["id"]: item["notes"] for item in await items_of(meeting_id)}
    assert notes == {first: "Welcome notes, never saved by hand", second: "Housing notes, last words",
                     third: "Referral notes"}
    assert (await Meeting.select(Meeting.live_status).where(Meeting.id == meeting_id).first())["live_status"] == "live"


async def test_notes_saved_over_someone_elses_newer_notes_keep_both(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    item = await current_of(meeting_id)
    async with await make_client(app) as co_chair:
        co_token = await log_in(co_chair, CO_CHAIR)
        await post_form(co_chair, f"/meetings/{meeting_id}/items/{item}/notes",
                        {"notes": "The co-chair's notes", "notes_base": policy.notes_hash("")}, co_token)
    # The chair's autosave was typed against the empty notes the page showed.
    mine = await post_form(client, f"/meetings/{meeting_id}/items/{item}/notes",
                           {"notes": "The chair's notes", "notes_base": policy.notes_hash("")}, token, headers=HTMX)
    assert mine.status_code == 409
    assert "The co-chair&#39;s notes" in mine.text and "Yours are still in the box" in mine.text
    assert (await items_of(meeting_id))[0]["notes"] == "The co-chair's notes"
    # Against the notes now shown, saving again replaces theirs, deliberately.
    again = await post_form(client, f"/meetings/{meeting_id}/items/{item}/notes",
                            {"notes": "The chair's notes, with the co-chair's", "notes_base":
                             policy.notes_hash("The co-chair's notes")}, token, headers=HTMX)
    assert again.status_code == 200
    assert (await items_of(meeting_id))[0]["notes"] == "The chair's notes, with the co-chair's"


async def test_a_move_that_meets_newer_notes_moves_nothing_and_shows_both_texts(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, item = await started_with_their_notes(client, token, demo, "Saved elsewhere")
    response = await post_form(client, f"/meetings/{meeting_id}/live/next", {
        "notes_item": item, "notes": "Typed here", "notes_base": policy.notes_hash("")}, token, headers=HTMX)
    assert response.status_code == 409
    assert ">Typed here</textarea>" in response.text and "Saved elsewhere" in response.text
    assert await current_of(meeting_id) == item


async def test_a_post_after_the_session_ended_sends_the_chair_back_to_the_page_they_were_on(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    item = await current_of(meeting_id)
    await LoginSession.delete().where(LoginSession.id > 0)  # the session ends mid-meeting
    response = await post_form(client, f"/meetings/{meeting_id}/items/{item}/notes", {"notes": "Kept"}, token,
                               headers={**HTMX, "HX-Current-URL": f"http://testserver.local/meetings/{meeting_id}/live"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == f"/login?next=/meetings/{meeting_id}/live"
    hostile = await post_form(client, f"/meetings/{meeting_id}/items/{item}/notes", {"notes": "Kept"}, token,
                              headers={**HTMX, "HX-Current-URL": "https://evil.example/meetings/1/live"})
    assert hostile.headers["hx-redirect"] == "/login?next=/"


async def test_a_refused_agenda_item_replaces_only_its_form_and_the_corrected_one_saves(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await meeting_with_items(client, token, demo)
    refused = await post_form(client, f"/meetings/{meeting_id}/items",
                              {"title": "Transport", "kind": "discussion", "planned_minutes": "0"}, token, headers=HTMX)
    assert refused.status_code == 422
    assert refused.text.lstrip().startswith('<form method="post"') and 'id="add-item-form"' in refused.text
    assert 'hx-target="this"' in refused.text  # it replaces itself, not the agenda
    assert 'hx-post="/meetings/' in refused.text and 'value="Transport"' in refused.text
    saved = await post_form(client, f"/meetings/{meeting_id}/items",
                            {"title": "Transport", "kind": "discussion", "planned_minutes": "5"}, token, headers=HTMX)
    assert saved.status_code == 200 and "Transport" in saved.text
    assert [i["title"] for i in await items_of(meeting_id)][-1] == "Transport"


async def test_a_minutes_correction_that_meets_a_newer_one_comes_back_with_the_editors_text_beside_it(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE), day=days_from_today(-3).isoformat())
    await post_form(client, f"/meetings/{meeting_id}/minutes/start", {}, token)
    loaded = (await Minutes.select(Minutes.version).where(Minutes.meeting == meeting_id).first())["version"]
    async with await make_client(app) as co_chair:
        co_token = await log_in(co_chair, CO_CHAIR)
        first = await post_form(co_chair, f"/meetings/{meeting_id}/minutes",
                                {"summary": "The co-chair's summary.", "version": loaded}, co_token)
        assert first.status_code == 303
    second = await post_form(client, f"/meetings/{meeting_id}/minutes",
                             {"summary": "The chair's own summary.", "version": loaded}, token)
    assert second.status_code == 409
    text = page_text(second.text)
    assert "Someone else saved these minutes" in text
    assert "Added: The co-chair's summary." in text  # what changed meanwhile
    assert ">The chair&#39;s own summary.</textarea>" in second.text  # the editor's own text, kept
    current = await Minutes.select(Minutes.version, Minutes.record).where(Minutes.meeting == meeting_id).first()
    assert json.loads(current["record"])["summary"] == "The co-chair's summary."
    assert f'name="version" id="minutes-version" value="{current["version"]}"' in second.text
    third = await post_form(client, f"/meetings/{meeting_id}/minutes",
                            {"summary": "The chair's own summary.", "version": current["version"]}, token)
    assert third.status_code == 303


# The live view for a real chair.


async def test_the_chair_jumps_to_any_item_and_back(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    first, second, third = [item["id"] for item in await items_of(meeting_id)]
    await post_form(client, f"/meetings/{meeting_id}/live/items/{third}/open", {}, token)
    assert await current_of(meeting_id) == third
    await post_form(client, f"/meetings/{meeting_id}/live/items/{first}/open", {}, token)
    rows = {item["id"]: item for item in await items_of(meeting_id)}
    assert await current_of(meeting_id) == first
    assert rows[second]["started_at"] is None and rows[third]["status"] == "done"
    elsewhere = await meeting_with_items(client, token, demo, titles=("Elsewhere",))
    other = (await items_of(elsewhere))[0]["id"]
    assert (await post_form(client, f"/meetings/{meeting_id}/live/items/{other}/open", {}, token)).status_code == 404


async def test_the_live_view_says_how_far_behind_the_meeting_is_and_how_much_time_is_left(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    # Scheduled to start 15 minutes ago (and 5 seconds), for 90 minutes; the first item (10
    # planned) began 3 minutes late and has run 12: three late and two over, five behind.
    starts_at = clock.now() - timedelta(minutes=15, seconds=5)
    await Meeting.update({Meeting.starts_at: starts_at, Meeting.ends_at: starts_at + timedelta(minutes=90),
                          Meeting.live_started_at: starts_at + timedelta(minutes=3)}).where(Meeting.id == meeting_id)
    await AgendaItem.update({AgendaItem.started_at: starts_at + timedelta(minutes=3)}).where(
        AgendaItem.id == await current_of(meeting_id))
    text = page_text((await client.get(f"/meetings/{meeting_id}/live")).text)
    assert "5 min behind" in text
    assert "74 min left" in text  # of 90
    assert "Items still to take up: 20 min planned" in text


async def test_everyone_present_checks_in_members_not_alternates_guests_or_those_already_marked(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    alan = demo.people["alan.porter@maple.example"]
    await post_form(client, f"/meetings/{meeting_id}/attendance", {"person_id": alan, "status": "excused"}, token)
    await post_form(client, f"/meetings/{meeting_id}/attendance", {"person_id": demo.people[BETH], "status": "present",
                                                                    "standing_in_for": demo.people[SAMUEL]}, token)
    response = await post_form(client, f"/meetings/{meeting_id}/attendance/everyone", {}, token)
    assert response.status_code == 303
    rows = {r["person"]: r for r in await Attendance.select().where(Attendance.meeting == meeting_id)}
    assert rows[alan]["status"] == "excused" and rows[demo.people[SCHOOL]]["status"] == "present"
    assert demo.people[GUEST] not in rows
    assert rows[demo.people[BETH]]["standing_in_for"] == demo.people[SAMUEL]
    text = page_text((await client.get(f"/meetings/{meeting_id}/live")).text)
    assert "standing in for Samuel Okafor" in text


async def test_an_alternate_standing_in_shows_on_the_members_row_too(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    await post_form(client, f"/meetings/{meeting_id}/attendance", {"person_id": demo.people[SAMUEL], "status": "excused"},
                    token)
    await post_form(client, f"/meetings/{meeting_id}/attendance", {"person_id": demo.people[BETH], "status": "present",
                                                                    "standing_in_for": demo.people[SAMUEL]}, token)
    text = page_text((await client.get(f"/meetings/{meeting_id}/live")).text)
    assert "Beth Lindqvist MHAS · Member · non-voting" in text and "standing in for Samuel Okafor" in text
    assert "represented by Beth Lindqvist (alternate)" in text
    assert "1 of 12 voting members present or remote" in text


async def test_ending_asks_first_and_gives_every_item_its_outcome(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo, titles=("Welcome", "Housing gap", "Referral form", "Budget"))
    first, second, third, fourth = [item["id"] for item in await items_of(meeting_id)]
    await post_form(client, f"/meetings/{meeting_id}/live/next", {}, token)
    await post_form(client, f"/meetings/{meeting_id}/items/{third}/outcome", {"outcome": "deferred"}, token)
    too_soon = await post_form(client, f"/meetings/{meeting_id}/items/{fourth}/outcome", {"outcome": "done"}, token)
    assert too_soon.status_code == 422  # done only once taken up
    asked = await post_form(client, f"/meetings/{meeting_id}/live/end", {}, token, headers=HTMX)
    text = page_text(asked.text)
    assert "End the meeting now?" in text
    assert "Not reached (offered for carry-over at the next meeting): 4. Budget" in text
    assert "Deferred to the next meeting: 3. Referral form" in text
    await post_form(client, f"/meetings/{meeting_id}/live/end", {"confirmed": "yes"}, token)
    outcomes = {item["id"]: item["outcome"] for item in await items_of(meeting_id)}
    assert outcomes == {first: "done", second: "done", third: "deferred", fourth: "not_reached"}


async def test_the_next_meeting_offers_the_deferred_and_unreached_items_but_not_those_done(client, demo):
    token = await log_in(client, CHAIR)
    held = await started(client, token, demo, titles=("Housing gap", "Referral form", "Budget"))
    housing, referral, budget = [item["id"] for item in await items_of(held)]
    await post_form(client, f"/meetings/{held}/items/{referral}/outcome", {"outcome": "deferred"}, token)
    await post_form(client, f"/meetings/{held}/live/end", {"confirmed": "yes"}, token)
    following = await schedule(client, token, demo.team(COLLABORATIVE), title="The next meeting",
                               day=days_from_today(40).isoformat())
    page = page_text((await client.get(f"/meetings/{following}")).text)
    offered = page.split("Unfinished at the last meeting", 1)[1]
    assert "Referral form" in offered and "Budget" in offered and "Housing gap" not in offered.split("Add an item")[0]


async def test_the_action_item_review_updates_an_item_in_one_click_and_keeps_it_in_view(client, demo):
    token = await log_in(client, CHAIR)
    # Created before the meeting began: the review takes it up.
    meeting_id, action_id = await reviewing(client, token, demo, "Map transport options", "open", 1)
    page = (await client.get(f"/meetings/{meeting_id}/live")).text
    assert "Map transport options" in page and f'id="review-{action_id}-done"' in page
    clicked = await post_form(client, f"/meetings/{meeting_id}/live/actions/{action_id}/status",
                              {"status": "done", "version": "1"}, token, headers=HTMX)
    assert clicked.status_code == 200
    assert (await ActionItem.select(ActionItem.status).where(ActionItem.id == action_id).first())["status"] == "done"
    log = await ActionUpdate.select(ActionUpdate.status_from, ActionUpdate.status_to, ActionUpdate.author).where(
        ActionUpdate.action_item == action_id).order_by(ActionUpdate.id)
    assert log[-1] == {"status_from": "open", "status_to": "done", "author": demo.people[CHAIR]}
    assert f'id="review-{action_id}-done" aria-pressed="true"' in clicked.text  # still there, now done
    stale = await post_form(client, f"/meetings/{meeting_id}/live/actions/{action_id}/status",
                            {"status": "open", "version": "1"}, token)
    assert stale.status_code == 409


async def test_a_start_on_another_day_or_with_a_draft_agenda_asks_first_and_writes_nothing(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE), day=days_from_today(3).isoformat())
    asked = await post_form(client, f"/meetings/{meeting_id}/live/start", {}, token, headers=HTMX)
    text = page_text(asked.text)
    assert "Start the meeting anyway?" in text and "not today" in text and "still a draft" in text
    meeting = await Meeting.select().where(Meeting.id == meeting_id).first()
    assert meeting["live_status"] == "not_started" and meeting["agenda_published_at"] is None
    await post_form(client, f"/meetings/{meeting_id}/live/start", {"confirmed": "yes", "publish": "yes"}, token)
    meeting = await Meeting.select().where(Meeting.id == meeting_id).first()
    assert meeting["live_status"] == "live" and meeting["agenda_published_at"] is not None


async def test_a_mistaken_start_is_undone_while_nothing_is_recorded_and_not_after(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    await post_form(client, f"/meetings/{meeting_id}/attendance", {"person_id": demo.people[CHAIR], "status": "present"},
                    token)
    await post_form(client, f"/meetings/{meeting_id}/live/next", {}, token)
    assert 'id="live-undo"' in (await client.get(f"/meetings/{meeting_id}/live")).text
    undone = await post_form(client, f"/meetings/{meeting_id}/live/undo", {}, token)
    assert undone.status_code == 303
    meeting = await Meeting.select().where(Meeting.id == meeting_id).first()
    assert (meeting["live_status"], meeting["live_started_at"], meeting["current_item_id"]) == ("not_started", None, None)
    assert {(i["status"], i["started_at"]) for i in await items_of(meeting_id)} == {("pending", None)}
    assert await Attendance.count().where(Attendance.meeting == meeting_id) == 1  # the roll stays
    await post_form(client, f"/meetings/{meeting_id}/live/start", {"confirmed": "yes"}, token)
    item = await current_of(meeting_id)
    await post_form(client, f"/meetings/{meeting_id}/items/{item}/decisions", {"text": "Agreed."}, token)
    assert 'id="live-undo"' not in (await client.get(f"/meetings/{meeting_id}/live")).text
    refused = await post_form(client, f"/meetings/{meeting_id}/live/undo", {}, token)
    assert refused.status_code == 409
    assert (await Meeting.select(Meeting.live_status).where(Meeting.id == meeting_id).first())["live_status"] == "live"


# Decisions with motions and votes.


async def test_a_motion_with_a_recusal_that_fails_is_recorded_with_the_quorum_of_that_moment(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    await post_form(client, f"/meetings/{meeting_id}/attendance/everyone", {}, token)
    item = await current_of(meeting_id)
    mover, seconder, recused = demo.people[CHAIR], demo.people[SCHOOL], demo.people["mei.lin@maple.example"]
    response = await post_form(client, f"/meetings/{meeting_id}/items/{item}/decisions", {
        "text": "Fund a second respite bed.", "mover_id": mover, "seconder_id": seconder,
        "votes_for": "4", "votes_against": "6", "abstentions": "1", "majority": "simple",
        "recusal_person_0": recused, "recusal_reason_0": "Her agency would run the bed",
    }, token)
    assert response.status_code == 303
    motion = await Motion.select().first()
    assert (motion["result"], motion["mover"], motion["seconder"]) == ("failed", mover, seconder)
    assert (motion["quorum_present"], motion["quorum_voting"], motion["quorum_needed"]) == (12, 12, 6)
    assert await Recusal.select(Recusal.person, Recusal.reason) == [{"person": recused,
                                                                     "reason": "Her agency would run the bed"}]
    text = page_text((await client.get(f"/meetings/{meeting_id}")).text)
    assert ("Failed Moved by Marcus Reyes, seconded by Angela Brooks. For 4, against 6, abstaining 1. "
            "Quorum present (12 of 12). Mei Lin recused: Her agency would run the bed") in text


async def test_a_motion_without_a_quorum_fails_and_a_refused_one_writes_nothing(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    item = await current_of(meeting_id)
    for person in (CHAIR, SCHOOL):
        await post_form(client, f"/meetings/{meeting_id}/attendance", {"person_id": demo.people[person],
                                                                        "status": "present"}, token)
    vote = {"text": "Adopt the referral form.", "mover_id": demo.people[CHAIR],
            "votes_for": "2", "votes_against": "0"}
    decisions = await Decision.count()
    too_many = await post_form(client, f"/meetings/{meeting_id}/items/{item}/decisions",
                               {**vote, "votes_for": "3"}, token)
    assert too_many.status_code == 422 and "More votes and recusals than voting members present (2)" in too_many.text
    assert await Decision.count() == decisions and await Motion.count() == 0
    carried_without_quorum = await post_form(client, f"/meetings/{meeting_id}/items/{item}/decisions", vote, token)
    assert carried_without_quorum.status_code == 303
    assert (await Motion.select(Motion.result).first())["result"] == "failed"


async def test_the_motion_form_gives_one_more_recusal_row_and_keeps_what_was_typed(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    item = await current_of(meeting_id)
    decisions = await Decision.count()
    response = await post_form(client, f"/meetings/{meeting_id}/items/{item}/decisions", {
        "form": "decision", "text": "Typed so far", "recusal_rows": "1", "add_recusal": "yes"},
        token, headers=HTMX)
    assert response.status_code == 200 and 'id="recusal_person_1"' in response.text
    assert 'value="Typed so far"' in response.text and await Decision.count() == decisions


# Minutes as a structured record.


async def run_a_whole_meeting(client, token, demo) -> int:
    """Attendance (an absent member, an excused one with her alternate, a guest), a motion that
    failed with a recusal, a deferred item and one not reached, an action item; ended."""
    meeting_id = await started(client, token, demo, titles=("Housing gap", "Referral form", "Budget"))
    housing, referral, budget = [item["id"] for item in await items_of(meeting_id)]
    await post_form(client, f"/meetings/{meeting_id}/attendance", {"person_id": demo.people[SAMUEL],
                                                                    "status": "excused"}, token)
    await post_form(client, f"/meetings/{meeting_id}/attendance", {"person_id": demo.people[BETH], "status": "present",
                                                                    "standing_in_for": demo.people[SAMUEL]}, token)
    await post_form(client, f"/meetings/{meeting_id}/attendance", {"person_id": demo.people[GUEST],
                                                                    "status": "present"}, token)
    for email in (CHAIR, SCHOOL, "mei.lin@maple.example", "carla.jimenez@maple.example", CO_CHAIR,
                  "admin@maple.example", "olivia.grant@maple.example"):
        await post_form(client, f"/meetings/{meeting_id}/attendance", {"person_id": demo.people[email],
                                                                        "status": "present"}, token)
    await post_form(client, f"/meetings/{meeting_id}/items/{housing}/notes",
                    {"notes": "Two families waited over 30 days."}, token)
    await post_form(client, f"/meetings/{meeting_id}/items/{housing}/decisions", {
        "text": "Fund a second respite bed.", "mover_id": demo.people[CHAIR],
        "seconder_id": demo.people[SCHOOL], "votes_for": "3", "votes_against": "4", "abstentions": "0",
        "recusal_person_0": demo.people["mei.lin@maple.example"], "recusal_reason_0": "Her agency runs the beds",
    }, token)
    await post_form(client, f"/meetings/{meeting_id}/actions", {"title": "Ask MCAP for bed counts",
                                                                 "owner_id": demo.people[SCHOOL], "item_id": housing}, token)
    await post_form(client, f"/meetings/{meeting_id}/items/{referral}/outcome", {"outcome": "deferred"}, token)
    await post_form(client, f"/meetings/{meeting_id}/live/end", {"confirmed": "yes"}, token)
    return meeting_id


async def test_the_minutes_record_who_came_by_agency_the_absent_guests_votes_outcomes_and_actions(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await run_a_whole_meeting(client, token, demo)
    text = page_text((await client.get(f"/meetings/{meeting_id}/minutes/print")).text)
    assert "Maple City School District · Education Angela Brooks Present" in text
    assert "Samuel Okafor Excused" in text
    assert "Beth Lindqvist · standing in for Samuel Okafor Present" in text
    assert "Jordan Ellis Absent" in text  # a member who did not come is listed, as absent
    assert "Guests: Judge Ellen Marsh" in text
    # Seven members, and the alternate standing in; the member she stands in for; four who did not come.
    assert "Present: 8 · remote: 0 · excused: 1 · absent: 4" in text
    assert "Quorum" in text and "of 12 voting members" in text
    assert "1. Housing gap Completed Two families waited over 30 days." in text
    assert "Failed Moved by Marcus Reyes, seconded by Angela Brooks. For 3, against 4, abstaining 0." in text
    assert "Mei Lin recused: Her agency runs the beds" in text
    assert "Action: Ask MCAP for bed counts (Angela Brooks, Maple City School District)" in text
    assert "2. Referral form Deferred to the next meeting" in text
    assert "3. Budget Not reached" in text
    held = await Meeting.select(Meeting.live_started_at, Meeting.live_ended_at).where(Meeting.id == meeting_id).first()
    assert held["live_started_at"] and held["live_ended_at"] and "Held from" in text


async def test_a_spanish_reader_and_an_english_reader_of_the_same_minutes_see_their_own_language(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await run_a_whole_meeting(client, token, demo)
    record = (await Minutes.select(Minutes.id, Minutes.version).where(Minutes.meeting == meeting_id).first())
    await post_form(client, f"/meetings/{meeting_id}/minutes/status",
                    {"status": "circulated", "version": record["version"]}, token)
    english = page_text((await client.get(f"/meetings/{meeting_id}/minutes/print")).text)
    async with await make_client(app) as rosa:
        await log_in(rosa, "family@maple.example")  # Rosa Delgado reads Convene in Spanish
        spanish = page_text((await rosa.get(f"/meetings/{meeting_id}/minutes")).text)
    assert "Attendance" in english and "Deferred to the next meeting" in english and "Not reached" in english
    assert "Asistencia" in spanish and "Aplazado a la próxima reunión" in spanish and "No se alcanzó" in spanish
    assert "Rechazada Propuesta por Marcus Reyes, secundada por Angela Brooks." in spanish
    assert "Deferred" not in spanish and "Asistencia" not in english
    assert "diciembre" in spanish or "enero" in spanish or " de 20" in spanish  # dates in Spanish


async def test_the_minutes_print_as_a_pdf_to_circulate(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await run_a_whole_meeting(client, token, demo)
    response = await client.get(f"/meetings/{meeting_id}/minutes.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith('attachment; filename="Collaborative meeting ')
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_members_comment_on_circulated_minutes_and_the_chair_sees_and_marks_them(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await run_a_whole_meeting(client, token, demo)
    async with await make_client(app) as member:
        member_token = await log_in(member, SCHOOL)
        assert (await member.get(f"/meetings/{meeting_id}/minutes")).status_code == 404  # a draft
        version = (await Minutes.select(Minutes.version).where(Minutes.meeting == meeting_id).first())["version"]
        await post_form(client, f"/meetings/{meeting_id}/minutes/status", {"status": "circulated", "version": version},
                        token)
        page = (await member.get(f"/meetings/{meeting_id}/minutes")).text
        assert "Comment on these minutes" in page
        empty = await post_form(member, f"/meetings/{meeting_id}/minutes/comments", {"body": "  "}, member_token)
        assert empty.status_code == 422 and await MinutesComment.count() == 0
        sent = await post_form(member, f"/meetings/{meeting_id}/minutes/comments",
                               {"body": "The wait was 35 days, not 30."}, member_token)
        assert sent.status_code == 303
    chair_page = page_text((await client.get(f"/meetings/{meeting_id}/minutes")).text)
    assert "1 comment from members" in chair_page and "The wait was 35 days, not 30." in chair_page
    assert "Save corrections" in chair_page and "Comment on these minutes" not in chair_page
    comment = await MinutesComment.select(MinutesComment.id).first()
    await post_form(client, f"/meetings/{meeting_id}/minutes/comments/{comment['id']}/addressed", {}, token)
    assert (await MinutesComment.select(MinutesComment.addressed_by).first())["addressed_by"] == demo.people[CHAIR]
    assert "Addressed by Marcus Reyes" in page_text((await client.get(f"/meetings/{meeting_id}/minutes")).text)


async def test_any_two_revisions_of_the_minutes_can_be_compared(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await run_a_whole_meeting(client, token, demo)
    minutes_row = await Minutes.select().where(Minutes.meeting == meeting_id).first()
    housing = (await items_of(meeting_id))[0]["id"]
    jordan = demo.people[TREATMENT]
    saved = await post_form(client, f"/meetings/{meeting_id}/minutes", {
        "version": minutes_row["version"], f"item-{housing}-text": "Two families waited over 35 days.",
        f"attendance-{jordan}": "excused"}, token)
    assert saved.status_code == 303
    text = page_text((await client.get(f"/meetings/{meeting_id}/minutes/compare?older=1&newer=2")).text)
    assert "Removed: Two families waited over 30 days." in text
    assert "Added: Two families waited over 35 days." in text
    assert "Removed: Attendance: Jordan Ellis (Harbor Recovery Services): Absent" in text
    assert "Added: Attendance: Jordan Ellis (Harbor Recovery Services): Excused" in text
    assert (await client.get(f"/meetings/{meeting_id}/minutes/compare?older=1&newer=9")).status_code == 422
    assert await MinutesRevision.count().where(MinutesRevision.minutes == minutes_row["id"]) == 2


async def test_an_outcome_corrected_in_the_minutes_changes_what_the_next_meeting_is_offered(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await run_a_whole_meeting(client, token, demo)
    budget = (await items_of(meeting_id))[2]["id"]
    version = (await Minutes.select(Minutes.version).where(Minutes.meeting == meeting_id).first())["version"]
    await post_form(client, f"/meetings/{meeting_id}/minutes", {"version": version, f"item-{budget}-outcome": "done"},
                    token)
    assert (await AgendaItem.select(AgendaItem.outcome).where(AgendaItem.id == budget).first())["outcome"] == "done"


# The archive.


async def test_the_meeting_history_goes_back_to_the_teams_first_meeting(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    # A year of the demo's monthly meetings, and ten weekly ones before them.
    await schedule(client, token, team_id, title="Weekly huddle", frequency="weekly", ends="count", count="10",
                   day=days_from_today(-500).isoformat())
    held = await Meeting.count().where((Meeting.team == team_id) & (Meeting.ends_at < clock.now()))
    assert held > 12 + 9
    first_page = page_text((await client.get(f"/teams/{team_id}/meetings")).text)
    pages = -(-held // 12)
    assert f"{held} past meetings · page 1 of {pages}" in first_page and "Older meetings" in first_page
    oldest = await Meeting.select(Meeting.title, Meeting.id).where(Meeting.team == team_id).order_by(
        Meeting.starts_at).first()
    last_page = (await client.get(f"/teams/{team_id}/meetings?past={pages}")).text
    assert f'href="/meetings/{oldest["id"]}"' in last_page and "Newer meetings" in last_page
    assert (await client.get(f"/teams/{team_id}/meetings?past=abc")).status_code == 200


async def test_a_meeting_that_has_ended_leaves_upcoming_at_once(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    team_id = demo.team(COLLABORATIVE)
    upcoming = (await client.get(f"/teams/{team_id}/meetings")).text.split('id="recent-heading"')[0]
    assert f'href="/meetings/{meeting_id}"' in upcoming
    await post_form(client, f"/meetings/{meeting_id}/live/end", {"confirmed": "yes"}, token)
    upcoming, past = (await client.get(f"/teams/{team_id}/meetings")).text.split('id="recent-heading"')
    assert f'href="/meetings/{meeting_id}"' not in upcoming and f'href="/meetings/{meeting_id}"' in past


async def test_a_series_with_no_end_date_keeps_two_years_of_meetings_ahead(client, demo, clock_at):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    first = await schedule(client, token, team_id, title="Open-ended huddle", frequency="weekly",
                           day=days_from_today(1).isoformat(), ends="never")
    series_id = (await Meeting.select(Meeting.series).where(Meeting.id == first).first())["series"]
    meetings = await Meeting.select(Meeting.starts_at).where(Meeting.series == series_id).order_by(Meeting.starts_at)
    assert 100 <= len(meetings) <= 106  # weekly, two years
    assert "with no end date" in (await client.get(f"/meetings/{first}")).text
    from server.meetings.scheduling import extend_open_series

    assert await extend_open_series() == 0  # nothing due yet
    clock_at(clock.now() + timedelta(days=30))
    added = await extend_open_series()
    assert added in (4, 5)
    again = await Meeting.select(Meeting.starts_at).where(Meeting.series == series_id).order_by(Meeting.starts_at)
    assert len(again) == len(meetings) + added and again[-1]["starts_at"] - again[-2]["starts_at"] == timedelta(weeks=1)
    assert await extend_open_series() == 0


async def test_the_action_item_review_of_a_past_meeting_shows_the_items_as_they_stood_then(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, action_id = await reviewing(client, token, demo, "Count the respite beds", "in_progress", 30)
    await post_form(client, f"/meetings/{meeting_id}/live/end", {"confirmed": "yes"}, token)
    # Done a week after the meeting: the meeting's page still shows it as the meeting saw it.
    later = clock.now() + timedelta(days=7)
    await ActionItem.update({ActionItem.status: "done"}).where(ActionItem.id == action_id)
    await ActionUpdate.insert(ActionUpdate(action_item=action_id, author=demo.people[SCHOOL], at=later,
                                           status_from="in_progress", status_to="done", note=""))
    review = (await client.get(f"/meetings/{meeting_id}")).text.split("Count the respite beds", 1)[1][:200]
    assert "In progress" in review and "Done" not in review


# What review found (each failed before its fix).


async def test_minutes_written_before_the_record_existed_still_show_print_and_download(app, client, demo):
    """Minutes kept as plain text before this change were moved into a record holding only
    their summary (see the migration): every page still shows them."""
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE), day=days_from_today(-30).isoformat())
    await Minutes.insert(Minutes(meeting=meeting_id, status="locked", version=3, updated_at=clock.now(),
                                 record=json.dumps({"v": 1, "summary": "Minutes typed before the upgrade."})))
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        for path in ("/minutes", "/minutes/print", "/minutes.pdf"):
            response = await member.get(f"/meetings/{meeting_id}{path}")
            assert response.status_code == 200, (path, response.text[:300])
        assert "Minutes typed before the upgrade." in (await member.get(f"/meetings/{meeting_id}/minutes")).text
        assert "Collaborative meeting" in page_text((await member.get(f"/meetings/{meeting_id}/minutes/print")).text)


async def test_after_a_notes_conflict_typing_on_never_saves_over_theirs_until_the_chair_replaces_them(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, item = await started_with_their_notes(client, token, demo, "The co-chair's notes")
    typed_against = policy.notes_hash("")
    for text in ("Mine", "Mine, and more"):  # the autosave, keystroke after keystroke
        response = await post_form(client, f"/meetings/{meeting_id}/items/{item}/notes",
                                   {"notes": text, "notes_base": typed_against}, token, headers=HTMX)
        assert response.status_code == 409 and 'hx-swap-oob' not in response.text
        assert (await items_of(meeting_id))[0]["notes"] == "The co-chair's notes"
    replaced = await post_form(client, f"/meetings/{meeting_id}/items/{item}/notes", {
        "notes": "Mine, and theirs", "notes_base": typed_against,
        "replace": policy.notes_hash("The co-chair's notes")}, token, headers=HTMX)
    assert replaced.status_code == 200
    assert (await items_of(meeting_id))[0]["notes"] == "Mine, and theirs"


async def test_a_notes_conflict_without_javascript_shows_both_texts_and_loses_neither(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, item = await started_with_their_notes(client, token, demo, "Saved elsewhere")
    response = await post_form(client, f"/meetings/{meeting_id}/items/{item}/notes",
                               {"notes_item": item, "notes": "Typed here", "notes_base": policy.notes_hash("")}, token)
    assert response.status_code == 409
    assert ">Typed here</textarea>" in response.text and "Saved elsewhere" in response.text


async def test_next_from_an_item_someone_else_has_already_left_moves_nothing(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    first, second, _third = [item["id"] for item in await items_of(meeting_id)]
    async with await make_client(app) as co_chair:
        co_token = await log_in(co_chair, CO_CHAIR)
        await post_form(co_chair, f"/meetings/{meeting_id}/live/next", {"at_item": first}, co_token)
    await post_form(client, f"/meetings/{meeting_id}/live/next", {"at_item": first}, token)  # the chair's page: item 1
    assert await current_of(meeting_id) == second
    await post_form(client, f"/meetings/{meeting_id}/live/end", {"confirmed": "yes"}, token)
    outcomes = [item["outcome"] for item in await items_of(meeting_id)]
    assert outcomes == ["done", "done", "not_reached"]


async def test_corrections_to_different_parts_of_the_minutes_by_two_people_are_both_kept(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await run_a_whole_meeting(client, token, demo)
    housing = (await items_of(meeting_id))[0]["id"]
    loaded = (await Minutes.select(Minutes.version).where(Minutes.meeting == meeting_id).first())["version"]
    async with await make_client(app) as co_chair:
        co_token = await log_in(co_chair, CO_CHAIR)
        await post_form(co_chair, f"/meetings/{meeting_id}/minutes",
                        {"version": loaded, f"item-{housing}-text": "Two families waited over 35 days."}, co_token)
    # The chair's form still holds the item's old text; she changes only the summary.
    saved = await post_form(client, f"/meetings/{meeting_id}/minutes", {
        "version": loaded, "summary": "Quorum by 10:05.", f"item-{housing}-text": "Two families waited over 30 days."},
        token)
    assert saved.status_code == 303
    stored = json.loads((await Minutes.select(Minutes.record).where(Minutes.meeting == meeting_id).first())["record"])
    assert stored["summary"] == "Quorum by 10:05."
    assert stored["items"][0]["text"] == "Two families waited over 35 days."


async def test_a_stale_move_of_the_minutes_says_so_and_does_not_speak_of_corrections(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await run_a_whole_meeting(client, token, demo)
    response = await post_form(client, f"/meetings/{meeting_id}/minutes/status",
                               {"status": "circulated", "version": "0"}, token)
    assert response.status_code == 409
    text = page_text(response.text)
    assert "Someone else changed these minutes meanwhile" in text and "Your corrections" not in text


async def test_a_decision_saves_the_notes_it_carries_and_a_vote_typed_is_never_dropped(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    await post_form(client, f"/meetings/{meeting_id}/attendance/everyone", {}, token)
    item = await current_of(meeting_id)
    await post_form(client, f"/meetings/{meeting_id}/items/{item}/decisions", {
        "text": "Agreed.", "mover_id": demo.people[CHAIR], "votes_for": "9",
        "notes_item": item, "notes": "Said before the vote", "notes_base": policy.notes_hash("")}, token)
    assert (await items_of(meeting_id))[0]["notes"] == "Said before the vote"
    assert (await Motion.select(Motion.votes_for, Motion.result).first()) == {"votes_for": 9, "result": "carried"}
    unmoved = await post_form(client, f"/meetings/{meeting_id}/items/{item}/decisions",
                              {"text": "Also agreed.", "votes_for": "5"}, token)
    assert unmoved.status_code == 422 and "Choose who moved it" in unmoved.text


async def test_a_meeting_running_past_its_scheduled_end_stays_upcoming_until_it_ends(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await started(client, token, demo)
    ended_earlier = clock.now() - timedelta(minutes=5)
    await Meeting.update({Meeting.starts_at: ended_earlier - timedelta(hours=1), Meeting.ends_at: ended_earlier}).where(
        Meeting.id == meeting_id)
    upcoming = (await client.get(f"/teams/{demo.team(COLLABORATIVE)}/meetings")).text.split('id="recent-heading"')[0]
    assert f'href="/meetings/{meeting_id}"' in upcoming
