"""Composition root: builds every service from ``Settings`` and owns their lifetimes."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import cached_property

from mailer.access.staff import password_hasher
from mailer.bounces.ingest import Ingest
from mailer.bounces.receiver import Receiver
from mailer.bounces.webhook_intake import WebhookIntake
from mailer.campaigns.preflight import Preflight
from mailer.config import Settings
from mailer.core.bounce_policy import BouncePolicy
from mailer.core.campaigns import Campaign
from mailer.core.languages import Editions
from mailer.core.owners import Named
from mailer.core.times import aware_utc
from mailer.core.tokens import keyring
from mailer.db import Database
from mailer.dispatch import copies, notices
from mailer.dispatch.copies import SentCopy
from mailer.dispatch.dispatcher import Dispatcher, DispatchSettings
from mailer.dispatch.transactional import Addressee, TransactionalMail
from mailer.issues import Desk, editions
from mailer.render.compose import Composer
from mailer.render.outgoing import MessageBuilder, PlainText
from mailer.render.templates import TemplateSet
from mailer.smtp.dkim import DkimSigner
from mailer.smtp.pool import RelayPool
from mailer.smtp.relay import Relay, RelaySettings
from mailer.subscriptions import signup, staff_people
from mailer.subscriptions.interests import list_titles_in
from mailer.subscriptions.signup import Confirmation, ConfirmationDue, Signup
from mailer.subscriptions.unsubscribe import unsubscribe_delivery


def utc_now() -> datetime:
    """Naive UTC, as every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


