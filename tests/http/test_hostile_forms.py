"""Property-based: malformed, missing and oversized values never cause a 500 or a partial write."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.accounts.tables import Affiliation, Person
from server.agencies.tables import Agency
from server.app import create_app
from server.demo import load_demo
from server.teams.tables import Membership, Team
from tests.conftest import ADMIN, CHAIR, Demo, empty_database, log_in, make_client

hostile_text = st.one_of(
    st.text(max_size=30),
    st.text(min_size=300, max_size=5000),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "2026-02-30", "1e9", "null",
                     "<script>alert(1)</script>", "'; DROP TABLE person; --", "\x00", "é" * 300,
                     "America/../../etc", "on", "true"]),
)


def form_for(fields: list[str]):
    return st.dictionaries(st.sampled_from(fields), hostile_text, max_size=len(fields))


FORMS = {
    "agency": ("/agencies", ADMIN, ["name", "short_name", "sector", "is_part2_program", "is_hipaa_covered"]),
    "person": ("/people", ADMIN, ["name", "email", "phone", "title", "agency_id", "preferred_language",
                                  "is_site_admin"]),
    "team": ("/teams", ADMIN, ["name", "kind", "area", "time_zone", "description", "is_public"]),
    "roster": ("/teams/{team}/roster", CHAIR, ["person_id", "agency_id", "role", "alternate_for_id",
                                                "started_on"]),
    "seat": ("/teams/{team}/roster/{seat}", CHAIR, ["agency_id", "role", "alternate_for_id", "started_on",
                                                     "version"]),
    "end": ("/teams/{team}/roster/{seat}/end", CHAIR, ["ended_on", "version"]),
    "password": ("/account/password", CHAIR, ["current", "new", "confirm"]),
    "import": ("/teams/{team}/roster/import/confirm", CHAIR, ["csv_text"]),
}


async def snapshot() -> tuple[int, ...]:
    return tuple([await table.count() for table in (Agency, Person, Affiliation, Team, Membership)])


@pytest.mark.parametrize("name", sorted(FORMS))
def test_hostile_form_values_get_a_4xx_or_a_clean_save_never_a_500(name):
    path_template, email, fields = FORMS[name]
    loop = asyncio.new_event_loop()

    async def setup():
        await empty_database()
        await load_demo()
        demo = await Demo.load()
        client = await make_client(create_app())
        await client.__aenter__()
        token = await log_in(client, email)
        team_id = demo.team("Community Collaborative")
        seat = await Membership.select(Membership.id).where(
            (Membership.team == team_id) & Membership.ended_on.is_null()).first()
        return client, token, path_template.format(team=team_id, seat=seat["id"])

    client, token, path = loop.run_until_complete(setup())

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(form=form_for(fields))
    def check(form):
        async def attempt():
            before = await snapshot()
            response = await client.post(path, data={**form, "_csrf_token": token})
            assert response.status_code < 500, (form, response.text[:500])
            if response.status_code >= 400:
                assert await snapshot() == before, form
                assert response.headers["content-type"].startswith("text/html")
        loop.run_until_complete(attempt())

    try:
        check()
    finally:
        loop.run_until_complete(client.__aexit__(None, None, None))
        loop.close()
