"""What the disclosure ledger gives back through the app: a case's list of disclosures (42 CFR
2.24), on screen and printable, for those who manage the case; and a person's access report, for
the site admin and the person themselves."""

from __future__ import annotations

import re
from datetime import timedelta

from server import clock
from server.cases.tables import Disclosure, Emergency
from tests.cases_helpers import case_id, new_case, shown, viewer
from tests.conftest import ADMIN, CHAIR, COORDINATOR, FAMILY, SCHOOL, TREATMENT, log_in, page_text

CLUSTER = "Perinatal Cluster"
NURSE = "grace.whitman@maple.example"  # Health Department, like the coordinator
OB = "nadia.haddad@maple.example"  # Maple Memorial (a hospital: medical)
CPS = "tamara.nguyen@maple.example"
CHC = "lena.fischer@maple.example"  # the health center (medical)
SECRETS = ("Zephyrine Quillfeather", "Waitlisted for unit 4B at Canal Court", "Buprenorphine 16 mg daily")


def table_rows(html: str) -> list[str]:
    """The text of each row of the page's table body."""
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in html else ""
    return [page_text(row) for row in re.findall(r'<tr role="row">(.*?)</tr>', body, re.S)]


async def a_case(demo) -> tuple[int, list[int]]:
    """Led by the Health Department: its identity entry, the housing agency's and the treatment
    provider's. A release of identity and housing to the family partners' agency and the hospital;
    a Part 2 consent of the treatment record to the hospital alone."""
    a = demo.agencies
    return await new_case(demo.team(CLUSTER), a["MCHD"], [
        ("identity", a["MCHD"], SECRETS[0]), ("housing", a["MCAP"], SECRETS[1]), ("sud", a["HRS"], SECRETS[2]),
    ], [
        {"categories": ["identity", "housing"], "discloses": [a["MCHD"], a["MCAP"]], "receives": [a["FSA"], a["MMC"]]},
        {"categories": ["sud"], "discloses": [a["HRS"]], "receives": [a["MMC"]]},
    ])


async def everyone_looks(demo) -> None:
    for email in (COORDINATOR, FAMILY, OB, TREATMENT, CPS, SCHOOL):
        await shown(email, demo.team(CLUSTER))


# The case's list of disclosures.


async def test_the_case_list_shows_exactly_the_disclosures_to_other_agencies(client, demo):
    case, (general, part2) = await a_case(demo)
    await everyone_looks(demo)
    await log_in(client, COORDINATOR)
    rows_before = await Disclosure.count()
    page = await client.get(f"/cases/{case}/disclosures")
    assert page.status_code == 200
    rows = table_rows(page.text)
    # The family partner (identity, housing) and the hospital (the same, and the Part 2 record
    # under its own consent): three disclosures. The coordinator's and the treatment provider's
    # views of their own agencies' records are access; Children Services and the school saw nothing.
    assert len(rows) == 3, rows
    delgado = next(r for r in rows if "Rosa Delgado, Maple Family Services Agency" in r)
    assert "Identity; Housing" in delgado and f"no. {general}, version 1" in delgado and "Case page" in delgado
    haddad = [r for r in rows if "Dr. Nadia Haddad, Maple Memorial Medical Center" in r]
    assert len(haddad) == 2
    part2_row = next(r for r in haddad if f"no. {part2}," in r)
    assert "Substance use disorder" in part2_row and "42 CFR Part 2 notice" in part2_row
    listed = " ".join(rows)
    for name in ("Priya Natarajan", "Jordan Ellis", "Tamara Nguyen", "Angela Brooks"):
        assert name not in listed
    assert not any(secret in page.text for secret in SECRETS)
    assert page.headers["cache-control"] == "no-store" and 'hx-history="false"' in page.text
    assert await Disclosure.count() == rows_before  # reading the list discloses nothing


async def test_the_printable_list_has_every_disclosure_and_no_case_detail(client, demo):
    case, _ = await a_case(demo)
    await everyone_looks(demo)
    await log_in(client, COORDINATOR)
    printed = await client.get(f"/cases/{case}/disclosures/print")
    assert printed.status_code == 200 and printed.headers["cache-control"] == "no-store"
    assert len(table_rows(printed.text)) == 3 and "3 disclosures." in page_text(printed.text)
    assert "PC-TST1" in printed.text and not any(secret in printed.text for secret in SECRETS)
    screen = await client.get(f"/cases/{case}/disclosures")
    assert f'href="/cases/{case}/disclosures/print"' in screen.text


async def test_an_emergency_disclosure_is_listed_with_its_reason(client, demo):
    case, _ = await a_case(demo)
    now = clock.now()
    person = await viewer(CHC)
    await Emergency.insert(Emergency(case=case, person=person.id, agency=demo.agencies["MVCHC"],
                                     reason="Unresponsive in the waiting room", declared_at=now,
                                     ends_at=now + timedelta(hours=1)))
    await shown(CHC, demo.team(CLUSTER))
    await log_in(client, COORDINATOR)
    rows = table_rows((await client.get(f"/cases/{case}/disclosures")).text)
    assert len(rows) == 1 and "Dr. Lena Fischer" in rows[0]
    assert "Medical emergency: Unresponsive in the waiting room" in rows[0]
    assert "Identity; Substance use disorder" in rows[0] and "Housing" in rows[0]


async def test_those_who_do_not_manage_the_case_get_404_as_for_a_missing_case(client, demo):
    case, _ = await a_case(demo)
    await everyone_looks(demo)
    for email in (FAMILY, OB, TREATMENT, SCHOOL, CHAIR, ADMIN):
        client.cookies.clear()
        await log_in(client, email)
        for path in (f"/cases/{case}/disclosures", f"/cases/{case}/disclosures/print"):
            response = await client.get(path)
            assert response.status_code == 404, (email, path)
            assert "PC-TST1" not in response.text and table_rows(response.text) == []
    missing = await client.get("/cases/999999/disclosures")
    assert missing.status_code == 404


