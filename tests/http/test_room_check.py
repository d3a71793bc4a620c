"""The room check and the meeting screen (CONSENT.md §6): when the chair opens a case-review
item, the live view names exactly the people in the room whom the case's releases do not cover;
stepping them out takes them out of the room for that item (a departure and a return in
attendance); the shared screen shows only what everyone in the room may see, with a ledger row
for each of them, and a revocation reaches it on its next poll."""

from __future__ import annotations

import re

from server.cases import ledger
from server.cases.tables import Disclosure, StepOut
from server.meetings import live
from server.meetings.tables import AgendaItem, Attendance, Meeting
from tests.case_setup import (
    CLIENT,
    HOUSING_NOTE,
    SUD_NOTE,
    check_in,
    cluster_case,
    open_item,
    review_meeting,
    revoke,
)
from tests.conftest import (
    COORDINATOR,
    SCHOOL,
    csrf_token,
    log_in,
    make_client,
    page_text,
    post_form,
)
from tests.meetings_helpers import on_meeting

TAMARA = "tamara.nguyen@maple.example"  # CPS: covered
OLIVIA = "olivia.grant@maple.example"  # Help Me Grow: not covered
DEREK = "derek.shaw@maple.example"  # housing (MCAP): sees only their own agency's housing entry
JORDAN = "jordan.ellis@maple.example"  # treatment provider (HRS): sees only their own SUD entry
LUIS = "luis.romero@maple.example"  # MMC: covered, absent
BETH = "beth.lindqvist@maple.example"  # MHAS: not covered, came and left


async def last_ledger_row() -> int:
    row = await Disclosure.select(Disclosure.id).order_by(Disclosure.id, ascending=False).first()
    return row["id"] if row else 0


def uncovered_names(html: str) -> list[str]:
    found = re.search(r'<ul class="room-people" aria-labelledby="room-uncovered-note" id="room-uncovered">(.*?)</ul>',
                      html, re.S)
    return re.findall(r"<strong>(.*?)</strong>", found.group(1)) if found else []


def stepped_out_names(html: str) -> list[str]:
    found = re.search(r'id="room-out">(.*?)</ul>', html, re.S)
    return re.findall(r"<strong>(.*?)</strong>", found.group(1)) if found else []


async def running_review(demo, present=(COORDINATOR, TAMARA, OLIVIA, DEREK)) -> tuple[int, int, int, int]:
    """A cluster meeting reviewing the case, its case-review item open, with `present` in the room,
    Beth come and gone, Luis absent: (meeting, item, case, release)."""
    case_id, release_id = await cluster_case(demo)
    meeting_id, (welcome, item) = await review_meeting(demo, [case_id])
    await check_in(demo, meeting_id, list(present) + [BETH])
    await check_in(demo, meeting_id, [LUIS], status="absent")
    await live.check_in(await on_meeting(demo, COORDINATOR, meeting_id), {
        "person_id": str(demo.people[BETH]), "departed_status": "present", "departed": "true"})
    await open_item(demo, meeting_id, item)
    return meeting_id, item, case_id, release_id


async def test_the_room_check_names_exactly_the_uncovered_people_in_the_room(client, demo):
    meeting_id, item, _, _ = await running_review(demo)
    await log_in(client, COORDINATOR)
    live = await client.get(f"/meetings/{meeting_id}/live")
    assert live.status_code == 200 and live.headers["cache-control"] == "no-store"
    assert uncovered_names(live.text) == ["Derek Shaw", "Olivia Grant"]  # not Beth (left), not Luis (absent)
    section = page_text(live.text.split('id="room-check"', 1)[1].split("</section>", 1)[0])
    assert "HMG" in section and "MCAP" in section
    for fact in (CLIENT, SUD_NOTE, HOUSING_NOTE, "sud", "Housing"):
        assert fact not in section, fact  # names and agencies, no case fact


