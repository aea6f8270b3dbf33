"""The sign-in page on a first visit: the cookie card sits in the page under the sign-in card, so
it never covers the form: on a phone (390×844), a short laptop screen and a desktop, in English
and Chinese. The form signs in with the card unanswered, and the card is still asked in the shell."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

ACTIONS = ("#dev-login-submit", "#google-login")


def _box(page: Page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def _on_top(page: Page, selector: str) -> bool:
    """Nothing covers the element's centre: a click there reaches it."""
    return page.evaluate("""(selector) => {
        const element = document.querySelector(selector);
        const r = element.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit !== null && element.contains(hit);
    }""", selector)


def _assert_form_uncovered(page: Page, height: int) -> None:
    consent = _box(page, "#cookie-consent")
    for selector in ACTIONS:
        action = _box(page, selector)
        assert not _overlap(consent, action), (selector, consent, action)
        assert action["y"] + action["height"] <= height, (selector, action)  # on screen without scrolling
        assert _on_top(page, selector), selector
    # The card itself is on screen too (at least its top), under the form.
    assert _box(page, "#login-email")["y"] < consent["y"] < height, consent


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 720), (1366, 860)], ids=["phone", "laptop", "desktop"])
def test_the_cookie_card_never_covers_the_sign_in_form(first_visit_page: Page, viewport):
    page = first_visit_page
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/login")
    consent = page.locator("#cookie-consent")
    expect(consent).to_be_visible()
    expect(consent).to_have_attribute("data-inline", "true")
    expect(page.locator("#dev-login-submit")).to_be_enabled()
    _assert_form_uncovered(page, height)
    screenshot(page, f"login-cookie-consent-{width}x{height}")

    page.locator("#login-language").get_by_role("radio", name="中文").click()
    expect(page.locator("#cookies-accept")).to_have_text("全部接受")
    _assert_form_uncovered(page, height)
    screenshot(page, f"login-cookie-consent-zh-{width}x{height}")

    # Signing in works with the card unanswered; the shell asks again (floating there).
    page.click("#dev-login-submit")
    expect(page.locator("#welcome")).to_be_visible()  # the dashboard
    expect(consent).to_be_visible()
    expect(consent).to_have_attribute("data-inline", "false")
    page.click("#cookies-essential")
    expect(consent).to_have_count(0)


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 720)], ids=["phone", "laptop"])
def test_the_form_does_not_move_when_the_cookie_card_comes_or_goes(first_visit_page: Page, viewport):
    """The card appears under the form once the page has loaded (the choice lives in local
    storage): the form stays where it is, with the card and without it."""
    page = first_visit_page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.goto("/login")
    expect(page.locator("#cookie-consent")).to_be_visible()
    with_card = _box(page, "#login-email")
    page.click("#cookies-essential")
    expect(page.locator("#cookie-consent")).to_have_count(0)
    without_card = _box(page, "#login-email")
    assert (with_card["x"], with_card["y"]) == (without_card["x"], without_card["y"])
    page.reload()
    expect(page.locator("#dev-login-submit")).to_be_enabled()
    expect(page.locator("#cookie-consent")).to_have_count(0)
    assert _box(page, "#login-email")["y"] == with_card["y"]
