"""Cases on the Perinatal Cluster: the list and its search, opening a case, the case page, adding
entries (files among them), the print view and the CSV export. A member sees exactly what their
agency records and what a release covers for them; anyone else gets what a missing case gets
(404, no trace in the list or search); every view is in the ledger, and the chain verifies."""

from __future__ import annotations

import csv
import io
import re
from contextlib import AsyncExitStack
from datetime import date, timedelta

import pytest

from server import clock
from server.cases import ledger
from server.cases.policy import FERPA_NOTICE, PART2_NOTICE
from server.cases.service import STORAGE
from server.cases.tables import Case, CaseEntry, Disclosure, Release, ReleaseParty, Revocation
from server.config import settings
from server.teams.tables import Membership
from tests.attachment_samples import HTML, PDF
from tests.cases_helpers import (
    add_entry,
    add_identity,
    add_release,
    ledger_after,
    ledger_head,
    make_case,
    revoke,
    today,
)
from tests.conftest import (
    COORDINATOR,
    GUEST,
    SCHOOL,
    TREATMENT,
    log_in,
    make_client,
    page_text,
    post_form,
)

CLUSTER = "Perinatal Cluster"
CPS = "tamara.nguyen@maple.example"  # Children Services, on the cluster
HMG = "olivia.grant@maple.example"  # Help Me Grow, on the cluster
UNCOVERED = "lena.fischer@maple.example"  # the health center, on the cluster, named by no release
CPS_COLLEAGUE = "kevin.oconnell@maple.example"  # Children Services, not on the cluster
NAME = "Marisol Canary-Quintero"
BORN = "1998-04-17"
SUMMARY = "Canary summary: due in June, referred by the OB clinic."
SUD = "Canary SUD: on buprenorphine since March."
HOUSING = "Canary housing: on the waiting list for family housing."
SCHOOL_RECORD = "Canary school: IEP for the older child."
REFERENCE = "PC-7T3K"
LIMIT = settings.max_upload_bytes


class Story:
    """One client's case on the cluster, led by the Health Department: identity and a summary
    from the Health Department, a Part 2 entry from Harbor Recovery, a housing entry from the
    housing agency and a school record. One release lets Children Services see identity,
    coordination, Part 2 and education records; another lets Help Me Grow see housing only."""

    def __init__(self, demo):
        self.demo = demo
        self.team = demo.team(CLUSTER)
        self.agency = demo.agencies

    async def build(self) -> Story:
        a = self.agency
        self.case = await make_case(self.team, a["MCHD"], REFERENCE)
        self.identity = await add_identity(self.case, a["MCHD"], NAME, born=date(1998, 4, 17),
                                           contact="555-010-2040")
        self.summary = await add_entry(self.case, a["MCHD"], "coordination", kind="summary", body=SUMMARY)
        self.sud = await add_entry(self.case, a["HRS"], "sud", kind="service", title="Treatment", body=SUD)
        self.housing = await add_entry(self.case, a["MCAP"], "housing", kind="need", body=HOUSING)
        self.school = await add_entry(self.case, a["MCS"], "education", kind="note", body=SCHOOL_RECORD)
        self.release = await add_release(self.case, disclosing=[a["MCHD"], a["HRS"], a["MCS"]], receiving=[a["CPS"]],
                                         categories=["identity", "coordination", "sud", "education"])
        self.housing_release = await add_release(self.case, disclosing=[a["MCAP"]], receiving=[a["HMG"]],
                                                 categories=["housing"])
        return self


@pytest.fixture
async def story(demo) -> Story:
    return await Story(demo).build()


@pytest.fixture
async def as_person(app):
    """`await as_person(email)`: another browser, logged in as that person (client, CSRF token)."""
    async with AsyncExitStack() as stack:
        async def logged_in(email: str):
            member = await stack.enter_async_context(await make_client(app))
            return member, await log_in(member, email)
        yield logged_in


