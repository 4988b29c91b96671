"""The sending loop: claim a batch, compose each message, hand it to the relay, record it.

``sending`` is committed by the claim before any SMTP command; each outcome is committed right
after the relay's final reply, so a crash can duplicate at most the messages in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import time
import tomllib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from mailer.core.bounce_policy import BouncePolicy
from mailer.core.bounces import Kind
from mailer.core.campaigns import Campaign, parse_campaign
from mailer.core.delivery import Action, Outcome, gives_up, next_attempt
from mailer.core.selection import VariantKey
from mailer.core.subscribers import Recipient
from mailer.core.throttle import DomainBuckets, TokenBucket
from mailer.core.waiting import DATABASE_PAUSE, OUTCOME_PATIENCE, RELAY_PAUSE
from mailer.db import Database, deliveries
from mailer.db import bounces as bounce_queries
from mailer.db import campaigns as stored_campaigns
from mailer.db import subscribers as subscriber_queries
from mailer.db.deliveries import Claimed
from mailer.db.writer import Writer
from mailer.errors import CampaignInvalid, DatabaseUnavailable, MailerError, StorageError
from mailer.render.compose import Composer
from mailer.render.outgoing import Built, Letter, Masthead, MessageBuilder, Stream
from mailer.smtp.pool import RelayPool

log = logging.getLogger(__name__)
T = TypeVar("T")
Run = Callable[[Callable[[], Any]], Awaitable[Any]]  # how work reaches a thread


@dataclass(frozen=True)
class DispatchSettings:
    worker: str
    default_sender: str
    batch_size: int = 100
    lease_seconds: int = 60
    poll_seconds: float = 1.0
    rate: float = 0.0  # messages a second, all relays together; 0 = unlimited
    domain_rates: dict[str, float] = field(default_factory=dict)
    bounce_policy: BouncePolicy = field(default_factory=BouncePolicy)
    relay_pause: tuple[float, ...] = RELAY_PAUSE  # seconds to wait after a relay says back off


@dataclass
class Dispatcher:
    database: Database
    relay: RelayPool
    settings: DispatchSettings
    composer_for: Callable[[Campaign], Composer]
    builder: MessageBuilder
    clock: Callable[[], datetime]
    rng: random.Random = field(default_factory=random.Random)
    sent: int = 0
    _campaigns: dict[int, tuple[Masthead, Composer]] = field(default_factory=dict)
    _relay_pauses: int = 0
    _bucket: TokenBucket | None = None
    _eight_bit: bool = False

    def __post_init__(self) -> None:
        self._ledger = Writer(self.database)  # every ledger write, on one thread and connection
        self._commits = GroupCommit(self._write, self._ledger.run)
        self._stop = asyncio.Event()
        rate = self.settings.rate
        self._bucket = TokenBucket(rate=rate, burst=max(1.0, rate)) if rate > 0 else None
        self._domains = DomainBuckets(self.settings.domain_rates)

    async def run(self, stop: asyncio.Event, *, until_idle: bool = False) -> None:
        """Send until ``stop`` is set (or, with ``until_idle``, until nothing is due)."""
        try:
            await self._run(stop, until_idle)
        finally:
            await asyncio.to_thread(self._ledger.close)

    async def _run(self, stop: asyncio.Event, until_idle: bool) -> None:
        self._eight_bit = await self.relay.offers_8bitmime()
        self._stop = stop
        write = self._ledger.run
        while not stop.is_set():
            claimed = await retry_while_db_down(self._claim, stop, run=write)
            if not claimed:
                await retry_while_db_down(self._complete, stop, run=write)
                if until_idle:
                    return
                await _wait(stop, self.settings.poll_seconds)
                continue
            try:
                backoff = await self._send_batch(claimed)
            except StorageError as exc:  # unrecorded rows come back when their leases end
                log.warning("batch stopped: %s", exc)
                backoff = False
            await retry_while_db_down(self._complete, stop, run=write)
            if backoff:
                pauses = self.settings.relay_pause
                pause = pauses[min(self._relay_pauses, len(pauses) - 1)]
                self._relay_pauses += 1
                if until_idle:
                    return
                await _wait(stop, pause)
            else:
                self._relay_pauses = 0

    @property
    def group_commits(self) -> int:
        """Ledger transactions that recorded outcomes so far (benchmarks/send.py)."""
        return self._commits.commits

    def _claim(self) -> list[Claimed]:
        now = self.clock()
        with self._ledger.database.write() as conn:
            deliveries.reap(conn, now=now)
            return deliveries.claim(
                conn,
                worker=self.settings.worker,
                limit=self.settings.batch_size,
                now=now,
                lease_until=now + timedelta(seconds=self.settings.lease_seconds),
            )

    def _release(self, delivery_id: int) -> None:
        with self._ledger.database.write() as conn:
            deliveries.release(conn, [delivery_id], worker=self.settings.worker, now=self.clock())

    def _complete(self) -> None:
        with self._ledger.database.write() as conn:
            deliveries.complete_finished(conn, now=self.clock())

    def _campaign(self, campaign_id: int) -> tuple[Masthead, Composer]:
        """What every message of the campaign shares, and its render plan: made once."""
        found = self._campaigns.get(campaign_id)
        if found is None:
            with self.database.read() as conn:
                stored = stored_campaigns.by_id(conn, campaign_id)
            shown = f"campaign {stored.slug} (as started)"
            campaign, problems = parse_campaign(stored.slug, tomllib.loads(stored.source), shown)
            if campaign is None:
                raise CampaignInvalid(shown, list(problems))
            masthead = Masthead.of(campaign, self.settings.default_sender)
            found = (masthead, self.composer_for(campaign))
            self._campaigns[campaign_id] = found
        return found

    async def _send_batch(self, claimed: list[Claimed]) -> bool:
        """Sends a batch; True when the relay asked to back off."""
        ids = [c.subscriber_id for c in claimed]
        people = await retry_while_db_down(lambda: self._recipients(ids), self._stop)
        renewing = asyncio.create_task(self._renew([c.id for c in claimed]))
        try:  # every message finishes (or fails) before the batch does: none left running
            outcomes = await asyncio.gather(
                *(self._deliver(c, people.get(c.subscriber_id)) for c in claimed),
                return_exceptions=True,
            )
        finally:
            renewing.cancel()
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return any(isinstance(o, Outcome) and o.action == Action.RELAY_BACKOFF for o in outcomes)

    def _recipients(self, ids: list[int]) -> dict[int, Recipient]:
        with self.database.read() as conn:
            return subscriber_queries.recipients_by_id(conn, ids)

    async def _renew(self, ids: list[int]) -> None:
        while True:
            await asyncio.sleep(self.settings.lease_seconds / 3)
            until = self.clock() + timedelta(seconds=self.settings.lease_seconds)
            try:
                await self._ledger.run(functools.partial(self._renew_now, ids, until))
            except StorageError as exc:  # try again at the next tick; the lease may run out
                log.warning("cannot renew leases: %s", exc)

    def _renew_now(self, ids: list[int], until: datetime) -> None:
        with self._ledger.database.write() as conn:
            deliveries.renew(conn, ids, worker=self.settings.worker, lease_until=until)

    async def _deliver(self, claimed: Claimed, recipient: Recipient | None) -> Outcome:
        if recipient is None:  # erased since the campaign started
            outcome = Outcome(Action.FAILED, None, None, "subscriber erased")
            await self._commits.submit(self._settle(claimed, outcome, None, None))
            return outcome
        try:
            built, key = self._compose(claimed, recipient)
        except StorageError:
            raise  # the database, not the message: the row comes back when its lease ends
        except (MailerError, ValueError) as exc:  # a broken template or source fails its rows
            outcome = Outcome(Action.FAILED, None, None, f"cannot compose the message: {exc}")
            await self._commits.submit(self._settle(claimed, outcome, None, None))
            return outcome
        # rate buckets measure durations: time.monotonic, not the clock of dates
        wait = self._domains.take(recipient.email, time.monotonic())
        if self._bucket is not None:
            wait = max(wait, self._bucket.take(time.monotonic()))
        if wait:
            await _wait(self._stop, wait)
        if self._stop.is_set():  # shutting down: not handed to a relay yet, so give it back
            await self._ledger.run(functools.partial(self._release, claimed.id))
            return Outcome(Action.DEFERRED, None, None, "released on shutdown")
        outcome = await self.relay.send(
            built.envelope_from,
            recipient.email,
            built.data,
            eight_bit=self._eight_bit,
            wire=built.wire,
        )
        await self._commits.submit(self._settle(claimed, outcome, built.message_id, key))
        if outcome.action == Action.SENT:
            self.sent += 1
        return outcome

    def _compose(self, claimed: Claimed, recipient: Recipient) -> tuple[Built, VariantKey]:
        """The message (bytes, Message-ID, VERP envelope) and its variant."""
        masthead, composer = self._campaign(claimed.campaign_id)
        variant = composer.variant(composer.variant_key(recipient))
        letter = Letter(
            Stream.NEWSLETTER,
            masthead,
            recipient,
            variant,
            self.clock(),
            composer.personal_values(variant, recipient, claimed.id),
            delivery_id=claimed.id,
        )
        return self.builder.build(letter, eight_bit=self._eight_bit), variant.key

    def _settle(
        self, claimed: Claimed, outcome: Outcome, mid: str | None, key: VariantKey | None
    ) -> _Settled:
        """The ledger state an outcome leads to (deferred ones get their next attempt)."""
        now = self.clock()
        state = {
            Action.SENT: "sent",
            Action.BOUNCED: "bounced",
            Action.FAILED: "failed",
        }.get(outcome.action, "deferred")
        retry_at = None
        reason = outcome.reason
        if state == "deferred":
            if gives_up(claimed.created_at, now):
                state, reason = "failed", f"gave up retrying: {outcome.reason}"
            else:
                retry_at = next_attempt(claimed.attempts, now, self.rng)
        bounce = None
        if outcome.action == Action.BOUNCED:
            bounce = Kind.HARD
        elif outcome.soft_bounce:
            bounce = Kind.SOFT
        elif outcome.action == Action.FAILED and (outcome.status or "").startswith("5.7."):
            bounce = Kind.HARD  # a policy rejection: recorded, the address kept
        return _Settled(
            claimed, state, outcome.code, reason, retry_at, mid, key, now, bounce, outcome.status
        )

    def _write(self, settled: list[_Settled]) -> None:
        """Record outcomes in one transaction: a group commit of the messages just finished.

        Rejections that are bounces go one by one, so only those whose lease held are recorded
        as bounce events and move the subscriber's standing (suppression, score).
        """
        worker = self.settings.worker
        with self._ledger.database.write() as conn:
            plain = [item.finished() for item in settled if item.bounce is None]
            deliveries.finish_many(conn, plain, worker=worker)
            for item in settled:
                if item.bounce is None:
                    continue
                if deliveries.finish_one(conn, item.finished(), worker=worker):
                    event = bounce_queries.NewEvent(
                        source="smtp",
                        kind=item.bounce,
                        recipient="",
                        subscriber_id=item.claimed.subscriber_id,
                        delivery_id=item.claimed.id,
                        campaign_id=item.claimed.campaign_id,
                        status=item.status,
                        diagnostic=item.reason,
                        blocked=item.state == "failed" and item.bounce == Kind.HARD,
                        attributed_by="delivery",
                    )
                    bounce_queries.record(conn, event, self.settings.bounce_policy, now=item.now)


@dataclass(frozen=True)
class _Settled:
    claimed: Claimed
    state: str
    code: int | None
    reason: str
    retry_at: datetime | None
    message_id: str | None
    key: VariantKey | None
    now: datetime
    bounce: Kind | None = None  # a rejection that counts as a bounce of this kind
    status: str | None = None

    def finished(self) -> deliveries.Finished:
        return deliveries.Finished(
            delivery_id=self.claimed.id,
            state=self.state,
            now=self.now,
            code=self.code,
            text=self.reason,
            next_attempt_at=self.retry_at,
            message_id=self.message_id,
            language=self.key.language if self.key else None,
            variant=self.key.name if self.key else None,
        )


class GroupCommit:
    """Outcomes that finish while a commit is running are written together in the next one.

    Each sender waits for its own outcome to be committed before it takes another message, so
    a crash can still lose at most the outcomes of the messages in flight; one fsync then
    covers many messages instead of one.
    """

    def __init__(self, write: Callable[[list[_Settled]], None], run: Run) -> None:
        self._write, self._run = write, run
        self._pending: list[tuple[_Settled, asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None
        self.commits = 0  # transactions written (benchmarks/send.py prints messages per commit)

    async def submit(self, item: _Settled) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((item, done))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        await done

    async def _flush(self) -> None:
        while self._pending:
            await asyncio.sleep(0)  # outcomes of replies read in this loop turn join the group
            batch, self._pending = self._pending, []
            self.commits += 1
            write = functools.partial(self._write, [item for item, _ in batch])
            try:
                await retry_while_db_down(write, None, OUTCOME_PATIENCE, run=self._run)
            except Exception as exc:
                for _, done in batch:
                    done.set_exception(exc)
                continue
            for _, done in batch:
                done.set_result(None)


async def retry_while_db_down(
    work: Callable[[], T],
    stop: asyncio.Event | None,
    patience: float | None = None,
    *,
    run: Run = asyncio.to_thread,
) -> T:
    """``work`` in a thread (``run``: the ledger's writer, else the default pool), tried
    again while the database is unreachable (a restart); gives up when ``stop`` is set or
    after ``patience`` seconds, raising the last error. Any other storage error (a value the
    column refuses) is raised at once: it would fail the same way every time.
    """
    began, tries = time.monotonic(), 0  # patience is a duration, not a date
    while True:
        try:
            result: T = await run(work)
            return result
        except DatabaseUnavailable as exc:
            waited = time.monotonic() - began
            if (stop is not None and stop.is_set()) or (patience is not None and waited > patience):
                raise
            pause = DATABASE_PAUSE[min(tries, len(DATABASE_PAUSE) - 1)]
            tries += 1
            log.warning("database unavailable, trying again in %.1f s: %s", pause, exc)
            await asyncio.sleep(pause)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
