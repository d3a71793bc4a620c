"""Property-based: malformed, missing and oversized values never cause a 500 or a partial write."""

from __future__ import annotations

import asyncio
import html

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server import db
from server.accounts.tables import Affiliation, Person
from server.actions.tables import ActionItem, ActionUpdate
from server.agencies.tables import Agency
from server.app import create_app
from server.attachments.service import STORAGE
from server.attachments.tables import Attachment
from server.meetings.tables import (
    AgendaItem,
    Attendance,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesRevision,
    Motion,
    Recusal,
    Series,
    TemplateItem,
)
from server.teams.tables import Membership, Team
from server.web.flash import message_from_cookie
from server.web.responses import FLASH_COOKIE
from server.web.templating import template_gettext
from tests.attachment_samples import CSV, EXE, HTML, PDF, SVG, TEXT, odf, ooxml, plain_zip
from tests.conftest import (
    ADMIN,
    CHAIR,
    GUEST,
    SCHOOL,
    demo_ids,
    log_in,
    make_client,
    post_form,
    restore_database,
)
from tests.meetings_helpers import days_from_today, schedule

hostile_text = st.one_of(
    st.text(max_size=30),
    st.text(min_size=300, max_size=5000),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "2026-02-30", "1e9", "null",
                     "<script>alert(1)</script>", "'; DROP TABLE person; --", "\x00", "é" * 300,
                     "America/../../etc", "on", "true", "²", "٣", "1" * 40, "56", "-1,0,7"]),
)


def form_for(fields: list[str]):
    return st.dictionaries(st.sampled_from(fields), hostile_text, max_size=len(fields))


