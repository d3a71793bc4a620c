"""A meeting from agenda to minutes in real Chromium: the chair builds the agenda from the
team's standing items, reorders it by dragging and by keyboard, publishes it and runs the
meeting live, while a member watching the meeting page sees it move without reloading; the
member then updates the action item given to her. Every page and state on the way passes axe."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server import clock
from tests.browser.conftest import (
    FAILURE_SCREENSHOTS,
    axe_check,
    expect,
    follow,
    log_in,
    settle,
    visit,
    watch,
)
from tests.conftest import CHAIR, SCHOOL

pytestmark = pytest.mark.browser

COLLABORATIVE = "Maple County Community Collaborative"
TITLE = "Community Collaborative special meeting"
NEW_STANDING = "Family partner voice"
REFERRALS = "School-based mental health referrals"
RESPITE = "Summer respite funding"
NOTES = "Referrals from the three middle schools doubled since August; waits are now six weeks."
DECISION = "Ask the Board to fund a second school-based clinician."
ACTION = "Draft the clinician funding request for the Board"
PROGRESS_NOTE = "First draft shared with the principals; budget figures due Friday."
POLL_WAIT = 10_000  # watchers poll every 3 s


@pytest.fixture
async def member_page(browser, live_server, request):
    """A second person: their own browser context (cookies), watched like `page`."""
    context = await browser.new_context(
        base_url=live_server, locale="en-US", viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    context.on("page", watch)
    member = await context.new_page()
    yield member
    if getattr(request.node, "browser_test_failed", False):
        FAILURE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid) + "-member"
        await member.screenshot(path=str(FAILURE_SCREENSHOTS / f"{name}.png"), full_page=True)
        print(f"screenshot of the member's page: {FAILURE_SCREENSHOTS / name}.png")
        await context.close()
        return
    leftover = [problem for tab in context.pages for problem in tab.convene_problems]
    await context.close()
    if leftover:
        pytest.fail("the member's browser reported problems after the last check:\n"
                    + "\n".join(leftover), pytrace=False)


def agenda_titles(page):
    return page.locator("#agenda-items > li .agenda-title")


def numbered(titles: list[str]) -> list[re.Pattern]:
    """What the agenda headings read once the server has numbered the items."""
    return [re.compile(rf"^\s*{n}\. {re.escape(title)}") for n, title in enumerate(titles, start=1)]


async def team_time_zone(team_id: int) -> str:
    from server.teams.tables import Team

    row = await Team.select(Team.time_zone).where(Team.id == team_id).first()
    return row["time_zone"]


async def standing_items(page) -> list[str]:
    """The titles on the team's standing-items page, in order."""
    return await page.locator("ol.template-items > li").evaluate_all(
        "items => items.map(item => item.firstChild.textContent.trim())"
    )


