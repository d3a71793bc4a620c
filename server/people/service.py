"""The people directory: who works where, kept by the site admin."""

from __future__ import annotations

from datetime import datetime

from server import clock
from server.accounts.policy import Viewer
from server.accounts.service import create_password_link
from server.accounts.tables import Affiliation, LoginSession, PasswordToken, Person
from server.agencies.tables import Agency
from server.db import contains, lock_key, reading, writing
from server.i18n import N_
from server.people.policy import PersonInput, own_admin_rights_problem, validate_person
from server.teams import membership
from server.teams.tables import Membership


async def agency_choices(active_only: bool = True) -> list[dict]:
    query = Agency.select(Agency.id, Agency.name, Agency.short_name).order_by(Agency.name)
    if active_only:
        query = query.where(Agency.active == True)  # noqa: E712
    return await query


async def list_people(at: datetime, search: str = "", include_inactive: bool = False, limit: int = 200) -> list[dict]:
    """People with their agency at `at`, filtered by name, email or agency; at most `limit`."""
    search = " ".join(search.split())[:100]
    query = Person.select(
        Person.id, Person.name, Person.email, Person.phone, Person.title, Person.active,
        Person.is_site_admin,
    ).order_by(Person.name).limit(limit)
    if not include_inactive:
        query = query.where(Person.active == True)  # noqa: E712
    async with reading():
        people = await query if not search else await query.where(
            contains(Person.name, search)
            | contains(Person.email, search)
            | Person.id.is_in(
                Affiliation.select(Affiliation.person).where(membership.people_matching_agency_condition(
                    contains(Affiliation.agency.name, search) | contains(Affiliation.agency.short_name, search),
                    at,
                ))
            )
        )
        agencies = await membership.current_affiliations([p["id"] for p in people], at)
    for person in people:
        person["agency"] = agencies.get(person["id"])
    return people


async def get_person(person_id: int, at: datetime) -> dict | None:
    async with reading():
        person = await Person.select(
            Person.id, Person.name, Person.email, Person.phone, Person.title, Person.active,
            Person.is_site_admin, Person.preferred_language, Person.created_at,
            Person.password_hash,
        ).where(Person.id == person_id).first()
        if person is None:
            return None
        history = await Affiliation.select(
            Affiliation.id, Affiliation.agency.id, Affiliation.agency.name, Affiliation.started_on,
            Affiliation.ended_on,
        ).where(Affiliation.person == person_id).order_by(Affiliation.started_on, ascending=False)
        seats = await Membership.select(
            Membership.id, Membership.team.id, Membership.team.name, Membership.role,
            Membership.agency.name, Membership.started_on, Membership.ended_on,
        ).where(Membership.person == person_id).order_by(Membership.started_on, ascending=False)
    person["has_password"] = bool(person.pop("password_hash"))
    person["history"] = history
    person["agency"] = next(
        ({"id": h["agency.id"], "name": h["agency.name"]} for h in history
         if membership.is_affiliation_current(h, at)),
        None,
    )
    person["seats"] = seats
    return person


class EmailTaken(Exception):
    pass


EMAIL_TAKEN = N_("Someone already has this email address.")


async def _validated(form: dict[str, str]) -> tuple[PersonInput | None, dict[str, str]]:
    """Inside writing(): the form checked against the agencies active at the time of the write."""
    agencies = await Agency.select(Agency.id).where(Agency.active == True)  # noqa: E712
    return validate_person(form, {a["id"] for a in agencies})


async def create_from_form(form: dict[str, str]) -> tuple[int | None, str, dict[str, str]]:
    """A new person from the admin's form: (id, set-password token, {}) or (None, "", field messages)."""
    async with writing():
        data, problems = await _validated(form)
        if data is None:
            return None, "", problems
        try:
            person_id, token = await create_person(data)
        except EmailTaken:
            return None, "", {"email": EMAIL_TAKEN}
    return person_id, token, {}


async def update_from_form(viewer: Viewer, person_id: int, form: dict[str, str]) -> dict[str, str]:
    """Field messages, or {} once saved. An admin cannot take away their own admin rights."""
    async with writing():
        data, problems = await _validated(form)
        if data is None:
            return problems
        problem = own_admin_rights_problem(viewer, person_id, data)
        if problem:
            return {"is_site_admin": problem}
        try:
            await update_person(person_id, data, viewer.at)
        except EmailTaken:
            return {"email": EMAIL_TAKEN}
    return {}


async def create_person(data: PersonInput) -> tuple[int, str]:
    """Creates the person (no password yet) and returns their id and a set-password token."""
    now = clock.now()
    async with writing():
        await lock_key(f"person-email:{data.email}")  # two admins adding one address at once
        if await Person.exists().where(Person.email == data.email):
            raise EmailTaken(data.email)
        today = membership.directory_day(now)
        rows = await Person.insert(
            Person(
                name=data.name, email=data.email, phone=data.phone, title=data.title,
                preferred_language=data.preferred_language, is_site_admin=data.is_site_admin,
                active=True, created_at=now, updated_at=now,
            )
        ).returning(Person.id)
        person_id = rows[0]["id"]
        if data.agency_id:
            await Affiliation.insert(
                Affiliation(person=person_id, agency=data.agency_id, started_on=today)
            )
        token = await create_password_link(person_id)
    return person_id, token


async def update_person(person_id: int, data: PersonInput, at: datetime) -> None:
    """Updates details; a change of agency ends the current affiliation and starts a new one,
    today on the directory's calendar."""
    today = membership.directory_day(at)
    async with writing():
        await lock_key(f"person-email:{data.email}")
        if await Person.exists().where((Person.email == data.email) & (Person.id != person_id)):
            raise EmailTaken(data.email)
        await Person.update(
            {
                Person.name: data.name, Person.email: data.email, Person.phone: data.phone,
                Person.title: data.title, Person.preferred_language: data.preferred_language,
                Person.is_site_admin: data.is_site_admin, Person.updated_at: clock.now(),
            }
        ).where(Person.id == person_id)
        current = (await membership.current_affiliations([person_id], at)).get(person_id)
        if (current["id"] if current else None) == data.agency_id:
            return
        if current:
            await Affiliation.update({Affiliation.ended_on: today}).where(
                Affiliation.id == current["affiliation_id"]
            )
        if data.agency_id:
            await Affiliation.insert(Affiliation(person=person_id, agency=data.agency_id, started_on=today))


async def set_active(person_id: int, active: bool) -> None:
    """Deactivation ends every session at once; feed tokens follow when feeds exist."""
    async with writing():
        await Person.update({Person.active: active, Person.updated_at: clock.now()}).where(
            Person.id == person_id
        )
        if not active:
            await LoginSession.delete().where(LoginSession.person == person_id)
            await PasswordToken.delete().where(PasswordToken.person == person_id)
