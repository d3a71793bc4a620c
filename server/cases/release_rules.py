"""Releases of information as forms see them (CONSENT.md §2, §8): what a release, a revocation and
an emergency declaration must say, which changes each state of a release allows, and the field
messages. Pure: no web framework, no database. The decision itself is cases/policy.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from server import clock
from server.cases import policy
from server.forms import checked, parse_date, parse_id, require, text, too_long
from server.i18n import N_

MAX_SIGNER = 200
MAX_IDENTITY_CHECK = 300
MAX_PURPOSE_DETAIL = 300
MAX_EVENT = 200
MAX_RECEIVED_BY = 200
MAX_REFERENCE = 20
MAX_REASON = 1000

# The signed form: a PDF or an image of it (attachments/policy.py tells them by content).
DOCUMENT_TYPES = ("pdf", "png", "jpeg", "gif", "webp")
DOCUMENT_ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.webp"

UPCOMING = timedelta(days=60)  # the dashboard's meetings ahead
RECENT_EMERGENCIES = timedelta(days=30)  # the dashboard's emergency declarations
EMERGENCY_NOTICE = timedelta(days=7)  # the home page's notice of them

NO_SIGNER = N_("Enter the name of the person who signed.")
NO_AUTHORITY = N_("Choose on what authority they signed.")
NO_SIGNED_ON = N_("Enter the date it was signed.")
SIGNED_LATER = N_("The date signed cannot be after today.")
NO_IDENTITY_CHECK = N_("Say how the signer's identity was checked (for example: photo ID seen by the coordinator).")
NO_DISCLOSING = N_("Choose at least one agency that may disclose.")
NO_RECIPIENTS = N_("Choose at least one agency that may receive.")
NOT_ON_TEAM = N_("Choose agencies seated on this team.")
NAMED_ELSEWHERE = N_("A named person must be seated on the team for one of the receiving agencies chosen.")
NO_CATEGORIES = N_("Choose at least one kind of information the release covers.")
UNKNOWN_CATEGORY = N_("Choose kinds of information from the list.")
SEPARATE_CONSENT = N_("SUD counseling notes can only be released by a consent that covers nothing else "
                      "(42 CFR 2.31): record a separate release for them.")
NO_PURPOSE = N_("Choose the purpose of the release.")
NO_EFFECTIVE_ON = N_("Enter the date the release takes effect.")
EFFECTIVE_BEFORE_SIGNED = N_("A release cannot take effect before the date it was signed.")
NO_EXPIRY = N_("Enter the date the release expires, or the event that ends it.")
TWO_EXPIRIES = N_("Give either an expiry date or an event, not both.")
BAD_DATE = N_("Enter a date as YYYY-MM-DD.")
EXPIRES_BEFORE_EFFECTIVE = N_("The release cannot expire before it takes effect.")
MISSING_STATEMENT = N_("Without this statement on the signed form the release is not valid (45 CFR 164.508(c), "
                       "42 CFR 2.31): save it as a draft.")
NO_DOCUMENT = N_("Upload the signed form (a PDF or an image), or tick that the signature was captured in the app.")
NOT_A_DOCUMENT = N_("The signed form must be a PDF or an image (PNG, JPEG, GIF or WebP).")
# Revocation
NO_WHEN = N_("Choose when the revocation was received.")
NO_RECEIVED_AT = N_("Enter when the revocation was received.")
BAD_RECEIVED_AT = N_("Enter the date and time the revocation was received.")
RECEIVED_LATER = N_("A revocation cannot be received in the future: choose \"now\".")
RECEIVED_BEFORE_SIGNED = N_("The revocation cannot have been received before the release was signed.")
NO_HOW = N_("Choose how the revocation was made.")
NO_RECEIVED_BY = N_("Enter who received the revocation.")
NO_SCOPE = N_("Choose whether the whole release is revoked or only some recipients.")
NO_SCOPE_AGENCIES = N_("Choose the recipient agencies it is revoked for.")
NOT_A_RECIPIENT = N_("Choose recipients of this release that are not already revoked.")
# Emergency
NO_REFERENCE = N_("Enter the case's reference (for example PC-7F3K).")
UNKNOWN_REFERENCE = N_("No case of this team has that reference. Check it with the case's lead agency.")
NO_REASON = N_("Describe the medical emergency: the reason is recorded with every view.")

STATEMENTS = ("states_right_to_revoke", "states_no_conditioning", "states_redisclosure")
STATEMENT_LABELS = {
    "states_right_to_revoke": N_("The right to revoke the release, and how"),
    "states_no_conditioning": N_("That treatment, payment or eligibility is not conditioned on signing"),
    "states_redisclosure": N_("The notice about redisclosure by the recipients"),
}
SCOPES = {"whole": N_("The whole release"), "agencies": N_("Only some recipient agencies")}

# What a release in each state allows (policy.state).
OPEN_STATES = frozenset({"in_force", "pending", "partly_revoked"})


def may_edit(state: str) -> bool:
    """Only a draft is changed in place; a signed release never is."""
    return state == "draft"


def may_supersede(state: str) -> bool:
    """A correction or change replaces a release that still grants (or will): not a draft, nor a
    release already superseded, revoked or expired, which a new release must replace instead, so a
    revocation or an expiry is never undone by a correction."""
    return state in OPEN_STATES


def may_revoke(state: str) -> bool:
    return state in OPEN_STATES


def may_record_event(state: str, expiry_event: str, event_recorded: bool) -> bool:
    return state in OPEN_STATES and bool(expiry_event) and not event_recorded


# A release.


@dataclass(frozen=True)
class Choices:
    """What a release of one case may name: agencies (id → name) and people (id → (name, the
    agency they sit for)) seated on the team, and those the release it replaces named."""

    agencies: dict[int, str]
    people: dict[int, tuple[str, int]]


@dataclass(frozen=True)
class ReleaseInput:
    signer_name: str
    signer_authority: str
    signed_on: date
    identity_check: str
    disclosing: tuple[int, ...]
    recipients: tuple[int, ...]
    named: tuple[tuple[int, int], ...]  # (agency, person)
    categories: tuple[str, ...]
    purpose: str
    purpose_detail: str
    effective_on: date
    expires_on: date | None
    expiry_event: str
    states_right_to_revoke: bool
    states_no_conditioning: bool
    states_redisclosure: bool
    permits_legal_proceedings: bool
    signature_captured: bool

    @property
    def columns(self) -> dict:
        """The release's own columns (its parties are rows of their own)."""
        return {
            "signer_name": self.signer_name, "signer_authority": self.signer_authority, "signed_on": self.signed_on,
            "identity_check": self.identity_check, "categories": ",".join(self.categories),
            "purpose": self.purpose, "purpose_detail": self.purpose_detail, "effective_on": self.effective_on,
            "expires_on": self.expires_on, "expiry_event": self.expiry_event,
            "states_right_to_revoke": self.states_right_to_revoke,
            "states_no_conditioning": self.states_no_conditioning, "states_redisclosure": self.states_redisclosure,
            "permits_legal_proceedings": self.permits_legal_proceedings,
            "signature_captured": self.signature_captured,
        }

    @property
    def parties(self) -> list[tuple[int, str, int | None]]:
        """(agency, role, person) rows: each discloser, each recipient, and each named person
        (a row of their own, beside their agency's)."""
        return ([(agency, "discloses", None) for agency in self.disclosing]
                + [(agency, "receives", None) for agency in self.recipients]
                + [(agency, "receives", person) for agency, person in self.named])


