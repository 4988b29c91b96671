"""Settings: defaults < TOML file < ``MAILER_SECTION__KEY`` environment variables < CLI flags.

The file comes from ``--config``, else ``$MAILER_CONFIG``, else ``./mailer.toml`` when present,
else the defaults alone (SQLite at ``var/mailer.db``). Unknown keys and wrong types are errors
that name the key and where it came from.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from mailer.errors import ConfigError

PLACEHOLDER_SECRET = "change-me-to-a-long-random-secret"  # noqa: S105 (refused, never used)
ENV_PREFIX = "MAILER_"
DEFAULT_FILE = Path("mailer.toml")
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
    # whoever saved a revision of an issue cannot approve it; false for a one-person office
    four_eyes: bool = True


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


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine: ``localhost`` or a loopback address."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def parse_relays(text: str) -> list[tuple[str, int, float]]:
    """``"a.example.org:25*3, b.example.org:587"`` → hosts, ports and weights (default 1)."""
    relays: list[tuple[str, int, float]] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        address, _, weight_text = item.partition("*")
        host, sep, port_text = address.strip().rpartition(":")
        try:
            if not (port_text.isascii() and weight_text.isascii()):
                raise ValueError("digits of another script")  # int('٣') would read 3
            port, weight = int(port_text), float(weight_text or 1)
        except ValueError:
            port, weight = 0, 0.0
        if not sep or not host or not 0 < port < 65536 or weight <= 0:
            raise ValueError(f"{item!r}: expected host:port or host:port*weight")
        relays.append((host, port, weight))
    return relays


def parse_domain_rates(text: str) -> dict[str, float]:
    """``"gmail.com=10, mail.ru=5"`` → ``{"gmail.com": 10.0, "mail.ru": 5.0}`` (per second)."""
    rates: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        domain, sep, value = item.partition("=")
        domain = domain.strip().lower()
        try:
            rate = float(value)
        except ValueError:
            rate = -1.0
        if not sep or not domain or "." not in domain or rate <= 0:
            raise ValueError(f"{item!r}: expected domain=messages-per-second, e.g. gmail.com=10")
        rates[domain] = rate
    return rates


def _key(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("key", f.name))


def _sections() -> dict[str, type[Any]]:
    return {f.name: type(f.default) for f in fields(Settings) if f.name != "source"}


def setting_names() -> list[str]:
    """Every setting as ``section.key``, in declaration order."""
    names: list[str] = []
    for section, cls in _sections().items():
        names.extend(f"{section}.{_key(f)}" for f in fields(cls))
    return names


def secret_names() -> set[str]:
    """The settings never printed (declared with ``repr=False``)."""
    return {
        f"{section}.{_key(f)}"
        for section, cls in _sections().items()
        for f in fields(cls)
        if not f.repr
    }


def _coerce(value: Any, default: Any, *, source: str, key: str, from_text: bool) -> Any:
    kind = type(default)
    if kind is tuple:
        return _string_list(value, source=source, key=key)
    if from_text and isinstance(value, str):
        text = value.strip()
        if kind is bool:
            lowered = text.lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ConfigError(f"expected true or false, got {value!r}", source=source, key=key)
        if kind is int:
            try:
                if not text.isascii():
                    raise ValueError("digits of another script")  # int('٣') would read 3
                return int(text)
            except ValueError:
                raise ConfigError(
                    f"expected an integer, got {value!r}", source=source, key=key
                ) from None
        if kind is float:
            try:
                if not text.isascii():
                    raise ValueError("digits of another script")
                return float(text)
            except ValueError:
                raise ConfigError(
                    f"expected a number, got {value!r}", source=source, key=key
                ) from None
        return value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is bool and not isinstance(value, bool):
        raise ConfigError(f"expected true or false, got {value!r}", source=source, key=key)
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"expected an integer, got {value!r}", source=source, key=key)
    if not isinstance(value, kind):
        raise ConfigError(
            f"expected {_kind_name(kind)}, got {type(value).__name__} {value!r}",
            source=source,
            key=key,
        )
    return value


def _string_list(value: Any, *, source: str, key: str) -> tuple[str, ...]:
    """A TOML array of strings, or (environment, --set) one string separated by commas."""
    if isinstance(value, str):
        return tuple(part for part in re.split(r"[\s,]+", value) if part)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value if item.strip())
    raise ConfigError(f"expected a list of strings, got {value!r}", source=source, key=key)


def _kind_name(kind: type[Any]) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        kind, kind.__name__
    )


def _apply(
    settings: Settings, values: Mapping[str, Mapping[str, Any]], *, source: str, from_text: bool
) -> Settings:
    sections = _sections()
    replaced: dict[str, Any] = {}
    for section, entries in values.items():
        if section not in sections:
            raise ConfigError(
                f"unknown section; known sections: {', '.join(sections)}",
                source=source,
                key=section,
            )
        if not isinstance(entries, Mapping):
            raise ConfigError("expected a table of settings", source=source, key=section)
        current = getattr(settings, section)
        by_key = {_key(f): f for f in fields(current)}
        changes: dict[str, Any] = {}
        for key, value in entries.items():
            dotted = f"{section}.{key}"
            if key not in by_key:
                raise ConfigError(
                    f"unknown setting; known in [{section}]: {', '.join(by_key)}",
                    source=source,
                    key=dotted,
                )
            f = by_key[key]
            changes[f.name] = _coerce(
                value, getattr(current, f.name), source=source, key=dotted, from_text=from_text
            )
        replaced[section] = dataclasses.replace(current, **changes)
    return dataclasses.replace(settings, **replaced)


def _env_values(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX) :].partition("__")
        out.setdefault(section.lower(), {})[key.lower()] = value
    return out


def _dotted_values(overrides: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for dotted, value in overrides.items():
        section, sep, key = dotted.partition(".")
        if not sep or not key:
            raise ConfigError("expected SECTION.KEY", source="command line", key=dotted)
        out.setdefault(section, {})[key] = value
    return out


def config_path(explicit: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> Path | None:
    """Which file: ``--config``, else ``$MAILER_CONFIG``, else ``./mailer.toml`` if present."""
    if explicit:
        return Path(explicit)
    if environ.get("MAILER_CONFIG"):
        return Path(environ["MAILER_CONFIG"])
    return DEFAULT_FILE if DEFAULT_FILE.is_file() else None


def read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError("config file not found", source=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", source=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", source=str(path)) from None


def load_settings(
    path: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the effective settings; raises ``ConfigError`` naming the key and its source."""
    env = os.environ if environ is None else environ
    settings = Settings()
    chosen = config_path(path, env)
    if chosen is not None:
        settings = _apply(settings, read_file(chosen), source=str(chosen), from_text=False)
        settings = dataclasses.replace(settings, source=str(chosen))
    env_values = _env_values(env)
    if env_values:
        settings = _apply(settings, env_values, source="environment (MAILER_*__*)", from_text=True)
    if overrides:
        settings = _apply(
            settings, _dotted_values(overrides), source="command line", from_text=True
        )
    validate(settings)
    return settings


