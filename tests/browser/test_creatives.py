"""The creative library end to end: upload straight to storage, see it, filter, edit, delete.

Also home of the small helpers the other library page tests share (sign in, screenshots in
light/dark and English/Chinese, database access).
"""

from __future__ import annotations

import base64
import re
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from backend.db import make_engine, unit_of_work
from backend.models import Creative, CreativeStatus, User
from backend.seed import DEMO_EMAIL, DEMO_NAME
from tests.browser.conftest import ARTIFACTS, RunningApp, screenshot

pytestmark = pytest.mark.browser


# --- shared helpers ------------------------------------------------------------------------------


@contextmanager
def database(app: RunningApp) -> Iterator[Session]:
    engine = make_engine(app.database_url)
    try:
        with unit_of_work(engine) as session:
            yield session
    finally:
        engine.dispose()


def demo_user_id(app: RunningApp) -> int:
    with database(app) as session:
        return session.exec(select(User.id).where(User.email == DEMO_EMAIL)).one()


def sign_in_to(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.locator("#dev-login-form")).to_be_visible()
    page.fill("#login-email", DEMO_EMAIL)
    page.fill("#login-display_name", DEMO_NAME)
    page.click("#dev-login-submit")
    expect(page).to_have_url(re.compile(re.escape(path.rstrip("/")) + r"/?$"))


def set_language(app: RunningApp, language: str) -> None:
    with database(app) as session:
        user = session.exec(select(User).where(User.email == DEMO_EMAIL)).one()
        user.language = language
        session.add(user)


def settle(page: Page) -> None:
    """Top of the page, no toast in front of the content."""
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15_000)
    page.evaluate("window.scrollTo(0, 0)")


def capture(page: Page, app: RunningApp, name: str, *, ready: str, ready_zh: str | None = None) -> None:
    """Screenshots in light and dark, English and Chinese. `ready` is a selector shown when loaded."""
    settle(page)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        expect(page.locator(ready).first).to_be_visible()
        screenshot(page, f"{name}-{scheme}-en")
    set_language(app, "zh")
    try:
        page.reload()
        if ready_zh:
            expect(page.get_by_text(ready_zh).first).to_be_visible()
        settle(page)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            expect(page.locator(ready).first).to_be_visible()
            screenshot(page, f"{name}-{scheme}-zh")
    finally:
        set_language(app, "en")
        page.emulate_media(color_scheme="light")
        page.reload()


def tiny_png(rgb: tuple[int, int, int] = (220, 38, 127), width: int = 96, height: int = 64) -> bytes:
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# A real one-second WebM, recorded by the browser itself from an animated canvas.
RECORD_WEBM = """async () => {
  const canvas = Object.assign(document.createElement("canvas"), {width: 160, height: 120});
  const g = canvas.getContext("2d");
  const recorder = new MediaRecorder(canvas.captureStream(15), {mimeType: "video/webm"});
  const parts = [];
  recorder.ondataavailable = (e) => parts.push(e.data);
  let frame = 0;
  const timer = setInterval(() => {
    g.fillStyle = `hsl(${(frame++ * 24) % 360}, 70%, 50%)`; g.fillRect(0, 0, 160, 120);
  }, 66);
  recorder.start();
  await new Promise((r) => setTimeout(r, 1200));
  const stopped = new Promise((r) => (recorder.onstop = r));
  recorder.stop(); await stopped; clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  let text = ""; for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}"""


# --- the creative library ------------------------------------------------------------------------


def active_creatives(app: RunningApp) -> list[Creative]:
    with database(app) as session:
        user_id = session.exec(select(User.id).where(User.email == DEMO_EMAIL)).one()
        return list(session.exec(select(Creative).where(Creative.user_id == user_id,
                                                         Creative.status == CreativeStatus.ACTIVE)))


def card(page: Page, name: str):
    return page.locator(".creative-card").filter(has=page.locator(".creative-name", has_text=name))