MULTI_FIELDS = frozenset({"disclosing", "recipients", "named", "categories", "agencies"})


def _ids(value: str) -> list[int] | None:
    """Comma-separated row ids (checkboxes of one name, joined); None when one is not an id."""
    found = [parse_id(part) for part in value.split(",") if part.strip()]
    return None if any(number is None for number in found) else sorted(set(found))  # type: ignore[arg-type]


def _pairs(value: str) -> list[tuple[int, int]] | None:
    """"agency:person" values, joined by commas."""
    found = []
    for part in value.split(","):
        if not part.strip():
            continue
        agency, _, person = part.partition(":")
        pair = (parse_id(agency), parse_id(person))
        if None in pair:
            return None
        found.append(pair)
    return sorted(set(found))  # type: ignore[arg-type]


def _date(errors: dict[str, str], form: dict[str, str], key: str, missing: str) -> date | None:
    raw = str(form.get(key, "")).strip()
    if not raw:
        errors[key] = missing
        return None
    parsed = parse_date(raw)
    if parsed is None:
        errors[key] = BAD_DATE
    return parsed


def validate_release(form: dict[str, str], choices: Choices, today: date, *,
                     signing: bool) -> tuple[ReleaseInput | None, dict[str, str]]:
    """Every field of CONSENT.md §2 but the document (see document_problem). A draft (not
    `signing`) may leave out the statements the form carried; nothing else."""
    errors: dict[str, str] = {}
    signer = text(form, "signer_name", MAX_SIGNER)
    require(errors, "signer_name", signer, MAX_SIGNER, NO_SIGNER)
    authority = str(form.get("signer_authority", ""))
    if authority not in policy.AUTHORITIES:
        errors["signer_authority"] = NO_AUTHORITY
    signed_on = _date(errors, form, "signed_on", NO_SIGNED_ON)
    if signed_on is not None and signed_on > today:
        errors["signed_on"] = SIGNED_LATER
    identity_check = text(form, "identity_check", MAX_IDENTITY_CHECK)
    require(errors, "identity_check", identity_check, MAX_IDENTITY_CHECK, NO_IDENTITY_CHECK)

    disclosing = _ids(str(form.get("disclosing", "")))
    if disclosing is None or any(agency not in choices.agencies for agency in disclosing):
        errors["disclosing"] = NOT_ON_TEAM
    elif not disclosing:
        errors["disclosing"] = NO_DISCLOSING
    recipients = _ids(str(form.get("recipients", "")))
    if recipients is None or any(agency not in choices.agencies for agency in recipients):
        errors["recipients"] = NOT_ON_TEAM
    elif not recipients:
        errors["recipients"] = NO_RECIPIENTS
    named = _pairs(str(form.get("named", "")))
    if named is None or any(choices.people.get(person, ("", None))[1] != agency or agency not in (recipients or ())
                            for agency, person in named):
        errors["named"] = NAMED_ELSEWHERE

    categories = [code for code in str(form.get("categories", "")).split(",") if code]
    if not categories:
        errors["categories"] = NO_CATEGORIES
    elif any(code not in policy.CATEGORIES for code in categories):
        errors["categories"] = UNKNOWN_CATEGORY
    elif policy.SEPARATE_CONSENT in categories and len(set(categories)) > 1:
        errors["categories"] = SEPARATE_CONSENT

    purpose = str(form.get("purpose", ""))
    if purpose not in policy.PURPOSES:
        errors["purpose"] = NO_PURPOSE
    purpose_detail = text(form, "purpose_detail", MAX_PURPOSE_DETAIL)
    if len(purpose_detail) > MAX_PURPOSE_DETAIL:
        errors["purpose_detail"] = too_long(MAX_PURPOSE_DETAIL)

    effective_on = _date(errors, form, "effective_on", NO_EFFECTIVE_ON)
    if effective_on is not None and signed_on is not None and effective_on < signed_on:
        errors["effective_on"] = EFFECTIVE_BEFORE_SIGNED
    raw_expiry = str(form.get("expires_on", "")).strip()
    event = text(form, "expiry_event", MAX_EVENT)
    expires_on = None
    if raw_expiry and event:
        errors["expires_on"] = TWO_EXPIRIES
    elif not raw_expiry and not event:
        errors["expires_on"] = NO_EXPIRY
    elif raw_expiry:
        expires_on = parse_date(raw_expiry)
        if expires_on is None:
            errors["expires_on"] = BAD_DATE
        elif effective_on is not None and expires_on < effective_on:
            errors["expires_on"] = EXPIRES_BEFORE_EFFECTIVE
    elif len(event) > MAX_EVENT:
        errors["expiry_event"] = too_long(MAX_EVENT)

    statements = {key: checked(form, key) for key in STATEMENTS}
    if signing:
        for key, carried in statements.items():
            if not carried:
                errors[key] = MISSING_STATEMENT
    if errors:
        return None, errors
    assert signed_on and effective_on and disclosing is not None and recipients is not None and named is not None
    return ReleaseInput(
        signer_name=signer, signer_authority=authority, signed_on=signed_on, identity_check=identity_check,
        disclosing=tuple(disclosing), recipients=tuple(recipients), named=tuple(named),
        categories=tuple(code for code in policy.CATEGORIES if code in categories), purpose=purpose,
        purpose_detail=purpose_detail, effective_on=effective_on, expires_on=expires_on,
        expiry_event="" if expires_on else event, **statements,
        permits_legal_proceedings=checked(form, "permits_legal_proceedings"),
        signature_captured=checked(form, "signature_captured"),
    ), {}


