"""Agency vocabulary and validation. Pure: no web framework, no database."""

from __future__ import annotations

from dataclasses import dataclass

from server.accounts.policy import Viewer
from server.forms import checked, limit, require, text
from server.i18n import N_

SECTORS: dict[str, str] = {
    "child_welfare": N_("Child welfare"),
    "juvenile_justice": N_("Juvenile justice"),
    "public_health": N_("Public health"),
    "medical": N_("Medical"),
    "behavioral_health": N_("Behavioral health"),
    "substance_use_treatment": N_("Substance use treatment"),
    "education": N_("Education"),
    "housing": N_("Housing"),
    "early_childhood": N_("Early childhood"),
    "developmental_disabilities": N_("Developmental disabilities"),
    "community_faith": N_("Community and faith"),
    "family_peer": N_("Family and peer support"),
    "other": N_("Other"),
}

MAX_PEOPLE_SHOWN = 200  # on an agency's page


@dataclass(frozen=True)
class AgencyInput:
    name: str
    short_name: str
    sector: str
    is_part2_program: bool
    is_hipaa_covered: bool
    is_ferpa_agency: bool


def validate_agency(form: dict[str, str]) -> tuple[AgencyInput | None, dict[str, str]]:
    """Clean an agency form; returns the input or field messages (untranslated)."""
    errors: dict[str, str] = {}
    name = text(form, "name")
    short_name = text(form, "short_name", 40)
    sector = form.get("sector", "")
    require(errors, "name", name, 200, N_("Enter the agency's name."))
    limit(errors, "short_name", short_name, 40)
    if sector not in SECTORS:
        errors["sector"] = N_("Choose a sector.")
    if errors:
        return None, errors
    return (
        AgencyInput(
            name=name,
            short_name=short_name,
            sector=sector,
            is_part2_program=checked(form, "is_part2_program"),
            is_hipaa_covered=checked(form, "is_hipaa_covered"),
            is_ferpa_agency=checked(form, "is_ferpa_agency"),
        ),
        {},
    )


def name_key(name: str) -> str:
    """What makes two agency names the same name: case and spaces do not."""
    return " ".join(name.split()).casefold()


def can_see_agency(viewer: Viewer, agency: dict) -> bool:
    """Everyone sees the directory's active agencies; inactive ones are the site admin's."""
    return agency["active"] or viewer.is_site_admin


def can_see_contact(viewer: Viewer, person_id: int, viewers_teams: set[int], persons_teams: set[int]) -> bool:
    """A staff member's email and phone: for the site admin, for themselves, and for members of
    a team they sit on too (`viewers_teams`: where the viewer sits as a member, not a guest)."""
    return viewer.is_site_admin or viewer.id == person_id or bool(viewers_teams & persons_teams)


def can_manage_agencies(viewer: Viewer) -> bool:
    return viewer.is_site_admin
