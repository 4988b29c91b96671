"""`mailer preflight` against a real DNS server on loopback (tests/dns_zone.py), on the demo's
settings (From news@example.org, bounces at bounces.example.org) with a key from
`mailer dkim keygen`: a correct zone passes; each broken record fails exactly its own check
and the fix names the record to publish; a server that never answers gives warnings."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric import rsa

from mailer.cli import mailer
from mailer.smtp.dkim import DkimSigner
from tests.conftest import REPO, TEST_SECRET, copy_sample
from tests.databases import sqlite_copy, worker_template
from tests.dns_zone import SENDING_IP, Zone, ZoneServer, good_zone, silent_server, zone_server

SELECTOR, DOMAIN = "mail", "example.org"
KEY_NAME = f"{SELECTOR}._domainkey.{DOMAIN}"


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(mailer, list(args), env=env, catch_exceptions=False)


def published_record(output: str) -> str:
    """The TXT value `mailer dkim keygen` printed: its quoted strings joined."""
    line = next(line for line in output.splitlines() if "IN TXT" in line)
    return "".join(re.findall(r'"([^"]*)"', line))


@pytest.fixture
def setup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[dict[str, str], ZoneServer]]:
    """A key made by `mailer dkim keygen`, its record published in a correct zone."""
    monkeypatch.chdir(tmp_path)
    env = {
        "MAILER_CONFIG": "",
        "MAILER_DATABASE__URL": sqlite_copy(worker_template(), tmp_path / "mailer.db"),
        "MAILER_SECRETS__KEY": TEST_SECRET,
        "MAILER_PATHS__TEMPLATES": str(REPO / "templates"),
        "MAILER_PATHS__CAMPAIGNS": str(tmp_path / "campaigns"),
        "MAILER_PREFLIGHT__SENDING_IPS": SENDING_IP,
        "MAILER_PREFLIGHT__TIMEOUT": "2",
        "MAILER_WEB__BASE_URL": "https://news.example.org",
    }
    made = run(env, "dkim", "keygen", "--selector", SELECTOR, "--domain", DOMAIN)
    assert made.exit_code == 0, made.output
    key_file = tmp_path / "var" / "dkim" / f"{SELECTOR}.{DOMAIN}.pem"
    assert key_file.stat().st_mode & 0o777 == 0o600
    signer = DkimSigner.from_file(DOMAIN, SELECTOR, key_file)
    zone = good_zone(signer)
    zone.set(KEY_NAME, "TXT", published_record(made.output))
    env |= {
        "MAILER_DKIM__SELECTOR": SELECTOR,
        "MAILER_DKIM__DOMAIN": DOMAIN,
        "MAILER_DKIM__PRIVATE_KEY_FILE": str(key_file),
    }
    copy_sample(REPO / "campaigns" / "2026-12-digest", tmp_path / "campaigns" / "2026-12-digest")
    with zone_server(zone) as server:
        env["MAILER_PREFLIGHT__NAMESERVERS"] = server.address
        yield env, server


def checks(result: Result) -> dict[str, dict[str, str]]:
    report = json.loads(result.stdout)
    return {check["name"]: check for check in report["checks"]}


def test_a_correct_zone_passes_every_check(setup: tuple[dict[str, str], ZoneServer]) -> None:
    env, server = setup
    result = run(env, "preflight", "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert report["errors"] == 0
    assert report["warnings"] == 0, report
    found = {c["name"]: c["status"] for c in report["checks"]}
    assert set(found) >= {"dkim.key", "dkim.alignment", "spf.record", "dmarc.record"}
    assert set(found) >= {"dmarc.alignment", "bounce.mx", "message.from"}
    assert set(found.values()) == {"pass"}
    assert (KEY_NAME, "TXT") in server.questions  # asked the loopback server, not the system's


def test_an_issue_adds_its_message_checks(setup: tuple[dict[str, str], ZoneServer]) -> None:
    env, _ = setup
    result = run(env, "preflight", "2026-12-digest", "--json")
    assert result.exit_code == 0, result.output
    found = checks(result)
    for name in ("message.size", "message.unsubscribe", "message.from", "message.languages"):
        assert found[name]["status"] == "pass", found[name]
    assert "covered by the DKIM signature" in found["message.unsubscribe"]["detail"]


def _another_key(zone: Zone) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    zone.set(KEY_NAME, "TXT", DkimSigner(DOMAIN, SELECTOR, other).public_record())


def _revoked_key(zone: Zone) -> None:
    zone.set(KEY_NAME, "TXT", "v=DKIM1; k=rsa; p=")


def _two_spf_records(zone: Zone) -> None:
    second = "v=spf1 include:relay.example.net ~all"
    zone.set("bounces.example.org", "TXT", f"v=spf1 ip4:{SENDING_IP} -all", second)


def _eleven_includes(zone: Zone) -> None:
    names = [f"s{n}.example.org" for n in range(1, 12)]
    includes = [f"include:{name}" for name in names]
    zone.set("bounces.example.org", "TXT", " ".join(["v=spf1", *includes, "-all"]))
    for number, name in enumerate(names, 1):
        zone.set(name, "TXT", f"v=spf1 ip4:198.51.100.{number} -all")


def _address_not_in_spf(zone: Zone) -> None:
    zone.set("bounces.example.org", "TXT", "v=spf1 ip4:198.51.100.7 -all")


def _no_dmarc(zone: Zone) -> None:
    zone.drop("_dmarc.example.org", "TXT")


def _dmarc_none(zone: Zone) -> None:
    zone.set("_dmarc.example.org", "TXT", "v=DMARC1; p=none; rua=mailto:d@example.org")


def _no_mx(zone: Zone) -> None:
    zone.drop("bounces.example.org", "MX")


SPF_AT = "bounces.example.org. IN TXT"
BROKEN = [
    pytest.param(
        _another_key,
        "dkim.key",
        "fail",
        f'{KEY_NAME}. IN TXT "v=DKIM1; k=rsa; p=MII',
        id="another key at the selector",
    ),
    pytest.param(
        _revoked_key,
        "dkim.key",
        "fail",
        f'{KEY_NAME}. IN TXT "v=DKIM1; k=rsa; p=MII',
        id="a revoked key",
    ),
    pytest.param(
        _two_spf_records,
        "spf.record",
        "fail",
        f'{SPF_AT} "v=spf1 ip4:{SENDING_IP} include:relay.example.net -all"',
        id="two SPF records",
    ),
    pytest.param(
        _eleven_includes,
        "spf.record",
        "fail",
        f'{SPF_AT} "v=spf1 ip4:{SENDING_IP} -all"',
        id="an SPF record with 11 look-ups",
    ),
    pytest.param(
        _address_not_in_spf,
        "spf.record",
        "fail",
        f'{SPF_AT} "v=spf1 ip4:198.51.100.7 ip4:{SENDING_IP} -all"',
        id="our address not in SPF",
    ),
    pytest.param(
        _no_dmarc,
        "dmarc.record",
        "fail",
        '_dmarc.example.org. IN TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.org"',
        id="no DMARC record",
    ),
    pytest.param(
        _dmarc_none,
        "dmarc.record",
        "warn",
        '_dmarc.example.org. IN TXT "v=DMARC1; p=quarantine; rua=mailto:d@example.org"',
        id="DMARC p=none",
    ),
    pytest.param(
        _no_mx,
        "bounce.mx",
        "warn",
        "bounces.example.org. IN MX 10 news.example.org.",
        id="no MX for the bounce domain",
    ),
]


@pytest.mark.parametrize(("breaks", "name", "status", "record"), BROKEN)
def test_each_broken_record_fails_exactly_its_check_and_prints_the_fix(
    setup: tuple[dict[str, str], ZoneServer],
    breaks: Callable[[Zone], None],
    name: str,
    status: str,
    record: str,
) -> None:
    env, server = setup
    breaks(server.zone)
    result = run(env, "preflight", "--json")
    found = checks(result)
    assert found[name]["status"] == status, found[name]
    assert record in found[name]["fix"], found[name]["fix"]
    others = {n: c["status"] for n, c in found.items() if n != name}
    assert "fail" not in others.values(), others
    assert result.exit_code == (1 if status == "fail" else 0)
    text = run(env, "preflight")
    assert f"fix: {found[name]['fix']}" in text.stdout  # the same record in the text output


def test_a_from_at_a_mailbox_provider_fails_with_its_fix(
    setup: tuple[dict[str, str], ZoneServer],
) -> None:
    env, _ = setup
    result = run(
        env, "--set", "sender.from=News <newsletter.eeca@gmail.com>", "preflight", "--json"
    )
    found = checks(result)
    assert result.exit_code == 1
    assert found["message.from"]["status"] == "fail"
    assert "gmail.com" in found["message.from"]["detail"]
    assert "your organisation's own domain" in found["message.from"]["fix"]
    assert found["dkim.alignment"]["status"] == "fail"  # d=example.org cannot sign for gmail.com


def test_a_silent_name_server_gives_warnings_naming_it(
    setup: tuple[dict[str, str], ZoneServer],
) -> None:
    env, _ = setup
    with silent_server() as silent:
        address = silent.address
        env = env | {"MAILER_PREFLIGHT__NAMESERVERS": address, "MAILER_PREFLIGHT__TIMEOUT": "0.5"}
        result = run(env, "preflight", "--json")
        asked = {question for question in silent.questions}
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert report["errors"] == 0
    found = checks(result)
    for name in ("dkim.key", "spf.record", "dmarc.record", "bounce.mx"):
        assert found[name]["status"] == "warn"
        assert address in found[name]["detail"]
        assert "no answer within 0.5 s" in found[name]["detail"]
    assert len(asked) == 1, asked  # the silent server is waited for once, not once per question


def test_an_unknown_issue_is_bad_input(setup: tuple[dict[str, str], ZoneServer]) -> None:
    env, _ = setup
    result = CliRunner().invoke(mailer, ["preflight", "no-such-issue"], env=env)
    assert result.exit_code == 2
    assert "no campaign folder 'no-such-issue'" in result.output


def test_keygen_refuses_to_overwrite_a_key(setup: tuple[dict[str, str], ZoneServer]) -> None:
    env, _ = setup
    again = CliRunner().invoke(
        mailer, ["dkim", "keygen", "--selector", SELECTOR, "--domain", DOMAIN], env=env
    )
    assert again.exit_code == 2
    assert "exists already" in again.output
