"""Cases and their entries: the team's list (and its search), opening a case with the client's
identity, adding entries (a file among them), and the case as a page, a print view and a CSV.

Everything shown of a case comes from disclosure.py (the decision and the ledger); this module
writes cases and entries and reads only what is not a case detail (agencies, the roster).

A file entry is checked (size, name, content) before any transaction begins; the write then
re-reads the viewer's right to the case, renames the file into place and inserts its row. A
failure after the rename leaves a file no row points at, which is removed at once (and by
`sweep` at the next start, should the process die first). Case files live apart from meeting
documents (their own folder under CONVENE_FILES_DIR), so neither's clean-up touches the other's.
"""

from __future__ import annotations

import csv
import io
import logging
import sqlite3
from datetime import date
from typing import BinaryIO

from anyio import to_thread

from server import clock
from server.agencies.tables import Agency
from server.attachments import policy as files
from server.attachments.storage import Received, Storage
from server.cases import disclosure, entry_rules, policy
from server.cases.access import CaseAccess, CasesAccess
from server.cases.disclosure import CaseView
from server.cases.entry_rules import EntryInput
from server.cases.tables import Case, CaseEntry
from server.config import settings
from server.db import lock_key, writing
from server.errors import Forbidden, NotFound
from server.i18n import N_, gettext
from server.teams import membership

log = logging.getLogger("convene")
STORAGE = Storage(settings.files_dir / "case-entries")
FILES_LOCK = "case-entry-files"  # placing a file and removing one no row points at never interleave
REFERENCE_LOCK = "case-reference"
REFERENCE_TRIES = 5
CANDIDATES = 8  # references tried at once: one statement tells which are free


# The team's list and its search.


async def case_list(access: CasesAccess, query: str) -> list[dict]:
    """The team's cases the viewer may read or manage, each with its reference, status and the
    client's name where an identity entry is shown (else None: "details withheld"). With a query,
    only the cases it matches within what the viewer may see; only what is listed is recorded."""
    keep = (lambda case, entries: entry_rules.matches(query, case["reference"], entries)) if query else None
    shown = await disclosure.disclose(access.viewer, access.team, None, "list", kinds=frozenset({"identity"}),
                                      keep=keep)
    rows = [{"id": one.case["id"], "reference": one.case["reference"], "status": one.case["status"],
             "client_name": one.client_name, "may_manage": one.may_manage} for one in shown.values()]
    return sorted(rows, key=lambda row: (row["status"] != "open", row["reference"]))


async def seated_agencies(team: dict, day: date) -> list[dict]:
    """The agencies people sit for on the team on `day` (guests aside), by name: id, name."""
    seats = await membership.seated(team, day, without_guests=True)
    agencies = {seat["agency_id"]: seat["agency_name"] for seat in seats}
    return [{"id": agency_id, "name": name} for agency_id, name in sorted(agencies.items(), key=lambda kv: kv[1])]


# Opening a case.


def _duplicate(exc: BaseException) -> bool:
    """A unique constraint refused the row (SQLite or PostgreSQL)."""
    if isinstance(exc, sqlite3.IntegrityError):
        return "unique" in str(exc).lower()
    return type(exc).__name__ == "UniqueViolationError"


async def open_case(access: CasesAccess, form: dict[str, str]) -> tuple[int | None, dict[str, str]]:
    """A new case with its identity entry: the case's id, or field messages (nothing written)."""
    for attempt in range(REFERENCE_TRIES):
        try:
            return await _open_case(access, form)
        except Exception as exc:
            if not _duplicate(exc) or attempt == REFERENCE_TRIES - 1:
                raise
            log.warning("a new case reference was taken meanwhile; trying another")
    raise AssertionError("unreachable")


