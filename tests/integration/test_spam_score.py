"""A message of the sample issue scores under 2 points with SpamAssassin's default rules."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime

import pytest

from mailer.app import App
from mailer.campaigns import source
from mailer.config import load_settings
from mailer.core.message import MessageHeaders, build_message, message_id
from mailer.core.subscribers import Recipient
from tests.conftest import REPO, TEST_SECRET
from tests.waiting import PATIENCE

pytestmark = [pytest.mark.subprocess]

SPAMASSASSIN = shutil.which("spamassassin")
MAX_SCORE = 2.0


@pytest.mark.skipif(
    SPAMASSASSIN is None,
    reason="needs Debian's spamassassin (apt-get install spamassassin; bash .ci/run installs it)",
)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_sample_issue_scores_under_two_points(language: str) -> None:
    settings = load_settings(
        environ={
            "MAILER_SECRETS__KEY": TEST_SECRET,
            "MAILER_PATHS__TEMPLATES": str(REPO / "templates"),
            "MAILER_WEB__BASE_URL": "https://news.example.org",
            "MAILER_ORGANISATION__NAME": "EECA MenEngage Platform",
            "MAILER_ORGANISATION__ADDRESS": "Example Street 1, 11000 Belgrade, Serbia",
        }
    )
    composer = App(settings).composer(source.load_valid(REPO / "campaigns" / "2026-12-digest"))
    person = Recipient(7, "ana@example.net", "Ana Petrović", "RS", language, frozenset())
    variant, message = composer.render(person)
    values = composer.personal_values(variant, person)
    headers = MessageHeaders(
        sender="EECA MenEngage Platform <news@example.org>",
        to=f"{person.name} <{person.email}>",
        subject=message.subject,
        message_id=message_id(TEST_SECRET, 1, "example.org"),
        date=datetime(2026, 12, 1, 8, 0),
        list_unsubscribe_url=values["unsubscribe_url"],
        list_unsubscribe_mailto="mailto:unsubscribe+k1.d1.sig@bounces.example.org",
        list_id="<members.example.org>",
        feedback_id="2026-12-digest:en:newsletter:example.org",
        language=variant.key.language,
    )
    data = build_message(headers, text=message.text, html=message.html, boundary="=_mailer1")
    result = subprocess.run(
        [str(SPAMASSASSIN), "-L", "-t"],
        input=data,
        capture_output=True,
        timeout=2 * PATIENCE,
        check=False,
    )
    report = result.stdout.decode(errors="replace")
    found = re.search(r"Content analysis details:\s+\((-?[\d.]+) points", report)
    assert found, report[-2000:]
    score = float(found.group(1))
    print(f"{language}: {score} points")
    assert score < MAX_SCORE, report[report.find("Content analysis") :]