FORMS = {
    "agency": ("/agencies", ADMIN, ["name", "short_name", "sector", "is_part2_program", "is_hipaa_covered"]),
    "person": ("/people", ADMIN, ["name", "email", "phone", "title", "agency_id", "preferred_language",
                                  "is_site_admin"]),
    "team": ("/teams", ADMIN, ["name", "kind", "area", "time_zone", "description", "is_public", "sectors",
                               "expected_sectors"]),
    "roster": ("/teams/{team}/roster", CHAIR, ["person_id", "agency_id", "role", "alternate_for_id",
                                                "started_on"]),
    "seat": ("/teams/{team}/roster/{seat}", CHAIR, ["agency_id", "role", "alternate_for_id", "started_on",
                                                     "version"]),
    "end": ("/teams/{team}/roster/{seat}/end", CHAIR, ["ended_on", "version"]),
    "password": ("/account/password", CHAIR, ["current", "new", "confirm"]),
    "import": ("/teams/{team}/roster/import/confirm", CHAIR, ["upload", "csv_text"]),
    "meeting": ("/teams/{team}/meetings", CHAIR, ["title", "day", "start", "duration_minutes", "location",
                                                  "join_link", "frequency", "interval", "weekdays", "month_day",
                                                  "week_of_month", "weekday", "ends", "until", "count"]),
    "meeting_edit": ("/meetings/{meeting}", CHAIR, ["scope", "version", "title", "day", "start",
                                                    "duration_minutes", "frequency", "ends", "count", "until"]),
    "cancel": ("/meetings/{meeting}/cancel", CHAIR, ["version", "reason"]),
    "agenda_item": ("/meetings/{meeting}/items", CHAIR, ["title", "kind", "presenter_id", "planned_minutes",
                                                         "presenter_notes"]),
    "agenda_item_edit": ("/meetings/{meeting}/items/{item}", CHAIR, ["title", "kind", "planned_minutes",
                                                                     "version", "presenter_id"]),
    "move": ("/meetings/{meeting}/items/{item}/move", CHAIR, ["direction"]),
    "order": ("/meetings/{meeting}/items/order", CHAIR, ["order"]),
    "template": ("/teams/{team}/meetings/template", CHAIR, ["title", "kind", "planned_minutes"]),
    "invite": ("/meetings/{meeting}/invitations", CHAIR, ["person_id"]),
    "uninvite": ("/meetings/{meeting}/invitations/{guest}/delete", CHAIR, ["person_id", "version"]),
    "attendance": ("/meetings/{meeting}/attendance", CHAIR, ["person_id", "status", "standing_in_for",
                                                             "departed", "departed_status"]),
    "notes": ("/meetings/{meeting}/items/{item}/notes", CHAIR, ["notes", "notes_base"]),
    "decision": ("/meetings/{meeting}/items/{item}/decisions", CHAIR, ["text"]),
    "motion": ("/meetings/{meeting}/items/{item}/decisions", CHAIR, [
        "text", "motion", "mover_id", "seconder_id", "votes_for", "votes_against", "abstentions", "majority",
        "recusal_person_0", "recusal_reason_0", "recusal_rows", "add_recusal", "notes_item", "notes"]),
    "outcome": ("/meetings/{meeting}/items/{item}/outcome", CHAIR, ["outcome", "notes_item", "notes", "notes_base"]),
    "next": ("/meetings/{meeting}/live/next", CHAIR, ["notes_item", "notes", "notes_base"]),
    "start": ("/meetings/{meeting}/live/start", CHAIR, ["confirmed", "publish"]),
    "live_end": ("/meetings/{meeting}/live/end", CHAIR, ["confirmed", "notes_item", "notes", "notes_base"]),
    "everyone_present": ("/meetings/{meeting}/attendance/everyone", CHAIR, ["notes_item", "notes"]),
    "review": ("/meetings/{meeting}/live/actions/{action}/status", CHAIR, ["status", "version", "notes_item",
                                                                          "notes"]),
    "live_action": ("/meetings/{meeting}/actions", CHAIR, ["title", "owner_id", "owner_agency_id", "due_on",
                                                           "item_id", "past_due_confirmed"]),
    "minutes": ("/meetings/{meeting}/minutes", CHAIR, ["summary", "version", "item-{item}-text",
                                                       "item-{item}-outcome"]),
    "comment": ("/meetings/{meeting}/minutes/comments", SCHOOL, ["body"]),
    "minutes_status": ("/meetings/{meeting}/minutes/status", CHAIR, ["status", "version", "approved_at_meeting"]),
    "action": ("/teams/{team}/actions", CHAIR, ["title", "description", "owner_id", "owner_agency_id", "due_on",
                                                "status", "past_due_confirmed"]),
    "action_edit": ("/actions/{action}", CHAIR, ["title", "description", "owner_id", "owner_agency_id",
                                                 "due_on", "status", "version"]),
    "progress": ("/actions/{action}/progress", SCHOOL, ["status", "note", "due_on", "version"]),
    "home_progress": ("/home/actions/{action}/progress", SCHOOL, ["status", "note", "due_on", "version"]),
    "link": ("/meetings/{meeting}/links", CHAIR, ["title", "url", "item_id"]),
    "upload": ("/meetings/{meeting}/documents", CHAIR, ["item_id", "file"]),  # no file part: see below for files
}


# A form that saves cleanly, where one needs no ids: the test posts it first, so every run sees
# at least one save through the same checks as the hostile ones.
VALID = {
    "agency": {"name": "Fuzz Agency", "sector": "other"},
    "team": {"name": "Fuzz Team", "kind": "other", "time_zone": "America/New_York"},
    "agenda_item": {"title": "A valid item", "kind": "discussion", "planned_minutes": "5"},
    "template": {"title": "A standing item", "kind": "standing", "planned_minutes": "5"},
    "notes": {"notes": "What was said."},
    "comment": {"body": "Item 1 should say 35 days."},
    "decision": {"text": "Agreed to meet again."},
    "link": {"title": "County budget", "url": "https://www.maplecounty.example/budget"},
}

