"""System mail to one person, outside the ledger: the double opt-in confirmation, the welcome.

Each message is compiled once per (kind, language, lists) from ``templates/system/`` and kept;
per recipient only the links are filled in. The subscriber's name is never put into these
messages (neither the body nor the To header): the address may not be theirs yet.
One relay pool serves every message of the process (its relays, TLS context and cool-offs are
made once); its connections are closed after each message, so a web process holds no SMTP
connection between signups.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from mailer.core.delivery import Action, Outcome
from mailer.core.links import in_language, preferences_url, unsubscribe_url
from mailer.core.owners import confirm_subject
from mailer.core.privacy import redact
from mailer.core.subscribers import Recipient
from mailer.core.tokens import make_token
from mailer.errors import MailerError
from mailer.render.compile import Filled, RenderedMessage, compile_system_message, fill
from mailer.render.outgoing import Letter, Masthead, MessageBuilder, Stream
from mailer.render.personal import PersonalTemplate
from mailer.render.templates import TemplateSet
from mailer.smtp.pool import RelayPool

log = logging.getLogger(__name__)


def confirm_url(
    base_url: str,
    key: str,
    subscriber_id: int,
    nonce: str,
    made_at: datetime,
    language: str | None = None,
) -> str:
    """The double opt-in link: ``/confirm/<token>?lang=``, purpose ``confirm``, subject
    ``s<id>.<nonce>.t<made_at>`` (``mailer.core.owners``): it confirms for 7 days."""
    token = make_token(key, "confirm", confirm_subject(subscriber_id, nonce, made_at))
    return in_language(f"{base_url.rstrip('/')}/confirm/{token}", language)


@dataclass(frozen=True)
class Addressee:
    """Whom system mail goes to: an address that may not be the person's yet."""

    subscriber_id: int
    email: str
    language: str
    lists: tuple[str, ...]
    link_nonce: str  # the subscriber's (mailer.core.owners)
    note: str = ""  # which edition of the issues they get, in their language
    list_titles: tuple[str, ...] = ()  # the lists as the reader sees them (else their names)


@dataclass(frozen=True)
class SystemMessage:
    """A system message compiled for one (kind, language, lists): the links remain to fill."""

    subject: str
    html: PersonalTemplate
    text: PersonalTemplate
    language: str

    def render(self, values: Mapping[str, str]) -> RenderedMessage:
        return RenderedMessage(self.subject, self.html.render(values), self.text.render(values))

    def fill(self, values: Mapping[str, str]) -> Filled | None:
        return fill(self.subject, self.text, self.html, values)


@dataclass
class TransactionalMail:
    """Builds and sends system messages with this installation's settings."""

    templates: TemplateSet
    relay: RelayPool
    builder: MessageBuilder
    organisation: Mapping[str, str]
    base_url: str
    secret_key: str
    sender: str
    _compiled: dict[tuple[str, str, tuple[str, ...], str], SystemMessage] = field(
        default_factory=dict
    )

    def compiled(
        self, kind: str, language: str, lists: tuple[str, ...], note: str = ""
    ) -> SystemMessage:
        key = (kind, language, lists, note)
        found = self._compiled.get(key)
        if found is None:
            subject, html, text = compile_system_message(
                self.templates,
                kind,
                language,
                organisation=self.organisation,
                lists=list(lists),
                note=note,
            )
            found = SystemMessage(subject, html, text, language)
            if len(self._compiled) > 256:  # languages × list choices: keep it bounded
                self._compiled.clear()
            self._compiled[key] = found
        return found

    def message(self, kind: str, to: Addressee, *, now: datetime) -> bytes:
        """The bytes of one ``confirm`` or ``welcome`` message to ``to``."""
        compiled = self.compiled(kind, to.language, to.list_titles or to.lists, to.note)
        strings = self.templates.strings(to.language)
        base, key, person, nonce = self.base_url, self.secret_key, to.subscriber_id, to.link_nonce
        values = {
            "greeting": strings.get("greeting", ""),
            "name": "",
            "email": to.email,
            "unsubscribe_url": unsubscribe_url(base, key, person, nonce, to.language),
            "preferences_url": preferences_url(base, key, person, nonce, to.language),
            "confirm_url": confirm_url(base, key, person, nonce, now, to.language),
        }
        masthead = Masthead(self.sender, (to.lists or ("newsletter",))[0], kind)
        nobody_named = Recipient(person, to.email, "", None, to.language, frozenset(), nonce)
        letter = Letter(
            Stream(kind),
            masthead,
            nobody_named,
            compiled,
            now,
            values,
            ref=f"s{person}.{secrets.token_hex(8)}",
        )
        return self.builder.build(letter).data

    async def deliver(self, kind: str, to: Addressee, *, now: datetime) -> bool:
        """Send one message; True when the relay took it. Why not is logged, with tags for
        the addresses (a relay's reply may quote one)."""
        try:
            outcome = await self.send(kind, to, now=now)
        except MailerError as exc:  # a broken template
            log.error("%s mail not built: %s", kind, redact(str(exc), self.secret_key))
            return False
        if not delivered(outcome):
            log.warning("%s mail not sent: %s", kind, redact(outcome.reason, self.secret_key))
        return delivered(outcome)

    async def send(self, kind: str, to: Addressee, *, now: datetime) -> Outcome:
        """Send one message; the outcome says whether the relay took it (``Action.SENT``)."""
        data = self.message(kind, to, now=now)
        try:
            return await self.relay.send(f"bounces@{self.builder.bounce_domain}", to.email, data)
        finally:
            await self.relay.close()  # the pool stays; its idle connections do not


def delivered(outcome: Outcome) -> bool:
    return outcome.action == Action.SENT
