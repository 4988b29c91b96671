"""Reading a campaign folder: ``campaigns/<slug>/campaign.toml``; the slug is the folder name."""

from __future__ import annotations

import tomllib
from pathlib import Path

from mailer.core.campaigns import Campaign, parse_campaign
from mailer.core.problems import Problem
from mailer.errors import CampaignInvalid

FILE = "campaign.toml"


def campaign_file(path: Path) -> Path:
    return path / FILE if path.is_dir() or path.suffix != ".toml" else path


def load(path: Path) -> tuple[Campaign | None, list[Problem]]:
    """The campaign in ``path`` (a folder or its campaign.toml) and every problem found."""
    file = campaign_file(path)
    shown = str(file)
    try:
        with file.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return None, [
            Problem("error", shown, "", "not found: a campaign is a folder with campaign.toml")
        ]
    except tomllib.TOMLDecodeError as exc:
        return None, [Problem("error", shown, "", f"not valid TOML: {exc}")]
    except OSError as exc:
        return None, [Problem("error", shown, "", f"cannot read: {exc.strerror}")]
    return parse_campaign(file.parent.name, data, shown)


def load_valid(path: Path) -> Campaign:
    """The campaign, or ``CampaignInvalid`` listing its errors (warnings do not stop it)."""
    campaign, problems = load(path)
    errors = [p for p in problems if p.severity == "error"]
    if campaign is None or errors:
        raise CampaignInvalid(str(campaign_file(path)), list(errors))
    return campaign


def issues_for(campaigns_dir: Path, series: str, period: str) -> list[tuple[Path, Campaign]]:
    """The issue folders under ``campaigns_dir`` that join ``series`` for ``period``.

    Folders that do not parse are left out here (``mailer campaign lint`` names their errors).
    """
    found = []
    for file in sorted(campaigns_dir.glob(f"*/{FILE}")):
        campaign, _ = load(file.parent)
        if campaign is None:
            continue
        if campaign.extra.get("series") == series and str(campaign.extra.get("period")) == period:
            found.append((file.parent, campaign))
    return found


def one_off_issues(campaigns_dir: Path) -> list[tuple[Path, Campaign]]:
    """Issue folders with ``send_at`` that belong to no series (sent once at that time)."""
    found = []
    for file in sorted(campaigns_dir.glob(f"*/{FILE}")):
        campaign, _ = load(file.parent)
        if campaign is not None and campaign.send_at and "series" not in campaign.extra:
            found.append((file.parent, campaign))
    return found
