"""The disclosure ledger's reports in real Chromium: the coordinator's list of a demo case's
disclosures and its printable version, and a person's own access report reached from their
account page; each passes axe, and on a phone nothing scrolls sideways."""

from __future__ import annotations

import pytest

from server.cases.tables import Case
from tests.browser.conftest import axe_check, expect, follow, log_in, visit
from tests.conftest import COORDINATOR, TREATMENT

pytestmark = pytest.mark.browser

WIDTH_JS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


async def test_the_coordinator_reads_and_prints_a_cases_list_of_disclosures(page, demo):
    case = (await Case.select(Case.id).where(Case.reference == "PC-7F3K").first())["id"]
    await log_in(page, COORDINATOR)
    await visit(page, f"/cases/{case}/disclosures")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Disclosures of case PC-7F3K")
    rows = page.locator("table tbody tr")
    listed = await rows.count()
    assert 10 < listed < 50  # one page: the printed list has the same rows
    await expect(rows.first).to_contain_text("Release of information")
    await page.set_viewport_size({"width": 390, "height": 844})
    width, client = await page.evaluate(WIDTH_JS)
    assert width <= client, f"the list scrolls sideways on a phone: {width} > {client}"
    await axe_check(page, "the list on a phone")
    await page.set_viewport_size({"width": 1280, "height": 900})
    await follow(page, page.get_by_role("link", name="Printable list"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Disclosures of case PC-7F3K")
    assert await page.locator("table tbody tr").count() == listed


async def test_a_member_finds_what_they_have_seen_from_their_account_page(page, demo):
    await log_in(page, TREATMENT)
    await visit(page, "/account")
    await follow(page, page.get_by_role("link", name="Case records you have seen"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Case records you have seen")
    await expect(page.locator("table tbody tr").first).to_contain_text("PC-")
    await expect(page.locator("main")).not_to_contain_text("Amber Kowalczyk")
