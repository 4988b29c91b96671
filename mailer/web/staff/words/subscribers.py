"""The staff pages' words: subscribers, a person, the audience builder and staff accounts.

Each value is the English msgid of the ``staff`` catalog (``mailer/locale/ru/LC_MESSAGES/
staff.po``); ``C_`` adds a context where one English word has two Russian ones (a page title and a
button both "Schedule"). See docs/translations.md.
"""

from __future__ import annotations

from mailer.render.catalogs import S_

TABLES: dict[str, dict[str, str]] = {
    "subscribers": {
        "title": S_("Subscribers"),
        "segment": S_("Segment"),
        "segment_help": S_("e.g. country in (GE, AM) and interest = fatherhood"),
        "list": S_("List"),
        "status": S_("Status"),
        "any": S_("any"),
        "filter": S_("Filter"),
        "export": S_("Export CSV"),
        "export_excel": S_("Export for Excel"),
        "export_excel_help": S_(
            "The same CSV in UTF-8 with a byte-order mark: Excel then shows Cyrillic and "
            "Georgian names intact."
        ),
        "email": S_("Email"),
        "name": S_("Name"),
        "country": S_("Country"),
        "language": S_("Language"),
        "interests": S_("Interests"),
        "created": S_("Created"),
        "found": S_("{total} subscriber(s)"),
        "page": S_("Page {number} of {pages}"),
        "previous": S_("Previous"),
        "next": S_("Next"),
        "none": S_("Nobody matches."),
        "segment_error": S_("Segment error at column {column}: {message}"),
        "counts": S_("By status"),
    },
    "person": {
        "title": S_("Subscriber"),
        "fields": S_("Fields"),
        "consent": S_("Consent"),
        "lists": S_("Lists"),
        "attributes": S_("Attributes"),
        "bounces": S_("Bounce history"),
        "no_bounces": S_("No bounces."),
        "bounce_score": S_("Bounce score"),
        "last_soft_bounce": S_("Last soft bounce"),
        "opted_in": S_("Opted in"),
        "source": S_("Source"),
        "ip": S_("IP"),
        "confirmed": S_("Confirmed"),
        "at": S_("At"),
        "stored_as": S_("Stored as"),
        "edit": S_("Change"),
        "save": S_("Save changes"),
        "leave": S_("Take off this list"),
        "resend": S_("Send the confirmation mail again"),
        "resend_help": S_(
            "They have not confirmed yet. The mail goes to their address in their "
            "language, with the same confirmation link."
        ),
        "changes": S_("Changes"),
        "no_changes": S_("No changes by staff yet."),
        "who": S_("Who"),
        "what": S_("What"),
        "suppressed": S_("Suppressed"),
        "suppressed_help": S_(
            "No issue is sent to this address ({reason}). Lift it only when you "
            "know the address works again or the person asked; say why: it is "
            "recorded."
        ),
        "lift_reason": S_("Why it is lifted"),
        "lift": S_("Lift the suppression"),
        "erase": S_("Erase"),
        "erase_help": S_(
            "Removes everything held on this person; only a salted hash of the "
            "address is kept, so it is never imported or mailed again. This cannot "
            "be undone."
        ),
        "erase_type": S_("Type {email} to confirm"),
        "erase_button": S_("Erase this person"),
        "done_edited": S_("Saved."),
        "done_left": S_("Taken off the list."),
        "done_lifted": S_("The suppression is lifted."),
        "done_confirmation_sent": S_("The confirmation mail was sent again."),
        "done_confirmation_failed": S_(
            "The relay did not take the confirmation mail; try again later."
        ),
    },
    "audience": {
        "title": S_("Audience"),
        "intro": S_(
            "Choose in the drop-downs: they write the segment expression below, and "
            "the page counts who it reaches. Change the expression by hand if you "
            'like (docs/campaigns.md, "Segments"), then count it.'
        ),
        "country": S_("Country"),
        "interest": S_("Interest"),
        "language": S_("Language"),
        "list": S_("List"),
        "status": S_("Status"),
        "any": S_("any"),
        "use_choices": S_("Write the expression from the choices"),
        "expression": S_("Segment expression"),
        "expression_help": S_(
            'Use it in an issue as segment = "…" in campaign.toml, or save it by '
            'name below and write segment = "@name".'
        ),
        "count": S_("Count this expression"),
        "reaches": S_("Reaches"),
        "people": S_("people"),
        "would_receive": S_(
            "An issue sent to a list goes to those of them with an active "
            "subscription to that list; unsubscribed, bounced and suppressed people "
            "never receive it, nor those who paused."
        ),
        "show_people": S_("Show these people"),
        "by_country": S_("Per country"),
        "by_interest": S_("Per interest"),
        "save_name": S_("Save as"),
        "save_description": S_("Description"),
        "save": S_("Save segment"),
        "saved": S_("Saved segments"),
        "saved_help": S_(
            'An issue uses one with segment = "@name" in campaign.toml; lint, '
            "counts and sending read the saved expression as it is when they run."
        ),
        "saved_notice": S_('Saved as @{name}. Issues can use it as segment = "@{name}".'),
        "name": S_("Name"),
        "changed": S_("Last changed"),
        "delete": S_("Delete"),
        "delete_confirm": S_(
            "Delete the saved segment @{name}? Issues that use it will fail lint "
            "until it is saved again."
        ),
        "no_saved": S_("No saved segments yet."),
    },
    "people": {
        "title": S_("People"),
        "search": S_("Address or name"),
        "placeholder": S_("the start of an address or a name, e.g. nino"),
        "find": S_("Find"),
        "help": S_(
            "Finds people whose address, name or a word of their name begins with "
            "what you type, whatever the case and accents (ole finds Olé); "
            "addresses are shown as people write them."
        ),
        "more": S_("The first {count} are shown; type more to narrow it down."),
        "none": S_("Nobody found for “{q}”."),
    },
}
