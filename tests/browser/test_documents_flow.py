"""A meeting's documents in real Chromium: the chair attaches a report to an agenda item (after
being told why the file as first named is refused, and a file over the limit is stopped before
it is sent), and a member downloads it from the meeting page. Every page and state passes axe."""

from __future__ import annotations

from datetime import time

from server.meetings import agenda, scheduling
from server.meetings.access import meeting_access
from server.meetings.policy import MeetingInput
from server.meetings.tables import TemplateItem
from tests.attachment_samples import PDF
from tests.browser.conftest import axe_check, expect, follow, log_in, settle, visit
from tests.browser.test_meeting_flow import member_page  # noqa: F401 (a fixture: a second person's browser)
from tests.conftest import CHAIR, SCHOOL
from tests.meetings_helpers import add_item, on_team, upcoming_day

COLLABORATIVE = "Community Collaborative"
REPORT = "Housing gaps report"
FILE_NAME = "Housing gaps report 2027.pdf"
CONTENT = PDF + b"% Housing gaps: waitlist for family shelter is 9 weeks.\n"


async def published_meeting(demo) -> tuple[int, int]:
    """A published meeting of the Collaborative with one discussion item: (meeting, item)."""
    lead = await on_team(demo, CHAIR, demo.team(COLLABORATIVE))
    await TemplateItem.delete().where(TemplateItem.team == lead.team["id"])
    meeting_id = await scheduling.create_meeting(lead, MeetingInput(
        "Collaborative meeting with a report", upcoming_day(), time(10, 0), 90, "Room 2", "", ""), None)
    access = await meeting_access(lead.viewer, meeting_id)
    item_id = await add_item(access, "discussion", REPORT)
    await agenda.set_published(await meeting_access(lead.viewer, meeting_id), True)
    return meeting_id, item_id


async def test_the_chair_attaches_a_report_to_an_item_and_a_member_downloads_it(page, member_page, demo):  # noqa: F811
    meeting_id, item_id = await published_meeting(demo)
    meeting = f"/meetings/{meeting_id}"

    # -- The chair: from the item, to the form, a refusal, then the report. --------------------
    await log_in(page, CHAIR)
    await visit(page, meeting)
    item = page.locator(f"#item-{item_id}")
    await follow(page, item.get_by_role("link", name="Add a document or link to item 1"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Add a document or link")
    upload = page.locator("#upload-form")
    await expect(upload.get_by_label("Attach to")).to_have_value(str(item_id))

    await upload.get_by_label("File").set_input_files(
        {"name": "Housing gaps report 2027.docx", "mimeType": "application/pdf", "buffer": CONTENT})
    await upload.get_by_role("button", name="Upload").click()
    upload = page.locator("#upload-form")
    await expect(upload.locator(".field-error").first).to_contain_text(
        "The file's name ends in .docx, but its content is that of a .pdf file.")
    await settle(page)
    await axe_check(page, "upload form with the refusal")

    await upload.get_by_label("File").set_input_files(
        {"name": FILE_NAME, "mimeType": "application/pdf", "buffer": PDF + b"\0" * (21 << 20)})
    await expect(page.locator("#upload-problem")).to_have_text(
        "This file is larger than 20 MB, the largest Convene accepts. Nothing was saved.")
    await axe_check(page, "upload form with a file over the limit")

    await upload.get_by_label("File").set_input_files(
        {"name": FILE_NAME, "mimeType": "application/pdf", "buffer": CONTENT})
    await expect(page.locator("#upload-problem")).to_have_text("")
    await follow(page, upload.get_by_role("button", name="Upload"))
    await expect(page.get_by_text("The document is attached.")).to_be_visible()
    item = page.locator(f"#item-{item_id}")
    await expect(item.get_by_role("link", name=FILE_NAME)).to_be_visible()
    await expect(item).to_contain_text("PDF · 1 KB")

    # -- A member: the meeting page, the report under its item, downloaded whole. --------------
    member = member_page
    await log_in(member, SCHOOL)
    await visit(member, meeting)
    report = member.locator(f"#item-{item_id}").get_by_role("link", name=FILE_NAME)
    await expect(member.get_by_role("link", name="Download the meeting packet")).to_be_visible()
    await expect(member.get_by_role("link", name="Add a document or link")).to_have_count(0)
    async with member.expect_download() as downloading:
        await report.click()
    download = await downloading.value
    assert download.suggested_filename == FILE_NAME
    with open(await download.path(), "rb") as saved:
        assert saved.read() == CONTENT
    await axe_check(member, "meeting page after the download")
