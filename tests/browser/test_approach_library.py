"""The approaches library in a real browser against `mailer serve`: create an approach in
English and Russian (language tabs, the card preview following the typing), find it in the
library, add it to an issue from the editor's drawer and see it in the preview of a reader it
is for (and not of one it is not for); approve that issue, edit the approach's summary, and
see the approved issue's preview unchanged while a draft shows "update available" and takes
it with one click. Screenshots at laptop (1280) and phone (375) width."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from mailer import approaches, issues
from mailer.app import App
from mailer.campaigns import lifecycle
from mailer.config import load_settings
from mailer.core.issue_workflow import Actor
from mailer.db.schema import campaign, delivery
from tests.browser.conftest import SCREENSHOTS, STAFF, Service, live_service
from tests.browser.test_issue_editor import image_bytes
from tests.waiting import PATIENCE, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

SIZES = {"laptop": {"width": 1280, "height": 860}, "phone": {"width": 375, "height": 812}}
SLUG = "mentors-skopje"
APPROVED = "2027-02-approved"
DRAFT = "2027-02-draft"
SECOND = ("bo@example.org", "bo's long passphrase 22")  # an approver, not the author
TITLE_EN = "Mentors in Skopje: older boys, younger boys"
TITLE_RU = "Наставники в Скопье: старшие и младшие"
FIRST = "Older boys meet younger ones each week to talk about school and care."
SECOND_TEXT = "In 2027 forty mentors meet eighty boys in six schools."


def issue_document(title: str) -> dict[str, object]:
    return {
        "template": "newsletter",
        "lists": ["members"],
        "languages": ["en", "ru"],
        "content": {
            "en": {"subject": title, "intro": "Dear colleagues, this month's approaches."},
            "ru": {"subject": f"{title} (ru)", "intro": "Дорогие коллеги, подходы месяца."},
        },
        "items": [],
    }


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with live_service(tmp_path_factory.mktemp("library")) as service:
        added = service.mailer(
            "users", "add", SECOND[0], "--role", "approver", "--password-stdin", input=SECOND[1]
        )
        assert added.returncode == 0, added.stderr
        with App(load_settings(service.config, environ={})).start(migrate=False) as app:
            for slug in (APPROVED, DRAFT):
                issues.create_issue(
                    app.issue_desk(),
                    slug,
                    issue_document("February digest" if slug == APPROVED else "February draft"),
                    by=Actor(STAFF[0], "admin"),
                    now=app.clock(),
                )
        yield service


def signed_in(browser: Browser, live: Service, path: str) -> Page:
    context: BrowserContext = browser.new_context(viewport=SIZES["laptop"], locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(PATIENCE * 1000)
    page.goto(f"{live.base_url}{path}")
    page.get_by_label("Email address").fill(STAFF[0])
    page.get_by_label("Password").fill(STAFF[1])
    page.locator("#login-submit").click()
    return page


def shots(
    page: Page,
    live: Service,
    name: str,
    *,
    whole_phone: bool = False,
    centre: Locator | None = None,
) -> None:
    """Laptop and phone screenshots of what the screen shows (a full-page shot of a page with
    a sticky bar and a message frame paints both wrongly in chromium), unless ``whole_phone``.
    Only for `make screenshots` (``$MAILER_SCREENSHOTS``), as everywhere."""
    if not SCREENSHOTS:
        return
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        if centre is None:
            page.evaluate("window.scrollTo(0, 0)")
        else:
            centre.evaluate("el => el.scrollIntoView({block: 'center'})")
        page.screenshot(
            path=live.shots / f"{name}-{size}.png", full_page=whole_phone and size == "phone"
        )
    page.set_viewport_size(SIZES["laptop"])


def add_from_drawer(page: Page, live: Service, issue: str, *, shoot: bool = False) -> None:
    page.goto(f"{live.base_url}/staff/issues/{issue}/edit")
    # editor.js has wired the page: a click on "Add from library" before would go unseen
    expect(page.locator("#editor")).to_have_attribute("data-ready", "yes")
    page.locator("#open-library").click()
    expect(page.locator("#drawer-title")).to_be_visible()
    page.locator("#drawer-q").fill("скопье")  # Russian, lower case: finds it anyway
    expect(page.locator(f"#drawer-{SLUG}")).to_be_visible()
    expect(page.locator("#drawer-fathers-clubs-kakheti")).to_be_hidden()
    expect(page.locator(f"#drawer-{SLUG} .suggested-tag")).to_be_visible()
    if shoot:
        page.locator("#drawer-q").fill("")
        shots(page, live, "staff-library-drawer")
        page.locator("#drawer-q").fill("скопье")
    page.locator("#close-library").click()
    expect(page.locator("#drawer-title")).to_be_hidden()
    page.locator("#open-library").click()
    page.locator(f"#add-{SLUG}").click()
    page.wait_for_url(f"**/staff/issues/{issue}/edit#items")
    expect(page.locator(f'#item-cards [data-approach="{SLUG}"]').first).to_be_visible()


def test_create_in_two_languages_add_from_the_drawer_and_preview_as_a_reader(
    live: Service, browser: Browser
) -> None:
    page = signed_in(browser, live, "/staff/approaches")
    expect(page.locator("#library-title")).to_have_text("Approaches library")
    expect(page.locator("#library-list .approach-row")).to_have_count(8)  # the sample's
    page.locator("#lib-q").fill("КЛУБЫ")
    page.locator("#lib-search").click()
    expect(page.locator("#library-list .approach-row")).to_have_count(1)
    page.goto(f"{live.base_url}/staff/approaches")
    shots(page, live, "staff-library", whole_phone=True)

    page.locator("#new-approach").click()
    page.locator("#a-slug").fill(SLUG)
    page.locator("#a-state").select_option("published")
    page.locator("#a-organisation").fill("Youth centre, Skopje")
    page.locator("#a-countries").fill("MK")
    page.locator("#a-interests").fill("youth engagement")
    page.locator("#a-links").fill("https://example.org/mentors-skopje")
    page.locator("#a-image-file").set_input_files(
        files=[{"name": "mentors.png", "mimeType": "image/png", "buffer": image_bytes("PNG")}]
    )
    expect(page.locator("#a-image")).to_have_value(re.compile(rf"^{live.base_url}/images/"))
    page.locator("#a-en-alt").fill("Two boys talking on a school bench")
    page.locator("#a-en-title").fill(TITLE_EN)
    page.locator("#a-en-summary").fill(FIRST)
    card = page.frame_locator("#card-preview-frame").locator("body")
    expect(card).to_contain_text(TITLE_EN)
    image = page.locator("#a-image").input_value()
    expect(page.frame_locator("#card-preview-frame").locator(f'img[src="{image}"]')).to_be_visible()
    page.locator("#tab-ru").click()
    expect(page.locator("#a-en-title")).to_be_hidden()
    page.locator("#a-ru-title").fill(TITLE_RU)
    page.locator("#a-ru-summary").fill("Старшие ребята каждую неделю встречаются с младшими.")
    # an image needs its description in each language before a newsletter can show it
    expect(card).to_contain_text("needs alt text")
    page.locator("#a-ru-alt").fill("Двое ребят разговаривают на школьной скамейке")
    expect(card).to_contain_text(TITLE_RU)  # the preview follows the tab's language
    expect(page.locator("#tab-ru")).to_contain_text("✓")  # both languages have their text
    shots(page, live, "staff-approach-editor")
    page.locator("#save").click()
    page.wait_for_url(f"**/staff/approaches/{SLUG}?saved=1")
    expect(page.locator("#save-status")).to_contain_text("revision 1")
    expect(page.locator("#tab-ru")).to_contain_text("✓")
    expect(page.locator("#tab-en")).to_contain_text("✓")

    add_from_drawer(page, live, APPROVED, shoot=True)
    # a reader in North Macedonia interested in youth engagement gets it, in Russian
    page.locator("#p-lang").select_option("ru")
    page.locator("#p-country").select_option("MK")
    page.locator("#p-interest").select_option("youth engagement")
    page.locator("#preview-button").click()
    frame = page.frame_locator("#preview-frame").locator("body")
    expect(frame).to_contain_text(TITLE_RU)
    page.locator("#p-country").select_option("KG")  # not for Kyrgyzstan
    page.locator("#preview-button").click()
    expect(frame).not_to_contain_text(TITLE_RU)


def test_an_approved_issue_keeps_its_text_and_a_draft_takes_the_update(
    live: Service, browser: Browser
) -> None:
    page = signed_in(browser, live, "/staff/approaches")
    add_from_drawer(page, live, DRAFT)
    with App(load_settings(live.config, environ={})).start(migrate=False) as app:
        desk = app.issue_desk()
        current = issues.get_issue(desk, APPROVED).revision
        state = issues.approve(
            desk, APPROVED, current, by=Actor(SECOND[0], "approver"), now=app.clock()
        )
        assert state == "approved"

    page.goto(f"{live.base_url}/staff/approaches/{SLUG}")
    page.locator("#a-en-summary").fill(SECOND_TEXT)
    page.locator("#a-message").fill("2027 figures")
    page.locator("#save").click()
    page.wait_for_url(f"**/staff/approaches/{SLUG}?saved=2")

    page.goto(f"{live.base_url}/staff/issues/{APPROVED}/preview?lang=en")
    approved = page.frame_locator("#preview-frame").locator("body")
    expect(approved).to_contain_text(FIRST)
    expect(approved).not_to_contain_text(SECOND_TEXT)

    page.goto(f"{live.base_url}/staff/issues/{DRAFT}/edit")
    expect(page.locator("#approach-updates")).to_be_visible()
    expect(page.locator("#approach-updates")).to_contain_text(SLUG)
    card_update = page.locator(f'#item-cards [data-update="{SLUG}"]')
    expect(card_update).to_contain_text("revision 1; the library has revision 2")
    shots(page, live, "staff-library-update", centre=card_update)
    card_update.locator("button").click()  # one click, on the item itself
    page.wait_for_url(f"**/staff/issues/{DRAFT}/edit?updated=1")
    expect(page.locator("#approach-updates")).to_have_count(0)
    page.locator("#p-lang").select_option("en")
    page.locator("#preview-button").click()
    expect(page.frame_locator("#preview-frame").locator("body")).to_contain_text(SECOND_TEXT)
    # the approved issue goes out; the library shows where the approach was used and how
    # many recipients got it (the readers it is for: the ledger's sent messages with it)
    with App(load_settings(live.config, environ={})).start(migrate=False) as app:
        text = issues.campaign_text(app.issue_desk(), APPROVED)
        lifecycle.start(app.database, text.valid_campaign(), text.text, now=app.clock())
    wait_for("the approved issue to be sent", lambda: waiting(live) == 0)
    got = sent_with_it(live)
    assert got > 0
    page.goto(f"{live.base_url}/staff/approaches?q=skopje")
    row = page.locator(f"#approach-{SLUG}")
    expect(row).to_contain_text(f"{got} recipients got it")
    row.locator("summary").click()
    expect(row.locator("tbody tr")).to_have_count(2)
    expect(row).to_contain_text(APPROVED)
    expect(row).to_contain_text(DRAFT)
    shots(page, live, "staff-library-used", centre=row)
    page.goto(f"{live.base_url}/staff/approaches?never=1")
    expect(page.locator(f"#approach-{SLUG}")).to_have_count(0)


def _count(live: Service, *where: sa.ColumnElement[bool]) -> int:
    """Deliveries of the approved issue (``where``), read from its database."""
    query = (
        sa.select(sa.func.count())
        .select_from(delivery.join(campaign, campaign.c.id == delivery.c.campaign_id))
        .where(campaign.c.slug == APPROVED, *where)
    )
    settings = load_settings(live.config, environ={})
    with App(settings).start(migrate=False) as app, app.database.read() as conn:
        return int(conn.execute(query).scalar_one())


def waiting(live: Service) -> int:
    """Messages of the approved issue not sent yet (a variant is recorded when sent)."""
    return _count(live, delivery.c.state.in_(("queued", "sending", "deferred")))


def sent_with_it(live: Service) -> int:
    return _count(live, delivery.c.variant.like(f"%{SLUG}%"), delivery.c.state == "sent")


AUTOSAVED = "peer-visits-osh"


def test_the_approach_editor_saves_by_itself_and_stops_at_a_colleagues_save(
    live: Service, browser: Browser
) -> None:
    """Three seconds after typing stops the page saves; when a colleague saved in between,
    it saves nothing, says who did, and Save shows both texts."""
    document = {
        "kind": "approach",
        "state": "draft",
        "languages": ["en"],
        "content": {"en": {"title": "Peer visits in Osh", "summary": "Youth workers visit."}},
    }
    with App(load_settings(live.config, environ={})).start(migrate=False) as app:
        approaches.create_approach(
            app.database, AUTOSAVED, document, by=Actor(STAFF[0], "admin"), now=app.clock()
        )
    context = browser.new_context(viewport=SIZES["laptop"], locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(PATIENCE * 1000)
    page.clock.install()  # the autosave's timer is moved on, not waited for
    page.goto(f"{live.base_url}/staff/approaches/{AUTOSAVED}")
    page.get_by_label("Email address").fill(STAFF[0])
    page.get_by_label("Password").fill(STAFF[1])
    page.locator("#login-submit").click()
    expect(page.locator("#approach-editor")).to_have_attribute("data-ready", "yes")

    page.locator("#a-en-summary").fill("Youth workers from two countries visit each other.")
    expect(page.locator("#save-status")).to_have_text("Unsaved changes")
    page.clock.fast_forward(3000)
    expect(page.locator("#save-status")).to_contain_text("Saved")
    with App(load_settings(live.config, environ={})).start(migrate=False) as app:
        view = approaches.get_approach(app.database, AUTOSAVED)
        assert view.revision == 2
        assert view.document["content"]["en"]["summary"].startswith("Youth workers from two")
        theirs = {**view.document, "organisation": "Youth centre, Osh"}
        approaches.save_approach(
            app.database,
            AUTOSAVED,
            theirs,
            base_revision=2,
            by=Actor(SECOND[0], "approver"),
            now=app.clock(),
        )

    page.locator("#a-en-summary").fill("Mine, typed while a colleague saved.")
    page.clock.fast_forward(3000)
    expect(page.locator("#save-status")).to_contain_text(f"Not saved: {SECOND[0]} saved revision 3")
    with App(load_settings(live.config, environ={})).start(migrate=False) as app:
        view = approaches.get_approach(app.database, AUTOSAVED)
        assert view.revision == 3  # theirs stands; nothing of mine overwrote it
        assert view.document["organisation"] == "Youth centre, Osh"
    shots(page, live, "staff-library-autosave-stopped")
    page.locator("#save").click()
    expect(page.locator("#conflict")).to_be_visible()
    expect(page.locator("#a-en-summary")).to_have_value("Mine, typed while a colleague saved.")
    shots(page, live, "staff-library-autosave-conflict", centre=page.locator("#conflict"))
    context.close()
