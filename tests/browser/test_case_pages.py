"""Cases in real Chromium: a covered member reads a case (Part 2 and FERPA notices with those
entries) and adds an action item through the form, whose action fields show only for an action;
a member covered for housing only sees the housing entry and "Details withheld"; the list and
its search. Every page passes axe, and fits a 390-pixel phone without scrolling sideways.

With CONVENE_SCREENSHOTS=<folder>, the pages are saved there as PNGs (desktop and phone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from server.cases.policy import FERPA_NOTICE, PART2_NOTICE
from tests.browser.conftest import axe_check, expect, follow, log_in, settle, visit
from tests.browser.test_phones import PHONE, SCROLLED_INSIDE_JS, WIDTH_JS
from tests.http.test_cases import CPS as CPS_MEMBER
from tests.http.test_cases import HMG, HOUSING, NAME, REFERENCE, SUD, Story

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ["CONVENE_SCREENSHOTS"]) if os.environ.get("CONVENE_SCREENSHOTS") else None


async def shoot(page, name: str) -> None:
    """The page at desktop width and on a phone (which must not scroll sideways), saved when asked."""
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True, caret="initial")
    desktop = page.viewport_size
    await page.set_viewport_size(PHONE)
    scroll_width, client_width = await page.evaluate(WIDTH_JS)
    assert scroll_width <= client_width, f"{name} scrolls sideways on a phone ({scroll_width} > {client_width})"
    assert await page.evaluate(SCROLLED_INSIDE_JS) == [], name
    await axe_check(page, f"{name} on a phone")
    if SHOTS:
        await page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True, caret="initial")
    await page.set_viewport_size(desktop)


async def test_a_covered_member_reads_the_case_and_adds_an_action_item(page, demo):
    story = await Story(demo).build()
    await log_in(page, CPS_MEMBER)
    await visit(page, f"/teams/{story.team}")
    await follow(page, page.get_by_role("link", name="Cases", exact=True))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Cases of Maple County Perinatal Cluster")
    await expect(page.get_by_role("cell", name=NAME)).to_be_visible()
    await shoot(page, "case-list-covered")

    search = page.get_by_role("searchbox")
    await search.fill("nobody")
    await expect(page.locator("#case-results")).to_contain_text("No case you may see matches.")
    await search.fill("marisol")
    await expect(page.get_by_role("cell", name=NAME)).to_be_visible()
    await settle(page)
    await axe_check(page, "the list, searched")

    await follow(page, page.get_by_role("link", name=REFERENCE))
    await expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
    await expect(page.get_by_text(SUD)).to_be_visible()
    await expect(page.get_by_text(PART2_NOTICE)).to_be_visible()
    await expect(page.get_by_text(FERPA_NOTICE)).to_be_visible()
    await expect(page.get_by_text("Details withheld.")).to_be_visible()
    await expect(page.get_by_text(HOUSING)).to_have_count(0)
    await shoot(page, "case-covered")

    form = page.locator("#entry-form")
    await expect(form.get_by_label("Due")).to_be_hidden()  # only for an action item
    await form.get_by_label("Kind of entry").select_option("action")
    await expect(form.get_by_label("Due")).to_be_visible()
    await form.get_by_role("button", name="Add the entry").click()  # no title: told so, in place
    await expect(form.locator(".field-error").first).to_have_text("Say what needs to be done.")
    await settle(page)
    await axe_check(page, "the entry form with a message")
    await page.locator("#entry-form").get_by_label("Title").fill("Home visit before discharge")
    async with page.expect_navigation():
        await page.locator("#entry-form").get_by_role("button", name="Add the entry").click()
    await expect(page.get_by_role("heading", name="Home visit before discharge")).to_be_visible()
    await expect(page.locator("#messages")).to_contain_text("The entry is recorded.")
    await axe_check(page, "the case with the new action item")


async def test_a_member_covered_for_housing_only_sees_details_withheld(page, demo):
    story = await Story(demo).build()
    await log_in(page, HMG)
    await visit(page, f"/teams/{story.team}/cases")
    await expect(page.get_by_role("cell", name="Details withheld")).to_be_visible()
    await shoot(page, "case-list-partly-covered")
    await follow(page, page.get_by_role("link", name=REFERENCE))
    await expect(page.get_by_role("heading", level=1)).to_have_text(REFERENCE)
    await expect(page.get_by_text(HOUSING)).to_be_visible()
    await expect(page.get_by_text("Details withheld.")).to_be_visible()
    await expect(page.get_by_text(NAME)).to_have_count(0)
    await shoot(page, "case-partly-covered")
    await visit(page, f"/cases/{story.case}/print")
    await shoot(page, "case-print-partly-covered")


async def test_the_coordinator_opens_a_case(page, demo):
    await log_in(page, "coordinator@maple.example")
    team = demo.team("Perinatal Cluster")
    await visit(page, f"/teams/{team}/cases")
    await follow(page, page.get_by_role("link", name="Open a case"))
    await shoot(page, "case-new")
    form = page.locator("#case-form form")
    await form.get_by_label("Name").fill("Dana Example")
    await form.get_by_label("Lead agency").select_option(label="Harbor Recovery Services")
    await follow(page, form.get_by_role("button", name="Open the case"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Dana Example")
    await expect(page.locator(".case-facts")).to_contain_text("Harbor Recovery Services")
