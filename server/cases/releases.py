"""Releases of information (CONSENT.md §2) and emergency declarations (§8): recording, signing,
correcting (a new version that supersedes), revoking, recording an expiry event, the signed form.

Only the people who manage a case (a coordinator on its team, a member of its lead agency) touch
its releases; anyone else who may know the case is refused (403), anyone else again finds nothing
(404). A signed release is never updated: the only changes to one are its `superseded_at` (set by
the release that replaces it) and its `event_recorded_at`. Every write that changes what a release
grants takes the team's case lock (`team-cases:<team>`) that disclosure.disclose() takes too, so a
disclosure reads a change wholly before or wholly after it, and the next request sees it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from anyio import to_thread

from server import clock
from server.accounts.policy import Viewer
from server.agencies.tables import Agency
from server.attachments import policy as files
from server.attachments.storage import Received, Storage
from server.cases import disclosure, policy
from server.cases import release_rules as rules
from server.cases.access import CaseAccess, case_access
from server.cases.policy import Reader, ReleaseTerms
from server.cases.tables import Case, Emergency, Release, ReleaseParty, Revocation
from server.config import settings
from server.db import lock_key, writing
from server.errors import Closed, Forbidden, NotFound
from server.i18n import N_, Formatted
from server.teams import membership
from server.teams.access import TeamAccess, team_access

log = logging.getLogger("convene")
# Signed forms are identity documents: a store of their own, apart from meeting documents (whose
# sweep removes what no attachment points at).
STORAGE = Storage(settings.files_dir / "releases")
FILES_LOCK = "release-files"
CASE_FIELDS = ("id", "team", "lead_agency", "reference", "status")

SIGNED_IS_FINAL = N_("A signed release cannot be changed. To correct or change it, record a new version that "
                     "supersedes it.")
NOT_SUPERSEDABLE = N_("Only a release that is in force (or not yet in effect) can be corrected. A release that was "
                      "revoked, expired or already superseded is replaced by recording a new release.")
NOT_REVOCABLE = N_("This release grants nothing any more: there is nothing to revoke.")
NO_EVENT = N_("This release does not end on an event, or its event is already recorded.")
REVOKED_RECIPIENT = N_("This release was revoked for %(agencies)s. A correction cannot give that back: record a new "
                       "release signed for them.")
NOT_MEDICAL = N_("Only members of a medical agency on this team may declare a medical emergency (42 CFR 2.51).")


# Who may do what to a case's releases.


async def managed_case(viewer: Viewer, case_id: int) -> CaseAccess:
    """The case, for someone who manages it (its releases are theirs to record): NotFound when the
    viewer may not know the case exists, Forbidden when they may read it but not manage it."""
    return await case_access(viewer, case_id, manage=True)


@dataclass(frozen=True)
class ReleaseAccess:
    access: CaseAccess
    release_id: int

    async def confirm(self) -> ReleaseAccess:
        return replace(self, access=await self.access.confirm())


async def release_access(viewer: Viewer, release_id: int) -> ReleaseAccess:
    """A release, for someone who manages its case (NotFound and Forbidden as case_access)."""
    row = await Release.select(Release.case).where(Release.id == release_id).first()
    if row is None:
        raise NotFound()
    return ReleaseAccess(await managed_case(viewer, row["case"]), release_id)


# What a release's form offers.


@dataclass(frozen=True)
class FormChoices:
    """The agencies a release may name (seated on the team, with the lead agency and whatever
    the release being edited or corrected named), by name; each one's people seated on the team."""

    agencies: list[dict]  # id, name, short_name, people: [{id, name}]

    @property
    def rules(self) -> rules.Choices:
        return rules.Choices(
            {agency["id"]: agency["name"] for agency in self.agencies},
            {person["id"]: (person["name"], agency["id"]) for agency in self.agencies for person in agency["people"]})


async def form_choices(access: CaseAccess, earlier: list[dict] = ()) -> FormChoices:
    """Two statements (three when an agency is named that no longer sits on the team)."""
    seats = await membership.seated(access.team, access.today, without_guests=True)
    agencies: dict[int, dict] = {}
    for seat in seats:
        agency = agencies.setdefault(seat["agency_id"], {
            "id": seat["agency_id"], "name": seat["agency_name"], "short_name": seat["agency_short"], "people": {}})
        agency["people"][seat["id"]] = seat["name"]
    for party in earlier:
        agency = agencies.setdefault(party["agency"], {
            "id": party["agency"], "name": party["agency.name"], "short_name": party["agency.short_name"],
            "people": {}})
        if party["person"] is not None:
            agency["people"].setdefault(party["person"], party["person.name"])
    if access.case["lead_agency"] not in agencies:
        lead = await Agency.select(Agency.id, Agency.name, Agency.short_name).where(
            Agency.id == access.case["lead_agency"]).first()
        if lead:
            agencies[lead["id"]] = {**lead, "people": {}}
    return FormChoices([
        {**agency, "people": [{"id": pid, "name": name} for pid, name in sorted(agency["people"].items(),
                                                                                key=lambda p: p[1].lower())]}
        for agency in sorted(agencies.values(), key=lambda a: a["name"].lower())])


