"""Settings that guard secrets: old keys, the SMTP password in clear text, ``config show``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailer.cli import mailer
from mailer.config import PLACEHOLDER_SECRET, load_settings
from mailer.errors import ConfigError

KEY = "a-long-enough-current-key-0123456789"


@pytest.mark.parametrize(
    ("old_keys", "reason"),
    [
        (PLACEHOLDER_SECRET, "placeholder"),
        (f"previous-key-0123456789abcdef, {PLACEHOLDER_SECRET}", "placeholder"),
        ("short", "at least 16 characters"),
        ("previous-key-0123456789abcdef tiny", "at least 16 characters"),
    ],
    ids=["placeholder", "placeholder-second", "short", "short-second"],
)
def test_old_keys_follow_the_rules_of_the_key(old_keys: str, reason: str) -> None:
    settings = load_settings(
        environ={"MAILER_SECRETS__KEY": KEY, "MAILER_SECRETS__OLD_KEYS": old_keys}
    )
    with pytest.raises(ConfigError, match="secrets.old_keys") as caught:
        settings.require_secret()
    assert reason in str(caught.value)
    assert "tiny" not in str(caught.value)  # which key: by position, never the key itself


def test_good_old_keys_are_accepted() -> None:
    load_settings(
        environ={"MAILER_SECRETS__KEY": KEY, "MAILER_SECRETS__OLD_KEYS": "x" * 16 + " " + "y" * 40}
    ).require_secret()


@pytest.mark.parametrize(
    "where",
    [
        {"MAILER_SMTP__HOST": "smtp.example.org"},
        {"MAILER_SMTP__HOST": "192.0.2.10"},
        {"MAILER_SMTP__RELAYS": "127.0.0.1:25, relay.example.org:25*2"},
    ],
    ids=["remote-name", "remote-ip", "one-remote-relay"],
)
def test_a_password_in_clear_text_to_a_remote_relay_is_refused(where: dict[str, str]) -> None:
    environ = {"MAILER_SMTP__USERNAME": "news", "MAILER_SMTP__PASSWORD": "hunter2", **where}
    with pytest.raises(ConfigError) as caught:
        load_settings(environ=environ)
    message = str(caught.value)
    assert "smtp.security" in message
    assert "smtp.password" in message
    assert "hunter2" not in message


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.53", "::1"])
def test_security_none_stays_allowed_to_this_machine_or_without_a_password(host: str) -> None:
    local = {"MAILER_SMTP__HOST": host, "MAILER_SMTP__PASSWORD": "hunter2"}
    assert load_settings(environ=local).smtp.security == "none"
    remote_without_password = {"MAILER_SMTP__HOST": "smtp.example.org"}
    assert load_settings(environ=remote_without_password).smtp.host == "smtp.example.org"
    encrypted = {**local, "MAILER_SMTP__HOST": "smtp.example.org", "MAILER_SMTP__SECURITY": "tls"}
    assert load_settings(environ=encrypted).smtp.security == "tls"


def test_config_show_masks_the_database_password(tmp_path: Path) -> None:
    env = {
        "MAILER_CONFIG": "",
        "MAILER_SECRETS__KEY": KEY,
        "MAILER_DATABASE__URL": "postgresql://mailer:s3cr3t-pw@db.example.org:5432/mailer",
    }
    runner = CliRunner()
    text = runner.invoke(mailer, ["config", "show"], env=env, catch_exceptions=False)
    as_json = runner.invoke(mailer, ["config", "show", "--json"], env=env, catch_exceptions=False)
    assert text.exit_code == 0, text.output
    assert "s3cr3t-pw" not in text.output
    assert "s3cr3t-pw" not in as_json.output
    shown = json.loads(as_json.output)["settings"]["database.url"]
    assert shown == "postgresql://mailer:***@db.example.org:5432/mailer"
    assert 'database.url = "postgresql://mailer:***@db.example.org:5432/mailer"' in text.output
