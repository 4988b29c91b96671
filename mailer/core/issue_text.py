"""What an issue's text is: one revision (or a folder not stored yet) and the ``Campaign`` it
parses to. Every reader of an issue (lint, preview, audience, send, approve, schedule, the
scheduler) gets its ``Campaign`` from an ``IssueText``, made only by ``issue_text``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mailer.core.campaigns import Campaign, parse_campaign
from mailer.core.issue_documents import text_hash
from mailer.core.problems import Problem
from mailer.errors import CampaignInvalid


@dataclass(frozen=True)
class IssueText:
    slug: str
    revision: int  # its number, from 1; 0 for a folder that is not stored
    text: str  # the campaign.toml text: what is approved, frozen when sending starts
    document: Mapping[str, Any]
    campaign: Campaign | None  # None when the document cannot be used at all
    problems: list[Problem] = field(default_factory=list)  # parse problems (lint adds more)
    shown: str = ""  # names it in problems: a file's path, or "issue SLUG, revision N"

    @property
    def hash(self) -> str:
        return text_hash(self.text)

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
    slug: str, revision: int, text: str, document: Mapping[str, Any], shown: str = ""
) -> IssueText:
    """The ``IssueText`` of ``document`` (whose campaign.toml is ``text``)."""
    shown = shown or shown_revision(slug, revision)
    campaign, problems = parse_campaign(slug, document, shown)
    return IssueText(slug, revision, text, document, campaign, problems, shown)
