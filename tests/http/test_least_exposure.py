"""Least exposure: staff contact details go to the people who work with them, and the SQLite
database is readable by its owner only (issue 7 §10; the outsider's 404 for a team is in
test_authorization)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from server.accounts.tables import Person
from server.db import make_engine
from tests.conftest import ADMIN, CHAIR, GUEST, SCHOOL, log_in, make_client

ANGELA = "school@maple.example"  # sits on the Community Collaborative for the school district


async def test_staff_emails_and_phones_show_only_to_people_who_share_a_team_with_them(app, demo):
    path = f"/agencies/{demo.agencies['MCS']}"
    phone = (await Person.select(Person.phone).where(Person.email == ANGELA).first())["phone"]
    assert phone
    for email, shown in ((ADMIN, True), (CHAIR, True), (SCHOOL, True),
                         (GUEST, False), ("derek.shaw@maple.example", False)):
        async with await make_client(app) as viewer:
            await log_in(viewer, email)
            page = await viewer.get(path)
            assert page.status_code == 200
            assert "Angela Brooks" in page.text  # who works there is no secret
            assert (f"mailto:{ANGELA}" in page.text) is shown, email
            assert (phone in page.text) is shown, email


async def test_a_new_sqlite_database_and_its_wal_are_readable_by_their_owner_only(tmp_path):
    path = tmp_path / "var" / "convene.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    await engine.run_ddl("PRAGMA journal_mode=WAL")
    await engine.run_ddl("CREATE TABLE note (body TEXT)")
    held_open = sqlite3.connect(path)  # the WAL lives while a connection does
    try:
        held_open.execute("INSERT INTO note VALUES ('kept')")
        held_open.commit()
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert file.exists(), file
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, (file, oct(file.stat().st_mode))
    finally:
        held_open.close()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


async def test_an_existing_database_readable_by_others_is_made_private(tmp_path):
    path = tmp_path / "convene.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
