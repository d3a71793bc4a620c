"""The demo's cases give each demo account the picture README.md ("Cases and consent in the
demo") describes: every claim there is checked here through disclose(), the one read of case
entries, at the instant the tests run."""

from __future__ import annotations

from datetime import timedelta

from server import clock
from server.cases import ledger
from server.cases.tables import (
    Case,
    CaseEntry,
    CaseReview,
    Disclosure,
    Release,
    ReleaseParty,
    Revocation,
)
from server.demo import TIME_ZONE
from tests.cases_helpers import case_id, categories, shown
from tests.conftest import ADMIN, CHAIR, COORDINATOR, FAMILY, GUEST, SCHOOL, TREATMENT

NURSE = "grace.whitman@maple.example"  # the coordinator's colleague (and alternate) at the Health Department
HOUSING = "derek.shaw@maple.example"
CLUSTER, CFT = "Perinatal Cluster", "CFT"
EVERY_CATEGORY_OF_A = {"identity", "coordination", "medical", "sud", "sud_counseling_notes", "child_welfare",
                       "mental_health", "housing"}


async def test_the_demo_has_four_cluster_cases_and_one_family_case_with_opaque_references(demo):
    cases = await Case.select(Case.reference, Case.team, Case.lead_agency)
    by_reference = {c["reference"]: c for c in cases}
    assert set(by_reference) == {"PC-7F3K", "PC-M4QD", "PC-Q9HX", "PC-2WBN", "CF-8KPR"}
    assert {by_reference[r]["team"] for r in ("PC-7F3K", "PC-M4QD", "PC-Q9HX", "PC-2WBN")} == {demo.team(CLUSTER)}
    assert by_reference["CF-8KPR"]["team"] == demo.team(CFT)
    leads = {r: c["lead_agency"] for r, c in by_reference.items()}
    assert leads == {"PC-7F3K": demo.agencies["MCHD"], "PC-M4QD": demo.agencies["CPS"], "PC-Q9HX": demo.agencies["MMC"],
                     "PC-2WBN": demo.agencies["HRS"], "CF-8KPR": demo.agencies["FCFC"]}
    entries = await CaseEntry.select(CaseEntry.category, CaseEntry.source_agency)
    assert {e["category"] for e in entries} == {
        "identity", "coordination", "sud", "sud_counseling_notes", "mental_health", "medical", "child_welfare",
        "education", "housing"}  # court records aside: no court sits on a case-review team
    assert len({e["source_agency"] for e in entries}) >= 9


async def test_the_releases_are_signed_complete_and_one_of_each_kind_the_issue_asks_for(demo):
    releases = await Release.select()
    assert all(r["signed_at"] is not None and r["states_right_to_revoke"] and r["states_no_conditioning"]
               and r["states_redisclosure"] and r["identity_check"] for r in releases)
    today = clock.today_in(TIME_ZONE)
    in_force = [r for r in releases if r["superseded_at"] is None]
    assert any(r["categories"] == "housing" for r in in_force)
    assert any(r["expires_on"] is not None and today <= r["expires_on"] <= today + timedelta(days=7) for r in in_force)
    notes_only = [r for r in releases if "sud_counseling_notes" in r["categories"].split(",")]
    assert notes_only and all(r["categories"] == "sud_counseling_notes" for r in notes_only)
    revoked = await Revocation.select()
    assert len(revoked) == 1 and revoked[0]["agency"] == demo.agencies["FSA"]
    assert [r["version"] for r in releases if r["supersedes"]] == [2]
    named = await ReleaseParty.select().where(ReleaseParty.person.is_not_null())
    assert [p["person"] for p in named] == [demo.people[COORDINATOR]]


async def test_case_review_items_name_cases_only_through_case_reviews(demo):
    links = await CaseReview.select(CaseReview.case.reference, CaseReview.agenda_item.title,
                                    CaseReview.agenda_item.meeting.team)
    assert {link["case.reference"] for link in links} == {"PC-7F3K", "PC-M4QD", "PC-Q9HX", "PC-2WBN", "CF-8KPR"}
    assert {link["agenda_item.title"] for link in links} == {"Case review"}
    upcoming = await CaseReview.count().where(CaseReview.agenda_item.meeting.starts_at > clock.now())
    assert upcoming >= 2  # the next meetings' agendas have their cases
    reviewed = await CaseReview.select(CaseReview.case, CaseReview.agenda_item.meeting)
    pairs = [(r["agenda_item.meeting"], r["case"]) for r in reviewed]
    assert len(set(pairs)) == len(pairs)  # no meeting reviews one case twice


async def test_the_demo_ledger_holds_the_past_reviews_and_verifies(demo):
    verdict = await ledger.verify()
    assert verdict.ok and verdict.rows == await Disclosure.count() > 50
    # The family partner saw PC-M4QD under its release until it was revoked for her agency.
    revoked_at = (await Revocation.select(Revocation.effective_at).first())["effective_at"]
    hers = await Disclosure.select(Disclosure.at).where(
        (Disclosure.viewer == demo.people[FAMILY]) & (Disclosure.case == await case_id("PC-M4QD")))
    assert hers and all(row["at"] < revoked_at for row in hers)
    # PC-7F3K's disclosures name both versions of its general release.
    versions = await Disclosure.select(Disclosure.release_version).where(
        (Disclosure.case == await case_id("PC-7F3K")) & (Disclosure.basis == "release")).distinct()
    assert {row["release_version"] for row in versions} == {1, 2}