WATCHED = (Agency, Person, Affiliation, Team, Membership, Series, Meeting, AgendaItem, Decision, Motion, Recusal,
           TemplateItem, Attendance, Minutes, MinutesRevision, MinutesComment, ActionItem, ActionUpdate, Attachment,
           Invitation)


async def snapshot() -> tuple[tuple[str, ...], ...]:
    """Every row of every watched table, column by column; then every file in upload storage
    (stored, and half-received in incoming/)."""
    async with db.reading():
        rows = [tuple(repr(sorted(row.items())) for row in await table.select().order_by(table.id))
                for table in WATCHED]
    return (*rows, tuple(sorted(STORAGE.keys())) + tuple(str(path) for path in STORAGE.incoming_files()))


def changed_rows(before: tuple, after: tuple) -> dict[str, int]:
    names = [table._meta.tablename for table in WATCHED] + ["stored files"]
    return {name: len(set(b) ^ set(a)) for name, b, a in zip(names, before, after, strict=True) if b != a}


async def shows_a_clean_save(client, response) -> None:
    """A save answers 303 to a page that loads and says what was saved (its flash message)."""
    assert response.status_code in (200, 303), response.status_code
    if response.status_code != 303:
        return
    location = response.headers["location"]
    assert not location.startswith("/login"), location
    flash = response.cookies.get(FLASH_COOKIE)
    page = await client.get(location)
    assert page.status_code == 200, (location, page.status_code)
    if flash:
        message = message_from_cookie(flash)
        assert message is not None, flash
        assert html.unescape(template_gettext(message)) in html.unescape(page.text), (location, flash)


async def judge(client, state: dict, response, example) -> None:
    """A refusal (4xx) is an HTML page and changed nothing; anything else is a clean save, which
    becomes the state the next example is compared with."""
    before = state["rows"]
    assert response.status_code < 500, (example, response.text[:500])
    after = await snapshot()
    if response.status_code >= 400:
        assert after == before, (example, changed_rows(before, after))
        assert response.headers["content-type"].startswith("text/html")
    else:
        await shows_a_clean_save(client, response)
        state["rows"] = after


async def meeting_fixtures(demo, team_id: int) -> dict[str, int]:
    """A past meeting, running, with an item, minutes circulated for comments, an invited guest,
    and an action item the member persona owns."""
    chair = await make_client(create_app())
    async with chair:
        token = await log_in(chair, CHAIR)
        response = await post_form(chair, f"/teams/{team_id}/meetings", {
            "title": "Fuzzed", "day": days_from_today(-60).isoformat(), "start": "10:00", "duration_minutes": "60"}, token)
        meeting = int(response.headers["location"].rsplit("/", 1)[1])
        await post_form(chair, f"/meetings/{meeting}/items", {"title": "Item", "kind": "discussion",
                                                               "planned_minutes": "10"}, token)
        await post_form(chair, f"/meetings/{meeting}/minutes/start", {}, token)
        await post_form(chair, f"/meetings/{meeting}/minutes/status", {"status": "circulated", "version": "1"}, token)
        await post_form(chair, f"/meetings/{meeting}/live/start", {"confirmed": "yes"}, token)
        response = await post_form(chair, f"/teams/{team_id}/actions", {
            "title": "Owned by the member", "owner_id": demo.people[SCHOOL], "status": "open"}, token)
        action = int(response.headers["location"].rsplit("/", 1)[1])
        await post_form(chair, f"/meetings/{meeting}/invitations", {"person_id": demo.people[GUEST]}, token)
    item = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting).first()
    return {"meeting": meeting, "item": item["id"], "action": action, "guest": demo.people[GUEST]}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_hostile_form_values_get_a_4xx_or_a_clean_save_never_a_500(name, shared_app):
    path_template, email, fields = FORMS[name]
    loop = asyncio.new_event_loop()

    async def setup():
        await restore_database("demo")
        demo = demo_ids()
        client = await make_client(shared_app)
        await client.__aenter__()
        token = await log_in(client, email)
        team_id = demo.team("Community Collaborative")
        seat = await Membership.select(Membership.id).where(
            (Membership.team == team_id) & Membership.ended_on.is_null()).first()
        ids = await meeting_fixtures(demo, team_id)
        return client, token, path_template.format(team=team_id, seat=seat["id"], **ids), ids

    client, token, path, ids = loop.run_until_complete(setup())
    fields = [field.format(**ids) for field in fields]
    state = {"rows": loop.run_until_complete(snapshot())}

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(form=form_for(fields))
    def check(form):
        async def attempt():
            await judge(client, state, await client.post(path, data={**form, "_csrf_token": token}), form)
        loop.run_until_complete(attempt())

    try:
        if name in VALID:
            async def clean_save():
                response = await client.post(path, data={**VALID[name], "_csrf_token": token})
                await shows_a_clean_save(client, response)
                after = await snapshot()
                assert after != state["rows"], "a clean save writes"
                state["rows"] = after
            loop.run_until_complete(clean_save())
        check()
    finally:
        loop.run_until_complete(client.__aexit__(None, None, None))
        loop.close()


