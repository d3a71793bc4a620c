"""Case reviews on agendas, in the live view and in the minutes (CONSENT.md §3, §4): an item
reviews a case chosen by its reference; members see the reference, the client's name only where
their agency is covered, guests nothing; titles never carry facts; notes taken live are entries
of the case, never minutes text; and one disclosure serves the whole agenda."""

from __future__ import annotations

import io
import re
import zipfile

from server import clock, urls
from server.attachments.service import STORAGE
from server.attachments.tables import Attachment
from server.cases.tables import Case, CaseEntry, Disclosure
from server.meetings.tables import AgendaItem, Invitation, Minutes
from server.teams.tables import Membership
from tests.attachment_samples import PDF
from tests.case_setup import (
    CLIENT,
    CLUSTER,
    COORDINATION_NOTE,
    HOUSING_NOTE,
    SUD_NOTE,
    cluster_case,
    entries_of,
    open_item,
    review_meeting,
    reviewed_case,
)
from tests.cases_helpers import ledger_after, ledger_head
from tests.conftest import COORDINATOR, SCHOOL, log_in, make_client, page_text, post_form
from tests.meetings_helpers import on_meeting, today

TAMARA = "tamara.nguyen@maple.example"  # CPS: covered
OLIVIA = "olivia.grant@maple.example"  # Help Me Grow: not covered
CASE_TEXTS = (CLIENT, SUD_NOTE, HOUSING_NOTE, COORDINATION_NOTE)


def case_lines(html: str) -> list[str]:
    """The case line of each case-review item, without its link to the case."""
    return [page_text(match).removesuffix(" · Open the case")
            for match in re.findall(r'<p class="case-line">(.*?)</p>', html, re.S)]


async def test_a_chair_chooses_the_case_by_reference_and_the_title_stays_case_review(client, demo):
    case_id, _ = await cluster_case(demo)
    meeting_id, _ = await review_meeting(demo, [])
    token = await log_in(client, COORDINATOR)
    page = await client.get(f"/meetings/{meeting_id}")
    assert f'<option value="{case_id}" >PC-7T3K</option>' in page.text  # the team's open cases, by reference
    response = await post_form(client, f"/meetings/{meeting_id}/items", {
        "title": f"{CLIENT}, positive screen", "kind": "case_review", "planned_minutes": "20",
        "case_id": str(case_id)}, token)
    assert response.status_code == 303
    item = await AgendaItem.select().where(
        (AgendaItem.meeting == meeting_id) & (AgendaItem.kind == "case_review")).first()
    assert item["title"] == "Case review" and await reviewed_case(item["id"]) == case_id
    page = await client.get(f"/meetings/{meeting_id}")
    assert "Case review (2)" in page.text and "positive screen" not in page.text
    # Another team's case, or nonsense, is refused with a message; nothing is added.
    other, _ = await cluster_case(demo, "CF-2KQ9")
    await Case.update({Case.team: demo.team("Child and Family Team")}).where(Case.id == other)
    closed, _ = await cluster_case(demo, "PC-CL0S")
    await Case.update({Case.status: "closed"}).where(Case.id == closed)
    for bad in (str(other), str(closed), "PC-7T3K", "999999"):
        response = await post_form(client, f"/meetings/{meeting_id}/items", {
            "title": "Case review", "kind": "case_review", "planned_minutes": "20", "case_id": bad}, token)
        assert response.status_code == 422, bad
        assert "Choose one of the team's open cases." in page_text(response.text)
    assert await AgendaItem.count().where(AgendaItem.meeting == meeting_id) == 2


async def test_the_agenda_shows_the_reference_and_the_name_only_to_members_whose_agency_is_covered(app, demo):
    first, _ = await cluster_case(demo)
    second, _ = await cluster_case(demo, "PC-9MXR", client="Second Canary Client")
    meeting_id, _ = await review_meeting(demo, [first, second])
    head = await ledger_head()
    async with await make_client(app) as covered, await make_client(app) as uncovered:
        await log_in(covered, TAMARA)
        await log_in(uncovered, OLIVIA)
        page = (await covered.get(f"/meetings/{meeting_id}")).text
        assert case_lines(page) == [f"Case PC-7T3K · {CLIENT}", "Case PC-9MXR · Second Canary Client"]
        if urls.known("case"):  # the case page, once the app has one: only for those who may read it
            assert f'href="{urls.url("case", case_id=first)}"' in page
        page = (await uncovered.get(f"/meetings/{meeting_id}")).text
        assert case_lines(page) == ["Case PC-7T3K · details withheld", "Case PC-9MXR · details withheld"]
        assert CLIENT not in page and "Second Canary" not in page and "Open the case" not in page
        assert "Case review (2)" in page and "Case review (3)" in page
    # The names shown are in the ledger, for the agenda; nothing was recorded for the one withheld.
    rows = [row for row in await ledger_after(head) if row["surface"] == "agenda"]
    assert {(row["viewer"], row["categories"]) for row in rows} == {(demo.people[TAMARA], "identity")}


