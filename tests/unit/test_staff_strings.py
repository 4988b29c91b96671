"""The staff pages' strings: Russian names only keys English has, and fills every table."""

from __future__ import annotations

import tomllib
from datetime import datetime

from mailer.config import load_settings
from mailer.core.one_off import period_mismatch
from mailer.web.staff.site import WEB, staff_language


def test_russian_staff_strings_name_only_english_keys() -> None:
    english = tomllib.loads((WEB / "strings" / "staff.toml").read_text(encoding="utf-8"))
    russian = tomllib.loads((WEB / "strings" / "staff.ru.toml").read_text(encoding="utf-8"))
    for table, keys in russian.items():
        assert table in english, table
        assert set(keys) <= set(english[table]), (table, set(keys) - set(english[table]))
    for table in ("schedule", "outcome"):
        assert set(russian[table]) == set(english[table]), table


def test_staff_language_from_accept_language() -> None:
    assert staff_language("ru-RU,ru;q=0.9,en;q=0.8") == "ru"
    assert staff_language("de-DE, en;q=0.5, ru;q=0.1") == "en"
    assert staff_language("ru;q=0, de") == "en"
    assert staff_language("") == "en"


def test_period_mismatch() -> None:
    at = datetime(2026, 12, 4, 9, 0)
    assert period_mismatch("2026-12", at) is None
    assert period_mismatch("2027-01", at) == "2026-12"
    assert period_mismatch("2026-12-04", at) is None
    assert period_mismatch("2026-12-05", at) == "2026-12-04"
    assert period_mismatch(None, at) is None
    assert period_mismatch("winter", at) is None


def test_the_default_sender_name_is_the_organisations() -> None:
    named = load_settings(None, environ={"MAILER_ORGANISATION__NAME": "EECA MenEngage Platform"})
    assert named.sender.from_ == "EECA MenEngage Platform <news@example.org>"
    quoted = load_settings(None, environ={"MAILER_ORGANISATION__NAME": "Smith, Jones"})
    assert quoted.sender.from_ == '"Smith, Jones" <news@example.org>'
    own = load_settings(
        None,
        environ={"MAILER_ORGANISATION__NAME": "EECA", "MAILER_SENDER__FROM": "Digest <d@x.org>"},
    )
    assert own.sender.from_ == "Digest <d@x.org>"