async def _open_case(access: CasesAccess, form: dict[str, str]) -> tuple[int | None, dict[str, str]]:
    async with writing():
        access = await access.confirm()
        if not access.may_create:
            raise Forbidden()
        seated = {agency["id"] for agency in await seated_agencies(access.team, access.today)}
        lead, errors = entry_rules.lead_agency(form, access.reader.agency_id, access.may_choose_lead, seated)
        identity, problems = entry_rules.validate_identity(form, access.today)
        errors.update(problems)
        if access.reader.agency_id is None:
            errors.setdefault("form", entry_rules.NO_AGENCY)  # the identity entry's source would be no one
        if errors or identity is None or lead is None:
            return None, errors
        now = clock.now()
        await lock_key(REFERENCE_LOCK)
        reference = await _free_reference(access.team["kind"])
        rows = await Case.insert(Case(
            team=access.team["id"], lead_agency=lead, reference=reference, status="open",
            created_by=access.viewer.id, created_at=now, version=1,
        )).returning(Case.id)
        case_id = rows[0]["id"]
        await CaseEntry.insert(CaseEntry(
            case=case_id, kind="identity", category="identity", source_agency=access.reader.agency_id,
            title=identity.client_name, body=identity.contact, client_name=identity.client_name,
            date_of_birth=identity.date_of_birth, recorded_by=access.viewer.id, recorded_at=now,
        ))
    return case_id, {}


async def _free_reference(team_kind: str) -> str:
    """A reference no case has (under REFERENCE_LOCK: the check holds until the insert commits)."""
    while True:
        candidates = list(dict.fromkeys(policy.new_reference(team_kind) for _ in range(CANDIDATES)))
        taken = {row["reference"] for row in await Case.select(Case.reference).where(Case.reference.is_in(candidates))}
        free = [reference for reference in candidates if reference not in taken]
        if free:
            return free[0]


# Adding entries.


async def add_entry(access: CaseAccess, form: dict[str, str], filename: str | None,
                    source: BinaryIO | None) -> tuple[int | None, dict[str, str]]:
    """An entry of the viewer's agency on the case: its id, or field messages with nothing
    written (and, for a file, nothing left in storage)."""
    seated = {agency["id"] for agency in await seated_agencies(access.team, access.today)}
    data, errors = entry_rules.validate_entry(form, seated)
    name = ""
    if form.get("kind") == "attachment":
        if source is None or not filename:
            errors["file"] = files.NO_FILE
        else:
            name, problem = files.file_name(filename)
            if problem:
                errors["file"] = problem
    if errors or data is None:
        return None, errors
    if data.kind != "attachment":
        return await _write_entry(access, data)
    settings.files_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    received = await to_thread.run_sync(STORAGE.receive, source, settings.max_upload_bytes)
    if received is None:
        return None, {"file": files.too_large(settings.max_upload_mb)}
    try:
        try:
            _, found = await to_thread.run_sync(_identify, name, received)
        except files.Refused as refused:
            return None, {"file": refused.message}
        return await _write_entry(access, data, (name, found.media_type, received))
    finally:
        await to_thread.run_sync(STORAGE.discard, received)  # nothing to do once it is in place


def _identify(name: str, received: Received) -> tuple[str, files.FileType]:
    with received.path.open("rb") as file:
        return files.file_type(name, file)


async def _write_entry(access: CaseAccess, data: EntryInput,
                       file: tuple[str, str, Received] | None = None) -> tuple[int | None, dict[str, str]]:
    placed = False
    try:
        async with writing():
            access = await access.confirm()  # NotFound if the right to the case went meanwhile
            if not access.may_add_entries:
                return None, {"form": entry_rules.NO_AGENCY}
            if data.owner_agency is not None and data.owner_agency not in {
                    agency["id"] for agency in await seated_agencies(access.team, access.today)}:
                return None, {"owner_agency_id": entry_rules.NO_OWNER}
            stored = {}
            if file is not None:
                name, media_type, received = file
                await lock_key(FILES_LOCK)
                await to_thread.run_sync(STORAGE.place, received)
                placed = True
                stored = {"file_name": name, "media_type": media_type, "size": received.size,
                          "storage_key": received.key}
            rows = await CaseEntry.insert(CaseEntry(
                case=access.case["id"], kind=data.kind, category=data.category,
                source_agency=access.reader.agency_id, title=data.title, body=data.body, due_on=data.due_on,
                status=data.status, owner_agency=data.owner_agency, recorded_by=access.viewer.id,
                recorded_at=clock.now(), **stored,
            )).returning(CaseEntry.id)
    except BaseException:
        if placed and file is not None:
            await _forget_quietly(file[2].key)
        raise
    return rows[0]["id"], {}


async def open_file(entry: dict) -> BinaryIO:
    """A file entry's stored bytes (the entry as read_case(..., with_storage=True) showed it)."""
    if entry["kind"] != "attachment" or not entry.get("storage_key"):
        raise NotFound()
    try:
        return await to_thread.run_sync(STORAGE.open, entry["storage_key"])
    except (FileNotFoundError, ValueError):
        log.error("case entry %s: its stored file is missing", entry["id"])
        raise NotFound() from None