async def _parties(release_id: int) -> list[dict]:
    return await ReleaseParty.select(
        ReleaseParty.agency, ReleaseParty.agency.name, ReleaseParty.agency.short_name, ReleaseParty.role,
        ReleaseParty.person, ReleaseParty.person.name,
    ).where(ReleaseParty.release == release_id).order_by(ReleaseParty.agency.name).order_by(ReleaseParty.id)


async def _release(release_id: int) -> dict:
    row = await Release.select(
        *Release.all_columns(), Release.recorded_by.name, Release.event_recorded_by.name,
    ).where(Release.id == release_id).first()
    if row is None:
        raise NotFound()
    return row


async def _terms(access: CaseAccess, release_id: int) -> ReleaseTerms:
    """The release as the decision reads it (its state comes from policy.state)."""
    terms = (await disclosure.release_terms([access.case["id"]], access.team["time_zone"]))[access.case["id"]]
    return next(t for t in terms if t.id == release_id)


async def draft_values(found: ReleaseAccess) -> tuple[dict, dict[str, str], FormChoices]:
    """A draft and its form's values, to edit it; Closed once it is signed."""
    release = await _release(found.release_id)
    if release["signed_at"] is not None:
        raise Closed(SIGNED_IS_FINAL)
    parties = await _parties(found.release_id)
    return release, rules.form_values(release, parties), await form_choices(found.access, parties)


async def correction_values(found: ReleaseAccess) -> tuple[dict, dict[str, str], FormChoices]:
    """The release to correct and a form that starts from it (without the recipients it was
    revoked for); Closed when it cannot be corrected."""
    release = await _release(found.release_id)
    terms = await _terms(found.access, found.release_id)
    if not rules.may_supersede(policy.state(terms, clock.now())):
        raise Closed(NOT_SUPERSEDABLE)
    parties = await _parties(found.release_id)
    revoked = {r.agency_id for r in terms.revocations if r.agency_id is not None}
    values = rules.without_revoked(rules.form_values(release, parties), revoked)
    values["keep_document"] = "on" if release["document_key"] else ""
    return release, values, await form_choices(found.access, parties)


# The signed form.


@dataclass(frozen=True)
class Upload:
    received: Received
    name: str
    media_type: str


def _identify(name: str, path: Path) -> str:
    with path.open("rb") as file:
        return files.file_type(name, file)[0]


async def receive_document(filename: str | None, source: BinaryIO | None) -> tuple[Upload | None, str | None]:
    """An uploaded signed form, checked (a PDF or an image, told by its content; within the
    upload limit) and held in incoming/ until the release's write places it: (upload, None), or
    (None, the field message). No file chosen: (None, None). Callers discard() it afterwards."""
    if source is None or not filename:
        return None, None
    name, problem = files.file_name(filename)
    if problem:
        return None, problem
    received = await to_thread.run_sync(STORAGE.receive, source, settings.max_upload_bytes)
    if received is None:
        return None, files.too_large(settings.max_upload_mb)
    try:
        kind = await to_thread.run_sync(_identify, name, received.path)
    except files.Refused as refused:
        await to_thread.run_sync(STORAGE.discard, received)
        return None, refused.message
    if not rules.accepted_document(kind):
        await to_thread.run_sync(STORAGE.discard, received)
        return None, rules.NOT_A_DOCUMENT
    if received.size == 0:
        await to_thread.run_sync(STORAGE.discard, received)
        return None, files.EMPTY
    return Upload(received, name, files.TYPES[kind].media_type), None


async def discard(upload: Upload | None) -> None:
    if upload is not None:
        await to_thread.run_sync(STORAGE.discard, upload.received)


async def _place(upload: Upload) -> dict:
    """Inside the write: the file under its key; the release's document columns."""
    await lock_key(FILES_LOCK)
    await to_thread.run_sync(STORAGE.place, upload.received)
    return {"document_name": upload.name, "document_type": upload.media_type, "document_size": upload.received.size,
            "document_key": upload.received.key}


