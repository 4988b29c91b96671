"""What the staff browser tests of issue 19 share: signing in, screenshots at two widths."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS, STAFF, Service, picture

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


def sign_in(service: Service, page: Page, path: str = "/staff/") -> None:
    page.goto(f"{service.base_url}{path}")
    page.get_by_label("Email address").fill(STAFF[0])
    page.get_by_label("Password").fill(STAFF[1])
    page.locator("#login-submit").click()
    expect(page.locator("#signed-in-as")).to_be_visible()
    ready(page)


def ready(page: Page) -> None:
    """staff.js has wired the page (a choice made before that would go unseen)."""
    expect(page.locator("html")).to_have_attribute("data-ready", "yes")


def shoot(service: Service, page: Page, name: str) -> None:
    """``name``-laptop.png and ``name``-phone.png of the page as it is (whole page)."""
    if not SCREENSHOTS:
        return
    for width, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        picture(page, service.shots / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size(LAPTOP)


def no_sideways_scroll(page: Page) -> bool:
    """The page itself does not scroll sideways (tables may, inside their box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
