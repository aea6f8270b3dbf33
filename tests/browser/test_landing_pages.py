"""Landing pages end to end: create from a template, edit, sandboxed preview, publish, archive."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from backend.models import LandingPage
from tests.browser.conftest import ARTIFACTS, RunningApp, screenshot
from tests.browser.test_creatives import capture, database, demo_user_id, settle, sign_in_to

pytestmark = pytest.mark.browser

EDITED_HTML = """<!doctype html><html><body style="font-family:sans-serif;padding:40px">
<h1 id="hello">Hello from the editor</h1><p>Fresh sneakers, shipped today.</p>
<script>document.body.setAttribute("data-script-ran", "yes")</script>
</body></html>"""


def stored_page(app: RunningApp, name: str) -> LandingPage | None:
    user_id = demo_user_id(app)
    with database(app) as session:
        return session.exec(select(LandingPage).where(LandingPage.user_id == user_id,
                                                      LandingPage.name == name)).first()


def _any_page(app: RunningApp) -> bool:
    user_id = demo_user_id(app)
    with database(app) as session:
        return session.exec(select(LandingPage.id).where(LandingPage.user_id == user_id)).first() is not None


def menu_action(page: Page, row, action: str) -> None:
    """Open the row's menu and choose an action (the menu closes after each choice)."""
    expect(page.get_by_role("menu")).to_have_count(0)
    row.locator(".page-menu").click()
    item = page.get_by_role("menu").locator(f".page-{action}")
    expect(item).to_be_visible()
    item.click()


def test_create_edit_preview_publish_archive(page: Page, app_server: RunningApp):
    empty = stored_page(app_server, "Sneaker launch") is None and not _any_page(app_server)
    sign_in_to(page, "/landing-pages")
    if empty:
        expect(page.locator("#pages-empty")).to_contain_text("No landing pages yet")

    # Create from a template; the form validates first.
    page.click("#new-page")
    page.click("#create-page")
    dialog = page.locator("#create-page-dialog")
    expect(dialog.locator(".field-error")).to_have_count(2)
    page.fill("#new-page-name", "Sneaker launch")
    page.fill("#new-page-url", "https://www.stride-shoes.com/launch")
    page.click("#template-bold")
    screenshot(page, "landing-create-dialog")
    page.click("#create-page")

    # The editor opens with the template's draft in a sandboxed preview.
    expect(page.locator("#page-editor")).to_be_visible()
    preview = page.locator("#landing-preview")
    expect(preview).to_have_attribute("sandbox", "")
    frame = page.frame_locator("#landing-preview")
    expect(frame.locator("h1")).to_contain_text("Stride Shoes — made for you")
    draft = stored_page(app_server, "Sneaker launch")
    assert draft is not None and draft.template == "bold" and draft.status == "draft"

    # Edit the HTML: the preview follows; scripts never run in it.
    page.fill("#html-editor", EDITED_HTML)
    expect(frame.locator("#hello")).to_have_text("Hello from the editor")
    expect(frame.locator("body")).not_to_have_attribute("data-script-ran", "yes")
    expect(page.locator("#editor-save-state")).to_have_text("Unsaved changes")
    page.click("#editor-save")
    expect(page.locator("#editor-save-state")).to_have_text("All changes saved")
    assert "Hello from the editor" in stored_page(app_server, "Sneaker launch").html_content
    screenshot(page, "landing-editor")

    # Publish: a public URL appears and serves the HTML (sandboxed by CSP on our origin).
    page.click("#editor-publish")
    expect(page.locator("#editor-status")).to_have_text("Published")
    link = page.locator("#editor-public-url")
    # the public URL: /files/... when embedded, the public bucket (or CDN) on S3
    expect(link).to_have_attribute("href", re.compile(r"^http.*/(files|aae-landing-pages)/landing_pages/.+/index\.html$"))
    url = link.get_attribute("href")
    served = httpx.get(url)
    assert served.status_code == 200 and "Hello from the editor" in served.text
    if "/files/" in url:  # served from our own origin: the page's scripts must be sandboxed
        assert served.headers["content-security-policy"].startswith("sandbox")
    capture(page, app_server, "landing-editor", ready="#landing-preview", ready_zh="预览")

    # Unpublish asks first, then the URL stops working.
    page.click("#editor-unpublish")
    page.click("#page-confirm-confirm")
    expect(page.locator("#editor-status")).to_have_text("Draft")
    assert httpx.get(url).status_code in (403, 404)  # S3 may answer 403 for a missing public key

    # A second page, drafted in Chinese from the modern template, for the gallery.
    page.click("#editor-back")
    page.click("#new-page")
    page.fill("#new-page-name", "Trail collection")
    page.fill("#new-page-url", "https://trail-gear.example.com")
    page.locator("#new-page-language").get_by_role("radio", name="Chinese").click()
    page.click("#create-page")
    expect(page.frame_locator("#landing-preview").locator("h1")).to_contain_text("Trail Gear：为你而生")
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "landing-editor-template.png"))
    page.click("#editor-back")

    # Back in the list: publish again from the menu, archive (asks), restore, delete (asks).
    row = page.locator(".page-row").filter(has_text="Sneaker launch")
    expect(row.locator(".page-status")).to_have_text("Draft")
    menu_action(page, row, "publish")
    expect(row.locator(".page-status")).to_have_text("Published")
    expect(row.locator(".page-url")).to_have_attribute("href", url)
    assert httpx.get(url).status_code == 200
    capture(page, app_server, "landing-pages", ready=".page-row", ready_zh="落地页")
    menu_action(page, row, "archive")
    expect(page.locator("#page-confirm")).to_contain_text("Archive this page?")
    page.click("#page-confirm-confirm")
    expect(row.locator(".page-status")).to_have_text("Archived")
    assert httpx.get(url).status_code in (403, 404)  # S3 may answer 403 for a missing public key
    menu_action(page, row, "restore")
    expect(row.locator(".page-status")).to_have_text("Draft")
    menu_action(page, row, "delete")
    page.click("#page-confirm-confirm")
    expect(row).to_have_count(0)
    assert stored_page(app_server, "Sneaker launch") is None
