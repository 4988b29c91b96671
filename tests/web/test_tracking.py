"""Open and click tracking over HTTP (httpx in process), after a real send, on both databases."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from mailer.app import App
from mailer.campaigns import source, tracking
from mailer.core.links import unsubscribe_url
from mailer.core.tokens import bounce_token, make_token
from mailer.core.tracking import Signer
from mailer.db import Database
from mailer.web.app import create_app
from tests.conftest import TEST_SECRET, Cli, link_nonce, settings_for, table_count
from tests.integration.test_tracking_render import (
    BASE,
    HREF,
    PIXEL,
    WEBSITE,
    deliveries_by_email,
    html_of,
    issue,
    send,
    start,
)

GIF_START = b"GIF89a\x01\x00\x01\x00"
NOT_VALID = "This link is not valid"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0)

    def __call__(self) -> datetime:
        return self.now


def web_app(db_url: str, clock: Clock) -> App:
    settings = settings_for(db_url, web__base_url=BASE, organisation__website=WEBSITE)
    return App(settings, clock=clock)


async def _get(app: App, paths: list[str]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        return [await client.get(path) for path in paths]


def get(app: App, *paths: str) -> list[httpx.Response]:
    return asyncio.run(_get(app, list(paths)))


def events(db: Database) -> list[tuple[str, int, int | None]]:
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT kind, delivery_id, link FROM event ORDER BY id").all()
    return [(kind, int(delivery), link) for kind, delivery, link in rows]


def sent_issue(cli: Cli, db: Database, db_url: str, tmp_path: Path) -> dict[str, str]:
    """Sends the tracked issue; the HTML each recipient received, by address."""
    start(cli, db, tmp_path, issue(tmp_path, "tracked", tracking=True))
    return {email: html_of(data) for email, data in send(db_url)}


def pixel_path(html: str) -> str:
    found = PIXEL.search(html)
    assert found is not None
    return found[1].removeprefix(BASE)


def click_paths(html: str) -> list[str]:
    """The distinct tracking links of a message, in order of appearance."""
    hrefs = [h.removeprefix(BASE) for h in HREF.findall(html) if h.startswith(f"{BASE}/t/c/")]
    return list(dict.fromkeys(hrefs))


def test_an_open_is_recorded_once_and_the_pixel_is_always_the_same(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    html = sent_issue(cli, db, db_url, tmp_path)["nino@example.org"]
    delivery_id = deliveries_by_email(db)["nino@example.org"][0]
    clock = Clock()
    app = web_app(db_url, clock)
    path = pixel_path(html)
    first, again = get(app, path, path)
    for response in (first, again):
        assert response.status_code == 200
        assert response.content.startswith(GIF_START)
        assert len(response.content) == 43
        assert response.headers["content-type"] == "image/gif"
        assert "no-store" in response.headers["cache-control"]
    assert first.content == again.content
    assert events(db) == [("open", delivery_id, None)]  # a refetch within a minute is one open

    clock.now += timedelta(minutes=5)
    get(app, path)
    stats = tracking.stats(db, "tracked")
    assert (stats.opens, stats.openers, stats.sent) == (2, 1, 2)

    # a bad token still gets the same picture, and nothing is recorded
    token = path.removeprefix("/t/o/").removesuffix(".gif")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    other = make_token(TEST_SECRET, "open", "d999999")  # valid signature, no such delivery
    click_token = click_paths(html)[0].removeprefix("/t/c/")
    bad = [f"/t/o/{t}.gif" for t in (tampered, other, click_token, "nonsense", "k1..x")]
    for response in get(app, *bad):
        assert response.status_code == 200
        assert response.content == first.content
        assert "no-store" in response.headers["cache-control"]
    assert len(events(db)) == 2


def test_a_click_redirects_to_its_link_and_is_recorded_with_its_position(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    html = sent_issue(cli, db, db_url, tmp_path)["ana@example.org"]
    delivery_id = deliveries_by_email(db)["ana@example.org"][0]
    app = web_app(db_url, Clock())
    paths = click_paths(html)
    positions = [
        int(re.findall(r"^/t/c/k\w+\.d\d+\.[\w-]{8}\.l(\d+)\.[\w-]+$", p)[0]) for p in paths
    ]
    # what the issue links to, in Serbian, in the order the use case numbers them
    links = app.composer(source.load_valid(tmp_path / "tracked")).tracked_links("sr")
    responses = get(app, *paths)
    for position, response in zip(positions, responses, strict=True):
        assert response.status_code == 302
        assert "no-store" in response.headers["cache-control"]
        assert response.headers["location"] == links[position]
    assert {r.headers["location"] for r in responses} >= {
        "https://example.org/eeca/partners-2027",  # a link in the intro
        WEBSITE,
    }
    recorded = events(db)
    assert [kind for kind, _, _ in recorded] == ["click"] * len(paths)
    assert {delivery for _, delivery, _ in recorded} == {delivery_id}
    assert [link for _, _, link in recorded] == positions

    # an item's title and button (and image) links share one token: one link, one position
    first_item = paths[positions.index(min(positions))]
    assert html.count(f'href="{BASE}{first_item}"') >= 2
    stats = tracking.stats(db, "tracked", website=WEBSITE)
    assert stats.clicks == len(paths)
    assert stats.clickers == 1
    assert {link.link for link in stats.links} == {r.headers["location"] for r in responses}

    out = cli("campaign", "stats", "tracked", "--json")
    assert out.exit_code == 0
    shown = json.loads(out.stdout)
    assert shown["tracking"] is True
    assert shown["clicks"] == len(paths)
    assert shown["unique_clicks"] == 1
    assert shown["sent"] == 2
    text = cli("campaign", "stats", "tracked")
    assert "2 sent, 0 opened" in text.stdout
    assert "1 clicked" in text.stdout


def test_a_bad_click_token_gets_one_generic_page_and_records_nothing(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    html = sent_issue(cli, db, db_url, tmp_path)["nino@example.org"]
    delivery_id, subscriber_id, _, _ = deliveries_by_email(db)["nino@example.org"]
    app = web_app(db_url, Clock())
    good = click_paths(html)[0].removeprefix("/t/c/")
    key_id, subject, signature = good.split(".", 1)[0], *good.split(".", 1)[1].rsplit(".", 1)
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    open_token = pixel_path(html).removeprefix("/t/o/").removesuffix(".gif")
    nonce = link_nonce(db, subscriber_id)
    unsubscribe = unsubscribe_url(BASE, TEST_SECRET, subscriber_id, nonce).rsplit("/", 1)[1]
    bad = [
        f"{key_id}.{subject}.{flipped}",  # tampered signature
        f"{key_id}.d{delivery_id}.{nonce}.l1.{signature}",  # another link, same signature
        f"k2.{subject}.{signature}",  # unknown key id
        make_token("another-secret-key-0123456789", "click", subject),  # someone else's key
        make_token(TEST_SECRET, "click", "d999999.l0"),  # no such delivery
        make_token(TEST_SECRET, "click", f"d{delivery_id}.{nonce}.l999"),  # no such link
        make_token(TEST_SECRET, "click", f"d{delivery_id}.{'x' * 8}.l0"),  # not their nonce
        make_token(TEST_SECRET, "click", f"d{delivery_id}.l0"),  # no nonce: made before them
        open_token,  # an open token on the click route
        unsubscribe,  # an unsubscribe token
        bounce_token(TEST_SECRET, delivery_id, nonce),  # a bounce (VERP) token
        make_token(TEST_SECRET, "click", f"s{subscriber_id}"),  # not a delivery subject
        "nonsense",
    ]
    responses = get(app, *(f"/t/c/{token}" for token in bad))
    bodies = set()
    for token, response in zip(bad, responses, strict=True):
        assert response.status_code == 404, token
        assert NOT_VALID in response.text
        assert "location" not in response.headers
        bodies.add(response.text)
    assert len(bodies) == 1  # one page whatever the fault: it tells an attacker nothing
    assert events(db) == []
    assert get(app, f"/t/c/{good}")[0].status_code == 302  # the real one still works


def test_a_campaign_with_tracking_off_records_nothing(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    start(cli, db, tmp_path, issue(tmp_path, "plain", tracking=False))
    received = dict(send(db_url))
    html = html_of(received["nino@example.org"])
    assert "/t/c/" not in html
    assert "/t/o/" not in html
    delivery_id, subscriber_id, _, _ = deliveries_by_email(db)["nino@example.org"]
    nonce = link_nonce(db, subscriber_id)
    # tokens we could have signed for it: the pixel answers, a click still leads to the link
    signer = Signer(TEST_SECRET)
    app = web_app(db_url, Clock())
    pixel, click = get(
        app,
        signer.open_url("", delivery_id, nonce),
        signer.click_url("", delivery_id, nonce, 0),
    )
    assert pixel.status_code == 200
    assert pixel.content.startswith(GIF_START)
    assert click.status_code == 302
    assert click.headers["location"] == "https://example.org/eeca/approaches/fathers-clubs-kakheti"
    assert events(db) == []
    stats = tracking.stats(db, "plain")
    assert not stats.tracking
    assert stats.opens == 0
    assert stats.clicks == 0
    assert "tracking is off" in cli("campaign", "stats", "plain").stdout


def test_erasing_a_subscriber_erases_their_events(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    received = sent_issue(cli, db, db_url, tmp_path)
    app = web_app(db_url, Clock())
    for html in received.values():
        get(app, pixel_path(html), click_paths(html)[0])
    assert table_count(db, "event") == 4
    erased = cli("subscribers", "erase", "nino@example.org", "--yes")
    assert erased.exit_code == 0, erased.output
    remaining = events(db)
    ana = deliveries_by_email(db)["ana@example.org"][0]
    assert {delivery for _, delivery, _ in remaining} == {ana}
    assert len(remaining) == 2
    stats = tracking.stats(db, "tracked")
    assert (stats.openers, stats.clickers) == (1, 1)
    assert cli("campaign", "stats", "no-such-issue").exit_code == 2
