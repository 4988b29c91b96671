"""Settings: the example file, precedence, and errors that name the key and the file."""

from __future__ import annotations

import tomllib
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from mailer.config import PLACEHOLDER_SECRET, Settings, load_settings, setting_names
from mailer.config.values import ListOf
from mailer.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config.example.toml"


def test_example_file_loads_and_names_every_setting() -> None:
    settings = load_settings(EXAMPLE, environ={})
    assert settings.source == str(EXAMPLE)
    with EXAMPLE.open("rb") as handle:
        data = tomllib.load(handle)
    named = {f"{section}.{key}" for section, values in data.items() for key in values}
    assert named == set(setting_names())
    # the example documents the defaults: loading it changes nothing but the source
    assert settings == Settings()


def test_the_example_writes_every_list_as_an_array() -> None:
    with EXAMPLE.open("rb") as handle:
        data = tomllib.load(handle)
    lists = {
        f"{section.name}.{f.name}"
        for section in fields(Settings)
        if is_dataclass(section.default)
        for f in fields(section.default)
        if isinstance(f.metadata.get("read"), ListOf)
    }
    assert "smtp.relays" in lists
    assert "sending.domain_rates" in lists
    for name in lists:
        section, key = name.split(".")
        assert isinstance(data[section][key], list), f"{name} is not an array in the example"


def test_every_setting_in_the_example_has_a_comment() -> None:
    lines = EXAMPLE.read_text().splitlines()
    for number, line in enumerate(lines):
        if "=" in line and not line.lstrip().startswith("#"):
            assert lines[number - 1].lstrip().startswith("#"), f"no comment above: {line}"


def test_required_keys_exist_with_their_names() -> None:
    required = {
        "database.url",
        "smtp.host",
        "smtp.port",
        "smtp.security",
        "smtp.username",
        "smtp.password",
        "sending.concurrency",
        "sending.rate",
        "sender.from",
        "sender.domain",
        "bounces.domain",
        "web.base_url",
        "web.listen",
        "secrets.key",
    }
    assert required <= set(setting_names())


def test_defaults_use_sqlite_under_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings.database.url == "sqlite:///var/mailer.db"
    assert settings.source == "defaults"


def test_precedence_defaults_file_env_flags(tmp_path: Path) -> None:
    config = tmp_path / "m.toml"
    config.write_text('[smtp]\nhost = "file.example"\nport = 2525\n[sending]\nrate = 5\n')
    env = {"MAILER_SMTP__PORT": "2626", "MAILER_SENDING__CONCURRENCY": "9"}
    settings = load_settings(config, environ=env, overrides={"sending.concurrency": "12"})
    assert settings.smtp.host == "file.example"  # file beats default
    assert settings.smtp.port == 2626  # env beats file
    assert settings.sending.rate == 5.0  # int in TOML accepted for a float
    assert settings.sending.concurrency == 12  # flag beats env


def test_file_chosen_from_env_then_local_mailer_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mailer.toml").write_text('[web]\nlisten = "0.0.0.0:9000"\n')
    (tmp_path / "other.toml").write_text('[web]\nlisten = "127.0.0.1:9001"\n')
    assert load_settings(environ={}).web.listen == "0.0.0.0:9000"
    chosen = load_settings(environ={"MAILER_CONFIG": str(tmp_path / "other.toml")})
    assert chosen.web.listen == "127.0.0.1:9001"


def test_unknown_key_names_key_and_file(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[smtp]\nhots = 'x'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    message = str(caught.value)
    assert str(config) in message
    assert "smtp.hots" in message


def test_unknown_section_and_wrong_type(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[smpt]\nhost = 'x'\n")
    with pytest.raises(ConfigError, match="smpt"):
        load_settings(config, environ={})
    config.write_text("[smtp]\nport = 'twenty-five'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert "smtp.port" in str(caught.value)
    assert "expected an integer" in str(caught.value)
    assert str(config) in str(caught.value)


def test_bad_environment_value_names_the_variable_source() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"MAILER_SENDING__RATE": "fast"})
    assert "sending.rate" in str(caught.value)
    assert "environment" in str(caught.value)
    with pytest.raises(ConfigError, match="smtp.hostname"):
        load_settings(environ={"MAILER_SMTP__HOSTNAME": "x"})


def test_enumerations_and_formats_are_checked() -> None:
    with pytest.raises(ConfigError, match="smtp.security"):
        load_settings(environ={"MAILER_SMTP__SECURITY": "ssl"})
    with pytest.raises(ConfigError, match="web.listen"):
        load_settings(environ={"MAILER_WEB__LISTEN": "8000"})
    with pytest.raises(ConfigError, match="sending.rate"):
        load_settings(environ={"MAILER_SENDING__RATE": "-1"})


@pytest.mark.parametrize("digits", ["²", "٨٠٠٠", "25²"])
def test_numbers_in_other_scripts_are_refused(digits: str) -> None:
    """'²' passes str.isdigit but int() refuses it; int() reads '٨٠٠٠' as 8000."""
    with pytest.raises(ConfigError, match="web.listen"):
        load_settings(environ={"MAILER_WEB__LISTEN": f"127.0.0.1:{digits}"})
    with pytest.raises(ConfigError, match="smtp.port"):
        load_settings(environ={"MAILER_SMTP__PORT": digits})
    with pytest.raises(ConfigError, match="sending.rate"):
        load_settings(environ={"MAILER_SENDING__RATE": digits})
    with pytest.raises(ConfigError, match="smtp.relays"):
        load_settings(environ={"MAILER_SMTP__RELAYS": f"relay.example.org:{digits}"})


def test_not_toml_is_an_error_naming_the_file(tmp_path: Path) -> None:
    config = tmp_path / "broken.toml"
    config.write_text("[smtp\n")
    with pytest.raises(ConfigError, match="broken.toml"):
        load_settings(config, environ={})
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_placeholder_secret_is_refused() -> None:
    settings = load_settings(environ={})
    assert settings.secrets.key == PLACEHOLDER_SECRET
    with pytest.raises(ConfigError, match="secrets.key"):
        settings.require_secret()
    load_settings(environ={"MAILER_SECRETS__KEY": "x" * 32}).require_secret()
    with pytest.raises(ConfigError, match="16"):
        load_settings(environ={"MAILER_SECRETS__KEY": "short"}).require_secret()


def test_secrets_are_not_in_repr() -> None:
    settings = load_settings(
        environ={"MAILER_SECRETS__KEY": "super-secret-value-123", "MAILER_SMTP__PASSWORD": "pw-42"}
    )
    assert "super-secret-value-123" not in repr(settings)
    assert "pw-42" not in repr(settings)


def test_relays_setting() -> None:
    with pytest.raises(ConfigError, match="smtp.relays"):
        load_settings(environ={"MAILER_SMTP__RELAYS": "relay.example.org"})
    settings = load_settings(
        environ={"MAILER_SMTP__HOST": "mx.example.org", "MAILER_SMTP__PORT": "587"}
    )
    assert settings.smtp.relay_list() == [("mx.example.org", 587, 1.0)]