async def test_guests_see_case_review_items_without_a_reference(app, demo):
    case_id, _ = await cluster_case(demo)
    meeting_id, _ = await review_meeting(demo, [case_id])
    guest = demo.people[SCHOOL]  # a guest of the Perinatal Cluster, invited to this meeting
    seat = await Membership.insert(Membership(
        team=demo.team(CLUSTER), person=guest, agency=demo.agencies["MCS"], role="guest",
        started_on=today(), version=1, created_at=clock.now(),
    )).returning(Membership.id)
    await Invitation.insert(Invitation(meeting=meeting_id, person=guest, seat=seat[0]["id"], created_at=clock.now()))
    async with await make_client(app) as client:
        await log_in(client, SCHOOL)
        page = await client.get(f"/meetings/{meeting_id}")
        assert page.status_code == 200 and "Case review (2)" in page.text
        assert "PC-7T3K" not in page.text and "details withheld" not in page.text and CLIENT not in page.text
        packet = await client.get(f"/meetings/{meeting_id}/packet")
        assert packet.status_code == 200
        with zipfile.ZipFile(io.BytesIO(packet.content)) as archive:
            agenda_pdf = archive.read(archive.namelist()[0])
        assert b"PC-7T3K" not in agenda_pdf


async def test_the_printed_agenda_shows_the_case_as_the_agenda_does(app, demo):
    from server.attachments import routes, service

    case_id, _ = await cluster_case(demo)
    meeting_id, _ = await review_meeting(demo, [case_id])
    head = await ledger_head()
    html = routes.agenda_html(await service.packet_contents(await on_meeting(demo, TAMARA, meeting_id)))
    assert f"Case PC-7T3K · {CLIENT}" in page_text(html) and "<h3>2. Case review (2)</h3>" in html
    html = routes.agenda_html(await service.packet_contents(await on_meeting(demo, OLIVIA, meeting_id)))
    assert "Case PC-7T3K · details withheld" in page_text(html) and CLIENT not in html
    assert {row["surface"] for row in await ledger_after(head, Disclosure.surface)} == {"print"}


async def test_a_case_review_title_never_carries_case_facts_anywhere(client, demo):
    case_id, _ = await cluster_case(demo)
    meeting_id, (welcome, item) = await review_meeting(demo, [case_id])
    token = await log_in(client, COORDINATOR)
    response = await post_form(client, f"/meetings/{meeting_id}/items/{item}", {
        "title": f"{CLIENT} relapse", "kind": "case_review", "planned_minutes": "20", "version": "1",
        "case_id": str(case_id)}, token)
    assert response.status_code == 303
    assert (await AgendaItem.select(AgendaItem.title).where(AgendaItem.id == item).first())["title"] == "Case review"
    edit = await client.get(f"/meetings/{meeting_id}/items/{item}/edit")
    assert f'<option value="{case_id}" selected>PC-7T3K</option>' in edit.text and "relapse" not in edit.text
    await open_item(demo, meeting_id, item)
    await post_form(client, f"/meetings/{meeting_id}/live/end", {"confirmed": "yes"}, token)
    minutes = await Minutes.select(Minutes.record).where(Minutes.meeting == meeting_id).first()
    assert "relapse" not in minutes["record"] and "PC-7T3K" not in minutes["record"]
    assert CLIENT not in minutes["record"]
    with zipfile.ZipFile(io.BytesIO((await client.get(f"/meetings/{meeting_id}/packet")).content)) as archive:
        assert b"relapse" not in archive.read(archive.namelist()[0])


