"""The issue pages' strings: the Russian tables name exactly the English keys."""

from __future__ import annotations

import tomllib

from mailer.web.staff.site import WEB

TABLES = (
    "issues",
    "issue_states",
    "issue_new",
    "issue",
    "issue_done",
    "issue_history",
    "issue_fields",
)


def test_every_issue_string_is_in_english_and_russian() -> None:
    english = tomllib.loads((WEB / "strings" / "staff.toml").read_text(encoding="utf-8"))
    russian = tomllib.loads((WEB / "strings" / "staff.ru.toml").read_text(encoding="utf-8"))
    for table in TABLES:
        assert set(russian[table]) == set(english[table]), table
    assert "issues" in russian["site"]
    assert "issues" in english["site"]
