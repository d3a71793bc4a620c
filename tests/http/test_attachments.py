"""The meeting packet: documents and links on a meeting and its agenda items. Files are known by
their content and refused when it disagrees with their name; an upload over the limit writes
nothing; only those who may see the agenda get a file (anyone else a 404, as for a file that does
not exist); a file is always saved, never run in the browser; the packet is the agenda as a PDF
and every document, named by its item's number."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import zipfile

from server.attachments import routes, service
from server.attachments.service import STORAGE
from server.attachments.tables import Attachment
from server.config import settings
from server.meetings.tables import AgendaItem, Meeting, TemplateItem
from tests.attachment_samples import HTML, PDF, TEXT, ooxml, pdf_outline_and_links
from tests.conftest import CHAIR, GUEST, SCHOOL, log_in, make_client, post_form
from tests.meetings_helpers import as_lead, local, schedule, series_meetings, third_wednesday

COLLABORATIVE = "Community Collaborative"
NON_MEMBER = "derek.shaw@maple.example"  # a seat on another team only
LIMIT = settings.max_upload_bytes


async def agenda_meeting(client, token, demo, *items: tuple[str, str], published: bool = True,
                         **fields) -> tuple[int, list[int]]:
    """A meeting of the Community Collaborative with exactly these agenda items (kind, title)."""
    await TemplateItem.delete().where(TemplateItem.team == demo.team(COLLABORATIVE))
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE), **fields)
    for kind, title in items:
        response = await post_form(client, f"/meetings/{meeting_id}/items", {
            "title": title, "kind": kind, "planned_minutes": "15", "presenter_id": str(demo.people[CHAIR])}, token)
        assert response.status_code == 303, response.text[:500]
    if published:
        await post_form(client, f"/meetings/{meeting_id}/publish", {"published": "true"}, token)
    rows = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id).order_by(AgendaItem.position)
    return meeting_id, [row["id"] for row in rows]


async def upload(client, token, meeting_id: int, name: str, content: bytes, item_id: int | None = None,
                 **kwargs):
    return await client.post(f"/meetings/{meeting_id}/documents",
                             data={"item_id": str(item_id or ""), "_csrf_token": token},
                             files={"file": (name, content, "application/octet-stream")}, **kwargs)


async def attached(client, token, meeting_id: int, name: str, content: bytes, item_id: int | None = None) -> int:
    response = await upload(client, token, meeting_id, name, content, item_id)
    assert response.status_code == 303, response.text[:800]
    return (await Attachment.select(Attachment.id).order_by(Attachment.id, ascending=False).first())["id"]


def stored() -> tuple[set[str], list]:
    """What storage holds: the stored files' keys, and anything left in incoming/."""
    return STORAGE.keys(), STORAGE.incoming_files()