async def test_review_notes_taken_live_are_entries_of_the_case_and_never_minutes_text(app, client, demo):
    case_id, _ = await cluster_case(demo)
    meeting_id, (welcome, item) = await review_meeting(demo, [case_id])
    token = await log_in(client, COORDINATOR)
    await open_item(demo, meeting_id, item)
    live = await client.get(f"/meetings/{meeting_id}/live")
    assert 'id="review-note-form"' in live.text and 'id="item-notes"' not in live.text
    assert f"Case PC-7T3K · {CLIENT}" in case_lines(live.text)
    note = "Canary note: doula visit agreed; transport voucher for Tuesday"
    response = await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/review-notes",
                               {"body": note}, token, headers={"HX-Request": "true"})
    assert response.status_code == 200 and note in response.text
    (saved,) = await entries_of(case_id, "review_note")
    assert (saved["body"], saved["category"], saved["source_agency"], saved["meeting"], saved["agenda_item"],
            saved["recorded_by"]) == (note, "coordination", demo.agencies["MCHD"], meeting_id, item,
                                      demo.people[COORDINATOR])
    # A Part 2 note, without JavaScript: back to the live view, shown with the 42 CFR 2.32 notice.
    response = await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/review-notes",
                               {"body": "Canary: MAT dose steady", "category": "sud"}, token)
    assert response.status_code == 303 and response.headers["location"].endswith("/live#live")
    live = await client.get(f"/meetings/{meeting_id}/live")
    assert "Canary: MAT dose steady" in live.text and "42 CFR part 2 prohibits unauthorized use" in live.text
    # An empty note, or an identity "note": field messages, nothing saved.
    response = await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/review-notes",
                               {"body": " ", "category": "identity"}, token)
    assert response.status_code == 422 and "Write the note." in response.text
    assert "Choose what kind of information the note holds." in response.text
    assert len(await entries_of(case_id, "review_note")) == 2
    # The agenda item holds nothing; the minutes keep only that it was held.
    assert (await AgendaItem.select(AgendaItem.notes).where(AgendaItem.id == item).first())["notes"] == ""
    await post_form(client, f"/meetings/{meeting_id}/live/end", {"confirmed": "yes"}, token)
    record = (await Minutes.select(Minutes.record).where(Minutes.meeting == meeting_id).first())["record"]
    assert "Canary" not in record and '"title":""' in record
    minutes = await client.get(f"/meetings/{meeting_id}/minutes")
    assert "Case review (2)" in minutes.text and "Canary" not in minutes.text
    # A member whose agency is not covered never sees the notes; a covered one, on the case's terms.
    async with await make_client(app) as uncovered:
        await log_in(uncovered, OLIVIA)
        assert "Canary" not in (await uncovered.get(f"/meetings/{meeting_id}")).text


async def test_a_review_note_is_taken_only_on_the_open_case_review_of_a_chosen_case(client, demo):
    meeting_id, (welcome, item) = await review_meeting(demo, [None])
    notes = await CaseEntry.count().where(CaseEntry.kind == "review_note")  # the demo's own
    token = await log_in(client, COORDINATOR)
    await open_item(demo, meeting_id, welcome)
    response = await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/review-notes",
                               {"body": "Canary"}, token)
    assert response.status_code == 409  # not the open item
    await open_item(demo, meeting_id, item)
    live = await client.get(f"/meetings/{meeting_id}/live")
    assert "No case is chosen for this item yet" in live.text and 'id="review-note-form"' not in live.text
    response = await post_form(client, f"/meetings/{meeting_id}/live/items/{item}/review-notes",
                               {"body": "Canary"}, token)
    assert response.status_code == 422
    assert await CaseEntry.count().where(CaseEntry.kind == "review_note") == notes


# The documents of an item that becomes, or is, a case review (they must never become the meeting's).


async def attached(meeting_id: int, item_id: int, title: str) -> int:
    received = STORAGE.receive(io.BytesIO(PDF + title.encode()), len(PDF) + len(title))
    rows = await Attachment.insert(Attachment(
        meeting=meeting_id, agenda_item=item_id, kind="file", title=title, media_type="application/pdf",
        size=received.size, sha256=received.sha256, storage_key=STORAGE.place(received), uploaded_at=clock.now(),
    )).returning(Attachment.id, Attachment.storage_key)
    return rows[0]["id"]


async def test_an_item_with_documents_cannot_become_a_case_review(client, demo):
    meeting_id, (welcome, item) = await review_meeting(demo, [None])
    document = await attached(meeting_id, welcome, "Vega family assessment.pdf")
    token = await log_in(client, COORDINATOR)
    response = await post_form(client, f"/meetings/{meeting_id}/items/{welcome}", {
        "kind": "case_review", "title": "Review", "planned_minutes": "15", "version": "1"}, token)
    assert response.status_code == 422
    assert "This item has documents or links, and a case review takes none" in page_text(response.text)
    assert (await AgendaItem.select(AgendaItem.kind).where(AgendaItem.id == welcome).first())["kind"] == "standing"
    await post_form(client, f"/meetings/{meeting_id}/documents/{document}/delete", {}, token)
    response = await post_form(client, f"/meetings/{meeting_id}/items/{welcome}", {
        "kind": "case_review", "title": "Review", "planned_minutes": "15", "version": "1"}, token)
    assert response.status_code == 303


