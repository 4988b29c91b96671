"""The per-recipient step: a precompiled Jinja2 template that fills only the personal fields.

At campaign level every personal field renders as an opaque token (``X<nonce>X<field>X``,
word characters only, so MJML, premailer and URL handling leave it alone). The finished
message is then cut at those tokens; the literal pieces become constants of a small Jinja2
template that interpolates the fields, so nothing staff wrote is ever parsed as template
syntax again and each recipient costs a few microseconds.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

PERSONAL_FIELDS = ("greeting", "name", "email", "unsubscribe_url", "preferences_url", "confirm_url")
_HTML_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
# The text part and the subject are not HTML: escaping would put &amp; into them.
_TEXT_ENV = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)  # noqa: S701


@dataclass(frozen=True)
class Placeholders:
    """What the campaign-level render sees as ``recipient``: one token per personal field."""

    nonce: str

    @classmethod
    def fresh(cls) -> Placeholders:
        return cls(secrets.token_hex(6))

    def as_context(self) -> dict[str, str]:
        return {name: self.hole(name) for name in PERSONAL_FIELDS}

    def hole(self, name: str) -> str:
        """The placeholder of one field (``click_3``, ``open_pixel`` are added by tracking)."""
        return f"X{self.nonce}X{name}X"

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(f"X{self.nonce}X([a-z_][a-z0-9_]*)X")


class PersonalTemplate:
    """A finished message body with holes for personal fields, compiled once per variant."""

    def __init__(self, finished: str, placeholders: Placeholders, *, html: bool) -> None:
        pieces = placeholders.pattern.split(finished)
        literals, fields = pieces[0::2], pieces[1::2]
        self.fields = tuple(dict.fromkeys(fields))
        source = [f"{{{{ _literal[{i}] }}}}{{{{ {fields[i]} }}}}" for i in range(len(fields))]
        source.append(f"{{{{ _literal[{len(fields)}] }}}}")
        # The literals are our own finished HTML (escaped at campaign level); only the personal
        # values are escaped here.
        constants = [Markup(text) if html else text for text in literals]  # noqa: S704
        env = _HTML_ENV if html else _TEXT_ENV
        self.template = env.from_string("".join(source), globals={"_literal": constants})
        self.size_without_fields = sum(len(text.encode()) for text in literals)

    def render(self, values: Mapping[str, str]) -> str:
        return self.template.render(values)
