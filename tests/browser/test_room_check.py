"""The room check in real Chromium (issue 9's acceptance): the coordinator records a release,
opens a case-review item in the live view, sees the room check name an attendee the release does
not cover, marks her as stepped out, and the meeting screen then shows the case. Every page and
state on the way passes axe, and fits a phone (CONVENE_SCREENSHOTS=<folder> keeps the pictures)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import axe_check, expect, follow, log_in, settle, visit
from tests.browser.test_case_pages import shoot
from tests.case_setup import (
    CLIENT,
    CLUSTER,
    SUD_NOTE,
    check_in,
    entry,
    new_case,
    open_item,
    review_meeting,
)
from tests.conftest import COORDINATOR
from tests.meetings_helpers import today

pytestmark = pytest.mark.browser

TAMARA = "tamara.nguyen@maple.example"  # Children Services: the release covers her agency
OLIVIA = "olivia.grant@maple.example"  # Help Me Grow: it does not


async def case_without_release(demo) -> int:
    """The cluster's case as the coordinator opened it: her agency's identity entry and the
    treatment provider's Part 2 entry; no release yet, so no one else's agency is covered."""
    agencies = demo.agencies
    case_id = await new_case(demo.team(CLUSTER), agencies["MCHD"], "PC-7T3K", demo.people[COORDINATOR])
    await entry(case_id, agencies["MCHD"], "identity", "Lives on Elm Street", kind="identity", client_name=CLIENT)
    await entry(case_id, agencies["HRS"], "sud", SUD_NOTE, kind="service")
    return case_id


async def record_release(page, demo, case_id: int) -> None:
    """The coordinator records and signs the client's release on the case's page: the health
    department and the treatment provider may tell the health department, Children Services and
    the medical center the client's identity and SUD records (the form was signed in the app)."""
    await visit(page, f"/cases/{case_id}")
    await follow(page, page.get_by_role("link", name="Record a release"))
    form = page.locator("#release-form")
    await form.get_by_label("Name of the person who signed").fill("The client")
    await form.get_by_label("Signed as").select_option("client")
    await form.get_by_label("How the signer's identity was checked").fill("Photo ID seen by the coordinator")
    agencies = demo.agencies
    for agency in ("MCHD", "HRS"):
        await form.locator(f"#disclosing-{agencies[agency]}").check()
    for agency in ("MCHD", "CPS", "MMC"):
        await form.locator(f"#recipients-{agencies[agency]}").check()
    for category in ("identity", "sud"):
        await form.locator(f"#categories-{category}").check()
    await form.locator("#expires_on").fill((today() + timedelta(days=180)).isoformat())
    for statement in ("states_right_to_revoke", "states_no_conditioning", "states_redisclosure"):
        await form.locator(f"#{statement}").check()
    await form.get_by_label("The signature was captured in the app").check()
    await axe_check(page, "the release form, filled in")
    await follow(page, form.get_by_role("button", name="Sign and record"))
    await expect(page.locator(".release-state")).to_have_text("In force")


async def test_the_coordinator_steps_out_an_uncovered_attendee_and_the_screen_shows_the_case(page, demo):
    case_id = await case_without_release(demo)
    meeting_id, (welcome, item) = await review_meeting(demo, [case_id])
    await check_in(demo, meeting_id, [COORDINATOR, TAMARA, OLIVIA])
    await open_item(demo, meeting_id, welcome)

    await log_in(page, COORDINATOR)
    await record_release(page, demo, case_id)

    # The live view: the case-review item opened from the agenda.
    await visit(page, f"/meetings/{meeting_id}/live")
    await page.get_by_role("button", name="Go to item 2").click()
    await settle(page)
    await expect(page.get_by_role("heading", name="Item 2 of 2: Case review (2)")).to_be_visible()
    check = page.locator("#room-check")
    uncovered = check.locator("#room-uncovered")
    await expect(uncovered.locator("li")).to_have_count(1)
    await expect(uncovered).to_contain_text("Olivia Grant")
    await expect(uncovered).to_contain_text("HMG")
    await expect(check).not_to_contain_text(CLIENT)
    await axe_check(page, "live view: the room check names an uncovered attendee")
    await shoot(page, "room-check")

    # Olivia steps out: everyone left in the room is covered.
    await check.get_by_role("button", name="Mark Olivia Grant as stepped out").click()
    await settle(page)
    check = page.locator("#room-check")
    await expect(check.locator("#room-covered")).to_have_text(
        "All 2 people in the room are covered by the case's releases.")
    await expect(check.locator("#room-out")).to_contain_text("Olivia Grant")
    await axe_check(page, "live view: Olivia stepped out")

    # The meeting screen, as the projector shows it: the case, with the Part 2 notice.
    async with page.context.expect_page() as opened:
        await check.get_by_role("link", name="Open the meeting screen").click()
    screen = await opened.value
    await screen.wait_for_load_state()
    shown = screen.locator("#screen")
    await expect(shown).to_contain_text("Case PC-7T3K")
    await expect(shown.locator(".client-name")).to_have_text(CLIENT)
    await expect(shown).to_contain_text(SUD_NOTE)
    await expect(shown).to_contain_text("42 CFR part 2 prohibits unauthorized use")
    await expect(shown).not_to_contain_text("details withheld")
    await axe_check(screen, "the meeting screen, everyone in the room covered")
    await shoot(screen, "meeting-screen-covered")

    # Olivia comes back: the screen, polling, withholds what she may not see.
    await page.locator("#room-check").get_by_role("button", name="Olivia Grant is back in the room").click()
    await settle(page)
    await expect(shown.locator("#screen-withheld")).to_have_text("details withheld", timeout=10_000)
    await expect(shown).not_to_contain_text(CLIENT)
    await expect(shown).not_to_contain_text(SUD_NOTE)
    await axe_check(screen, "the meeting screen, details withheld")
    await shoot(screen, "meeting-screen-withheld")