def validate(settings: Settings) -> None:
    """Checks across single values: enumerations, ranges and formats."""
    src = settings.source
    if settings.smtp.security not in {"none", "starttls", "tls"}:
        raise ConfigError("expected none, starttls or tls", source=src, key="smtp.security")
    if not 0 < settings.smtp.port < 65536:
        raise ConfigError("expected a port between 1 and 65535", source=src, key="smtp.port")
    if settings.sending.concurrency < 1:
        raise ConfigError("must be at least 1", source=src, key="sending.concurrency")
    if settings.sending.batch_size < 1:
        raise ConfigError("must be at least 1", source=src, key="sending.batch_size")
    if settings.sending.lease_seconds < 1:
        raise ConfigError("must be at least 1 (seconds)", source=src, key="sending.lease_seconds")
    try:
        parse_relays(settings.smtp.relays)
    except ValueError as exc:
        raise ConfigError(str(exc), source=src, key="smtp.relays") from None
    try:
        parse_domain_rates(settings.sending.domain_rates)
    except ValueError as exc:
        raise ConfigError(str(exc), source=src, key="sending.domain_rates") from None
    _check_clear_text_password(settings.smtp, src)
    if settings.sending.rate < 0:
        raise ConfigError("must be 0 (unlimited) or more", source=src, key="sending.rate")
    if not settings.render.max_seconds > 0:
        raise ConfigError("must be more than 0 (seconds)", source=src, key="render.max_seconds")
    if settings.importer.batch_size < 1:
        raise ConfigError("must be at least 1", source=src, key="importer.batch_size")
    for key in ("subscribe_per_ip", "subscribe_per_address", "max_form_bytes", "max_upload_bytes"):
        if getattr(settings.web, key) < 1:
            raise ConfigError("must be at least 1", source=src, key=f"web.{key}")
    host, sep, port = settings.web.listen.rpartition(":")
    if not sep or not host or not (port.isascii() and port.isdigit()):  # not '²' or '٣'
        raise ConfigError("expected host:port, e.g. 127.0.0.1:8000", source=src, key="web.listen")
    url = settings.database.url
    if not url.startswith(("sqlite", "postgresql")):
        raise ConfigError(
            "expected a sqlite:/// or postgresql:// URL", source=src, key="database.url"
        )
    if not settings.web.base_url.startswith(("http://", "https://")):
        raise ConfigError("expected an http:// or https:// URL", source=src, key="web.base_url")
    if settings.web.password_profile not in PASSWORD_PROFILES:
        raise ConfigError(
            f"expected one of {', '.join(PASSWORD_PROFILES)}",
            source=src,
            key="web.password_profile",
        )
    _validate_preflight(settings.preflight, src)


