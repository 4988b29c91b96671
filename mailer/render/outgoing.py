"""Every outgoing message is built here: a delivery of an issue, a test copy, a preview, the
sample preflight checks, system mail (confirm, welcome) and a notice to staff.

``MessageBuilder.build`` takes one ``Letter`` (what differs from one message to the next: the
stream, the recipient, the compiled variant and its personal values, the time) and returns the
bytes with their Message-ID and envelope sender: headers, MIME body and DKIM signature are
made in this one place. What is the same for every message of an issue (From, List-Id, the
issue's part of Feedback-ID) is its ``Masthead``, made once per issue; a preview is what the
builder returns for the preview recipient.
"""

from __future__ import annotations

import base64
import enum
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from mailer.core.campaigns import Campaign
from mailer.core.message import build_eight_bit_message, build_message, campaign_headers, message_id
from mailer.core.notices import build_notice
from mailer.core.subscribers import Recipient
from mailer.core.times import epoch_seconds
from mailer.core.tokens import bounce_token
from mailer.render.compile import Filled, RenderedMessage

TEST_MARK = "[TEST] "


class Stream(enum.StrEnum):
    """What a message is; Feedback-ID names it, so a provider's reports tell them apart."""

    NEWSLETTER = "newsletter"  # a delivery of the ledger
    TEST = "test"  # a test copy: subject marked [TEST], outside the ledger
    PREVIEW = "preview"  # shown to staff or written to disk: never sent, never signed
    PREFLIGHT = "preflight"  # the sample preflight checks: never sent
    CONFIRM = "confirm"  # system mail: the double opt-in link
    WELCOME = "welcome"
    NOTICE = "notice"  # plain text to staff (a missed occurrence)


SYSTEM = frozenset({Stream.CONFIRM, Stream.WELCOME})


class Signer(Protocol):
    """``mailer.smtp.dkim.DkimSigner``."""

    def sign(self, message: bytes, *, timestamp: int) -> bytes: ...

    def signature(self, head: bytes, relaxed_body: Sequence[bytes], *, timestamp: int) -> bytes:
        """The DKIM-Signature field for header fields and a body already in relaxed form."""


class Renders(Protocol):
    """A compiled message with holes for personal values: a variant, system mail, a notice."""

    @property
    def language(self) -> str: ...

    def render(self, values: Mapping[str, str]) -> RenderedMessage: ...

    def fill(self, values: Mapping[str, str]) -> Filled | None:
        """The parts as 8-bit bodies in one step, or None to take ``render``'s way."""


@dataclass(frozen=True)
class PlainText:
    """A notice to staff: a subject and a text, nothing personal to fill in."""

    subject: str
    text: str
    language: str = "en"

    def render(self, values: Mapping[str, str]) -> RenderedMessage:
        return RenderedMessage(self.subject, "", self.text)

    def fill(self, values: Mapping[str, str]) -> Filled | None:
        return None


@dataclass(frozen=True)
class Masthead:
    """What every message of one issue (or of one kind of system mail) shares."""

    sender: str  # From
    list_name: str  # List-Id
    campaign: str  # the first part of Feedback-ID: the slug, or the system mail's kind

    @classmethod
    def of(cls, campaign: Campaign, default_sender: str) -> Masthead:
        lists = campaign.lists
        return cls(campaign.sender or default_sender, lists[0] if lists else "list", campaign.slug)


@dataclass(frozen=True, slots=True)
class Letter:
    """One message before it is built: what differs from one message to the next."""

    stream: Stream
    masthead: Masthead
    recipient: Recipient
    variant: Renders
    now: datetime  # Date and DKIM's t=: the app's clock
    values: Mapping[str, str]  # the personal values (links, greeting); none for a notice
    ref: str = ""  # names the message in its stream; a delivery is named by its id instead
    delivery_id: int = 0  # NEWSLETTER only


