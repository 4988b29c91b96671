"""What the staff browser tests of issue 19 share: signing in, screenshots at two widths."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import STAFF, Service

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


def sign_in(service: Service, page: Page, path: str = "/staff/") -> None:
    page.goto(f"{service.base_url}{path}")
    page.get_by_label("Email address").fill(STAFF[0])
    page.get_by_label("Password").fill(STAFF[1])
    page.locator("#login-submit").click()
    expect(page.locator("#signed-in-as")).to_be_visible()


def shoot(service: Service, page: Page, name: str) -> None:
    """``name``-laptop.png and ``name``-phone.png of the page as it is (whole page)."""
    for width, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=service.shots / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size(LAPTOP)


def no_sideways_scroll(page: Page) -> bool:
    """The page itself does not scroll sideways (tables may, inside their box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
