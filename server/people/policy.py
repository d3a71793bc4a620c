"""Validation of a person's details. Pure: no web framework, no database."""

from __future__ import annotations

from dataclasses import dataclass

from server.accounts.policy import Viewer
from server.forms import (
    MAX_EMAIL,
    MAX_PHONE,
    checked,
    email,
    limit,
    parse_id,
    phone,
    require,
    text,
    too_long,
)
from server.i18n import LANGUAGES, N_


@dataclass(frozen=True)
class PersonInput:
    name: str
    email: str
    phone: str
    title: str
    preferred_language: str
    agency_id: int | None
    is_site_admin: bool


def validate_person(form: dict[str, str], agency_ids: set[int]) -> tuple[PersonInput | None, dict[str, str]]:
    errors: dict[str, str] = {}
    name = text(form, "name")
    require(errors, "name", name, 200, N_("Enter the person's name."))
    raw_address = str(form.get("email", "")).strip()
    address = email(raw_address)
    if len(raw_address) > MAX_EMAIL:
        errors["email"] = too_long(MAX_EMAIL)
    elif address is None:
        errors["email"] = N_("Enter a valid email address.")
    phone_number = str(form.get("phone", "")).strip()  # kept as typed: people write numbers their way
    if len(phone_number) > MAX_PHONE:
        errors["phone"] = too_long(MAX_PHONE)
    elif phone_number and phone(phone_number) is None:
        errors["phone"] = N_("Enter a phone number in digits, such as (555) 010-2040, 555.010.2040 x12 "
                             "or +1 555 010 2040.")
    title = text(form, "title", 120)
    limit(errors, "title", title, 120)
    language = str(form.get("preferred_language", "en"))
    if language not in LANGUAGES:
        errors["preferred_language"] = N_("Choose a language.")
    agency_id = parse_id(form.get("agency_id"))
    if str(form.get("agency_id", "")).strip() and agency_id not in agency_ids:
        errors["agency_id"] = N_("Choose an agency from the list.")
    if errors:
        return None, errors
    return (
        PersonInput(
            name=name,
            email=address or "",
            phone=phone_number,
            title=title,
            preferred_language=language,
            agency_id=agency_id,
            is_site_admin=checked(form, "is_site_admin"),
        ),
        {},
    )


def can_manage_people(viewer: Viewer) -> bool:
    return viewer.is_site_admin


def own_admin_rights_problem(viewer: Viewer, person_id: int, data: PersonInput) -> str | None:
    """A site admin cannot take away their own admin rights (nobody could give them back)."""
    if person_id == viewer.id and not data.is_site_admin:
        return N_("You cannot remove your own site admin rights.")
    return None


def deactivation_problem(viewer: Viewer, person_id: int) -> str | None:
    if person_id == viewer.id:
        return N_("You cannot deactivate yourself.")
    return None