UPLOAD_NAMES = st.one_of(
    st.sampled_from(["Budget.pdf", "Budget.docx", "notes.txt", "data.csv", "Informe.odt", "slides.pptx", "x.exe",
                     "page.html", "image.svg", "noextension", ".pdf", "", "a" * 300 + ".pdf", "..\\..\\etc.pdf",
                     "report\u202efdp.exe", "nul\x00.pdf", "C:\\fakepath\\Budget.pdf"]),
    st.text(max_size=40).map(lambda stem: stem + ".pdf"),
)
UPLOAD_CONTENTS = st.one_of(
    st.sampled_from([PDF, TEXT, CSV, HTML, SVG, EXE, b"", ooxml("docx"), ooxml("docm"), odf("odt"), plain_zip(),
                     b"PK\x03\x04" + b"\x00" * 30, "año".encode("latin-1"), b"%PDF-" + b"\xff" * 100]),
    st.binary(max_size=2000),
)


def test_hostile_uploads_get_a_4xx_or_a_clean_save_and_a_refusal_leaves_no_row_and_no_file(shared_app):
    """Any name, any content, any target: a refusal writes no row and leaves no file in storage."""
    loop = asyncio.new_event_loop()

    async def setup():
        await restore_database("demo")
        client = await make_client(shared_app)
        await client.__aenter__()
        token = await log_in(client, CHAIR)
        ids = await meeting_fixtures(demo_ids(), demo_ids().team("Community Collaborative"))
        return client, token, ids

    client, token, ids = loop.run_until_complete(setup())
    state = {"rows": loop.run_until_complete(snapshot())}
    targets = st.sampled_from(["", str(ids["item"]), "0", "-1", "x", str(ids["item"] + 1000), "9" * 30])

    async def post(name: str, content: bytes, target: str):
        return await client.post(f"/meetings/{ids['meeting']}/documents", data={"item_id": target, "_csrf_token": token},
                                 files={"file": (name, content, "application/pdf")})

    async def clean_save():
        await shows_a_clean_save(client, await post("Budget.pdf", PDF, str(ids["item"])))
        after = await snapshot()
        assert after != state["rows"], "a clean save writes"
        state["rows"] = after

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(name=UPLOAD_NAMES, content=UPLOAD_CONTENTS, target=targets)
    def check(name, content, target):
        async def attempt():
            await judge(client, state, await post(name, content, target), (name, content[:40], target))
        loop.run_until_complete(attempt())

    try:
        loop.run_until_complete(clean_save())
        check()
    finally:
        loop.run_until_complete(client.__aexit__(None, None, None))
        loop.close()