async def test_chair_builds_publishes_and_runs_a_meeting_that_a_member_watches_live_then_updates_her_action(
    page, member_page, demo
):
    member = member_page
    collaborative = demo.team(COLLABORATIVE)
    zone = ZoneInfo(await team_time_zone(collaborative))
    h1 = page.get_by_role("heading", level=1)

    # -- The chair adds a standing item to the team's template, then schedules a meeting. -----
    await log_in(page, CHAIR)
    await visit(page, f"/teams/{collaborative}/meetings")
    await expect(h1).to_have_text(f"Meetings of {COLLABORATIVE}")
    await follow(page, page.get_by_role("link", name="Standing agenda items"))
    standing = await standing_items(page)
    assert len(standing) >= 2, "the demo team should have standing agenda items"
    form = page.locator("form").filter(has=page.get_by_role("button", name="Add", exact=True))
    await form.get_by_label("Title").fill(NEW_STANDING)
    await form.get_by_label("Planned minutes").fill("5")
    await follow(page, form.get_by_role("button", name="Add", exact=True))
    standing.append(NEW_STANDING)
    assert await standing_items(page) == standing

    await visit(page, f"/teams/{collaborative}/meetings")
    await follow(page, page.get_by_role("link", name="Schedule a meeting"))
    await expect(h1).to_have_text("Schedule a meeting")
    starts = (clock.now().astimezone(zone) + timedelta(minutes=20)).replace(second=0, microsecond=0)
    await page.get_by_label("Title").fill(TITLE)
    await page.get_by_label(re.compile(r"^Date")).fill(starts.date().isoformat())
    await page.get_by_label("Start time").fill(starts.strftime("%H:%M"))
    await page.get_by_label("Length in minutes").fill("90")
    await page.get_by_label("Location").fill("Family and Children First Council, Conference Room B")
    await follow(page, page.get_by_role("button", name="Schedule"))
    await expect(h1).to_have_text(TITLE)
    await expect(page.get_by_text("The meeting is scheduled.")).to_be_visible()
    meeting_path = re.search(r"/meetings/\d+", page.url).group(0)
    await expect(page.locator("#agenda-heading")).to_contain_text("Draft")
    # A new meeting starts with the team's standing items, in the template's order.
    await expect(agenda_titles(page)).to_have_text(numbered(standing))

    # Removing one and asking for the standing items again puts back only what is missing.
    dialogs: list[str] = []

    async def accept(dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.accept()

    page.once("dialog", accept)
    await page.get_by_role("button", name=f"Remove item {len(standing)}").click()
    await expect(agenda_titles(page)).to_have_text(numbered(standing[:-1]))
    assert dialogs == [f"Remove item {len(standing)} from the agenda?"]
    await page.get_by_role("button", name="Add the team's standing items").click()
    await expect(agenda_titles(page)).to_have_text(numbered(standing))
    await settle(page)
    await axe_check(page, "meeting page with the standing items")

    # -- Two more items through the add-item form (htmx). --------------------------------------
    add_form = page.locator("#add-item-form")
    for title, kind, minutes in ((REFERRALS, "Discussion", "20"), (RESPITE, "Decision", "15")):
        await add_form.get_by_label("Title").fill(title)
        await add_form.get_by_label("Kind").select_option(label=kind)
        await add_form.get_by_label("Planned minutes").fill(minutes)
        await add_form.get_by_role("button", name="Add to agenda").click()
        expected = [*standing, REFERRALS] if title == REFERRALS else [*standing, REFERRALS, RESPITE]
        await expect(agenda_titles(page)).to_have_text(numbered(expected))
        add_form = page.locator("#add-item-form")
    await settle(page)
    await axe_check(page, "meeting page with two items added")
    order = [*standing, REFERRALS, RESPITE]

    # -- Inline edit: the respite item gets a presenter. ---------------------------------------
    await page.get_by_role("link", name=f"Edit item {len(order)}").click()
    editing = page.locator("li.agenda-item.editing")
    await expect(editing.get_by_label("Title")).to_be_focused()
    await expect(editing.get_by_label("Title")).to_have_value(RESPITE)
    await settle(page)
    await axe_check(page, "agenda item being edited in place")
    await editing.get_by_label("Presenter", exact=True).select_option(label="Angela Brooks")
    await editing.get_by_role("button", name="Save item").click()
    respite = page.locator("#agenda-items > li").filter(has_text=RESPITE)
    await expect(respite).to_contain_text("Presenter: Angela Brooks")
    await expect(agenda_titles(page)).to_have_text(numbered(order))

    # -- Reorder by dragging: the referrals item onto the top half of item 2. ------------------
    # Both ends of the drag must be on screen: scrolling between pressing and moving the mouse
    # would start the drag from whatever is under the pointer then. A tall window does it.
    items = page.locator("#agenda-items")
    span = (await items.bounding_box())["height"]
    await page.set_viewport_size({"width": 1280, "height": int(span) + 200})
    await items.scroll_into_view_if_needed()
    referrals = items.locator(":scope > li").filter(has_text=REFERRALS)
    second = items.locator(":scope > li").nth(1)
    await referrals.drag_to(second, target_position={"x": 200, "y": 4})
    order.remove(REFERRALS)
    order.insert(1, REFERRALS)
    # The numbers come from the server: this is the agenda after the order was saved and swapped.
    await expect(agenda_titles(page)).to_have_text(numbered(order))
    await page.set_viewport_size({"width": 1280, "height": 900})
    await settle(page)
    await axe_check(page, "agenda after a drag and drop")

    # -- Reorder by keyboard: the respite item up twice, with Enter, then Space. ---------------
    last = len(order)
    await page.get_by_role("button", name=f"Move item {last} up").focus()
    await page.keyboard.press("Enter")
    order[last - 2], order[last - 1] = order[last - 1], order[last - 2]
    await expect(agenda_titles(page)).to_have_text(numbered(order))
    # Focus stays on the moved item, so the next key press moves it again.
    await expect(page.get_by_role("button", name=f"Move item {last - 1} up")).to_be_focused()
    await page.keyboard.press("Space")
    order[last - 3], order[last - 2] = order[last - 2], order[last - 3]
    await expect(agenda_titles(page)).to_have_text(numbered(order))
    await expect(page.get_by_role("button", name=f"Move item {last - 2} up")).to_be_focused()
    await settle(page)
    await axe_check(page, "agenda after moving an item by keyboard")
    assert order[1] == REFERRALS and order[-3] == RESPITE

    # -- Publish. -------------------------------------------------------------------------------
    await follow(page, page.get_by_role("button", name="Publish the agenda"))
    await expect(page.locator("#agenda-heading")).to_contain_text("Published")
    await expect(agenda_titles(page)).to_have_text(numbered(order))

    # -- The member opens the meeting page before it starts, and keeps it open. ----------------
    await log_in(member, SCHOOL)
    await visit(member, meeting_path)
    await expect(member.get_by_role("heading", level=1)).to_have_text(TITLE)
    await expect(member.locator("#live-panel")).to_contain_text("This page updates by itself")
    await expect(agenda_titles(member)).to_have_text(numbered(order))
    await member.evaluate("window.convenePageStillOpen = true")  # gone if the page reloads

    # -- The chair runs it live: start, attendance, quorum. --------------------------------------
    await follow(page, page.get_by_role("link", name="Run this meeting"))
    await expect(h1).to_have_text(f"Running: {TITLE}")
    await page.get_by_role("button", name="Start the meeting").click()
    current = page.locator("#current-heading")
    await expect(current).to_have_text(f"Item 1 of {len(order)}: {order[0]}")
    await settle(page)
    await axe_check(page, "live view, meeting started")

    quorum = page.locator(".attendance-section .quorum")
    await expect(quorum).to_contain_text("No quorum yet")
    needed = int(re.search(r"; (\d+) needed", await quorum.inner_text()).group(1))
    voting = page.locator("li.attendee").filter(has_not_text="non-voting")
    names = [
        (await row.locator(".attendee-who strong").inner_text()) for row in await voting.all()
    ][:needed]
    assert len(names) == needed
    for number, name in enumerate(names):
        status = "Remote" if number == len(names) - 1 else "Present"
        buttons = page.get_by_role("group", name=f"Attendance of {name}")
        await buttons.get_by_role("button", name=status, exact=True).click()
        await expect(page.get_by_role("group", name=f"Attendance of {name}").get_by_role(
            "button", name=status, exact=True)).to_have_attribute("aria-pressed", "true")
    await expect(quorum).to_contain_text("Quorum met")
    await expect(quorum).to_contain_text(f"{needed} of")
    await settle(page)
    await axe_check(page, "live view with attendance and quorum")

    # The member's page has followed without a reload.
    now_line = member.locator("#live-panel .current-item")
    await expect(now_line).to_contain_text(f"Now: {order[0]}", timeout=POLL_WAIT)
    await settle(member)
    await axe_check(member, "member's meeting page, meeting started")

    # -- Next item; notes, a decision and an action item for Angela Brooks. ---------------------
    await page.get_by_role("button", name="Next item").click()
    await expect(current).to_have_text(f"Item 2 of {len(order)}: {REFERRALS}")
    await page.get_by_label("Notes").fill(NOTES)
    await page.get_by_role("button", name="Save notes").click()
    await settle(page)
    await expect(page.get_by_label("Notes")).to_have_value(NOTES)
    await page.get_by_label("Record a decision").fill(DECISION)
    await page.get_by_role("button", name="Record", exact=True).click()
    await expect(page.locator(".current-item-card .decisions > li")).to_have_text([DECISION])
    new_action = page.locator("section[aria-labelledby='new-action-heading']")
    await new_action.get_by_label("What needs to be done").fill(ACTION)
    await new_action.get_by_label("Owner").select_option(label="Angela Brooks")
    due = (clock.now().astimezone(zone).date() + timedelta(days=14)).isoformat()
    await new_action.get_by_label("Due").fill(due)
    await new_action.get_by_role("button", name="Add action item").click()
    await expect(page.locator("section[aria-labelledby='new-action-heading']").get_by_role(
        "link", name=ACTION)).to_be_visible()
    await settle(page)
    await axe_check(page, "live view with notes, a decision and an action item")

    # The member sees the new current item and the action item, still without reloading.
    await expect(now_line).to_contain_text(f"Now: {REFERRALS}", timeout=POLL_WAIT)
    await expect(member.locator("#live-actions")).to_contain_text(ACTION, timeout=POLL_WAIT)
    await expect(member.locator("#live-actions")).to_contain_text("Angela Brooks")
    referrals_item = member.locator("#agenda-items > li").filter(has_text=REFERRALS)
    await expect(referrals_item.locator(".decision")).to_contain_text(DECISION, timeout=POLL_WAIT)
    await expect(referrals_item.get_by_role("link", name=ACTION)).to_be_visible()
    assert await member.evaluate("window.convenePageStillOpen === true"), "the member's page reloaded"
    await settle(member)
    await axe_check(member, "member's meeting page with the action item")

    # -- The chair ends the meeting (asked first) and lands on the minutes draft. --------------
    await page.get_by_role("button", name="End the meeting…").click()
    await expect(page.locator("#end-confirm-heading")).to_be_focused()
    await expect(page.locator(".end-confirm")).to_contain_text("Not reached (offered for carry-over at the next meeting):")
    await settle(page)
    await axe_check(page, "live view asking before it ends the meeting")
    await page.get_by_role("button", name="End the meeting now").click()
    await expect(page).to_have_url(re.compile(rf"{meeting_path}/minutes$"))
    await page.wait_for_load_state()
    await axe_check(page, "the minutes draft")
    await expect(h1).to_contain_text(f"Minutes of {TITLE}")
    await expect(h1).to_contain_text("Draft")
    await expect(page.get_by_text("The minutes draft is ready.")).to_be_visible()
    referrals_minutes = page.locator("fieldset.minutes-item").filter(has_text=f"2. {REFERRALS}")
    await expect(referrals_minutes.get_by_label("Minutes of this item")).to_have_value(NOTES)
    await expect(referrals_minutes.get_by_label("Decision")).to_have_value(DECISION)
    await expect(referrals_minutes.get_by_label("Outcome")).to_have_value("done")
    due_shown = f"{datetime.fromisoformat(due):%b} {datetime.fromisoformat(due).day}, {datetime.fromisoformat(due).year}"
    await expect(referrals_minutes.locator(".action-line")).to_have_text(
        f"Action: {ACTION} (Angela Brooks; due {due_shown})")
    await expect(page.get_by_label(names[-1])).to_have_value("remote")
    never_opened = page.locator("fieldset.minutes-item").filter(has_text=f"{len(order)}. {order[-1]}")
    await expect(never_opened.get_by_label("Outcome")).to_have_value("not_reached")

    await expect(member.locator("#live-panel")).to_contain_text("This meeting has ended", timeout=POLL_WAIT)
    assert await member.evaluate("window.convenePageStillOpen === true"), "the member's page reloaded"
    await settle(member)
    await axe_check(member, "member's meeting page after the meeting ended")

    # -- The member updates her action item from "My action items". ----------------------------
    await follow(member, member.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My action items"))
    await expect(member.get_by_role("heading", level=1)).to_have_text("My action items")
    row = member.locator("#results tbody tr").filter(has=member.get_by_role("link", name=ACTION))
    await expect(row).to_contain_text(COLLABORATIVE)
    await expect(row).to_contain_text("Open")
    await follow(member, row.get_by_role("link", name=ACTION))
    await expect(member.get_by_role("heading", level=1)).to_contain_text(ACTION)
    update = member.locator("section[aria-labelledby='update-heading']")
    await update.get_by_label("Status").select_option(label="In progress")
    await update.get_by_label("Progress note").fill(PROGRESS_NOTE)
    await follow(member, update.get_by_role("button", name="Save update"))
    await expect(member.get_by_text("The action item is saved.")).to_be_visible()
    await expect(member.get_by_role("heading", level=1)).to_contain_text("In progress")
    latest = member.locator("ol.timeline > li").first
    await expect(latest).to_contain_text("Status: Open → In progress")
    await expect(latest).to_contain_text(PROGRESS_NOTE)
    await expect(latest).to_contain_text("Angela Brooks")
    await expect(member.locator("ol.timeline > li").last).to_contain_text("Created as Open")


async def test_chair_whose_agenda_item_or_action_item_is_refused_sees_the_form_again_in_place(page, demo):
    """The 422 answers of the inline forms land where the form was, with the summary's links
    pointing at that form's own fields, and pass axe."""
    await log_in(page, CHAIR)
    await visit(page, f"/teams/{demo.team(COLLABORATIVE)}/meetings")
    upcoming = page.locator("section[aria-labelledby='upcoming-heading'] tbody tr").first
    await follow(page, upcoming.get_by_role("link"))
    items = page.locator("#agenda-items > li")
    count = await items.count()
    assert count >= 2

    await page.get_by_role("link", name="Edit item 1", exact=True).click()
    editing = page.locator("li.agenda-item.editing")
    await editing.get_by_label("Planned minutes").fill("900")
    await editing.get_by_role("button", name="Save item").click()
    summary = editing.get_by_role("alert")
    await expect(summary).to_contain_text("Enter the planned minutes, from 1 to 600.")
    link = summary.get_by_role("link", name="Enter the planned minutes, from 1 to 600.")
    target = await link.get_attribute("href")
    await expect(editing.locator(target)).to_have_value("900")  # the link leads to this form's field
    await expect(items).to_have_count(count)  # the rest of the agenda is untouched
    await settle(page)
    await axe_check(page, "agenda item refused in place")
    await editing.get_by_label("Planned minutes").fill("7")
    await editing.get_by_role("button", name="Save item").click()
    await expect(page.locator("li.agenda-item.editing")).to_have_count(0)
    await expect(items).to_have_count(count)
    await expect(items.first.locator(".agenda-time")).to_contain_text("7 min")

    await follow(page, page.get_by_role("link", name="Run this meeting"))
    await page.get_by_role("button", name="Start the meeting").click()
    # The first upcoming meeting is on another day (or its agenda still a draft): asked first.
    await expect(page.locator("#current-heading, #start-anyway").first).to_be_visible()
    if await page.locator("#start-anyway").count():
        await page.locator("#start-anyway").click()
    await expect(page.locator("#current-heading")).to_contain_text("Item 1 of")
    new_action = page.locator("section[aria-labelledby='new-action-heading']")
    await new_action.get_by_label("What needs to be done").fill("Someone should do something")
    await new_action.get_by_role("button", name="Add action item").click()
    problem = "Give the action item an owner, an agency, or both."
    summary = page.locator("section[aria-labelledby='new-action-heading']").get_by_role("alert")
    await expect(summary).to_contain_text(problem)
    target = await summary.get_by_role("link", name=problem).get_attribute("href")
    await expect(page.locator(target)).to_have_accessible_name("Owner")
    await settle(page)
    await axe_check(page, "live view with a refused action item")
