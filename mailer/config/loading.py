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
from mailer.config.settings import Settings
from mailer.config.values import coerce
from mailer.errors import ConfigError

ENV_PREFIX = "MAILER_"
DEFAULT_FILE = Path("mailer.toml")


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
            changes[f.name] = coerce(
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
