"""Markdown written by staff: to HTML for the MJML layout, to plain text for the text part.

Raw HTML in Markdown is off (staff text cannot smuggle markup into a message); links are
kept only when they are http(s) or mailto.
"""

from __future__ import annotations

from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

SAFE_SCHEMES = ("https://", "http://", "mailto:")


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = lambda url: url.strip().lower().startswith(SAFE_SCHEMES)  # type: ignore[method-assign]
    return md


def to_html(text: str) -> str:
    return str(_parser().render(text)).strip()


def to_markup(text: str) -> Markup:
    """HTML safe to put into a template unescaped: raw HTML in the source is escaped."""
    return Markup(to_html(text))  # noqa: S704 (markdown-it escapes; html=False)


@cache  # built once: lint asks for the links of every text of every save
def _permissive() -> MarkdownIt:
    permissive = MarkdownIt("commonmark", {"html": False})
    permissive.validateLink = lambda url: True  # type: ignore[method-assign]
    return permissive


def links(text: str) -> list[str]:
    """Every link target written in ``text``, including ones the renderer refuses."""
    return list(_links(text))


@lru_cache(maxsize=2048)  # a save re-lints every text of the issue; most did not change
def _links(text: str) -> tuple[str, ...]:
    found: list[str] = []

    def walk(tokens: list[Token]) -> None:
        for token in tokens:
            if token.type == "link_open":
                found.append(str(token.attrs.get("href", "")))
            if token.children:
                walk(token.children)

    walk(_permissive().parse(text))
    return tuple(found)


def to_text(text: str) -> str:
    """Plain text: paragraphs kept, emphasis dropped, links as ``label (url)``."""
    out: list[str] = []
    line: list[str] = []
    href_stack: list[str] = []

    def flush() -> None:
        if line:
            out.append("".join(line).strip())
            line.clear()

    for token in _parser().parse(text):
        if token.type in {"paragraph_close", "heading_close"}:
            flush()
            out.append("")
        elif token.type == "list_item_open":
            line.append("- ")
        elif token.type == "list_item_close":
            flush()
        elif token.type == "inline" and token.children:
            for child in token.children:
                if child.type in {"text", "code_inline"}:
                    line.append(child.content)
                elif child.type in {"softbreak", "hardbreak"}:
                    line.append("\n")
                elif child.type == "link_open":
                    href_stack.append(str(child.attrs.get("href", "")))
                elif child.type == "link_close" and href_stack:
                    line.append(f" ({href_stack.pop()})")
    flush()
    return "\n".join(out).strip()
