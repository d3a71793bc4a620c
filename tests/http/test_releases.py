"""Releases of information through the HTTP app (CONSENT.md §2, issue 9 Build 2): recorded with
every field by the people who manage the case, refused field by field, drafts that grant nothing,
signing that grants, signed releases that never change, corrections that supersede, revocations
(whole or per recipient) and expiry (by date at its instant, by event) that take effect on the very
next request, the signed form for the case's managers only, and 404/403 for everyone else."""

from __future__ import annotations

from datetime import timedelta

from server import clock
from server.cases import policy
from server.cases import release_rules as rules
from server.cases.releases import STORAGE
from server.cases.tables import Release, ReleaseParty, Revocation
from tests.attachment_samples import HTML, PNG, TEXT, ooxml
from tests.conftest import log_in, make_client, page_text, post_form
from tests.release_helpers import (
    CHC,
    CLUSTER,
    COORDINATOR,
    CPS,
    HMG,
    HOUSING,
    NURSE,
    OB,
    SCHOOL,
    TREATMENT,
    cluster,
    ids,
    make_case,
    post_release,
    record_release,
    release_form,
    release_row,
    seen,
    today,
)

COVERED = {"canary-coordination-7Q", "canary-housing-7Q"}  # what release_form() shares with MCAP and CPS


