"""The one list of webhook providers: each names settings that exist, documents its setup, and is
served exactly when those settings are filled in."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from mailer.bounces.webhooks import PROVIDERS, configured
from mailer.config import WebhooksSettings

API_DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_every_provider_names_settings_that_exist_and_the_docs_name_its_route() -> None:
    fields = {field.name for field in dataclasses.fields(WebhooksSettings)}
    documented = API_DOCS.read_text(encoding="utf-8")
    assert len({provider.name for provider in PROVIDERS}) == len(PROVIDERS)
    for provider in PROVIDERS:
        assert provider.settings, provider.name
        assert set(provider.settings) <= fields, provider.name
        assert all(f"webhooks.{key}" in provider.setup for key in provider.settings)
        assert f"/webhooks/{provider.name}" in documented, provider.name


def test_a_provider_is_configured_only_when_all_its_settings_are_filled_in() -> None:
    assert configured(WebhooksSettings()) == []
    every = {key: "x" for provider in PROVIDERS for key in provider.settings}
    assert configured(WebhooksSettings(**every)) == list(PROVIDERS)
    for provider in PROVIDERS:
        for key in provider.settings:
            missing = configured(WebhooksSettings(**{**every, key: ""}))
            assert provider not in missing, (provider.name, key)
            assert len(missing) == len(PROVIDERS) - 1
