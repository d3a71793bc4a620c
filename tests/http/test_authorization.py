"""Authorization, one table: every route the app exposes × every kind of person (DESIGN.md §4).

ROUTES maps each (METHOD, path template) of the real app to the outcome expected for each
persona. `test_every_route_has_an_authorization_entry` fails when a route is added without
an entry here (or an entry outlives its route), so no route ships without a decision on who
may reach it.

Outcomes:
  ok     the handler ran: 2xx, a 303 that is not the login redirect, 422 for a form that is
         deliberately empty or invalid, or 409 when the handler turns down a stale version or
         a meeting that is not running (allowed, but nothing is written)
  login  303 to /login?next=... (not logged in)
  403    forbidden
  404    not found

Each persona is looked at from the team that gives the row its meaning: the chair from the
Community Collaborative they chair, the coordinator from the Perinatal Cluster, the site
admin from the Perinatal Cluster where the admin has no seat (so the admin is tested as
admin alone), the chair again from the Perinatal Cluster where they have no seat.

Meetings and action items are not taken from the demo: each walk creates its own on the
persona's team (`table_records`): an earlier meeting and the meeting of the table, both held
and ended, agendas published, minutes circulated, a standing item in the team's agenda
template, and an action item given to an ordinary member (the member persona on the
Community Collaborative). The guest is invited to the Community Collaborative's meeting of
the table; the "uninvited" column is the same guest looking at the earlier meeting, to which
they are not invited. States the table cannot show (draft agendas and minutes, an item given
to the viewer's agency) have their own tests below.

One test per persona walks every route with one logged-in browser (a login costs an argon2
verification; one per route and persona would be ~10× slower). The walk is harmless: forms
are empty or invalid, and the few writes that succeed (deactivate/reactivate a person,
mark an agency active, log out, republish an agenda, carry an item over, delete a spare
agenda item or the template item) touch throwaway records or a second session, and the
database is emptied before each test anyway.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pytest
from litestar.routes import HTTPRoute

from server import clock
from server.accounts.service import create_password_link
from server.accounts.tables import Affiliation
from server.actions import service as actions
from server.app import create_app
from server.attachments.service import STORAGE
from server.attachments.tables import Attachment
from server.cases.service import STORAGE as CASE_FILES
from server.meetings import agenda, minutes, scheduling
from server.meetings.tables import Invitation, Meeting, Minutes, MinutesComment
from server.teams.tables import Membership
from tests.attachment_samples import PDF
from tests.cases_helpers import add_entry, add_identity, add_release, make_case
from tests.conftest import (
    ADMIN,
    CHAIR,
    COORDINATOR,
    FAMILY,
    GUEST,
    SCHOOL,
    TREATMENT,
    csrf_token,
    log_in,
    make_client,
)
from tests.meetings_helpers import held_meeting, on_team

# Personas: the DESIGN §4 columns, plus people who must be turned away.


@dataclass(frozen=True)
class Persona:
    email: str | None  # None: not logged in
    team: str  # the team (demo key) whose ids fill {team_id}, {seat_id}, {meeting_id}, {action_id}
    role: str  # what the persona is on that team, for failure messages
    meeting: str = "table"  # which of the team's meetings fills {meeting_id}: "table" or "earlier"
    prepare: str | None = None  # what PREPARE does to the demo first, to make them what `role` says


PERSONAS: dict[str, Persona] = {
    "anonymous": Persona(None, "collab", "not logged in"),
    "admin": Persona(ADMIN, "cluster", "site admin, no seat on the team"),
    "chair": Persona(CHAIR, "collab", "chair"),
    "co_chair": Persona("kevin.oconnell@maple.example", "collab", "co-chair"),
    "coordinator": Persona(COORDINATOR, "cluster", "coordinator"),
    "member": Persona(SCHOOL, "collab", "member"),
    "family": Persona(FAMILY, "collab", "family partner"),
    "guest": Persona(GUEST, "collab", "guest, invited to the meeting"),
    "uninvited": Persona(GUEST, "collab", "guest, not invited to the meeting", meeting="earlier"),
    "non_member": Persona("derek.shaw@maple.example", "collab", "active, seat on another team only"),
    "former": Persona("irene.castillo@maple.example", "collab", "former member (seat ended)"),
    "chair_elsewhere": Persona(CHAIR, "cluster", "chair of another team, no seat here"),
    "to_guest": Persona(TREATMENT, "collab", "member changed to guest today, invited to nothing",
                        prepare="to_guest"),
    "seat_agency": Persona("lena.fischer@maple.example", "collab",
                           "member sitting for the item's agency, another agency in the directory",
                           prepare="seat_agency"),
    "directory_agency": Persona("alan.porter@maple.example", "collab",
                                "member of another agency whose directory agency is the item's",
                                prepare="directory_agency"),
}


async def prepare_persona(demo, persona: Persona) -> None:
    """Standing the demo does not have: seats and affiliations changed as a chair or admin would."""
    team_id = demo.team(TEAM_NAMES[persona.team])
    person = demo.people[persona.email] if persona.email else None
    today = clock.today_in("America/New_York")
    seat = (Membership.team == team_id) & (Membership.person == person) & Membership.ended_on.is_null()
    if persona.prepare == "to_guest":
        old = await Membership.select().where(seat).first()
        await Membership.update({Membership.ended_on: today}).where(Membership.id == old["id"])
        await Membership.insert(Membership(team=team_id, person=person, agency=old["agency"], role="guest",
                                           started_on=today, version=1, created_at=clock.now()))
    elif persona.prepare == "seat_agency":  # sits for the agency the table's action item is given to
        await Membership.update({Membership.agency: demo.agencies[ACTION_OWNERS["collab"][1]]}).where(seat)
    elif persona.prepare == "directory_agency":  # works there now, still sits for their own agency
        await Affiliation.update({Affiliation.ended_on: today}).where(
            (Affiliation.person == person) & Affiliation.ended_on.is_null())
        await Affiliation.insert(Affiliation(person=person, agency=demo.agencies[ACTION_OWNERS["collab"][1]],
                                             started_on=today))
COLUMNS = tuple(PERSONAS)

TEAM_NAMES = {"collab": "Community Collaborative", "cluster": "Perinatal Cluster"}
# A current, ordinary seat on each team: {seat_id} (never the persona's own seat).
SEAT_HOLDERS = {"collab": "carla.jimenez@maple.example", "cluster": "luis.romero@maple.example"}
# Throwaway people the admin may act on without touching any persona.
SOMEONE = "olivia.grant@maple.example"
DEACTIVATED = "mei.lin@maple.example"
LINK_OWNER = "nicole.foster@maple.example"  # owns the set-password link of the table
# Who runs the meetings the walk creates, and who the action item of each team is given to
# (an ordinary member, with the agency of their seat): on the Community Collaborative, the
# member persona.
LEADS = {"collab": CHAIR, "cluster": COORDINATOR}
ACTION_OWNERS = {"collab": (SCHOOL, "MCS"), "cluster": ("luis.romero@maple.example", "MMC")}
AGENCY = "FSA"
AGENCY_TO_REACTIVATE = "MCAP"

OUTCOMES = {"ok", "login", "403", "404"}


@dataclass(frozen=True)
class Route:
    expect: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)  # POST body (the CSRF token is added)
    person: str = SOMEONE  # fills {person_id}
    agency: str = AGENCY  # fills {agency_id}
    item: str = "item"  # fills {item_id}: an agenda "item", a "spare" one, a "carry" candidate, a "template" item
    own_session: bool = False  # ends the session: run it in a second, fresh login
    last: bool = False  # ends every session of the person: run it after everything else


def route(expect: str, **options) -> Route:
    codes = expect.split()
    assert len(codes) == len(COLUMNS) and set(codes) <= OUTCOMES, expect
    return Route(dict(zip(COLUMNS, codes, strict=True)), **options)


# Frequent rows, one column per persona:
#                 anon  admin chair co_ch coord membr famly guest uninv non   formr elsew to_gs seat@ dir@
PUBLIC =         "ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok"
LOGGED_IN =      "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok"
ADMIN_ONLY =     "login ok    403   403   403   403   403   403   403   403   403   403   403   403   403"
TEAM_VIEW =      "login ok    ok    ok    ok    ok    ok    ok    ok    404   404   404   ok    ok    ok"
ROSTER_VIEW =    "login ok    ok    ok    ok    ok    ok    403   403   404   404   404   403   ok    ok"
ROSTER_MANAGE =  "login ok    ok    ok    ok    403   403   403   403   404   404   404   403   403   403"
# Meetings and action items: the site admin only "as member" (no seat on the Perinatal
# Cluster: nothing); a team-scoped page turns away someone on the team with 403 and anyone
# else with 404 (as for a team that does not exist); a meeting or action item that is not
# the viewer's to know is 404.
#                 anon  admin chair co_ch coord membr famly guest uninv non   formr elsew to_gs seat@ dir@
MEETING_LIST =   "login 403   ok    ok    ok    ok    ok    ok    ok    404   404   404   403   ok    ok"  # guest: invited ones
TEAM_RUN =       "login 403   ok    ok    ok    403   403   403   403   404   404   404   403   403   403"
TEAM_ACTIONS =   "login 403   ok    ok    ok    ok    ok    403   403   404   404   404   403   ok    ok"
MEETING_VIEW =   "login 404   ok    ok    ok    ok    ok    ok    404   404   404   404   404   ok    ok"
MEETING_RUN =    "login 404   ok    ok    ok    403   403   403   404   404   404   404   404   403   403"
MINUTES_VIEW =   "login 404   ok    ok    ok    ok    ok    404   404   404   404   404   404   ok    ok"  # circulated
ACTION_VIEW =    "login 404   ok    ok    ok    ok    ok    404   404   404   404   404   404   ok    ok"
ACTION_UPDATE =  "login 404   ok    ok    ok    ok    403   404   404   404   404   404   404   ok    403"  # given to member
ACTION_MANAGE =  "login 404   ok    ok    ok    403   403   404   404   404   404   404   404   403   403"
# Cases: the list of a case's disclosures is for those who manage the case (the cluster's
# coordinator, a member of its lead agency); to everyone else the case does not exist. A person's
# access report is for the site admin and the person (tested in test_ledger_reports.py).
#                 anon  admin chair co_ch coord membr famly guest uninv non   formr elsew to_gs seat@ dir@
ACCESS_REPORT =  "login ok    404   404   404   404   404   404   404   404   404   404   404   404   404"

# Releases of information: for the people who manage the case (its team's coordinator, its lead
# agency's members); the case of the table has no entry, so no one else may know it exists (404).
# The consent dashboard: coordinators, and members of an agency that leads a case on the team; the
# emergency declaration: members of a medical agency on the team (none among the personas).
#                 anon  admin chair co_ch coord membr famly guest uninv non   formr elsew to_gs seat@ dir@
CASE_MANAGE =    "login 404   404   404   ok    404   404   404   404   404   404   404   404   404   404"
CONSENT_VIEW =   "login 403   403   403   ok    403   403   403   403   404   404   404   403   403   403"
EMERGENCY =      "login 403   403   403   403   403   403   403   403   404   404   404   403   403   403"
# Cases (CONSENT.md): the walk's case is the Health Department's, on the Perinatal Cluster, with no
# release: only its coordinator (of that agency) may see it; everyone else gets what a missing case
# gets, and the Community Collaborative reviews no cases at all.
#                 anon  admin chair co_ch coord membr famly guest uninv non   formr elsew to_gs seat@ dir@
CASES =          "login 404   404   404   ok    404   404   404   404   404   404   404   404   404   404"

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
    ("GET", "/teams/access"): route(ADMIN_ONLY),
    ("GET", "/teams/new"): route(ADMIN_ONLY),
    ("GET", "/teams/{team_id:int}"): route(TEAM_VIEW),
    ("POST", "/teams/{team_id:int}"): route(ADMIN_ONLY),
    ("GET", "/teams/{team_id:int}/edit"): route(ADMIN_ONLY),
    # Rosters: leaders and the site admin manage; members and family partners see.
    ("GET", "/teams/{team_id:int}/roster"): route(ROSTER_VIEW),
    ("POST", "/teams/{team_id:int}/roster"): route(ROSTER_MANAGE),
    ("GET", "/teams/{team_id:int}/roster/people"): route(ROSTER_MANAGE),  # the add form's active search
    ("GET", "/teams/{team_id:int}/roster/export.csv"): route(ROSTER_VIEW),
    ("GET", "/teams/{team_id:int}/roster/{seat_id:int}/edit"): route(ROSTER_MANAGE),
    ("POST", "/teams/{team_id:int}/roster/{seat_id:int}"): route(ROSTER_MANAGE, form=BAD_SEAT_CHANGE),
    ("POST", "/teams/{team_id:int}/roster/{seat_id:int}/end"): route(ROSTER_MANAGE, form=BAD_SEAT_END),
    ("GET", "/teams/{team_id:int}/roster/import"): route(ROSTER_MANAGE),
    ("POST", "/teams/{team_id:int}/roster/import"): route(ROSTER_MANAGE),  # no file: 422
    ("POST", "/teams/{team_id:int}/roster/import/confirm"): route(ROSTER_MANAGE),  # no rows: 422
    # Meetings of a team: leads schedule them and keep the agenda template.
    ("GET", "/teams/{team_id:int}/meetings"): route(MEETING_LIST),
    ("GET", "/teams/{team_id:int}/meetings/new"): route(TEAM_RUN),
    ("POST", "/teams/{team_id:int}/meetings"): route(TEAM_RUN),  # empty form: 422
    ("GET", "/teams/{team_id:int}/meetings/template"): route(TEAM_RUN),
    ("POST", "/teams/{team_id:int}/meetings/template"): route(TEAM_RUN),  # empty form: 422
    ("POST", "/teams/{team_id:int}/meetings/template/{item_id:int}/delete"): route(TEAM_RUN, item="template"),
    # One meeting: everyone on the team (and invited guests) sees it; leads run it.
    ("GET", "/meetings/{meeting_id:int}"): route(MEETING_VIEW),
    ("POST", "/meetings/{meeting_id:int}"): route(MEETING_RUN),  # empty form: 422
    ("GET", "/meetings/{meeting_id:int}/edit"): route(MEETING_RUN),
    ("GET", "/meetings/{meeting_id:int}/cancel"): route(MEETING_RUN),  # the question before cancelling
    ("POST", "/meetings/{meeting_id:int}/cancel"): route(MEETING_RUN),  # no version: 409
    ("POST", "/meetings/{meeting_id:int}/restore"): route(MEETING_RUN),  # no version: 409
    ("POST", "/meetings/{meeting_id:int}/publish"): route(MEETING_RUN),  # already published: stays so
    ("POST", "/meetings/{meeting_id:int}/template"): route(MEETING_RUN),  # template items already there
    ("POST", "/meetings/{meeting_id:int}/items"): route(MEETING_RUN),  # empty form: 422
    ("POST", "/meetings/{meeting_id:int}/items/order"): route(MEETING_RUN),  # no order: 422
    ("GET", "/meetings/{meeting_id:int}/items/{item_id:int}/edit"): route(MEETING_RUN),
    ("POST", "/meetings/{meeting_id:int}/items/{item_id:int}"): route(MEETING_RUN),  # empty form: 422
    ("POST", "/meetings/{meeting_id:int}/items/{item_id:int}/delete"): route(MEETING_RUN, item="spare"),
    ("POST", "/meetings/{meeting_id:int}/items/{item_id:int}/move"): route(MEETING_RUN),  # no direction
    ("POST", "/meetings/{meeting_id:int}/carry/{item_id:int}"): route(MEETING_RUN, item="carry"),
    ("POST", "/meetings/{meeting_id:int}/invitations"): route(MEETING_RUN),  # no one: 422
    ("POST", "/meetings/{meeting_id:int}/invitations/{person_id:int}/delete"): route(MEETING_RUN),  # not invited
    # Running it live (the meeting of the table has ended: start does nothing, the rest 409).
    ("GET", "/meetings/{meeting_id:int}/live"): route(MEETING_RUN),
    ("GET", "/meetings/{meeting_id:int}/live/panel"): route(MEETING_VIEW),
    ("POST", "/meetings/{meeting_id:int}/live/start"): route(MEETING_RUN),
    ("POST", "/meetings/{meeting_id:int}/live/next"): route(MEETING_RUN),
    ("POST", "/meetings/{meeting_id:int}/live/previous"): route(MEETING_RUN),
    ("POST", "/meetings/{meeting_id:int}/live/end"): route(MEETING_RUN),
    ("POST", "/meetings/{meeting_id:int}/live/undo"): route(MEETING_RUN),
    ("POST", "/meetings/{meeting_id:int}/live/items/{item_id:int}/open"): route(MEETING_RUN),
    ("POST", "/meetings/{meeting_id:int}/items/{item_id:int}/outcome"): route(MEETING_RUN, form={"outcome": "deferred"}),
    ("POST", "/meetings/{meeting_id:int}/attendance/everyone"): route(MEETING_RUN),  # ended: 409
    ("POST", "/meetings/{meeting_id:int}/live/actions/{action_id:int}/status"): route(MEETING_RUN, form={"status": "done"}),
    ("POST", "/meetings/{meeting_id:int}/items/{item_id:int}/notes"): route(MEETING_RUN),  # empty notes
    ("POST", "/meetings/{meeting_id:int}/items/{item_id:int}/decisions"): route(MEETING_RUN),  # no text: 422
    ("POST", "/meetings/{meeting_id:int}/attendance"): route(MEETING_RUN),  # no one: 422
    ("POST", "/meetings/{meeting_id:int}/actions"): route(MEETING_RUN),  # empty form: 422
    # The case side of a case-review item: review notes, the room check, the meeting screen.
    ("POST", "/meetings/{meeting_id:int}/live/items/{item_id:int}/review-notes"): route(MEETING_RUN),  # empty: 422
    ("POST", "/meetings/{meeting_id:int}/live/items/{item_id:int}/step-out"): route(MEETING_RUN),  # ended: 409
    ("POST", "/meetings/{meeting_id:int}/live/items/{item_id:int}/back"): route(MEETING_RUN),  # ended: 409
    ("GET", "/meetings/{meeting_id:int}/screen"): route(MEETING_RUN),
    # Minutes (circulated: members read them; drafts are the leads' own, tested below).
    ("GET", "/meetings/{meeting_id:int}/minutes"): route(MINUTES_VIEW),
    ("POST", "/meetings/{meeting_id:int}/minutes"): route(MEETING_RUN),  # no version: 409
    ("POST", "/meetings/{meeting_id:int}/minutes/status"): route(MEETING_RUN),  # no version: 409
    ("POST", "/meetings/{meeting_id:int}/minutes/start"): route(MEETING_RUN),  # has minutes: back to them
    ("GET", "/meetings/{meeting_id:int}/minutes/print"): route(MINUTES_VIEW),
    ("GET", "/meetings/{meeting_id:int}/minutes.pdf"): route(MINUTES_VIEW),
    ("GET", "/meetings/{meeting_id:int}/minutes/compare"): route(MEETING_RUN),  # no versions: 422
    ("POST", "/meetings/{meeting_id:int}/minutes/comments"): route(MINUTES_VIEW),  # empty: 422
    ("POST", "/meetings/{meeting_id:int}/minutes/comments/{comment_id:int}/addressed"): route(MEETING_RUN),
    # Documents and links: part of the agenda, seen by whoever sees it; added and removed by the
    # people who run the meeting while its agenda is open (the meeting of the table has ended: 409).
    ("GET", "/meetings/{meeting_id:int}/documents/new"): route(MEETING_RUN),
    ("POST", "/meetings/{meeting_id:int}/documents"): route(MEETING_RUN),  # closed: 409
    ("POST", "/meetings/{meeting_id:int}/links"): route(MEETING_RUN),  # closed: 409
    ("POST", "/meetings/{meeting_id:int}/documents/{attachment_id:int}/delete"): route(MEETING_RUN),  # closed
    ("GET", "/meetings/{meeting_id:int}/documents/{attachment_id:int}"): route(MEETING_VIEW),
    ("GET", "/meetings/{meeting_id:int}/packet"): route(MEETING_VIEW),
    # Action items: leads create and edit; the owner (or their agency) reports progress.
    ("GET", "/actions"): route(LOGGED_IN),  # the viewer's own, across teams
    ("GET", "/teams/{team_id:int}/actions"): route(TEAM_ACTIONS),
    ("GET", "/teams/{team_id:int}/actions/new"): route(TEAM_RUN),
    ("POST", "/teams/{team_id:int}/actions"): route(TEAM_RUN),  # empty form: 422
    ("GET", "/actions/{action_id:int}"): route(ACTION_VIEW),
    ("POST", "/actions/{action_id:int}/progress"): route(ACTION_UPDATE),  # no status: 422
    ("POST", "/home/actions/{action_id:int}/progress"): route(ACTION_UPDATE),  # the home page's: no status, 422
    ("GET", "/actions/{action_id:int}/edit"): route(ACTION_MANAGE),
    ("POST", "/actions/{action_id:int}"): route(ACTION_MANAGE),  # empty form: 422
    # Releases of information (the release of the table is signed and in force).
    ("GET", "/cases/{case_id:int}/releases/new"): route(CASE_MANAGE),
    ("POST", "/cases/{case_id:int}/releases/new"): route(CASE_MANAGE),  # empty form: 422
    ("GET", "/releases/{release_id:int}"): route(CASE_MANAGE),
    ("GET", "/releases/{release_id:int}/document"): route(CASE_MANAGE),
    ("GET", "/releases/{release_id:int}/edit"): route(CASE_MANAGE),  # signed: 409
    ("POST", "/releases/{release_id:int}/edit"): route(CASE_MANAGE),  # signed: 409
    ("GET", "/releases/{release_id:int}/supersede"): route(CASE_MANAGE),
    ("POST", "/releases/{release_id:int}/supersede"): route(CASE_MANAGE),  # empty form: 422
    ("POST", "/releases/{release_id:int}/revoke"): route(CASE_MANAGE),  # empty form: 422
    ("POST", "/releases/{release_id:int}/event"): route(CASE_MANAGE),  # no event to record: 409
    ("GET", "/teams/{team_id:int}/consent"): route(CONSENT_VIEW),
    ("GET", "/teams/{team_id:int}/emergency"): route(EMERGENCY),
    ("POST", "/teams/{team_id:int}/emergency"): route(EMERGENCY),
    # The disclosure ledger's reports.
    ("GET", "/cases/{case_id:int}/disclosures"): route(CASE_MANAGE),
    ("GET", "/cases/{case_id:int}/disclosures/print"): route(CASE_MANAGE),
    ("GET", "/people/{person_id:int}/access"): route(ACCESS_REPORT),
    # Cases: the team's list and opening one; the case, its entries, file, print view and export.
    ("GET", "/teams/{team_id:int}/cases"): route(CASES),
    ("GET", "/teams/{team_id:int}/cases/new"): route(CASES),
    ("POST", "/teams/{team_id:int}/cases/new"): route(CASES),  # empty form: 422
    ("GET", "/cases/{case_id:int}"): route(CASES),
    ("POST", "/cases/{case_id:int}/entries"): route(CASES),  # empty form: 422
    ("GET", "/cases/{case_id:int}/entries/{entry_id:int}/file"): route(CASES),
    ("GET", "/cases/{case_id:int}/print"): route(CASES),
    ("GET", "/cases/{case_id:int}/export.csv"): route(CASES),
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


@dataclass(frozen=True)
class MeetingIds:
    meeting: int
    items: dict[str, int]  # "item", "spare", "carry", "template": what fills {item_id}
    attachment: int  # a document on the table's meeting: {attachment_id}


@dataclass(frozen=True)
class TeamRecords:
    """What the walk creates on one team (the demo's own meetings, if any, are not used)."""

    meetings: dict[str, MeetingIds]  # "table", "earlier"
    action: int
    comment: int  # a member's comment on the circulated minutes of the table


class Ids:
    """Demo ids and the walk's own records, for the path templates."""

    def __init__(self, demo, seats: dict[str, int], token: str, records: dict[str, TeamRecords],
                 case: tuple[int, int, int]):
        self.demo, self.seats, self.token, self.records = demo, seats, token, records
        self.case, self.case_file, self.release = case

    def path(self, template: str, persona: Persona, spec: Route) -> str:
        records = self.records[persona.team]
        meeting = records.meetings[persona.meeting]
        values = {
            "team_id": self.demo.team(TEAM_NAMES[persona.team]),
            "seat_id": self.seats[persona.team],
            "person_id": self.demo.people[spec.person],
            "agency_id": self.demo.agencies[spec.agency],
            "token": self.token,
            "meeting_id": meeting.meeting,
            "item_id": meeting.items[spec.item],
            "action_id": records.action,
            "comment_id": records.comment,
            "attachment_id": meeting.attachment,
            "case_id": self.case,
            "release_id": self.release,
            "entry_id": self.case_file,
        }
        return PARAM_RE.sub(lambda match: str(values[match.group(1)]), template)


async def demo_ids(demo, records_for: str | None = None) -> Ids:
    """The demo's ids, and the walk's own records on the team `records_for` (the persona's)."""
    seats = {}
    for team, email in SEAT_HOLDERS.items():
        row = await Membership.select(Membership.id).where(
            (Membership.team == demo.team(TEAM_NAMES[team]))
            & (Membership.person == demo.people[email])
            & Membership.ended_on.is_null()
        ).first()
        seats[team] = row["id"]
    records = {records_for: await table_records(demo, records_for)} if records_for else {}
    return Ids(demo, seats, await create_password_link(demo.people[LINK_OWNER]), records, await walk_case(demo))


async def walk_case(demo) -> tuple[int, int, int]:
    """A case of the Health Department on the Perinatal Cluster, with a stored file entry and a
    signed release (with its signed form) that covers none of its entries: (case, file, release)."""
    from server.cases.releases import STORAGE as RELEASE_FORMS
    from server.cases.tables import Release

    health = demo.agencies["MCHD"]
    case_id = await make_case(demo.team(TEAM_NAMES["cluster"]), health, "PC-WALK")
    await add_identity(case_id, health, "Walk: a client")
    received = CASE_FILES.receive(io.BytesIO(PDF), len(PDF))
    file_id = await add_entry(case_id, health, "coordination", kind="attachment", file_name="Walk: plan.pdf",
                              media_type="application/pdf", size=received.size, storage_key=CASE_FILES.place(received))
    release_id = await add_release(case_id, disclosing=[health], receiving=[demo.agencies["MCAP"]],
                                   categories=["housing"])
    form = RELEASE_FORMS.receive(io.BytesIO(PDF), len(PDF))
    await Release.update({Release.document_name: "ROI.pdf", Release.document_type: "application/pdf",
                          Release.document_size: form.size, Release.document_key: RELEASE_FORMS.place(form)}).where(
        Release.id == release_id)
    return case_id, file_id, release_id


async def table_records(demo, team_key: str) -> TeamRecords:
    """The team's records the walk needs, created here so the table never depends on demo meetings."""
    lead = await on_team(demo, LEADS[team_key], demo.team(TEAM_NAMES[team_key]))
    assert not await agenda.add_template_item(lead, {"kind": "standing", "title": "Walk: introductions",
                                                      "planned_minutes": "10"})
    template_item = (await agenda.template_items(lead.team["id"]))[-1]["id"]
    earlier, (carry_item,) = await held_meeting(lead, "Walk: earlier meeting", minutes_ago=40,
                                                items=(("discussion", "Walk: left unfinished"),))
    table, (item, spare) = await held_meeting(lead, "Walk: meeting of the table", minutes_ago=30, items=(
        ("discussion", "Walk: respite capacity"), ("presentation", "Walk: spare item, deleted")))
    assert carry_item in {c["id"] for c in await agenda.carry_over_candidates(table)}, (
        "another meeting of the team ended between the walk's two: pick other times"
    )
    await minutes.start_minutes(table)
    await Minutes.update({Minutes.status: "circulated"}).where(Minutes.meeting == table.meeting["id"])
    assert not await minutes.add_comment(table, {"body": "Walk: the respite figures are from May."})
    comment = (await MinutesComment.select(MinutesComment.id).first())["id"]
    if team_key == "collab":  # the guest is invited to the meeting of the table, not the earlier one
        await scheduling.invite(table, {"person_id": str(demo.people[GUEST])})
    document = await stored_document(table.meeting["id"], item, lead.viewer.id)
    owner, agency = ACTION_OWNERS[team_key]
    action, problems = await actions.create(lead, {
        "title": "Walk: share the respite waitlist", "owner_id": str(demo.people[owner]),
        "owner_agency_id": str(demo.agencies[agency]), "status": "open",
    }, table.meeting["id"], item)
    assert action, problems
    return TeamRecords(
        meetings={
            "table": MeetingIds(table.meeting["id"], {
                "item": item, "spare": spare, "carry": carry_item, "template": template_item,
            }, document),
            "earlier": MeetingIds(earlier.meeting["id"], dict.fromkeys(
                ("item", "spare", "carry", "template"), carry_item,
            ), document),
        },
        action=action,
        comment=comment,
    )


async def stored_document(meeting_id: int, item_id: int, person_id: int) -> int:
    """A PDF on an item of the meeting (whose agenda has closed: stored as the upload would)."""
    received = STORAGE.receive(io.BytesIO(PDF), len(PDF))
    row = await Attachment.insert(Attachment(
        meeting=meeting_id, agenda_item=item_id, kind="file", title="Walk: budget.pdf", media_type="application/pdf",
        size=received.size, sha256=received.sha256, storage_key=STORAGE.place(received), uploaded_by=person_id,
        uploaded_at=clock.now(),
    )).returning(Attachment.id)
    return row[0]["id"]


def outcome(response) -> str:
    status = response.status_code
    location = response.headers.get("location", "")
    if status == 303 and location.startswith("/login?next="):
        return "login"
    if 200 <= status < 300 or status in (303, 409, 422):
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
    if persona.prepare:
        await prepare_persona(demo, persona)
    ids = await demo_ids(demo, records_for=persona.team)
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
            if not template.startswith("/static/") and response.headers.get("cache-control") != "no-store":
                mismatches.append(f"{method} {template}: Cache-Control is "
                                  f"{response.headers.get('cache-control')!r}, not 'no-store'")
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
        assert (await member.get(f"/teams/{team}/roster")).status_code == 404  # an outsider now
        assert (await member.get(f"/teams/{team}")).status_code == 404


async def test_an_outsider_cannot_tell_a_team_that_exists_from_one_that_does_not(app, demo):
    team = demo.team("Community Collaborative")
    missing = max(demo.teams.values()) + 1000
    async with await make_client(app) as outsider:
        await log_in(outsider, "derek.shaw@maple.example")  # a seat on another team only
        for suffix in ("", "/roster", "/meetings", "/actions", "/roster/export.csv"):
            there, absent = await outsider.get(f"/teams/{team}{suffix}"), await outsider.get(f"/teams/{missing}{suffix}")
            assert there.status_code == absent.status_code == 404, suffix
            assert there.text == absent.text, suffix


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


# States the table cannot show: drafts, invitations, an item given to the viewer's agency.


async def collab_meeting(demo, title: str, *, published: bool, item_title: str, minutes_ago: int = 50):
    lead = await on_team(demo, CHAIR, demo.team(TEAM_NAMES["collab"]))
    held, _ = await held_meeting(lead, title, minutes_ago=minutes_ago, items=(("discussion", item_title),))
    if not published:
        await Meeting.update({Meeting.agenda_published_at: None}).where(Meeting.id == held.meeting["id"])
    return held


async def test_drafts_are_for_the_people_who_run_the_meeting(app, demo):
    """Members see a meeting whose agenda is a draft, but not its items; draft minutes are not there."""
    held = await collab_meeting(demo, "Walk: drafts", published=False, item_title="Walk: draft-only item")
    await minutes.start_minutes(held)  # a draft
    meeting_id = held.meeting["id"]
    async with await make_client(app) as chair, await make_client(app) as member:
        await log_in(chair, CHAIR)
        await log_in(member, SCHOOL)
        page = await chair.get(f"/meetings/{meeting_id}")
        assert page.status_code == 200 and "Walk: draft-only item" in page.text
        for path in (f"/meetings/{meeting_id}/minutes", f"/meetings/{meeting_id}/minutes/print"):
            assert (await chair.get(path)).status_code == 200, path
            assert (await member.get(path)).status_code == 404, path
        page = await member.get(f"/meetings/{meeting_id}")
        assert page.status_code == 200
        assert "Walk: draft-only item" not in page.text
        panel = await member.get(f"/meetings/{meeting_id}/live/panel")
        assert panel.status_code == 200 and "Walk: draft-only item" not in panel.text


async def test_a_guest_sees_only_the_meetings_they_are_invited_to_and_published_agendas(app, demo):
    published = await collab_meeting(demo, "Walk: invited, published", published=True,
                                     item_title="Walk: published item")
    draft = await collab_meeting(demo, "Walk: invited, draft", published=False, item_title="Walk: draft item")
    other = await collab_meeting(demo, "Walk: not invited", published=True, item_title="Walk: other item")
    team = demo.team(TEAM_NAMES["collab"])
    await Invitation.delete().where(Invitation.person == demo.people[GUEST])  # the demo's, if any
    async with await make_client(app) as guest:
        await log_in(guest, GUEST)
        assert (await guest.get(f"/teams/{team}/meetings")).status_code == 403  # invited to none
        for held in (published, draft):
            await scheduling.invite(held, {"person_id": str(demo.people[GUEST])})
        page = await guest.get(f"/teams/{team}/meetings")
        assert page.status_code == 200
        assert "Walk: invited, published" in page.text and "Walk: invited, draft" in page.text
        assert "Walk: not invited" not in page.text
        page = await guest.get(f"/meetings/{published.meeting['id']}")
        assert page.status_code == 200 and "Walk: published item" in page.text
        page = await guest.get(f"/meetings/{draft.meeting['id']}")
        assert page.status_code == 200 and "Walk: draft item" not in page.text
        assert (await guest.get(f"/meetings/{other.meeting['id']}")).status_code == 404


async def test_a_member_updates_the_action_items_given_to_their_agency(app, demo):
    """An item given to an agency (no one person): that agency's members update it, others may not."""
    lead = await on_team(demo, CHAIR, demo.team(TEAM_NAMES["collab"]))
    action, problems = await actions.create(lead, {
        "title": "Walk: for the agency", "owner_agency_id": str(demo.agencies["MHAS"]), "status": "open",
    })
    assert action, problems
    async with await make_client(app) as agency_member, await make_client(app) as other:
        token = await log_in(agency_member, "beth.lindqvist@maple.example")  # a member, for MHAS
        other_token = await log_in(other, SCHOOL)  # a member, for MCS
        assert (await agency_member.get(f"/actions/{action}")).status_code == 200
        assert (await other.get(f"/actions/{action}")).status_code == 200  # the team's items
        response = await agency_member.post(f"/actions/{action}/progress", data={"_csrf_token": token})
        assert response.status_code == 422  # allowed: only the form is empty
        response = await other.post(f"/actions/{action}/progress", data={"_csrf_token": other_token})
        assert response.status_code == 403
        assert (await agency_member.get(f"/actions/{action}/edit")).status_code == 403
