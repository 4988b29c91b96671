"""Previews of a stored issue for people: as an inbox shows it (From, subject, preheader) and
the message itself, in one language with every item, as one subscriber gets it (by address),
or as a reader of a country and an interest; and the variants its readers will get, each
named by its language and its items' titles, with how many readers get it. Nothing writes.

Links that would act on a person name nobody (``mailer.campaigns.preview``).
"""

from __future__ import annotations

from dataclasses import dataclass

from mailer.campaigns.audience import audience
from mailer.campaigns.preview import PREVIEW_RECIPIENT, preview_as
from mailer.core.campaigns import Campaign
from mailer.core.selection import VariantKey
from mailer.core.subscribers import Recipient
from mailer.db import counts
from mailer.errors import NotFound
from mailer.issues.desk import Desk
from mailer.issues.readers import issue_language, reader_as
from mailer.issues.store import campaign_text
from mailer.render.compile import RenderedMessage


@dataclass(frozen=True)
class Variant:
    """One variant: its language, its items' titles in that language, its readers."""

    key: str  # language:item+item (what the sender calls it)
    language: str
    titles: tuple[str, ...]
    readers: int  # 0 for a language's every-item variant nobody gets
    zone: str = ""  # the readers' time zone, when their items include an event or a call


@dataclass(frozen=True)
class ReaderAs:
    """Whom to show the issue as: a language (every item), one subscriber by address, or a
    reader of ``country`` interested in ``interest`` (in ``language``)."""

    language: str = ""
    email: str = ""
    country: str = ""
    interest: str = ""
    variant: str = ""  # a variant's key, as ``IssuePreview.variants`` name it

    @property
    def sample(self) -> bool:
        return bool(self.country or self.interest)


@dataclass(frozen=True)
class IssuePreview:
    slug: str
    revision: int
    sender: str  # From, as the inbox shows it
    subject: str
    preheader: str
    message: RenderedMessage
    variant: Variant
    who: str  # "" for a language; the address; or "" with country / interest for a sample
    languages: tuple[str, ...]
    variants: list[Variant]  # what the readers get, most readers first
    audience: int
    countries: list[str]  # of active subscribers, most first: the "reader in" choices
    interests: list[str]


def _titles(campaign: Campaign, key: VariantKey) -> tuple[str, ...]:
    by_id = {item.id: item for item in campaign.items}
    out = []
    for item_id in key.items:
        item = by_id.get(item_id)
        text = item.content.get(key.language) if item else None
        out.append(text.title if text else item_id)
    return tuple(out)


def _person(desk: Desk, who: ReaderAs, campaign: Campaign) -> Recipient | None:
    interests = frozenset({who.interest}) if who.interest else frozenset()
    return reader_as(
        desk,
        campaign,
        email=who.email,
        language=who.language,
        country=who.country,
        interests=interests,
    )


def preview_issue(
    desk: Desk, slug: str, who: ReaderAs, *, default_sender: str, revision: int | None = None
) -> IssuePreview:
    """The current revision (or ``revision``) as ``who`` gets it. ``NotFound`` for an unknown
    address, variant or a language not in the issue; ``CampaignInvalid`` while it has errors."""
    found = campaign_text(desk, slug, revision)
    campaign = found.valid_campaign()
    composer = desk.make_composer(campaign)
    person = _person(desk, who, campaign)
    report = audience(desk.database, composer)
    chosen = next((k for k in report.by_variant if k.name == who.variant), None)
    if who.variant and person is None and chosen is None:
        raise NotFound("variant of this issue", who.variant)
    if person is None:
        language = who.language or campaign.default_language
        key = chosen or composer.full_variant(issue_language(language, campaign))
        compiled = composer.variant(key)
        message = compiled.render(composer.personal_values(compiled, PREVIEW_RECIPIENT))
    else:
        compiled, _, message = preview_as(composer, person)
        key = compiled.key
    variants = [
        Variant(k.name, k.language, _titles(campaign, k), n, k.zone)
        for k, n in report.by_variant.most_common()
    ]
    content = campaign.content.get(key.language)
    with desk.database.read() as conn:
        countries = [c for c in counts.subscribers_by(conn, "country", status="active") if c != "-"]
        interests = list(counts.subscribers_by_interest(conn))
    return IssuePreview(
        slug,
        found.revision,
        campaign.sender or default_sender,
        message.subject,
        content.preheader if content else "",
        message,
        Variant(
            key.name,
            key.language,
            _titles(campaign, key),
            report.by_variant.get(key, 0),
            key.zone,
        ),
        who.email.strip() if person is not None and person.email else "",
        campaign.languages,
        variants,
        report.total,
        countries,
        interests,
    )
