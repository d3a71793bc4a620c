"""A member's morning in real Chromium: the home page shows her meetings this week and her
overdue action item, and she updates that item from the home page without leaving it (a new due
date refused without a reason, then saved with one, then marked done). Every state passes axe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from server import clock
from server.actions.tables import ActionItem, ActionUpdate
from tests.browser.conftest import axe_check, expect, log_in, settle, visit
from tests.conftest import SCHOOL

pytestmark = pytest.mark.browser

ZONE = "America/New_York"  # the demo teams'
REASON = "The bus company answers after the holidays."


async def test_a_member_updates_her_overdue_action_item_from_the_home_page_without_leaving_it(page, demo):
    today = clock.today_in(ZONE)
    item = await ActionItem.select().where(
        (ActionItem.owner == demo.people[SCHOOL]) & ActionItem.status.is_in(["open", "in_progress", "blocked"])
        & (ActionItem.due_on < today)).first()
    assert item, "the demo gives the school member an overdue action item"

    await log_in(page, SCHOOL)
    await expect(page).to_have_url(re.compile(r"/$"))
    await axe_check(page, "home page")
    week = page.locator("section[aria-labelledby='week-heading']")
    await expect(week.get_by_role("link", name="Diversion referral pathway working session")).to_be_visible()
    row = page.locator(f"#item-{item['id']}")
    await expect(row.get_by_role("heading", level=3)).to_contain_text(item["title"])
    await expect(row).to_contain_text("Overdue: it was due")
    await page.evaluate("window.conveneStillHere = true")  # gone if the page reloads

    # A new due date without a reason: refused in place, what she typed kept.
    later = today + timedelta(days=21)
    await row.get_by_text("Add a note or change the due date").click()
    await row.get_by_label("Due date").fill(later.isoformat())
    await row.get_by_role("button", name="Save").click()
    said = page.locator(f"#item-{item['id']}-said")
    await expect(said).to_have_text("Not saved. Say why the due date changes.")
    await expect(row.locator(".field-error")).to_have_text("Say why the due date changes.")
    await expect(row.get_by_label("Due date")).to_have_value(later.isoformat())
    await expect(row.get_by_role("button", name="Save")).to_be_focused()  # focus stays where she was
    await settle(page)
    await axe_check(page, "home page, an update refused in place")

    # With the reason: saved, the item now due later, still on the page.
    await row.get_by_label("Progress note").fill(REASON)
    await row.get_by_label("Status").select_option(label="In progress")
    await row.get_by_role("button", name="Save").click()
    await expect(said).to_have_text("The action item is saved.")
    await expect(row.get_by_role("heading", level=3)).to_contain_text("In progress")
    await expect(row).not_to_contain_text("Overdue")
    await settle(page)
    await axe_check(page, "home page, an update saved in place")

    # Done, in one more step.
    await row.get_by_label("Status").select_option(label="Done")
    await row.get_by_role("button", name="Save").click()
    await expect(row.get_by_role("heading", level=3)).to_contain_text("Done")
    await expect(said).to_have_text("The action item is saved.")
    await settle(page)
    await axe_check(page, "home page, the item marked done")
    assert await page.evaluate("window.conveneStillHere === true"), "the home page reloaded"

    log = await ActionUpdate.select().where(ActionUpdate.action_item == item["id"]).order_by(ActionUpdate.id)
    assert [(u["status_to"], u["due_to"], u["note"], u["author"]) for u in log[-2:]] == [
        ("in_progress", later, REASON, demo.people[SCHOOL]), ("done", None, "", demo.people[SCHOOL])]

    # The next visit lists only what is still due.
    await visit(page, "/")
    await expect(page.locator(f"#item-{item['id']}")).to_have_count(0)
