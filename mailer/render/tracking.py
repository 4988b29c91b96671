"""Which links of an issue are tracked, and how a compiled HTML part gets its tracking holes.

``tracked_links`` is the one list both sides use: at compile time a link's position in it
becomes the per-recipient field ``click_<position>``; when a click comes back, the same
function over the campaign as started turns the position into the destination. It is a
pure function of the campaign, the language and the organisation's website, so it gives the
same answer at both times.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from mailer.core.campaign_items import is_web_url
from mailer.core.campaigns import Campaign
from mailer.core.tracking import CLICK_FIELD, PIXEL_FIELD
from mailer.render import markdown
from mailer.render.personal import Placeholders

_ANCHOR_HREF = re.compile(r"""(<a\b[^>]*?\shref=)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def tracked_links(campaign: Campaign, language: str, *, website: str = "") -> tuple[str, ...]:
    """Every web link the issue shows in ``language``, each once, in a stable order.

    Item links first (campaign order, so an item's position is the same in every language
    and every variant), then links written in the intro and in item summaries, then events'
    registration links, then the organisation's website (last: it comes from the settings,
    not from the campaign).
    """
    found: dict[str, None] = {}
    for item in campaign.items:
        found.setdefault(item.link, None)
    written = [campaign.content[language].intro]
    written += [item.content[language].summary for item in campaign.items]
    for text in written:
        for link in markdown.links(text):
            found.setdefault(link.strip(), None)
    for item in campaign.items:  # after the others, so their positions stay as they were
        if item.event is not None and item.event.registration:
            found.setdefault(item.event.registration, None)
    if website:
        found.setdefault(website, None)
    return tuple(link for link in found if is_web_url(link))


def track_html(html_text: str, links: Sequence[str], placeholders: Placeholders) -> str:
    """``html_text`` with each tracked link's href replaced by its ``click_<i>`` placeholder
    and the open pixel's placeholder put before ``</body>``.

    Links not in ``links`` (view online, unsubscribe, preferences, anything the layout
    itself adds) are left as they are.
    """
    position = {link: index for index, link in enumerate(links)}
    placeholder = placeholders.hole

    def replace(match: re.Match[str]) -> str:
        index = position.get(html.unescape(match[3]).strip())
        if index is None:
            return match[0]
        return f"{match[1]}{match[2]}{placeholder(f'{CLICK_FIELD}{index}')}{match[2]}"

    tracked = _ANCHOR_HREF.sub(replace, html_text)
    pixel = placeholder(PIXEL_FIELD)
    ends = list(_BODY_END.finditer(tracked))
    if not ends:
        return tracked + pixel
    cut = ends[-1].start()
    return tracked[:cut] + pixel + tracked[cut:]
