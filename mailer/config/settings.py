"""The settings as dataclasses: one per ``[section]`` of the file, ``Settings`` holding them all.

A field's name is its key (``metadata["key"]`` when the key is a Python keyword); a field with
``repr=False`` is a secret, never printed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from mailer.config.values import (
    ListOf,
    MapOf,
    OptionalValue,
    Relay,
    read_domain_rate,
    read_ip_address,
    read_nameserver,
    read_relay,
    read_text,
)
from mailer.errors import ConfigError

PLACEHOLDER_SECRET = "change-me-to-a-long-random-secret"  # noqa: S105 (refused, never used)
MIN_SECRET = 16


def optional(*, secret: bool = False, default: str | None = None) -> Any:
    """A text setting that may be unset (``None``; ``""`` in the file). A path that may be
    unset is ``field(default=None, metadata={"read": OptionalValue(Path)})``."""
    reader = OptionalValue(str, secret=secret)
    return field(default=default, repr=not secret, metadata={"read": reader})


def listed(
    element: Callable[[str], Any] = read_text, *, separators: str = r"[\s,]+", secret: bool = False
) -> Any:
    """A list setting: a TOML array, or the old form, one string of elements (see ``ListOf``)."""
    reader = ListOf(element, separators, secret)
    return field(default=(), repr=not secret, metadata={"read": reader})


def mapping(element: Callable[[str], tuple[str, Any]]) -> Any:
    """A mapping setting written as a list of ``key=value`` elements."""
    return field(default_factory=dict, metadata={"read": MapOf(element, ",")})


class DkimKey(NamedTuple):
    """What DKIM signing needs, when all three ``[dkim]`` settings are given."""

    domain: str
    selector: str
    private_key_file: Path


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite:///var/mailer.db"


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    security: str = "none"
    username: str | None = optional()
    password: str | None = optional(secret=True)
    timeout: float = 30.0
    relays: tuple[Relay, ...] = listed(read_relay, separators=",")

    def relay_list(self) -> list[Relay]:
        """The relays to send through: ``relays`` if set, else ``host``:``port``."""
        return list(self.relays) or [Relay(self.host, self.port)]


@dataclass(frozen=True)
class SendingSettings:
    concurrency: int = 8
    rate: float = 0.0
    batch_size: int = 100
    lease_seconds: int = 60
    # messages a second to one receiving domain, by domain (lower case)
    domain_rates: Mapping[str, float] = mapping(read_domain_rate)

    def domain_limits(self) -> dict[str, float]:
        """``domain_rates`` as a dict of its own (the dispatcher's buckets keep it)."""
        return dict(self.domain_rates)


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
    templates: Path = Path("templates")
    campaigns: Path = Path("campaigns")


@dataclass(frozen=True)
class DkimSettings:
    selector: str | None = optional()
    domain: str | None = optional()
    private_key_file: Path | None = field(default=None, metadata={"read": OptionalValue(Path)})

    @property
    def key(self) -> DkimKey | None:
        """Domain, selector and key file when all three are set; ``None``: no signing."""
        if self.selector is None or self.domain is None or self.private_key_file is None:
            return None
        return DkimKey(self.domain, self.selector, self.private_key_file)


@dataclass(frozen=True)
class BouncesSettings:
    domain: str = "bounces.example.org"
    soft_score: float = 0.5
    threshold: float = 5.0
    forget_after_days: float = 7.0
    attribution_days: int = 30
    keep_raw_bytes: int = 64 * 1024
    raw_retention_days: int = 90
    listen: str | None = optional(default="127.0.0.1:2525")  # None: no SMTP receiver in serve
    max_message_bytes: int = 10 * 1024 * 1024
    max_mime_depth: int = 20
    per_peer_per_minute: int = 120


@dataclass(frozen=True)
class BounceMailboxSettings:
    protocol: str | None = optional()  # imap | pop3; None: no mailbox
    host: str = ""
    port: int = 0
    security: str = "tls"
    username: str = ""
    password: str = field(default="", repr=False)
    folder: str = "INBOX"
    move_to: str | None = optional()  # IMAP only; None deletes recognised messages
    interval_seconds: int = 300
    max_messages: int = 500
    timeout: float = 30.0


@dataclass(frozen=True)
class WebhooksSettings:
    ses_topic_arns: tuple[str, ...] = listed()
    sendgrid_public_key: str | None = optional()
    postmark_username: str | None = optional()
    postmark_password: str | None = optional(secret=True)
    mailgun_signing_key: str | None = optional(secret=True)
    tolerance_seconds: int = 300
    max_body_bytes: int = 1_000_000
    max_events: int = 1000


PASSWORD_PROFILES = ("rfc9106-low-memory", "rfc9106-high-memory", "cheapest-for-tests")


@dataclass(frozen=True)
class WebSettings:
    base_url: str = "http://127.0.0.1:8000"
    listen: str = "127.0.0.1:8000"
    # Maildir of ``mailer dev-smtp`` shown in the staff UI (Outbox); None = no Outbox page
    outbox: Path | None = field(default=None, metadata={"read": OptionalValue(Path)})
    # public pages: subscribe-form posts per visitor IP and per address, each per hour
    subscribe_per_ip: int = 20
    subscribe_per_address: int = 5
    # largest body of a form without a file (public pages, staff UI), in bytes (413 beyond)
    max_form_bytes: int = 16384
    # largest upload (staff and API subscriber imports), in bytes (413 beyond)
    max_upload_bytes: int = 20 * 1024 * 1024
    # lists the subscribe form offers (names may hold blanks: commas separate the old form);
    # none = every list
    public_lists: tuple[str, ...] = listed(separators=",")
    # bearer token /metrics asks for; None = /metrics answers only this machine's requests
    metrics_token: str | None = optional(secret=True)
    # argon2id parameters of staff passwords: rfc9106-low-memory | rfc9106-high-memory |
    # cheapest-for-tests (never in production: it makes guessing cheap)
    password_profile: str = "rfc9106-low-memory"  # noqa: S105 -- a profile's name
    # whoever saved a revision of an issue cannot approve it; false for a one-person office
    four_eyes: bool = True
    # mail a welcome (with the preferences and unsubscribe links) once, after confirming
    welcome: bool = True


@dataclass(frozen=True)
class SecretsSettings:
    key: str = field(default=PLACEHOLDER_SECRET, repr=False)
    # keys replaced by ``key`` whose tokens (links in mail already sent) still verify
    old_keys: tuple[str, ...] = listed(secret=True)


@dataclass(frozen=True)
class RenderSettings:
    # wall-clock seconds one render of a staff template may take (then "too expensive")
    max_seconds: float = 10.0


@dataclass(frozen=True)
class ImporterSettings:
    batch_size: int = 0  # 0: chosen for the database (importer.apply.BATCH_SIZES)
    max_bytes: int = 512 * 1024 * 1024


PREFLIGHT_GATES = ("auto", "on", "off")


@dataclass(frozen=True)
class PreflightSettings:
    # auto: send and scheduling refuse on a failing check unless the From or bounce domain is
    # a reserved example domain (RFC 2606: no DNS can hold its records, as in the demo)
    gate: str = "auto"
    nameservers: tuple[str, ...] = listed(read_nameserver)
    timeout: float = 3.0
    sending_ips: tuple[str, ...] = listed(read_ip_address)
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
    # where each setting not left at its default came from: the file, a variable, a flag
    origins: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def origin(self, key: str) -> str:
        """Where ``key`` (``section.key``) came from, for errors: its variable or flag, else
        the file (whose place a default takes), else ``defaults``."""
        return self.origins.get(key, self.source)

    def require_secret(self) -> None:
        """Refuse to run with the example's placeholder key or a short one (every command but
        ``demo``); each of ``old_keys`` follows the same rules (it verifies tokens too)."""
        _check_key(self.secrets.key, source=self.origin("secrets.key"), key="secrets.key", which="")
        for position, old in enumerate(self.secrets.old_keys, start=1):
            which = f"key {position} of the list "
            source = self.origin("secrets.old_keys")
            _check_key(old, source=source, key="secrets.old_keys", which=which)


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
