"""The messages shown once after a change: after a redirect (a cookie carries them to the next
page) or with an htmx fragment (out of band, into the page's message area).

The cookie carries a message's key and, for a message that names something ("Ana Ruiz is
invited"), its values, signed with the site's secret key. Only Convene's own sentences are ever
shown, filled only with values Convene put there: a cookie planted by anyone else (a sibling
site can set cookies for ours) shows nothing, so no one can put words in Convene's mouth.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re

from server.config import settings
from server.i18n import N_, Formatted

FLASH_MESSAGES = {
    "logged_out": N_("You have logged out."),
    "logged_out_everywhere": N_("You have logged out on every device."),
    "password_changed": N_("Your password has been changed. Other devices have been logged out."),
    "password_set": N_("Your password is set. You can log in now."),
    "language_saved": N_("Your language is saved."),
    "agency_saved": N_("The agency is saved."),
    "person_saved": N_("The person is saved."),
    "person_deactivated": N_("The person is deactivated and logged out everywhere."),
    "person_reactivated": N_("The person is active again."),
    "team_saved": N_("The team is saved."),
    "member_added": N_("The member is added to the roster."),
    "member_changed": N_("The membership is changed; the earlier one is kept in the history."),
    "member_ended": N_("The membership has ended; it stays in the roster's history."),
    "roster_imported": N_("The roster import is saved."),
    "meeting_created": N_("The meeting is scheduled."),
    "meeting_saved": N_("The meeting is saved."),
    "meeting_cancelled": N_("The meeting is cancelled; the rest of its series is unchanged."),
    "meeting_cancelled_one": N_("The meeting is cancelled."),
    "meeting_restored": N_("The meeting is restored; it is on the team's calendar again."),
    "meeting_ended": N_("The meeting has ended. The minutes draft is ready."),
    "agenda_saved": N_("The agenda is saved."),
    "agenda_published": N_("The agenda is published; members can see it now."),
    "agenda_unpublished": N_("The agenda is back to draft; members and guests no longer see it."),
    "standing_items_added": N_("The team's standing items are added to the agenda."),
    "standing_items_none": N_("Nothing to add: every standing item is already on the agenda."),
    "standing_items_undefined": N_("Nothing to add: the team has no standing items yet."),
    "template_saved": N_("The team's standing items are saved."),
    "document_added": N_("The document is attached."),
    "link_added": N_("The link is added."),
    "document_removed": N_("The document or link is removed."),
    "release_drafted": N_("The release is saved as a draft. It grants nothing until it is signed."),
    "release_signed": N_("The release is signed and recorded. It cannot be changed from now on."),
    "release_superseded": N_("The new version is signed; the release it corrects grants nothing from now on."),
    "release_revoked": N_("The revocation is recorded and takes effect at once."),
    "release_event_recorded": N_("The event is recorded: the release has expired."),
    "emergency_declared": N_("Emergency access is open until %(until)s. Every view is recorded with your reason."),
    "comment_saved": N_("Your comment is saved. The chair sees it while correcting the minutes."),
    "guest_invited": N_("%(name)s is invited to this meeting and can see its published agenda."),
    "guest_already_invited": N_("%(name)s is already invited to this meeting."),
    "guest_uninvited": N_("%(name)s is no longer invited to this meeting."),
    "guest_not_invited": N_("That guest is not invited to this meeting (any more)."),
    "minutes_saved": N_("The minutes are saved."),
    "minutes_circulated": N_("The minutes are circulated: the team's members can read them now."),
    "minutes_draft": N_("The minutes are back to draft; members no longer see them."),
    "minutes_approved": N_("The minutes are recorded as approved."),
    "minutes_locked": N_("The minutes are locked; they can no longer be changed."),
    "action_saved": N_("The action item is saved."),
    "action_unchanged": N_("Nothing to save: the status and due date are as they were, and no note was written."),
    "action_edit_unchanged": N_("Nothing to save: the action item is as it was."),
    "case_opened": N_("The case is opened."),
    "case_entry_added": N_("The entry is recorded."),
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_PURPOSE = b"convene flash message\x00"
MAX_COOKIE = 1500  # characters: a name is at most 200 (up to 800 once UTF-8 and base64 encoded)


def placeholders(key: str) -> set[str]:
    return set(_PLACEHOLDER.findall(FLASH_MESSAGES[key]))


def message_for(key: str, values: dict[str, str]) -> str:
    """The message, untranslated, with its values: what `_()` shows in the reader's language."""
    if placeholders(key) != set(values):
        raise ValueError(f"flash message {key!r} takes {sorted(placeholders(key))}, not {sorted(values)}")
    return Formatted(FLASH_MESSAGES[key], **values) if values else FLASH_MESSAGES[key]


def _signature(key: str, payload: str) -> str:
    digest = hmac.new(settings.secret_key.encode(), _PURPOSE + f"{key}.{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def cookie_value(key: str, values: dict[str, str]) -> str:
    """`key`, or `key.values.signature` for a message that names something (cookie-safe characters)."""
    message_for(key, values)  # the values the message takes, no more, no fewer
    if not values:
        return key
    payload = base64.urlsafe_b64encode(json.dumps(values, ensure_ascii=False).encode()).rstrip(b"=").decode()
    return f"{key}.{payload}.{_signature(key, payload)}"


def message_from_cookie(cookie: str | None) -> str | None:
    """The message a flash cookie asks for, or None for an unknown, altered or unsigned one."""
    if not cookie or len(cookie) > MAX_COOKIE:
        return None
    key, _, signed = cookie.partition(".")
    if key not in FLASH_MESSAGES:
        return None
    values: object = {}
    if signed:
        payload, _, signature = signed.partition(".")
        if not hmac.compare_digest(signature.encode(), _signature(key, payload).encode()):
            return None
        try:
            values = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (binascii.Error, ValueError):
            return None
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        return None
    try:
        return message_for(key, values)
    except ValueError:
        return None
