"""Action items: statuses, who may update what, validation. Pure: no framework, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from server.accounts.policy import Viewer
from server.forms import Overridable, checked, limit, parse_date, parse_id, require, text
from server.i18n import N_
from server.teams.policy import Standing

STATUSES = {
    "open": N_("Open"),
    "in_progress": N_("In progress"),
    "blocked": N_("Blocked"),
    "done": N_("Done"),
    "dropped": N_("Dropped"),
}
OPEN_STATUSES = ("open", "in_progress", "blocked")
MEMBER_STATUSES = ("open", "in_progress", "blocked", "done")  # dropping is the chair's call
SCOPES = {
    "mine": N_("Assigned to me"),
    "created": N_("Created by me"),
    "agency": N_("My agency's"),
}


def can_manage(viewer: Viewer, standing: Standing) -> bool:
    """Create action items and edit any of the team's: the team's leads."""
    return standing.leads


def can_see_team_actions(viewer: Viewer, standing: Standing) -> bool:
    """The team's action items are for its members, not its guests (DESIGN.md §4)."""
    return standing.is_member


def can_update(viewer: Viewer, standing: Standing, owner_id: int | None, owner_agency_id: int | None) -> bool:
    """Leads update any; a member updates the ones given to them, or to the agency they sit
    for on the item's team."""
    if can_manage(viewer, standing):
        return True
    if not standing.is_member:
        return False
    return owner_id == viewer.id or (owner_agency_id is not None and owner_agency_id == standing.agency_id)


def can_see(viewer: Viewer, standing: Standing, owner_id: int | None, owner_agency_id: int | None) -> bool:
    return can_see_team_actions(viewer, standing) or can_update(viewer, standing, owner_id, owner_agency_id)


def is_overdue(due_on: date | None, status: str, today: date) -> bool:
    return due_on is not None and status in OPEN_STATUSES and due_on < today


@dataclass(frozen=True)
class ActionInput:
    title: str
    description: str
    owner_id: int | None
    owner_agency_id: int | None
    due_on: date | None
    status: str

    def as_columns(self) -> dict[str, object]:
        """The values as the item's columns name them (to compare with a stored item)."""
        return {"title": self.title, "description": self.description, "owner": self.owner_id,
                "owner_agency": self.owner_agency_id, "due_on": self.due_on, "status": self.status}


PAST_DUE = Overridable(
    N_("This due date has already passed. Check it, or confirm that the item was due then."),
    confirm="past_due_confirmed", confirm_label=N_("Save with this past date"),
)


def validate_action(form: dict[str, str], people: dict[int, int | None], agency_ids: set[int],
                    today: date | None = None) -> tuple[ActionInput | None, dict[str, str]]:
    """`people` maps each person who may own the item to their agency on the team. With `today`
    (the team's day; given for a new item), a due date before it is saved only once confirmed."""
    errors: dict[str, str] = {}
    title = text(form, "title")
    require(errors, "title", title, 200, N_("Say what needs to be done."))
    description = str(form.get("description", "")).strip()
    limit(errors, "description", description, 5000)
    owner_id = parse_id(form.get("owner_id")) if str(form.get("owner_id", "")).strip() else None
    if str(form.get("owner_id", "")).strip() and owner_id not in people:
        errors["owner_id"] = N_("Choose an owner from the team's roster.")
    agency_id = parse_id(form.get("owner_agency_id")) if str(form.get("owner_agency_id", "")).strip() else None
    if str(form.get("owner_agency_id", "")).strip() and agency_id not in agency_ids:
        errors["owner_agency_id"] = N_("Choose an agency from the list.")
    if owner_id is None and agency_id is None and "owner_id" not in errors and "owner_agency_id" not in errors:
        errors["owner_id"] = N_("Give the action item an owner, an agency, or both.")
    if agency_id is None and owner_id in people:
        agency_id = people[owner_id]
    due_on = None
    if str(form.get("due_on", "")).strip():
        due_on = parse_date(form.get("due_on", ""))
        if due_on is None:
            errors["due_on"] = N_("Enter a date as YYYY-MM-DD.")
    status = form.get("status", "open") or "open"
    if status not in STATUSES:
        errors["status"] = N_("Choose a status.")
    # Asked again while anything else is wrong, so the confirmation (a ticked box) is still on the
    # form when it comes back.
    if due_on is not None and today is not None and due_on < today and (errors or not checked(form, PAST_DUE.confirm)):
        errors["due_on"] = PAST_DUE
    if errors:
        return None, errors
    return ActionInput(title, description, owner_id, agency_id, due_on, status), {}


@dataclass(frozen=True)
class ProgressInput:
    status: str
    note: str
    due_on: date | None
    due_changed: bool


def validate_progress(form: dict[str, str], current_due: date | None, lead: bool
                      ) -> tuple[ProgressInput | None, dict[str, str]]:
    """A progress update: a status, a note, and a new due date only with a reason."""
    errors: dict[str, str] = {}
    allowed = STATUSES if lead else MEMBER_STATUSES
    status = form.get("status", "")
    if status not in allowed:
        errors["status"] = N_("Choose a status.")
    note = str(form.get("note", "")).strip()
    limit(errors, "note", note, 5000)
    raw_due = str(form.get("due_on", "")).strip()
    due_on = parse_date(raw_due) if raw_due else None
    if raw_due and due_on is None:
        errors["due_on"] = N_("Enter a date as YYYY-MM-DD.")
    due_changed = "due_on" not in errors and due_on != current_due
    if due_changed and not note:
        errors["note"] = N_("Say why the due date changes.")
    if errors:
        return None, errors
    return ProgressInput(status, note, due_on, due_changed), {}


def changes_nothing(proposed: dict[str, object], current: dict, note: str = "") -> bool:
    """Every value as it is stored and no note written: nothing to save and nothing for the log.
    The one rule for a progress update and for a lead's full edit."""
    return not note and all(current[column] == value for column, value in proposed.items())
