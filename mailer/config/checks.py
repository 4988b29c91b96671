"""Checks across single values: enumerations, ranges, formats and combinations."""

from __future__ import annotations

import ipaddress

from mailer.config.settings import (
    PASSWORD_PROFILES,
    PREFLIGHT_GATES,
    PreflightSettings,
    Settings,
    SmtpSettings,
)
from mailer.config.values import is_loopback, parse_domain_rates, parse_nameserver, parse_relays
from mailer.errors import ConfigError


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
