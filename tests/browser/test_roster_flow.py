"""The roster in a real browser: a chair keeps the Community Collaborative's roster with htmx,
and every page and state along the way passes axe."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_check, choose_person, expect, follow, log_in, settle, visit
from tests.conftest import CHAIR

pytestmark = pytest.mark.browser

COLLABORATIVE = "Maple County Community Collaborative"
HOUSING_AGENCY = "Maple Community Action Partnership (Housing)"
COUNCIL = "Maple County Family and Children First Council"
ADDED = "The member is added to the roster."
ENDED = "The membership has ended; it stays in the roster's history."
CHANGED = "The membership is changed; the earlier one is kept in the history."


def seat(page, name: str):
    """The current-member row of `name` on the roster."""
    return page.locator("#current-members li.seat").filter(has=page.get_by_text(name, exact=True))


def past_row(page, name: str):
    return page.locator("section[aria-labelledby='past-heading'] tbody tr").filter(
        has=page.get_by_role("cell", name=name, exact=True)
    )


async def current_count(page) -> int:
    heading = await page.locator("#current-heading").inner_text()
    return int(re.search(r"\((\d+)\)", heading).group(1))


async def test_chair_adds_a_member_ends_another_changes_a_role_and_sees_roster_and_coverage_change(
    page, demo
):
    await log_in(page, CHAIR)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Marcus Reyes")
    await axe_check(page, "home after login")

    await follow(page, page.get_by_role("link", name=COLLABORATIVE))
    await expect(page.get_by_role("heading", level=1)).to_have_text(COLLABORATIVE)
    await expect(page.locator(".coverage")).to_contain_text("Not represented:")
    await expect(page.locator(".coverage")).to_contain_text("Housing")

    await follow(page, page.get_by_role("link", name="View and manage the roster"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Roster of {COLLABORATIVE}")
    coverage = page.locator(".coverage")
    await expect(coverage).to_contain_text("Housing")
    before = await current_count(page)
    await expect(seat(page, "Derek Shaw")).to_have_count(0)

    # Add Derek Shaw for the housing agency (htmx form; the server redirects back to the roster).
    form = page.locator("#add-member-form")
    await choose_person(form, "Derek Shaw")
    await form.get_by_label("Agency represented").select_option(label=HOUSING_AGENCY)
    await form.get_by_label("Role").select_option(label="Member")
    await form.get_by_role("button", name="Add to roster").click()
    await expect(page.get_by_text(ADDED)).to_be_visible()
    await expect(seat(page, "Derek Shaw")).to_have_count(1)
    housing_group = page.get_by_role("heading", name=re.compile(re.escape(HOUSING_AGENCY)))
    await expect(housing_group).to_be_visible()
    await expect(coverage).not_to_contain_text("Housing")
    assert await current_count(page) == before + 1
    await axe_check(page, "roster after adding a member")

    # End Olivia Grant's membership: the button asks first.
    dialogs: list[str] = []

    async def accept(dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.accept()

    page.once("dialog", accept)
    olivia = seat(page, "Olivia Grant")
    await olivia.get_by_role("button", name="End membership of Olivia Grant").click()
    await expect(page.get_by_text(ENDED)).to_be_visible()
    assert dialogs == ["End the membership of Olivia Grant today?"]
    await expect(seat(page, "Olivia Grant")).to_have_count(0)
    await expect(past_row(page, "Olivia Grant")).to_have_count(1)
    assert await current_count(page) == before
    await axe_check(page, "roster after ending a membership")

    # Change Angela Brooks from member to co-chair in place: the old seat goes to the history.
    angela = seat(page, "Angela Brooks")
    await expect(angela.locator(".badge")).to_have_text("Member")
    await expect(past_row(page, "Angela Brooks")).to_have_count(0)
    await angela.get_by_role("link", name="Change the membership of Angela Brooks").click()
    editing = page.locator("li.seat.editing")
    await expect(editing).to_contain_text("Angela Brooks")
    await settle(page)
    await axe_check(page, "roster with a seat being changed")
    await editing.get_by_label("Role").select_option(label="Co-chair")
    await editing.get_by_role("button", name="Save change").click()
    await expect(page.get_by_text(CHANGED)).to_be_visible()
    await expect(seat(page, "Angela Brooks").locator(".badge")).to_have_text("Co-chair")
    await expect(past_row(page, "Angela Brooks")).to_contain_text("Member")
    assert await current_count(page) == before
    await axe_check(page, "roster after changing a role")


async def test_chair_adding_someone_already_added_in_another_tab_sees_the_problem_in_place(
    page, demo
):
    await log_in(page, CHAIR)
    await follow(page, page.get_by_role("link", name=COLLABORATIVE))
    await follow(page, page.get_by_role("link", name="View and manage the roster"))
    before = await current_count(page)
    # This tab finds Hannah Kim first; meanwhile another tab adds her.
    form = page.locator("#add-member-form")
    await choose_person(form, "Hannah Kim")

    other_tab = await page.context.new_page()
    await visit(other_tab, page.url)
    other_form = other_tab.locator("#add-member-form")
    await choose_person(other_form, "Hannah Kim")
    await other_form.get_by_label("Agency represented").select_option(label=COUNCIL)
    await other_form.get_by_label("Role").select_option(label="Member")
    await other_form.get_by_role("button", name="Add to roster").click()
    await expect(other_tab.get_by_text(ADDED)).to_be_visible()
    await axe_check(other_tab, "roster in the other tab after adding")
    await other_tab.close()

    # The server refuses this tab's addition, and the form comes back with the reason.
    await form.get_by_label("Agency represented").select_option(label=COUNCIL)
    await form.get_by_label("Role").select_option(label="Guest")
    await form.get_by_role("button", name="Add to roster").click()
    problem = "This person already has a seat on the team."
    await expect(form.get_by_role("alert")).to_contain_text(problem)
    await expect(form.get_by_label("Role")).to_have_value("guest")
    await settle(page)
    await axe_check(page, "add-member form with a problem")
    assert await current_count(page) == before  # this tab's roster has not been reloaded