async def test_a_coordinator_records_a_release_with_every_field_and_its_page_shows_them(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    form = release_form(demo, named=[f"{demo.agencies['CPS']}:{demo.people[CPS]}"], permits_legal_proceedings="on",
                        signer_authority="guardian")
    page = await client.get(f"/cases/{case_id}/releases/new")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert 'hx-history="false"' in page.text and "Maple Community Action Partnership" in page.text
    before = clock.now()
    release_id = await record_release(client, token, case_id, form)
    row = await release_row(release_id)
    assert (row["case"], row["version"], row["supersedes"], row["superseded_at"]) == (case_id, 1, None, None)
    assert (row["signer_name"], row["signer_authority"], row["signed_on"]) == ("Maria Lopez", "guardian", today())
    assert row["identity_check"] == "Driver's license seen by the coordinator"
    assert (row["categories"], row["purpose"], row["purpose_detail"]) == (
        "coordination,housing", "care_coordination", "Plan of Safe Care")
    assert (row["effective_on"], row["expires_on"], row["expiry_event"]) == (
        today(), today() + timedelta(days=365), "")
    assert row["states_right_to_revoke"] and row["states_no_conditioning"] and row["states_redisclosure"]
    assert row["permits_legal_proceedings"] and not row["signature_captured"]
    assert (row["document_name"], row["document_type"]) == ("Signed ROI.pdf", "application/pdf")
    assert STORAGE.path(row["document_key"]).read_bytes().startswith(b"%PDF-")
    assert row["recorded_by"] == demo.people[COORDINATOR] and before <= row["recorded_at"] <= clock.now()
    assert row["signed_at"] is not None
    parties = {(p["agency"], p["role"], p["person"]) for p in await ReleaseParty.select().where(
        ReleaseParty.release == release_id)}
    assert parties == {(demo.agencies["MCHD"], "discloses", None), (demo.agencies["MCAP"], "receives", None),
                       (demo.agencies["CPS"], "receives", None),
                       (demo.agencies["CPS"], "receives", demo.people[CPS])}

    page = await client.get(f"/releases/{release_id}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page_text(page.text)
    for shown in ("Maria Lopez", "A legal guardian", "Driver's license seen by the coordinator",
                  "Maple County Health Department", "Maple Community Action Partnership (Housing)",
                  "only Tamara Nguyen", "Care coordination", "Housing", "Plan of Safe Care", "In force",
                  "Use in legal proceedings Permitted", "Signed ROI.pdf", "Priya Natarajan"):
        assert shown in text, shown
    assert f"/releases/{release_id}/document" in page.text
    assert f"/releases/{release_id}/supersede" in page.text and f"/releases/{release_id}/revoke" in page.text


async def test_a_release_with_missing_or_wrong_fields_is_refused_with_a_message_each_and_nothing_is_kept(
        client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    kept = STORAGE.keys()
    form = release_form(demo, signer_name="", signer_authority="", identity_check="", disclosing=[],
                        recipients=ids(demo, "MCAP"), categories=["sud", "sud_counseling_notes"],
                        expires_on=(today() + timedelta(days=30)).isoformat(), expiry_event="Discharge",
                        states_redisclosure="", named=[f"{demo.agencies['CPS']}:{demo.people[CPS]}"])
    response = await post_release(client, token, f"/cases/{case_id}/releases/new", form)
    assert response.status_code == 422
    text = page_text(response.text)
    for message in (rules.NO_SIGNER, rules.NO_AUTHORITY, rules.NO_IDENTITY_CHECK, rules.NO_DISCLOSING,
                    rules.NAMED_ELSEWHERE, rules.SEPARATE_CONSENT, rules.TWO_EXPIRIES, rules.MISSING_STATEMENT):
        assert message in text, message
    assert not await Release.exists().where(Release.case == case_id)
    assert STORAGE.keys() == kept and not STORAGE.incoming_files()


async def test_an_agency_not_seated_on_the_team_cannot_be_named(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    response = await post_release(client, token, f"/cases/{case_id}/releases/new",
                                  release_form(demo, recipients=ids(demo, "MCS")))  # the school sits elsewhere
    assert response.status_code == 422 and rules.NOT_ON_TEAM in page_text(response.text)


async def test_the_signed_form_is_a_pdf_or_an_image_and_is_required_unless_signed_in_the_app(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    path = f"/cases/{case_id}/releases/new"
    for name, content, message in (("ROI.docx", ooxml("docx"), rules.NOT_A_DOCUMENT),
                                   ("ROI.txt", TEXT, rules.NOT_A_DOCUMENT),
                                   ("ROI.pdf", HTML, "cannot be attached")):
        response = await post_release(client, token, path, release_form(demo), document=(name, content))
        assert response.status_code == 422 and message in page_text(response.text), name
    response = await post_release(client, token, path, release_form(demo), document=None)
    assert response.status_code == 422 and rules.NO_DOCUMENT in page_text(response.text)
    assert not await Release.exists().where(Release.case == case_id)
    image = await record_release(client, token, case_id, release_form(demo), document=("ROI scan.png", PNG))
    assert (await release_row(image))["document_type"] == "image/png"
    in_app = await record_release(client, token, case_id, release_form(demo, signature_captured="on"), document=None)
    row = await release_row(in_app)
    assert row["signature_captured"] and row["document_key"] == "" and row["signed_at"] is not None


async def test_a_draft_grants_nothing_and_signing_it_grants_from_the_next_request(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    draft = release_form(demo, states_right_to_revoke="", states_no_conditioning="", states_redisclosure="")
    release_id = await record_release(client, token, case_id, draft, save="draft", document=None)
    assert (await release_row(release_id))["signed_at"] is None
    assert await seen(demo, HOUSING, case_id) == set()
    page = await client.get(f"/releases/{release_id}")
    assert "Draft: grants nothing until signed" in page_text(page.text)
    # A draft is edited, not corrected; nor revoked, nor ended by its event: it grants nothing yet.
    assert (await client.get(f"/releases/{release_id}/supersede")).status_code == 409
    assert (await post_form(client, f"/releases/{release_id}/revoke", {
        "when": "now", "how": "written", "received_by": "x", "scope": "whole"}, token)).status_code == 409

    edit = await client.get(f"/releases/{release_id}/edit")
    assert edit.status_code == 200 and 'value="Maria Lopez"' in edit.text
    response = await post_release(client, token, f"/releases/{release_id}/edit", draft, save="sign")
    assert response.status_code == 422 and rules.MISSING_STATEMENT in page_text(response.text)
    assert await seen(demo, HOUSING, case_id) == set()
    response = await post_release(client, token, f"/releases/{release_id}/edit", release_form(demo), save="sign")
    assert response.status_code == 303 and response.headers["location"] == f"/releases/{release_id}"
    assert (await release_row(release_id))["signed_at"] is not None
    assert await seen(demo, HOUSING, case_id) == COVERED
    assert await seen(demo, CPS, case_id) == COVERED
    assert await seen(demo, HMG, case_id) == set()


async def test_no_route_changes_a_signed_release(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    release_id = await record_release(client, token, case_id, release_form(demo, expires_on="",
                                                                           expiry_event="End of enrollment"))
    signed = await release_row(release_id)
    parties = await ReleaseParty.select().where(ReleaseParty.release == release_id).order_by(ReleaseParty.id)

    assert (await client.get(f"/releases/{release_id}/edit")).status_code == 409
    response = await post_release(client, token, f"/releases/{release_id}/edit",
                                  release_form(demo, signer_name="Someone Else"), save="sign")
    assert response.status_code == 409 and "cannot be changed" in page_text(response.text)
    assert await release_row(release_id) == signed

    response = await post_form(client, f"/releases/{release_id}/revoke", {
        "when": "now", "how": "verbal", "received_by": "Priya Natarajan", "scope": "agencies",
        "agencies": str(demo.agencies["CPS"])}, token)
    assert response.status_code == 303
    assert await release_row(release_id) == signed  # a revocation is a row of its own

    assert (await post_form(client, f"/releases/{release_id}/event", {}, token)).status_code == 303
    after_event = await release_row(release_id)
    assert after_event["event_recorded_by"] == demo.people[COORDINATOR]
    assert {k: v for k, v in after_event.items() if k not in {"event_recorded_at", "event_recorded_by"}} == {
        k: v for k, v in signed.items() if k not in {"event_recorded_at", "event_recorded_by"}}
    # Expired now: it cannot be corrected into granting again, nor its event recorded twice.
    assert (await client.get(f"/releases/{release_id}/supersede")).status_code == 409
    assert (await post_form(client, f"/releases/{release_id}/event", {}, token)).status_code == 409
    assert (await post_release(client, token, f"/releases/{release_id}/supersede",
                               release_form(demo))).status_code == 409
    assert await release_row(release_id) == after_event
    assert await ReleaseParty.select().where(ReleaseParty.release == release_id).order_by(ReleaseParty.id) == parties


async def test_a_correction_signs_a_new_version_and_the_old_one_grants_nothing(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    old_id = await record_release(client, token, case_id, release_form(demo))
    assert await seen(demo, HOUSING, case_id) == COVERED
    old = await release_row(old_id)

    page = await client.get(f"/releases/{old_id}/supersede")
    assert page.status_code == 200 and 'value="Maria Lopez"' in page.text and "a new version (2)" in page_text(page.text)
    corrected = release_form(demo, recipients=ids(demo, "CPS"), categories=["coordination"], keep_document="on")
    response = await post_release(client, token, f"/releases/{old_id}/supersede", corrected, document=None)
    assert response.status_code == 303
    new_id = int(response.headers["location"].rsplit("/", 1)[1])
    new, old_after = await release_row(new_id), await release_row(old_id)
    assert (new["version"], new["supersedes"], new["signed_at"] is not None) == (2, old_id, True)
    assert new["document_key"] == old["document_key"] and new["categories"] == "coordination"
    assert old_after["superseded_at"] == new["signed_at"]
    assert {k: v for k, v in old_after.items() if k != "superseded_at"} == {
        k: v for k, v in old.items() if k != "superseded_at"}

    assert await seen(demo, HOUSING, case_id) == set()  # only the old version named the housing agency
    assert await seen(demo, CPS, case_id) == {"canary-coordination-7Q"}
    old_page = page_text((await client.get(f"/releases/{old_id}")).text)
    assert "Superseded" in old_page and "version 2" in old_page
    assert "Corrects or changes version 1" in page_text((await client.get(f"/releases/{new_id}")).text)
    # A superseded release is corrected no more.
    assert (await client.get(f"/releases/{old_id}/supersede")).status_code == 409


async def test_a_correction_cannot_give_back_what_a_revocation_took(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    release_id = await record_release(client, token, case_id, release_form(demo))
    await post_form(client, f"/releases/{release_id}/revoke", {
        "when": "now", "how": "written", "received_by": "Priya Natarajan", "scope": "agencies",
        "agencies": str(demo.agencies["MCAP"])}, token)
    page = await client.get(f"/releases/{release_id}/supersede")
    assert f'id="recipients-{demo.agencies["MCAP"]}" name="recipients" value="{demo.agencies["MCAP"]}" >' in page.text
    response = await post_release(client, token, f"/releases/{release_id}/supersede", release_form(demo))
    assert response.status_code == 422 and "A correction cannot give that back" in page_text(response.text)
    assert await seen(demo, HOUSING, case_id) == set()


async def test_revoking_the_whole_release_takes_effect_on_the_very_next_request(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    release_id = await record_release(client, token, case_id, release_form(demo))
    assert await seen(demo, HOUSING, case_id) == COVERED and await seen(demo, CPS, case_id) == COVERED
    response = await post_form(client, f"/releases/{release_id}/revoke", {
        "when": "now", "how": "written", "received_by": "Priya Natarajan", "scope": "whole"}, token)
    assert response.status_code == 303
    assert await seen(demo, HOUSING, case_id) == set() and await seen(demo, CPS, case_id) == set()
    revocation = await Revocation.select().where(Revocation.release == release_id).first()
    assert (revocation["agency"], revocation["how"], revocation["received_by"], revocation["recorded_by"]) == (
        None, "written", "Priya Natarajan", demo.people[COORDINATOR])
    text = page_text((await client.get(f"/releases/{release_id}")).text)
    assert "Revoked as a whole" in text and "Record a revocation" not in text
    assert "Correct or change" not in text


async def test_revoking_for_one_recipient_leaves_the_others_covered(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    release_id = await record_release(client, token, case_id, release_form(demo))
    response = await post_form(client, f"/releases/{release_id}/revoke", {
        "when": "now", "how": "verbal", "received_by": "Grace Whitman", "scope": "agencies",
        "agencies": str(demo.agencies["MCAP"])}, token)
    assert response.status_code == 303
    assert await seen(demo, HOUSING, case_id) == set()
    assert await seen(demo, CPS, case_id) == COVERED
    text = page_text((await client.get(f"/releases/{release_id}")).text)
    assert "In force, revoked for some recipients" in text
    assert "Revoked for Maple Community Action Partnership (Housing)" in text
    # Revoked once: not offered, and refused, a second time.
    response = await post_form(client, f"/releases/{release_id}/revoke", {
        "when": "now", "how": "verbal", "received_by": "Grace Whitman", "scope": "agencies",
        "agencies": str(demo.agencies["MCAP"])}, token)
    assert response.status_code == 422 and rules.NOT_A_RECIPIENT in page_text(response.text)


async def test_a_revocation_received_earlier_counts_from_when_it_was_received(client, demo, clock_at):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    clock_at(clock.now() - timedelta(days=3))
    release_id = await record_release(client, token, case_id, release_form(demo))
    clock_at(clock.now() + timedelta(days=3))
    received = (clock.now() - timedelta(hours=2)).astimezone(clock.zone("America/New_York")).replace(
        second=0, microsecond=0, tzinfo=None)
    response = await post_form(client, f"/releases/{release_id}/revoke", {
        "when": "earlier", "received_at": received.isoformat(timespec="minutes"), "how": "written",
        "received_by": "Priya Natarajan", "scope": "whole"}, token)
    assert response.status_code == 303
    row = await Revocation.select().where(Revocation.release == release_id).first()
    assert row["effective_at"] == received.replace(tzinfo=clock.zone("America/New_York"))
    assert await seen(demo, HOUSING, case_id) == set()
    response = await post_form(client, f"/releases/{release_id}/revoke", {
        "when": "earlier", "received_at": "", "how": "written", "received_by": "x", "scope": "whole"}, token)
    assert response.status_code == 409  # wholly revoked: nothing left to revoke


async def test_a_release_expires_at_the_instant_its_last_day_ends(client, demo, clock_at):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    last_day = today() + timedelta(days=10)
    release_id = await record_release(client, token, case_id, release_form(demo, expires_on=last_day.isoformat()))
    _, end = policy.window(today(), last_day, (await cluster(demo))["time_zone"])
    clock_at(end - timedelta(minutes=1))
    await log_in(client, COORDINATOR)  # ten days on: a new session
    assert await seen(demo, HOUSING, case_id, at=end - timedelta(microseconds=1)) == COVERED
    assert await seen(demo, HOUSING, case_id, at=end) == set()
    state = page_text((await client.get(f"/releases/{release_id}")).text)
    assert "In force" in state
    clock_at(end)
    assert await seen(demo, HOUSING, case_id) == set()
    assert "Expired" in page_text((await client.get(f"/releases/{release_id}")).text)


async def test_an_event_ends_the_release_when_it_is_recorded(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    release_id = await record_release(client, token, case_id, release_form(
        demo, expires_on="", expiry_event="End of enrollment in the program"))
    assert await seen(demo, HOUSING, case_id) == COVERED
    page = page_text((await client.get(f"/releases/{release_id}")).text)
    assert "On the event: End of enrollment in the program" in page and "Not recorded as happened yet" in page
    response = await post_form(client, f"/releases/{release_id}/event", {}, token)
    assert response.status_code == 303
    assert await seen(demo, HOUSING, case_id) == set()
    page = page_text((await client.get(f"/releases/{release_id}")).text)
    assert "Expired" in page and "Recorded as happened" in page


async def test_the_signed_form_is_downloaded_only_by_those_who_manage_the_case(app, client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    release_id = await record_release(client, token, case_id, release_form(demo))
    response = await client.get(f"/releases/{release_id}/document")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["content-type"].startswith("application/pdf")
    for email, status in ((NURSE, 200), (HOUSING, 403), (TREATMENT, 403), (OB, 403), (HMG, 404), (SCHOOL, 404)):
        async with await make_client(app) as other:
            await log_in(other, email)
            assert (await other.get(f"/releases/{release_id}/document")).status_code == status, email


async def test_release_pages_are_for_the_cases_managers_others_get_403_if_they_may_know_the_case_else_404(
        app, client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    release_id = await record_release(client, token, case_id, release_form(demo))
    gets = [f"/cases/{case_id}/releases/new", f"/releases/{release_id}", f"/releases/{release_id}/supersede"]
    posts = [f"/cases/{case_id}/releases/new", f"/releases/{release_id}/revoke", f"/releases/{release_id}/event",
             f"/releases/{release_id}/supersede"]
    # The housing member is covered (knows the case), the treatment provider and the chair's hospital
    # hold records of it; Help Me Grow holds none and is covered by nothing; the school is not on the team.
    for email, status in ((HOUSING, 403), (TREATMENT, 403), (OB, 403), (CHC, 404), (HMG, 404), (SCHOOL, 404)):
        async with await make_client(app) as other:
            other_token = await log_in(other, email)
            for path in gets:
                response = await other.get(path)
                assert response.status_code == status, (email, path)
                assert "Maria Lopez" not in response.text
            for path in posts:
                response = await post_form(other, path, {"when": "now", "how": "written", "received_by": "x",
                                                         "scope": "whole"}, other_token)
                assert response.status_code == status, (email, path)
    assert not await Revocation.exists().where(Revocation.release == release_id)
    assert (await release_row(release_id))["event_recorded_at"] is None
    assert await Release.count().where(Release.case == case_id) == 1
    # A member of the lead agency manages the case as the coordinator does.
    async with await make_client(app) as nurse:
        await log_in(nurse, NURSE)
        for path in gets:
            assert (await nurse.get(path)).status_code == 200, path
    # No such release or case: 404 alike.
    assert (await client.get(f"/releases/{release_id + 1000}")).status_code == 404
    assert (await client.get(f"/cases/{case_id + 1000}/releases/new")).status_code == 404


async def test_a_drafts_signed_form_can_be_replaced_and_the_old_file_is_not_kept(client, demo):
    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    release_id = await record_release(client, token, case_id, release_form(demo), save="draft")
    first = (await release_row(release_id))["document_key"]
    assert first in STORAGE.keys()
    response = await post_release(client, token, f"/releases/{release_id}/edit", release_form(demo), save="draft",
                                  document=("Signed ROI page 1.png", PNG))
    assert response.status_code == 303
    row = await release_row(release_id)
    assert row["document_type"] == "image/png" and row["signed_at"] is None
    assert first not in STORAGE.keys() and row["document_key"] in STORAGE.keys()
    # Signing keeps the form already attached: no new upload is needed.
    response = await post_release(client, token, f"/releases/{release_id}/edit", release_form(demo), save="sign",
                                  document=None)
    assert response.status_code == 303
    assert (await release_row(release_id))["document_key"] == row["document_key"]


async def test_a_revocation_waits_for_a_disclosure_in_progress_and_the_next_one_sees_it(client, demo):
    """The revocation takes the team's case lock that disclose() holds: a disclosure reads it wholly
    before or wholly after, never half."""
    import asyncio

    from server.cases import disclosure, releases
    from server.db import lock_key, writing
    from tests.meetings_helpers import viewer_of

    case_id = await make_case(demo)
    token = await log_in(client, COORDINATOR)
    release_id = await record_release(client, token, case_id, release_form(demo))
    found = await releases.release_access(viewer_of(demo, COORDINATOR), release_id)
    held, done = asyncio.Event(), asyncio.Event()

    async def disclosure_in_progress() -> None:
        async with writing():
            await lock_key(disclosure.team_cases_lock(demo.team(CLUSTER)))
            held.set()
            await done.wait()

    reading = asyncio.create_task(disclosure_in_progress())
    await held.wait()
    revoking = asyncio.create_task(releases.revoke(found, {
        "when": "now", "how": "written", "received_by": "Priya Natarajan", "scope": "whole"}))
    await asyncio.sleep(0.5)
    assert not revoking.done()
    assert not await Revocation.exists().where(Revocation.release == release_id)
    done.set()
    await reading
    assert await asyncio.wait_for(revoking, 30) == {}
    assert await seen(demo, HOUSING, case_id) == set()