async def forget(key: str) -> None:
    """Removes the stored form under `key` unless a release points at it (a failed write, a draft
    whose form was replaced). A failure leaves a harmless file, never served."""
    if not key:
        return
    try:
        async with writing():
            await lock_key(FILES_LOCK)
            if not await Release.exists().where(Release.document_key == key):
                await to_thread.run_sync(STORAGE.remove, key)
    except Exception:
        log.exception("could not remove the unused signed form %s", key)


async def open_document(found: ReleaseAccess) -> tuple[BinaryIO, dict]:
    """The signed form of the release (NotFound when it has none, or the file is gone)."""
    row = await Release.select(Release.document_key, Release.document_name, Release.document_type,
                               Release.document_size).where(Release.id == found.release_id).first()
    if row is None or not row["document_key"]:
        raise NotFound()
    try:
        return await to_thread.run_sync(STORAGE.open, row["document_key"]), row
    except FileNotFoundError:
        log.error("release %s: its signed form %s is missing", found.release_id, row["document_key"])
        raise NotFound() from None


# Recording, editing and signing, correcting.


async def _write_parties(release_id: int, data: rules.ReleaseInput) -> None:
    await ReleaseParty.insert(*[ReleaseParty(release=release_id, agency=agency, role=role, person=person)
                                for agency, role, person in data.parties])


def _document_errors(data_signature: bool, has_document: bool, upload_problem: str | None,
                     signing: bool) -> dict[str, str]:
    if upload_problem:
        return {"document": upload_problem}
    problem = rules.document_problem(has_document, data_signature, signing)
    return {"document": problem} if problem else {}


async def record(access: CaseAccess, form: dict[str, str], upload: Upload | None, upload_problem: str | None,
                 *, signing: bool) -> tuple[int | None, dict[str, str]]:
    """A new release of the case, as a draft or signed now: (its id, {}) or field messages with
    nothing written."""
    placed = ""
    try:
        async with writing():
            access = await access.confirm()
            await lock_key(disclosure.team_cases_lock(access.team["id"]))
            choices = await form_choices(access)
            data, errors = rules.validate_release(form, choices.rules, access.today, signing=signing)
            errors |= _document_errors(rules.checked_signature(form), upload is not None, upload_problem, signing)
            if data is None or errors:
                return None, errors
            document = await _place(upload) if upload else {}
            placed = document.get("document_key", "")
            now = clock.now()
            row = await Release.insert(Release(
                case=access.case["id"], version=1, **data.columns, **document, recorded_by=access.viewer.id,
                recorded_at=now, signed_at=now if signing else None,
            )).returning(Release.id)
            await _write_parties(row[0]["id"], data)
    except BaseException:
        await forget(placed)
        raise
    return row[0]["id"], {}


async def edit_draft(found: ReleaseAccess, form: dict[str, str], upload: Upload | None, upload_problem: str | None,
                     *, signing: bool) -> tuple[int | None, dict[str, str]]:
    """A draft changed (and perhaps signed now). Closed once it is signed: a signed release is
    never updated."""
    placed, replaced = "", ""
    try:
        async with writing():
            found = await found.confirm()
            access = found.access
            await lock_key(disclosure.team_cases_lock(access.team["id"]))
            current = await _release(found.release_id)
            if current["signed_at"] is not None:
                raise Closed(SIGNED_IS_FINAL)
            choices = await form_choices(access, await _parties(found.release_id))
            data, errors = rules.validate_release(form, choices.rules, access.today, signing=signing)
            has_document = upload is not None or bool(current["document_key"])
            errors |= _document_errors(rules.checked_signature(form), has_document, upload_problem, signing)
            if data is None or errors:
                return None, errors
            document = await _place(upload) if upload else {}
            placed = document.get("document_key", "")
            now = clock.now()
            changes = {**data.columns, **document, "recorded_by": access.viewer.id, "recorded_at": now,
                       "signed_at": now if signing else None}
            updated = await Release.update({getattr(Release, key): value for key, value in changes.items()}).where(
                (Release.id == found.release_id) & Release.signed_at.is_null()).returning(Release.id)
            if not updated:
                raise Closed(SIGNED_IS_FINAL)
            await ReleaseParty.delete().where(ReleaseParty.release == found.release_id)
            await _write_parties(found.release_id, data)
            if placed and current["document_key"] != placed:
                replaced = current["document_key"]
    except BaseException:
        await forget(placed)
        raise
    await forget(replaced)
    return found.release_id, {}


