"""The staff pages' words: importing subscribers (check, then import).

Each value is the English msgid of the ``staff`` catalog (``mailer/locale/ru/LC_MESSAGES/
staff.po``); ``C_`` adds a context where one English word has two Russian ones. See
docs/translations.md.
"""

from __future__ import annotations

from mailer.render.catalogs import C_, S_

TABLES: dict[str, dict[str, str]] = {
    "import": {
        "title": S_("Import subscribers"),
        "help": S_(
            "A CSV file with a header row (email required; name, country, language, "
            "interests; any other column becomes an attribute), or JSON Lines. "
            "Suppressed or unsubscribed addresses are never brought back."
        ),
        "file": S_("File"),
        "list": S_("Into list (created if missing)"),
        "status": S_("Status of new subscribers"),
        "submit": C_("import.submit", "Import"),
        "choose_status": S_("— choose —"),
        "status_help": S_(
            "Active: they gave consent you can show (they receive issues). "
            "Unconfirmed: they are sent nothing until they confirm. Nothing is "
            "chosen for you."
        ),
        "encoding": S_("Encoding of the file"),
        "encoding_auto": S_("Find out from the file (UTF-8, or UTF-8 with a byte-order mark)"),
        "encoding_utf_8": S_("UTF-8"),
        "encoding_cp1251": S_('Windows-1251 (cp1251, Excel\'s Cyrillic "CSV")'),
        "encoding_utf_16": S_('UTF-16 (Excel\'s "Unicode text")'),
        "encoding_iso_8859_5": S_("ISO-8859-5"),
        "encoding_help": S_(
            'Excel on Windows saves "CSV" in cp1251 for Cyrillic; "Unicode text" is '
            "UTF-16. If the file is not UTF-8 the page says which encoding it looks "
            "like. Commas, semicolons and tabs between columns are all understood."
        ),
        "check": S_("Check the file"),
        "check_help": S_(
            "Nothing is stored yet: the check reads every row and shows how the file will "
            "be imported. You import it on the next page."
        ),
        "check_title": S_("Check"),
        "dry_run_note": S_(
            "Nothing has been stored yet. Read the column mapping and the first rows "
            "below; if they are right, import the file with the button at the end."
        ),
        "counts_if": S_("What importing the file will do:"),
        "read_as": S_(
            'Read as {encoding}. New subscribers get the status "{status}"; people '
            "already stored keep theirs."
        ),
        "mapping": S_("Column mapping"),
        "column": S_("Column in the file"),
        "becomes": S_("Stored as"),
        "as_field": S_("{field}"),
        "as_attribute": S_('attribute "{name}": not a field we know, kept as an extra attribute'),
        "as_ignored": S_("ignored: a column of our own export"),
        "as_unnamed": S_("ignored: the column has no name"),
        "preview": S_("The first {n} rows as they will be stored"),
        "attributes": S_("Attributes"),
        "not_imported": S_("Will not be imported"),
        "problems": S_("Rows that will not be imported"),
        "problems_done": S_("Rows not imported"),
        "confirm": S_("Import {n} rows into {list}"),
        "confirm_help": S_(
            "The file you checked is kept on the server for an hour; this imports exactly "
            "that file."
        ),
        "another": S_("Choose another file"),
        "report": S_("Import report"),
        "created": S_("Created"),
        "updated": S_("Updated"),
        "unchanged": S_("Unchanged"),
        "suppressed": S_("Suppressed (left out)"),
        "invalid": S_("Invalid rows (not imported)"),
        "row": S_("Row"),
        "field": S_("Field"),
        "message": S_("Problem"),
        "ignored": S_("Ignored columns"),
        "this_row": S_("This row"),
        "no_list": S_("Choose the list to import into, or type a new name to create it."),
        "bad_status": S_("Choose the status of new subscribers: {choices}."),
        "no_file": S_("Choose a file to upload."),
        "too_big": S_(
            "The file is larger than {limit} bytes, the most this server accepts "
            "(web.max_upload_bytes, importer.max_bytes). Split it into smaller files."
        ),
        "file_error": S_("The file {file} cannot be imported: {reason}."),
        "encoding_chosen": S_(
            "{encoding} is now chosen below: choose the file again and check it."
        ),
        "stage_gone": S_(
            "The checked file is no longer kept (a checked file is kept for an hour). "
            "Choose the file and check it again."
        ),
        "new_interests": S_(
            "New interests, kept private (no form offers them) until staff publish them"
        ),
        "new_interests_link": S_("Give them titles and publish them on the interests page"),
    },
}
