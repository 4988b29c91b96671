"""System mail to one person, outside the ledger: the double opt-in confirmation, the welcome.

Each message is compiled once per (kind, language, lists) from ``templates/system/`` and kept;
per recipient only the links are filled in. The subscriber's name is never put into these
messages (neither the body nor the To header): the address may not be theirs yet.
A message goes through a fresh relay pool that is closed afterwards, so a web process holds no
SMTP connection between signups.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from mailer.core.delivery import Action, Outcome
from mailer.core.links import preferences_url, unsubscribe_url
from mailer.core.message import MessageHeaders, build_message
from mailer.core.owners import confirm_subject
from mailer.core.times import epoch_seconds
from mailer.core.tokens import make_token
from mailer.render.compile import compile_system_message
from mailer.render.personal import PersonalTemplate
from mailer.render.templates import TemplateSet
from mailer.smtp.dkim import DkimSigner
from mailer.smtp.pool import RelayPool

_Compiled = tuple[str, PersonalTemplate, PersonalTemplate]


def confirm_url(base_url: str, key: str, subscriber_id: int, nonce: str, made_at: datetime) -> str:
    """The double opt-in link: ``/confirm/<token>``, purpose ``confirm``, subject
    ``s<id>.<nonce>.t<made_at>`` (``mailer.core.owners``): it confirms for 7 days."""
    token = make_token(key, "confirm", confirm_subject(subscriber_id, nonce, made_at))
    return f"{base_url.rstrip('/')}/confirm/{token}"


@dataclass(frozen=True)
class Recipient:
    subscriber_id: int
    email: str
    language: str
    lists: tuple[str, ...]
    link_nonce: str  # the subscriber's (mailer.core.owners)


@dataclass
class TransactionalMail:
    """Builds and sends system messages with this installation's settings."""

    templates: TemplateSet
    relay: Callable[[], RelayPool]
    organisation: Mapping[str, str]
    base_url: str
    secret_key: str
    sender: str
    sender_domain: str
    bounce_domain: str
    dkim: DkimSigner | None = None
    _compiled: dict[tuple[str, str, tuple[str, ...]], _Compiled] = field(default_factory=dict)

    def compiled(self, kind: str, language: str, lists: tuple[str, ...]) -> _Compiled:
        key = (kind, language, lists)
        found = self._compiled.get(key)
        if found is None:
            found = compile_system_message(
                self.templates, kind, language, organisation=self.organisation, lists=list(lists)
            )
            if len(self._compiled) > 256:  # languages × list choices: keep it bounded
                self._compiled.clear()
            self._compiled[key] = found
        return found

    def message(self, kind: str, to: Recipient, *, now: datetime) -> bytes:
        """The bytes of one ``confirm`` or ``welcome`` message to ``to``."""
        subject, html, text = self.compiled(kind, to.language, to.lists)
        strings = self.templates.strings(to.language)
        base, key, person, nonce = self.base_url, self.secret_key, to.subscriber_id, to.link_nonce
        leave = unsubscribe_url(base, key, person, nonce)
        values = {
            "greeting": strings.get("greeting", ""),
            "name": "",
            "email": to.email,
            "unsubscribe_url": leave,
            "preferences_url": preferences_url(base, key, person, nonce),
            "confirm_url": confirm_url(base, key, person, nonce, now),
        }
        headers = MessageHeaders(
            sender=self.sender,
            to=to.email,
            subject=subject,
            message_id=f"<{kind}.s{to.subscriber_id}.{secrets.token_hex(8)}@{self.sender_domain}>",
            date=now,
            list_unsubscribe_url=leave,
            list_unsubscribe_mailto=f"mailto:unsubscribe@{self.bounce_domain}",
            list_id=f"<{(to.lists or ('newsletter',))[0]}.{self.sender_domain}>",
            feedback_id=f"{kind}:{to.language}:system:{self.sender_domain}",
            language=to.language,
        )
        data = build_message(
            headers,
            text=text.render(values),
            html=html.render(values),
            boundary=f"=_{secrets.token_hex(12)}",
        )
        if self.dkim is not None:
            data = self.dkim.sign(data, timestamp=epoch_seconds(now))
        return data

    async def send(self, kind: str, to: Recipient, *, now: datetime) -> Outcome:
        """Send one message; the outcome says whether the relay took it (``Action.SENT``)."""
        data = self.message(kind, to, now=now)
        async with self.relay() as pool:
            return await pool.send(f"bounces@{self.bounce_domain}", to.email, data)


def delivered(outcome: Outcome) -> bool:
    return outcome.action == Action.SENT
