"""``mailer campaign lint``: every error and warning of an issue, each naming file and key."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from mailer.campaigns import source
from mailer.campaigns.audience import audience
from mailer.campaigns.event_checks import timing_problems
from mailer.core.campaign_items import is_web_url
from mailer.core.campaigns import Campaign
from mailer.core.issue_text import IssueText
from mailer.core.problems import Problem
from mailer.core.segment_parser import parse_segment
from mailer.core.segments import saved_names
from mailer.core.selection import VariantKey
from mailer.core.vocabulary import did_you_mean, interests_in
from mailer.db import Database, saved_segments
from mailer.db.lists import find_list_id
from mailer.db.subscribers import interest_names
from mailer.errors import SegmentSyntaxError, TemplateError
from mailer.render import markdown
from mailer.render.compose import Composer

GMAIL_CLIP_BYTES = 102 * 1024
PERSONAL_FIELDS_BYTES = 2_000  # URLs, name, greeting
MERGE_FIELD = re.compile(r"\{\{|\{%|\}\}|\*\|[A-Z_]+\|\*|\[\[")


def lint_campaign(
    issue: Path | IssueText,
    database: Database,
    make_composer: Callable[[Campaign], Composer],
    *,
    variants: bool = True,
    series_dir: Path | None = None,
) -> list[Problem]:
    """All problems of ``issue`` (a stored revision, or a folder the staff pages read); an
    empty list means it may be approved. Without ``variants`` only the document and what the
    database knows are checked (milliseconds: an editor's save); the audience, the template
    and each variant's size need every variant compiled (about a second for the sample).
    ``series_dir`` (``paths.campaigns``) lets a series issue's events be compared with its
    occurrence's time."""
    if isinstance(issue, Path):
        found, problems = source.read(issue)
        if found is None:
            return problems
    else:
        found, problems = issue, list(issue.problems)
    campaign = found.campaign
    if campaign is None:
        return problems
    problems.extend(_content_problems(campaign))
    problems.extend(timing_problems(campaign, database, series_dir))
    problems.extend(_store_problems(campaign, database))
    composer = make_composer(campaign)
    if not composer.templates.exists(campaign.template):
        missing = f"no templates/{campaign.template}.mjml.j2 and .txt.j2"
        problems.append(_error(campaign, "template", missing))
        return problems
    if not variants or any(p.severity == "error" for p in problems):
        return problems  # variants need complete content and a valid audience
    problems.extend(_variant_problems(campaign, database, composer))
    return problems


def _error(campaign: Campaign, key: str, message: str) -> Problem:
    return Problem("error", campaign.file, key, message)


def _texts(campaign: Campaign) -> Iterator[tuple[str, str]]:
    for language, content in campaign.content.items():
        for name in ("subject", "preheader", "intro"):
            yield f"content.{language}.{name}", getattr(content, name)
    for index, item in enumerate(campaign.items):
        for language, text in item.content.items():
            for name in ("title", "summary", "image_alt"):
                yield f"items[{index}] ({item.id}).content.{language}.{name}", getattr(text, name)


def _content_problems(campaign: Campaign) -> Iterator[Problem]:
    for key, text in _texts(campaign):
        if MERGE_FIELD.search(text):
            yield _error(
                campaign,
                key,
                "contains an unresolved merge field ({{ … }}); content is text, personal fields "
                "come from the template",
            )
        if key.endswith((".intro", ".summary")):
            for link in markdown.links(text):
                if not (is_web_url(link) or link.startswith("mailto:")):
                    yield _error(campaign, key, f"link {link!r} is not http(s) or mailto")


def _saved_names(segment: str | None) -> set[str]:
    """The ``@name`` references of the issue's segment (none when it does not parse: that
    problem is reported with the document's)."""
    try:
        return saved_names(parse_segment(segment)) if segment else set()
    except SegmentSyntaxError:
        return set()


def _store_problems(campaign: Campaign, database: Database) -> Iterator[Problem]:
    with database.read() as conn:
        for name in campaign.lists:
            if find_list_id(conn, name) is None:
                yield _error(campaign, "lists", f"unknown list {name!r} (see `mailer lists list`)")
        known = interest_names(conn)
        referred = _saved_names(campaign.segment)
        missing = sorted(name for name in referred if saved_segments.find(conn, name) is None)
    if missing:
        listed = ", ".join(f"@{name}" for name in missing)
        yield _error(
            campaign,
            "segment",
            f"no saved segment {listed}: save it on the Audience page (/staff/audience) first",
        )
    for index, item in enumerate(campaign.items):
        for name in sorted(item.interests - known):
            yield _error(
                campaign,
                f"items[{index}] ({item.id}).interests",
                f"unknown interest {name!r}: not in the interest list{did_you_mean(name, known)}",
            )
    try:
        named = list(interests_in(parse_segment(campaign.segment))) if campaign.segment else []
    except SegmentSyntaxError:  # parse_campaign has reported it
        named = []
    for name in dict.fromkeys(named):
        if name not in known:
            yield _error(
                campaign,
                "segment",
                f"unknown interest {name!r}: not in the interest list{did_you_mean(name, known)}",
            )


def variant_keys(campaign: Campaign, database: Database, composer: Composer) -> list[VariantKey]:
    """The variants the audience gets, and every language with all items (the archive's)."""
    report = audience(database, composer)
    keys = set(report.by_variant) | {composer.full_variant(lang) for lang in campaign.languages}
    return sorted(keys)


def html_size(composer: Composer, key: VariantKey) -> int:
    """Bytes of the variant's HTML with the personal fields filled (``TemplateError``)."""
    return composer.variant(key).html.size_without_fields + PERSONAL_FIELDS_BYTES


def _variant_problems(
    campaign: Campaign, database: Database, composer: Composer
) -> Iterator[Problem]:
    report = audience(database, composer)
    if report.total == 0:
        message = "empty audience: no active subscriber matches lists and segment"
        yield _error(campaign, "lists", message)
    for key in variant_keys(campaign, database, composer):
        try:
            size = html_size(composer, key)
        except TemplateError as exc:
            yield _error(campaign, "template", str(exc))
            return
        if size > GMAIL_CLIP_BYTES:
            yield _error(
                campaign,
                f"content.{key.language}",
                f"variant {key.name} is {size / 1024:.0f} KB of HTML; Gmail clips messages over "
                "102 KB: shorten the text or show fewer items",
            )
