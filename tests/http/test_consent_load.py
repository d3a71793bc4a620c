"""Fifty concurrent readers of one case while its release is revoked, against the real server with
two worker processes (issue 9's load check, on SQLite and PostgreSQL): every response to a request
made after the revocation committed is withheld, the ledger holds one row per disclosure actually
sent, and its chain verifies afterwards."""

from __future__ import annotations

import asyncio
import time

from server.cases import ledger
from tests.cases_helpers import (
    add_entry,
    add_identity,
    add_release,
    ledger_after,
    ledger_head,
    make_case,
)
from tests.conftest import COORDINATOR
from tests.http.test_concurrency import logged_in_client

CLIENT = "Loadtest Quintana-Reyes"
READERS = {  # covered by the release, all reading at once
    "tamara.nguyen@maple.example": "CPS", "nadia.haddad@maple.example": "MMC",
    "beth.lindqvist@maple.example": "MHAS", "olivia.grant@maple.example": "HMG",
    "derek.shaw@maple.example": "MCAP",
}
PER_READER = 10  # concurrent request loops per person: fifty readers in all


async def test_fifty_readers_during_a_revocation_see_nothing_after_it_commits_and_the_ledger_holds(
        demo, two_workers):
    team = demo.team("Perinatal Cluster")
    health = demo.agencies["MCHD"]
    case_id = await make_case(team, health, "PC-L0AD")
    await add_identity(case_id, health, CLIENT)
    await add_entry(case_id, health, "coordination", body="Home visits weekly.")
    release_id = await add_release(case_id, disclosing=[health], categories=["identity", "coordination"],
                                   receiving=[demo.agencies[agency] for agency in READERS.values()])
    head = await ledger_head()
    clients = [await logged_in_client(two_workers, email) for email in READERS]
    coordinator, token = await logged_in_client(two_workers, COORDINATOR)
    responses: list[tuple[float, int, bool]] = []  # (sent at, status, the case shown)
    stop = asyncio.Event()

    async def read(client) -> None:
        while not stop.is_set():
            sent = time.monotonic()
            response = await client.get(f"/cases/{case_id}")
            responses.append((sent, response.status_code, CLIENT in response.text))

    readers = [asyncio.create_task(read(client)) for client, _ in clients for _ in range(PER_READER)]
    try:
        await asyncio.sleep(1.5)
        revocation = await coordinator.post(f"/releases/{release_id}/revoke", data={
            "_csrf_token": token, "when": "now", "how": "written", "received_by": "Priya Natarajan",
            "scope": "whole"})
        committed = time.monotonic()
        await asyncio.sleep(1.5)
    finally:
        stop.set()
        await asyncio.gather(*readers)
        for client, _ in [*clients, (coordinator, token)]:
            await client.aclose()
    assert revocation.status_code == 303, revocation.text[:300]
    statuses = {status for _, status, _ in responses}
    assert statuses <= {200, 404}, statuses  # no 500, no "database is locked"
    after = [(status, shown) for sent, status, shown in responses if sent > committed]
    before = [shown for sent, status, shown in responses if sent < committed]
    assert after and all(status == 404 and not shown for status, shown in after)
    assert sum(before) > 50  # the readers did read the case while the release held
    shown = sum(1 for _, status, shown in responses if status == 200 and shown)
    rows = [row for row in await ledger_after(head) if row["case"] == case_id]
    assert len(rows) == shown
    assert all(row["basis"] == "release" and row["release"] == release_id and row["surface"] == "page"
               for row in rows)
    assert (await ledger.verify()).ok