# README: what each demo account sees.


async def test_the_coordinator_sees_all_of_pc_7f3k_part_2_and_counseling_notes_included(demo):
    cases = await shown(COORDINATOR, demo.team(CLUSTER))
    assert categories(cases["PC-7F3K"]) == EVERY_CATEGORY_OF_A and not cases["PC-7F3K"].withheld
    assert {e["basis"] for e in cases["PC-7F3K"].entries} == {"own", "release"}
    assert "part2" in cases["PC-7F3K"].notices


async def test_the_coordinator_sees_pc_m4qd_but_its_housing_entry(demo):
    cases = await shown(COORDINATOR, demo.team(CLUSTER))
    assert categories(cases["PC-M4QD"]) == {"identity", "coordination", "child_welfare", "medical"}
    assert cases["PC-M4QD"].withheld


async def test_the_coordinator_and_the_family_partner_see_only_housing_of_pc_q9hx(demo):
    for email in (COORDINATOR, FAMILY):
        case = (await shown(email, demo.team(CLUSTER)))["PC-Q9HX"]
        assert categories(case) == {"housing"} and case.withheld and case.client_name is None, email


async def test_the_coordinator_sees_pc_2wbn_until_its_release_expires_within_the_week(demo, clock_at):
    case = (await shown(COORDINATOR, demo.team(CLUSTER)))["PC-2WBN"]
    assert categories(case) == {"identity", "sud", "coordination", "medical"} and case.withheld
    clock_at(clock.now() + timedelta(days=7))
    later = (await shown(COORDINATOR, demo.team(CLUSTER)))["PC-2WBN"]
    assert later.entries == [] and later.may_manage  # still hers to manage, nothing of it to see


async def test_the_coordinator_manages_every_cluster_case_and_is_not_on_the_family_team(demo):
    cases = await shown(COORDINATOR, demo.team(CLUSTER))
    assert set(cases) == {"PC-7F3K", "PC-M4QD", "PC-Q9HX", "PC-2WBN"} and all(c.may_manage for c in cases.values())
    assert await shown(COORDINATOR, demo.team(CFT)) == {}


async def test_a_colleague_of_the_coordinator_does_not_see_the_counseling_notes_released_to_her_alone(demo):
    case = (await shown(NURSE, demo.team(CLUSTER)))["PC-7F3K"]
    assert categories(case) == EVERY_CATEGORY_OF_A - {"sud_counseling_notes"} and case.withheld


async def test_the_treatment_provider_sees_its_own_part_2_records_of_pc_7f3k_as_its_own(demo):
    cases = await shown(TREATMENT, demo.team(CLUSTER))
    a = cases["PC-7F3K"]
    assert categories(a) == {"sud", "sud_counseling_notes"} and {e["basis"] for e in a.entries} == {"own"}
    assert a.withheld and not a.may_manage


async def test_the_treatment_provider_leads_pc_2wbn_and_sees_its_own_entries_only(demo):
    cases = await shown(TREATMENT, demo.team(CLUSTER))
    d = cases["PC-2WBN"]
    assert d.may_manage and categories(d) == {"identity", "sud", "coordination"} and d.withheld
    assert {e["basis"] for e in d.entries} == {"own"}
    assert set(cases) == {"PC-7F3K", "PC-2WBN"}  # PC-M4QD and PC-Q9HX: nothing, as if they did not exist
    assert await shown(TREATMENT, demo.team(CFT)) == {}


async def test_the_family_partner_lost_pc_m4qd_when_its_release_was_revoked_for_her_agency(demo):
    cases = await shown(FAMILY, demo.team(CLUSTER))
    assert set(cases) == {"PC-Q9HX"}
    # The release stays in force for the other recipients.
    assert categories((await shown(COORDINATOR, demo.team(CLUSTER)))["PC-M4QD"]) >= {"identity", "child_welfare"}
    assert "identity" in categories((await shown("olivia.grant@maple.example", demo.team(CLUSTER)))["PC-M4QD"])


async def test_the_family_partner_sees_the_family_case_with_its_school_record_but_not_child_welfare(demo):
    case = (await shown(FAMILY, demo.team(CFT)))["CF-8KPR"]
    assert categories(case) == {"identity", "coordination", "education", "mental_health"} and case.withheld
    assert case.notices == ["ferpa"] and case.client_name == "Jayden Mercer"


async def test_the_housing_navigator_sees_housing_of_pc_q9hx_as_his_agencys_own(demo):
    case = (await shown(HOUSING, demo.team(CLUSTER)))["PC-Q9HX"]
    assert categories(case) == {"housing"} and {e["basis"] for e in case.entries} == {"own"}


async def test_accounts_on_no_case_review_team_see_no_case(demo):
    for email in (SCHOOL, CHAIR, ADMIN, GUEST):
        for fragment in (CLUSTER, CFT):
            assert await shown(email, demo.team(fragment)) == {}, (email, fragment)
