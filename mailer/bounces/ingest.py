"""One returned message (or one webhook event) in: classified, attributed, recorded, acted on.

Attribution, most exact first:
1. the VERP token (``bounces+<token>@``), HMAC checked: it names the delivery; a forged or
   foreign token is ignored;
2. our Message-ID (``<d<delivery>.<HMAC>@…>``) quoted in the returned message, trusted
   only when the delivery really carries that Message-ID;
3. the failed recipient's address, matched to a subscriber and their latest delivery sent
   within ``attribution_days``.

What is verified, and so applied at once: a token or Message-ID vouches for its own delivery's
subscriber only (anyone who received an issue holds their own token, and a report sent to it
may name anybody). The report is theirs when it names their address, or names one address
that is no other subscriber's (forwarding rewrites it), or none (complaints often redact it).
Every other name in it, and every address-only match, is recorded unverified: staff see it
and may apply it (``db.bounces.apply``); by itself it changes nobody. A webhook event is
verified: the provider vouches for the address it names, and signed the request.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mailer.bounces.webhooks.events import WebhookEvent
from mailer.core.bounce_policy import BouncePolicy
from mailer.core.bounces import BounceReport, Kind, classify
from mailer.core.owners import Named
from mailer.core.privacy import ERASED, scrub
from mailer.core.subscribers import email_key, normalise_email
from mailer.core.tokens import delivery_of_bounce_token
from mailer.db import Connection, Database, links, webhooks
from mailer.db import bounces as stored
from mailer.errors import BounceRefused, InvalidValue

# ``mailer.core.message.message_id``; the older ``<d<id>.c<id>@…>`` could be guessed: not ours.
# Only an exact match with the Message-ID the delivery carries counts.
OUR_MESSAGE_ID = re.compile(rb"<d([0-9]{1,12})\.[A-Za-z0-9_-]{22}@[^<>\s]{1,255}>")
_NESTING = re.compile(rb"boundary\s*=|content-type\s*:\s*message/", re.IGNORECASE)
MAX_NAMED = 1000  # names recorded from one message (a real report for one delivery names one)
RECORDED = frozenset({Kind.HARD, Kind.SOFT, Kind.DELAYED, Kind.COMPLAINT, Kind.AUTO_REPLY})


def check_size(size: int, *, max_bytes: int) -> None:
    """Raises ``BounceRefused`` for a message of ``size`` bytes over ``max_bytes``."""
    if size > max_bytes:
        raise BounceRefused(
            f"message of {size} bytes is over the {max_bytes} byte cap (bounces.max_message_bytes)"
        )


def check_message(raw: bytes, *, max_bytes: int, max_mime_depth: int) -> None:
    """Raises ``BounceRefused`` for a message over ``max_bytes`` or nested too deep.

    Counted on the bytes, before parsing: every ``boundary=`` (a multipart) and every
    ``message/*`` part (a message inside the message) is a level the parser would descend;
    a DSN has three or four, and a thousand would exhaust the parser's recursion.
    """
    check_size(len(raw), max_bytes=max_bytes)
    if len(_NESTING.findall(raw)) > max_mime_depth:
        raise BounceRefused(
            f"message has more than {max_mime_depth} multipart levels or parts "
            "(bounces.max_mime_depth)"
        )


@dataclass(frozen=True)
class Ingested:
    report: BounceReport
    actions: tuple[str, ...] = ()  # one per recorded event

    @property
    def recorded(self) -> bool:
        return bool(self.actions)


@dataclass
class Ingest:
    database: Database
    keys: dict[str, str]
    policy: BouncePolicy
    clock: Callable[[], datetime]
    attribution: timedelta = timedelta(days=30)
    keep_raw_bytes: int = 64 * 1024
    max_bytes: int = 10 * 1024 * 1024
    max_mime_depth: int = 20
    kinds: frozenset[Kind] = field(default=RECORDED)
    log_key: str = ""  # secrets.key, for the tags that stand for addresses in logs

    def check(self, raw: bytes) -> None:
        """Refuses, unread, what no bounce looks like: too big, or nested too deep."""
        check_message(raw, max_bytes=self.max_bytes, max_mime_depth=self.max_mime_depth)

    def message(self, raw: bytes, *, source: str, envelope_token: str | None = None) -> Ingested:
        """Classify ``raw`` and record one event per failed recipient (kinds in ``kinds``).

        ``envelope_token`` is the token of the RCPT address the message came to, the surest
        attribution there is; else the token found in the message's own headers.
        """
        self.check(raw)
        report = classify(raw)
        if report.kind not in self.kinds:
            return Ingested(report)
        named = self.delivery_of_token(envelope_token or report.token)
        by = "token" if named is not None else "message-id"
        kept = raw[: self.keep_raw_bytes] if self.keep_raw_bytes > 0 else None
        now = self.clock()
        with self.database.write() as conn:
            delivery = self._delivery(conn, named)
            if delivery is None:
                by, delivery = "message-id", self._by_message_id(conn, raw)
            listed = report.recipients[:MAX_NAMED]
            erased = {r for r in listed if _erased(conn, r)}
            if erased:  # it quotes an address someone asked us to forget: keep none of it
                kept, report = None, _without(report, erased)
            vouched, others = self._vouched(conn, delivery, listed, erased)
            events = []
            if delivery is not None and vouched is not None:
                events.append(self._event(report, vouched, source, delivery, by, None))
            for recipient in others or ([] if events else [""]):
                events.append(
                    self._by_address(
                        conn, report, recipient, source, now, False, recipient in erased
                    )
                )
            # kept once, with the first event about someone we know: a message naming a
            # thousand addresses is not stored a thousand times; a stranger's is not stored
            first = next((i for i, e in enumerate(events) if e.subscriber_id is not None), None)
            if first is not None and kept is not None:
                events[first] = dataclasses.replace(events[first], raw=kept)
            actions = [stored.record(conn, event, self.policy, now=now) for event in events]
        return Ingested(report, tuple(actions))

    @staticmethod
    def _vouched(
        conn: Connection,
        delivery: stored.SentDelivery | None,
        recipients: Sequence[str],
        erased: set[str],
    ) -> tuple[str | None, list[str]]:
        """The recipient the delivery's token vouches for ("" for none named; None when the
        report is not about that subscriber), and the other names (unverified)."""
        if delivery is None:
            return None, list(recipients)
        own = stored.email_key_of(conn, delivery.subscriber_id)
        keyed = [(recipient, _key(recipient)) for recipient in recipients]
        mine = [r for r, key in keyed if key is not None and key == own]
        if mine:
            return mine[0], [r for r, key in keyed if key != own]
        if not keyed:
            return "", []
        (only, key), *more = keyed
        if more or only in erased or (key and stored.subscriber_by_key(conn, key) is not None):
            return None, list(recipients)
        return only, []  # the address the mail was forwarded or rewritten to

    def reported(
        self, items: Sequence[WebhookEvent], *, source: str, notification_id: str | None = None
    ) -> list[str] | None:
        """Records webhook events (already classified and signature-checked by the caller).

        None, recording nothing, when ``notification_id`` was recorded before (a retry).
        """
        now = self.clock()
        actions = []
        with self.database.write() as conn:
            if notification_id and not webhooks.first_time(conn, source, notification_id, now=now):
                return None
            for item in items:
                if item.kind not in self.kinds:
                    continue
                report = BounceReport(
                    item.kind, (item.recipient,), item.status, item.diagnostic, policy=item.policy
                )
                delivery = None
                if item.message_id:
                    delivery = self._by_message_id(conn, item.message_id.encode())
                gone = _erased(conn, item.recipient)
                if gone:
                    report = _without(report, {item.recipient})
                if delivery is not None and not gone:
                    event = self._event(
                        report, item.recipient, source, delivery, "message-id", None
                    )
                else:  # the provider vouches for the address it names
                    event = self._by_address(conn, report, item.recipient, source, now, True, gone)
                actions.append(stored.record(conn, event, self.policy, now=now))
        return actions

    def delivery_of_token(self, token: str | None) -> Named | None:
        """The delivery a VERP token names, when its HMAC checks; None otherwise (whether
        the delivery is still its recipient's is read with the delivery)."""
        return delivery_of_bounce_token(self.keys, token)

    @staticmethod
    def _delivery(conn: Connection, named: Named | None) -> stored.SentDelivery | None:
        delivery_id = None if named is None else links.delivery_named(conn, named)
        return None if delivery_id is None else stored.delivery_by_id(conn, delivery_id)

    @staticmethod
    def _by_message_id(conn: Connection, raw: bytes) -> stored.SentDelivery | None:
        for match in OUR_MESSAGE_ID.finditer(raw):
            found = stored.delivery_by_id(conn, int(match.group(1)))
            if found is not None and found.message_id == match.group(0).decode():
                return found
        return None

    @staticmethod
    def _event(
        report: BounceReport,
        recipient: str,
        source: str,
        delivery: stored.SentDelivery,
        by: str,
        raw: bytes | None,
    ) -> stored.NewEvent:
        return stored.NewEvent(
            source=source,
            kind=report.kind,
            recipient=recipient,
            subscriber_id=delivery.subscriber_id,
            delivery_id=delivery.id,
            campaign_id=delivery.campaign_id,
            status=report.status,
            diagnostic=report.diagnostic,
            blocked=report.policy,
            attributed_by=by,
            raw=raw,
        )

    def _by_address(
        self,
        conn: Connection,
        report: BounceReport,
        recipient: str,
        source: str,
        now: datetime,
        verified: bool,
        erased: bool = False,
    ) -> stored.NewEvent:
        if erased:  # matched against the salted hash; stored without the address
            return stored.NewEvent(
                source=source,
                kind=report.kind,
                recipient=ERASED,
                status=report.status,
                diagnostic=report.diagnostic,
                attributed_by="erased",
                verified=False,
            )
        key = _key(recipient)
        subscriber_id = None if key is None else stored.subscriber_by_key(conn, key)
        delivery = None
        if subscriber_id is not None:
            delivery = stored.latest_delivery(conn, subscriber_id, now - self.attribution)
        if delivery is not None:
            event = self._event(report, recipient, source, delivery, "address", None)
            return dataclasses.replace(event, verified=verified)
        return stored.NewEvent(
            source=source,
            kind=report.kind,
            recipient=recipient or "(none named)",
            subscriber_id=subscriber_id,
            status=report.status,
            diagnostic=report.diagnostic,
            blocked=report.policy,
            attributed_by="address" if subscriber_id is not None else "none",
            verified=verified,
        )


def _erased(conn: Connection, recipient: str) -> bool:
    """Whether ``recipient`` is an erased address (its salted hash is all we hold)."""
    key = _key(recipient)
    return key is not None and stored.erased_address(conn, key)


def _without(report: BounceReport, addresses: set[str]) -> BounceReport:
    """``report`` with ``addresses`` scrubbed from its diagnostic and recipients."""
    diagnostic = report.diagnostic
    for address in addresses:
        key = _key(address)
        if diagnostic and key:
            diagnostic = scrub(diagnostic, key)
    recipients = tuple(ERASED if r in addresses else r for r in report.recipients)
    return dataclasses.replace(report, diagnostic=diagnostic, recipients=recipients)


def _key(recipient: str) -> str | None:
    """The ``email_key`` of a reported address; None for text no subscriber could have."""
    with contextlib.suppress(InvalidValue):
        return email_key(normalise_email(recipient))
    return None
