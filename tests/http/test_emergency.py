"""Emergency access (CONSENT.md §8, 42 CFR 2.51): a member of a medical agency on the team
declares a bona fide medical emergency with a reason and sees the case's entries for exactly one
hour; every view is in the ledger marked as emergency with the reason; nobody else gains anything;
everyone else is refused clearly; the coordinator sees the declaration (no case detail) on the
dashboard and a notice on the home page."""

from __future__ import annotations

from datetime import timedelta

from server import clock, urls
from server.cases import ledger
from server.cases import release_rules as rules
from server.cases.releases import NOT_MEDICAL
from server.cases.tables import Disclosure, Emergency
from server.teams.tables import Membership
from tests.conftest import log_in, make_client, page_text, post_form
from tests.release_helpers import (
    CHC,
    CLUSTER,
    COORDINATOR,
    HMG,
    HOUSING,
    OB,
    SCHOOL,
    make_case,
    seen,
    today,
)

REASON = "Unresponsive in the emergency department; the ED physician needs her current medications."
ALL = {"canary-coordination-7Q", "canary-housing-7Q", "canary-sud-7Q", "canary-medical-7Q"}


def emergency_path(demo) -> str:
    return f"/teams/{demo.team(CLUSTER)}/emergency"


async def declare(client, token: str, demo, reference: str = "pc-t3st", reason: str = REASON):
    return await post_form(client, emergency_path(demo), {"reference": reference, "reason": reason}, token)


async def test_a_medical_member_declares_an_emergency_and_sees_the_case_for_one_hour_exactly(client, demo):
    case_id = await make_case(demo)
    assert await seen(demo, CHC, case_id) == set()
    token = await log_in(client, CHC)
    page = await client.get(emergency_path(demo))
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "42 CFR 2.51" in page_text(page.text)
    response = await declare(client, token, demo)
    assert response.status_code == 303
    expected = urls.url("case", case_id=case_id) if urls.known("case") else emergency_path(demo)
    assert response.headers["location"] == expected
    row = await Emergency.select().where(Emergency.case == case_id).first()
    assert (row["person"], row["agency"], row["reason"]) == (demo.people[CHC], demo.agencies["MVCHC"], REASON)
    assert row["ends_at"] - row["declared_at"] == timedelta(hours=1)
    assert await seen(demo, CHC, case_id, at=row["declared_at"]) == ALL
    assert await seen(demo, CHC, case_id, at=row["ends_at"] - timedelta(microseconds=1)) == ALL
    assert await seen(demo, CHC, case_id, at=row["ends_at"]) == set()
    # The page lists the declarer's open emergency access (to go back to the case).
    assert "PC-T3ST" in page_text((await client.get(emergency_path(demo))).text)


async def test_every_view_during_an_emergency_is_in_the_ledger_marked_emergency_with_the_reason(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, CHC)
    assert (await declare(client, token, demo)).status_code == 303
    await seen(demo, CHC, case_id)
    await seen(demo, CHC, case_id)
    rows = await Disclosure.select().where((Disclosure.case == case_id) & (Disclosure.viewer == demo.people[CHC]))
    assert len(rows) == 2
    for row in rows:
        assert (row["basis"], row["reason"], row["viewer_agency"], row["release"]) == (
            "emergency", REASON, demo.agencies["MVCHC"], None)
        assert set(row["categories"].split(",")) == {"coordination", "housing", "sud", "medical"}
        assert row["notice"] == "part2"
    assert (await ledger.verify()).ok


async def test_nobody_but_the_declarer_gains_anything(client, demo, clock_at):
    case_id = await make_case(demo)
    other = await make_case(demo, "PC-0THR")
    before = {email: await seen(demo, email, case_id) for email in (OB, COORDINATOR, HMG, HOUSING)}
    token = await log_in(client, CHC)
    assert (await declare(client, token, demo)).status_code == 303
    for email, shown in before.items():
        assert await seen(demo, email, case_id) == shown, email
    assert before[OB] == {"canary-medical-7Q"} and before[HMG] == set()  # a colleague in medicine: own records only
    assert await seen(demo, CHC, other) == set()  # another case of the team: nothing
    rows = await Disclosure.select(Disclosure.basis).where(Disclosure.viewer != demo.people[CHC])
    assert "emergency" not in {row["basis"] for row in rows}


async def test_a_non_medical_member_a_guest_and_anyone_off_the_team_are_refused(app, client, demo):
    case_id = await make_case(demo)
    # A guest of the cluster from a medical agency: a guest is not a member.
    await Membership.insert(Membership(team=demo.team(CLUSTER), person=demo.people["irene.castillo@maple.example"],
                                       agency=demo.agencies["MVCHC"], role="guest",
                                       started_on=today() - timedelta(days=5), created_at=clock.now(), version=1))
    for email, status in ((HOUSING, 403), (COORDINATOR, 403), ("irene.castillo@maple.example", 403),
                          (SCHOOL, 404)):
        async with await make_client(app) as person:
            token = await log_in(person, email)
            page = await person.get(emergency_path(demo))
            assert page.status_code == status, email
            if status == 403:
                assert NOT_MEDICAL in page_text(page.text)
            assert (await declare(person, token, demo)).status_code == status, email
    assert not await Emergency.exists().where(Emergency.case == case_id)


async def test_an_unknown_reference_and_another_teams_case_are_refused_alike(client, demo):
    await make_case(demo)
    from server.cases.tables import Case

    await Case.insert(Case(team=demo.team("Child and Family Team"), lead_agency=demo.agencies["FCFC"],
                           reference="CF-9ZZZ", created_at=clock.now()))
    token = await log_in(client, CHC)
    answers = []
    for reference in ("CF-9ZZZ", "PC-N0PE"):
        response = await declare(client, token, demo, reference=reference)
        assert response.status_code == 422
        answers.append(page_text(response.text).replace(reference, "REF"))
        assert rules.UNKNOWN_REFERENCE in answers[-1]
    assert answers[0] == answers[1]
    response = await declare(client, token, demo, reason="   ")
    assert response.status_code == 422 and rules.NO_REASON in page_text(response.text)
    response = await declare(client, token, demo, reason="x" * (rules.MAX_REASON + 1))
    assert response.status_code == 422 and "too long" in page_text(response.text)
    assert not await Emergency.exists()


async def test_the_coordinator_sees_the_declaration_on_the_dashboard_and_a_notice_at_home(app, client, demo):
    await make_case(demo)
    token = await log_in(client, CHC)
    assert (await declare(client, token, demo)).status_code == 303
    async with await make_client(app) as coordinator:
        await log_in(coordinator, COORDINATOR)
        home = page_text((await coordinator.get("/")).text)
        assert "Emergency access was declared" in home and "Maple County Perinatal Cluster" in home
        assert f"/teams/{demo.team(CLUSTER)}/consent" in (await coordinator.get("/")).text
        assert "PC-T3ST" not in home and "canary" not in home and REASON not in home
        text = page_text((await coordinator.get(f"/teams/{demo.team(CLUSTER)}/consent")).text)
        section = text.split("Emergency access in the last 30 days")[1]
        for shown in ("Dr. Lena Fischer", "Maple Valley Community Health Center", "PC-T3ST", REASON, "Open now"):
            assert shown in section, shown
        assert "canary" not in text
    async with await make_client(app) as member:
        await log_in(member, HOUSING)
        assert "Emergency access was declared" not in page_text((await member.get("/")).text)
