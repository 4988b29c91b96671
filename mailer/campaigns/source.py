"""Reading a campaign folder: ``campaigns/<slug>/campaign.toml``; the slug is the folder name.

A folder is an import and export format (``mailer.campaigns.folders``): what an issue says is
its stored revision. ``read`` turns a folder into the same ``IssueText`` a revision gives (as
revision 0, not stored), through the same document form, so both parse alike; an item's
``approach = "slug"`` resolves against the files of ``campaigns/approaches/`` beside it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from mailer.approaches import FOLDER, library_of_folder
from mailer.core.approach_refs import references
from mailer.core.campaigns import Campaign
from mailer.core.issue_documents import check_size, to_document
from mailer.core.issue_text import IssueText, issue_text
from mailer.core.problems import Problem
from mailer.errors import CampaignInvalid, InvalidValue

FILE = "campaign.toml"


def campaign_file(path: Path) -> Path:
    return path / FILE if path.is_dir() or path.suffix != ".toml" else path


def read(path: Path) -> tuple[IssueText | None, list[Problem]]:
    """The issue in ``path`` (a folder or its campaign.toml) as revision 0, and every problem
    found; None when the file cannot be read as a document at all."""
    file = campaign_file(path)
    shown = str(file)

    def refused(message: str, key: str = "") -> tuple[IssueText | None, list[Problem]]:
        return None, [Problem("error", shown, key, message)]

    try:
        text = check_size(file.read_text(encoding="utf-8"), shown)
        document = to_document(tomllib.loads(text))
    except FileNotFoundError:
        return refused("not found: a campaign is a folder with campaign.toml")
    except UnicodeDecodeError:
        return refused("not UTF-8 text: save the file as UTF-8")
    except tomllib.TOMLDecodeError as exc:
        return refused(f"not valid TOML: {exc}")
    except RecursionError:
        return refused("not valid TOML: nested too deeply")
    except InvalidValue as exc:
        return refused(exc.message, "" if exc.field == shown else exc.field)
    except OSError as exc:
        return refused(f"cannot read: {exc.strerror}")
    library = library_of_folder(file.parent.parent / FOLDER, references(document))
    found = issue_text(file.parent.name, 0, text, document, shown, library)
    return found, list(found.problems)


def load(path: Path) -> tuple[Campaign | None, list[Problem]]:
    """The campaign in ``path`` (a folder or its campaign.toml) and every problem found."""
    found, problems = read(path)
    return (found.campaign if found else None), problems


def load_valid(path: Path) -> Campaign:
    """The campaign, or ``CampaignInvalid`` listing its errors (warnings do not stop it)."""
    campaign, problems = load(path)
    errors = [p for p in problems if p.severity == "error"]
    if campaign is None or errors:
        raise CampaignInvalid(str(campaign_file(path)), list(errors))
    return campaign


def folders(campaigns_dir: Path) -> list[Path]:
    """The issue folders (``<slug>/campaign.toml``) under ``campaigns_dir``, by name."""
    return sorted(file.parent for file in campaigns_dir.glob(f"*/{FILE}"))
