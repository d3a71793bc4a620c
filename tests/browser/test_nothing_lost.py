"""Nothing typed is lost, in real Chromium: live notes travel with every move and are kept
through a session that ends mid-meeting; two people correcting the same minutes both keep
their text; a refused agenda item leaves the agenda in place and the corrected form saves.
Keyboard focus stays on the control just used. axe on every state."""

from __future__ import annotations

import json
import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from server import clock
from server.accounts.tables import LoginSession
from server.meetings import agenda, minutes, scheduling
from server.meetings.policy import MeetingInput
from server.meetings.tables import AgendaItem, Minutes, TemplateItem
from tests.browser.conftest import axe_check, expect, log_in, settle, visit, watch
from tests.conftest import CHAIR, PASSWORD, SCHOOL
from tests.meetings_helpers import add_item, days_from_today, on_meeting, on_team

pytestmark = pytest.mark.browser

COLLABORATIVE = "Community Collaborative"
CO_CHAIR = "kevin.oconnell@maple.example"
NOTES = "Waits at the middle schools are six weeks; two counselors are out until March."
MORE = " The district asks for a second clinician."
CO_CHAIRS = "Kevin: the counselors' leave ends in March."


async def published_meeting_today(demo, titles=("Welcome", "School referrals", "Respite beds")) -> int:
    """A meeting starting in 20 minutes with these items, agenda published, as the chair made it."""
    team_id = demo.team(COLLABORATIVE)
    await TemplateItem.delete().where(TemplateItem.team == team_id)
    lead = await on_team(demo, CHAIR, team_id)
    soon = (clock.now() + timedelta(minutes=20)).astimezone(ZoneInfo(lead.team["time_zone"]))
    meeting_id = await scheduling.create_meeting(
        lead, MeetingInput("Collaborative working session", soon.date(), soon.time().replace(second=0, microsecond=0),
                           90, "Room 2", "", ""), None)
    chair = await on_meeting(demo, CHAIR, meeting_id)
    for title in titles:
        await add_item(chair, "discussion", title)
    await agenda.set_published(chair, True)
    return meeting_id


async def notes_of(meeting_id: int) -> dict[str, str]:
    rows = await AgendaItem.select(AgendaItem.title, AgendaItem.notes).where(AgendaItem.meeting == meeting_id)
    return {row["title"]: row["notes"] for row in rows}


async def test_live_notes_survive_moving_on_and_a_session_that_ends_mid_meeting(page, demo):
    meeting_id = await published_meeting_today(demo)
    await log_in(page, CHAIR)
    await visit(page, f"/meetings/{meeting_id}/live")
    await page.locator("#live-start").click()
    current = page.locator("#current-heading")
    await expect(current).to_have_text("Item 1 of 3: Welcome")
    await page.locator("#live-next").click()
    await expect(current).to_have_text("Item 2 of 3: School referrals")
    # Focus stays on the control just used, so a keyboard user presses it again.
    await expect(page.locator("#live-next")).to_be_focused()
    await expect(page.locator("#messages")).to_contain_text("Now: item 2 of 3, School referrals")
    await settle(page)
    await axe_check(page, "live view, item 2")

    # Typed, never saved by hand, and straight on to the next item: the move takes them along.
    notes = page.get_by_label("Notes", exact=True)
    await notes.press_sequentially(NOTES[:20])
    await notes.fill(NOTES)
    await page.locator("#live-next").click()
    await expect(current).to_have_text("Item 3 of 3: Respite beds")
    await page.locator("#live-previous").click()
    await expect(current).to_have_text("Item 2 of 3: School referrals")
    await expect(page.get_by_label("Notes", exact=True)).to_have_value(NOTES)
    assert (await notes_of(meeting_id))["School referrals"] == NOTES

    # Typing goes on; the session ends before the autosave reaches the server, and meanwhile
    # the co-chair saves notes of her own on the item.
    await LoginSession.delete().where(LoginSession.id > 0)
    school_referrals = (await AgendaItem.select(AgendaItem.id).where(
        (AgendaItem.meeting == meeting_id) & (AgendaItem.title == "School referrals")).first())["id"]
    await page.get_by_label("Notes", exact=True).press("Control+End")
    await page.get_by_label("Notes", exact=True).press_sequentially(MORE)
    await page.wait_for_url(re.compile(r"/login\?next="))
    await AgendaItem.update({AgendaItem.notes: CO_CHAIRS}).where(AgendaItem.id == school_referrals)
    await axe_check(page, "login after the session ended")
    form = page.locator("#login-form")
    await form.locator("#email").fill(CHAIR)
    await form.locator("#password").fill(PASSWORD)
    await form.locator("button[type=submit]").click()
    await page.wait_for_url(re.compile(rf"/meetings/{meeting_id}/live$"))
    # Back on the page: what was typed is in the box; the co-chair's notes are beside it, not overwritten.
    await expect(page.get_by_label("Notes", exact=True)).to_have_value(NOTES + MORE)
    conflict = page.locator("#notes-status .conflict")
    await expect(conflict).to_contain_text(CO_CHAIRS)
    assert (await notes_of(meeting_id))["School referrals"] == CO_CHAIRS
    await settle(page)
    await axe_check(page, "live view, back after logging in again, both texts shown")
    await page.get_by_label("Notes", exact=True).press("Control+End")
    await page.get_by_label("Notes", exact=True).press_sequentially(" (Co-chair: counselors back in March.)")
    await expect(conflict).to_be_visible()
    assert (await notes_of(meeting_id))["School referrals"] == CO_CHAIRS  # typing on never saves over hers
    await page.locator("#notes-replace").click()
    await expect(page.locator("#notes-status")).to_contain_text("Saved at")
    assert (await notes_of(meeting_id))["School referrals"] == NOTES + MORE + " (Co-chair: counselors back in March.)"