async def test_stepping_out_takes_them_out_of_the_room_and_the_screen_then_shows_the_case(app, client, demo):
    meeting_id, item, case_id, _ = await running_review(demo)
    token = await log_in(client, COORDINATOR)
    screen = await client.get(f"/meetings/{meeting_id}/screen")
    assert screen.status_code == 200 and screen.headers["cache-control"] == "no-store"
    assert 'hx-history="false"' in screen.text
    text = page_text(screen.text)
    # Olivia (covered for nothing) is in the room: the reference and "details withheld" only.
    assert "Case PC-7T3K" in text and "details withheld" in text
    assert CLIENT not in text and SUD_NOTE not in text and HOUSING_NOTE not in text

    olivia, derek = demo.people[OLIVIA], demo.people[DEREK]
    response = await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/step-out",
                               {"person_id": str(olivia)}, token, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert uncovered_names(response.text) == ["Derek Shaw"] and stepped_out_names(response.text) == ["Olivia Grant"]
    step = await StepOut.select().where(StepOut.agenda_item == item).first()
    assert step["person"] == olivia and step["returned_at"] is None and step["recorded_by"] == demo.people[COORDINATOR]
    attendance = await Attendance.select().where(
        (Attendance.meeting == meeting_id) & (Attendance.person == olivia)).first()
    assert attendance["departed_at"] == step["departed_at"]
    # Derek is still there: what everyone may see (his agency's own housing entry, released to
    # the others), and "details withheld" for the rest.
    text = page_text((await client.get(f"/meetings/{meeting_id}/screen")).text)
    assert HOUSING_NOTE in text and "details withheld" in text and CLIENT not in text and SUD_NOTE not in text
    # Without JavaScript: a plain form, back to the live view.
    response = await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/step-out",
                               {"person_id": str(derek)}, token)
    assert response.status_code == 303 and response.headers["location"].endswith("/live#live")
    live = await client.get(f"/meetings/{meeting_id}/live")
    assert uncovered_names(live.text) == [] and "All 2 people in the room are covered" in page_text(live.text)

    text = page_text((await client.get(f"/meetings/{meeting_id}/screen")).text)
    assert CLIENT in text and SUD_NOTE in text and HOUSING_NOTE in text and "details withheld" not in text
    assert "42 CFR part 2 prohibits unauthorized use" in text  # the Part 2 entry carries its notice

    # Someone not in the room cannot be stepped out; a second click changes nothing.
    response = await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/step-out",
                               {"person_id": str(demo.people[LUIS])}, token)
    assert response.status_code == 422
    await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/step-out", {"person_id": str(olivia)}, token)
    assert await StepOut.count().where(StepOut.agenda_item == item) == 2


async def test_people_come_back_by_the_button_and_when_the_item_ends(client, demo):
    meeting_id, item, _, _ = await running_review(demo)
    token = await log_in(client, COORDINATOR)
    olivia, derek = demo.people[OLIVIA], demo.people[DEREK]
    for person in (olivia, derek):
        await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/step-out", {"person_id": str(person)}, token)
    response = await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/back",
                               {"person_id": str(olivia)}, token, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert uncovered_names(response.text) == ["Olivia Grant"] and stepped_out_names(response.text) == ["Derek Shaw"]
    back = await StepOut.select().where((StepOut.agenda_item == item) & (StepOut.person == olivia)).first()
    assert back["returned_at"] is not None
    attendance = {row["person"]: row for row in await Attendance.select().where(Attendance.meeting == meeting_id)}
    assert attendance[olivia]["departed_at"] is None and attendance[derek]["departed_at"] is not None
    # Moving on ends the item: everyone is back, and the meeting's record of who came is whole.
    await post_form(client, f"/meetings/{meeting_id}/live/previous", {"at_item": str(item)}, token)
    assert not await StepOut.exists().where(StepOut.returned_at.is_null())
    attendance = {row["person"]: row for row in await Attendance.select().where(Attendance.meeting == meeting_id)}
    assert attendance[derek]["departed_at"] is None and attendance[demo.people[BETH]]["departed_at"] is not None


async def test_the_chair_may_defer_the_item_from_the_room_check(client, demo):
    meeting_id, item, _, _ = await running_review(demo)
    token = await log_in(client, COORDINATOR)
    live = await client.get(f"/meetings/{meeting_id}/live")
    assert 'id="room-defer"' in live.text
    response = await post_form(client, f"/meetings/{meeting_id}/items/{item}/outcome", {"outcome": "deferred"}, token)
    assert response.status_code == 303
    assert (await AgendaItem.select(AgendaItem.outcome).where(AgendaItem.id == item).first())["outcome"] == "deferred"


async def test_the_screen_writes_a_ledger_row_for_each_person_in_the_room(client, demo):
    meeting_id, item, case_id, _ = await running_review(demo, present=(COORDINATOR, TAMARA, OLIVIA))
    token = await log_in(client, COORDINATOR)
    await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/step-out",
                    {"person_id": str(demo.people[OLIVIA])}, token)
    before = await last_ledger_row()
    response = await client.get(f"/meetings/{meeting_id}/screen")
    assert response.status_code == 200 and CLIENT in response.text
    rows = await Disclosure.select().where(Disclosure.id > before).order_by(Disclosure.id)
    assert {row["surface"] for row in rows} == {"screen"}
    assert {row["viewer"] for row in rows} == {demo.people[COORDINATOR], demo.people[TAMARA]}
    assert {row["shown_by"] for row in rows} == {demo.people[COORDINATOR]} and {row["case"] for row in rows} == {case_id}
    tamara = [row for row in rows if row["viewer"] == demo.people[TAMARA]]
    assert {row["basis"] for row in tamara} == {"release"}  # CPS sees the others' records under the release
    assert "sud" in ",".join(row["categories"] for row in tamara)
    assert all(row["notice"] == "part2" for row in tamara if "sud" in row["categories"].split(","))
    assert (await ledger.verify()).ok


