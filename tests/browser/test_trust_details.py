"""Trust details in real Chromium (issue 8, Build 9): the meeting form shows only the recurrence
fields of the chosen pattern (CSS alone, so without JavaScript too), a case-review item's form
says why its title is not kept, and the app's htmx swaps that other flows do not walk (out-of-band
messages, carry-over, refused forms, a stale edit, the live view's refusals, filters that change
the address and the Back button after them) log nothing in the console. The CSP forbids inline
styles and scripts: a swap that broke it would log a violation, and any console error fails a
test (tests/browser/conftest.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from server import clock
from server.meetings import scheduling
from server.meetings.policy import MeetingInput
from server.meetings.tables import AgendaItem
from tests.browser.conftest import (
    axe_check,
    check_page,
    expect,
    follow,
    log_in,
    settle,
    visit,
    watch,
)
from tests.conftest import ADMIN, CHAIR, PASSWORD
from tests.meetings_helpers import add_item, days_from_today, held_meeting, on_meeting, on_team

pytestmark = pytest.mark.browser

COLLABORATIVE = "Community Collaborative"
CASE_REVIEW_NOTE = "A case review's title is never stored"


async def upcoming_meeting(demo, title: str, days: int = 9) -> int:
    """A meeting of the Community Collaborative in `days` days, scheduled as its chair would."""
    lead = await on_team(demo, CHAIR, demo.team(COLLABORATIVE))
    data = MeetingInput(title, days_from_today(days), (clock.now() + timedelta(hours=1)).time().replace(
        second=0, microsecond=0), 60, "Room 2", "", "")
    return await scheduling.create_meeting(lead, data, None)


def recurrence_fields(page) -> dict:
    return {
        "interval": page.get_by_label("Repeat every (weeks or months)"),
        "weekdays": page.get_by_role("group", name="Weekly on"),
        "month_day": page.get_by_label("Monthly on day"),
        "week_of_month": page.get_by_label("Monthly on the"),
        "weekday": page.get_by_label("Weekday", exact=True),
        "ends": page.get_by_role("radiogroup", name="Ends"),
        "until": page.get_by_label("Last date"),
        "count": page.get_by_label("Number of meetings", exact=True),
    }


async def expect_shown(page, shown: set[str]) -> None:
    for name, field in recurrence_fields(page).items():
        if name in shown:
            await expect(field, f"{name} should show").to_be_visible()
        else:
            await expect(field, f"{name} should be hidden").to_be_hidden()


async def walk_the_patterns(page) -> None:
    how_often = page.get_by_label("How often")
    await expect_shown(page, set())  # "Does not repeat": nothing about repeating
    await how_often.select_option("weekly")
    await expect_shown(page, {"interval", "weekdays", "ends", "until"})
    await page.get_by_label("After a number of meetings").check()
    await expect_shown(page, {"interval", "weekdays", "ends", "count"})
    await how_often.select_option("monthly_date")
    await expect_shown(page, {"interval", "month_day", "ends", "count"})
    await how_often.select_option("monthly_weekday")
    await expect_shown(page, {"interval", "week_of_month", "weekday", "ends", "count"})
    await page.get_by_label("On a date").check()
    await expect_shown(page, {"interval", "week_of_month", "weekday", "ends", "until"})
    await how_often.select_option("none")
    await expect_shown(page, set())


async def test_the_meeting_form_shows_only_the_recurrence_fields_of_the_chosen_pattern(page, demo):
    await log_in(page, CHAIR)
    await visit(page, f"/teams/{demo.team(COLLABORATIVE)}/meetings/new")
    await walk_the_patterns(page)
    await page.get_by_label("How often").select_option("weekly")
    await axe_check(page, "meeting form, weekly")


async def test_without_javascript_the_meeting_form_still_shows_only_the_chosen_pattern_and_saves(
    browser, live_server, demo
):
    context = await browser.new_context(base_url=live_server, locale="en-US", java_script_enabled=False,
                                        viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = await context.new_page()
    watch(page)
    try:  # no axe here: it runs as a script, and scripts are off (so are Playwright's evaluations)
        await page.goto("/login")
        await page.get_by_label("Email").fill(CHAIR)
        await page.get_by_label("Password").fill(PASSWORD)
        await follow_without_axe(page, page.get_by_role("button", name="Log in"))
        await page.goto(f"/teams/{demo.team(COLLABORATIVE)}/meetings/new")
        await walk_the_patterns(page)
        await page.get_by_label("Title").fill("Budget subcommittee")
        await page.get_by_label(re.compile(r"^Date")).fill(days_from_today(14).isoformat())
        await page.get_by_label("How often").select_option("weekly")
        await page.get_by_label("After a number of meetings").check()
        await page.get_by_label("Number of meetings", exact=True).fill("4")
        await follow_without_axe(page, page.get_by_role("button", name="Schedule"))
        await expect(page.get_by_role("heading", level=1)).to_have_text("Budget subcommittee")
        await expect(page.locator("dl.facts")).to_contain_text("4 times")
        check_page(page, "meeting page without JavaScript")
    finally:
        await context.close()


async def follow_without_axe(page, button) -> None:
    async with page.expect_navigation() as navigation:
        await button.click()
    response = await navigation.value
    assert response is not None and response.status < 400, response and response.status


async def test_a_case_review_items_form_says_its_title_is_never_stored_and_why(page, demo):
    meeting_id = await upcoming_meeting(demo, "Perinatal case conference")
    await log_in(page, CHAIR)
    await visit(page, f"/meetings/{meeting_id}")
    add_form = page.locator("#add-item-form")
    note = add_form.get_by_text(CASE_REVIEW_NOTE)
    await expect(note).to_be_hidden()
    await add_form.get_by_label("Kind").select_option(label="Case review")
    await expect(note).to_be_visible()
    await expect(note).to_contain_text("case facts (a name, initials, a date of birth) stay off them")
    await axe_check(page, "add-item form, case review chosen")
    await add_form.get_by_label("Kind").select_option(label="Discussion")
    await expect(note).to_be_hidden()

    await visit(page, f"/teams/{demo.team(COLLABORATIVE)}/meetings/template")
    template_form = page.locator("form").filter(has=page.get_by_role("button", name="Add", exact=True))
    await template_form.get_by_label("Kind").select_option(label="Case review")
    await expect(template_form.get_by_text(CASE_REVIEW_NOTE)).to_be_visible()


# The htmx swaps no other browser test walks. Each step ends with check_page (or axe_check):
# a console error since the step before fails the test there.


async def test_agenda_swaps_messages_and_a_stale_edit_log_no_console_errors(page, demo):
    lead = await on_team(demo, CHAIR, demo.team(COLLABORATIVE))
    await held_meeting(lead, "Last month's collaborative", minutes_ago=50,
                       items=(("discussion", "Respite waitlist, not reached"),))
    meeting_id = await upcoming_meeting(demo, "This month's collaborative", days=2)
    await log_in(page, CHAIR)
    await visit(page, f"/meetings/{meeting_id}")
    messages = page.locator("#messages")

    # Every standing item is there already: said, out of band, in the page's message area.
    await page.get_by_role("button", name="Add the team's standing items").click()
    await expect(messages).to_have_text("Nothing to add: every standing item is already on the agenda.")
    await settle(page)
    await axe_check(page, "agenda with the out-of-band message")

    await page.get_by_role("button", name="Carry over").click()
    await expect(page.locator("#agenda-items")).to_contain_text("Respite waitlist, not reached")
    await settle(page)
    check_page(page, "agenda after a carry-over")

    add_form = page.locator("#add-item-form")
    await add_form.get_by_label("Title").fill("Budget review")
    await add_form.get_by_label("Planned minutes").fill("900")  # over the limit: the form comes back
    await add_form.get_by_role("button", name="Add to agenda").click()
    await expect(page.locator("#add-item-form .error-summary")).to_be_visible()
    await expect(page.locator("#agenda-items")).to_contain_text("Respite waitlist, not reached")  # still there
    await settle(page)
    check_page(page, "add-item form refused")
    await add_form.get_by_label("Planned minutes").fill("15")
    await add_form.get_by_role("button", name="Add to agenda").click()
    await expect(page.locator("#agenda-items")).to_contain_text("Budget review")
    await settle(page)
    check_page(page, "add-item form accepted after the refusal")

    # Someone else edits the item while the chair has it open: the chair's save is turned down.
    first = page.locator("#agenda-items > li").first
    await first.get_by_role("link", name=re.compile(r"^Edit item 1")).click()
    editing = page.locator("li.agenda-item.editing")
    await expect(editing).to_be_visible()
    await settle(page)
    item_id = int((await editing.get_attribute("id")).removeprefix("item-"))
    await AgendaItem.update({AgendaItem.version: AgendaItem.version + 1}).where(AgendaItem.id == item_id)
    await editing.get_by_role("button", name="Save item").click()
    await expect(messages).to_contain_text("Someone else changed this")
    await settle(page)
    check_page(page, "a stale edit, told in the message area")

    await follow(page, page.get_by_role("button", name="Publish the agenda"))
    await expect(messages).to_have_text("The agenda is published; members can see it now.")


async def test_live_view_refusals_and_confirmations_log_no_console_errors(page, demo):
    meeting_id = await upcoming_meeting(demo, "Collaborative, run live", days=0)
    access = await on_meeting(demo, CHAIR, meeting_id)
    for title in ("Welcome", "Respite capacity"):
        await add_item(access, "discussion", title)
    await log_in(page, CHAIR)
    await visit(page, f"/meetings/{meeting_id}/live")
    current = page.locator("#current-heading")
    await page.get_by_role("button", name="Start the meeting").click()
    await expect(page.locator("#current-heading, #start-anyway").first).to_be_visible()
    if await page.locator("#start-anyway").count():  # a draft agenda: asked first
        await page.locator("#start-anyway").click()
    await expect(current).to_contain_text("Item 1 of")
    await settle(page)
    await page.get_by_role("button", name="Next item").click()
    await expect(current).to_contain_text("Item 2 of")
    await settle(page)
    await page.get_by_role("button", name="Previous item").click()
    await expect(current).to_contain_text("Item 1 of")
    await settle(page)
    check_page(page, "live view, previous item")

    await page.get_by_role("button", name="Record", exact=True).click()  # an empty decision
    await expect(page.locator("#decision-error")).to_be_visible()
    await settle(page)
    check_page(page, "live view, empty decision refused")

    new_action = page.locator("section[aria-labelledby='new-action-heading']")
    await new_action.get_by_label("What needs to be done").fill("Send the respite list to the board")
    await new_action.get_by_label("Owner").select_option(label="Angela Brooks")
    await new_action.get_by_label("Due").fill(days_from_today(-2).isoformat())
    await new_action.get_by_role("button", name="Add action item").click()
    new_action = page.locator("section[aria-labelledby='new-action-heading']")
    await expect(new_action).to_contain_text("This due date has already passed")
    await settle(page)
    await axe_check(page, "live view, past due date to confirm")
    await new_action.get_by_label("Save with this past date").check()
    await new_action.get_by_role("button", name="Add action item").click()
    await expect(page.locator("section[aria-labelledby='new-action-heading']").get_by_role(
        "link", name="Send the respite list to the board")).to_be_visible()
    await settle(page)
    check_page(page, "live view, action item saved")

    someone = page.locator("li.attendee").first
    await someone.get_by_role("button", name="Excused", exact=True).click()
    await expect(page.locator("li.attendee").first.get_by_role("button", name="Excused", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    await settle(page)
    check_page(page, "live view, attendance")


async def test_filters_that_change_the_address_survive_the_back_button_and_forms_swap_cleanly(page, demo):
    await log_in(page, ADMIN)
    h1 = page.get_by_role("heading", level=1)
    await visit(page, "/people")
    await page.get_by_label("Search by name, email or agency").fill("Shaw")
    await expect(page).to_have_url(re.compile(r"/people\?q=Shaw"))
    await settle(page)
    await page.go_back()
    await expect(page).to_have_url(re.compile(r"/people$"))
    # htmx asks the server for the page it goes back to: the whole page, not the results alone.
    await expect(h1).to_have_text("People")
    await expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    await settle(page)
    await axe_check(page, "people, after Back")

    await visit(page, "/people/new")
    await page.get_by_label("Name").fill("Irma Solis")
    await page.get_by_label("Email").fill("irma.solis@maple.example")
    await page.get_by_label("Phone").fill("call the front desk")
    await page.get_by_role("button", name=re.compile("^Add person")).click()
    await expect(page.locator(".error-summary")).to_contain_text("Enter a phone number in digits")
    await settle(page)
    await axe_check(page, "person form, phone refused")

    await follow(page, page.get_by_role("button", name="Log out"))
    await log_in(page, CHAIR)
    await visit(page, f"/teams/{demo.team(COLLABORATIVE)}/actions")
    await page.get_by_label("Status").select_option("all")
    await expect(page).to_have_url(re.compile(r"status=all"))
    await settle(page)
    await page.go_back()
    await expect(h1).to_contain_text("Action items of")
    await expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    await settle(page)
    check_page(page, "team action items, after Back")
