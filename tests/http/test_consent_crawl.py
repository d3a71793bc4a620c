"""Crawls for case details (issue 9): as each demo account, follow every link, htmx URL, export,
print view and download the app offers, and look for the text of case entries.

- Canaries: a case with a random string planted in every category, from several agencies, under
  one release; each account finds exactly the categories CONSENT.md §3 gives it (worked out here
  by hand, not by the code under test), and no other.
- M's view of the whole site is the same with the case present or absent, but for the opaque
  reference on an agenda M attends (CONSENT.md §7.3).
"""

from __future__ import annotations

import re
import secrets

import pytest

from server import clock
from server.cases.tables import CaseEntry, CaseReview
from server.db import writing
from server.meetings.tables import AgendaItem, Meeting
from server.teams.tables import Membership
from tests.cases_helpers import add_entry, add_identity, add_release, make_case
from tests.conftest import (
    ADMIN,
    CHAIR,
    COORDINATOR,
    FAMILY,
    GUEST,
    SCHOOL,
    TREATMENT,
    log_in,
    make_client,
)
from tests.crawl import crawl
from tests.meetings_helpers import today

M = "derek.shaw@maple.example"  # MCAP (housing)
CPS_WORKER = "tamara.nguyen@maple.example"  # CPS
NURSE = "grace.whitman@maple.example"  # MCHD, not named by the release
# category → the agency whose record it is
SOURCES = {
    "identity": "MCHD", "coordination": "MCHD", "sud": "HRS", "sud_counseling_notes": "HRS",
    "mental_health": "MHAS", "medical": "MMC", "child_welfare": "CPS", "education": "MCHD", "court": "CPS",
    "housing": "MCAP",
}
# The release: MCHD and CPS disclose identity, coordination, child welfare and court records to CPS and
# MCHD (naming only the coordinator there) and housing records... to nobody else: MCAP sees its own.
RELEASED = {"identity", "coordination", "child_welfare", "court", "housing"}
EXPECTED = {
    # own agency's records, plus what the release gives their agency (and them, where it names people)
    COORDINATOR: {"identity", "coordination", "education", "child_welfare", "court"},
    NURSE: {"identity", "coordination", "education"},  # own records only: the release names the coordinator
    CPS_WORKER: {"identity", "coordination", "child_welfare", "court"},
    TREATMENT: {"sud", "sud_counseling_notes"},  # HRS's own records only
    M: {"housing"},  # MCAP's own record only
    ADMIN: set(), CHAIR: set(), SCHOOL: set(), FAMILY: set(), GUEST: set(),
}


async def planted_case(demo, sources: dict[str, str] = SOURCES) -> tuple[int, dict[str, str], int]:
    """The case with a canary per category, its release, and a case-review item on the next
    meeting of the cluster; returns the case id, category → canary, and that meeting's id."""
    team = demo.team("Perinatal Cluster")
    agencies = demo.agencies
    case_id = await make_case(team, agencies["MCHD"], "PC-C4NR")
    canaries = {category: f"canary{secrets.token_hex(6)}" for category in SOURCES}
    await add_identity(case_id, agencies["MCHD"], f"Client {canaries['identity']}", None, "")
    for category, source in sources.items():
        if category != "identity":
            await add_entry(case_id, agencies[source], category, title=f"About {canaries[category]}",
                            body=f"Details {canaries[category]}")
    await add_release(case_id, disclosing=[agencies["MCHD"], agencies["CPS"]],
                      receiving=[agencies["CPS"], agencies["MCHD"]], categories=sorted(RELEASED),
                      named={agencies["MCHD"]: [demo.people[COORDINATOR]]})
    meeting = await Meeting.select(Meeting.id).where(
        (Meeting.team == team) & (Meeting.live_status == "not_started") & (Meeting.status == "scheduled")
    ).order_by(Meeting.starts_at).first()
    item = await AgendaItem.select(AgendaItem.id).where(
        (AgendaItem.meeting == meeting["id"]) & (AgendaItem.kind == "case_review")).first()
    if item is not None:
        async with writing():
            await CaseReview.delete().where(CaseReview.agenda_item == item["id"])
            await CaseReview.insert(CaseReview(agenda_item=item["id"], case=case_id))
    return case_id, canaries, meeting["id"]


