"""Compiling one variant of an issue, once: Markdown, Jinja2, MJML, CSS inlining, text part."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from mailer.core.campaigns import Campaign
from mailer.core.languages import direction
from mailer.core.links import event_calendar_url
from mailer.core.message import EightBit
from mailer.core.recent import Recent
from mailer.core.selection import VariantKey, items_by_id
from mailer.core.tracking import CLICK_FIELD
from mailer.core.wrap import wrap_html
from mailer.errors import TemplateError
from mailer.render import markdown
from mailer.render.events import timing_context
from mailer.render.personal import PersonalTemplate, Placeholders
from mailer.render.templates import MJ_INCLUDE, TemplateSet
from mailer.render.tracking import track_html


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class CompiledVariant:
    """One variant ready for recipients: only personal fields remain to be filled."""

    key: VariantKey
    subject: str
    preheader: str
    html: PersonalTemplate
    text: PersonalTemplate
    strings: Mapping[str, str]
    tracking: bool = False
    # with tracking on, the links this variant shows: (field, position, destination)
    clicks: tuple[tuple[str, int, str], ...] = ()

    @property
    def language(self) -> str:
        return self.key.language

    def render(self, values: Mapping[str, str]) -> RenderedMessage:
        return RenderedMessage(self.subject, self.html.render(values), self.text.render(values))

    def fill(self, values: Mapping[str, str]) -> Filled | None:
        return fill(self.subject, self.text, self.html, values)


@dataclass(frozen=True, slots=True)
class Filled:
    """A message's parts as 8-bit bodies (UTF-8, CRLF, lines of 998 bytes at most)."""

    subject: str
    text: EightBit
    html: EightBit


def fill(
    subject: str, text: PersonalTemplate, html: PersonalTemplate, values: Mapping[str, str]
) -> Filled | None:
    """Both parts filled straight into bytes, or None when one needs ``render`` (see ``fill``)."""
    text_body = text.fill(values)
    if text_body is None:
        return None
    html_body = html.fill(values)
    return None if html_body is None else Filled(subject, text_body, html_body)


def greeting(strings: Mapping[str, str], name: str) -> str:
    """``Dear Ana,`` or the anonymous greeting of the language."""
    if name and "greeting_named" in strings:
        return strings["greeting_named"].format(name=name)
    return strings.get("greeting", "")


def render_layout(
    templates: TemplateSet,
    name: str,
    context: Mapping[str, Any],
    *,
    tracked: Sequence[str] | None = None,
) -> tuple[PersonalTemplate, PersonalTemplate]:
    """Render ``<name>.mjml.j2`` and ``<name>.txt.j2`` at campaign level and compile them.

    With ``tracked`` (tracking on), those links of the HTML part become ``click_<i>`` fields
    and an ``open_pixel`` field goes before ``</body>``; the text part keeps the real links.
    """
    placeholders = Placeholders.fresh()
    full = {**context, "recipient": placeholders.as_context()}
    mjml_text = _render(templates, f"{name}.mjml.j2", full)
    if MJ_INCLUDE.search(mjml_text):
        raise TemplateError(f"templates/{name}.mjml.j2: mj-include is not allowed")
    # the same text with this call's nonce as the process's own: a page that lints or previews
    # the same issue again gets its HTML from the cache (see _to_html)
    canonical = mjml_text.replace(placeholders.nonce, _CANONICAL.nonce)
    key = (name, hashlib.sha256(canonical.encode()).digest())
    html = _HTML.get(key)
    if html is None:
        html = _to_html(name, canonical)
        _HTML.put(key, html)
    inlined = html.replace(_CANONICAL.nonce, placeholders.nonce)
    if tracked is not None:
        inlined = track_html(inlined, tracked, placeholders)
    text = _render(templates, f"{name}.txt.j2", full)
    return (
        PersonalTemplate(wrap_html(inlined), placeholders, html=True),
        PersonalTemplate(text, placeholders, html=False),
    )


# A secret of this process standing for each call's nonce in the cache's keys and values:
# neither an issue's text nor a template can know it, so none can forge a personal field.
_CANONICAL = Placeholders.fresh()


# The HTML of the last few hundred variants compiled, by layout and MJML text (its SHA-256).
# The lint compiles every variant of an issue (its size against Gmail's clipping) for each page
# of it, and the webinar sample has twenty; the HTML is 40 to 100 KB each.
_HTML: Recent[tuple[str, bytes], str] = Recent(256)


