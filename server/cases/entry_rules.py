"""What a case and its entries may be when they are written, how the case page groups them, how
the case list's search matches, and how an exported cell is kept from running as a formula.
Pure: no web framework, no database. Who may see an entry is the decision's alone (policy.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from server.actions.policy import STATUSES as ACTION_STATUSES
from server.cases import policy
from server.forms import limit, neutralised, parse_date, parse_id, require, spreadsheet_date, text
from server.i18n import N_

# The kinds of entry, in the order the case page shows them, with their section headings.
SECTIONS: dict[str, str] = {
    "identity": N_("Identity"),
    "summary": N_("Summary"),
    "need": N_("The client's needs"),
    "service": N_("Services and referrals"),
    "plan_item": N_("Plan items"),
    "action": N_("Action items"),
    "review_note": N_("Case-review notes from meetings"),
    "note": N_("Notes"),
    "attachment": N_("Attachments"),
}
# What a member adds on the case page (identity comes with the case; review notes from meetings).
ADDABLE: dict[str, str] = {
    "summary": N_("Summary"),
    "need": N_("Need"),
    "service": N_("Service or referral"),
    "plan_item": N_("Plan item"),
    "action": N_("Action item"),
    "note": N_("Note"),
    "attachment": N_("Attachment (a file)"),
}
# Every category but identity, which only an identity entry carries.
ENTRY_CATEGORIES: dict[str, str] = {code: label for code, label in policy.CATEGORIES.items() if code != "identity"}
CASE_STATUSES: dict[str, str] = {"open": N_("Case open"), "closed": N_("Case closed")}

MAX_TITLE = 200
MAX_BODY = 10_000
MAX_NAME = 200
MAX_CONTACT = 1_000
MAX_QUERY = 100

NO_KIND = N_("Choose what kind of entry this is.")
NO_CATEGORY = N_("Choose the kind of information this is.")
IDENTITY_CATEGORY = N_("Identity is only for the client's name, date of birth and contact details, recorded with "
                       "the case.")
NO_TEXT = N_("Write what this entry records.")
NO_ACTION_TITLE = N_("Say what needs to be done.")
NO_STATUS = N_("Choose a status.")
BAD_DATE = N_("Enter a date such as 2027-03-14.")
NO_OWNER = N_("Choose one of the agencies on the team.")
NO_CLIENT_NAME = N_("Enter the client's name.")
FUTURE_BIRTH = N_("A date of birth cannot be in the future.")
NO_LEAD = N_("Choose the lead agency: one of the agencies on the team.")
NO_AGENCY = N_("You sit on this team for an agency you do not work for now, so you cannot record entries for "
               "it. Ask the team's coordinator to update the roster.")


@dataclass(frozen=True)
class EntryInput:
    kind: str
    category: str
    title: str
    body: str
    due_on: date | None = None
    status: str = ""
    owner_agency: int | None = None


def validate_entry(form: dict[str, str], agencies: set[int]) -> tuple[EntryInput | None, dict[str, str]]:
    """An entry a member adds (not its file: the service checks that). `agencies`: those seated
    on the team, which an action item may be given to."""
    errors: dict[str, str] = {}
    kind = form.get("kind", "")
    category = form.get("category", "")
    if kind not in ADDABLE:
        errors["kind"] = NO_KIND
    if category == "identity":
        errors["category"] = IDENTITY_CATEGORY
    elif category not in ENTRY_CATEGORIES:
        errors["category"] = NO_CATEGORY
    title = text(form, "title", MAX_TITLE)
    body = str(form.get("body", "")).strip()[: MAX_BODY * 2]
    limit(errors, "body", body, MAX_BODY)
    due_on, status, owner = None, "", None
    if kind == "action":
        require(errors, "title", title, MAX_TITLE, NO_ACTION_TITLE)
        status = form.get("status", "") or "open"
        if status not in ACTION_STATUSES:
            errors["status"] = NO_STATUS
        raw_due = form.get("due_on", "").strip()
        if raw_due:
            due_on = parse_date(spreadsheet_date(raw_due))
            if due_on is None:
                errors["due_on"] = BAD_DATE
        raw_owner = form.get("owner_agency_id", "").strip()
        if raw_owner:
            owner = parse_id(raw_owner)
            if owner not in agencies:
                errors["owner_agency_id"] = NO_OWNER
    else:
        limit(errors, "title", title, MAX_TITLE)
        if kind != "attachment" and not title and not body and "body" not in errors:
            errors["body"] = NO_TEXT
    if errors:
        return None, errors
    return EntryInput(kind, category, title, body, due_on, status, owner), {}


@dataclass(frozen=True)
class IdentityInput:
    client_name: str
    date_of_birth: date | None
    contact: str


def validate_identity(form: dict[str, str], today: date) -> tuple[IdentityInput | None, dict[str, str]]:
    """The identity entry a case opens with: the client's name (required), date of birth and
    contact details (optional). `today`: on the team's calendar."""
    errors: dict[str, str] = {}
    name = text(form, "client_name", MAX_NAME)
    require(errors, "client_name", name, MAX_NAME, NO_CLIENT_NAME)
    born = None
    raw_born = form.get("date_of_birth", "").strip()
    if raw_born:
        born = parse_date(spreadsheet_date(raw_born))
        if born is None:
            errors["date_of_birth"] = BAD_DATE
        elif born > today:
            errors["date_of_birth"] = FUTURE_BIRTH
    contact = str(form.get("contact", "")).strip()[: MAX_CONTACT * 2]
    limit(errors, "contact", contact, MAX_CONTACT)
    if errors:
        return None, errors
    return IdentityInput(name, born, contact), {}