def _validate_preflight(preflight: PreflightSettings, src: str) -> None:
    if preflight.gate not in PREFLIGHT_GATES:
        raise ConfigError("expected auto, on or off", source=src, key="preflight.gate")
    if preflight.timeout <= 0:
        raise ConfigError("must be more than 0 (seconds)", source=src, key="preflight.timeout")
    if preflight.cache_seconds < 0:
        raise ConfigError("must be 0 or more (seconds)", source=src, key="preflight.cache_seconds")
    for server in preflight.nameservers:
        if parse_nameserver(server) is None:
            raise ConfigError(
                f"{server!r}: expected host or host:port, e.g. 192.0.2.53 or [2001:db8::53]:5353",
                source=src,
                key="preflight.nameservers",
            )
    for address in preflight.sending_ips:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ConfigError(
                f"{address!r} is not an IPv4 or IPv6 address",
                source=src,
                key="preflight.sending_ips",
            ) from None


def parse_nameserver(text: str) -> tuple[str, int] | None:
    """``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address → (host, port)."""
    text = text.strip()
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":") if rest.startswith(":") else ("53" if not rest else "")
    elif text.count(":") > 1:  # a bare IPv6 address
        host, sep, port_text = text, "]", "53"
    else:
        host, sep, port_text = text.partition(":")
        sep, port_text = "]", port_text if sep else "53"
    digits = port_text.isascii() and port_text.isdigit()
    if not sep or not host or not digits or not 0 < int(port_text) < 65536:
        return None
    return host, int(port_text)


def _check_clear_text_password(smtp: SmtpSettings, source: str) -> None:
    """``security = "none"`` with a password sends it readable on the wire: only to this host."""
    if smtp.security != "none" or not smtp.password:
        return
    remote = [host for host, _, _ in smtp.relay_list() if not is_loopback(host)]
    if remote:
        raise ConfigError(
            f'security = "none" would send smtp.password in clear text to {remote[0]}; set '
            "smtp.security to starttls or tls (none with a password is allowed only for a relay "
            "on this machine: localhost, 127.0.0.1, ::1)",
            source=source,
            key="smtp.security",
        )