@dataclass(frozen=True, slots=True)
class Built:
    data: bytes
    message_id: str
    envelope_from: str  # MAIL FROM: the delivery's VERP address, else bounces@
    letter: Letter
    wire: bytes | None = None  # ``data`` as DATA carries it (``smtp.wire.data_bytes``), if made

    @property
    def content(self) -> RenderedMessage:
        """The rendered subject, HTML and text (rendered again: only previews ask)."""
        return self.letter.variant.render(self.letter.values)


def _unsigned() -> Signer | None:
    return None


@dataclass(frozen=True)
class MessageBuilder:
    """Builds every outgoing message with one installation's domains, key and DKIM signer."""

    sender_domain: str
    bounce_domain: str
    secret_key: str
    # called when a message is signed, so a preview never needs the DKIM key file
    signer: Callable[[], Signer | None] = field(default=_unsigned)

    def signed_by(self, signer: Signer | None) -> MessageBuilder:
        """The same builder signing with ``signer`` (preflight checks the key it just read)."""
        return replace(self, signer=lambda: signer)

    def build(self, letter: Letter, *, eight_bit: bool = False) -> Built:
        """The bytes of ``letter``; ``eight_bit`` when the relay offers 8BITMIME."""
        # the hot path fills 8-bit bodies straight into bytes; else render strings, then encode
        filled = letter.variant.fill(letter.values) if eight_bit else None
        content: Filled | RenderedMessage = filled or letter.variant.render(letter.values)
        domain, bounces, stream = self.sender_domain, self.bounce_domain, letter.stream
        if stream is Stream.NEWSLETTER:  # the hot path: VERP token and Message-ID are HMACs
            token = bounce_token(self.secret_key, letter.delivery_id, letter.recipient.link_nonce)
            mid = message_id(self.secret_key, letter.delivery_id, domain)
            envelope, mailto = f"bounces+{token}@{bounces}", f"unsubscribe+{token}@{bounces}"
            boundary = f"=_{token[-22:]}"
        else:
            mid = f"<{stream}.{letter.ref}@{domain}>"
            envelope, mailto = f"bounces@{bounces}", f"unsubscribe@{bounces}"
            boundary = "=_" + _digest(mid)
        recipient, masthead = letter.recipient, letter.masthead
        wire = b""  # the DATA form, when the parts were filled as 8-bit bodies
        head, relaxed = b"", None  # and then the header fields and the body's relaxed form
        if stream is Stream.NOTICE:
            notice = letter.variant.render(letter.values)
            data = build_notice(
                sender=masthead.sender,
                to=recipient.email,
                subject=notice.subject,
                text=notice.text,
                date=letter.now,
                message_id=mid,
            )
        else:
            headers = campaign_headers(
                sender=masthead.sender,
                name=recipient.name,
                email=recipient.email,
                subject=TEST_MARK + content.subject if stream is Stream.TEST else content.subject,
                message_id=mid,
                date=letter.now,
                unsubscribe_url=letter.values["unsubscribe_url"],
                unsubscribe_mailto=f"mailto:{mailto}",
                list_name=masthead.list_name,
                slug=masthead.campaign,
                language=letter.variant.language,
                stream="system" if stream in SYSTEM else stream.value,
                domain=domain,
            )
            if isinstance(content, Filled):
                built = build_eight_bit_message(
                    headers, text=content.text, html=content.html, boundary=boundary
                )
                data, wire, head, relaxed = built.data, built.wire, built.head, built.relaxed
            else:
                data = build_message(
                    headers,
                    text=content.text,
                    html=content.html,
                    boundary=boundary,
                    eight_bit=eight_bit,
                )
        if stream is not Stream.PREVIEW:
            signer = self.signer()
            if signer is not None:
                at = epoch_seconds(letter.now)
                if relaxed is not None:  # the body's relaxed form was made with the body
                    field = signer.signature(head, relaxed, timestamp=at)
                    data, wire = field + data, field + wire
                else:
                    unsigned = len(data)
                    data = signer.sign(data, timestamp=at)
                    wire = wire and data[: len(data) - unsigned] + wire  # the field goes first
        return Built(data, mid, envelope, letter, wire or None)


def _digest(text: str) -> str:
    """22 characters that differ with ``text``: a boundary no body part can hold by chance."""
    digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
