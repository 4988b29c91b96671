"""``mailer campaign preview``: the issue per language, or exactly as one subscriber gets it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from mailer.core.message import build_message, campaign_headers
from mailer.core.selection import VariantKey
from mailer.core.subscribers import Recipient
from mailer.render.compile import CompiledVariant, RenderedMessage
from mailer.render.compose import Composer

# Subscriber id 0 names nobody: the links of a preview answer 404 (the invalid-link page).
PREVIEW_RECIPIENT = Recipient(0, "preview@example.invalid", "", None, None, frozenset())


def preview_as(
    composer: Composer, person: Recipient
) -> tuple[CompiledVariant, dict[str, str], RenderedMessage]:
    """The issue as ``person`` gets it (variant, greeting, merge fields), but with the
    preview recipient's unsubscribe and preferences links: a preview is shown to staff, sent
    as a test copy, saved to disk, and must never hold a link that acts on the person."""
    return composer.compose(replace(person, id=PREVIEW_RECIPIENT.id))


def _write(
    out: Path,
    name: str,
    composer: Composer,
    variant: CompiledVariant,
    message: RenderedMessage,
    recipient: Recipient,
    values: dict[str, str],
    *,
    sender: str,
    domain: str,
    now: datetime,
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    html, text, eml = out / f"{name}.html", out / f"{name}.txt", out / f"{name}.eml"
    html.write_text(message.html, encoding="utf-8")
    text.write_text(message.text, encoding="utf-8")
    campaign = composer.campaign
    headers = campaign_headers(
        sender=sender,
        name=recipient.name,
        email=recipient.email,
        subject=message.subject,
        message_id=f"<preview.{campaign.slug}.{name}@{domain}>",
        date=now,
        unsubscribe_url=values["unsubscribe_url"],
        unsubscribe_mailto=f"mailto:unsubscribe@{domain}",
        list_name=campaign.lists[0],
        slug=campaign.slug,
        language=variant.key.language,
        stream="preview",
        domain=domain,
    )
    # the same bytes a subscriber gets, built by the sender's own builder
    eml.write_bytes(
        build_message(headers, text=message.text, html=message.html, boundary="=_preview")
    )
    return [html, text, eml]


def preview_languages(
    composer: Composer,
    out: Path,
    languages: list[str],
    *,
    sender: str,
    domain: str,
    now: datetime,
) -> list[Path]:
    """``<lang>.html/.txt/.eml`` per language, with every item of the issue."""
    written: list[Path] = []
    for language in languages:
        variant = composer.variant(composer.full_variant(language))
        values = composer.personal_values(variant, PREVIEW_RECIPIENT)
        message = variant.render(values)
        written += _write(
            out,
            language,
            composer,
            variant,
            message,
            PREVIEW_RECIPIENT,
            values,
            sender=sender,
            domain=domain,
            now=now,
        )
    return written


def preview_recipient(
    composer: Composer,
    out: Path,
    recipient: Recipient,
    *,
    sender: str,
    domain: str,
    now: datetime,
) -> tuple[VariantKey, list[Path]]:
    """The files for one subscriber as they would receive the issue, but for the links
    that act on them (see ``preview_as``)."""
    variant, values, message = preview_as(composer, recipient)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", recipient.email)
    files = _write(
        out,
        name,
        composer,
        variant,
        message,
        recipient,
        values,
        sender=sender,
        domain=domain,
        now=now,
    )
    return variant.key, files
