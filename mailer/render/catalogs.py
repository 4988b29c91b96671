"""Words people read, from gettext catalogs: ``mailer/locale/<locale>/LC_MESSAGES/<domain>.po``.

The ``.po`` files are in the repository (translators use Poedit or Weblate); ``make catalogs``
extracts the English msgids (``N_("…")`` in the word tables) into ``<domain>.pot``, merges them
into every ``.po`` and compiles ``.mo`` files. A ``.mo`` is used when it is at least as new as
its ``.po``; otherwise the ``.po`` is read with Babel, so a fresh clone works without ``make``.

Code and templates name a word by a stable key (``t.subscribe_title``): a table per face maps
each key to its English msgid, and ``words()`` gives the table in one language. A msgid with
no translation shows in English; for ``sr-Latn`` a missing Latin string is transliterated from
the Cyrillic ``sr`` catalog before falling back to English.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from mailer.core.languages import truncations
from mailer.core.transliterate import is_serbian_latin, serbian_latin

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DEFAULT = "en"


CONTEXT = "\x04"  # gettext's separator of a msgctxt and its msgid


def N_(message: str) -> str:
    """Marks ``message`` as a msgid of the ``mailer`` catalog (what subscribers read, in
    every language); translated later by ``words()``."""
    return message


def S_(message: str) -> str:
    """Marks ``message`` as a msgid of the ``staff`` catalog (the staff UI: en, ru)."""
    return message


def C_(context: str, message: str) -> str:
    """A ``staff`` msgid with a msgctxt, for an English word that needs two translations
    ("Schedule" the page, "Schedule" the button); ``words()`` shows the message alone."""
    return f"{context}{CONTEXT}{message}"


def locale_name(tag: str) -> str:
    """``sr-Latn`` → ``sr_Latn``: the folder name gettext and Babel use for a BCP 47 tag."""
    return tag.replace("-", "_")


def bcp47(locale: str) -> str:
    return locale.replace("_", "-")


@cache  # read once per process; a catalog changes only with a new release
def messages(domain: str, tag: str) -> Mapping[str, str]:
    """The translated msgids of ``domain`` in exactly ``tag`` (no fallback); {} when none."""
    folder = LOCALE_DIR / locale_name(tag) / "LC_MESSAGES"
    po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
    if not po.is_file():
        return {}
    compiled = mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime
    with (mo if compiled else po).open("rb") as handle:
        catalog = read_mo(handle) if compiled else read_po(handle, domain=domain)
    return {
        (f"{message.context}{CONTEXT}" if message.context else "") + str(message.id): str(
            message.string
        )
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


@cache
def languages(domain: str) -> tuple[str, ...]:
    """English, then every language with a ``<domain>.po``, as BCP 47 tags."""
    found = sorted(
        bcp47(folder.parent.parent.name) for folder in LOCALE_DIR.glob(f"*/LC_MESSAGES/{domain}.po")
    )
    return (DEFAULT, *(tag for tag in found if tag != DEFAULT))


def translate(domain: str, language: str, msgid: str) -> str:
    """``msgid`` in ``language``: its own catalog, its truncations' (Latin Serbian made from
    the Cyrillic), then the English msgid itself."""
    latin = is_serbian_latin(language)
    for candidate in truncations(language):
        found = messages(domain, candidate).get(msgid)
        if found:
            return serbian_latin(found) if latin and not is_serbian_latin(candidate) else found
    return msgid.rpartition(CONTEXT)[2]


def words(domain: str, language: str, table: Mapping[str, str]) -> dict[str, str]:
    """``table`` (key → English msgid) in ``language``."""
    return {key: translate(domain, language, msgid) for key, msgid in table.items()}
