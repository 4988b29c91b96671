"""Small rules the staff pages rely on: a one-off issue's period, the default sender name."""

from __future__ import annotations

from datetime import datetime

from mailer.config import load_settings
from mailer.core.one_off import period_mismatch


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