async def test_nul_characters_never_reach_the_database(client, demo):
    """PostgreSQL refuses NUL in text; a form or search carrying one is cleaned, not a 500."""
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team("Community Collaborative"), title="Nul\x00 test")
    assert await Meeting.exists().where(Meeting.title == "Nul test")
    item = await post_form(client, f"/meetings/{meeting_id}/items",
                           {"title": "A\x00B", "kind": "discussion", "planned_minutes": "5"}, token)
    assert item.status_code == 303
    upload = await client.post(f"/teams/{demo.team('Community Collaborative')}/roster/import",
                               files={"file": ("x.csv", b"email,agency,role\nx\x00@y.org,MCS,member\n", "text/csv")},
                               data={"_csrf_token": token})
    assert upload.status_code == 422 and "not a readable CSV" in upload.text
    async with await make_client(create_app()) as admin:
        await log_in(admin, ADMIN)
        search = await admin.get("/people", params={"q": "Ang\x00ela"})
        assert search.status_code == 200


DISGUISED = "Respite \u202etxt.exe\u202c wait\u200blist"  # shows as "Respite exe.txt waitlist"


async def test_text_that_could_pass_for_other_text_is_neutralised_on_the_way_in_and_out(client, demo):
    """Bidirectional overrides and zero-width characters never reach the database from a form
    or a CSV, and text stored with them by other means is shown without them."""
    team_id = demo.team("Community Collaborative")
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, team_id, title=DISGUISED)
    stored = await Meeting.select(Meeting.title).where(Meeting.id == meeting_id).first()
    assert stored["title"] == "Respite txt.exe waitlist"
    await post_form(client, f"/meetings/{meeting_id}/items",
                    {"title": "Mar\u200dcus's item \u2066x\u2069", "kind": "discussion", "planned_minutes": "5"}, token)
    assert await AgendaItem.exists().where(AgendaItem.title == "Marcus's item x")
    preview = await client.post(f"/teams/{team_id}/roster/import", data={"_csrf_token": token}, files={
        "file": ("r.csv", "email,agency,role\nsch\u200bool@maple.example,MCS,member\n".encode(), "text/csv")})
    assert "school@maple.example" in preview.text and "\u200b" not in preview.text
    await Meeting.update({Meeting.title: DISGUISED}).where(Meeting.id == meeting_id)  # as a script might
    page = await client.get(f"/meetings/{meeting_id}")
    assert "Respite txt.exe waitlist" in page.text
    assert not any(c in page.text for c in "\u202e\u202c\u200b\u200d\u2066\u2069")


async def test_names_in_joining_scripts_and_emoji_keep_their_joiners(client, demo):
    token = await log_in(client, CHAIR)
    title = "جلسه\u200cای 👩\u200d👧"
    meeting_id = await schedule(client, token, demo.team("Community Collaborative"), title=title)
    assert (await Meeting.select(Meeting.title).where(Meeting.id == meeting_id).first())["title"] == title


async def test_ids_too_large_for_the_database_are_refused_not_a_500(client, demo):
    await log_in(client, CHAIR)
    for path in ("/meetings/99999999999999999999", "/teams/99999999999999999999/roster", "/actions/3000000000",
                 "/agencies/0"):
        response = await client.get(path)
        assert response.status_code in (400, 404), (path, response.status_code)
        assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", [
    "/static/%00.css", "/static/css/convene.css%00", "/static/css/%00", "/static/" + "a" * 5000 + ".css",
    "/static/..%2f..%2fpyproject.toml", "/static/css%5c..%5c..%5cREADME.md", "/static/.gitignore",
    "/static/%ff.css", "/static/%E2%80%AE.css", "/static/css/",
])
async def test_a_hostile_static_path_is_a_404_not_a_500(client, path):
    response = await client.get(path)
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


async def test_our_static_files_are_still_served(client):
    response = await client.get("/static/css/convene.css")
    assert response.status_code == 200 and "text/css" in response.headers["content-type"]
