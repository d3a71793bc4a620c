"""The minutes record: taken once from what the meeting recorded, kept as language-neutral JSON
(codes, names, ISO instants: never a translated word), and shown in each reader's language and
zone. Corrections edit the parts people write (the summary, each item's minutes, decisions'
wording, outcomes, attendance); every saved state is kept whole, so any two can be compared.
Pure: no framework, no database.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import datetime

from server.forms import too_long, whole_number
from server.i18n import N_
from server.meetings import policy

SCHEMA = 1
MAX_SUMMARY = 20_000
MAX_RECORD = 1_000_000  # characters of JSON: far beyond any meeting's minutes
TOO_LARGE = N_("These minutes are too long to save. Shorten the longest notes and try again.")


def dumps(record: dict) -> str:
    """Deterministic text: the same record is always the same bytes."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads(text: str) -> dict:
    record = json.loads(text or "{}")
    return record if isinstance(record, dict) else {}


def instant(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# What readers see: the record with its instants parsed and its attendance grouped by agency.


@dataclass(frozen=True)
class Shown:
    record: dict
    members: list[dict]  # agencies in name order, each {"name", "sector", "people": [...]}
    guests: list[dict]
    counts: dict[str, int]  # present, remote, absent, excused
    unlinked_actions: list[dict]


def _parsed(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


# What a record holds, for one written before a part was added (minutes of meetings minuted
# as plain text, kept as their summary): every part is there when shown.
EMPTY = {"title": "", "time_zone": "UTC", "starts_at": None, "ends_at": None, "started_at": None, "ended_at": None,
         "location": "", "summary": "", "attendance_taken": False, "attendance": [], "guests": [], "quorum": {},
         "items": [], "actions": []}
EMPTY_ITEM = {"title": "", "presenter": None, "outcome": "", "started_at": None, "text": "", "decisions": [],
              "actions": []}


def shown(record: dict, meeting: dict | None = None) -> Shown:
    """The record as templates show it: instants as datetimes (formatted in the reader's
    language and the team's zone), members grouped by the agency they sat for. What an older
    record lacks of the meeting itself comes from the meeting."""
    record = {**EMPTY, **record}
    if meeting is not None:
        for key, column in (("title", "title"), ("starts_at", "starts_at"), ("ends_at", "ends_at"),
                            ("location", "location"), ("started_at", "live_started_at"), ("ended_at", "live_ended_at")):
            if not record[key] and meeting.get(column):
                record[key] = meeting[column]
    for key in ("starts_at", "ends_at", "started_at", "ended_at"):
        record[key] = _parsed(record.get(key))
    quorum = {"at_start": None, "reached": None, **(record.get("quorum") or {})}
    if quorum.get("reached"):
        quorum["reached"] = {**quorum["reached"], "at": _parsed(quorum["reached"]["at"])}
    record["quorum"] = quorum
    started = record["started_at"]
    people = []
    for person in record.get("attendance", []):
        arrived = _parsed(person.get("arrived_at"))
        people.append({**person, "arrived_at": arrived, "departed_at": _parsed(person.get("departed_at")),
                       "late": bool(arrived and started and arrived - started >= policy.LATE_ARRIVAL)})
    agencies: dict[str, dict] = {}
    for person in people:
        group = agencies.setdefault(person.get("agency_name") or "", {
            "name": person.get("agency_name") or "", "sector": person.get("sector") or "", "people": []})
        group["people"].append(person)
    counts = {status: sum(1 for p in people if p.get("status") == status) for status in policy.ATTENDANCE}
    items = []
    for item in record.get("items", []):
        item = {**EMPTY_ITEM, **item}
        items.append({**item, "started_at": _parsed(item.get("started_at")),
                      "display_title": policy.item_title(item["kind"], item.get("title", ""), item["number"])})
    record["items"] = items
    return Shown(
        record=record,
        members=sorted(agencies.values(), key=lambda group: group["name"].casefold()),
        guests=record.get("guests", []),
        counts=counts,
        unlinked_actions=record.get("actions", []),
    )


# Corrections.


def fields(record: dict) -> dict[str, str]:
    """What the corrections form edits, by field name, as the record holds it."""
    values = {"summary": record.get("summary", "")}
    for item in record.get("items", []):
        key = f"item-{item['id']}"
        values[f"{key}-outcome"] = item.get("outcome", "")
        if item["kind"] != "case_review":
            values[f"{key}-text"] = item.get("text", "")
            values.update({f"decision-{d['id']}-text": d["text"] for d in item.get("decisions", [])})
    values.update({f"attendance-{p['person']}": p.get("status", "") for p in record.get("attendance", [])})
    return values


def typed(field: str, value: object) -> str:
    """A form value as the record keeps it: line ends as stored; a decision on one line."""
    text = str(value).replace("\r\n", "\n")
    return " ".join(text.split()) if field.startswith("decision-") else text


def merged(loaded: dict, current: dict, form: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """A correction made on the minutes as they were when the form was loaded, laid over what
    someone else saved since: what the form left as it was takes their value, what it changed
    takes the form's; a field both changed, differently, is a conflict (named)."""
    before, now = fields(loaded), fields(current)
    values, conflicts = {}, []
    for field, theirs in now.items():
        mine = typed(field, form[field]) if field in form else before.get(field, theirs)
        if mine == before.get(field, theirs):
            values[field] = theirs
        else:
            values[field] = mine
            if theirs not in (before.get(field, theirs), mine):
                conflicts.append(field)
    return values, conflicts


def edited(record: dict, form: dict[str, str]) -> tuple[dict | None, dict[str, str]]:
    """The record with the corrections a form makes to what people write: the summary, each
    item's minutes and outcome, the wording of decisions, attendance. Field messages, or {}.
    Case-review items never take text (CONSENT.md)."""
    errors: dict[str, str] = {}
    new = json.loads(dumps(record))
    summary = typed("summary", form.get("summary", new.get("summary", "")))
    if len(summary) > MAX_SUMMARY:
        errors["summary"] = too_long(MAX_SUMMARY)
    new["summary"] = summary
    for item in new.get("items", []):
        key = f"item-{item['id']}"
        if item["kind"] != "case_review" and f"{key}-text" in form:
            text = typed(f"{key}-text", form[f"{key}-text"])
            if len(text) > policy.MAX_NOTES:
                errors[f"{key}-text"] = too_long(policy.MAX_NOTES)
            item["text"] = text
        if f"{key}-outcome" in form:
            outcome = form[f"{key}-outcome"]
            if outcome not in policy.OUTCOMES and outcome != "":
                errors[f"{key}-outcome"] = N_("Choose what became of the item.")
            item["outcome"] = outcome
        for decision in item.get("decisions", []):
            field = f"decision-{decision['id']}-text"
            if field in form:
                text, problems = policy.validate_decision({"text": form[field]})
                if problems:
                    errors[field] = problems["decision"]
                decision["text"] = text
    for person in new.get("attendance", []):
        field = f"attendance-{person['person']}"
        if field in form:
            status = form[field]
            if status not in policy.ATTENDANCE and status != "":
                errors[field] = N_("Choose an attendance status.")
            person["status"] = status
    if not errors and len(dumps(new)) > MAX_RECORD:
        errors["form"] = TOO_LARGE
    return (None, errors) if errors else (new, {})


def outcomes(record: dict) -> dict[int, str]:
    """Agenda item → outcome as the record has it (corrections carry over to the agenda)."""
    return {item["id"]: item.get("outcome", "") for item in record.get("items", [])}


# Comparing two states.


class Say:
    """How lines are worded for a reader: their language's `gettext` and date formats
    (`when`, `clock`) in the record's zone. Handed in by the web layer."""

    def __init__(self, gettext, when, clock, zone: str) -> None:
        self.gettext, self._when, self._clock, self.zone = gettext, when, clock, zone

    def when(self, moment) -> str:
        return self._when(moment, self.zone) if moment else "—"

    def clock(self, moment) -> str:
        return self._clock(moment, self.zone) if moment else "—"


def lines(state: dict, status: str, say: Say) -> list[str]:
    """A state of the minutes written out line by line, in the reader's words: what two
    revisions are compared on (every correction shows as a changed line)."""
    _ = say.gettext
    view = shown(state)
    r = view.record
    out = [f"{r.get('title', '')} · {say.when(r.get('starts_at'))}",
           f"{_('Status')}: {_(policy.MINUTES_STATES.get(status, status))}"]
    if r.get("started_at"):
        out.append(f"{_('Held')}: {say.clock(r['started_at'])} – {say.clock(r.get('ended_at'))}")
    out += (r.get("summary") or "").splitlines()
    for group in view.members:
        for person in group["people"]:
            status_label = _(policy.ATTENDANCE[person["status"]]) if person.get("status") else "—"
            out.append(f"{_('Attendance')}: {person['name']} ({group['name']}): {status_label}")
    for item in r.get("items", []):
        outcome = f" [{_(policy.OUTCOMES[item['outcome']])}]" if item.get("outcome") in policy.OUTCOMES else ""
        out.append(f"{item['number']}. {item['display_title']}{outcome}")
        out += ["    " + line for line in (item.get("text") or "").splitlines()]
        for decision in item.get("decisions", []):
            motion = decision.get("motion")
            vote = (f" ({_(policy.MOTION_RESULTS[motion['result']])}, {motion['votes_for']}–"
                    f"{motion['votes_against']}–{motion['abstentions']})") if motion else ""
            out.append(f"    {_('Decision:')} {decision['text']}{vote}")
        out += [f"    {_('Action:')} {action['title']}" for action in item.get("actions", [])]
    return [line.rstrip() for line in out if line.strip()]


def parse_version(value: object) -> int | None:
    return whole_number(value, 6)


@dataclass(frozen=True)
class Line:
    change: str  # same | removed | added | gap (unchanged lines left out)
    text: str


def compared(before: list[str], after: list[str], context: int = 2) -> list[Line]:
    """A line-by-line comparison, unchanged runs longer than the context left out."""
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(Line("gap", ""))
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                lines += [Line("same", text) for text in before[a1:a2]]
                continue
            lines += [Line("removed", text) for text in before[a1:a2]]
            lines += [Line("added", text) for text in after[b1:b2]]
    return lines
