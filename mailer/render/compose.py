"""The render plan: compile each variant once, then fill personal fields per recipient."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from markupsafe import Markup, escape

from mailer.core.campaigns import Campaign
from mailer.core.links import preferences_url, unsubscribe_url, view_online_url
from mailer.core.selection import VariantKey, variant_for
from mailer.core.subscribers import Recipient
from mailer.core.tracking import PIXEL_FIELD, Signer, pixel_tag
from mailer.render.compile import CompiledVariant, RenderedMessage, compile_variant, greeting
from mailer.render.templates import TemplateSet
from mailer.render.tracking import tracked_links


@dataclass
class Composer:
    """Composes one campaign for many recipients; each variant is compiled at most once."""

    campaign: Campaign
    templates: TemplateSet
    organisation: Mapping[str, str]
    base_url: str
    secret_key: str
    compiled: dict[VariantKey, CompiledVariant] = field(default_factory=dict)
    test_copy: bool = False  # "view online" opens the page saying it is a test copy
    _signer: Signer | None = field(default=None, init=False, repr=False)

    def variant_key(self, recipient: Recipient) -> VariantKey:
        return variant_for(
            self.campaign,
            language=recipient.language,
            country=recipient.country,
            interests=recipient.interests,
        )

    def variant(self, key: VariantKey) -> CompiledVariant:
        compiled = self.compiled.get(key)
        if compiled is None:
            compiled = compile_variant(
                self.templates,
                self.campaign,
                key,
                organisation=self.organisation,
                view_online=self._view_online(key.language),
                tracked=self.tracked_links(key.language) if self.campaign.tracking else None,
                base_url=self.base_url,
            )
            self.compiled[key] = compiled
        return compiled

    def _view_online(self, language: str) -> str:
        if self.test_copy:  # the issue is not in the archive yet: a test copy's link says so
            return f"{self.base_url.rstrip('/')}/test-copy/archive?lang={quote(language, safe='')}"
        return view_online_url(self.base_url, self.campaign.slug, language)

    def tracked_links(self, language: str) -> tuple[str, ...]:
        """The issue's links in ``language``; a click token names a position in this list."""
        return tracked_links(self.campaign, language, website=self.organisation.get("website", ""))

    def personal_values(
        self, variant: CompiledVariant, recipient: Recipient, delivery_id: int | None = None
    ) -> dict[str, str]:
        """The fields of one recipient; tracking links need the ``delivery_id`` they name."""
        base, key, nonce = self.base_url, self.secret_key, recipient.link_nonce
        language = recipient.language or variant.language  # the pages speak the reader's
        values = {
            "greeting": greeting(variant.strings, recipient.name),
            "name": recipient.name,
            "email": recipient.email,
            "unsubscribe_url": unsubscribe_url(base, key, recipient.id, nonce, language),
            "preferences_url": preferences_url(base, key, recipient.id, nonce, language),
            "confirm_url": "",
        }
        if variant.tracking:
            self._track(values, variant, delivery_id, recipient.link_nonce)
        return values

    def _track(
        self,
        values: dict[str, str],
        variant: CompiledVariant,
        delivery_id: int | None,
        nonce: str,
    ) -> None:
        if delivery_id is None:  # a preview or test copy: the real links and no pixel
            values.update((name, link) for name, _, link in variant.clicks)
            values[PIXEL_FIELD] = ""
            return
        if self._signer is None:
            self._signer = Signer(self.secret_key)
        signer, base = self._signer, self.base_url
        for name, position, _ in variant.clicks:
            values[name] = signer.click_url(base, delivery_id, nonce, position)
        pixel = pixel_tag(escape(signer.open_url(base, delivery_id, nonce)))
        values[PIXEL_FIELD] = Markup(pixel)  # noqa: S704

    def render(self, recipient: Recipient) -> tuple[CompiledVariant, RenderedMessage]:
        variant, _, message = self.compose(recipient)
        return variant, message

    def compose(
        self, recipient: Recipient, delivery_id: int | None = None
    ) -> tuple[CompiledVariant, dict[str, str], RenderedMessage]:
        """The variant, the personal values (signed links) and the message: each made once.

        ``delivery_id`` (sending) is what tracking links name; without it they are the real
        links.
        """
        variant = self.variant(self.variant_key(recipient))
        values = self.personal_values(variant, recipient, delivery_id)
        return variant, values, variant.render(values)

    def full_variant(self, language: str) -> VariantKey:
        """Every item in one language: what a language preview and the archive show."""
        return VariantKey(language, tuple(item.id for item in self.campaign.items))