async def remove_case(case_id: int) -> None:
    """The case gone entirely, as if it had never been: for comparing pages with and without it."""
    releases = [row["id"] for row in await Release.select(Release.id).where(Release.case == case_id)] or [0]
    await Revocation.delete().where(Revocation.release.is_in(releases))
    await ReleaseParty.delete().where(ReleaseParty.release.is_in(releases))
    await Release.delete().where(Release.case == case_id)
    await CaseEntry.delete().where(CaseEntry.case == case_id)
    await Case.delete().where(Case.id == case_id)


CANARIES = (NAME, "Canary", "1998", "555-010-2040", REFERENCE)


# Who sees what.


async def test_a_covered_member_sees_exactly_the_categories_the_release_covers(as_person, story):
    cps, _ = await as_person(CPS)
    page = await cps.get(f"/cases/{story.case}")
    assert page.status_code == 200
    text = page_text(page.text)
    assert NAME in text and SUMMARY in text and SUD in text and SCHOOL_RECORD in text
    assert HOUSING not in page.text  # housing is not covered for Children Services
    assert "Details withheld" in text
    assert re.search(r"<h1>.*PC-7T3K.*Marisol Canary-Quintero.*</h1>", page.text, re.S)
    assert "Maple County Health Department" in text  # the lead agency, and each entry's source
    assert "Harbor Recovery Services" in text and "Substance use disorder (42 CFR Part 2)" in text


async def test_a_member_covered_for_housing_only_sees_housing_and_nothing_else(as_person, story):
    hmg, _ = await as_person(HMG)
    page = await hmg.get(f"/cases/{story.case}")
    assert page.status_code == 200
    assert HOUSING in page.text
    for secret in (NAME, SUMMARY, SUD, SCHOOL_RECORD, "555-010-2040", PART2_NOTICE[:40], FERPA_NOTICE[:40]):
        assert secret not in page.text
    assert "Details withheld" in page_text(page.text)
    listing = await hmg.get(f"/teams/{story.team}/cases")
    assert REFERENCE in listing.text and NAME not in listing.text and "Details withheld" in listing.text
    for query in ("Marisol", "Canary-Quintero", BORN, "4/17/1998"):  # outside what Help Me Grow may see
        found = await hmg.get(f"/teams/{story.team}/cases", params={"q": query})
        assert REFERENCE not in found.text and "No case you may see matches." in found.text
    found = await hmg.get(f"/teams/{story.team}/cases", params={"q": "pc-7t3k"})
    assert REFERENCE in found.text and NAME not in found.text


async def test_own_agency_entries_are_always_visible_without_a_release(as_person, story):
    treatment, _ = await as_person(TREATMENT)  # Harbor Recovery: a discloser, no recipient
    page = await treatment.get(f"/cases/{story.case}")
    assert page.status_code == 200
    assert SUD in page.text and PART2_NOTICE in page.text
    for secret in (NAME, SUMMARY, HOUSING, SCHOOL_RECORD):
        assert secret not in page.text
    assert "Details withheld" in page_text(page.text)
    assert "<h1><span class=\"case-reference\">PC-7T3K</span></h1>" in page.text


async def test_an_uncovered_member_gets_404_on_the_case_its_file_print_and_export(as_person, story):
    file_entry = await add_entry(story.case, story.agency["MCHD"], "coordination", kind="attachment",
                                 file_name="plan.pdf", media_type="application/pdf", size=len(PDF),
                                 storage_key="ab/" + "ab" * 32)
    uncovered, _ = await as_person(UNCOVERED)
    missing = await uncovered.get("/cases/999999")
    for path in (f"/cases/{story.case}", f"/cases/{story.case}/print", f"/cases/{story.case}/export.csv",
                 f"/cases/{story.case}/entries/{file_entry}/file", f"/cases/999999/entries/{file_entry}/file"):
        response = await uncovered.get(path)
        assert response.status_code == 404, path
        assert response.text == missing.text, path  # exactly what a missing case gets
        assert not any(canary in response.text for canary in CANARIES)
    fragment = await uncovered.get(f"/cases/{story.case}", headers={"HX-Request": "true"})
    assert fragment.status_code == 404 and not any(canary in fragment.text for canary in CANARIES)


