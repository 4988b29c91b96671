"""The staff pages' words: the approaches library, the approach editor and the issue
editor's "Add from library" drawer (docs/approaches.md). Each value is the English msgid of the
``staff`` catalog; see docs/translations.md.
"""

from __future__ import annotations

from mailer.render.catalogs import C_, S_

TABLES: dict[str, dict[str, str]] = {
    "library": {
        "title": S_("Approaches library"),
        "intro": S_(
            "Every promising approach, event and call, written once in every language; "
            "issues pick their items from here."
        ),
        "new": S_("New approach"),
        "edit": S_("Edit approach"),
        "create": S_("Create"),
        "save": S_("Save"),
        "saved": S_("Saved: revision {n}"),
        "revision": S_("Revision"),
        "history": S_("History"),
        "search": S_("Search"),
        "search_hint": S_("a word of the title, summary or organisation, in any language"),
        "country": S_("Country"),
        "interest": S_("Interest"),
        "organisation": S_("Organisation"),
        "complete_in": S_("Complete in"),
        "state": S_("State"),
        "kind": S_("Kind"),
        "any": S_("any"),
        "never_featured": S_("Never featured"),
        "apply": S_("Show"),
        "clear_filters": S_("Clear the filters"),
        "count": S_("{n} of {total} approaches"),
        "languages": S_("Languages"),
        "incomplete": S_("incomplete in {languages}"),
        "used_in": S_("Used in {n} issue(s); {recipients} recipients got it"),
        "issue": S_("Issue"),
        "issue_state": S_("State"),
        "date": S_("Date"),
        "recipients": S_("Recipients"),
        "never_used": S_("Not featured yet"),
        "none_match": S_("No approach matches these filters."),
        "empty": S_("The library is empty: create the first approach."),
        "settings": S_("Approach"),
        "slug": S_("Short name (slug)"),
        "slug_hint": S_(
            "lower-case letters, digits and hyphens, e.g. fathers-clubs-kakheti; issues "
            "refer to it by this name, which cannot change"
        ),
        "state_hint": S_(
            "Only published approaches are suggested to issues; archived ones are not offered."
        ),
        "contact": S_("Contact"),
        "countries": S_("Countries"),
        "interests": S_("Interests"),
        "countries_hint": S_(
            "Countries and interests decide who sees the item: leave them empty for everyone."
        ),
        "links": S_("Links"),
        "links_hint": S_("one a line; the first is where the item's title links to"),
        "image": C_("library.image", "Image"),
        "upload": S_("Upload an image"),
        "starts_at": S_("Starts (organiser's time)"),
        "ends_at": S_("Ends (organiser's time)"),
        "registration": C_("library.registration", "Registration link"),
        "deadline": S_("Deadline (organiser's time)"),
        "timezone": S_("Organiser's time zone"),
        "languages_hint": S_("the language tabs below; add one (e.g. ka) and save to get its tab"),
        "texts": S_("Texts"),
        "item_title": C_("library.item_title", "Title"),
        "summary": C_("library.summary", "Summary"),
        "image_alt": S_("Image description (alt text)"),
        "complete": S_("complete"),
        "missing": S_("title or summary missing"),
        "message": S_("What changed (optional)"),
        "message_hint": S_("e.g. new figures for 2026"),
        "problems": S_("Checks: {n}"),
        "preview": S_("Preview"),
        "preview_hint": S_("The card as a newsletter shows it (the newsletter's own template)."),
        "preview_language": S_("Language"),
        "width": S_("Width"),
        "desktop": S_("Laptop"),
        "phone": S_("Phone"),
        "show_preview": S_("Show the preview"),
        "conflict_title": S_("Someone saved this approach while you were editing"),
        "conflict_js": S_(
            "Not saved: {author} saved revision {n} while you were editing. Your text is still "
            "in the form: press Save to see yours and theirs side by side."
        ),
        "offline": S_("Not saved: the server cannot be reached. Your text is still in the form."),
        "conflict_text": S_(
            "{author} saved revision {n} at {when}. Nothing of yours was saved. Your text is "
            "kept below: save it over theirs, or take theirs."
        ),
        "field": S_("Field"),
        "yours": S_("Yours"),
        "theirs": S_("Theirs"),
        "keep_mine": C_("library.keep_mine", "Save mine over theirs"),
        "take_theirs": S_("Take theirs (drop my changes)"),
        "restored": S_("Restored as a new revision."),
        "add_from_library": S_("Add from library"),
        "drawer_title": S_("Add from the library"),
        "drawer_hint": S_(
            "Approaches complete in this issue's languages ({languages}) come first; "
            "suggested ones were not featured in the last six months."
        ),
        "close": S_("Close"),
        "open_library": S_("Open the library"),
        "only_complete": S_("Only complete in {languages}"),
        "only_suggested": S_("Only suggested"),
        "drawer_count": S_("{n} shown"),
        "suggested": S_("Suggested"),
        "last_featured": S_("last featured {when}"),
        "add": S_("Add to this issue"),
        "drawer_empty": S_(
            "Nothing to add: every approach in the library is in this issue already, or archived."
        ),
        "state_draft": S_("draft"),
        "state_published": S_("published"),
        "state_archived": S_("archived"),
        "kind_approach": S_("approach"),
        "kind_event": S_("event (webinar)"),
        "kind_call": S_("call"),
    },
}
