"""The staff pages' words: the interests and list titles pages (``/staff/interests``).

Each value is the English msgid of the ``staff`` catalog; see docs/translations.md.
"""

from __future__ import annotations

from mailer.render.catalogs import S_

TABLES: dict[str, dict[str, str]] = {
    "vocabulary": {
        "title": S_("Interests and lists"),
        "intro": S_(
            "Subscribers never see a slug: the forms show each interest's and list's title in "
            "the reader's language (English when it has none). An interest an import names "
            "for the first time stays private until you give it an English title and publish it."
        ),
        "interests": S_("Interests"),
        "slug": S_("Slug"),
        "titles": S_("Titles"),
        "shown": S_("On the forms"),
        "public": S_("public"),
        "private": S_("private"),
        "followers": S_("Subscribers"),
        "edit": S_("Edit"),
        "languages_titled": S_("{count} of {total} languages"),
        "no_interests": S_("No interests yet. Imports and the form below add them."),
        "add": S_("Add an interest"),
        "add_slug_help": S_(
            "The slug is what imports, segments and issues name (lower case): fatherhood"
        ),
        "english_title": S_("English title"),
        "publish_now": S_("Offer it on the public forms now"),
        "add_submit": S_("Add"),
        "lists": S_("Lists"),
        "list_name": S_("List"),
        "list_title": S_("Title"),
        "no_title": S_("No title yet: the forms show the list's name."),
        "edit_titles": S_("Edit titles"),
        "interest_heading": S_("Interest “{slug}”"),
        "list_heading": S_("List “{name}”"),
        "titles_help": S_(
            "What readers see, per language. A language left empty shows the English title "
            "(Latin Serbian is made from the Cyrillic)."
        ),
        "description": S_("Description"),
        "save_titles": S_("Save titles"),
        "publish": S_("Publish on the forms"),
        "hide": S_("Take off the forms"),
        "publish_help": S_(
            "Public interests are offered on the subscribe and preferences pages; their "
            "subscribers keep them either way."
        ),
        "rename": S_("Rename"),
        "rename_help": S_(
            "A new slug; every subscriber keeps the interest. Segments and issues that name "
            "the old slug must be changed too (lint says where)."
        ),
        "new_slug": S_("New slug"),
        "merge": S_("Merge into another interest"),
        "merge_help": S_(
            "Every subscriber of this interest gets the other one, then this one is deleted."
        ),
        "merge_into": S_("Merge into"),
        "merge_confirm": S_("Merge “{slug}” into the chosen interest? This cannot be undone."),
        "done_added": S_("The interest was added."),
        "done_titles": S_("The titles were saved."),
        "done_published": S_("The interest is now offered on the public forms."),
        "done_hidden": S_("The interest is no longer offered on the public forms."),
        "done_renamed": S_("The interest was renamed; its subscribers keep it."),
        "done_merged": S_("The interests were merged: {moved} subscriber(s) gained this one."),
        "not_found": S_("There is no interest or list by that name."),
    },
}