def lead_agency(form: dict[str, str], own_agency: int | None, may_choose: bool,
                seated: set[int]) -> tuple[int | None, dict[str, str]]:
    """The case's lead agency: the opener's own; a coordinator may name any agency seated on
    the team (their own when they name none)."""
    if may_choose:
        chosen = parse_id(form.get("lead_agency_id", "")) if form.get("lead_agency_id") else own_agency
        if chosen is None or chosen not in seated:
            return None, {"lead_agency_id": NO_LEAD}
        return chosen, {}
    if own_agency is None:
        return None, {"form": NO_AGENCY}
    return own_agency, {}


# The case page: entries under their kind's heading, each section with the notices its entries need.


@dataclass(frozen=True)
class Section:
    kind: str
    label: str
    entries: list[dict]
    notices: list[str]  # "part2", "ferpa"


def sections(entries: Iterable[dict]) -> list[Section]:
    """The shown entries grouped by kind, in the page's order (unknown kinds last, as notes)."""
    grouped: dict[str, list[dict]] = {}
    for entry in entries:
        kind = entry["kind"] if entry["kind"] in SECTIONS else "note"
        grouped.setdefault(kind, []).append(entry)
    return [Section(kind, SECTIONS[kind], grouped[kind], policy.notices(e["category"] for e in grouped[kind]))
            for kind in SECTIONS if kind in grouped]


def entry_notice(category: str) -> str | None:
    """The notice one entry is shown with ("part2", "ferpa"), if any."""
    return policy.NOTICES.get(category)


# Search: within what the viewer may see, never over anything else.


def folded(value: str) -> str:
    """Text as search compares it: case and accents ignored, spaces collapsed ("María" = "maria")."""
    decomposed = unicodedata.normalize("NFKD", neutralised(value).casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def search_query(raw: object) -> str:
    """The query as typed, trimmed and held to a sensible length."""
    return " ".join(str(raw or "").split())[:MAX_QUERY]


def matches(query: str, reference: str, identities: Iterable[dict]) -> bool:
    """A case matches when the query is part of its reference, or when an identity entry given
    (only those the viewer may see) has every word of it in the client's name, or is the
    client's date of birth (2027-03-14 or 3/14/2027)."""
    wanted = folded(query)
    if not wanted:
        return True
    compact = wanted.replace("-", "").replace(" ", "")
    if wanted in folded(reference) or (compact and compact in folded(reference).replace("-", "")):
        return True
    day = parse_date(spreadsheet_date(query))
    words = wanted.split()
    for entry in identities:
        if entry.get("kind") != "identity":
            continue
        name = folded(entry.get("client_name") or "")
        if name and all(word in name for word in words):
            return True
        if day is not None and entry.get("date_of_birth") == day:
            return True
    return False


# Exports.

_FORMULA_START = tuple("=+-@\t\r\n") + ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms


def csv_cell(value: object) -> str:
    """A value as a CSV cell a spreadsheet shows as text: without characters that disguise it,
    and with a leading apostrophe where it would otherwise start a formula (= + - @, also after
    spaces, and their full-width forms)."""
    if value is None:
        return ""
    cell = neutralised(value.isoformat() if isinstance(value, date) else str(value))
    return "'" + cell if cell.lstrip(" ").startswith(_FORMULA_START) else cell