async def test_an_uncovered_member_finds_no_trace_of_the_case_in_the_list_or_search(as_person, demo, story):
    own = await make_case(story.team, story.agency["MVCHC"], "PC-2222")  # the health center's own case
    await add_identity(own, story.agency["MVCHC"], "Hope Example")
    uncovered, _ = await as_person(UNCOVERED)
    queries = ("", "Marisol", "Canary", BORN, "4/17/1998", REFERENCE, "7T3K", "Hope")

    async def pages() -> list[str]:
        return [(await uncovered.get(f"/teams/{story.team}/cases", params={"q": q} if q else None)).text
                + (await uncovered.get(f"/teams/{story.team}/cases", params={"q": q},
                                       headers={"HX-Request": "true"})).text for q in queries]

    with_case = await pages()
    assert "Hope Example" in with_case[0] and "PC-2222" in with_case[0]  # the list is not simply empty
    await remove_case(story.case)
    assert await pages() == with_case


async def test_a_non_member_a_guest_and_a_team_that_reviews_no_cases_get_404(as_person, demo, story):
    await Membership.insert(Membership(team=story.team, person=demo.people[GUEST], agency=demo.agencies["JC"],
                                       role="guest", started_on=today() - timedelta(days=3),
                                       created_at=clock.now()))
    for email in (SCHOOL, GUEST, CPS_COLLEAGUE):
        outsider, _ = await as_person(email)
        for path in (f"/teams/{story.team}/cases", f"/teams/{story.team}/cases/new", f"/cases/{story.case}",
                     f"/cases/{story.case}/print", f"/cases/{story.case}/export.csv"):
            assert (await outsider.get(path)).status_code == 404, (email, path)
    coordinator, _ = await as_person(COORDINATOR)  # a member of the Leadership Group too
    assert (await coordinator.get(f"/teams/{demo.team('Leadership')}/cases")).status_code == 404
    assert (await coordinator.get(f"/teams/{story.team}/cases")).status_code == 200


