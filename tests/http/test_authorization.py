"""Authorization, one table: every route the app exposes × every kind of person (DESIGN.md §4).

ROUTES maps each (METHOD, path template) of the real app to the outcome expected for each
persona. `test_every_route_has_an_authorization_entry` fails when a route is added without
an entry here (or an entry outlives its route), so no route ships without a decision on who
may reach it.

Outcomes:
  ok     the handler ran: 2xx, a 303 that is not the login redirect, or 422 for a form that
         is deliberately empty or invalid (allowed, but nothing is written)
  login  303 to /login?next=... (not logged in)
  403    forbidden
  404    not found

Each persona is looked at from the team that gives the row its meaning: the chair from the
Community Collaborative they chair, the coordinator from the Perinatal Cluster, the site
admin from the Perinatal Cluster where the admin has no seat (so the admin is tested as
admin alone), the chair again from the Perinatal Cluster where they have no seat.

One test per persona walks every route with one logged-in browser (a login costs an argon2
verification; one per route and persona would be ~10× slower). The walk is harmless: forms
are empty or invalid, and the few writes that succeed (deactivate/reactivate a person,
mark an agency active, log out) touch throwaway records or a second session, and the
database is emptied before each test anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from litestar.routes import HTTPRoute

from server.accounts.service import create_password_link
from server.app import create_app
from server.teams.tables import Membership
from tests.conftest import (
    ADMIN,
    CHAIR,
    COORDINATOR,
    FAMILY,
    GUEST,
    SCHOOL,
    csrf_token,
    log_in,
    make_client,
)

# Personas: the DESIGN §4 columns, plus people who must be turned away.


@dataclass(frozen=True)
class Persona:
    email: str | None  # None: not logged in
    team: str  # the team (demo key) whose ids fill {team_id} and {seat_id}
    role: str  # what the persona is on that team, for failure messages


PERSONAS: dict[str, Persona] = {
    "anonymous": Persona(None, "collab", "not logged in"),
    "admin": Persona(ADMIN, "cluster", "site admin, no seat on the team"),
    "chair": Persona(CHAIR, "collab", "chair"),
    "co_chair": Persona("kevin.oconnell@maple.example", "collab", "co-chair"),
    "coordinator": Persona(COORDINATOR, "cluster", "coordinator"),
    "member": Persona(SCHOOL, "collab", "member"),
    "family": Persona(FAMILY, "collab", "family partner"),
    "guest": Persona(GUEST, "collab", "guest"),
    "non_member": Persona("derek.shaw@maple.example", "collab", "active, seat on another team only"),
    "former": Persona("irene.castillo@maple.example", "collab", "former member (seat ended)"),
    "chair_elsewhere": Persona(CHAIR, "cluster", "chair of another team, no seat here"),
}
COLUMNS = tuple(PERSONAS)

TEAM_NAMES = {"collab": "Community Collaborative", "cluster": "Perinatal Cluster"}
# A current, ordinary seat on each team: {seat_id} (never the persona's own seat).
SEAT_HOLDERS = {"collab": "carla.jimenez@maple.example", "cluster": "luis.romero@maple.example"}
# Throwaway people the admin may act on without touching any persona.
SOMEONE = "olivia.grant@maple.example"
DEACTIVATED = "mei.lin@maple.example"
LINK_OWNER = "nicole.foster@maple.example"  # owns the set-password link of the table
AGENCY = "FSA"
AGENCY_TO_REACTIVATE = "MCAP"

OUTCOMES = {"ok", "login", "403", "404"}


@dataclass(frozen=True)
class Route:
    expect: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)  # POST body (the CSRF token is added)
    person: str = SOMEONE  # fills {person_id}
    agency: str = AGENCY  # fills {agency_id}
    own_session: bool = False  # ends the session: run it in a second, fresh login
    last: bool = False  # ends every session of the person: run it after everything else


def route(expect: str, **options) -> Route:
    codes = expect.split()
    assert len(codes) == len(COLUMNS) and set(codes) <= OUTCOMES, expect
    return Route(dict(zip(COLUMNS, codes, strict=True)), **options)


# Frequent rows, one column per persona:
#                 anon  admin chair co_ch coord membr famly guest non   formr chair@other
PUBLIC =         "ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok"
LOGGED_IN =      "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok"
ADMIN_ONLY =     "login ok    403   403   403   403   403   403   403   403   403"
TEAM_VIEW =      "login ok    ok    ok    ok    ok    ok    ok    403   403   403"
ROSTER_VIEW =    "login ok    ok    ok    ok    ok    ok    403   403   403   403"
ROSTER_MANAGE =  "login ok    ok    ok    ok    403   403   403   403   403   403"

BAD_SEAT_CHANGE = {"version": "1"}  # no agency or role: 422
BAD_SEAT_END = {"version": "1", "ended_on": "not-a-date"}  # 422

ROUTES: dict[tuple[str, str], Route] = {
    # Accounts.
    ("GET", "/"): route(LOGGED_IN),
    ("GET", "/login"): route(PUBLIC),  # logged in: 303 onwards
    ("POST", "/login"): route(PUBLIC),  # empty form: 422
    ("POST", "/logout"): route(LOGGED_IN, own_session=True),
    ("POST", "/logout-everywhere"): route(LOGGED_IN, last=True),
    ("GET", "/account"): route(LOGGED_IN),
    ("POST", "/account/password"): route(LOGGED_IN),  # wrong current password: 422
    ("POST", "/account/language"): route(LOGGED_IN),  # no language: 422
    ("POST", "/language"): route(PUBLIC),  # no language: 422
    ("GET", "/set-password/{token:str}"): route(PUBLIC),  # a valid link
    ("POST", "/set-password/{token:str}"): route(PUBLIC),  # no password: 422, link kept
    # People: the site admin's directory.
    ("GET", "/people"): route(ADMIN_ONLY),
    ("POST", "/people"): route(ADMIN_ONLY),
    ("GET", "/people/new"): route(ADMIN_ONLY),
    ("GET", "/people/{person_id:int}"): route(ADMIN_ONLY),
    ("POST", "/people/{person_id:int}"): route(ADMIN_ONLY),
    ("GET", "/people/{person_id:int}/edit"): route(ADMIN_ONLY),
    ("POST", "/people/{person_id:int}/deactivate"): route(ADMIN_ONLY, person=DEACTIVATED),
    ("POST", "/people/{person_id:int}/reactivate"): route(ADMIN_ONLY, person=DEACTIVATED),
    ("POST", "/people/{person_id:int}/password-link"): route(ADMIN_ONLY),
    # Agencies: everyone reads the directory, the site admin keeps it.
    ("GET", "/agencies"): route(LOGGED_IN),
    ("POST", "/agencies"): route(ADMIN_ONLY),
    ("GET", "/agencies/new"): route(ADMIN_ONLY),
    ("GET", "/agencies/{agency_id:int}"): route(LOGGED_IN),
    ("POST", "/agencies/{agency_id:int}"): route(ADMIN_ONLY),
    ("GET", "/agencies/{agency_id:int}/edit"): route(ADMIN_ONLY),
    ("POST", "/agencies/{agency_id:int}/active"): route(
        ADMIN_ONLY, form={"active": "true"}, agency=AGENCY_TO_REACTIVATE
    ),
    # Teams: the site admin manages them; members see their own.
    ("GET", "/teams"): route(LOGGED_IN),
    ("POST", "/teams"): route(ADMIN_ONLY),
    ("GET", "/teams/new"): route(ADMIN_ONLY),
    ("GET", "/teams/{team_id:int}"): route(TEAM_VIEW),
    ("POST", "/teams/{team_id:int}"): route(ADMIN_ONLY),
    ("GET", "/teams/{team_id:int}/edit"): route(ADMIN_ONLY),
    # Rosters: leaders and the site admin manage; members and family partners see.
    ("GET", "/teams/{team_id:int}/roster"): route(ROSTER_VIEW),
    ("POST", "/teams/{team_id:int}/roster"): route(ROSTER_MANAGE),
    ("GET", "/teams/{team_id:int}/roster/export.csv"): route(ROSTER_VIEW),
    ("GET", "/teams/{team_id:int}/roster/{seat_id:int}/edit"): route(ROSTER_MANAGE),
    ("POST", "/teams/{team_id:int}/roster/{seat_id:int}"): route(ROSTER_MANAGE, form=BAD_SEAT_CHANGE),
    ("POST", "/teams/{team_id:int}/roster/{seat_id:int}/end"): route(ROSTER_MANAGE, form=BAD_SEAT_END),
    ("GET", "/teams/{team_id:int}/roster/import"): route(ROSTER_MANAGE),
    ("POST", "/teams/{team_id:int}/roster/import"): route(ROSTER_MANAGE),  # no file: 422
    ("POST", "/teams/{team_id:int}/roster/import/confirm"): route(ROSTER_MANAGE),  # no rows: 422
}

IGNORED_METHODS = {"OPTIONS", "HEAD"}
PARAM_RE = re.compile(r"\{(\w+):\w+\}")


def app_routes(app) -> set[tuple[str, str]]:
    found = set()
    for app_route in app.routes:
        if not isinstance(app_route, HTTPRoute) or app_route.path.startswith("/static/"):
            continue
        for method in app_route.methods - IGNORED_METHODS:
            found.add((method, app_route.path))
    return found


def test_every_route_has_an_authorization_entry():
    exposed = app_routes(create_app())
    missing = sorted(exposed - set(ROUTES))
    stale = sorted(set(ROUTES) - exposed)
    assert not missing and not stale, (
        f"routes without an entry in ROUTES: {missing}; entries for routes that no longer exist: {stale}"
    )


# The walk.


class Ids:
    """Demo ids the path templates need."""

    def __init__(self, demo, seats: dict[str, int], token: str):
        self.demo, self.seats, self.token = demo, seats, token

    def path(self, template: str, persona: Persona, spec: Route) -> str:
        values = {
            "team_id": self.demo.team(TEAM_NAMES[persona.team]),
            "seat_id": self.seats[persona.team],
            "person_id": self.demo.people[spec.person],
            "agency_id": self.demo.agencies[spec.agency],
            "token": self.token,
        }
        return PARAM_RE.sub(lambda match: str(values[match.group(1)]), template)


async def demo_ids(demo) -> Ids:
    seats = {}
    for team, email in SEAT_HOLDERS.items():
        row = await Membership.select(Membership.id).where(
            (Membership.team == demo.team(TEAM_NAMES[team]))
            & (Membership.person == demo.people[email])
            & Membership.ended_on.is_null()
        ).first()
        seats[team] = row["id"]
    return Ids(demo, seats, await create_password_link(demo.people[LINK_OWNER]))


def outcome(response) -> str:
    status = response.status_code
    location = response.headers.get("location", "")
    if status == 303 and location.startswith("/login?next="):
        return "login"
    if 200 <= status < 300 or status in (303, 422):
        return "ok"
    return str(status)


async def browser(app, persona: Persona):
    """A client, logged in as the persona (or not), and a CSRF token for its posts."""
    client = await make_client(app)
    await client.__aenter__()
    token = await (log_in(client, persona.email) if persona.email else csrf_token(client))
    return client, token


async def request(client, token: str, method: str, path: str, spec: Route):
    if method == "GET":
        return await client.get(path)
    return await client.post(path, data={**spec.form, "_csrf_token": token})


@pytest.mark.parametrize("name", COLUMNS)
async def test_authorization(app, demo, name):
    persona = PERSONAS[name]
    ids = await demo_ids(demo)
    client, token = await browser(app, persona)
    mismatches = []
    walk = sorted(ROUTES.items(), key=lambda item: item[1].last)
    try:
        for (method, template), spec in walk:
            path = ids.path(template, persona, spec)
            if spec.own_session:
                extra, extra_token = await browser(app, persona)
                try:
                    response = await request(extra, extra_token, method, path, spec)
                finally:
                    await extra.__aexit__(None, None, None)
            else:
                response = await request(client, token, method, path, spec)
            got, expected = outcome(response), spec.expect[name]
            if got != expected:
                mismatches.append(
                    f"{method} {template} ({path}): expected {expected}, got {got} "
                    f"[{response.status_code} {response.headers.get('location', '')}]"
                )
    finally:
        await client.__aexit__(None, None, None)
    assert not mismatches, f"{name} ({persona.role}):\n" + "\n".join(mismatches)


# Rules the table cannot show: ids from another team, and changes taking effect at once.


async def test_a_chair_cannot_reach_another_teams_seat_through_their_own_team(app, demo, client):
    """Seat ids are looked up within the team in the path: no stepping across teams."""
    ids = await demo_ids(demo)
    own_team = demo.team("Community Collaborative")
    other_seat = ids.seats["cluster"]
    token = await log_in(client, CHAIR)
    base = f"/teams/{own_team}/roster/{other_seat}"
    assert (await client.get(f"{base}/edit")).status_code == 404
    form = {"version": "1", "role": "member", "agency_id": str(demo.agencies["MMC"]), "_csrf_token": token}
    assert (await client.post(base, data=form)).status_code == 404
    assert (await client.post(f"{base}/end", data={"version": "1", "_csrf_token": token})).status_code == 404
    cluster = demo.team("Perinatal Cluster")
    seat = await Membership.select(Membership.ended_on).where(Membership.id == other_seat).first()
    assert seat["ended_on"] is None, f"the seat on team {cluster} was ended through team {own_team}"


async def test_an_ended_seat_stops_access_at_once(app, demo):
    """Membership is checked at the time of the request."""
    team = demo.team("Community Collaborative")
    seat = await Membership.select(Membership.id, Membership.version).where(
        (Membership.team == team) & (Membership.person == demo.people[SCHOOL])
    ).first()
    async with await make_client(app) as member, await make_client(app) as chair:
        await log_in(member, SCHOOL)
        assert (await member.get(f"/teams/{team}/roster")).status_code == 200
        token = await log_in(chair, CHAIR)
        response = await chair.post(
            f"/teams/{team}/roster/{seat['id']}/end",
            data={"version": str(seat["version"]), "_csrf_token": token},
        )
        assert response.status_code == 303
        assert (await member.get(f"/teams/{team}/roster")).status_code == 403
        assert (await member.get(f"/teams/{team}")).status_code == 403


async def test_deactivating_a_person_ends_their_sessions_at_once(app, demo):
    async with await make_client(app) as member, await make_client(app) as admin:
        await log_in(member, SCHOOL)
        assert (await member.get("/")).status_code == 200
        token = await log_in(admin, ADMIN)
        response = await admin.post(
            f"/people/{demo.people[SCHOOL]}/deactivate", data={"_csrf_token": token}
        )
        assert response.status_code == 303
        response = await member.get("/")
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


async def test_an_htmx_request_without_a_session_is_told_where_to_log_in(client, demo):
    team = demo.team("Community Collaborative")
    response = await client.get(f"/teams/{team}/roster", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == f"/login?next=/teams/{team}/roster"