def _to_html(name: str, mjml_text: str) -> str:
    """MJML to HTML, its CSS inlined: the costly half of a variant (about 60 ms of the sample's),
    and a pure function of its text."""
    # imported here: they and what they bring (lxml, cssutils, requests) are a fifth of a
    # second of every command's start, and most commands never compile a variant
    import mjml
    import premailer

    try:
        html = mjml.mjml2html(mjml_text, disable_comments=True, fonts={})
    except ValueError as exc:
        raise TemplateError(f"templates/{name}.mjml.j2: MJML: {exc}") from None
    # premailer drops a lower-case doctype, strips !important from the media queries MJML
    # keeps for phones, and rewrites <img width="552"> to 100% (Outlook then draws the image at
    # its natural size); each is turned off here.
    html = re.sub(r"^\s*<!doctype html>", "<!DOCTYPE html>", html, count=1, flags=re.IGNORECASE)
    inlined = premailer.Premailer(
        html,
        preserve_handlebar_syntax=True,
        allow_network=False,
        allow_loading_external_files=False,
        cssutils_logging_level=logging.CRITICAL,
        disable_validation=True,
        strip_important=False,
        disable_basic_attributes=["width", "height"],
        # premailer parses every image's style (uncached: a third of its time) to give a
        # floated image an align attribute; an HTML with no float has no image to align
        align_floating_images="float" in html,
    ).transform()
    return str(inlined)


def _render(templates: TemplateSet, name: str, context: Mapping[str, Any]) -> str:
    template = templates.get(name)
    try:
        return template.render(context)
    except SecurityError as exc:
        raise TemplateError(f"templates/{name}: refused by the sandbox: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"templates/{name}: unresolved field: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"templates/{name}: {exc}") from None


def variant_context(
    campaign: Campaign,
    key: VariantKey,
    *,
    strings: Mapping[str, str],
    organisation: Mapping[str, str],
    view_online: str,
    base_url: str = "",
) -> dict[str, Any]:
    """What the layout sees at campaign level for one variant; ``base_url`` makes the
    events' calendar links."""
    content = campaign.content[key.language]
    lookup = items_by_id(campaign)
    items = []
    for item_id in key.items:
        item = lookup[item_id]
        text = item.content[key.language]
        items.append(
            {
                "id": item.id,
                "link": item.link,
                "image": item.image,
                "image_alt": text.image_alt,
                "title": text.title,
                "summary_html": markdown.to_markup(text.summary),
                "summary_text": markdown.to_text(text.summary),
                **timing_context(
                    item,
                    key.zone,
                    key.language,
                    strings,
                    event_calendar_url(base_url, campaign.slug, item.id, key.language)
                    if base_url
                    else "",
                ),
            }
        )
    return {
        "lang": key.language,
        "dir": direction(key.language),
        "t": strings,
        "org": dict(organisation),
        "campaign": {
            "slug": campaign.slug,
            "subject": content.subject,
            "preheader": content.preheader,
            "intro_html": markdown.to_markup(content.intro),
            "intro_text": markdown.to_text(content.intro),
        },
        "items": items,
        "links": {"view_online": view_online},
    }


def compile_variant(
    templates: TemplateSet,
    campaign: Campaign,
    key: VariantKey,
    *,
    organisation: Mapping[str, str],
    view_online: str,
    tracked: Sequence[str] | None = None,
    base_url: str = "",
) -> CompiledVariant:
    """One variant; ``tracked`` (the issue's ``tracked_links``) when tracking is on."""
    strings = templates.strings(key.language)
    context = variant_context(
        campaign,
        key,
        strings=strings,
        organisation=organisation,
        view_online=view_online,
        base_url=base_url,
    )
    html, text = render_layout(templates, campaign.template, context, tracked=tracked)
    content = campaign.content[key.language]
    if tracked is None:
        return CompiledVariant(key, content.subject, content.preheader, html, text, strings)
    clicks = tuple(
        (field, int(field[len(CLICK_FIELD) :]), tracked[int(field[len(CLICK_FIELD) :])])
        for field in html.fields
        if field.startswith(CLICK_FIELD)
    )
    return CompiledVariant(
        key, content.subject, content.preheader, html, text, strings, True, clicks
    )


def compile_system_message(
    templates: TemplateSet,
    name: str,
    language: str,
    *,
    organisation: Mapping[str, str],
    lists: list[str],
    note: str = "",
) -> tuple[str, PersonalTemplate, PersonalTemplate]:
    """A system message (``confirm``, ``welcome``, ``unsubscribed``) in ``language``.

    Returns the subject and the HTML and text templates whose personal fields (the confirm
    link, the preferences and unsubscribe links) are filled per recipient. ``note`` says
    which edition of the issues the reader will get (``Editions.note``).
    """
    strings = templates.strings(language)
    context = {
        "lang": language,
        "dir": direction(language),
        "t": strings,
        "org": dict(organisation),
        "lists": lists,
        "note": note,
    }
    html, text = render_layout(templates, f"system/{name}", context)
    return strings.get(f"{name}_subject", name), html, text
