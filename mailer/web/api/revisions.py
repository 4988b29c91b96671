"""What every API resource with revisions shares (issues, approaches): the ``ETag`` is the
current revision's number, and a change must name the revision it started from in
``If-Match`` (428 without one, 412 when someone saved since)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header

from mailer.errors import InvalidValue
from mailer.web.api.errors import ApiError

ETAG = re.compile(r'\s*(?:W/)?"(\d{1,9})"\s*')

IfMatch = Annotated[str | None, Header(description='The revision the change started from: `"3"`.')]


def etag(revision: int) -> str:
    return f'"{revision}"'


def base_revision(if_match: str | None) -> int:
    """The revision ``If-Match`` names: 428 without one, 422 for one that is not a revision."""
    if if_match is None or not if_match.strip():
        raise ApiError(
            428,
            {
                "error": 'send If-Match: "<revision>" with the revision you started from '
                "(the ETag of GET)",
                "field": "If-Match",
            },
        )
    found = ETAG.fullmatch(if_match)
    if found is None:
        raise InvalidValue("If-Match", f'{if_match[:40]!r}: give one revision, e.g. "3"')
    return int(found[1])
