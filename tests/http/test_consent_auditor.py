"""What an auditor will try (CONSENT.md §7), each through the HTTP app, as member M: Derek Shaw,
housing navigator for the community action agency (MCAP) on the Perinatal Cluster. The client's
case C is led by the health department (MCHD); its entries come from several agencies, each with a
line of text no other page carries, so any leak of it is found by a plain search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from server import clock
from server.accounts.tables import Affiliation
from server.cases import ledger
from server.cases.tables import Disclosure
from server.db import writing
from server.teams import membership
from tests.cases_helpers import (
    add_entry,
    add_identity,
    add_release,
    ledger_after,
    ledger_head,
    make_case,
    revoke,
)
from tests.conftest import COORDINATOR, log_in, make_client, page_text

M = "derek.shaw@maple.example"  # MCAP, member of the Perinatal Cluster
CPS_WORKER = "tamara.nguyen@maple.example"  # CPS, member
NURSE = "grace.whitman@maple.example"  # MCHD, like the coordinator
CLIENT = "Marisol Quintero-Vance"
BORN = date(1999, 4, 17)
REFERENCE = "PC-ZZ9Q"
# category → (source agency, the entry's text)
ENTRIES = {
    "coordination": ("MCHD", "Prenatal visits set for Tuesdays at the Eastside clinic"),
    "sud": ("HRS", "Buprenorphine induction completed, weekly toxicology negative"),
    "mental_health": ("MHAS", "Screened positive on the EPDS, therapy intake booked"),
    "medical": ("MMC", "Gestational diabetes, insulin started at 28 weeks"),
    "child_welfare": ("CPS", "Safety plan agreed with the grandmother as supervisor"),
    "court": ("CPS", "Dependency review hearing continued to the spring"),
    "housing": ("MCHD", "Section 8 voucher application lodged with the county authority"),
}


@dataclass
class TheCase:
    id: int
    entries: dict[str, int]  # category → entry id
    team: int


async def the_case(demo) -> TheCase:
    team = demo.team("Perinatal Cluster")
    case_id = await make_case(team, demo.agencies["MCHD"], REFERENCE)
    entries = {"identity": await add_identity(case_id, demo.agencies["MCHD"], CLIENT, BORN, "555-0147")}
    for category, (agency, text) in ENTRIES.items():
        entries[category] = await add_entry(case_id, demo.agencies[agency], category, title=text[:40], body=text)
    return TheCase(case_id, entries, team)


def details_in(text: str) -> list[str]:
    """The case's details found in `text`."""
    found = [line for _, line in ENTRIES.values() if line in text]
    return found + [value for value in (CLIENT, BORN.isoformat(), "555-0147") if value in text]


def everything_but(*categories: str) -> list[str]:
    return [c for c in ["identity", *ENTRIES] if c not in categories]


async def as_person(app, email: str):
    client = await make_client(app)
    await client.__aenter__()
    await log_in(client, email)
    return client


# 1. Direct URLs, guessed ids, htmx fragments, the back button after logging out.


async def test_m_finds_nothing_of_the_case_at_any_url_fragment_or_guessed_id(app, demo):
    case = await the_case(demo)
    async with await make_client(app) as m:
        await log_in(m, M)
        missing = await m.get("/cases/987654")
        assert missing.status_code == 404
        entry = case.entries["sud"]
        urls = [f"/cases/{case.id}", f"/cases/{case.id}/print", f"/cases/{case.id}/export.csv",
                f"/cases/{case.id}/entries/{entry}/file", f"/cases/{case.id}/disclosures"]
        urls += [f"/cases/{case.id + n}" for n in (1, 2, -1)]  # guessed neighbours
        for url in urls:
            for headers in ({}, {"HX-Request": "true"}):
                response = await m.get(url, headers=headers)
                assert response.status_code == 404, url
                assert page_text(response.text) == page_text(
                    (await m.get("/cases/987654", headers=headers)).text), url  # missing and forbidden alike
                assert not details_in(response.text) and REFERENCE not in response.text


async def test_a_case_page_is_never_kept_for_the_back_button_and_is_gone_after_logging_out(app, demo):
    case = await the_case(demo)
    async with await make_client(app) as coordinator:
        token = await log_in(coordinator, COORDINATOR)
        page = await coordinator.get(f"/cases/{case.id}")
        assert page.status_code == 200 and CLIENT in page.text
        assert "no-store" in page.headers["cache-control"]
        assert 'hx-history="false"' in page.text
        await coordinator.post("/logout", data={"_csrf_token": token})
        after = await coordinator.get(f"/cases/{case.id}")
        assert after.status_code in (302, 303) and not details_in(after.text)


