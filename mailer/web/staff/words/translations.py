"""The staff pages' words: an issue's and the library's translations for translators
(issue_translations.py, library_translations.py).

Each value is the English msgid of the ``staff`` catalog (``mailer/locale/ru/LC_MESSAGES/
staff.po``). See docs/translations-round-trip.md.
"""

from __future__ import annotations

from mailer.render.catalogs import C_, S_

TABLES: dict[str, dict[str, str]] = {
    "translations": {
        "title": C_("page", "Translations"),
        "intro": S_(
            "Download one language for a translator (XLIFF 2.0 for CAT tools, PO for Poedit or "
            "Weblate), with the source text alongside; upload the file back when it is done. "
            "Nobody has to edit TOML."
        ),
        "languages": S_("Languages"),
        "language": S_("Language"),
        "state_missing": C_("translation state", "missing"),
        "state_draft": C_("translation state", "draft"),
        "state_reviewed": C_("translation state", "reviewed"),
        "state_stale": C_("translation state", "stale"),
        "download": S_("Download"),
        "format_xliff": S_("XLIFF 2.0"),
        "format_po": S_("PO"),
        "no_targets": S_("This issue has one language only: there is nothing to translate."),
        "needs_work": S_("needs a translation or a review"),
        "to_editor": S_("Review texts in the editor"),
        "upload": S_("Upload a translated file"),
        "upload_help": S_(
            "Check shows what would change and stores nothing. Import stores every translation "
            "as a draft in a new revision; a file with an unknown field, lost links, emphasis or "
            "placeholders, or another language is refused as a whole."
        ),
        "file": S_("File (.xlf or .po)"),
        "check": S_("Check only"),
        "import": C_("button", "Import"),
        "no_file": S_("Choose a file to upload."),
        "too_large": S_("The file is larger than {limit} bytes."),
        "refused": S_("Refused: nothing of the file was stored"),
        "checked": S_("Checked: nothing stored yet"),
        "imported": S_("Imported as revision {revision}"),
        "would_change": S_("would change to"),
        "changed": S_("changed to"),
        "counts": S_(
            "{changed} field(s) changed, {unchanged} unchanged, {untranslated} left untranslated."
        ),
    },
    "library_translations": {
        "title": S_("Translate approaches"),
        "link": S_("Translate these approaches"),
        "intro": S_(
            "One file carries the chosen approaches' titles, summaries and image descriptions "
            "in one language, with the English alongside. Import stores each approach's "
            "translations as a new revision of it."
        ),
        "chosen": S_("Approaches in the file ({n})"),
        "all_published": S_("every published approach"),
        "language": S_("Target language"),
        "language_hint": S_("A language code, such as ka, ky or sr-Latn."),
        "format": S_("Format"),
        "download": S_("Download the file"),
        "states": S_("Translation states of these approaches"),
        "none": S_("No approach has a translation yet: pick a language above."),
        "imported": S_("Imported as new revisions: {revisions}"),
    },
}
