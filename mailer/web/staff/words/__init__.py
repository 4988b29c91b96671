"""The words of the staff pages, by table and key (``t.<table>.<key>`` in
``web/templates/staff/``): each value the English msgid of the ``staff`` catalog.

A new staff string: add it to the table of its page below (``S_("…")``), run
``make catalogs``, and translate it in ``mailer/locale/ru/LC_MESSAGES/staff.po``.
"""

from __future__ import annotations

from mailer.web.staff.words import (
    campaigns,
    editor,
    imports,
    issues,
    library,
    pages,
    subscribers,
    translations,
    vocabulary,
)

STAFF: dict[str, dict[str, str]] = {
    **pages.TABLES,
    **campaigns.TABLES,
    **subscribers.TABLES,
    **imports.TABLES,
    **issues.TABLES,
    **editor.TABLES,
    **vocabulary.TABLES,
    **translations.TABLES,
    **library.TABLES,
}
