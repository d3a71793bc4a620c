"""The messages shown once after a redirect, by code (the cookie carries only the code)."""

from server.i18n import N_

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
    "meeting_ended": N_("The meeting has ended. The minutes draft is ready."),
    "agenda_saved": N_("The agenda is saved."),
    "template_saved": N_("The team's standing items are saved."),
    "guest_invited": N_("The guest is invited."),
    "document_added": N_("The document is attached."),
    "link_added": N_("The link is added."),
    "document_removed": N_("The document or link is removed."),
    "minutes_saved": N_("The minutes are saved."),
    "comment_saved": N_("Your comment is saved. The chair sees it while correcting the minutes."),
    "action_saved": N_("The action item is saved."),
    "action_unchanged": N_("Nothing to save: the status and due date are as they were, and no note was written."),
}
