"""Line length for messages: SMTP allows at most 998 characters a line (RFC 5321 4.5.3.1.6)."""

from __future__ import annotations

LIMIT = 800  # bytes of UTF-8: well under 998, leaving room for personal fields filled in later


def wrap_html(html: str, limit: int = LIMIT) -> str:
    """Break long lines of HTML between tags, else at a space outside a tag.

    Inlined HTML is one long line. A line break between ``>`` and ``<`` or in place of a
    space in text changes nothing a reader sees; attribute values are never split.
    """
    out: list[str] = []
    for line in html.split("\n"):
        while len(line.encode("utf-8")) > limit:
            # SMTP counts bytes: Georgian or Cyrillic text takes 2-3 of them a character
            fits = len(line.encode("utf-8")[:limit].decode("utf-8", "ignore"))
            cut = _cut(line, fits)
            out.append(line[:cut])
            line = line[cut:].lstrip(" ") if line[cut : cut + 1] == " " else line[cut:]
        out.append(line)
    return "\n".join(out)


def _cut(line: str, limit: int) -> int:
    between_tags = line.rfind("><", 0, limit)
    if between_tags > limit // 4:
        return between_tags + 1
    in_tag = False
    best = -1
    for index, char in enumerate(line[:limit]):
        if char == "<":
            in_tag = True
        elif char == ">":
            in_tag = False
            best = index + 1
        elif char == " " and not in_tag:
            best = index
    if best > 0:
        return best
    gt = line.find(">", limit)  # a single tag longer than the limit: cut right after it
    return gt + 1 if gt != -1 else len(line)
