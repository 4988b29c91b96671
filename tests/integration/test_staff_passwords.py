"""Staff password hashes: argon2id with the RFC 9106 profile the settings name, replaced by the
configured profile at the next sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailer.access import staff
from mailer.db import Database
from mailer.errors import ConfigError
from tests.conftest import settings_for
from tests.web.test_staff_support import make_app

PASSWORD = "correct horse battery staple"


def stored_hash(db: Database) -> str:
    with db.read() as conn:
        return str(conn.exec_driver_sql("SELECT password_hash FROM staff_user").scalar_one())


def test_the_default_is_rfc9106_low_memory() -> None:
    chosen = settings_for(web__password_profile="rfc9106-low-memory").web.password_profile
    hasher = staff.password_hasher(chosen)
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)
    assert staff.password_hasher("rfc9106-low-memory").hash(PASSWORD).startswith("$argon2id$")


def test_an_unknown_profile_is_refused_naming_the_key() -> None:
    with pytest.raises(ConfigError, match="web.password_profile"):
        settings_for(web__password_profile="md5")


def test_a_hash_of_other_parameters_is_replaced_at_the_next_sign_in(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    app = make_app(db_url, tmp_path)
    cheap = staff.password_hasher("cheapest-for-tests")
    staff.add_user(app.database, "ana@example.org", PASSWORD, now=app.clock(), hasher=cheap)
    before = stored_hash(db)
    strong = staff.password_hasher("rfc9106-low-memory")
    wrong = staff.sign_in(
        app.database, "ana@example.org", "not it at all", now=app.clock(), hasher=strong
    )
    assert wrong.outcome == "wrong"
    assert stored_hash(db) == before  # a wrong password changes nothing
    signed_in = staff.sign_in(
        app.database, "ana@example.org", PASSWORD, now=app.clock(), hasher=strong
    )
    assert signed_in.outcome == "ok"
    after = stored_hash(db)
    assert after != before
    assert "m=65536,t=3,p=4" in after
    again = staff.sign_in(app.database, "ana@example.org", PASSWORD, now=app.clock(), hasher=strong)
    assert again.outcome == "ok"
    assert stored_hash(db) == after  # replaced once
