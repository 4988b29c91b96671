"""The staff pages' words: issues, their review, history and previews.

Each value is the English msgid of the ``staff`` catalog (``mailer/locale/ru/LC_MESSAGES/
staff.po``); ``C_`` adds a context where one English word has two Russian ones (a page title and a
button both "Schedule"). See docs/translations.md.
"""

from __future__ import annotations

from mailer.render.catalogs import C_, S_

TABLES: dict[str, dict[str, str]] = {
    "issues": {
        "title": S_("Issues"),
        "new": S_("New issue"),
        "slug": S_("Issue"),
        "subject": S_("Subject"),
        "state": S_("State"),
        "revision": S_("Revision"),
        "saved": S_("Last saved"),
        "none": S_(
            "No issues yet. Start one with “New issue”, or import a folder (mailer "
            "campaign import)."
        ),
        "pipeline": S_("How an issue goes out"),
        "by": S_("by"),
    },
    "issue_states": {
        "draft": S_("draft"),
        "in_review": S_("in review"),
        "approved": C_("issue_states.approved", "approved"),
        "scheduled": S_("scheduled"),
        "sending": C_("issue_states.sending", "sending"),
        "paused": S_("paused"),
        "sent": C_("issue_states.sent", "sent"),
        "cancelled": S_("cancelled"),
        "failed": C_("issue_states.failed", "failed"),
    },
    "issue_new": {
        "title": S_("New issue"),
        "help": S_(
            "Give the issue a short name for its address and a title; the title "
            "becomes its subject. The new issue takes its lists, languages and "
            "template from the newest issue, and you write the rest in the editor."
        ),
        "slug": S_("Short name (for its address)"),
        "slug_help": S_("Lower-case letters, digits and hyphens, e.g. 2027-01-digest."),
        "title_label": S_("Title (the subject)"),
        "submit": S_("Create the draft"),
    },
    "issue": {
        "state": S_("State"),
        "revision": S_("Revision"),
        "saved_by": S_("Saved by"),
        "saved_at": S_("Saved at"),
        "message": S_("Note"),
        "approved_by": S_("Approved by"),
        "send_at": S_("Sends at"),
        "edit": C_("issue.edit", "Edit"),
        "history": S_("History"),
        "preview": S_("Preview and test copies"),
        "sending": S_("Sending and progress"),
        "approved_before": S_(
            "Revision {revision} was approved, then the issue was edited: it is a "
            "draft again and needs a new approval."
        ),
        "checks": S_("Before it can go out"),
        "lint_clean": S_("No errors"),
        "lint_errors": S_("{count} error(s) to fix"),
        "warnings": S_("Warnings"),
        "complete": S_("Every language complete"),
        "incomplete": S_("Not complete in every language"),
        "lacks": S_("lacks"),
        "field": S_("Field"),
        "problem": S_("Problem"),
        "review": S_("Review"),
        "submit": S_("Submit for review"),
        "submit_help": S_("Asks an approver to look at revision {revision}."),
        "approve": S_("Approve revision {revision}"),
        "approve_help": S_(
            "Approves exactly this revision; any later edit makes the issue a draft again."
        ),
        "send_back": S_("Send back with a comment"),
        "send_back_help": S_("Returns the issue to its authors as a draft; say what to change."),
        "schedule": C_("issue.schedule", "Schedule"),
        "schedule_help": S_(
            "A local date and time in a time zone. Scheduling needs no errors and "
            "every language complete."
        ),
        "send_at_label": S_("Send at (local time)"),
        "timezone": S_("Time zone"),
        "schedule_submit": C_("issue.schedule_submit", "Schedule"),
        "comments": S_("Comments and review steps"),
        "no_comments": S_("No comments yet."),
        "comment": S_("Comment"),
        "comment_label": S_("Your comment (kept with revision {revision})"),
        "comment_submit": S_("Add comment"),
        "on_revision": S_("on revision"),
        "kind_comment": S_("commented"),
        "kind_submitted": S_("submitted it for review"),
        "kind_sent_back": S_("sent it back"),
        "kind_approved": S_("approved it"),
        "closed_role": S_("Your role ({role}) does not allow this."),
        "closed_four_eyes": S_(
            "You saved revision {revision}, so another approver must approve it (four eyes)."
        ),
        "closed_lint": S_("Fix the errors first."),
        "closed_incomplete": S_("Complete every language first."),
        "closed_state": S_("Not possible while the issue is {state}."),
        "nothing_open": S_("Nothing to do here for you in this state."),
        "translations": C_("link", "Translations"),
        "translations_ok": S_("Every translation written and up to date"),
        "translations_due": S_("Translations to write, or to review because their source changed"),
        "closed_translations": S_(
            "Write or review the translations listed above first (mark each reviewed in the "
            "editor)."
        ),
    },
    "issue_done": {
        "created": S_("Draft created. Write it in the editor."),
        "submitted": S_("Submitted for review."),
        "approved": S_("Approved."),
        "sent_back": S_("Sent back to its authors as a draft, with your comment."),
        "commented": S_("Comment added."),
        "scheduled": S_("Scheduled."),
        "restored": S_("Restored as a new revision."),
        "restored_to_draft": S_(
            "Restored as a new revision. The issue was approved: it is a draft "
            "again and needs a new approval."
        ),
    },
    "issue_history": {
        "title": S_("History"),
        "revision": S_("Revision"),
        "author": S_("Saved by"),
        "at": S_("When"),
        "message": S_("Note"),
        "current": S_("current"),
        "compare": S_("Compare"),
        "from": S_("From"),
        "to": S_("To"),
        "show_changes": S_("Show what changed"),
        "restore": S_("Restore as a new revision"),
        "restore_confirm": S_(
            "Make revision {revision} the current text again? It is saved as a new "
            "revision; nothing is lost."
        ),
        "changes": S_("What changed from revision {a} to revision {b}"),
        "no_changes": S_("The two revisions say the same."),
        "before": S_("Revision {n}"),
        "after": S_("Revision {n}"),
        "absent": S_("(not there)"),
        "added": S_("added"),
        "removed": S_("removed"),
        "changed": S_("changed"),
        "language": S_("Language"),
        "removed_mark": S_("taken out"),
        "added_mark": S_("put in"),
        "back": S_("Back to the history"),
    },
    "issue_fields": {
        "subject": S_("Subject"),
        "preheader": S_("Preheader (the line after the subject in the inbox)"),
        "intro": S_("Introduction"),
        "title": S_("Title"),
        "summary": S_("Summary"),
        "image_alt": S_("Image description"),
        "link": S_("Link"),
        "image": S_("Image"),
        "id": S_("Short name"),
        "countries": S_("Countries"),
        "interests": S_("Interests"),
        "template": S_("Template"),
        "lists": S_("Lists"),
        "segment": S_("Audience"),
        "languages": S_("Languages"),
        "fallback": S_("Fallback languages"),
        "send_at": S_("Send at"),
        "timezone": S_("Time zone"),
        "series": C_("issue_fields.series", "Series"),
        "period": S_("Period"),
        "approved": S_("Approved"),
        "min_items": S_("Fewest items per reader"),
        "item": S_("Item {number}"),
        "items_order": S_("Order of the items"),
        "text": S_("Text"),
    },
    "issue_preview": {
        "title": C_("issue_preview.title", "Preview"),
        "inbox": S_("In the inbox"),
        "variant": S_("Variant"),
        "shown_as": S_("Shown as"),
        "reader_in": S_("a reader in {country} interested in {interest}"),
        "any_country": S_("any country"),
        "any_interest": S_("anything"),
        "readers": S_("the variant {count} reader(s) get"),
        "every_item": S_("every item of this language"),
        "no_items": S_("no items"),
        "show_as": S_("Show as"),
        "language": S_("Language"),
        "country": S_("Country"),
        "interest": S_("Interest"),
        "email": S_("A subscriber's email address"),
        "show": S_("Show"),
        "shown": S_("shown"),
        "person_error_help": S_("Showing the issue in its language instead."),
        "message": S_("The message"),
        "desktop": S_("Desktop"),
        "phone": S_("Phone"),
        "frame": S_("The message as the reader sees it"),
        "text": S_("Plain-text part"),
        "variants": S_("What readers get: {count} variant(s) for {readers} reader(s)"),
        "variants_help": S_(
            "Each reader gets the items meant for their country and interests, in their language."
        ),
        "items_head": S_("Items"),
        "more_variants": S_("{count} more variant(s)"),
        "readers_head": S_("Readers"),
        "test": S_("Send a test copy"),
        "test_help": S_(
            "Sends the issue with every item in each language you pick, subject "
            "marked [TEST]; its unsubscribe and settings links open a page saying "
            "it is a test copy."
        ),
        "test_languages": S_("Languages"),
        "test_addresses": S_("To (up to {limit} addresses, comma or one per line)"),
        "test_submit": S_("Send test copies"),
        "results": S_("Test copies"),
        "results_help": S_("Reloading this page sends nothing again."),
        "address": S_("Address"),
        "result": S_("Result"),
        "sent": C_("issue_preview.sent", "sent"),
    },
}
