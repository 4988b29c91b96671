"""The render plan: compile each variant once, then fill personal fields per recipient."""

from __future__ import annotations

from dataclasses import dataclass, field

from mailer.core.campaigns import Campaign
from mailer.core.links import preferences_url, unsubscribe_url, view_online_url
from mailer.core.selection import VariantKey, variant_for
from mailer.core.subscribers import Recipient
from mailer.render.compile import CompiledVariant, RenderedMessage, compile_variant, greeting
from mailer.render.templates import TemplateSet


@dataclass
class Composer:
    """Composes one campaign for many recipients; each variant is compiled at most once."""

    campaign: Campaign
    templates: TemplateSet
    organisation: dict[str, str]
    base_url: str
    secret_key: str
    compiled: dict[VariantKey, CompiledVariant] = field(default_factory=dict)

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
                view_online=view_online_url(self.base_url, self.campaign.slug, key.language),
            )
            self.compiled[key] = compiled
        return compiled

    def personal_values(self, variant: CompiledVariant, recipient: Recipient) -> dict[str, str]:
        return {
            "greeting": greeting(variant.strings, recipient.name),
            "name": recipient.name,
            "email": recipient.email,
            "unsubscribe_url": unsubscribe_url(self.base_url, self.secret_key, recipient.id),
            "preferences_url": preferences_url(self.base_url, self.secret_key, recipient.id),
            "confirm_url": "",
        }

    def render(self, recipient: Recipient) -> tuple[CompiledVariant, RenderedMessage]:
        variant, _, message = self.compose(recipient)
        return variant, message

    def compose(
        self, recipient: Recipient
    ) -> tuple[CompiledVariant, dict[str, str], RenderedMessage]:
        """The variant, the personal values (signed links) and the message: each made once."""
        variant = self.variant(self.variant_key(recipient))
        values = self.personal_values(variant, recipient)
        return variant, values, variant.render(values)

    def full_variant(self, language: str) -> VariantKey:
        """Every item in one language: what a language preview and the archive show."""
        return VariantKey(language, tuple(item.id for item in self.campaign.items))