async def test_the_part2_and_ferpa_notices_come_with_those_entries_on_the_page_print_and_export(as_person, story):
    cps, _ = await as_person(CPS)
    page = await cps.get(f"/cases/{story.case}")
    assert page.text.count(PART2_NOTICE) == 1 and page.text.count(FERPA_NOTICE) == 1
    # each notice follows its own section's entries
    assert page.text.index(SUD) < page.text.index(PART2_NOTICE) < page.text.index(SCHOOL_RECORD) \
        < page.text.index(FERPA_NOTICE)
    printed = await cps.get(f"/cases/{story.case}/print")
    assert printed.status_code == 200 and PART2_NOTICE in printed.text and FERPA_NOTICE in printed.text
    assert SUD in printed.text and HOUSING not in printed.text and "Details withheld" in printed.text
    export = await cps.get(f"/cases/{story.case}/export.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    by_details = {row[5]: row for row in rows[1:]}
    assert by_details[SUD][-1] == PART2_NOTICE and by_details[SCHOOL_RECORD][-1] == FERPA_NOTICE
    assert by_details[SUMMARY][-1] == ""
    assert HOUSING not in export.text and rows[-1][4] == "Details withheld"
    hmg, _ = await as_person(HMG)
    assert PART2_NOTICE not in (await hmg.get(f"/cases/{story.case}/print")).text


async def test_case_answers_are_never_cached_and_stay_out_of_htmx_history(as_person, story):
    cps, _ = await as_person(CPS)
    for path in (f"/cases/{story.case}", f"/cases/{story.case}/print", f"/cases/{story.case}/export.csv",
                 f"/teams/{story.team}/cases"):
        response = await cps.get(path)
        assert response.status_code == 200 and response.headers["cache-control"] == "no-store", path
    for path in (f"/cases/{story.case}", f"/cases/{story.case}/print"):
        response = await cps.get(path)
        assert 'hx-history="false"' in response.text
        assert "HX-Request" in response.headers["vary"]
    fragment = await cps.get(f"/teams/{story.team}/cases", params={"q": "Marisol"}, headers={"HX-Request": "true"})
    assert fragment.headers["cache-control"] == "no-store" and "HX-Request" in fragment.headers["vary"]
    assert NAME in fragment.text and "<html" not in fragment.text
    export = await cps.get(f"/cases/{story.case}/export.csv")
    assert export.headers["content-disposition"].startswith("attachment;")
    assert export.headers["x-content-type-options"] == "nosniff"


async def test_an_export_cell_that_would_run_as_a_formula_is_kept_as_text(as_person, story):
    await add_entry(story.case, story.agency["MCHD"], "coordination", kind="note", title="=HYPERLINK(\"x\")",
                    body="+1 555 010 2040\n@SUM(A1)")
    coordinator, _ = await as_person(COORDINATOR)
    export = await coordinator.get(f"/cases/{story.case}/export.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    row = next(row for row in rows if "HYPERLINK" in row[4])
    assert row[4] == "'=HYPERLINK(\"x\")" and row[5].startswith("'+1 555")


# Search.


async def test_a_covered_member_finds_the_case_by_name_date_of_birth_and_reference(as_person, story):
    cps, _ = await as_person(CPS)
    for query in ("marisol", "Quintero Marisol", "MARÍSOL", BORN, "4/17/1998", "7t3k", "PC-7T3K"):
        found = await cps.get(f"/teams/{story.team}/cases", params={"q": query})
        assert REFERENCE in found.text and NAME in found.text, query
    nothing = await cps.get(f"/teams/{story.team}/cases", params={"q": "Nobody Else"})
    assert REFERENCE not in nothing.text and "No case you may see matches." in nothing.text


# Opening a case.


async def test_a_member_opens_a_case_for_their_own_agency_with_the_clients_identity(as_person, demo):
    team = demo.team(CLUSTER)
    cps, token = await as_person(CPS)
    form = await cps.get(f"/teams/{team}/cases/new")
    assert form.status_code == 200 and "Maple County Children Services" in form.text
    response = await post_form(cps, f"/teams/{team}/cases/new", {
        "client_name": "Ana  Ejemplo", "date_of_birth": "2001-02-03", "contact": "Call the clinic first.",
        "lead_agency_id": str(demo.agencies["MMC"]),  # a member cannot choose: their own agency leads
    }, token)
    assert response.status_code == 303
    case = await Case.select().order_by(Case.id, ascending=False).first()
    assert response.headers["location"] == f"/cases/{case['id']}"
    assert re.fullmatch(r"PC-[2-9A-HJKMNP-TV-Z]{4}", case["reference"])
    assert (case["team"], case["lead_agency"], case["status"], case["created_by"]) == (
        team, demo.agencies["CPS"], "open", demo.people[CPS])
    identity = await CaseEntry.select().where(CaseEntry.case == case["id"]).first()
    assert (identity["kind"], identity["category"], identity["source_agency"], identity["client_name"],
            identity["date_of_birth"].isoformat(), identity["body"]) == (
        "identity", "identity", demo.agencies["CPS"], "Ana Ejemplo", "2001-02-03", "Call the clinic first.")
    page = await cps.get(f"/cases/{case['id']}")
    assert "Ana Ejemplo" in page.text and "The case is opened." in page.text


async def test_a_coordinator_may_choose_the_lead_agency_and_the_form_explains_what_is_wrong(as_person, demo):
    team = demo.team(CLUSTER)
    coordinator, token = await as_person(COORDINATOR)
    cases = await Case.count()
    response = await post_form(coordinator, f"/teams/{team}/cases/new", {
        "client_name": "", "date_of_birth": (today() + timedelta(days=10)).isoformat(), "lead_agency_id": str(demo.agencies["MCS"])}, token)
    assert response.status_code == 422
    text = page_text(response.text)
    assert "Enter the client's name." in text and "A date of birth cannot be in the future." in text
    assert "Choose the lead agency: one of the agencies on the team." in text  # the school sits elsewhere
    assert await Case.count() == cases
    response = await post_form(coordinator, f"/teams/{team}/cases/new", {
        "client_name": "Bea Example", "lead_agency_id": str(demo.agencies["HRS"])}, token)
    assert response.status_code == 303
    case = await Case.select().order_by(Case.id, ascending=False).first()
    assert case["lead_agency"] == demo.agencies["HRS"]
    identity = await CaseEntry.select(CaseEntry.source_agency).where(CaseEntry.case == case["id"]).first()
    assert identity["source_agency"] == demo.agencies["MCHD"]  # the coordinator's own record


async def test_a_case_gets_a_free_reference_when_the_first_one_drawn_is_taken(as_person, demo, monkeypatch):
    from server.cases import policy

    team = demo.team(CLUSTER)
    await make_case(team, demo.agencies["MCHD"], "PC-2345")
    drawn = iter(["PC-2345"] * 8 + ["PC-6789"] * 8)
    monkeypatch.setattr(policy, "new_reference", lambda kind: next(drawn))
    cps, token = await as_person(CPS)
    response = await post_form(cps, f"/teams/{team}/cases/new", {"client_name": "Cy Example"}, token)
    assert response.status_code == 303
    assert await Case.count().where(Case.reference == "PC-6789") == 1


# Adding entries.


async def test_a_member_adds_entries_as_their_agency_and_the_form_refuses_what_makes_no_sense(as_person, story):
    cps, token = await as_person(CPS)
    path = f"/cases/{story.case}/entries"
    response = await post_form(cps, path, {"kind": "need", "category": "child_welfare",
                                           "body": "Safety plan reviewed with the family."}, token)
    assert response.status_code == 303 and response.headers["location"].startswith(f"/cases/{story.case}#entry-")
    entry = await CaseEntry.select().order_by(CaseEntry.id, ascending=False).first()
    assert (entry["kind"], entry["category"], entry["source_agency"], entry["recorded_by"]) == (
        "need", "child_welfare", story.agency["CPS"], story.demo.people[CPS])
    response = await post_form(cps, path, {"kind": "action", "category": "coordination", "title": "Home visit",
                                           "due_on": (today() + timedelta(days=7)).isoformat(), "status": "open",
                                           "owner_agency_id": str(story.agency["HMG"])}, token)
    assert response.status_code == 303
    action = await CaseEntry.select().order_by(CaseEntry.id, ascending=False).first()
    assert (action["kind"], action["title"], action["status"], action["owner_agency"]) == (
        "action", "Home visit", "open", story.agency["HMG"])
    before = await CaseEntry.count()
    for form, message in (
        ({"kind": "note", "category": "identity", "body": "x"}, "Identity is only for the client's name"),
        ({"kind": "identity", "category": "coordination", "body": "x"}, "Choose what kind of entry this is."),
        ({"kind": "note", "category": "secrets", "body": "x"}, "Choose the kind of information this is."),
        ({"kind": "note", "category": "coordination"}, "Write what this entry records."),
        ({"kind": "action", "category": "coordination", "owner_agency_id": str(story.agency["MCS"])},
         "Choose one of the agencies on the team."),
    ):
        response = await post_form(cps, path, form, token)
        assert response.status_code == 422 and message in page_text(response.text), form
        fragment = await post_form(cps, path, form, token, headers={"HX-Request": "true"})
        assert fragment.status_code == 422 and message in page_text(fragment.text)
        assert NAME not in fragment.text and SUD not in fragment.text  # the form alone
    assert await CaseEntry.count() == before
    page = await cps.get(f"/cases/{story.case}")
    assert "Safety plan reviewed with the family." in page.text and "Home visit" in page.text


async def test_an_uncovered_member_cannot_add_to_a_case_they_may_not_see(as_person, story):
    uncovered, token = await as_person(UNCOVERED)
    before = await CaseEntry.count()
    response = await post_form(uncovered, f"/cases/{story.case}/entries",
                               {"kind": "note", "category": "medical", "body": "Guessing"}, token)
    assert response.status_code == 404 and await CaseEntry.count() == before


async def upload(member, token, case_id: int, name: str, content: bytes, **fields):
    return await member.post(f"/cases/{case_id}/entries", data={
        "kind": "attachment", "category": "medical", "title": "", "_csrf_token": token, **fields,
    }, files={"file": (name, content, "application/octet-stream")})


async def test_a_file_entry_is_stored_by_content_and_downloaded_only_through_the_decision(as_person, story):
    coordinator, token = await as_person(COORDINATOR)  # Health Department
    response = await upload(coordinator, token, story.case, "Discharge plan.pdf", PDF,
                            title="Discharge plan", category="coordination")
    assert response.status_code == 303, response.text[:500]
    entry = await CaseEntry.select().order_by(CaseEntry.id, ascending=False).first()
    assert (entry["kind"], entry["file_name"], entry["media_type"], entry["size"]) == (
        "attachment", "Discharge plan.pdf", "application/pdf", len(PDF))
    assert STORAGE.path(entry["storage_key"]).read_bytes() == PDF
    assert not STORAGE.path(entry["storage_key"]).is_relative_to(settings.files_dir.parent / "static")
    cps, _ = await as_person(CPS)  # coordination is covered for Children Services
    page = await cps.get(f"/cases/{story.case}")
    assert f"/cases/{story.case}/entries/{entry['id']}/file" in page.text
    download = await cps.get(f"/cases/{story.case}/entries/{entry['id']}/file")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["cache-control"] == "no-store"
    assert download.headers["x-content-type-options"] == "nosniff"
    hmg, _ = await as_person(HMG)  # housing only
    assert (await hmg.get(f"/cases/{story.case}/entries/{entry['id']}/file")).status_code == 404
    assert (await cps.get(f"/cases/{story.case}/entries/{story.summary}/file")).status_code == 404  # no file


def stored() -> tuple[set[str], list]:
    return STORAGE.keys(), STORAGE.incoming_files()


async def test_a_file_entry_of_a_refused_type_or_too_large_writes_nothing(as_person, story):
    coordinator, token = await as_person(COORDINATOR)
    before, entries = stored(), await CaseEntry.count()
    response = await upload(coordinator, token, story.case, "Plan.pdf", HTML)
    assert response.status_code == 422 and "Web pages, SVG images and scripts cannot be attached" in response.text
    response = await upload(coordinator, token, story.case, "Plan.docx", PDF)
    assert response.status_code == 422 and "but its content is that of a .pdf file" in response.text
    response = await upload(coordinator, token, story.case, "Scan.pdf", PDF + b"\x00" * (LIMIT + 1 - len(PDF)))
    assert response.status_code == 422 and "larger than 20 MB" in response.text
    response = await upload(coordinator, token, story.case, "Scan.pdf", PDF + b"\x00" * (LIMIT + 2 * 1024 * 1024))
    assert response.status_code == 413 and "larger than 20 MB" in response.text
    response = await coordinator.post(f"/cases/{story.case}/entries", data={
        "kind": "attachment", "category": "medical", "_csrf_token": token})
    assert response.status_code == 422 and "Choose a file to upload." in response.text
    assert stored() == before and await CaseEntry.count() == entries


# The ledger.


async def test_every_view_is_in_the_ledger_with_its_ground_and_surface_and_the_chain_verifies(as_person, story):
    cps, _ = await as_person(CPS)
    treatment, _ = await as_person(TREATMENT)
    head = await ledger_head()
    await cps.get(f"/cases/{story.case}")
    await cps.get(f"/cases/{story.case}/print")
    await cps.get(f"/cases/{story.case}/export.csv")
    await cps.get(f"/teams/{story.team}/cases")
    await treatment.get(f"/cases/{story.case}")
    rows = [row for row in await ledger_after(head) if row["case"] == story.case]  # the demo's cases are listed too
    cps_rows = [row for row in rows if row["viewer"] == story.demo.people[CPS]]
    assert [(row["surface"], row["basis"], row["release"]) for row in cps_rows] == [
        ("page", "release", story.release), ("print", "release", story.release),
        ("export", "release", story.release), ("list", "release", story.release)]
    page_row = cps_rows[0]
    assert page_row["entries"] == ",".join(str(e) for e in sorted(
        [story.identity, story.summary, story.sud, story.school]))
    assert page_row["categories"] == "coordination,education,identity,sud"
    assert (page_row["notice"], page_row["release_version"], page_row["viewer_agency"]) == (
        "part2,ferpa", 1, story.agency["CPS"])
    assert cps_rows[3]["entries"] == str(story.identity)  # the list shows the name only
    own = [row for row in rows if row["viewer"] == story.demo.people[TREATMENT]]
    assert [(row["surface"], row["basis"], row["release"], row["entries"]) for row in own] == [
        ("page", "own", None, str(story.sud))]
    assert (await ledger.verify()).ok


async def test_a_search_records_only_the_cases_it_shows(as_person, story):
    other = await make_case(story.team, story.agency["MCHD"], "PC-3333")
    other_identity = await add_identity(other, story.agency["MCHD"], "Someone Else")
    coordinator, _ = await as_person(COORDINATOR)
    head = await ledger_head()
    await coordinator.get(f"/teams/{story.team}/cases", params={"q": "Marisol"})
    rows = await ledger_after(head, Disclosure.case, Disclosure.entries, Disclosure.surface)
    assert rows == [{"case": story.case, "entries": str(story.identity), "surface": "list"}]
    assert str(other_identity) not in {row["entries"] for row in rows}


async def test_a_download_is_in_the_ledger_and_a_revocation_ends_access_on_the_next_request(as_person, story):
    file_entry = await add_entry(story.case, story.agency["MCHD"], "coordination", kind="attachment",
                                 file_name="plan.pdf", media_type="application/pdf", size=len(PDF),
                                 storage_key=STORAGE.place(STORAGE.receive(io.BytesIO(PDF), LIMIT)))
    cps, _ = await as_person(CPS)
    assert (await cps.get(f"/cases/{story.case}/entries/{file_entry}/file")).status_code == 200
    row = await Disclosure.select().order_by(Disclosure.id, ascending=False).first()
    assert (row["surface"], row["entries"], row["basis"], row["release"]) == (
        "download", str(file_entry), "release", story.release)
    await revoke(story.release, story.agency["CPS"])
    for path in (f"/cases/{story.case}", f"/cases/{story.case}/entries/{file_entry}/file",
                 f"/cases/{story.case}/print", f"/cases/{story.case}/export.csv"):
        assert (await cps.get(path)).status_code == 404, path
    listing = await cps.get(f"/teams/{story.team}/cases")
    assert REFERENCE not in listing.text
    assert (await ledger.verify()).ok


# The team page.


async def test_the_team_page_links_to_cases_only_on_a_case_review_team(as_person, demo):
    coordinator, _ = await as_person(COORDINATOR)
    cluster = await coordinator.get(f"/teams/{demo.team(CLUSTER)}")
    assert f'href="/teams/{demo.team(CLUSTER)}/cases"' in cluster.text
    leadership = await coordinator.get(f"/teams/{demo.team('Leadership')}")
    assert "/cases" not in leadership.text
