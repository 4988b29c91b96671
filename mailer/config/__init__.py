"""Settings: defaults < TOML file < ``MAILER_SECTION__KEY`` environment variables < CLI flags.

The file comes from ``--config``, else ``$MAILER_CONFIG``, else ``./mailer.toml`` when present,
else the defaults alone (SQLite at ``var/mailer.db``). Unknown keys and wrong types are errors
that name the key and where it came from.

``settings`` holds the dataclasses, ``loading`` reads the file, the environment and the flags,
``values`` reads single values and ``checks`` checks them together; import from here.
"""

from __future__ import annotations

from mailer.config.checks import validate
from mailer.config.loading import (
    config_path,
    load_settings,
    read_file,
    secret_names,
    setting_names,
    shown_settings,
)
from mailer.config.settings import (
    PASSWORD_PROFILES,
    PLACEHOLDER_SECRET,
    PREFLIGHT_GATES,
    BounceMailboxSettings,
    BouncesSettings,
    DatabaseSettings,
    DkimKey,
    DkimSettings,
    ImporterSettings,
    OrganisationSettings,
    PathsSettings,
    PreflightSettings,
    RenderSettings,
    SecretsSettings,
    SenderSettings,
    SendingSettings,
    Settings,
    SmtpSettings,
    WebhooksSettings,
    WebSettings,
)
from mailer.config.values import Relay, is_loopback, parse_nameserver
from mailer.errors import ConfigError

__all__ = [
    "PASSWORD_PROFILES",
    "PLACEHOLDER_SECRET",
    "PREFLIGHT_GATES",
    "BounceMailboxSettings",
    "BouncesSettings",
    "ConfigError",
    "DatabaseSettings",
    "DkimKey",
    "DkimSettings",
    "ImporterSettings",
    "OrganisationSettings",
    "PathsSettings",
    "PreflightSettings",
    "Relay",
    "RenderSettings",
    "SecretsSettings",
    "SenderSettings",
    "SendingSettings",
    "Settings",
    "SmtpSettings",
    "WebSettings",
    "WebhooksSettings",
    "config_path",
    "is_loopback",
    "load_settings",
    "parse_nameserver",
    "read_file",
    "secret_names",
    "setting_names",
    "shown_settings",
    "validate",
]