@dataclass(frozen=True)
class Locked:
    """A release read inside a write that holds its team's cases lock: what changes it checks."""

    found: ReleaseAccess
    release: dict
    terms: ReleaseTerms
    now: datetime

    @property
    def access(self) -> CaseAccess:
        return self.found.access

    @property
    def state(self) -> str:
        return policy.state(self.terms, self.now)


async def _locked(found: ReleaseAccess) -> Locked:
    """Inside writing(): the viewer's right confirmed, the team's cases locked (a disclosure reads
    the change wholly before or after), the release and its terms read now."""
    found = await found.confirm()
    await lock_key(disclosure.team_cases_lock(found.access.team["id"]))
    return Locked(found, await _release(found.release_id), await _terms(found.access, found.release_id), clock.now())


async def supersede(found: ReleaseAccess, form: dict[str, str], upload: Upload | None,
                    upload_problem: str | None) -> tuple[int | None, dict[str, str]]:
    """A correction or change: a new release, signed now, version + 1, that supersedes the old one,
    whose `superseded_at` is set in the same transaction (and nothing else of it changes)."""
    placed = ""
    try:
        async with writing():
            locked = await _locked(found)
            found, access, old, terms, now = locked.found, locked.access, locked.release, locked.terms, locked.now
            if not rules.may_supersede(locked.state):
                raise Closed(NOT_SUPERSEDABLE)
            parties = await _parties(found.release_id)
            choices = await form_choices(access, parties)
            data, errors = rules.validate_release(form, choices.rules, access.today, signing=True)
            revoked = {r.agency_id for r in terms.revocations if r.agency_id is not None}
            if data is not None and revoked & set(data.recipients):
                names = ", ".join(choices.rules.agencies[a] for a in sorted(revoked & set(data.recipients)))
                errors["recipients"] = Formatted(REVOKED_RECIPIENT, agencies=names)
            keep = rules.keeps_document(form) and bool(old["document_key"]) and upload is None
            errors |= _document_errors(rules.checked_signature(form), upload is not None or keep, upload_problem,
                                       True)
            if data is None or errors:
                return None, errors
            if upload:
                document = await _place(upload)
                placed = document["document_key"]
            elif keep:
                document = {key: old[key] for key in ("document_name", "document_type", "document_size",
                                                       "document_key")}
            else:
                document = {}
            row = await Release.insert(Release(
                case=access.case["id"], version=old["version"] + 1, supersedes=old["id"], **data.columns, **document,
                recorded_by=access.viewer.id, recorded_at=now, signed_at=now,
            )).returning(Release.id)
            await _write_parties(row[0]["id"], data)
            superseded = await Release.update({Release.superseded_at: now}).where(
                (Release.id == old["id"]) & Release.superseded_at.is_null() & Release.signed_at.is_not_null()
            ).returning(Release.id)
            if not superseded:
                raise Closed(NOT_SUPERSEDABLE)
    except BaseException:
        await forget(placed)
        raise
    return row[0]["id"], {}


# Revocation and expiry by event.


async def revoke(found: ReleaseAccess, form: dict[str, str]) -> dict[str, str]:
    """A revocation, whole or for named recipients (a row per agency); {} or field messages."""
    async with writing():
        locked = await _locked(found)
        found, access, release, terms, now = locked.found, locked.access, locked.release, locked.terms, locked.now
        if not rules.may_revoke(locked.state):
            raise Closed(NOT_REVOCABLE)
        revoked = {r.agency_id for r in terms.revocations}
        data, errors = rules.validate_revocation(form, set(terms.recipients) - revoked, release["signed_on"], now,
                                                 access.team["time_zone"])
        if data is None:
            return errors
        await Revocation.insert(*[
            Revocation(release=found.release_id, agency=agency, effective_at=data.effective_at, how=data.how,
                       received_by=data.received_by, recorded_by=access.viewer.id, recorded_at=now)
            for agency in (data.agencies or (None,))])
    return {}


async def record_event(found: ReleaseAccess) -> None:
    """The event the release expires on has happened: it grants nothing from now on."""
    async with writing():
        locked = await _locked(found)
        release = locked.release
        if not rules.may_record_event(locked.state, release["expiry_event"], release["event_recorded_at"] is not None):
            raise Closed(NO_EVENT)
        await Release.update({
            Release.event_recorded_at: locked.now, Release.event_recorded_by: locked.access.viewer.id,
        }).where((Release.id == release["id"]) & Release.event_recorded_at.is_null())


# The release page.


