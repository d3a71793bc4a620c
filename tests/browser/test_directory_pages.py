"""The site admin's tour of the directory, in English and in Spanish: home, agencies, an
agency, people (with the live search), a person, teams, a team and its roster. Every page
and every htmx state on the way passes axe."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_check, expect, follow, log_in, settle, visit
from tests.conftest import ADMIN

pytestmark = pytest.mark.browser

COLLABORATIVE = "Maple County Community Collaborative"
HOUSING_AGENCY = "Maple Community Action Partnership (Housing)"

# What a person reads on the way, in each language. The Spanish comes from
# locale/es/LC_MESSAGES/messages.po; if a translation there is reworded, reword it here.
ENGLISH = {
    "lang": "en",
    "nav": ["Home", "Teams", "Agencies", "People"],
    "welcome": "Welcome, Dana Whitfield",
    "people_search": "Search by name, email or agency",
    "no_match": "No one matches that search.",
    "manage_roster": "View and manage the roster",
    "roster_of": f"Roster of {COLLABORATIVE}",
    "current_members": "Current members",
    "not_represented": "Not represented:",
    "housing": "Housing",
}
SPANISH = {
    "lang": "es",
    "nav": ["Inicio", "Equipos", "Agencias", "Personas"],
    "welcome": "Bienvenido(a), Dana Whitfield",
    "people_search": "Buscar por nombre, correo electrónico o agencia",
    "no_match": "Nadie coincide con esa búsqueda.",
    "manage_roster": "Ver y administrar la lista de integrantes",
    "roster_of": f"Lista de integrantes de {COLLABORATIVE}",
    "current_members": "Integrantes actuales",
    "not_represented": "Sin representación:",
    "housing": "Vivienda",
}


async def tour_the_directory(page, words: dict) -> None:
    """Home → agencies → an agency → people (search) → a person → teams → a team → its roster."""
    _home, teams, agencies, people = words["nav"]
    nav = page.locator("header nav")
    h1 = page.get_by_role("heading", level=1)

    await visit(page, "/")
    await expect(page.locator("html")).to_have_attribute("lang", words["lang"])
    for label in words["nav"]:
        await expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    await expect(h1).to_have_text(words["welcome"])

    await follow(page, nav.get_by_role("link", name=agencies, exact=True))
    await expect(h1).to_have_text(agencies)
    await follow(page, page.get_by_role("link", name=HOUSING_AGENCY))
    await expect(h1).to_contain_text(HOUSING_AGENCY)
    await expect(page.get_by_text("Derek Shaw", exact=True)).to_be_visible()

    await follow(page, nav.get_by_role("link", name=people, exact=True))
    await expect(h1).to_have_text(people)
    results = page.locator("#results")
    await expect(results).to_contain_text("Dana Whitfield")
    search = page.get_by_label(words["people_search"])
    await search.fill("Shaw")  # htmx searches as one types, and the address follows
    await expect(results).not_to_contain_text("Dana Whitfield")
    await expect(results.get_by_role("link", name="Derek Shaw")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/people\?q=Shaw"))
    await settle(page)
    await axe_check(page, "people, filtered by the search box")
    await search.fill("nobody-by-this-name")
    await expect(results).to_contain_text(words["no_match"])
    await search.fill("Shaw")
    await expect(page).to_have_url(re.compile(r"/people\?q=Shaw"))
    await settle(page)
    await follow(page, results.get_by_role("link", name="Derek Shaw"))
    await expect(h1).to_contain_text("Derek Shaw")

    await follow(page, nav.get_by_role("link", name=teams, exact=True))
    await expect(h1).to_have_text(teams)
    await follow(page, page.get_by_role("link", name=COLLABORATIVE))
    await expect(h1).to_have_text(COLLABORATIVE)
    missing = f"{words['not_represented']} {words['housing']}"
    await expect(page.locator(".coverage")).to_contain_text(missing)
    await follow(page, page.get_by_role("link", name=words["manage_roster"]))
    await expect(h1).to_have_text(words["roster_of"])
    await expect(page.locator("#current-heading")).to_contain_text(words["current_members"])
    await expect(page.locator("html")).to_have_attribute("lang", words["lang"])


async def test_site_admin_visits_every_directory_page_and_each_passes_axe(page, demo):
    await log_in(page, ADMIN)
    await tour_the_directory(page, ENGLISH)


async def test_site_admin_who_chooses_spanish_sees_every_page_in_spanish(page, demo):
    # Before logging in, the footer switches the login page to Spanish.
    await visit(page, "/login")
    footer = page.locator("footer")
    await footer.get_by_label("Language").select_option(label="Español")
    await follow(page, footer.get_by_role("button", name="Change"))
    await expect(page.locator("html")).to_have_attribute("lang", "es")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión en Convene")

    # Logged in, the person's own setting wins: the admin's is English until they change it.
    await log_in(page, ADMIN)
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await visit(page, "/account")
    await page.get_by_label("Show Convene in").select_option(label="Español")
    await follow(page, page.get_by_role("button", name="Save language"))
    await expect(page.locator("html")).to_have_attribute("lang", "es")
    await expect(page.get_by_text("Se guardó su idioma.")).to_be_visible()

    await tour_the_directory(page, SPANISH)
