"""Browser tests: the real app under `reflex run --env prod --single-port`, driven by Chromium.

Run them in their own pytest invocation (sync Playwright and pytest-asyncio don't mix):
`.venv/bin/pytest -q -p no:asyncio -m browser tests/browser`.

The server inherits the environment, so two people can run the suite in one work tree at once
by giving each run its own build and state directories and artifacts folder, e.g.
`REFLEX_WEB_WORKDIR=/tmp/web-a REFLEX_STATES_WORKDIR=/tmp/states-a AAE_TEST_ARTIFACTS=/tmp/artifacts-a`
(unset, they are `.web`, `.states` and `test-artifacts/`, as CI uses them).

Google sign-in is configured for the whole run against `google_issuer`, an oidc-provider-mock
server started here (the dev login stays on, so the other tests sign in as before).

Fixtures: `app_server` (seeded database, running app), `page` (a fresh context that has already
answered the cookie banner with "essential only", so it never covers what a test clicks),
`first_visit_page` (no answer yet), `app_db` (a session on the app's database, committed on exit).
Helpers: `sign_in(page, email=, name=)` through the dev login, `screenshot(page, name)` (waits for
running animations to finish first). Assertions wait up to AAE_TEST_WAIT_TIMEOUT_MS (20 s).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import contextlib

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlmodel import Session

from backend.config import PROJECT_ROOT
from backend.db import make_engine, unit_of_work

ARTIFACTS = Path(os.environ.get("AAE_TEST_ARTIFACTS") or PROJECT_ROOT / "test-artifacts")
CHROMIUM = os.environ.get("AAE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT = float(os.environ.get("AAE_TEST_SERVER_TIMEOUT", "240"))
# How long a page action or an `expect(...)` waits for its condition. Playwright's own default for
# assertions is 5 s, too short for a first paint on a loaded 2-core machine with 2 app workers.
WAIT_TIMEOUT_MS = int(os.environ.get("AAE_TEST_WAIT_TIMEOUT_MS", "20000"))
expect.set_options(timeout=WAIT_TIMEOUT_MS)
VENV_BIN = Path(sys.executable).parent


GOOGLE_CLIENT_ID = "aae-browser-client"
GOOGLE_CLIENT_SECRET = "aae-browser-secret"


@dataclass(frozen=True)
class RunningApp:
    url: str
    database_url: str
    log: Path
    google_issuer: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _app_env(database_url: str, public_url: str, storage_dir: Path, google_issuer: str) -> dict[str, str]:
    tools = PROJECT_ROOT / ".tools" / "node_modules" / ".bin"
    return {
        **os.environ,
        "AAE_ENV": "test",
        "AAE_DATABASE_URL": database_url,
        "AAE_PUBLIC_URL": public_url,
        "AAE_STORAGE_LOCAL_DIR": str(storage_dir),
        "AAE_GOOGLE_CLIENT_ID": GOOGLE_CLIENT_ID,
        "AAE_GOOGLE_CLIENT_SECRET": GOOGLE_CLIENT_SECRET,
        "AAE_GOOGLE_METADATA_URL": f"{google_issuer}/.well-known/openid-configuration",
        "PATH": f"{tools}{os.pathsep}{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="session")
def google_issuer() -> Iterator[str]:
    """oidc-provider-mock standing in for Google (its issuer is the URL it is reached at)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "oidc-provider-mock.log").open("wb") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "oidc-provider-mock"), "-H", "127.0.0.1", "-p", str(port), "-n", "true"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_answering(process, f"{url}/.well-known/openid-configuration", "oidc-provider-mock", 30,
                              ARTIFACTS / "oidc-provider-mock.log")
        yield url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def app_server(database_url: str, google_issuer: str,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """Seed the fresh test database, then serve the app on a free port until the session ends."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = _app_env(database_url, url, tmp_path_factory.mktemp("files"), google_issuer)
    subprocess.run([str(VENV_BIN / "python"), "-m", "backend.seed"], cwd=PROJECT_ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / "reflex-server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "reflex"), "run", "--env", "prod", "--single-port",
             "--backend-host", "127.0.0.1", "--backend-port", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_until_healthy(process, url, log_path)
        yield RunningApp(url=url, database_url=database_url, log=log_path, google_issuer=google_issuer)
    finally:
        _stop(process)


def _wait_until_healthy(process: subprocess.Popen, url: str, log_path: Path) -> None:
    # /_health, not /ping: our FastAPI app could shadow Reflex's routes.
    _wait_until_answering(process, f"{url}/_health", "reflex", SERVER_START_TIMEOUT, log_path)


def _wait_until_answering(process: subprocess.Popen, probe: str, name: str, timeout: float, log_path: Path) -> None:
    """Until `probe` answers 200; fail (with the log's tail) if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(probe, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    _stop(process)
    pytest.fail(f"{name} did not answer in {timeout:.0f}s:\n{log_path.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/ensure_services.sh does it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


CONSENT_KEY = "aae_cookie_consent"


def _new_page(browser: Browser, app_server: RunningApp, *, consent: str | None, **context_args) -> Page:
    context = browser.new_context(base_url=app_server.url, viewport={"width": 1366, "height": 860}, **context_args)
    context.set_default_timeout(WAIT_TIMEOUT_MS)
    if consent is not None:
        context.add_init_script(f"window.localStorage.setItem({CONSENT_KEY!r}, {consent!r})")
    return context.new_page()


@pytest.fixture()
def page(browser: Browser, app_server: RunningApp) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test; the cookie banner already answered."""
    new_page = _new_page(browser, app_server, consent="essential")
    yield new_page
    new_page.context.close()


@pytest.fixture()
def first_visit_page(browser: Browser, app_server: RunningApp) -> Iterator[Page]:
    """A fresh context that has never answered the cookie banner."""
    new_page = _new_page(browser, app_server, consent=None)
    yield new_page
    new_page.context.close()


@pytest.fixture()
def dark_page(browser: Browser, app_server: RunningApp) -> Iterator[Page]:
    """Like `page`, with the system preference set to dark (the app follows it)."""
    new_page = _new_page(browser, app_server, consent="essential", color_scheme="dark")
    yield new_page
    new_page.context.close()


@pytest.fixture()
def app_db(app_server: RunningApp) -> Iterator[Callable[[], contextlib.AbstractContextManager[Session]]]:
    """`with app_db() as session:` a unit of work on the running app's database."""
    engine = make_engine(app_server.database_url)
    yield lambda: unit_of_work(engine)
    engine.dispose()


def sign_in(page: Page, *, email: str = "demo@aae.local", name: str = "Demo Marketer", path: str = "/login") -> None:
    """Sign in through the dev login form (a new email registers a new user)."""
    page.goto(path)
    expect(page.locator("#dev-login-form")).to_be_visible()
    page.fill("#login-email", email)
    page.fill("#login-display_name", name)
    page.click("#dev-login-submit")
    expect(page.locator("#page-title")).to_be_visible()


# True once no finite animation or transition (a drawer's slide-in, a color change) is running;
# endless ones (spinners) don't count.
_ANIMATIONS_DONE = """() => document.getAnimations().every(
    a => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity)"""


def wait_for_animations(page: Page) -> None:
    """Bounded: a screenshot is still taken if something keeps animating."""
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(_ANIMATIONS_DONE, timeout=10_000)


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG in the artifacts folder, once the page's animations have finished."""
    wait_for_animations(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
