"""The settings as dataclasses: one per ``[section]`` of the file, ``Settings`` holding them all.

A field's name is its key (``metadata["key"]`` when the key is a Python keyword); a field with
``repr=False`` is a secret, never printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mailer.config.values import parse_domain_rates, parse_relays
from mailer.errors import ConfigError

PLACEHOLDER_SECRET = "change-me-to-a-long-random-secret"  # noqa: S105 (refused, never used)
MIN_SECRET = 16


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite:///var/mailer.db"


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    security: str = "none"
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    relays: str = ""

    def relay_list(self) -> list[tuple[str, int, float]]:
        """(host, port, weight) per relay: ``relays`` if set, else ``host``:``port``."""
        return parse_relays(self.relays) if self.relays.strip() else [(self.host, self.port, 1.0)]


@dataclass(frozen=True)
class SendingSettings:
    concurrency: int = 8
    rate: float = 0.0
    batch_size: int = 100
    lease_seconds: int = 60
    domain_rates: str = ""

    def domain_limits(self) -> dict[str, float]:
        return parse_domain_rates(self.domain_rates)


@dataclass(frozen=True)
class SenderSettings:
    from_: str = field(default="Newsletter <news@example.org>", metadata={"key": "from"})
    domain: str = "example.org"


@dataclass(frozen=True)
class OrganisationSettings:
    name: str = "Newsletter"
    address: str = ""
    website: str = ""


@dataclass(frozen=True)
class PathsSettings:
    templates: str = "templates"
    campaigns: str = "campaigns"


@dataclass(frozen=True)
class DkimSettings:
    selector: str = ""
    domain: str = ""
    private_key_file: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.selector and self.domain and self.private_key_file)


@dataclass(frozen=True)
class BouncesSettings:
    domain: str = "bounces.example.org"
    soft_score: float = 0.5
    threshold: float = 5.0
    forget_after_days: float = 7.0
    attribution_days: int = 30
    keep_raw_bytes: int = 64 * 1024
    raw_retention_days: int = 90
    listen: str = "127.0.0.1:2525"
    max_message_bytes: int = 10 * 1024 * 1024
    max_mime_depth: int = 20
    per_peer_per_minute: int = 120


@dataclass(frozen=True)
class BounceMailboxSettings:
    protocol: str = ""
    host: str = ""
    port: int = 0
    security: str = "tls"
    username: str = ""
    password: str = field(default="", repr=False)
    folder: str = "INBOX"
    move_to: str = ""
    interval_seconds: int = 300
    max_messages: int = 500
    timeout: float = 30.0


@dataclass(frozen=True)
class WebhooksSettings:
    ses_topic_arns: str = ""
    sendgrid_public_key: str = ""
    postmark_username: str = ""
    postmark_password: str = field(default="", repr=False)
    mailgun_signing_key: str = field(default="", repr=False)
    tolerance_seconds: int = 300
    max_body_bytes: int = 1_000_000
    max_events: int = 1000


PASSWORD_PROFILES = ("rfc9106-low-memory", "rfc9106-high-memory", "cheapest-for-tests")


@dataclass(frozen=True)
class WebSettings:
    base_url: str = "http://127.0.0.1:8000"
    listen: str = "127.0.0.1:8000"
    # Maildir of ``mailer dev-smtp`` shown in the staff UI (Outbox); empty = no Outbox page
    outbox: str = ""
    # public pages: subscribe-form posts per visitor IP and per address, each per hour
    subscribe_per_ip: int = 20
    subscribe_per_address: int = 5
    # largest body of a form without a file (public pages, staff UI), in bytes (413 beyond)
    max_form_bytes: int = 16384
    # largest upload (staff and API subscriber imports), in bytes (413 beyond)
    max_upload_bytes: int = 20 * 1024 * 1024
    # lists the subscribe form offers, comma-separated; empty = every list
    public_lists: str = ""
    # bearer token /metrics asks for; empty = /metrics answers only this machine's requests
    metrics_token: str = field(default="", repr=False)
    # argon2id parameters of staff passwords: rfc9106-low-memory | rfc9106-high-memory |
    # cheapest-for-tests (never in production: it makes guessing cheap)
    password_profile: str = "rfc9106-low-memory"  # noqa: S105 -- a profile's name


@dataclass(frozen=True)
class SecretsSettings:
    key: str = field(default=PLACEHOLDER_SECRET, repr=False)
    # keys replaced by ``key`` whose tokens (links in mail already sent) still verify
    old_keys: str = field(default="", repr=False)

    def old_key_list(self) -> list[str]:
        return [key for key in re.split(r"[\s,]+", self.old_keys) if key]


@dataclass(frozen=True)
class RenderSettings:
    # wall-clock seconds one render of a staff template may take (then "too expensive")
    max_seconds: float = 10.0


@dataclass(frozen=True)
class ImporterSettings:
    batch_size: int = 1000
    max_bytes: int = 512 * 1024 * 1024


PREFLIGHT_GATES = ("auto", "on", "off")


@dataclass(frozen=True)
class PreflightSettings:
    # auto: send and scheduling refuse on a failing check unless the From or bounce domain is
    # a reserved example domain (RFC 2606: no DNS can hold its records, as in the demo)
    gate: str = "auto"
    nameservers: tuple[str, ...] = ()
    timeout: float = 3.0
    sending_ips: tuple[str, ...] = ()
    cache_seconds: int = 300


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = DatabaseSettings()
    smtp: SmtpSettings = SmtpSettings()
    sending: SendingSettings = SendingSettings()
    sender: SenderSettings = SenderSettings()
    organisation: OrganisationSettings = OrganisationSettings()
    bounces: BouncesSettings = BouncesSettings()
    bounce_mailbox: BounceMailboxSettings = BounceMailboxSettings()
    webhooks: WebhooksSettings = WebhooksSettings()
    dkim: DkimSettings = DkimSettings()
    web: WebSettings = WebSettings()
    secrets: SecretsSettings = SecretsSettings()
    importer: ImporterSettings = ImporterSettings()
    render: RenderSettings = RenderSettings()
    paths: PathsSettings = PathsSettings()
    preflight: PreflightSettings = PreflightSettings()
    source: str = field(default="defaults", compare=False)

    def require_secret(self) -> None:
        """Refuse to run with the example's placeholder key or a short one (every command but
        ``demo``); each of ``old_keys`` follows the same rules (it verifies tokens too)."""
        _check_key(self.secrets.key, source=self.source, key="secrets.key", which="")
        for position, old in enumerate(self.secrets.old_key_list(), start=1):
            which = f"key {position} of the list "
            _check_key(old, source=self.source, key="secrets.old_keys", which=which)


def _check_key(value: str, *, source: str, key: str, which: str) -> None:
    if value == PLACEHOLDER_SECRET or not value:
        raise ConfigError(
            f"{which}is the example placeholder; set a long random value in the config file or "
            f"in MAILER_{key.upper().replace('.', '__')} (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)",
            source=source,
            key=key,
        )
    if len(value) < MIN_SECRET:
        message = f"{which}must be at least {MIN_SECRET} characters"
        raise ConfigError(message, source=source, key=key)