async def test_a_comment_sent_on_circulated_minutes_is_not_brought_back_into_the_box(page, demo):
    lead = await on_team(demo, CHAIR, demo.team(COLLABORATIVE))
    meeting_id = await scheduling.create_meeting(
        lead, MeetingInput("Meeting held by phone", days_from_today(-2), time(10), 60, "", "", ""), None)
    chair = await on_meeting(demo, CHAIR, meeting_id)
    await minutes.start_minutes(chair)
    await minutes.move(await on_meeting(demo, CHAIR, meeting_id), "circulated", "1")
    await log_in(page, SCHOOL)
    await visit(page, f"/meetings/{meeting_id}/minutes")
    await page.get_by_label("Your comment").fill("Item 1 should say 35 days.")
    await page.get_by_role("button", name="Send the comment").click()
    await expect(page.get_by_text("Your comment is saved.")).to_be_visible()
    await expect(page.locator(".comment-body")).to_have_text("Item 1 should say 35 days.")
    await expect(page.get_by_label("Your comment")).to_have_value("")
    await axe_check(page, "minutes after a comment")


async def test_two_people_correcting_the_minutes_both_keep_their_text(browser, page, live_server, demo):
    lead = await on_team(demo, CHAIR, demo.team(COLLABORATIVE))
    meeting_id = await scheduling.create_meeting(
        lead, MeetingInput("Meeting held by phone", days_from_today(-2), time(10), 60, "", "", ""), None)
    await minutes.start_minutes(await on_meeting(demo, CHAIR, meeting_id))

    await log_in(page, CHAIR)
    await visit(page, f"/meetings/{meeting_id}/minutes")
    context = await browser.new_context(base_url=live_server, locale="en-US", viewport={"width": 1280, "height": 900})
    context.on("page", watch)
    co_chair = await context.new_page()
    try:
        await log_in(co_chair, CO_CHAIR)
        await visit(co_chair, f"/meetings/{meeting_id}/minutes")
        # Both have the form open; the co-chair saves first.
        await co_chair.get_by_label("Summary and other business").fill("Kevin's summary: quorum by 10:05.")
        await co_chair.locator("#minutes-save").click()
        await expect(co_chair.get_by_text("The minutes are saved.")).to_be_visible()
        await page.get_by_label("Summary and other business").fill("Marcus's summary: respite beds first.")
        await page.locator("#minutes-save").click()
        await expect(page.locator(".conflict[role=alert]")).to_contain_text("Someone else saved these minutes")
        await expect(page.locator(".error-summary")).to_contain_text("Someone else changed this too")
        await expect(page.locator(".compared")).to_contain_text("Kevin's summary: quorum by 10:05.")
        await expect(page.get_by_label("Summary and other business")).to_have_value(
            "Marcus's summary: respite beds first.")
        await axe_check(page, "minutes corrected after someone else")
        # Merged by hand and saved over theirs, deliberately.
        await page.get_by_label("Summary and other business").fill(
            "Marcus's summary: respite beds first. Kevin: quorum by 10:05.")
        await page.locator("#minutes-save").click()
        await expect(page.get_by_text("The minutes are saved.")).to_be_visible()
        await axe_check(page, "minutes saved")
    finally:
        await context.close()
    saved = await Minutes.select(Minutes.record).where(Minutes.meeting == meeting_id).first()
    assert json.loads(saved["record"])["summary"] == "Marcus's summary: respite beds first. Kevin: quorum by 10:05."


async def test_a_refused_agenda_item_leaves_the_agenda_and_the_corrected_form_saves(page, demo):
    meeting_id = await published_meeting_today(demo)
    await log_in(page, CHAIR)
    await visit(page, f"/meetings/{meeting_id}")
    items = page.locator("#agenda-items > li")
    await expect(items).to_have_count(3)
    form = page.locator("#add-item-form")
    await form.get_by_label("Title").fill("Transportation to appointments")
    await form.get_by_label("Planned minutes").fill("0")
    await form.get_by_role("button", name="Add to agenda").click()
    await expect(page.locator("#add-item-form").get_by_role("alert")).to_contain_text("Enter the planned minutes")
    await expect(items).to_have_count(3)  # the agenda is still there
    await settle(page)
    await axe_check(page, "agenda with a refused item")
    form = page.locator("#add-item-form")
    await expect(form.get_by_label("Title")).to_have_value("Transportation to appointments")
    await form.get_by_label("Planned minutes").fill("10")
    await form.get_by_role("button", name="Add to agenda").click()
    await expect(items).to_have_count(4)
    await expect(items.last).to_contain_text("Transportation to appointments")
    await settle(page)
    await axe_check(page, "agenda with the corrected item")

