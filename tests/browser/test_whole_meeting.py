"""A whole meeting in real Chromium: an absent member, an alternate standing in, a motion with a
recusal that fails, an item deferred and one never reached. The minutes list each as it
happened, in the language of whoever reads them; the next meeting offers the deferred and the
unreached items for carry-over. axe on every state."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.browser.conftest import axe_check, expect, follow, log_in, settle, visit, watch
from tests.browser.test_nothing_lost import published_meeting_today
from tests.conftest import CHAIR, FAMILY, SCHOOL, TREATMENT
from tests.meetings_helpers import days_from_today, on_team

pytestmark = pytest.mark.browser

COLLABORATIVE = "Community Collaborative"
ITEMS = ("Welcome and introductions", "Second respite bed", "Referral form", "Budget")
MOTION = "Fund a second respite bed from the county's share."


def attendee(page, name: str):
    return page.locator("li.attendee").filter(has=page.locator("strong", has_text=re.compile(f"^{name}$")))


async def test_a_whole_meeting_is_minuted_as_it_happened_and_its_unfinished_items_wait_for_the_next(
        browser, page, live_server, demo):
    meeting_id = await published_meeting_today(demo, ITEMS)
    await log_in(page, CHAIR)
    await visit(page, f"/meetings/{meeting_id}/live")
    await page.locator("#live-start").click()
    await expect(page.locator("#current-heading")).to_have_text(f"Item 1 of 4: {ITEMS[0]}")

    # -- The roll: everyone, then who is not there; an alternate stands in. ----------------------
    await page.locator("#everyone-present").click()
    await expect(attendee(page, "Jordan Ellis").get_by_role("button", name="Present", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    await expect(page.locator("#everyone-present")).to_be_focused()
    jordan = attendee(page, "Jordan Ellis")
    await jordan.get_by_role("button", name="Absent", exact=True).click()
    await expect(attendee(page, "Jordan Ellis").get_by_role("button", name="Absent", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    await expect(page.locator("#att-" + str(demo.people[TREATMENT]) + "-absent")).to_be_focused()
    await attendee(page, "Samuel Okafor").get_by_role("button", name="Excused", exact=True).click()
    await expect(attendee(page, "Samuel Okafor").get_by_role("button", name="Excused", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    beth = attendee(page, "Beth Lindqvist")
    await beth.get_by_label("Standing in for").select_option(label="For Samuel Okafor")
    await beth.get_by_role("button", name="Present", exact=True).click()
    await expect(attendee(page, "Samuel Okafor")).to_contain_text("represented by Beth Lindqvist (alternate)")
    await expect(attendee(page, "Beth Lindqvist")).to_contain_text("standing in for Samuel Okafor")
    await settle(page)
    await axe_check(page, "live view with the roll taken")

    # -- Item 2: a motion, seconded, with a recusal; it fails. ------------------------------------
    await page.locator("#live-next").click()
    await expect(page.locator("#current-heading")).to_have_text(f"Item 2 of 4: {ITEMS[1]}")
    decision = page.locator("form.decision-form")
    await decision.get_by_label("Record a decision").fill(MOTION)
    await decision.locator("details.motion summary").click()
    await decision.get_by_label("Moved by").select_option(label="Marcus Reyes")
    await decision.get_by_label("Seconded by").select_option(label="Angela Brooks")
    await decision.get_by_label("Votes for").fill("3")
    await decision.get_by_label("Votes against").fill("6")
    await decision.get_by_label("Abstentions").fill("1")
    await decision.get_by_label("Member").select_option(label="Mei Lin")
    await decision.get_by_label("Reason").fill("Her program would run the second bed")
    await settle(page)
    await axe_check(page, "the motion form, filled in")
    await decision.get_by_role("button", name="Record", exact=True).click()
    recorded = page.locator(".current-item-card .decisions > li")
    await expect(recorded).to_contain_text(MOTION)
    await expect(recorded).to_contain_text("Failed")
    await expect(recorded).to_contain_text("Mei Lin recused: Her program would run the second bed")

    # -- Item 3 deferred from the agenda list; item 4 never reached; the end, asked first. -------
    await page.get_by_role("button", name="Defer item 3 to the next meeting").click()
    await expect(page.get_by_role("button", name="Defer item 3 to the next meeting")).to_have_attribute(
        "aria-pressed", "true")
    await page.locator("#live-end").click()
    confirm = page.locator(".end-confirm")
    await expect(confirm).to_contain_text(f"4. {ITEMS[3]}")
    await expect(confirm).to_contain_text(f"3. {ITEMS[2]}")
    await settle(page)
    await axe_check(page, "asked before the end")
    await page.locator("#end-confirmed").click()
    await page.wait_for_url(re.compile(rf"/meetings/{meeting_id}/minutes$"))
    await axe_check(page, "the minutes draft after the meeting")

    # -- The minutes, as printed. ---------------------------------------------------------------
    await visit(page, f"/meetings/{meeting_id}/minutes/print")
    record = page.locator(".minutes-record")

    def row_of(name: str):
        return record.locator("tr").filter(has=page.locator("td", has_text=re.compile(f"^\\s*{name}")))

    await expect(row_of("Jordan Ellis")).to_contain_text("Absent")
    await expect(row_of("Samuel Okafor")).to_contain_text("Excused")
    await expect(row_of("Beth Lindqvist")).to_contain_text("standing in for Samuel Okafor")
    items = record.locator("li.minutes-item")
    await expect(items.nth(0)).to_contain_text("Completed")
    await expect(items.nth(1)).to_contain_text(MOTION)
    await expect(items.nth(1)).to_contain_text(
        "Failed Moved by Marcus Reyes, seconded by Angela Brooks. For 3, against 6, abstaining 1.")
    await expect(items.nth(1)).to_contain_text("Mei Lin recused: Her program would run the second bed")
    await expect(items.nth(2)).to_contain_text("Deferred to the next meeting")
    await expect(items.nth(3)).to_contain_text("Not reached")
    await expect(items.nth(3)).not_to_contain_text("Completed")

    # -- Circulated: an English reader and a Spanish reader, each in their own language. ---------
    await visit(page, f"/meetings/{meeting_id}/minutes")
    await follow(page, page.get_by_role("button", name="Circulate for corrections"))
    for email, language in ((SCHOOL, "en"), (FAMILY, "es")):
        context = await browser.new_context(base_url=live_server, locale="en-US",
                                            viewport={"width": 1280, "height": 900})
        context.on("page", watch)
        reader = await context.new_page()
        try:
            await log_in(reader, email)
            await visit(reader, f"/meetings/{meeting_id}/minutes")
            body = reader.locator(".minutes-record")
            if language == "en":
                await expect(reader.locator("html")).to_have_attribute("lang", "en")
                await expect(body).to_contain_text("Deferred to the next meeting")
                await expect(body).to_contain_text("Not reached")
                await expect(body).to_contain_text("Absent")
            else:
                await expect(reader.locator("html")).to_have_attribute("lang", "es")
                await expect(body).to_contain_text("Aplazado a la próxima reunión")
                await expect(body).to_contain_text("No se alcanzó")
                await expect(body).to_contain_text("Ausente")
                await expect(body).to_contain_text("Rechazada Propuesta por Marcus Reyes")
                await expect(body).not_to_contain_text("Deferred")
        finally:
            await context.close()

    # -- The next meeting offers what was deferred and what was not reached. --------------------
    from server.meetings import scheduling
    from server.meetings.policy import MeetingInput

    lead = await on_team(demo, CHAIR, demo.team(COLLABORATIVE))
    later = days_from_today(7)
    next_id = await scheduling.create_meeting(lead, MeetingInput(
        "Next collaborative meeting", later, (lead.viewer.at + timedelta(hours=1)).time().replace(
            second=0, microsecond=0), 90, "", "", ""), None)
    await visit(page, f"/meetings/{next_id}")
    offered = page.locator(".card").filter(has_text="Unfinished at the last meeting")
    await expect(offered.locator("li")).to_have_count(2)
    await expect(offered).to_contain_text(ITEMS[2])
    await expect(offered).to_contain_text(ITEMS[3])
    await offered.locator("li").filter(has_text=ITEMS[2]).get_by_role("button", name="Carry over").click()
    await expect(page.locator("#agenda-items")).to_contain_text(ITEMS[2])
    await settle(page)
    await axe_check(page, "the next meeting with a deferred item carried over")
