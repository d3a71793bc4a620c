"""`convene audit verify`: the disclosure ledger's chain holds on the demo after more disclosures,
and breaks at the first row edited or removed; with an anchor kept outside the database, rows cut
off the end (or a chain rewritten whole) are found too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from server.cases import ledger
from server.cases.audit import Head, audit, read_anchor, write_anchor
from server.cases.tables import Disclosure
from tests.cases_helpers import shown
from tests.conftest import COORDINATOR, FAMILY, TREATMENT, WORK_DIR

CLUSTER = "Perinatal Cluster"


def convene(*args: str) -> subprocess.CompletedProcess:
    """The real command, against the test database (and the test clock, through the environment)."""
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=dict(os.environ), capture_output=True,
                          text=True, timeout=120)


async def some_disclosures(demo) -> None:
    for email in (COORDINATOR, TREATMENT, FAMILY):
        await shown(email, demo.team(CLUSTER))
        await shown(email, demo.team("CFT"), surface="print")


async def ids() -> list[int]:
    return [row["id"] for row in await Disclosure.select(Disclosure.id).order_by(Disclosure.id)]


def anchor_file(name: str) -> Path:
    return WORK_DIR / f"ledger-head-{name}-{os.getpid()}"


async def test_the_command_verifies_the_demo_ledger_after_more_disclosures(demo):
    before = await Disclosure.count()
    await some_disclosures(demo)
    rows = await Disclosure.count()
    assert rows > before
    result = convene("audit", "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{rows} rows; ledger verified" in result.stdout


async def test_the_command_fails_at_a_row_edited_in_the_database(demo):
    await some_disclosures(demo)
    row_ids = await ids()
    edited = row_ids[len(row_ids) // 2]
    await Disclosure.raw("UPDATE disclosure SET categories = {} WHERE id = {}", "housing", edited)
    assert (await audit()).broken_at == edited
    result = convene("audit", "verify")
    assert result.returncode == 1
    assert f"ledger broken at row {edited}" in result.stderr and "verified" not in result.stdout


async def test_a_row_deleted_in_the_middle_breaks_the_chain_at_the_row_after_it(demo):
    row_ids = await ids()
    gone = row_ids[len(row_ids) // 2]
    await Disclosure.raw("DELETE FROM disclosure WHERE id = {}", gone)
    verdict = await ledger.verify()
    assert verdict.broken_at == row_ids[len(row_ids) // 2 + 1]
    assert (await audit()).broken_at == verdict.broken_at


async def test_editing_the_first_or_the_last_row_breaks_it_too(demo):
    row_ids = await ids()
    await Disclosure.raw("UPDATE disclosure SET viewer_name = {} WHERE id = {}", "Someone Else", row_ids[-1])
    assert (await audit()).broken_at == row_ids[-1]
    await Disclosure.raw("UPDATE disclosure SET viewer_name = {} WHERE id = {}", "Someone Else", row_ids[0])
    assert (await audit()).broken_at == row_ids[0]


async def test_rows_cut_off_the_end_pass_the_chain_but_not_the_anchor(demo):
    path = anchor_file("cut")
    first = convene("audit", "verify", "--anchor", str(path))
    assert first.returncode == 0, first.stderr
    recorded = read_anchor(path)
    assert recorded is not None and recorded.rows == await Disclosure.count()
    row_ids = await ids()
    await Disclosure.raw("DELETE FROM disclosure WHERE id >= {}", row_ids[-3])
    assert (await ledger.verify()).ok  # a shorter chain still holds: only the anchor tells
    result = convene("audit", "verify", "--anchor", str(path))
    assert result.returncode == 1 and "ledger shortened" in result.stderr
    assert read_anchor(path) == recorded  # a failed check records nothing


async def test_the_anchor_passes_when_rows_were_only_added_since_and_moves_to_the_new_head(demo):
    path = anchor_file("grow")
    write_anchor(path, (await audit()).head)
    await some_disclosures(demo)
    result = convene("audit", "verify", "--anchor", str(path))
    assert result.returncode == 0, result.stderr
    assert read_anchor(path).rows == await Disclosure.count()


async def test_a_chain_rewritten_whole_after_an_edit_is_caught_by_the_anchor(demo):
    anchor = (await audit()).head
    rows = await Disclosure.select().order_by(Disclosure.id)
    rows[1]["categories"] = "housing"
    previous = ledger.GENESIS
    for row in rows:  # a careful forger recomputes every hash after the edit
        digest = ledger.row_hash(previous, row)
        await Disclosure.raw("UPDATE disclosure SET categories = {}, previous_hash = {}, hash = {} WHERE id = {}",
                             row["categories"], previous, digest, row["id"])
        previous = digest
    assert (await ledger.verify()).ok
    assert (await audit(anchor)).lost_anchor == anchor


async def test_an_empty_ledger_verifies_and_an_unreadable_anchor_is_refused(demo):
    await Disclosure.raw("DELETE FROM disclosure")
    assert await audit() == type(await audit())(0, Head(0, ledger.GENESIS), None)
    path = anchor_file("bad")
    path.write_text("not a head\n")
    result = convene("audit", "verify", "--anchor", str(path))
    assert result.returncode == 2 and "cannot read the anchor" in result.stderr