class App:
    """What a command needs: the settings, the database and the clock (the only fake in tests).

    What stays the same for the whole process is built once, on first use: the template set
    (its Jinja environment and compiled templates), the DKIM signer (its key file read once),
    the message builder, the bounce policy, the organisation's footer values and the relay pool
    of system mail. Last come the flows that span use cases (sign-up, test copies, notices to
    staff, sending, the bounce receiver): a web route, a command or a scheduler job calls one.
    """

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.clock = clock
        self.database = Database(settings.database.url)
        self.password_hasher = password_hasher(settings.web.password_profile)
        organisation = settings.organisation
        self.organisation = {
            "name": organisation.name,
            "address": organisation.address,
            "website": organisation.website,
        }
        self._preflight: Preflight | None = None

    @cached_property
    def templates(self) -> TemplateSet:
        settings = self.settings
        return TemplateSet(settings.paths.templates, max_seconds=settings.render.max_seconds)

    def composer(self, campaign: Campaign) -> Composer:
        """The render plan of ``campaign`` with this installation's links, key and footer."""
        return Composer(
            campaign=campaign,
            templates=self.templates,
            organisation=self.organisation,
            base_url=self.settings.web.base_url,
            secret_key=self.settings.secrets.key,
        )

    @cached_property
    def message_builder(self) -> MessageBuilder:
        """Builds every outgoing message (issue, test copy, preview, system mail, notice)."""
        settings = self.settings
        return MessageBuilder(
            sender_domain=settings.sender.domain,
            bounce_domain=settings.bounces.domain,
            secret_key=settings.secrets.key,
            signer=self.dkim_signer,
        )

    def token_keys(self) -> dict[str, str]:
        """Keys that verify signed tokens, by key id: ``secrets.key`` and ``secrets.old_keys``."""
        secrets = self.settings.secrets
        return keyring(secrets.key, secrets.old_keys)

    def relay(self) -> RelayPool:
        """The relays to send through, each a pool of reused connections; ``async with
        app.relay() as relay:`` closes every connection when the block ends."""
        smtp = self.settings.smtp
        return RelayPool.of(
            [
                (
                    Relay(
                        RelaySettings(
                            host=host,
                            port=port,
                            security=smtp.security,
                            username=smtp.username,
                            password=smtp.password,
                            timeout=smtp.timeout,
                        ),
                        size=self.settings.sending.concurrency,
                    ),
                    weight,
                )
                for host, port, weight in smtp.relay_list()
            ]
        )

    def transactional_mail(self) -> TransactionalMail:
        """System mail (``templates/system/``: the double opt-in confirmation), one per app."""
        self.dkim_signer()  # a DKIM key that cannot be read stops the web app at its start
        return self._transactional_mail

    @cached_property
    def _transactional_mail(self) -> TransactionalMail:
        return TransactionalMail(
            templates=self.templates,
            relay=self.relay(),
            builder=self.message_builder,
            organisation=self.organisation,
            base_url=self.settings.web.base_url,
            secret_key=self.settings.secrets.key,
            sender=self.settings.sender.from_,
        )

    def dkim_signer(self) -> DkimSigner | None:
        """The signer of ``[dkim]`` (None when it is off); its key file is read once."""
        return self._dkim_signer

    @cached_property
    def _dkim_signer(self) -> DkimSigner | None:
        key = self.settings.dkim.key
        if key is None:
            return None
        return DkimSigner.from_file(key.domain, key.selector, key.private_key_file)

    def preflight(self) -> Preflight:
        """DNS and message checks before a send; one per process, so its cache is shared."""
        if self._preflight is None:
            self._preflight = Preflight(
                self.settings,
                database=self.database,
                make_composer=self.composer,
                builder=self.message_builder,
                clock=self.clock,
            )
        return self._preflight

    def issue_desk(self) -> Desk:
        """What the issue use cases (``mailer.issues``) need, from the settings."""
        return Desk(
            self.database,
            self.composer,
            four_eyes=self.settings.web.four_eyes,
            preflight=self.preflight().gate,
            series_dir=self.settings.paths.campaigns,
        )

    def bounce_policy(self) -> BouncePolicy:
        return self._bounce_policy

    @cached_property
    def _bounce_policy(self) -> BouncePolicy:
        bounces = self.settings.bounces
        return BouncePolicy(
            soft_score=bounces.soft_score,
            threshold=bounces.threshold,
            forget_after=timedelta(days=bounces.forget_after_days),
        )

    def bounce_ingest(self) -> Ingest:
        bounces = self.settings.bounces
        return Ingest(
            database=self.database,
            keys=self.token_keys(),
            policy=self.bounce_policy(),
            clock=self.clock,
            attribution=timedelta(days=bounces.attribution_days),
            keep_raw_bytes=bounces.keep_raw_bytes,
            max_bytes=bounces.max_message_bytes,
            max_mime_depth=bounces.max_mime_depth,
            log_key=self.settings.secrets.key,
        )

    def unsubscribe_by_mail(self, named: Named) -> list[str]:
        """The receiver's ``unsubscribe+<token>@`` address: leave that issue's lists."""
        return unsubscribe_delivery(self.database, named, now=self.clock())

    def webhook_intake(self) -> WebhookIntake:
        return WebhookIntake(
            self.bounce_ingest(), self.settings.webhooks, clock=lambda: aware_utc(self.clock())
        )

    def dispatcher(self, relay: RelayPool, *, name: str = "") -> Dispatcher:
        """A sending loop; ``name`` tells apart several in one process (host:pid otherwise)."""
        settings = self.settings
        self.dkim_signer()  # a DKIM key that cannot be read stops the worker before any claim
        return Dispatcher(
            database=self.database,
            relay=relay,
            settings=DispatchSettings(
                worker=f"{socket.gethostname()}:{os.getpid()}{name}",
                default_sender=settings.sender.from_,
                rate=settings.sending.rate,
                domain_rates=settings.sending.domain_limits(),
                batch_size=settings.sending.batch_size,
                lease_seconds=settings.sending.lease_seconds,
                bounce_policy=self.bounce_policy(),
            ),
            composer_for=self.composer,
            builder=self.message_builder,
            clock=self.clock,
        )

    # The flows that span use cases: a face (web route, command, scheduler job) calls one.

    async def subscribe(self, form: Signup, *, ip: str | None, language: str) -> bool:
        """The public form: store the signup and mail the confirmation (``signup.subscribe``);
        ``language`` is the page's, for an address that has none yet. False: try again later."""
        mail, now = self.transactional_mail(), self.clock()

        async def confirm(due: ConfirmationDue) -> bool:
            reader = due.language or language
            note = await asyncio.to_thread(self.edition_note, reader)
            titles = await asyncio.to_thread(list_titles_in, self.database, due.lists, reader)
            to = Addressee(
                due.subscriber_id, due.email, reader, due.lists, due.link_nonce, note, titles
            )
            return await mail.deliver("confirm", to, now=now)

        return await signup.subscribe(
            self.database, form, ip=ip, now=now, send_confirmation=confirm
        )

    async def confirm(
        self, subscriber_id: int, *, made_at: datetime | None, language: str
    ) -> Confirmation:
        """A confirmation link posted: confirm (``signup.confirm_and_welcome``), then the
        welcome mail in the reader's language (``language``, the page's, when they have none)
        unless ``web.welcome`` is off. A welcome the relay refuses is logged, not retried."""
        now = self.clock()
        judged, due = await asyncio.to_thread(
            signup.confirm_and_welcome, self.database, subscriber_id, made_at=made_at, now=now
        )
        if due is not None and self.settings.web.welcome:
            reader = due.language or language
            note = await asyncio.to_thread(self.edition_note, reader)
            titles = await asyncio.to_thread(list_titles_in, self.database, due.lists, reader)
            to = Addressee(
                due.subscriber_id, due.email, reader, due.lists, due.link_nonce, note, titles
            )
            await self.transactional_mail().deliver("welcome", to, now=now)
        return judged

    async def resend_confirmation(self, email: str, *, by: str) -> bool:
        """Staff send an unconfirmed person's confirmation mail again (logged on their
        record); False when the relay did not take it (try again later)."""
        mail, now = self.transactional_mail(), self.clock()
        due = await asyncio.to_thread(staff_people.confirmation_again, self.database, email)
        language = due.language or "en"  # as the public form's default page language
        titles = await asyncio.to_thread(list_titles_in, self.database, due.lists, language)
        to = Addressee(
            due.subscriber_id, due.email, language, due.lists, due.link_nonce, list_titles=titles
        )
        if not await mail.deliver("confirm", to, now=now):
            return False
        await asyncio.to_thread(signup.confirmation_sent, self.database, due, now=now)
        await asyncio.to_thread(
            staff_people.confirmation_resent, self.database, due.subscriber_id, by=by, now=now
        )
        return True

    def editions(self) -> Editions | None:
        """The languages issues are written in (``mailer.issues.editions``); reads them."""
        return editions(self.issue_desk())

    def edition_note(self, reader: str) -> str:
        """What a mail to a reader of ``reader`` says about the edition they will get; "" before
        the first issue. Reads the issues."""
        found = self.editions()
        return "" if found is None else found.note(self.templates.strings(reader), reader)

    async def send_test_copies(
        self, campaign: Campaign, addresses: list[str], languages: Sequence[str] | None = None
    ) -> list[SentCopy]:
        """One copy of each of ``languages`` (default: every language of ``campaign``) to each
        address, subject marked [TEST]; its personal links open the "test copy" page."""
        async with self.relay() as relay:
            return await copies.send_test_copies(
                self.composer(campaign),
                relay,
                addresses,
                builder=self.message_builder,
                default_sender=self.settings.sender.from_,
                now=self.clock(),
                languages=languages,
            )

    async def tell_staff(
        self, addresses: Sequence[str], subject: str, text: str, *, about: str, ref: str
    ) -> None:
        """A plain-text notice to staff; ``about`` and ``ref`` name what it concerns (see
        ``notices.tell_staff``). A failure is logged, never raised."""
        async with self.relay() as relay:
            await notices.tell_staff(
                relay,
                self.message_builder,
                addresses,
                PlainText(subject, text),
                sender=self.settings.sender.from_,
                about=about,
                ref=ref,
                now=self.clock(),
                log_key=self.settings.secrets.key,
            )

    async def send_until(self, stop: asyncio.Event) -> None:
        """A worker: send whatever is due until ``stop``; messages in flight finish first."""
        async with self.relay() as relay:
            await self.dispatcher(relay).run(stop)

    async def send_until_idle(
        self, *, watch: Callable[[asyncio.Task[None]], Awaitable[None]] | None = None
    ) -> int:
        """Send everything due in this process; returns how many messages were accepted.
        ``watch`` (a progress bar) runs beside the sending until the sending is done."""
        async with self.relay() as relay:
            dispatcher = self.dispatcher(relay)
            sending = asyncio.create_task(dispatcher.run(asyncio.Event(), until_idle=True))
            if watch is not None:
                await watch(sending)
            await sending
        return dispatcher.sent

    def bounce_receiver(self) -> Receiver:
        """The bounce domain's SMTP receiver: bounces, and ``unsubscribe+<token>@`` mail."""
        bounces = self.settings.bounces
        return Receiver(
            self.bounce_ingest(),
            bounces.domain,
            bounces.per_peer_per_minute,
            unsubscribe=self.unsubscribe_by_mail,
        )

    def start(self, *, migrate: bool = True) -> App:
        """Check the schema (applying it to an embedded database) before any work."""
        if migrate:
            self.database.ensure_schema()
        return self

    def close(self) -> None:
        self.database.dispose()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