async def forget(key: str) -> None:
    """Removes the stored file under `key` unless an entry points at it."""
    async with writing():
        await lock_key(FILES_LOCK)
        if not await CaseEntry.exists().where(CaseEntry.storage_key == key):
            await to_thread.run_sync(STORAGE.remove, key)


async def _forget_quietly(key: str) -> None:
    try:
        await forget(key)
    except Exception:
        log.exception("could not remove the unused stored case file %s", key)


async def sweep() -> None:
    """At start: removes case files no entry points at, and uploads abandoned by dead processes."""
    await to_thread.run_sync(STORAGE.remove_abandoned_uploads)
    stored = await to_thread.run_sync(STORAGE.keys)
    if not stored:
        return
    async with writing():
        await lock_key(FILES_LOCK)
        kept = {row["storage_key"] for row in await CaseEntry.select(CaseEntry.storage_key).where(
            CaseEntry.storage_key != "")}
        for key in stored - kept:
            await to_thread.run_sync(STORAGE.remove, key)


# The case as a page, a print view and a CSV file.


async def lead_agency(case: dict) -> dict | None:
    return await Agency.select(Agency.id, Agency.name, Agency.short_name).where(
        Agency.id == case["lead_agency"]).first()


async def case_context(view: CaseView) -> dict:
    """What the case page, its print view and its export show: only what read_case permitted."""
    return {
        "case": view.case, "team": view.team, "zone": view.team["time_zone"], "lead": await lead_agency(view.case),
        "client_name": view.shown.client_name, "sections": entry_rules.sections(view.shown.entries),
        "withheld": view.shown.withheld, "may_manage": view.shown.may_manage, "view": view,
        "releases": releases_with_state(view), "RELEASE_STATES": policy.STATES,
    }


def releases_with_state(view: CaseView) -> list[dict]:
    """The case's releases (for those who manage it), newest first, each with its state now."""
    terms = {release.id: release for release in view.terms}
    return [{**row, "state": policy.state(terms[row["id"]], view.at),
             "category_codes": [code for code in row["categories"].split(",") if code]}
            for row in view.releases if row["id"] in terms]


EXPORT_HEADINGS = (
    N_("Reference"), N_("Section"), N_("Category"), N_("Source agency"), N_("Title"), N_("Details"),
    N_("Client name"), N_("Date of birth"), N_("Due"), N_("Status"), N_("Owner agency"), N_("File name"),
    N_("Recorded by"), N_("Recorded at"), N_("Notice"),
)


def export_csv(view: CaseView) -> str:
    """The entries the viewer may see, one row each, every cell safe to open in a spreadsheet;
    a Part 2 or FERPA entry carries its notice in its own row; a last row says where details
    are withheld (never how many)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([gettext(label) for label in EXPORT_HEADINGS])
    reference = view.case["reference"]
    zone = clock.zone(view.team["time_zone"])
    for entry in view.shown.entries:
        notice = entry_rules.entry_notice(entry["category"])
        writer.writerow([entry_rules.csv_cell(value) for value in (
            reference, gettext(entry_rules.SECTIONS.get(entry["kind"], entry["kind"])),
            gettext(policy.CATEGORIES.get(entry["category"], entry["category"])), entry["source_agency.name"],
            entry["title"] if entry["kind"] != "identity" else "", entry["body"], entry["client_name"],
            entry["date_of_birth"], entry["due_on"], _status(entry), entry["owner_agency.name"] or "",
            entry["file_name"], entry["recorded_by.name"] or "",
            entry["recorded_at"].astimezone(zone).isoformat(timespec="minutes") if entry["recorded_at"] else "",
            gettext(policy.NOTICE_TEXT[notice]) if notice else "",
        )])
    if view.shown.withheld:
        writer.writerow([entry_rules.csv_cell(reference), "", "", "", gettext("Details withheld")]
                        + [""] * (len(EXPORT_HEADINGS) - 5))
    return out.getvalue()


def _status(entry: dict) -> str:
    label = entry_rules.ACTION_STATUSES.get(entry["status"]) if entry["kind"] == "action" else None
    return gettext(label) if label else ""