async def test_removing_a_case_review_removes_its_hidden_documents_never_handing_them_to_the_meeting(app, client,
                                                                                                   demo):
    meeting_id, (welcome, item) = await review_meeting(demo, [None])
    # Documents attached before the item became a case review (as older versions allowed).
    document = await attached(meeting_id, item, "Vega family assessment.pdf")
    kept = await attached(meeting_id, welcome, "Agenda notes.pdf")
    key = (await Attachment.select(Attachment.storage_key).where(Attachment.id == document).first())["storage_key"]
    assert STORAGE.path(key).exists()
    token = await log_in(client, COORDINATOR)
    response = await post_form(client, f"/meetings/{meeting_id}/items/{item}/delete", {}, token)
    assert response.status_code == 303
    assert not await Attachment.exists().where(Attachment.id == document)
    assert await Attachment.exists().where(Attachment.id == kept)
    assert not STORAGE.path(key).exists()
    async with await make_client(app) as member:
        await log_in(member, TAMARA)
        page = await member.get(f"/meetings/{meeting_id}")
        assert "Vega family" not in page.text
        with zipfile.ZipFile(io.BytesIO((await member.get(f"/meetings/{meeting_id}/packet")).content)) as archive:
            assert not any("Vega" in name for name in archive.namelist())
    # An ordinary item's documents still move to the meeting when it is removed.
    response = await post_form(client, f"/meetings/{meeting_id}/items/{welcome}/delete", {}, token)
    assert response.status_code == 303
    assert (await Attachment.select(Attachment.agenda_item).where(Attachment.id == kept).first())["agenda_item"] is None


# What a page costs: one disclosure for the whole agenda.


async def test_the_meeting_page_costs_the_same_with_1_and_6_case_reviews(app, demo, count_queries):
    small_cases = [(await cluster_case(demo, "PC-AAA1", client="Canary One"))[0]]
    large_cases = [(await cluster_case(demo, f"PC-BB{n}2", client=f"Canary {n}"))[0] for n in range(2, 8)]
    small, _ = await review_meeting(demo, small_cases)
    large, _ = await review_meeting(demo, large_cases)
    for email in (TAMARA, OLIVIA, COORDINATOR):
        async with await make_client(app) as client:
            await log_in(client, email)
            counts = []
            for meeting_id in (small, large):
                count_queries.statements.clear()
                response = await client.get(f"/meetings/{meeting_id}")
                assert response.status_code == 200
                counts.append(len(count_queries))
                if email == TAMARA:
                    assert len(case_lines(response.text)) == (1 if meeting_id == small else 6)
            assert counts[0] == counts[1], (email, count_queries.statements)


async def test_a_deferred_case_review_carried_over_reviews_the_same_case(client, demo):
    case_id, _ = await cluster_case(demo)
    meeting_id, (welcome, item) = await review_meeting(demo, [case_id])
    following, _ = await review_meeting(demo, [], weeks_ahead=8)
    token = await log_in(client, COORDINATOR)
    await open_item(demo, meeting_id, item)
    await post_form(client, f"/meetings/{meeting_id}/items/{item}/outcome", {"outcome": "deferred"}, token)
    await post_form(client, f"/meetings/{meeting_id}/live/end", {"confirmed": "yes"}, token)
    response = await post_form(client, f"/meetings/{following}/carry/{item}", {}, token)
    assert response.status_code == 303
    carried = await AgendaItem.select(AgendaItem.id, AgendaItem.title).where(
        (AgendaItem.meeting == following) & (AgendaItem.carried_from == item)).first()
    assert carried["title"] == "Case review" and await reviewed_case(carried["id"]) == case_id


async def test_an_item_that_stops_being_a_case_review_reviews_no_case(client, demo):
    case_id, _ = await cluster_case(demo)
    meeting_id, (welcome, item) = await review_meeting(demo, [case_id])
    token = await log_in(client, COORDINATOR)
    response = await post_form(client, f"/meetings/{meeting_id}/items/{item}", {
        "kind": "discussion", "title": "Transport to appointments", "planned_minutes": "10", "version": "1",
        "case_id": str(case_id)}, token)
    assert response.status_code == 303
    assert await reviewed_case(item) is None
    assert case_lines((await client.get(f"/meetings/{meeting_id}")).text) == []


async def test_a_poll_that_does_not_show_the_agenda_discloses_nothing(app, client, demo):
    case_id, _ = await cluster_case(demo)
    meeting_id, (welcome, item) = await review_meeting(demo, [case_id])
    await open_item(demo, meeting_id, welcome)
    await log_in(client, COORDINATOR)
    head = await ledger_head()
    response = await client.get(f"/meetings/{meeting_id}/live/panel", headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="agenda"' not in response.text
    assert await ledger_head() == head
    async with await make_client(app) as member:  # a member watching gets the agenda with the panel
        await log_in(member, TAMARA)
        response = await member.get(f"/meetings/{meeting_id}/live/panel", headers={"HX-Request": "true"})
        assert CLIENT in response.text
    assert {row["viewer"] for row in await ledger_after(head, Disclosure.viewer)} == {demo.people[TAMARA]}