# 2. Search by name, date of birth, reference.


async def test_m_searching_the_name_birth_date_or_reference_finds_nothing_and_no_count(app, demo):
    case = await the_case(demo)
    async with await make_client(app) as m:
        await log_in(m, M)

        async def results(query: str) -> str:
            response = await m.get(f"/teams/{case.team}/cases", params={"q": query})
            assert response.status_code == 200
            return page_text(response.text).replace(query, "QUERY")

        nothing = await results("Zebulon Nobody")
        for query in (CLIENT, "Quintero", BORN.isoformat(), REFERENCE, "PC-ZZ"):
            assert await results(query) == nothing, query


# 4. Covered for housing only.


async def test_m_covered_for_housing_only_sees_housing_and_nothing_else_anywhere(app, demo):
    case = await the_case(demo)
    await add_release(case.id, disclosing=[demo.agencies["MCHD"], demo.agencies["HRS"], demo.agencies["CPS"]],
                      receiving=[demo.agencies["MCAP"]], categories=["housing"])
    async with await make_client(app) as m:
        await log_in(m, M)
        for url in (f"/cases/{case.id}", f"/cases/{case.id}/print", f"/cases/{case.id}/export.csv",
                    f"/teams/{case.team}/cases", f"/teams/{case.team}/cases?q=voucher"):
            response = await m.get(url)
            assert response.status_code == 200, url
            assert details_in(response.text) in ([], [ENTRIES["housing"][1]]), url
        page = (await m.get(f"/cases/{case.id}")).text
        assert ENTRIES["housing"][1] in page
        assert "details withheld" in page_text(page).lower()
        assert f"/cases/{case.id}/entries/{case.entries['sud']}" not in page
        # sorting, filtering and counts: the list shows the case once, with no name and no count
        listing = page_text((await m.get(f"/teams/{case.team}/cases")).text)
        assert REFERENCE in listing and CLIENT not in listing
        for withheld in everything_but("housing"):
            hidden = await m.get(f"/cases/{case.id}/entries/{case.entries[withheld]}/file")
            assert hidden.status_code == 404


# 5. Revocation for M's agency only; expiry at the instant.


async def test_revoked_for_ms_agency_only_m_loses_it_on_the_next_request_and_others_keep_it(app, demo):
    case = await the_case(demo)
    release = await add_release(case.id, disclosing=[demo.agencies["MCHD"]],
                                receiving=[demo.agencies["MCAP"], demo.agencies["CPS"]],
                                categories=["identity", "housing", "coordination"])
    async with await make_client(app) as m, await make_client(app) as cps:
        await log_in(m, M)
        await log_in(cps, CPS_WORKER)
        assert CLIENT in (await m.get(f"/cases/{case.id}")).text
        await revoke(release, agency=demo.agencies["MCAP"])
        assert (await m.get(f"/cases/{case.id}")).status_code == 404
        kept = await cps.get(f"/cases/{case.id}")
        assert kept.status_code == 200 and CLIENT in kept.text and ENTRIES["housing"][1] in kept.text


async def test_at_the_instant_a_release_expires_m_loses_the_case(app, demo, clock_at):
    case = await the_case(demo)
    last_day = clock.today_in("America/New_York") + timedelta(days=10)
    await add_release(case.id, disclosing=[demo.agencies["MCHD"]], receiving=[demo.agencies["MCAP"]],
                      categories=["identity", "housing"], expires_on=last_day)
    end = datetime.combine(last_day + timedelta(days=1), time.min, clock.zone("America/New_York"))
    async with await make_client(app) as m:
        clock_at((end - timedelta(seconds=5)).astimezone(UTC))
        await log_in(m, M)
        assert CLIENT in (await m.get(f"/cases/{case.id}")).text
        clock_at(end.astimezone(UTC))
        assert (await m.get(f"/cases/{case.id}")).status_code == 404


# 6. Moving to another agency.


