"""The coordinator's consent dashboard (issue 9, Build 2): releases in force that expire within 30
days; for each meeting of the next 60 days, the case-review items whose releases leave an agency
of the roster uncovered, and for which categories present on the case; for coordinators (every
case) and members of a lead agency (their own cases); a fixed number of statements."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import log_in, make_client, page_text, post_form
from tests.release_helpers import (
    CLUSTER,
    COORDINATOR,
    HOUSING,
    NURSE,
    SCHOOL,
    TREATMENT,
    case_review,
    ids,
    make_case,
    record_release,
    release_form,
    today,
)

# session; team and standing; the viewer as a reader (3); cases; their releases (3); the case reviews
# ahead; the roster; its people as readers (3); the reviewed cases' entry facts; emergencies.
DASHBOARD = 16


def dashboard(demo) -> str:
    return f"/teams/{demo.team(CLUSTER)}/consent"


async def test_releases_in_force_expiring_within_30_days_are_listed_with_their_case_and_expiry(client, demo):
    token = await log_in(client, COORDINATOR)
    soon, later, revoked, drafted, by_event = [
        await make_case(demo, reference) for reference in ("PC-SOON", "PC-LATE", "PC-RVKD", "PC-DRFT", "PC-EVNT")]
    in_ten_days = (today() + timedelta(days=10)).isoformat()
    soon_id = await record_release(client, token, soon, release_form(demo, expires_on=in_ten_days))
    await record_release(client, token, later, release_form(
        demo, expires_on=(today() + timedelta(days=40)).isoformat()))
    revoked_id = await record_release(client, token, revoked, release_form(demo, expires_on=in_ten_days))
    await post_form(client, f"/releases/{revoked_id}/revoke", {
        "when": "now", "how": "written", "received_by": "Priya Natarajan", "scope": "whole"}, token)
    await record_release(client, token, drafted, release_form(demo, expires_on=in_ten_days), save="draft")
    await record_release(client, token, by_event, release_form(demo, expires_on="", expiry_event="Discharge"))

    response = await client.get(dashboard(demo))
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    section = page_text(response.text).split("Releases expiring within 30 days")[1].split("Case reviews")[0]
    assert "PC-SOON" in section and f"/releases/{soon_id}" in response.text
    assert f"/cases/{soon}/releases/new" in response.text
    assert (today() + timedelta(days=10)).strftime("%b") in section
    for absent in ("PC-LATE", "PC-RVKD", "PC-DRFT", "PC-EVNT"):
        assert absent not in section, absent
    assert "Maria Lopez" not in response.text  # the signer is on the release page only


async def test_each_upcoming_case_review_names_the_agencies_not_covered_and_for_what(client, demo):
    token = await log_in(client, COORDINATOR)
    case_id = await make_case(demo, "PC-RVW1")
    empty = await make_case(demo, "PC-NONE", entries=())
    await record_release(client, token, case_id, release_form(demo))  # MCHD's coordination and housing → MCAP, CPS
    await case_review(demo, case_id, days_ahead=14, title="Cluster meeting in two weeks")
    await case_review(demo, empty, days_ahead=14, title="Cluster meeting with nothing to share")
    await case_review(demo, case_id, days_ahead=70, title="Cluster meeting in ten weeks")
    await case_review(demo, case_id, days_ahead=-7, title="Cluster meeting last week")

    text = page_text((await client.get(dashboard(demo))).text)
    reviews = text.split("not covered for the whole roster")[1].split("Emergency access in the last 30 days")[0]
    assert "Cluster meeting in two weeks" in reviews and "Case review PC-RVW1" in reviews
    for absent in ("ten weeks", "last week", "PC-NONE", "nothing to share"):
        assert absent not in reviews, absent
    # The housing agency is covered for MCHD's coordination and housing records, not for the
    # treatment provider's SUD records nor the hospital's medical ones.
    assert "Maple Community Action Partnership (Housing): Substance use disorder (42 CFR Part 2), Medical" in reviews
    assert "Maple County Children Services: Substance use disorder (42 CFR Part 2), Medical" in reviews
    # The lead agency holds its own records; the others' it does not.
    assert "Maple County Health Department: Substance use disorder (42 CFR Part 2), Medical" in reviews
    # Help Me Grow is covered for nothing; the hospital for all but its own records.
    assert ("Help Me Grow Maple County: Care coordination, Substance use disorder (42 CFR Part 2), Medical, "
            "Housing") in reviews
    assert "Maple Memorial Medical Center: Care coordination, Substance use disorder (42 CFR Part 2), Housing" in reviews
    assert "canary" not in text  # categories, never an entry's content


async def test_a_release_that_covers_the_whole_roster_takes_the_case_off_the_list(client, demo):
    token = await log_in(client, COORDINATOR)
    case_id = await make_case(demo, "PC-ALL1", entries=(("MCHD", "coordination", "canary-all-7Q"),))
    await case_review(demo, case_id, days_ahead=7, title="Cluster meeting next week")
    assert "PC-ALL1" in page_text((await client.get(dashboard(demo))).text)
    roster = ["MCHD", "MMC", "HRS", "CPS", "HMG", "MVCHC", "MHAS", "MCAP", "FSA"]
    await record_release(client, token, case_id, release_form(demo, recipients=ids(demo, *roster),
                                                              categories=["coordination"]))
    assert "PC-ALL1" not in page_text((await client.get(dashboard(demo))).text)


async def test_coordinators_see_every_case_lead_agency_members_their_own_and_others_are_refused(app, client, demo):
    token = await log_in(client, COORDINATOR)
    ours = await make_case(demo, "PC-OURS")
    theirs = await make_case(demo, "PC-HRS1", lead="HRS")
    in_ten_days = (today() + timedelta(days=10)).isoformat()
    await record_release(client, token, ours, release_form(demo, expires_on=in_ten_days))
    await record_release(client, token, theirs, release_form(demo, expires_on=in_ten_days,
                                                             disclosing=ids(demo, "HRS")))
    text = page_text((await client.get(dashboard(demo))).text)
    assert "PC-OURS" in text and "PC-HRS1" in text and "Every case of" in text
    async with await make_client(app) as treatment:
        await log_in(treatment, TREATMENT)
        text = page_text((await treatment.get(dashboard(demo))).text)
        assert "PC-HRS1" in text and "PC-OURS" not in text and "The cases your agency leads" in text
    async with await make_client(app) as nurse:
        await log_in(nurse, NURSE)
        text = page_text((await nurse.get(dashboard(demo))).text)
        assert "PC-OURS" in text and "PC-HRS1" not in text
    for email, status in ((HOUSING, 403), (SCHOOL, 404)):
        async with await make_client(app) as other:
            await log_in(other, email)
            response = await other.get(dashboard(demo))
            assert response.status_code == status, email
            assert "PC-OURS" not in response.text


async def test_the_dashboard_costs_the_same_statements_with_many_cases_releases_and_meetings(
        client, demo, count_queries):
    token = await log_in(client, COORDINATOR)
    in_ten_days = (today() + timedelta(days=10)).isoformat()
    first = await make_case(demo, "PC-CNT0")
    await record_release(client, token, first, release_form(demo, expires_on=in_ten_days))
    await case_review(demo, first, days_ahead=5)

    async def statements() -> int:
        count_queries.statements.clear()
        response = await client.get(dashboard(demo))
        assert response.status_code == 200
        return len(count_queries)

    few = await statements()
    for n in range(1, 6):
        case_id = await make_case(demo, f"PC-CNT{n}")
        for _ in range(2):
            await record_release(client, token, case_id, release_form(demo, expires_on=in_ten_days))
        await case_review(demo, case_id, days_ahead=5 + 7 * n, title=f"Meeting {n}")
    text = page_text((await client.get(dashboard(demo))).text)
    assert all(f"PC-CNT{n}" in text for n in range(6)) and "Meeting 5" in text
    many = await statements()
    assert many == few, (few, many)
    assert few == DASHBOARD, count_queries.statements
