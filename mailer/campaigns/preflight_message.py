"""The ``message.*`` checks of one issue: compose it as a subscriber would get it (signed when
DKIM is configured) and hand the bytes and sizes to the rules of ``core.preflight_message``."""

from __future__ import annotations

from datetime import datetime

from mailer.campaigns.lint import html_size
from mailer.campaigns.preview import PREVIEW_RECIPIENT
from mailer.core import preflight_message as rules
from mailer.core.campaigns import Campaign
from mailer.core.issue_text import IssueText
from mailer.core.preflight import Check
from mailer.errors import MailerError
from mailer.render.compose import Composer
from mailer.render.outgoing import Letter, Masthead, MessageBuilder, Stream
from mailer.smtp.dkim import DkimSigner


def _text_problems(issue: IssueText | None) -> list[str]:
    problems = issue.problems if issue else []
    return [
        f"{p.key}: {p.message}"
        for p in problems
        if p.severity == "error" and (p.key.startswith("content") or ".content" in p.key)
    ]


def message_checks(
    issue: IssueText | None,
    composer: Composer | None,
    *,
    campaign: Campaign | None,
    sender: str,
    builder: MessageBuilder,
    signer: DkimSigner | None,
    now: datetime,
) -> list[Check]:
    """``composer`` composes the issue (None when its campaign.toml does not parse); the
    message is built as the sender builds it, signed by ``signer`` when there is one."""
    checks = [rules.from_check(sender)]
    problems = _text_problems(issue)
    if campaign is None or composer is None:
        checks.append(rules.languages_check((), problems or ["campaign.toml does not parse"]))
        return checks
    checks.append(rules.languages_check(campaign.languages, problems))
    if problems:
        return checks
    try:
        # a variant shows some of the items: the one with all of them is each language's largest
        keys = [composer.full_variant(language) for language in campaign.languages]
        sizes = [(key.language, html_size(composer, key)) for key in keys]
        message = _one_message(composer, builder.signed_by(signer), sender, now)
    except MailerError as exc:
        return [*checks, rules.not_built(f"the issue does not compose: {exc}")]
    checks.append(rules.size_check(sizes))
    checks.append(rules.unsubscribe_check(message, signed=signer is not None))
    return checks


def _one_message(composer: Composer, builder: MessageBuilder, sender: str, now: datetime) -> bytes:
    """The first language's message to the preview recipient, built by the sender's builder."""
    campaign = composer.campaign
    variant = composer.variant(composer.full_variant(campaign.default_language))
    values = composer.personal_values(variant, PREVIEW_RECIPIENT)
    masthead = Masthead.of(campaign, sender)
    letter = Letter(
        Stream.PREFLIGHT, masthead, PREVIEW_RECIPIENT, variant, now, values, ref=campaign.slug
    )
    return builder.build(letter).data
