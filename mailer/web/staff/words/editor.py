"""The staff pages' words: the issue editor (also handed to editor.js).

Each value is the English msgid of the ``staff`` catalog (``mailer/locale/ru/LC_MESSAGES/
staff.po``); ``C_`` adds a context where one English word has two Russian ones (a page title and a
button both "Schedule"). See docs/translations.md.
"""

from __future__ import annotations

from mailer.render.catalogs import C_, S_

TABLES: dict[str, dict[str, str]] = {
    "editor": {
        "title": C_("editor.title", "Edit"),
        "revision": S_("Revision"),
        "saved": S_("Saved"),
        "saving": S_("Saving…"),
        "unsaved": S_("Unsaved changes"),
        "save_failed": S_("Not saved: {why}. Your text is kept here; try again."),
        "offline": S_(
            "Not saved: the server cannot be reached. Your text is kept in this browser."
        ),
        "save": S_("Save"),
        "submit": S_("Submit for review"),
        "submitted": S_("Submitted for review."),
        "errors_block": S_("Errors to fix before review: {n}"),
        "leave": S_("You have unsaved changes. Leave anyway?"),
        "conflict_title": S_("Someone else saved this issue"),
        "conflict_text": S_(
            "{author} saved revision {n} at {when} while you were editing. Nothing "
            "of yours was lost: your text is still in the form. Below, the fields "
            "where yours and theirs differ."
        ),
        "conflict_text_js": S_(
            "{author} saved revision {n} at {when} while you were editing. Nothing "
            "of yours was lost: your text is still in the form. Below, the fields "
            "where yours and theirs differ."
        ),
        "field": S_("Field"),
        "yours": S_("Yours (in the form)"),
        "theirs": S_("Theirs (saved)"),
        "keep_mine": S_("Save mine over theirs"),
        "take_theirs": S_("Discard mine and load theirs"),
        "restored": S_("Restored text you typed before the page was reloaded (not saved yet)."),
        "settings": S_("Settings"),
        "lists": S_("Lists"),
        "segment": S_("Segment (optional)"),
        "audience": S_("Reaches {n} active subscribers."),
        "template": S_("Template"),
        "languages": S_("Languages"),
        "languages_hint": S_(
            "Tags separated by commas, first is the default: en, ru, ka, sr. Tabs "
            "follow after a save."
        ),
        "fallback": S_("Fallbacks"),
        "fallback_hint": S_("Who reads what: ky=ru, be=ru, mk=sr"),
        "send_at": S_("Send at (local time)"),
        "timezone": S_("Time zone"),
        "series": C_("editor.series", "Series"),
        "period": S_("Period"),
        "texts": S_("Texts per language"),
        "missing_n": S_("{n} fields missing"),
        "complete": S_("Complete"),
        "tstate_missing": C_("translation state", "missing"),
        "tstate_draft": C_("translation state", "draft"),
        "tstate_reviewed": C_("translation state", "reviewed"),
        "tstate_stale": S_("stale: the source changed"),
        "mark_reviewed": S_("Mark reviewed"),
        "stale_n": S_("{n} translation(s) to review: their source changed"),
        "translations": C_("link", "Translations"),
        "subject": S_("Subject"),
        "preheader": S_("Preheader"),
        "intro": S_("Introduction (Markdown)"),
        "toolbar": S_("Formatting"),
        "bold": S_("Bold"),
        "italic": S_("Italic"),
        "link": S_("Link"),
        "list": S_("List"),
        "link_prompt": S_("Link address (https://…)"),
        "items": S_("Items"),
        "item": S_("Item"),
        "item_id": S_("Item id"),
        "add_item": S_("Add an item"),
        "move_up": S_("Move up"),
        "move_down": S_("Move down"),
        "duplicate": S_("Duplicate"),
        "remove": S_("Remove"),
        "remove_confirm": S_("Remove this item?"),
        "item_link": S_("Link"),
        "item_image": S_("Image address"),
        "upload": S_("Upload an image"),
        "uploading": S_("Uploading…"),
        "uploaded": S_("Uploaded."),
        "countries": S_("Countries (none: everyone)"),
        "countries_hint": S_("Shown only to subscribers in the ticked countries."),
        "interests": S_("Interests (none: everyone)"),
        "item_title": S_("Title"),
        "item_summary": S_("Summary"),
        "item_alt": S_("Image description (alt text)"),
        "preview": C_("editor.preview", "Preview"),
        "preview_language": S_("Language"),
        "preview_email": S_("As subscriber (email)"),
        "preview_or": S_("or a sample subscriber:"),
        "preview_country": S_("in country"),
        "preview_interest": S_("interested in"),
        "width": S_("Width"),
        "desktop": S_("Desktop"),
        "phone": S_("Phone"),
        "show_preview": S_("Show preview"),
        "preview_as": S_("Shown as {who}, variant {variant}"),
        "preview_language_all": S_("Every item in {language}"),
        "size": S_("HTML {kb} KB of Gmail's 102 KB"),
        "size_over": S_("HTML {kb} KB: Gmail clips mail over 102 KB"),
        "preview_unavailable": S_("No preview yet: {why}"),
        "item_kind": C_("editor.item_kind", "Kind"),
        "timing_legend": S_("Approach, event or call"),
        "kind_approach": S_("Approach"),
        "kind_event": S_("Event (webinar, meeting)"),
        "kind_call": S_("Call (with a deadline)"),
        "starts_at": S_("Starts (organiser’s local time)"),
        "ends_at": S_("Ends (organiser’s local time)"),
        "item_timezone": S_("Organiser’s time zone"),
        "registration": S_("Registration link"),
        "deadline": S_("Deadline (organiser’s local time)"),
        "timing_hint": S_(
            "Readers see an event’s time in their own time zone (from their country) and in "
            "the organiser’s, and a call’s deadline as their local date."
        ),
        "update_available": S_("Update available"),
        "update_available_text": S_(
            "The library has newer text for approaches this issue uses. The issue keeps the "
            "text it has until you take the update."
        ),
        "update_line": S_(
            "this issue uses revision {pinned}; the library has revision {current} (saved by "
            "{author})"
        ),
        "take_update": S_("Take the update"),
        "update_kept": S_(
            "This issue is {state}: it keeps the text it was approved with. Save a change to "
            "make it a draft, then take the update."
        ),
        "approaches_updated": S_(
            "Approaches updated: {n}. The preview shows the library’s new text."
        ),
        "from_library": S_("From the library:"),
        "from_library_hint": S_(
            "Leave a field blank to use the library’s text; what you type here is for this "
            "issue only."
        ),
    },
}