def document_problem(has_document: bool, signature_captured: bool, signing: bool) -> str | None:
    """A signed release rests on its signed form, uploaded, unless it was signed in the app. A
    draft may wait for it."""
    if signing and not has_document and not signature_captured:
        return NO_DOCUMENT
    return None


def checked_signature(form: dict[str, str]) -> bool:
    """The signature was captured in the app (no uploaded form needed)."""
    return checked(form, "signature_captured")


def keeps_document(form: dict[str, str]) -> bool:
    """A correction keeps the signed form of the release it replaces (the same signed form)."""
    return checked(form, "keep_document")


def accepted_document(kind: str) -> bool:
    """The kind attachments/policy.detect() found is one a signed form may be."""
    return kind in DOCUMENT_TYPES


def form_values(release: dict, parties: list[dict]) -> dict[str, str]:
    """A release's fields as its form holds them (to edit a draft, or to start a correction)."""
    values = {key: "on" if release[key] else "" for key in (*STATEMENTS, "permits_legal_proceedings",
                                                              "signature_captured")}
    values.update({
        "signer_name": release["signer_name"], "signer_authority": release["signer_authority"],
        "signed_on": release["signed_on"].isoformat(), "identity_check": release["identity_check"],
        "categories": release["categories"], "purpose": release["purpose"],
        "purpose_detail": release["purpose_detail"], "effective_on": release["effective_on"].isoformat(),
        "expires_on": release["expires_on"].isoformat() if release["expires_on"] else "",
        "expiry_event": release["expiry_event"],
        "disclosing": ",".join(str(p["agency"]) for p in parties if p["role"] == "discloses"),
        "recipients": ",".join(str(p["agency"]) for p in parties if p["role"] == "receives" and p["person"] is None),
        "named": ",".join(f"{p['agency']}:{p['person']}" for p in parties
                          if p["role"] == "receives" and p["person"] is not None),
    })
    return values