async def release_page(found: ReleaseAccess) -> dict:
    """Everything the release page shows: the release, its parties, its state now, its revocations
    and its place among the case's versions."""
    access = found.access
    release = await _release(found.release_id)
    parties = await _parties(found.release_id)
    terms = await _terms(access, found.release_id)
    revocations = await Revocation.select(
        Revocation.id, Revocation.agency, Revocation.agency.name, Revocation.effective_at, Revocation.how,
        Revocation.received_by, Revocation.recorded_by.name, Revocation.recorded_at,
    ).where(Revocation.release == found.release_id).order_by(Revocation.effective_at).order_by(Revocation.id)
    versions = await Release.select(Release.id, Release.version, Release.supersedes, Release.signed_at,
                                    Release.superseded_at).where(Release.case == access.case["id"])
    now = access.viewer.at
    state = policy.state(terms, now)
    revoked_agencies = {r["agency"] for r in revocations if r["agency"] is not None}
    recipients = []
    for party in parties:
        if party["role"] != "receives":
            continue
        if party["person"] is None:
            recipients.append({**party, "named": [], "revoked": party["agency"] in revoked_agencies})
    for party in parties:
        if party["role"] == "receives" and party["person"] is not None:
            owner = next((r for r in recipients if r["agency"] == party["agency"]), None)
            if owner is not None:
                owner["named"].append(party["person.name"])
    return {
        "release": release, "state": state, "case": access.case, "team": access.team,
        "disclosing": [p for p in parties if p["role"] == "discloses"], "recipients": recipients,
        "categories": [c for c in release["categories"].split(",") if c],
        "revocations": revocations,
        "supersedes": next((v for v in versions if v["id"] == release["supersedes"]), None),
        "superseded_by": next((v for v in versions if v["supersedes"] == release["id"]), None),
        "may_edit": rules.may_edit(state), "may_supersede": rules.may_supersede(state),
        "may_revoke": rules.may_revoke(state),
        "may_record_event": rules.may_record_event(state, release["expiry_event"],
                                                   release["event_recorded_at"] is not None),
        "open_recipients": [r for r in recipients if not r["revoked"]],
        "expires_day": release["expires_on"],
    }


# Emergency access (42 CFR 2.51).


@dataclass(frozen=True)
class EmergencyAccess:
    team: TeamAccess
    reader: Reader
    agency_name: str


async def emergency_access(viewer: Viewer, team_id: int) -> EmergencyAccess:
    """A member of a medical agency on the team. NotFound for anyone not on the team; Forbidden,
    saying who may, for everyone else on it."""
    found = await team_access(viewer, team_id, lambda v, standing: bool(standing.roles))
    reader = (await disclosure.readers(found.team, [viewer.id], viewer.at))[viewer.id][0]
    agency = None
    if reader.agency_id is not None:
        agency = await Agency.select(Agency.name, Agency.sector).where(Agency.id == reader.agency_id).first()
    if not policy.may_declare_emergency(reader, agency["sector"] if agency else None):
        raise Forbidden(NOT_MEDICAL)
    return EmergencyAccess(found, reader, agency["name"] if agency else "")


async def declare_emergency(found: EmergencyAccess, form: dict[str, str]) -> tuple[dict | None, dict[str, str]]:
    """An emergency on the team's case of that reference, for the declarer alone, for one hour
    from now: ({case id, ends_at}, {}) or field messages. A reference of another team's case is
    unknown here, exactly as one that does not exist."""
    data, errors = rules.validate_emergency(form)
    if data is None:
        return None, errors
    reference, reason = data
    async with writing():
        found = await emergency_access(found.team.viewer, found.team.team["id"])
        team_id = found.team.team["id"]
        await lock_key(disclosure.team_cases_lock(team_id))
        case = await Case.select(Case.id).where((Case.team == team_id) & (Case.reference == reference)).first()
        if case is None:
            return None, {"reference": rules.UNKNOWN_REFERENCE}
        now = clock.now()
        ends_at = now + policy.EMERGENCY_LENGTH
        await Emergency.insert(Emergency(case=case["id"], person=found.team.viewer.id, agency=found.reader.agency_id,
                                         reason=reason, declared_at=now, ends_at=ends_at))
    return {"case_id": case["id"], "ends_at": ends_at}, {}


async def my_emergencies(found: EmergencyAccess) -> list[dict]:
    """The declarer's own emergencies on this team still open now (to go back to the case)."""
    return await Emergency.select(Emergency.case, Emergency.case.reference, Emergency.ends_at).where(
        (Emergency.person == found.team.viewer.id) & (Emergency.case.team == found.team.team["id"])
        & (Emergency.ends_at > found.team.viewer.at)).order_by(Emergency.declared_at, ascending=False)

