"""Every text field keeps its stated limit: a value of any length up to it is saved exactly as
posted, one longer is refused with 422, a message naming the limit, and nothing written.
(Form values were once cut at 20,000 characters: long minutes were saved shortened.)

Property-based over the length, from 1 to twice the limit, with the limit and one past it
always among the examples. Values mix ASCII with accented letters and dashes (kept as they
are), without white space, which short fields collapse."""

from __future__ import annotations

import asyncio
import itertools
import json
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from server.accounts.tables import Person
from server.actions.tables import ActionItem, ActionUpdate
from server.agencies.tables import Agency
from server.attachments.tables import Attachment
from server.meetings.tables import (
    AgendaItem,
    Decision,
    Meeting,
    Minutes,
    MinutesComment,
    TemplateItem,
)
from server.teams.tables import Team
from tests.conftest import ADMIN, CHAIR, SCHOOL, demo_ids, log_in, make_client, restore_database
from tests.http.test_hostile_forms import changed_rows, meeting_fixtures, snapshot
from tests.meetings_helpers import days_from_today

PATTERN = "Respiteé—ñ0123456789"
_serial = itertools.count(1)


def unique(prefix: str = "") -> str:
    return f"{prefix}{next(_serial):05d}"


def value_of_length(length: int, shape: str = "text") -> str:
    """Text of exactly `length` characters; an email address, a phone number or a web address if
    `shape` says so."""
    head = unique("v")  # distinct values, so a save can be found and a name never collides
    if shape == "email":
        domain = "@maple.example"
        return (head + "x" * length)[:length - len(domain)] + domain
    if shape == "phone":  # ten digits (distinct per value) and as many dashes as the length takes
        return f"555{'-' * (length - 10)}{next(_serial):07d}"
    if shape == "link":
        head = "https://meet.example/" + head + "/"
    return (head + PATTERN * (length // len(PATTERN) + 1))[:length]


def soon(demo=None) -> dict[str, str]:
    return {"day": days_from_today(5).isoformat(), "start": "10:00", "duration_minutes": "60"}


# form: persona, path, the rest of a valid form (built fresh per post), field, limit, table and column.
CASES = {
    "agency.name": (ADMIN, "/agencies", lambda demo: {"sector": "other"}, "name", 200, Agency, "name"),
    "agency.short_name": (ADMIN, "/agencies", lambda demo: {"name": unique("Agency "), "sector": "other"},
                          "short_name", 40, Agency, "short_name"),
    "person.email": (ADMIN, "/people", lambda demo: {"name": unique("Person ")}, "email", 254, Person, "email"),
    "meeting.join_link": (CHAIR, "/teams/{team}/meetings", lambda demo: {"title": unique("Meeting "), **soon(demo)},
                          "join_link", 500, Meeting, "join_link"),
    "person.name": (ADMIN, "/people", lambda demo: {"email": unique("p") + "@maple.example"}, "name", 200, Person, "name"),
    "person.title": (ADMIN, "/people", lambda demo: {"name": unique("Person "), "email": unique("t") + "@maple.example"},
                     "title", 120, Person, "title"),
    "person.phone": (ADMIN, "/people", lambda demo: {"name": unique("Person "), "email": unique("f") + "@maple.example"},
                     "phone", 40, Person, "phone"),
    "team.name": (ADMIN, "/teams", lambda demo: {"kind": "other", "time_zone": "America/New_York"}, "name", 200, Team, "name"),
    "team.area": (ADMIN, "/teams", lambda demo: {"name": unique("Team "), "kind": "other", "time_zone": "America/New_York"},
                  "area", 120, Team, "area"),
    "team.description": (ADMIN, "/teams", lambda demo: {"name": unique("Team "), "kind": "other",
                                                   "time_zone": "America/New_York"},
                         "description", 4000, Team, "description"),
    "meeting.title": (CHAIR, "/teams/{team}/meetings", soon, "title", 200, Meeting, "title"),
    "meeting.location": (CHAIR, "/teams/{team}/meetings", lambda demo: {"title": unique("Meeting "), **soon(demo)},
                         "location", 300, Meeting, "location"),
    "meeting.description": (CHAIR, "/teams/{team}/meetings", lambda demo: {"title": unique("Meeting "), **soon(demo)},
                            "description", 5000, Meeting, "description"),
    "item.title": (CHAIR, "/meetings/{meeting}/items", lambda demo: {"kind": "discussion", "planned_minutes": "5"},
                   "title", 200, AgendaItem, "title"),
    "item.presenter_notes": (CHAIR, "/meetings/{meeting}/items", lambda demo: {"title": unique("Item "), "kind": "discussion",
                                                                          "planned_minutes": "5"},
                             "presenter_notes", 5000, AgendaItem, "presenter_notes"),
    "template.title": (CHAIR, "/teams/{team}/meetings/template", lambda demo: {"kind": "standing", "planned_minutes": "5"},
                       "title", 200, TemplateItem, "title"),
    "notes": (CHAIR, "/meetings/{meeting}/items/{item}/notes", lambda demo: {}, "notes", 20_000, AgendaItem, "notes"),
    "decision": (CHAIR, "/meetings/{meeting}/items/{item}/decisions", lambda demo: {}, "text", 2000, Decision, "text"),
    "minutes": (CHAIR, "/meetings/{meeting}/minutes", None, "summary", 20_000, Minutes, "record"),
    "minutes.item": (CHAIR, "/meetings/{meeting}/minutes", None, "item-{item}-text", 20_000, Minutes, "record"),
    "comment": (SCHOOL, "/meetings/{meeting}/minutes/comments", lambda demo: {}, "body", 5000, MinutesComment, "body"),
    "action.title": (CHAIR, "/teams/{team}/actions", lambda demo: {"status": "open", "owner_id": str(demo.people[SCHOOL])}, "title", 200, ActionItem, "title"),
    "action.description": (CHAIR, "/teams/{team}/actions", lambda demo: {"title": unique("Action "), "status": "open",
                                                                   "owner_id": str(demo.people[SCHOOL])},
                           "description", 5000, ActionItem, "description"),
    "progress.note": (SCHOOL, "/actions/{action}/progress", None, "note", 5000, ActionUpdate, "note"),
    "link.title": (CHAIR, "/meetings/{meeting}/links", lambda demo: {"url": "https://maplecounty.example/budget"},
                   "title", 200, Attachment, "title"),
    "link.url": (CHAIR, "/meetings/{meeting}/links", lambda demo: {"title": unique("Link ")}, "url", 500, Attachment,
                 "url"),
    "meeting.cancel_reason": (CHAIR, "/meetings/{meeting}/cancel", None, "reason", 300, Meeting, "cancel_reason"),
}
# Forms whose other fields depend on the row's current state.
STATEFUL = {
    "minutes": lambda ids: Minutes.select(Minutes.version).where(Minutes.meeting == ids["meeting"]).first(),
    "progress.note": lambda ids: ActionItem.select(ActionItem.version).where(ActionItem.id == ids["action"]).first(),
    "meeting.cancel_reason": lambda ids: Meeting.select(Meeting.version).where(Meeting.id == ids["meeting"]).first(),
}


def texts_of(record: dict) -> list[str]:
    """What people wrote in a minutes record: its summary and each item's minutes."""
    return [record.get("summary", ""), *(item.get("text", "") for item in record.get("items", []))]


async def saved_exactly(table, column: str, value: str) -> bool:
    """The value is stored as posted: in its column, or in the minutes' record (JSON)."""
    if table is Minutes:
        return any(value in texts_of(json.loads(row["record"])) for row in await Minutes.select(Minutes.record))
    return await table.exists().where(getattr(table, column) == value)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_field_saves_exactly_up_to_its_limit_and_refuses_longer_with_nothing_written(case, shared_app):
    email, path_template, base, field, limit, table, column = CASES[case]
    loop = asyncio.new_event_loop()

    async def setup():
        await restore_database("demo")
        demo = demo_ids()
        team_id = demo.team("Community Collaborative")
        ids = await meeting_fixtures(demo, team_id)
        client = await make_client(shared_app)
        await client.__aenter__()
        token = await log_in(client, email)
        return demo, client, token, ids, path_template.format(team=team_id, **ids)

    demo, client, token, ids, path = loop.run_until_complete(setup())
    field = field.format(**ids)

    async def rest_of_form() -> dict[str, str]:
        if case.startswith("minutes"):
            return {"version": str((await STATEFUL["minutes"](ids))["version"])}
        if case == "meeting.cancel_reason":
            return {"version": str((await STATEFUL[case](ids))["version"])}
        if case == "progress.note":
            return {"status": "in_progress", "version": str((await STATEFUL[case](ids))["version"])}
        return base(demo)

    shape = {"email": "email", "join_link": "link", "url": "link", "phone": "phone"}.get(field, "text")
    shortest = {"email": 24, "link": 40, "phone": 10}.get(shape, 8)

    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(length=st.integers(min_value=shortest, max_value=2 * limit))
    @example(length=limit)
    @example(length=limit + 1)
    @example(length=2 * limit)
    def check(length):
        async def attempt():
            value = value_of_length(length, shape)
            before = await snapshot() if length > limit else None  # only a refusal is compared
            response = await client.post(path, data={**await rest_of_form(), field: value, "_csrf_token": token},
                                         headers={"HX-Request": "true"} if case in ("notes", "decision") else {})
            if length <= limit:
                assert response.status_code in (200, 303), (case, length, re.findall(r"field-error[^>]*>([^<]+)", response.text))
                assert await saved_exactly(table, column, value), f"{case}: a value of {length} characters was not saved exactly"
            else:
                assert response.status_code == 422, (case, length, response.status_code)
                assert f"{limit:,}" in response.text or f"{limit:,}".replace(",", ".") in response.text \
                    or f" {limit} " in response.text, f"{case}: the message does not name the limit {limit}"
                assert await snapshot() == before, (case, length, changed_rows(before, await snapshot()))
        loop.run_until_complete(attempt())

    try:
        check()
    finally:
        loop.run_until_complete(client.__aexit__(None, None, None))
        loop.close()