async def test_a_revocation_takes_effect_on_the_next_poll_of_the_screen(client, demo):
    meeting_id, item, case_id, release_id = await running_review(demo, present=(COORDINATOR, TAMARA))
    token = await log_in(client, COORDINATOR)
    screen = await client.get(f"/meetings/{meeting_id}/screen")
    assert CLIENT in screen.text and SUD_NOTE in screen.text
    poll = re.search(r'hx-get="([^"]+)"', screen.text).group(1).replace("&amp;", "&")
    before = await last_ledger_row()
    unchanged = await client.get(poll, headers={"HX-Request": "true"})
    assert unchanged.status_code == 204 and await last_ledger_row() == before  # nothing sent, nothing recorded
    await revoke(release_id, demo.agencies["CPS"])  # for Tamara's agency only
    version = (await Meeting.select(Meeting.live_version).where(Meeting.id == meeting_id).first())["live_version"]
    assert f"v={version}" in poll  # the meeting did not move: only the decision changed
    redrawn = await client.get(poll, headers={"HX-Request": "true"})
    assert redrawn.status_code == 200 and "<html" not in redrawn.text
    text = page_text(redrawn.text)
    assert "details withheld" in text and CLIENT not in text and SUD_NOTE not in text and "Case PC-7T3K" in text
    # Tamara steps out: the coordinator alone is in the room, and sees the case again.
    await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/step-out",
                    {"person_id": str(demo.people[TAMARA])}, token)
    text = page_text((await client.get(f"/meetings/{meeting_id}/screen")).text)
    assert CLIENT in text and "details withheld" not in text


async def test_only_the_people_who_run_the_meeting_open_the_screen(app, client, demo):
    meeting_id, item, _, _ = await running_review(demo)
    async with await make_client(app) as member:
        await log_in(member, TAMARA)
        assert (await member.get(f"/meetings/{meeting_id}/screen")).status_code == 403
        token = await csrf_token(member, "/account")
        response = await post_form(member, f"/meetings/{meeting_id}/live/items/{item}/step-out",
                                   {"person_id": str(demo.people[OLIVIA])}, token)
        assert response.status_code == 403 and not await StepOut.exists()
    async with await make_client(app) as outsider:
        await log_in(outsider, SCHOOL)  # not on the Perinatal Cluster
        assert (await outsider.get(f"/meetings/{meeting_id}/screen")).status_code == 404


async def test_the_screen_follows_the_live_view_and_shows_no_case_before_attendance(client, demo):
    case_id, _ = await cluster_case(demo)
    meeting_id, (welcome, item) = await review_meeting(demo, [case_id])
    await log_in(client, COORDINATOR)
    assert "The meeting has not started yet." in (await client.get(f"/meetings/{meeting_id}/screen")).text
    await open_item(demo, meeting_id, welcome)
    text = page_text((await client.get(f"/meetings/{meeting_id}/screen")).text)
    assert "Welcome and confidentiality reminder" in text and "PC-7T3K" not in text
    await open_item(demo, meeting_id, item)
    text = page_text((await client.get(f"/meetings/{meeting_id}/screen")).text)
    assert "Case review (2)" in text and "No one is checked in" in text and CLIENT not in text
    live = page_text((await client.get(f"/meetings/{meeting_id}/live")).text)
    assert "No one is checked in yet" in live


async def test_removing_the_item_brings_back_whoever_stepped_out_for_it(client, demo):
    meeting_id, item, _, _ = await running_review(demo)
    token = await log_in(client, COORDINATOR)
    olivia = demo.people[OLIVIA]
    await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/step-out", {"person_id": str(olivia)}, token)
    response = await post_form(client, f"/meetings/{meeting_id}/items/{item}/delete", {}, token)
    assert response.status_code == 303 and not await StepOut.exists()
    attendance = await Attendance.select(Attendance.departed_at).where(
        (Attendance.meeting == meeting_id) & (Attendance.person == olivia)).first()
    assert attendance["departed_at"] is None
