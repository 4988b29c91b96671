"""What the issue tests share: the sample issue as a document, staff actors, an app with
subscribers who have every interest the sample's items name (so the sample lints clean)."""

from __future__ import annotations

import copy
import functools
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mailer import approaches
from mailer.app import App
from mailer.campaigns import source
from mailer.core.issue_documents import to_document
from mailer.importer import import_file
from mailer.importer.apply import ImportOptions
from mailer.issues import Actor, Desk
from tests.conftest import REPO, settings_for

SAMPLE = REPO / "campaigns" / "2026-12-digest"
LIBRARY = REPO / "campaigns" / "approaches"
SAMPLE_TEXT = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
EDITOR = Actor("eda@example.org", "editor")
APPROVER = Actor("ana@example.org", "approver")
SECOND = Actor("bo@example.org", "approver")
NOW = datetime(2026, 11, 20, 9, 0)


def sample_document() -> dict[str, Any]:
    """The sample issue as its file says it: its items refer to the sample library."""
    return to_document(tomllib.loads(SAMPLE_TEXT))


def inline_sample() -> dict[str, Any]:
    """The sample issue with every item written out (its approaches resolved, no references),
    for tests that change an item's words."""
    found, _problems = source.read(SAMPLE)
    assert found is not None
    return copy.deepcopy(dict(found.document))


@functools.cache
def sample_interests() -> tuple[str, ...]:
    """Every interest the sample issue's items name (its files do not change during a run);
    a tuple, since every caller shares the one value."""
    return tuple(sorted({i for item in source.load_valid(SAMPLE).items for i in item.interests}))


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def tick(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def make_app(db_url: str, tmp_path: Path, clock: Clock, **extra: str) -> App:
    """An app whose (empty) campaigns folder is ``tmp_path/campaigns``, with subscribers."""
    campaigns = tmp_path / "campaigns"
    campaigns.mkdir(parents=True, exist_ok=True)
    settings = settings_for(db_url, paths__campaigns=str(campaigns), **extra)
    app = App(settings, clock=clock).start()
    every = ";".join(sample_interests())
    people = tmp_path / "people.csv"
    people.write_text(
        "email,name,country,language,interests\n"
        f'nino@example.org,Нино,GE,ka,"{every}"\n'
        f'ana@example.org,Ana,RS,sr,"{every}"\n'
        f'aibek@example.org,Aibek,KG,ru,"{every}"\n',
        encoding="utf-8",
    )
    import_file(app.database, people, ImportOptions(list_name="members"), now=clock)
    # the sample issue's items refer to the sample library (campaigns/approaches/)
    approaches.import_approaches(app.database, LIBRARY, now=clock.now)
    return app


def desk_of(app: App) -> Desk:
    return app.issue_desk()
