"""In real Chromium: the coordinator records a release through its form (every field, the signed
form uploaded), reads the release page, revokes it for one recipient, and reads the consent
dashboard; a physician of a medical agency declares an emergency. axe-core runs on every page;
the form fits a 390-pixel phone. With CONVENE_SCREENSHOTS=<folder>, each page is saved there."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from server.cases.tables import Emergency, Release, Revocation
from tests.attachment_samples import PDF
from tests.browser.conftest import axe_check, check_page, expect, follow, log_in, visit
from tests.release_helpers import CHC, CLUSTER, COORDINATOR, case_review, make_case, today

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CONVENE_SCREENSHOTS")
WIDTH_JS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


async def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


async def test_the_coordinator_records_a_release_revokes_it_for_one_agency_and_reads_the_dashboard(
        page, demo, tmp_path):
    case_id = await make_case(demo)
    await case_review(demo, case_id, days_ahead=9, title="Perinatal Cluster review")
    await log_in(page, COORDINATOR)
    await visit(page, f"/cases/{case_id}/releases/new")
    await shot(page, "release-form-desktop")
    form = page.locator("#release-form")
    await form.get_by_label("Name of the person who signed").fill("Maria Lopez")
    await form.get_by_label("Signed as").select_option("client")
    await form.get_by_label("How the signer's identity was checked").fill("Driver's license seen by the coordinator")
    await form.get_by_label("Purpose of the release").select_option("care_coordination")
    # No agency, category, expiry, statement or signed form: refused, field by field, what was typed kept.
    await form.get_by_role("button", name="Sign and record").click()
    await page.wait_for_load_state()
    await expect(page.locator(".error-summary")).to_be_visible()
    await axe_check(page, "the release form with its messages")
    await shot(page, "release-form-refused")
    form = page.locator("#release-form")
    await expect(form.get_by_label("Name of the person who signed")).to_have_value("Maria Lopez")
    await form.locator(f"#disclosing-{demo.agencies['MCHD']}").check()
    await form.locator(f"#recipients-{demo.agencies['MCAP']}").check()
    await form.locator(f"#recipients-{demo.agencies['CPS']}").check()
    await form.locator(f"#named-{demo.agencies['CPS']}-{demo.people['tamara.nguyen@maple.example']}").check()
    await form.locator("#categories-coordination").check()
    await form.locator("#categories-housing").check()
    await form.get_by_label("Purpose of the release").select_option("care_coordination")
    await form.locator("#expires_on").fill((today() + timedelta(days=20)).isoformat())
    for statement in ("states_right_to_revoke", "states_no_conditioning", "states_redisclosure"):
        await form.locator(f"#{statement}").check()
    document = tmp_path / "Signed ROI.pdf"
    document.write_bytes(PDF)
    await form.locator("#document").set_input_files(str(document))
    await follow(page, form.get_by_role("button", name="Sign and record"))
    release = await Release.select().where(Release.case == case_id).first()
    assert release["signed_at"] is not None and release["signer_name"] == "Maria Lopez"
    await expect(page.get_by_role("heading", name="Release of information, version 1")).to_be_visible()
    await expect(page.locator(".release-state")).to_have_text("In force")
    await shot(page, "release-page")

    revoke = page.locator("#revoke")
    await revoke.get_by_label("How it was made").select_option("verbal")
    await revoke.get_by_label("Who received it").fill("Priya Natarajan")
    await revoke.locator("#scope-agencies").check()
    await revoke.locator(f"#agencies-{demo.agencies['MCAP']}").check()
    await follow(page, revoke.get_by_role("button", name="Record the revocation"))
    assert await Revocation.count().where(Revocation.release == release["id"]) == 1
    await expect(page.locator(".release-state")).to_have_text("In force, revoked for some recipients")
    await shot(page, "release-page-partly-revoked")

    await visit(page, f"/teams/{demo.team(CLUSTER)}/consent")
    await expect(page.get_by_role("heading", name="Releases expiring within 30 days")).to_be_visible()
    await expect(page.get_by_text("Case review PC-T3ST")).to_be_visible()
    await shot(page, "dashboard")


async def test_the_release_form_and_the_dashboard_fit_a_phone(browser, live_server, demo):
    case_id = await make_case(demo)
    await case_review(demo, case_id, days_ahead=9, title="Perinatal Cluster review")
    context = await browser.new_context(base_url=live_server, locale="en-US", viewport={"width": 390, "height": 844})
    from tests.browser.conftest import watch

    context.on("page", watch)
    page = await context.new_page()
    try:
        await log_in(page, COORDINATOR)
        for path, name in ((f"/cases/{case_id}/releases/new", "release-form-phone"),
                           (f"/teams/{demo.team(CLUSTER)}/consent", "dashboard-phone")):
            await visit(page, path)
            scroll, client = await page.evaluate(WIDTH_JS)
            assert scroll <= client, (path, scroll, client)
            await shot(page, name)
        check_page(page, "phone pages")
    finally:
        await context.close()


async def test_a_physician_declares_an_emergency(page, demo):
    case_id = await make_case(demo)
    await log_in(page, CHC)
    await visit(page, f"/teams/{demo.team(CLUSTER)}/emergency")
    await shot(page, "emergency")
    await page.get_by_label("Case reference").fill("PC-T3ST")
    await page.get_by_label("The medical emergency").fill("Unresponsive in the ED; current medications needed.")
    await page.get_by_role("button", name="Declare the emergency and open the case").click()
    await page.wait_for_load_state()
    await axe_check(page, "after declaring")
    assert await Emergency.exists().where(Emergency.case == case_id)
    await shot(page, "emergency-declared")
    await page.context.clear_cookies()
    await log_in(page, COORDINATOR)
    await axe_check(page, "the coordinator's home page with its notice")
    await expect(page.get_by_role("heading", name="Emergency access was declared")).to_be_visible()
    await shot(page, "home-emergency-notice")
    await follow(page, page.get_by_role("link", name="See them on the consent dashboard"))
    await expect(page.get_by_text("Dr. Lena Fischer")).to_be_visible()
    await shot(page, "dashboard-emergency")
