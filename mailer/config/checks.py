"""Checks across single values: enumerations, ranges, formats and combinations.

Each value was typed as it was read (``values``): a list element, a relay or a rate that cannot
be read never gets here. Every error names the key and where its value came from.
"""

from __future__ import annotations

from mailer.config.settings import PASSWORD_PROFILES, PREFLIGHT_GATES, Settings
from mailer.config.values import is_loopback
from mailer.errors import ConfigError


def validate(settings: Settings) -> None:
    """Checks across single values: enumerations, ranges and formats."""

    def refuse(key: str, message: str) -> ConfigError:
        return ConfigError(message, source=settings.origin(key), key=key)

    if settings.smtp.security not in {"none", "starttls", "tls"}:
        raise refuse("smtp.security", "expected none, starttls or tls")
    if not 0 < settings.smtp.port < 65536:
        raise refuse("smtp.port", "expected a port between 1 and 65535")
    if settings.sending.concurrency < 1:
        raise refuse("sending.concurrency", "must be at least 1")
    if settings.sending.batch_size < 1:
        raise refuse("sending.batch_size", "must be at least 1")
    if settings.sending.lease_seconds < 1:
        raise refuse("sending.lease_seconds", "must be at least 1 (seconds)")
    _check_clear_text_password(settings)
    if settings.sending.rate < 0:
        raise refuse("sending.rate", "must be 0 (unlimited) or more")
    if not settings.render.max_seconds > 0:
        raise refuse("render.max_seconds", "must be more than 0 (seconds)")
    if settings.importer.batch_size < 0:
        raise refuse("importer.batch_size", "must be 0 (chosen for the database) or more")
    for key in ("subscribe_per_ip", "subscribe_per_address", "max_form_bytes", "max_upload_bytes"):
        if getattr(settings.web, key) < 1:
            raise refuse(f"web.{key}", "must be at least 1")
    host, sep, port = settings.web.listen.rpartition(":")
    if not sep or not host or not (port.isascii() and port.isdigit()):  # not '²' or '٣'
        raise refuse("web.listen", "expected host:port, e.g. 127.0.0.1:8000")
    if not settings.database.url.startswith(("sqlite", "postgresql")):
        raise refuse("database.url", "expected a sqlite:/// or postgresql:// URL")
    if not settings.web.base_url.startswith(("http://", "https://")):
        raise refuse("web.base_url", "expected an http:// or https:// URL")
    if settings.web.password_profile not in PASSWORD_PROFILES:
        raise refuse("web.password_profile", f"expected one of {', '.join(PASSWORD_PROFILES)}")
    preflight = settings.preflight
    if preflight.gate not in PREFLIGHT_GATES:
        raise refuse("preflight.gate", "expected auto, on or off")
    if preflight.timeout <= 0:
        raise refuse("preflight.timeout", "must be more than 0 (seconds)")
    if preflight.cache_seconds < 0:
        raise refuse("preflight.cache_seconds", "must be 0 or more (seconds)")


def _check_clear_text_password(settings: Settings) -> None:
    """``security = "none"`` with a password sends it readable on the wire: only to this host."""
    smtp = settings.smtp
    if smtp.security != "none" or not smtp.password:
        return
    remote = [relay.host for relay in smtp.relay_list() if not is_loopback(relay.host)]
    if remote:
        raise ConfigError(
            f'security = "none" would send smtp.password in clear text to {remote[0]}; set '
            "smtp.security to starttls or tls (none with a password is allowed only for a relay "
            "on this machine: localhost, 127.0.0.1, ::1)",
            source=settings.origin("smtp.security"),
            key="smtp.security",
        )