def test_upload_filter_edit_delete(page: Page, app_server: RunningApp):
    before = active_creatives(app_server)
    sign_in_to(page, "/creatives")
    expect(page.locator(".creative-card")).to_have_count(len(before))
    expect(page.locator("#creative-count")).to_have_text(f"{len(before)} creatives")

    # Upload: the browser posts the file straight to storage (presigned POST), then it is verified.
    page.set_input_files("#creative-upload input[type=file]",
                         files=[{"name": "e2e-launch.png", "mimeType": "image/png", "buffer": tiny_png()}])
    row = page.locator(".upload-row").filter(has_text="e2e-launch.png")
    expect(row.locator(".upload-status")).to_have_text("Added to the library")
    uploaded = card(page, "e2e-launch.png")
    expect(uploaded).to_have_count(1)
    expect(page.locator(".creative-card")).to_have_count(len(before) + 1)
    stored = {c.name: c for c in active_creatives(app_server)}["e2e-launch.png"]
    assert stored.mime_type == "image/png" and stored.file_size == len(tiny_png())
    file_url = uploaded.locator("img").get_attribute("src")
    fetched = httpx.get(file_url)
    assert fetched.status_code == 200 and fetched.content == tiny_png()
    screenshot(page, "creatives-uploaded")

    # Filters narrow the grid: search, then a type with no match, then tags after an edit.
    page.fill("#creative-search input, input#creative-search", "e2e-launch")
    expect(page.locator(".creative-card")).to_have_count(1)
    page.click("#filter-type")
    page.get_by_role("option", name="Video").click()
    expect(page.locator("#creatives-empty")).to_contain_text("No creatives match these filters")
    page.click("#clear-filters")
    expect(page.locator(".creative-card")).to_have_count(len(before) + 1)

    # Details drawer: edit tags and score.
    uploaded.click()
    drawer = page.locator("#creative-drawer")
    expect(drawer).to_be_visible()
    # a signed link to the private file: /files/... when embedded, the bucket's presigned URL on S3
    expect(drawer.locator("#creative-preview-image")).to_have_attribute(
        "src", re.compile(r"/files/creatives/|/aae-creatives/creatives/.+X-Amz-Signature="))
    page.fill("#edit-score", "120")
    page.click("#creative-save")
    expect(drawer.locator(".field-error")).to_have_text("A number from 0 to 100")
    page.fill("#edit-score", "91")
    page.fill("#edit-tags", "E2E, launch")
    page.click("#creative-save")
    expect(drawer).to_be_hidden()
    expect(uploaded).to_contain_text("#launch")
    expect(uploaded).to_contain_text("91")
    page.fill("#filter-tags", "launch")
    expect(page.locator(".creative-card")).to_have_count(1)
    page.fill("#filter-score-min", "95")
    expect(page.locator("#creatives-empty")).to_be_visible()
    page.click("#clear-filters")

    # A video: its card shows the first frame, the drawer plays it.
    clip = base64.b64decode(page.evaluate(RECORD_WEBM))
    page.set_input_files("#creative-upload input[type=file]",
                         files=[{"name": "e2e-clip.webm", "mimeType": "video/webm", "buffer": clip}])
    expect(page.locator(".upload-row").filter(has_text="e2e-clip.webm").locator(".upload-status")).to_have_text(
        "Added to the library")
    video_card = card(page, "e2e-clip.webm")
    expect(video_card).to_contain_text("Video")
    video_card.click()
    expect(page.locator("#creative-preview-video")).to_be_visible()
    page.wait_for_function("() => { const v = document.querySelector('#creative-preview-video');"
                           " return v && v.readyState >= 2 && !v.paused && v.currentTime > 0; }")
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / "creatives-video-drawer.png"))  # the viewport: the sheet is fixed
    page.click("#creative-delete")
    page.click("#creative-delete-dialog-confirm")
    expect(video_card).to_have_count(0)

    # Delete asks first; then the row and its stored file are gone (Property 18).
    card(page, "e2e-launch.png").click()
    page.click("#creative-delete")
    expect(page.locator("#creative-delete-dialog")).to_contain_text("Delete this creative?")
    page.click("#creative-delete-dialog-confirm")
    expect(card(page, "e2e-launch.png")).to_have_count(0)
    expect(page.locator(".creative-card")).to_have_count(len(before))
    assert "e2e-launch.png" not in {c.name for c in active_creatives(app_server)}
    assert httpx.get(file_url).status_code == 404
    capture(page, app_server, "creatives", ready=".creative-card", ready_zh="素材库")
