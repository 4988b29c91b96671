"""What an issue's text is: one revision (or a folder not stored yet) and the ``Campaign`` it
parses to. Every reader of an issue (lint, preview, audience, send, approve, schedule, the
scheduler) gets its ``Campaign`` from an ``IssueText``, made only by ``issue_text``.

An issue whose items refer to approaches (``approach = "slug"``) is resolved here, against the
``Library`` the caller passes (the approaches at the issue's pinned revisions): ``text`` and
``document`` are then the resolved ones, a campaign.toml that needs no library (what is
approved, by its hash, and frozen when sending starts), and ``own_text``/``own_document`` the
revision's own, with its references.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mailer.core.approach_refs import Library, references, resolve
from mailer.core.campaigns import Campaign, parse_campaign
from mailer.core.issue_documents import text_hash
from mailer.core.problems import Problem
from mailer.core.toml_text import to_toml
from mailer.errors import CampaignInvalid, InvalidValue


@dataclass(frozen=True)
class IssueText:
    slug: str
    revision: int  # its number, from 1; 0 for a folder that is not stored
    text: str  # the campaign.toml text: what is approved, frozen when sending starts
    document: Mapping[str, Any]
    campaign: Campaign | None  # None when the document cannot be used at all
    problems: list[Problem] = field(default_factory=list)  # parse problems (lint adds more)
    shown: str = ""  # names it in problems: a file's path, or "issue SLUG, revision N"
    own_text: str | None = None  # the revision's own text, when it refers to approaches
    own_document: Mapping[str, Any] | None = None
    pins: Mapping[str, int] = field(default_factory=dict)  # approach slug -> its revision

    @property
    def hash(self) -> str:
        return text_hash(self.text)

    @property
    def source_text(self) -> str:
        """The revision's own text (with its references): what a folder holds."""
        return self.text if self.own_text is None else self.own_text

    @property
    def source_document(self) -> Mapping[str, Any]:
        return self.document if self.own_document is None else self.own_document

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def valid_campaign(self) -> Campaign:
        """The campaign, or ``CampaignInvalid`` listing its errors (warnings do not stop it)."""
        if self.campaign is None or self.errors:
            raise CampaignInvalid(self.shown, list(self.errors))
        return self.campaign


def shown_revision(slug: str, revision: int) -> str:
    return f"issue {slug}, revision {revision}"


def issue_text(
    slug: str,
    revision: int,
    text: str,
    document: Mapping[str, Any],
    shown: str = "",
    library: Library | None = None,
) -> IssueText:
    """The ``IssueText`` of ``document`` (whose campaign.toml is ``text``), its references
    resolved against ``library`` (a reference it does not hold is an error)."""
    shown = shown or shown_revision(slug, revision)
    wanted = references(document)
    if not wanted:
        campaign, problems = parse_campaign(slug, document, shown)
        return IssueText(slug, revision, text, document, campaign, problems, shown)
    given = library or {}
    resolved, found = resolve(document, given, shown)
    try:
        resolved_text = to_toml(resolved, text or None)
    except InvalidValue as exc:
        found.append(Problem("error", shown, exc.field, exc.message))
        resolved_text = text
    campaign, problems = parse_campaign(slug, resolved, shown)
    pins = {name: given[name].revision for name in wanted if name in given}
    return IssueText(
        slug,
        revision,
        resolved_text,
        resolved,
        campaign,
        found + problems,
        shown,
        own_text=text,
        own_document=document,
        pins=pins,
    )
