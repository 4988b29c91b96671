"""The report of one issue: its deliveries by outcome, per language and per country, with
complaints and unsubscribes, sending progress over time, and opens and clicks when tracking is
on. The totals are the ledger's own counts, the numbers ``mailer campaign status`` prints.

"Unsubscribed" counts recipients who left one of the issue's lists after the send started
(by any route: the one-click link, the preferences page, a reply to the mailto address).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from mailer.core.times import iso_utc
from mailer.db import Database, deliveries
from mailer.db import campaign_report as queries
from mailer.db import campaigns as stored_campaigns
from mailer.db.lists import find_list_id
from mailer.errors import NotFound

OUTCOMES = ("sent", "deferred", "bounced", "failed", "skipped", "queued", "sending")
EXTRA = ("complained", "unsubscribed")
POINTS = 24  # at most this many points on the progress chart


@dataclass(frozen=True)
class CampaignReport:
    slug: str
    state: str
    started_at: datetime | None
    finished_at: datetime | None
    counts: dict[str, int]  # every delivery state: the ledger, as `campaign status`
    complained: int
    unsubscribed: int
    by_language: dict[str, dict[str, int]]  # language -> outcome (and complained, unsubscribed)
    by_country: dict[str, dict[str, int]]
    progress: list[tuple[datetime, int]]  # (time, messages accepted so far)
    tracking: bool
    opens: tuple[int, int] = (0, 0)  # (opens, people who opened)
    clicks: tuple[int, int] = (0, 0)
    lists: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_json(self) -> dict[str, object]:
        """What ``mailer campaign report --json`` prints."""
        return {
            "slug": self.slug,
            "state": self.state,
            "started_at": iso_utc(self.started_at),
            "finished_at": iso_utc(self.finished_at),
            "total": self.total,
            **self.counts,
            "complained": self.complained,
            "unsubscribed": self.unsubscribed,
            "by_language": self.by_language,
            "by_country": self.by_country,
            "progress": [[iso_utc(at), n] for at, n in self.progress],
            "tracking": self.tracking,
            "opens": {"total": self.opens[0], "people": self.opens[1]},
            "clicks": {"total": self.clicks[0], "people": self.clicks[1]},
        }


def campaign_report(database: Database, slug: str) -> CampaignReport:
    """The report of ``slug``; ``NotFound`` for a campaign never approved or started."""
    with database.read() as conn:
        stored = stored_campaigns.find(conn, slug)
        if stored is None:
            raise NotFound("campaign", slug)
        settings = _frozen(stored.source)
        raw = settings.get("lists", [])
        names = tuple(str(n) for n in raw) if isinstance(raw, list) else ()
        list_ids = [i for i in (find_list_id(conn, n) for n in names) if i is not None]
        counts = deliveries.counts(conn, stored.id)
        groups = {}
        for group in ("language", "country"):
            table = _table(queries.states_by(conn, stored.id, group))
            complaints = queries.complaints_by(conn, stored.id, group)
            left = (
                queries.unsubscribed_by(conn, stored.id, list_ids, stored.started_at, group)
                if stored.started_at is not None
                else {}
            )
            for value, row in table.items():
                row["complained"] = complaints.get(value, 0)
                row["unsubscribed"] = left.get(value, 0)
            groups[group] = table
        progress = _progress(queries.sent_times(conn, stored.id))
        engaged = queries.engagement(conn, stored.id)
    by_language, by_country = groups["language"], groups["country"]
    return CampaignReport(
        slug=slug,
        state=stored.state,
        started_at=stored.started_at,
        finished_at=stored.finished_at,
        counts=counts,
        complained=sum(row["complained"] for row in by_language.values()),
        unsubscribed=sum(row["unsubscribed"] for row in by_language.values()),
        by_language=by_language,
        by_country=by_country,
        progress=progress,
        tracking=bool(settings.get("tracking", False)),
        opens=engaged.get("open", (0, 0)),
        clicks=engaged.get("click", (0, 0)),
        lists=names,
    )


def _frozen(source: str) -> dict[str, object]:
    try:
        return tomllib.loads(source) if source else {}
    except tomllib.TOMLDecodeError:
        return {}


def _table(rows: Iterable[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    """{group: {outcome: n}} with every outcome, the largest group first."""
    table: dict[str, dict[str, int]] = {}
    for value, state, n in rows:
        table.setdefault(value, dict.fromkeys(OUTCOMES, 0))[state] = n
    return dict(sorted(table.items(), key=lambda item: (-sum(item[1].values()), item[0])))


def _progress(times: Iterable[datetime]) -> list[tuple[datetime, int]]:
    """Messages accepted so far at up to POINTS evenly spaced moments from first to last."""
    moments = list(times)
    if not moments:
        return []
    first, last = moments[0], moments[-1]
    if first == last:
        return [(first, len(moments))]
    step = (last - first) / (POINTS - 1)
    points: list[tuple[datetime, int]] = []
    index = 0
    for k in range(POINTS):
        at = first + step * k
        while index < len(moments) and moments[index] <= at:
            index += 1
        points.append((at, index))
    points[-1] = (last, len(moments))
    return points
