"""What the staff UI shows of campaigns: each folder with its stored state and progress."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from mailer.campaigns import source
from mailer.core.campaigns import Campaign
from mailer.core.problems import Problem
from mailer.db import Database, deliveries
from mailer.db import campaigns as stored_campaigns

OPEN_STATES = ("queued", "sending", "deferred")


@dataclass(frozen=True)
class Summary:
    """One campaign as staff see it: its folder (if any) and what the database holds."""

    slug: str
    state: str  # "draft" when nothing is stored yet
    stored: bool
    counts: dict[str, int] = field(default_factory=dict)
    approved_by: str | None = None
    approved_at: datetime | None = None
    send_at: datetime | None = None  # naive UTC, when staff scheduled it
    started_at: datetime | None = None
    finished_at: datetime | None = None
    subject: str = ""  # in the first language; empty when the folder does not parse
    has_folder: bool = True
    preflight_forced_by: str | None = None  # scheduled despite failing preflight checks
    preflight_forced_at: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        """Deliveries no longer waiting (sent, failed, bounced or skipped)."""
        return self.total - sum(self.counts.get(name, 0) for name in OPEN_STATES)

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else int(100 * self.done / self.total)

    def progress(self) -> dict[str, object]:
        """The JSON the progress route returns (and the page polls)."""
        return {
            "slug": self.slug,
            "state": self.state,
            "total": self.total,
            "done": self.done,
            "percent": self.percent,
            "counts": self.counts,
        }


def folders(campaigns_dir: Path) -> list[Path]:
    """The campaign folders (``<slug>/campaign.toml``) under ``campaigns_dir``, by name."""
    return sorted(file.parent for file in campaigns_dir.glob(f"*/{source.FILE}"))


def folder_of(campaigns_dir: Path, slug: str) -> Path | None:
    """The folder of ``slug`` when it exists; None for names that are not a plain folder."""
    if not slug or slug != Path(slug).name or slug.startswith("."):
        return None
    folder = campaigns_dir / slug
    return folder if source.campaign_file(folder).is_file() else None


def _subject(campaign: Campaign | None) -> str:
    if campaign is None or not campaign.languages:
        return ""
    content = campaign.content.get(campaign.languages[0])
    return content.subject if content else ""


def summary(database: Database, slug: str, campaign: Campaign | None = None) -> Summary:
    """The stored state and delivery counts of ``slug`` (``draft`` when nothing is stored)."""
    with database.read() as conn:
        stored = stored_campaigns.find(conn, slug)
        counts = deliveries.counts(conn, stored.id) if stored else {}
    if stored is None:
        return Summary(slug, "draft", False, subject=_subject(campaign))
    return Summary(
        slug,
        stored.state,
        True,
        counts,
        stored.approved_by,
        stored.approved_at,
        stored.send_at,
        stored.started_at,
        stored.finished_at,
        _subject(campaign),
        preflight_forced_by=stored.preflight_forced_by,
        preflight_forced_at=stored.preflight_forced_at,
    )


def all_campaigns(database: Database, campaigns_dir: Path) -> list[Summary]:
    """Every campaign folder, then stored campaigns whose folder is gone; newest slug first."""
    found: dict[str, Summary] = {}
    for folder in folders(campaigns_dir):
        campaign, _ = source.load(folder)
        found[folder.name] = summary(database, folder.name, campaign)
    with database.read() as conn:
        stored_slugs = list(stored_campaigns.states(conn))
    for slug in stored_slugs:
        if slug not in found:
            found[slug] = replace(summary(database, slug), has_folder=False)
    return sorted(found.values(), key=lambda item: item.slug, reverse=True)


def load(folder: Path) -> tuple[Campaign | None, list[Problem], str]:
    """The campaign in ``folder``, its parse problems, and the text that is approved and
    sent: campaign.toml's exact text, or, when its items refer to approaches, that text with
    them resolved (from ``campaigns/approaches/``)."""
    found, problems = source.read(folder)
    if found is None:
        return None, problems, ""
    return found.campaign, problems, found.text
