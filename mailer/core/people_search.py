"""Finding a person as staff type them: a prefix of the email address or of a name, whatever
the case and the accents (``ole`` finds ``Olé``, ``нино`` finds ``Нино``), and addresses shown
as people write them (an IDN domain in Unicode, not punycode)."""

from __future__ import annotations

import unicodedata


def search_key(text: str) -> str:
    """``text`` without case or accents: NFKD, combining marks dropped, casefolded."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().strip()


def display_email(email: str) -> str:
    """The address with its domain in Unicode (``ana@почта.рф`` for ``ana@xn--80a1acny.xn--p1ai``);
    as stored when a label does not decode."""
    local, at, domain = email.rpartition("@")
    if not at or "xn--" not in domain:
        return email
    try:
        shown = ".".join(
            label.encode("ascii").decode("idna") if label.startswith("xn--") else label
            for label in domain.split(".")
        )
    except UnicodeError:
        return email
    return f"{local}@{shown}"


def matches(query: str, email: str, name: str) -> bool:
    """Whether ``query`` (already a ``search_key``) begins the address (as stored or shown),
    the name, or one of the name's words."""
    if not query:
        return False
    if search_key(email).startswith(query) or search_key(display_email(email)).startswith(query):
        return True
    key = search_key(name)
    return key.startswith(query) or any(word.startswith(query) for word in key.split())