async def test_a_member_of_the_lead_agency_manages_the_list_like_the_coordinator(client, demo):
    case, _ = await a_case(demo)
    await everyone_looks(demo)
    await log_in(client, NURSE)
    assert len(table_rows((await client.get(f"/cases/{case}/disclosures")).text)) == 3
    client.cookies.clear()
    await log_in(client, TREATMENT)  # Harbor Recovery leads PC-2WBN
    lead = await client.get(f"/cases/{await case_id('PC-2WBN')}/disclosures")
    assert lead.status_code == 200 and "Priya Natarajan" in page_text(lead.text.split("<tbody", 1)[1])


async def test_disclosures_older_than_three_years_leave_the_list(client, demo, clock_at):
    case, _ = await a_case(demo)
    await everyone_looks(demo)
    clock_at(clock.now() + timedelta(days=3 * 366))
    await log_in(client, COORDINATOR)
    page = await client.get(f"/cases/{case}/disclosures")
    assert page.status_code == 200 and table_rows(page.text) == []
    assert "has been disclosed to another agency in that time" in page_text(page.text)


async def test_the_list_pages_fifty_at_a_time_at_a_constant_number_of_queries(client, demo, count_queries):
    case, _ = await a_case(demo)
    await shown(FAMILY, demo.team(CLUSTER))
    await log_in(client, COORDINATOR)
    count_queries.statements.clear()
    assert len(table_rows((await client.get(f"/cases/{case}/disclosures")).text)) == 1
    few = len(count_queries)
    for _ in range(30):
        await shown(FAMILY, demo.team(CLUSTER))
        await shown(OB, demo.team(CLUSTER))
    count_queries.statements.clear()
    first = await client.get(f"/cases/{case}/disclosures")
    assert len(count_queries) == few
    assert len(table_rows(first.text)) == 50 and f'href="/cases/{case}/disclosures?page=2"' in first.text
    second = await client.get(f"/cases/{case}/disclosures?page=2")
    assert len(table_rows(second.text)) == 1 + 30 * 2 - 50 + 30  # the hospital has two rows a look
    assert len(table_rows((await client.get(f"/cases/{case}/disclosures/print")).text)) == 91


# A person's access report.


async def test_a_person_sees_their_own_access_report_newest_first_without_case_details(client, demo):
    case, _ = await a_case(demo)
    await shown(TREATMENT, demo.team(CLUSTER))
    await log_in(client, TREATMENT)
    account = await client.get("/account")
    me = (await viewer(TREATMENT)).id
    assert f'href="/people/{me}/access"' in account.text
    page = await client.get(f"/people/{me}/access")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Case records you have seen" in page.text
    rows = table_rows(page.text)
    assert "PC-TST1" in rows[0] and "Substance use disorder" in rows[0] and "Own agency's records" in rows[0]
    assert any("PC-7F3K" in r and "Maple County Perinatal Cluster" in r for r in rows)  # the demo's past reviews
    assert not any(secret in page.text for secret in SECRETS)
    assert "Amber Kowalczyk" not in page.text and "buprenorphine" not in page.text
    assert case


async def test_the_site_admin_sees_anyones_access_report_and_others_get_404(client, demo):
    await a_case(demo)
    await shown(FAMILY, demo.team(CLUSTER))
    family = (await viewer(FAMILY)).id
    await log_in(client, ADMIN)
    person_page = await client.get(f"/people/{family}")
    assert f'href="/people/{family}/access"' in person_page.text
    report = await client.get(f"/people/{family}/access")
    assert report.status_code == 200 and "Case access report: Rosa Delgado" in page_text(report.text)
    rows = table_rows(report.text)
    assert "PC-TST1" in rows[0] and "Identity; Housing" in rows[0] and "Release of information no." in rows[0]
    assert any("PC-M4QD" in r for r in rows)  # before the release was revoked for her agency
    for email in (COORDINATOR, TREATMENT, CHAIR):
        client.cookies.clear()
        await log_in(client, email)
        assert (await client.get(f"/people/{family}/access")).status_code == 404, email
    assert (await client.get("/people/999999/access")).status_code == 404


async def test_the_access_report_pages_at_a_constant_number_of_queries(client, demo, count_queries):
    await a_case(demo)
    await log_in(client, FAMILY)
    family = (await viewer(FAMILY)).id
    count_queries.statements.clear()
    first_rows = table_rows((await client.get(f"/people/{family}/access")).text)
    few = len(count_queries)
    for _ in range(30):  # each look: a row for the test case, one for PC-Q9HX (housing)
        await shown(FAMILY, demo.team(CLUSTER))
    count_queries.statements.clear()
    page = await client.get(f"/people/{family}/access")
    assert len(count_queries) == few
    assert len(table_rows(page.text)) == 50 and f'href="/people/{family}/access?page=2"' in page.text
    second = await client.get(f"/people/{family}/access?page=2")
    assert f'href="/people/{family}/access?page=1"' in second.text
    assert table_rows(second.text)[-len(first_rows):] == first_rows[-len(first_rows):]  # the oldest, last
    assert len(table_rows(second.text)) == len(first_rows) + 60 - 50


async def test_a_person_with_no_case_records_is_told_so(client, demo):
    await log_in(client, SCHOOL)
    page = await client.get(f"/people/{(await viewer(SCHOOL)).id}/access")
    assert page.status_code == 200 and "Convene has not shown you any case entries." in page_text(page.text)
