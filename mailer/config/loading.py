"""Where settings come from: defaults < TOML file < ``MAILER_SECTION__KEY`` < ``--set`` flags."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from mailer.config.checks import validate
from mailer.config.settings import OrganisationSettings, SenderSettings, Settings
from mailer.config.values import read_value, shown_value
from mailer.errors import ConfigError

ENV_PREFIX = "MAILER_"
DEFAULT_FILE = Path("mailer.toml")


Entry = tuple[str, str, Any, str]  # section, key, value, where it came from


def _key(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("key", f.name))


def _sections() -> dict[str, type[Any]]:
    return {
        f.name: type(f.default) for f in fields(Settings) if dataclasses.is_dataclass(f.default)
    }


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


def shown_settings(settings: Settings) -> dict[str, Any]:
    """Every setting as ``section.key`` → its value as the file writes it (``values.shown_value``:
    paths and relays as text, lists as lists, unset as ``""``); secrets are not masked here."""
    shown: dict[str, Any] = {}
    for section in _sections():
        values = getattr(settings, section)
        for f in fields(values):
            shown[f"{section}.{_key(f)}"] = shown_value(getattr(values, f.name), f)
    return shown


def _apply(settings: Settings, entries: list[Entry], *, from_text: bool) -> Settings:
    changes: dict[str, dict[str, Any]] = {}
    origins = dict(settings.origins)
    for section, key, value, source in entries:
        _known_section(section, source)
        current = getattr(settings, section)
        by_key = {_key(f): f for f in fields(current)}
        dotted = f"{section}.{key}"
        if key not in by_key:
            raise ConfigError(
                f"unknown setting; known in [{section}]: {', '.join(by_key)}",
                source=source,
                key=dotted,
            )
        f = by_key[key]
        try:
            typed = read_value(value, f, getattr(current, f.name), from_text=from_text)
        except ValueError as exc:
            raise ConfigError(str(exc), source=source, key=dotted) from None
        changes.setdefault(section, {})[f.name] = typed
        origins[dotted] = source
    replaced = {
        section: dataclasses.replace(getattr(settings, section), **values)
        for section, values in changes.items()
    }
    return dataclasses.replace(settings, **replaced, origins=origins)


def _known_section(section: str, source: str) -> None:
    sections = _sections()
    if section not in sections:
        raise ConfigError(
            f"unknown section; known sections: {', '.join(sections)}", source=source, key=section
        )


def _file_entries(data: Mapping[str, Any], source: str) -> list[Entry]:
    entries: list[Entry] = []
    for section, table in data.items():
        _known_section(section, source)
        if not isinstance(table, Mapping):
            raise ConfigError("expected a table of settings", source=source, key=section)
        entries.extend((section, key, value, source) for key, value in table.items())
    return entries


def _env_entries(environ: Mapping[str, str]) -> list[Entry]:
    entries: list[Entry] = []
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX) :].partition("__")
        entries.append((section.lower(), key.lower(), value, f"environment variable {name}"))
    return entries


def _flag_entries(overrides: Mapping[str, Any]) -> list[Entry]:
    entries: list[Entry] = []
    for dotted, value in overrides.items():
        section, sep, key = dotted.partition(".")
        if not sep or not key:
            raise ConfigError("expected SECTION.KEY", source="command line", key=dotted)
        entries.append((section, key, value, "command line"))
    return entries


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
    """Build the effective settings, each value typed once here; raises ``ConfigError`` naming
    the key and where the value came from (the file, the environment variable, the flag)."""
    env = os.environ if environ is None else environ
    settings = Settings()
    chosen = config_path(path, env)
    if chosen is not None:
        entries = _file_entries(read_file(chosen), str(chosen))
        settings = _apply(settings, entries, from_text=False)
        settings = dataclasses.replace(settings, source=str(chosen))
    settings = _apply(settings, _env_entries(env), from_text=True)
    if overrides:
        settings = _apply(settings, _flag_entries(overrides), from_text=True)
    settings = _organisation_sender(settings)
    validate(settings)
    return settings


def _organisation_sender(settings: Settings) -> Settings:
    """Without a ``[sender] from`` of its own, mail comes from the organisation's name (at the
    default address), not from "Newsletter"."""
    default = SenderSettings().from_
    name = settings.organisation.name.strip()
    if settings.sender.from_ != default or name in ("", OrganisationSettings().name):
        return settings
    address = default[default.index("<") :]
    shown = name
    if set('()<>@,;:\\".[]') & set(name):  # RFC 5322 specials: a quoted string
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        shown = f'"{escaped}"'
    sender = dataclasses.replace(settings.sender, from_=f"{shown} {address}")
    return dataclasses.replace(settings, sender=sender)