def without_revoked(values: dict[str, str], revoked: set[int]) -> dict[str, str]:
    """A correction starts from the release without the recipients it was revoked for: a
    correction never gives back what a revocation took (a new signed release may)."""
    recipients = [part for part in values["recipients"].split(",") if part and int(part) not in revoked]
    named = [part for part in values["named"].split(",") if part and int(part.split(":")[0]) not in revoked]
    return {**values, "recipients": ",".join(recipients), "named": ",".join(named)}


def expiry_day(expires_at: datetime | None, time_zone: str) -> date | None:
    """The last day a release counts on (policy.window's end is the start of the day after)."""
    return clock.day_in(expires_at, time_zone) - timedelta(days=1) if expires_at else None


# A revocation.


@dataclass(frozen=True)
class RevocationInput:
    effective_at: datetime
    how: str
    received_by: str
    agencies: tuple[int, ...] | None  # None: the whole release


def _local_instant(value: str, time_zone: str) -> datetime | None:
    """"2027-03-14T09:30" (a datetime-local field) on the team's calendar, as an instant."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is not None or not 1900 <= parsed.year <= 2200:
        return None
    return parsed.replace(tzinfo=clock.zone(time_zone))


def validate_revocation(form: dict[str, str], open_recipients: set[int], signed_on: date, now: datetime,
                        time_zone: str) -> tuple[RevocationInput | None, dict[str, str]]:
    """When (now, or an earlier instant it was received, not before the day the release was
    signed), how, who received it, and the scope: the whole release, or recipients not yet revoked."""
    errors: dict[str, str] = {}
    when = str(form.get("when", "now"))
    effective_at = now
    if when == "earlier":
        raw = str(form.get("received_at", "")).strip()
        found = _local_instant(raw, time_zone) if raw else None
        if not raw:
            errors["received_at"] = NO_RECEIVED_AT
        elif found is None:
            errors["received_at"] = BAD_RECEIVED_AT
        elif found > now:
            errors["received_at"] = RECEIVED_LATER
        elif found < datetime.combine(signed_on, time.min, clock.zone(time_zone)):
            errors["received_at"] = RECEIVED_BEFORE_SIGNED
        else:
            effective_at = found
    elif when != "now":
        errors["when"] = NO_WHEN
    how = str(form.get("how", ""))
    if how not in policy.REVOCATION_MEANS:
        errors["how"] = NO_HOW
    received_by = text(form, "received_by", MAX_RECEIVED_BY)
    require(errors, "received_by", received_by, MAX_RECEIVED_BY, NO_RECEIVED_BY)
    scope = str(form.get("scope", ""))
    agencies = None
    if scope == "agencies":
        chosen = _ids(str(form.get("agencies", "")))
        if chosen is None or any(agency not in open_recipients for agency in chosen):
            errors["agencies"] = NOT_A_RECIPIENT
        elif not chosen:
            errors["agencies"] = NO_SCOPE_AGENCIES
        else:
            agencies = tuple(chosen)
    elif scope != "whole":
        errors["scope"] = NO_SCOPE
    if errors:
        return None, errors
    return RevocationInput(effective_at, how, received_by, agencies), {}


# An emergency declaration.


def reference(value: object) -> str:
    """A case reference as typed ("pc-7f3k ") in its canonical form ("PC-7F3K")."""
    return "".join(str(value or "").split()).upper()[: MAX_REFERENCE * 2]


def validate_emergency(form: dict[str, str]) -> tuple[tuple[str, str] | None, dict[str, str]]:
    """The case's reference and the reason (plain text, kept as written)."""
    errors: dict[str, str] = {}
    found = reference(form.get("reference"))
    if not found:
        errors["reference"] = NO_REFERENCE
    elif len(found) > MAX_REFERENCE:
        errors["reference"] = UNKNOWN_REFERENCE
    reason = str(form.get("reason", "")).strip()
    require(errors, "reason", reason, MAX_REASON, NO_REASON)
    return (None, errors) if errors else ((found, reason), {})