@pytest.mark.parametrize("email", list(EXPECTED))
async def test_every_account_finds_exactly_the_canaries_of_the_categories_it_may_see(app, demo, email):
    case_id, canaries, meeting_id = await planted_case(demo)
    team = demo.team("Perinatal Cluster")
    seeds = [f"/cases/{case_id}", f"/cases/{case_id}/print", f"/cases/{case_id}/export.csv",
             f"/teams/{team}/cases", f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/live",
             f"/meetings/{meeting_id}/packet", f"/meetings/{meeting_id}/screen"]
    async with await make_client(app) as person:
        await log_in(person, email)
        found = await crawl(person, seeds)
    seen = {category for category, canary in canaries.items() if found.containing(canary)}
    assert seen == EXPECTED[email], {c: found.containing(canaries[c])[:3] for c in seen ^ EXPECTED[email]}
    assert not [url for url, status in found.statuses.items() if status >= 500]


CSRF = re.compile(r'(name="_csrf_token" value=|"X-CSRF-Token": ?)"[^"]+"')


def comparable(body: str) -> str:
    """A response without what changes from one request to the next (CSRF tokens)."""
    return CSRF.sub("csrf", body)


async def test_m_sees_the_same_site_with_the_case_present_or_absent_but_its_reference_on_an_agenda(
        app, demo, clock_at):
    team = demo.team("Perinatal Cluster")
    # Both crawls start at the same instant, on a whole minute: pages that say "in 5 minutes" say
    # the same in both (each crawl takes seconds).
    start = clock.now().replace(second=0, microsecond=0)
    async with await make_client(app) as m:
        await log_in(m, M)
        clock_at(start)
        before = await crawl(m, [f"/teams/{team}/cases"])
        case_id, canaries, meeting_id = await planted_case(demo, {**SOURCES, "housing": "MCHD"})  # nothing of M's
        clock_at(start)
        after = await crawl(m, [f"/teams/{team}/cases", f"/cases/{case_id}", f"/meetings/{meeting_id}"])
    assert not any(after.containing(canary) for canary in canaries.values())
    assert after.statuses[f"/cases/{case_id}"] == 404
    changed = [url for url in before.bodies.keys() & after.bodies.keys()
               if comparable(before.bodies[url]) != comparable(after.bodies[url])
               and not url.startswith(f"/people/{demo.people[M]}/access")]  # M's own reading, which the crawl adds to
    for url in changed:  # only the agenda of the meeting with the case-review item may differ, by the reference
        assert url.startswith(f"/meetings/{meeting_id}"), url
        assert comparable(before.bodies[url]) == comparable(after.bodies[url]).replace("PC-C4NR", ""), url


async def demo_case_strings() -> list[str]:
    """Every client's name, and every entry's text long enough to be the case's and nothing else's
    ("Mental health" may be a title anywhere), in the demo county's cases."""
    rows = await CaseEntry.select(CaseEntry.title, CaseEntry.body, CaseEntry.client_name)
    texts = {value for row in rows for value in (row["title"], row["body"]) if len(value) >= 20}
    return sorted(texts | {row["client_name"] for row in rows if row["client_name"]})


async def test_a_cluster_member_with_no_release_finds_no_demo_case_entry_and_a_covered_one_does(app, demo):
    strings = await demo_case_strings()
    assert len(strings) > 20
    team = demo.team("Perinatal Cluster")
    reviewed = await CaseReview.select(CaseReview.agenda_item.meeting.as_alias("meeting"))
    seeds = [f"/teams/{team}/cases", *sorted({f"/meetings/{row['meeting']}" for row in reviewed})]
    # Every demo member of the cluster is covered for something: seat one whose agency (the school
    # district) no release names and who holds no record of any case.
    async with writing():
        await Membership.insert(Membership(team=team, person=demo.people[SCHOOL], agency=demo.agencies["MCS"],
                                           role="member", started_on=today(), created_at=clock.now()))
    async with await make_client(app) as uncovered, await make_client(app) as coordinator:
        await log_in(uncovered, SCHOOL)
        await log_in(coordinator, COORDINATOR)
        nothing = await crawl(uncovered, seeds)
        covered = await crawl(coordinator, seeds)
    assert len(nothing.bodies) > 60 and len(reviewed) > 5  # it did walk the site, and its case reviews
    assert not {s: nothing.containing(s)[:2] for s in strings if nothing.containing(s)}
    assert len([s for s in strings if covered.containing(s)]) > len(strings) // 3
