"""Typed settings: lists as TOML arrays or the old comma string, unset as None, paths as Path,
and errors that name the key, the element and where the value came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailer.cli import mailer
from mailer.config import Relay, load_settings
from mailer.errors import ConfigError

KEY = "a-long-enough-current-key-0123456789"
ARN = "arn:aws:sns:eu-west-1:123456789012:bounces"
OTHER_ARN = "arn:aws:sns:eu-west-1:123456789012:complaints"

# section, key, TOML array, the old string form, the value both load as
LISTS = [
    (
        "smtp",
        "relays",
        '["a.example.org:25*3", "b.example.org:587"]',
        "a.example.org:25*3, b.example.org:587",
        (Relay("a.example.org", 25, 3.0), Relay("b.example.org", 587, 1.0)),
    ),
    (
        "sending",
        "domain_rates",
        '["gmail.com=10", "Mail.ru=2.5"]',
        "gmail.com=10, Mail.ru=2.5",
        {"gmail.com": 10.0, "mail.ru": 2.5},
    ),
    (
        "webhooks",
        "ses_topic_arns",
        f'["{ARN}", "{OTHER_ARN}"]',
        f"{ARN},{OTHER_ARN}",
        (ARN, OTHER_ARN),
    ),
    (
        "web",
        "public_lists",
        '["News", "Local events"]',
        "News, Local events",
        ("News", "Local events"),
    ),
    (
        "secrets",
        "old_keys",
        f'["{"x" * 16}", "{"y" * 20}"]',
        f"{'x' * 16} {'y' * 20}",
        ("x" * 16, "y" * 20),
    ),
    (
        "preflight",
        "nameservers",
        '["192.0.2.53", "[2001:db8::53]:5353"]',
        "192.0.2.53 [2001:db8::53]:5353",
        ("192.0.2.53", "[2001:db8::53]:5353"),
    ),
    ("preflight", "sending_ips", '["192.0.2.1", "::1"]', "192.0.2.1, ::1", ("192.0.2.1", "::1")),
]
IDS = [f"{section}.{key}" for section, key, *_ in LISTS]


def _value(settings: object, section: str, key: str) -> object:
    return getattr(getattr(settings, section), key)


@pytest.mark.parametrize(("section", "key", "array", "text", "expected"), LISTS, ids=IDS)
def test_a_list_loads_from_an_array_the_old_string_and_the_environment(
    tmp_path: Path, section: str, key: str, array: str, text: str, expected: object
) -> None:
    config = tmp_path / "m.toml"
    config.write_text(f"[{section}]\n{key} = {array}\n")
    assert _value(load_settings(config, environ={}), section, key) == expected
    config.write_text(f"[{section}]\n{key} = {json.dumps(text)}\n")
    assert _value(load_settings(config, environ={}), section, key) == expected
    variable = f"MAILER_{section.upper()}__{key.upper()}"
    assert _value(load_settings(environ={variable: text}), section, key) == expected
    assert _value(
        load_settings(environ={}, overrides={f"{section}.{key}": text}), section, key
    ) == (expected)


@pytest.mark.parametrize(
    ("key", "array", "element"),
    [
        (
            "smtp.relays",
            '["a.example.org:25", "relay.example.org"]',
            "'relay.example.org' (element 2)",
        ),
        ("sending.domain_rates", '["gmail.com=10", "mail.ru:5"]', "'mail.ru:5' (element 2)"),
        (
            "preflight.sending_ips",
            '["192.0.2.1", "mail.example.org"]',
            "'mail.example.org' (element 2)",
        ),
        ("preflight.nameservers", '["192.0.2.53", 53]', "element 2 (integer 53)"),
        ("web.public_lists", '["News", ["nested"]]', "element 2 (array ['nested'])"),
    ],
)
def test_a_wrong_element_names_the_key_the_element_and_the_file(
    tmp_path: Path, key: str, array: str, element: str
) -> None:
    section, name = key.split(".")
    config = tmp_path / "m.toml"
    config.write_text(f"[{section}]\n{name} = {array}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    message = str(caught.value)
    assert key in message
    assert element in message
    assert str(config) in message


def test_a_wrong_element_from_the_environment_names_its_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"MAILER_SMTP__RELAYS": "a.example.org:25, b.example.org:٢٥"})
    message = str(caught.value)
    assert "environment variable MAILER_SMTP__RELAYS" in message
    assert "smtp.relays" in message
    assert "'b.example.org:٢٥' (element 2)" in message


def test_a_secret_list_names_a_wrong_element_by_position_only(tmp_path: Path) -> None:
    config = tmp_path / "m.toml"
    config.write_text('[secrets]\nold_keys = ["first-old-key-0123456789", 12345678901234567]\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert "secrets.old_keys" in str(caught.value)
    assert "element 2" in str(caught.value)
    assert "12345678901234567" not in str(caught.value)
    assert "first-old-key" not in str(caught.value)


def test_a_range_error_names_the_variable_that_set_the_value(tmp_path: Path) -> None:
    """The file loaded, but the bad value came from the environment: the error says which."""
    config = tmp_path / "m.toml"
    config.write_text('[smtp]\nhost = "relay.example.org"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={"MAILER_SMTP__SECURITY": "ssl"})
    assert "environment variable MAILER_SMTP__SECURITY" in str(caught.value)
    assert str(config) not in str(caught.value)


def test_blank_means_unset_and_paths_are_paths(tmp_path: Path) -> None:
    config = tmp_path / "m.toml"
    config.write_text(
        '[dkim]\nselector = "s1"\ndomain = "example.org"\nprivate_key_file = "keys/dkim.pem"\n'
        '[web]\noutbox = ""\n[paths]\ncampaigns = "issues"\n'
    )
    settings = load_settings(config, environ={"MAILER_SMTP__USERNAME": " "})
    assert settings.smtp.username is None
    assert settings.smtp.password is None
    assert settings.web.outbox is None
    assert settings.bounce_mailbox.protocol is None
    assert settings.paths.campaigns == Path("issues")
    assert settings.paths.templates == Path("templates")
    assert settings.dkim.key == ("example.org", "s1", Path("keys/dkim.pem"))
    assert load_settings(environ={"MAILER_DKIM__SELECTOR": "s1"}).dkim.key is None
    assert load_settings(environ={"MAILER_WEB__OUTBOX": "var/outbox"}).web.outbox == Path(
        "var/outbox"
    )
    config.write_text("[web]\noutbox = 5\n")
    with pytest.raises(ConfigError, match="web.outbox.*expected a path"):
        load_settings(config, environ={})


def test_config_show_writes_lists_and_unset_values_as_the_file_does() -> None:
    env = {
        "MAILER_CONFIG": "",
        "MAILER_SECRETS__KEY": KEY,
        "MAILER_SMTP__RELAYS": "a.example.org:25*3, b.example.org:587",
        "MAILER_SENDING__DOMAIN_RATES": "gmail.com=10",
        "MAILER_WEB__OUTBOX": "var/outbox",
        "MAILER_SECRETS__OLD_KEYS": "x" * 16,
    }
    runner = CliRunner()
    text = runner.invoke(mailer, ["config", "show"], env=env, catch_exceptions=False).output
    assert (
        'smtp.relays = ["a.example.org:25*3", "b.example.org:587"]'
        "  # environment variable MAILER_SMTP__RELAYS"
    ) in text
    assert 'sending.domain_rates = ["gmail.com=10"]' in text
    assert 'web.outbox = "var/outbox"' in text
    assert 'dkim.private_key_file = ""\n' in text
    assert 'secrets.old_keys = "********"' in text
    assert "x" * 16 not in text
    as_json = runner.invoke(mailer, ["config", "show", "--json"], env=env, catch_exceptions=False)
    shown = json.loads(as_json.output)["settings"]
    assert shown["smtp.relays"] == ["a.example.org:25*3", "b.example.org:587"]
    assert shown["web.public_lists"] == []
    assert shown["paths.templates"] == "templates"
