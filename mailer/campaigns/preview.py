"""``mailer campaign preview``: the issue per language, or exactly as one subscriber gets it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from mailer.core.selection import VariantKey
from mailer.core.subscribers import Recipient
from mailer.render.compile import CompiledVariant, RenderedMessage
from mailer.render.compose import Composer
from mailer.render.outgoing import Built, Letter, Masthead, MessageBuilder, Stream

# Subscriber id 0 names nobody: the links of a preview answer 404 (the invalid-link page).
PREVIEW_RECIPIENT = Recipient(0, "preview@example.invalid", "", None, None, frozenset())


def preview_as(
    composer: Composer, person: Recipient
) -> tuple[CompiledVariant, dict[str, str], RenderedMessage]:
    """The issue as ``person`` gets it (variant, greeting, merge fields), but with the
    preview recipient's unsubscribe and preferences links: a preview is shown to staff, sent
    as a test copy, saved to disk, and must never hold a link that acts on the person."""
    return composer.compose(replace(person, id=PREVIEW_RECIPIENT.id))


def preview_message(
    composer: Composer,
    builder: MessageBuilder,
    person: Recipient,
    key: VariantKey,
    *,
    default_sender: str,
    now: datetime,
    name: str,
) -> Built:
    """The message ``person`` gets in variant ``key``, from the sender's own builder, with the
    links of the preview recipient (see ``preview_as``); ``name`` tells previews apart."""
    person = replace(person, id=PREVIEW_RECIPIENT.id)
    variant = composer.variant(key)
    values = composer.personal_values(variant, person)
    masthead = Masthead.of(composer.campaign, default_sender)
    ref = f"{composer.campaign.slug}.{name}"
    return builder.build(Letter(Stream.PREVIEW, masthead, person, variant, now, values, ref=ref))


def _write(out: Path, name: str, built: Built) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    html, text, eml = out / f"{name}.html", out / f"{name}.txt", out / f"{name}.eml"
    html.write_text(built.content.html, encoding="utf-8")
    text.write_text(built.content.text, encoding="utf-8")
    eml.write_bytes(built.data)  # the bytes a subscriber gets, but for the preview's links
    return [html, text, eml]


def preview_languages(
    composer: Composer,
    out: Path,
    languages: list[str],
    *,
    builder: MessageBuilder,
    default_sender: str,
    now: datetime,
) -> list[Path]:
    """``<lang>.html/.txt/.eml`` per language, with every item of the issue."""
    written: list[Path] = []
    for language in languages:
        key = composer.full_variant(language)
        built = preview_message(
            composer,
            builder,
            PREVIEW_RECIPIENT,
            key,
            default_sender=default_sender,
            now=now,
            name=language,
        )
        written += _write(out, language, built)
    return written


def preview_recipient(
    composer: Composer,
    out: Path,
    recipient: Recipient,
    *,
    builder: MessageBuilder,
    default_sender: str,
    now: datetime,
) -> tuple[VariantKey, list[Path]]:
    """The files for one subscriber as they would receive the issue, but for the links
    that act on them (see ``preview_as``)."""
    key = composer.variant_key(recipient)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", recipient.email)
    built = preview_message(
        composer, builder, recipient, key, default_sender=default_sender, now=now, name=name
    )
    return key, _write(out, name, built)