async def test_m_moving_from_a_covered_agency_to_another_loses_access_at_once(app, demo):
    case = await the_case(demo)
    await add_release(case.id, disclosing=[demo.agencies["MCHD"]], receiving=[demo.agencies["MCAP"]],
                      categories=["identity", "housing"])
    async with await make_client(app) as m:
        await log_in(m, M)
        assert CLIENT in (await m.get(f"/cases/{case.id}")).text
        person = demo.people[M]
        today = membership.directory_day(clock.now())
        async with writing():  # what the site admin's "agency" field does: end one affiliation, start another
            await Affiliation.update({Affiliation.ended_on: today}).where(
                (Affiliation.person == person) & Affiliation.ended_on.is_null())
            await Affiliation.insert(Affiliation(person=person, agency=demo.agencies["HMG"], started_on=today))
        assert (await m.get(f"/cases/{case.id}")).status_code == 404
        listing = (await m.get(f"/teams/{case.team}/cases")).text
        assert REFERENCE not in listing


# 7. A release that names one individual.


async def test_a_release_naming_one_person_leaves_their_colleague_at_the_same_agency_with_nothing(app, demo):
    team = demo.team("Perinatal Cluster")
    case_id = await make_case(team, demo.agencies["CPS"], REFERENCE)
    await add_identity(case_id, demo.agencies["CPS"], CLIENT, BORN)
    await add_entry(case_id, demo.agencies["CPS"], "child_welfare", body=ENTRIES["child_welfare"][1])
    await add_release(case_id, disclosing=[demo.agencies["CPS"]], receiving=[demo.agencies["MCHD"]],
                      categories=["identity", "child_welfare"],
                      named={demo.agencies["MCHD"]: [demo.people[COORDINATOR]]})
    async with await make_client(app) as named, await make_client(app) as colleague:
        await log_in(named, COORDINATOR)
        await log_in(colleague, NURSE)
        assert ENTRIES["child_welfare"][1] in (await named.get(f"/cases/{case_id}")).text
        assert (await colleague.get(f"/cases/{case_id}")).status_code == 404
        assert REFERENCE not in (await colleague.get(f"/teams/{team}/cases")).text


# 8. The ledger.


async def test_every_disclosure_m_sees_is_in_the_ledger_with_its_release_and_editing_a_row_breaks_the_chain(
        app, demo):
    case = await the_case(demo)
    release = await add_release(case.id, disclosing=[demo.agencies["MCHD"], demo.agencies["HRS"]],
                                receiving=[demo.agencies["MCAP"]], categories=["housing", "sud"])
    head = await ledger_head()
    async with await make_client(app) as m:
        await log_in(m, M)
        for url in (f"/cases/{case.id}", f"/cases/{case.id}/print", f"/cases/{case.id}/export.csv"):
            assert (await m.get(url)).status_code == 200
    rows = await ledger_after(head)
    mine = [row for row in rows if row["viewer"] == demo.people[M] and row["case"] == case.id]
    assert [row["surface"] for row in mine] == ["page", "print", "export"]
    for row in mine:
        assert row["basis"] == "release" and row["release"] == release and row["release_version"] == 1
        assert set(row["entries"].split(",")) == {str(case.entries["housing"]), str(case.entries["sud"])}
        assert row["categories"] == "housing,sud" and row["notice"] == "part2"
    assert (await ledger.verify()).ok
    async with writing():
        await Disclosure.raw("UPDATE disclosure SET categories = {} WHERE id = {}", "housing", mine[0]["id"])
    verdict = await ledger.verify()
    assert not verdict.ok and verdict.broken_at == mine[0]["id"]


async def test_a_head_request_decides_as_a_get_but_records_no_disclosure(app, demo):
    case = await the_case(demo)
    await add_release(case.id, disclosing=[demo.agencies["MCHD"]], receiving=[demo.agencies["MCAP"]],
                      categories=["housing"])
    head = await ledger_head()
    async with await make_client(app) as m, await make_client(app) as outsider:
        await log_in(m, M)
        await log_in(outsider, "olivia.grant@maple.example")  # Help Me Grow: no record, no release
        answer = await m.head(f"/cases/{case.id}")
        assert answer.status_code == 200 and answer.content == b""
        assert (await outsider.head(f"/cases/{case.id}")).status_code == 404
        assert await ledger_head() == head  # nothing was sent
        assert (await m.get(f"/cases/{case.id}")).status_code == 200
    assert [row["surface"] for row in await ledger_after(head)] == ["page"]