async def test_a_chair_attaches_a_pdf_to_an_item_and_a_member_downloads_the_same_bytes(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (item,) = await agenda_meeting(client, token, demo, ("discussion", "Housing report"))
    response = await upload(client, token, meeting_id, "Housing report 2027.pdf", PDF, item)
    assert response.status_code == 303
    assert response.headers["location"] == f"/meetings/{meeting_id}#item-{item}"
    row = await Attachment.select().where(Attachment.meeting == meeting_id).first()
    assert (row["agenda_item"], row["kind"], row["title"], row["media_type"], row["size"]) == (
        item, "file", "Housing report 2027.pdf", "application/pdf", len(PDF))
    assert STORAGE.path(row["storage_key"]).read_bytes() == PDF
    assert oct(STORAGE.path(row["storage_key"]).stat().st_mode & 0o777) == "0o600"
    assert oct(STORAGE.root.stat().st_mode & 0o777) == "0o700"
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        page = await member.get(f"/meetings/{meeting_id}")
        assert f'/meetings/{meeting_id}/documents/{row["id"]}' in page.text and "Housing report 2027.pdf" in page.text
        download = await member.get(f"/meetings/{meeting_id}/documents/{row['id']}")
        assert download.status_code == 200 and download.content == PDF


async def test_a_file_whose_content_does_not_match_its_name_is_refused_and_nothing_is_kept(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (item,) = await agenda_meeting(client, token, demo, ("discussion", "Housing report"))
    before = stored()
    response = await upload(client, token, meeting_id, "Housing report.docx", PDF, item)
    assert response.status_code == 422
    assert "ends in .docx, but its content is that of a .pdf file" in response.text
    response = await upload(client, token, meeting_id, "Budget.pdf", HTML, item)
    assert response.status_code == 422 and "Web pages, SVG images and scripts cannot be attached" in response.text
    assert not await Attachment.exists().where(Attachment.meeting == meeting_id)
    assert stored() == before


async def test_an_oversized_upload_is_refused_with_a_message_naming_the_limit_and_writes_nothing(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (item,) = await agenda_meeting(client, token, demo, ("discussion", "Housing report"))
    before = stored()
    just_over = PDF + b"\x00" * (LIMIT + 1 - len(PDF))  # within the request limit: read, measured, refused
    response = await upload(client, token, meeting_id, "Scan.pdf", just_over, item)
    assert response.status_code == 422
    assert "This file is larger than 20 MB, the largest Convene accepts. Nothing was saved." in response.text
    far_over = PDF + b"\x00" * (LIMIT + 2 * 1024 * 1024)  # over the request limit: not even read
    response = await upload(client, token, meeting_id, "Scan.pdf", far_over, item)
    assert response.status_code == 413
    assert "This file is larger than 20 MB, the largest Convene accepts. Nothing was saved." in response.text
    assert f'href="/meetings/{meeting_id}/documents/new"' in response.text  # back to the form
    assert response.headers["content-type"].startswith("text/html")
    response = await upload(client, token, meeting_id, "Scan.pdf", far_over, item, headers={"HX-Request": "true"})
    assert response.status_code == 413 and response.headers["hx-retarget"] == "#upload-problem"
    assert response.text.strip() == "This file is larger than 20 MB, the largest Convene accepts. Nothing was saved."
    assert not await Attachment.exists().where(Attachment.meeting == meeting_id)
    assert stored() == before


async def test_in_spanish_the_limit_and_the_mismatch_are_explained_in_spanish(app, demo):
    async with await make_client(app) as family:  # Rosa Delgado reads Convene in Spanish; the chair uploads
        token = await log_in(family, CHAIR)
        await post_form(family, "/account/language", {"language": "es"}, token)
        meeting_id, (item,) = await agenda_meeting(family, token, demo, ("discussion", "Vivienda"))
        response = await upload(family, token, meeting_id, "Informe.docx", PDF, item)
        assert response.status_code == 422 and "pero su contenido es el de un archivo .pdf" in response.text
        response = await upload(family, token, meeting_id, "Escaneo.pdf", PDF + b"\x00" * LIMIT, item)
        assert response.status_code == 422 and "más de 20 MB" in response.text


async def test_only_people_who_may_see_the_agenda_get_the_file_and_the_packet(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (item,) = await agenda_meeting(client, token, demo, ("discussion", "Housing report"))
    other_id, _ = await agenda_meeting(client, token, demo, ("discussion", "Respite"))
    document = await attached(client, token, meeting_id, "Budget.pdf", PDF, item)
    await post_form(client, f"/meetings/{meeting_id}/invitations", {"person_id": str(demo.people[GUEST])}, token)
    file_url, packet_url = f"/meetings/{meeting_id}/documents/{document}", f"/meetings/{meeting_id}/packet"
    missing = f"/meetings/{meeting_id}/documents/{document + 1000}"
    for email, expected in ((SCHOOL, 200), (GUEST, 200), (NON_MEMBER, 404)):
        async with await make_client(app) as person:
            await log_in(person, email)
            got = (await person.get(file_url)).status_code, (await person.get(packet_url)).status_code
            assert got == (expected, expected), email
            assert (await person.get(missing)).status_code == 404
            # Through another meeting's address (one this person may see): still no file.
            assert (await person.get(f"/meetings/{other_id}/documents/{document}")).status_code == 404
    # The same guest, not invited to the other meeting, is told nothing about it either.
    other_document = await attached(client, token, other_id, "Respite.pdf", PDF)
    async with await make_client(app) as guest:
        await log_in(guest, GUEST)
        for path in (f"/meetings/{other_id}/documents/{other_document}", f"/meetings/{other_id}/packet"):
            response = await guest.get(path)
            assert response.status_code == 404 and "Page not found" in response.text, path
    async with await make_client(app) as anonymous:
        response = await anonymous.get(file_url)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


async def test_a_download_is_saved_with_its_name_and_detected_type_never_run_in_the_browser(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, _ = await agenda_meeting(client, token, demo)
    pdf = await attached(client, token, meeting_id, "Presupuesto año 2027.pdf", PDF)
    text = await attached(client, token, meeting_id, "notes.txt", b"alert(document.cookie)\n" + TEXT)
    response = await client.get(f"/meetings/{meeting_id}/documents/{pdf}")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"Presupuesto a_o 2027.pdf\"; filename*=UTF-8''Presupuesto%20a%C3%B1o%202027.pdf")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox; default-src 'none'"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-length"] == str(len(PDF))
    response = await client.get(f"/meetings/{meeting_id}/documents/{text}")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="notes.txt"')
    assert response.headers["content-security-policy"].startswith("sandbox")
    head = await client.head(f"/meetings/{meeting_id}/documents/{pdf}")
    assert head.status_code == 200 and head.content == b"" and head.headers["content-length"] == str(len(PDF))


async def test_a_draft_agendas_documents_are_hidden_from_members_and_its_packet_is_marked_draft(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (item,) = await agenda_meeting(client, token, demo, ("discussion", "Draft-only report"),
                                               published=False)
    document = await attached(client, token, meeting_id, "Draft budget.pdf", PDF, item)
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        page = await member.get(f"/meetings/{meeting_id}")
        assert page.status_code == 200 and "Draft budget.pdf" not in page.text and 'id="documents"' not in page.text
        assert (await member.get(f"/meetings/{meeting_id}/documents/{document}")).status_code == 404
        assert (await member.get(f"/meetings/{meeting_id}/packet")).status_code == 404
    response = await client.get(f"/meetings/{meeting_id}/packet")
    assert response.status_code == 200
    assert "packet%20%28draft%29.zip" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["00 Agenda (draft).pdf", "01-1 Draft budget.pdf"]


async def test_the_packet_holds_the_agenda_pdf_then_each_file_under_its_item_number(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (welcome, housing, case) = await agenda_meeting(
        client, token, demo, ("standing", "Welcome"), ("discussion", "Housing report"),
        ("case_review", "Case of the Smith family"), start="10:30")
    await attached(client, token, meeting_id, "Budget.pdf", PDF)
    await attached(client, token, meeting_id, "Housing report.pdf", PDF + b"housing", housing)
    workbook = ooxml("xlsx")
    await attached(client, token, meeting_id, "Referrals.xlsx", workbook, housing)
    response = await post_form(client, f"/meetings/{meeting_id}/links", {
        "title": "County dashboard", "url": "https://dashboard.maplecounty.example/housing", "item_id": str(housing),
    }, token)
    assert response.status_code == 303
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        response = await member.get(f"/meetings/{meeting_id}/packet")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "packet.zip" in disposition
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == [
            "00 Agenda.pdf", "00 Meeting - Budget.pdf", "02-1 Housing report.pdf", "02-2 Referrals.xlsx"]
        assert archive.read("00 Meeting - Budget.pdf") == PDF
        assert archive.read("02-1 Housing report.pdf") == PDF + b"housing"
        assert archive.read("02-2 Referrals.xlsx") == workbook
        agenda_pdf = archive.read("00 Agenda.pdf")
    assert agenda_pdf.startswith(b"%PDF-")
    titles, links = pdf_outline_and_links(agenda_pdf)
    assert {"1. Welcome", "2. Housing report", "3. Case review (3)"} <= set(titles)
    assert "Case of the Smith family" not in " ".join(titles)
    assert "https://dashboard.maplecounty.example/housing" in links
    # The PDF is laid out from this page: every item's time, presenter and documents are on it.
    access = await as_lead(demo, meeting_id)
    html = routes.agenda_html(await service.packet_contents(access))
    for shown in ("10:30", "10:45", "11:00", "Presenter: Marcus Reyes", "In the packet: 02-2 Referrals.xlsx",
                  "In the packet: 00 Meeting - Budget.pdf", "County dashboard"):
        assert shown in html, shown
    assert "Smith" not in html


async def test_a_case_review_item_takes_no_document_or_link_and_is_not_offered(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (housing, case) = await agenda_meeting(
        client, token, demo, ("discussion", "Housing report"), ("case_review", "Review"))
    before = stored()
    response = await upload(client, token, meeting_id, "Assessment.pdf", PDF, case)
    assert response.status_code == 422 and "Case-review items take no documents or links" in response.text
    response = await post_form(client, f"/meetings/{meeting_id}/links", {
        "title": "Assessment", "url": "https://example.org/a", "item_id": str(case)}, token)
    assert response.status_code == 422 and "Case-review items take no documents or links" in response.text
    assert not await Attachment.exists().where(Attachment.meeting == meeting_id)
    assert stored() == before
    form = await client.get(f"/meetings/{meeting_id}/documents/new")
    assert f'value="{housing}"' in form.text and f'value="{case}"' not in form.text
    page = await client.get(f"/meetings/{meeting_id}")
    assert f"/documents/new?item={housing}" in page.text and f"/documents/new?item={case}" not in page.text


async def test_documents_of_an_item_that_became_a_case_review_are_shown_to_no_one(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (item,) = await agenda_meeting(client, token, demo, ("discussion", "Family services"))
    document = await attached(client, token, meeting_id, "Smith family assessment.pdf", PDF, item)
    # The agenda now refuses this change while the item has documents (tests/http/test_case_reviews.py);
    # an item changed so before that keeps them, hidden.
    await AgendaItem.update({AgendaItem.kind: "case_review", AgendaItem.title: "Case review"}).where(
        AgendaItem.id == item)
    page = await client.get(f"/meetings/{meeting_id}")
    assert "Smith family" not in page.text and "No one sees it: case-review items take none" in page.text
    assert (await client.get(f"/meetings/{meeting_id}/documents/{document}")).status_code == 404
    with zipfile.ZipFile(io.BytesIO((await client.get(f"/meetings/{meeting_id}/packet")).content)) as archive:
        assert archive.namelist() == ["00 Agenda.pdf"]
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        page = await member.get(f"/meetings/{meeting_id}")
        assert "Smith family" not in page.text and "No one sees it" not in page.text
    response = await post_form(client, f"/meetings/{meeting_id}/documents/{document}/delete", {}, token)
    assert response.status_code == 303 and not await Attachment.exists().where(Attachment.id == document)


async def test_links_are_shown_with_the_site_they_go_to_and_must_be_web_addresses(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (item,) = await agenda_meeting(client, token, demo, ("discussion", "Transportation"))
    response = await post_form(client, f"/meetings/{meeting_id}/links", {
        "title": "Bus routes", "url": "javascript:alert(1)", "item_id": str(item)}, token, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "<html" not in response.text
    assert "Enter a web address starting with https://." in response.text
    assert not await Attachment.exists().where(Attachment.meeting == meeting_id)
    response = await post_form(client, f"/meetings/{meeting_id}/links", {
        "title": "Bus routes", "url": "https://transit.maplecounty.example/routes", "item_id": str(item)}, token)
    assert response.status_code == 303 and response.headers["location"] == f"/meetings/{meeting_id}#item-{item}"
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        page = (await member.get(f"/meetings/{meeting_id}")).text
    assert '<a href="https://transit.maplecounty.example/routes" rel="noopener noreferrer">Bus routes</a>' in page
    assert "Link to transit.maplecounty.example" in page


async def test_an_upload_refused_under_htmx_comes_back_as_the_form_with_its_message(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, _ = await agenda_meeting(client, token, demo, ("discussion", "Housing"))
    response = await upload(client, token, meeting_id, "setup.exe", b"MZ" + b"\x00" * 100,
                            headers={"HX-Request": "true"})
    assert response.status_code == 422 and "<html" not in response.text
    assert 'id="upload-form"' in response.text and "Programs cannot be attached." in response.text
    response = await client.post(f"/meetings/{meeting_id}/documents", data={"_csrf_token": token})
    assert response.status_code == 422 and "Choose a file to upload." in response.text
    # A part without a file name is text, and these bytes are no text: no browser sends that.
    response = await client.post(f"/meetings/{meeting_id}/documents", data={"_csrf_token": token},
                                 files={"file": ("", b"MZ\x90\xff\xfe", "application/octet-stream")})
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")


async def test_only_the_people_who_run_an_open_meeting_add_or_remove_documents(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (item,) = await agenda_meeting(client, token, demo, ("discussion", "Housing"))
    document = await attached(client, token, meeting_id, "Budget.pdf", PDF, item)
    async with await make_client(app) as member:
        member_token = await log_in(member, SCHOOL)
        assert (await upload(member, member_token, meeting_id, "Mine.pdf", PDF)).status_code == 403
        response = await post_form(member, f"/meetings/{meeting_id}/documents/{document}/delete", {}, member_token)
        assert response.status_code == 403
        assert "/documents/new" not in (await member.get(f"/meetings/{meeting_id}")).text
    await Meeting.update({Meeting.live_status: "ended"}).where(Meeting.id == meeting_id)
    before = stored()
    response = await upload(client, token, meeting_id, "Late.pdf", PDF + b"late")
    assert response.status_code == 409 and "its agenda is closed" in response.text
    assert await Attachment.count().where(Attachment.meeting == meeting_id) == 1
    assert stored() == before


async def test_removing_a_document_removes_its_file_once_no_row_points_at_it(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (first, second) = await agenda_meeting(client, token, demo, ("discussion", "A"), ("discussion", "B"))
    one = await attached(client, token, meeting_id, "Budget.pdf", PDF, first)
    two = await attached(client, token, meeting_id, "Budget copy.pdf", PDF, second)  # the same bytes
    key = (await Attachment.select(Attachment.storage_key).where(Attachment.id == one).first())["storage_key"]
    response = await post_form(client, f"/meetings/{meeting_id}/documents/{one}/delete", {}, token,
                               headers={"HX-Request": "true"})  # a button of the agenda's shared htmx form
    assert response.status_code == 200 and response.headers["hx-redirect"] == f"/meetings/{meeting_id}#item-{first}"
    assert STORAGE.path(key).exists()  # the other row still points at it
    await post_form(client, f"/meetings/{meeting_id}/documents/{two}/delete", {}, token)
    assert not STORAGE.path(key).exists()
    response = await post_form(client, f"/meetings/{meeting_id}/documents/{two}/delete", {}, token)
    assert response.status_code == 404


async def test_removing_an_agenda_item_keeps_its_documents_on_the_meeting(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id, (item,) = await agenda_meeting(client, token, demo, ("presentation", "Respite slides"))
    document = await attached(client, token, meeting_id, "Respite.pdf", PDF, item)
    assert (await post_form(client, f"/meetings/{meeting_id}/items/{item}/delete", {}, token)).status_code == 303
    row = await Attachment.select(Attachment.agenda_item).where(Attachment.id == document).first()
    assert row == {"agenda_item": None}
    page = await client.get(f"/meetings/{meeting_id}")
    documents = page.text[page.text.index('id="documents"'):page.text.index('id="agenda"')]
    assert "Respite.pdf" in documents


async def test_a_meeting_with_documents_is_cancelled_not_deleted_when_its_series_is_shortened(client, demo):
    token = await log_in(client, CHAIR)
    rule = {"frequency": "monthly_weekday", "week_of_month": "3", "weekday": "2", "ends": "count",
            "day": third_wednesday().isoformat()}
    first = await schedule(client, token, demo.team(COLLABORATIVE), **rule, count="4")
    series_id = (await Meeting.select(Meeting.series).where(Meeting.id == first).first())["series"]
    meetings = await series_meetings(series_id)
    await attached(client, token, meetings[3]["id"], "Budget.pdf", PDF)
    response = await post_form(client, f"/meetings/{first}", {
        **rule, "count": "2", "scope": "series", "version": meetings[0]["version"], "title": "Collaborative meeting",
        "start": local(meetings[0]["starts_at"]).strftime("%H:%M"), "duration_minutes": "90"}, token)
    assert response.status_code == 303, response.text[:500]
    after = {m["id"]: m["status"] for m in await series_meetings(series_id)}
    assert meetings[2]["id"] not in after  # nothing hung on it
    assert after[meetings[3]["id"]] == "cancelled"
    assert await Attachment.exists().where(Attachment.meeting == meetings[3]["id"])


async def test_storage_keeps_only_files_a_row_points_at(client, demo):
    """A file stored by a transaction that then failed, or left by a process killed mid-upload,
    is removed when the server starts; files rows point at stay."""
    token = await log_in(client, CHAIR)
    meeting_id, _ = await agenda_meeting(client, token, demo)
    await attached(client, token, meeting_id, "Kept.pdf", PDF)
    kept = STORAGE.keys()
    orphan = STORAGE.place(STORAGE.receive(io.BytesIO(b"%PDF-1.7 no row points here"), LIMIT))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = STORAGE.scratch() / f"upload-{socket.gethostname()}-{ended.stdout.strip()}-abc123"
    abandoned.write_bytes(b"half an upload")
    ours = STORAGE.scratch() / f"upload-{socket.gethostname()}-{os.getpid()}-inflight"
    ours.write_bytes(b"an upload this process is still receiving")
    try:
        assert orphan in STORAGE.keys()
        await service.sweep()
        assert STORAGE.keys() == kept and not abandoned.exists() and ours.exists()
    finally:
        ours.unlink()
