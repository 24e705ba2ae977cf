"""What the browser tests of the UI share: the real app served by uvicorn on a free
loopback port, Debian's Chromium through Playwright (offline: a page may reach only
this machine), and the moves a person makes (open a tab, ask, start a new chat).

Test modules import the fixtures they use from here (``from ui_browser import ...``).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pytest
from helpers import in_ci, make_settings
from live_files import copy_tree

CHROMIUM = Path(os.environ.get("ADVISOR_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread on a free loopback port."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the UI server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="module")
def ui_advisor(library_home: Path, tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    """An Advisor over a private copy of the ingested library, shared by both servers."""
    from advisor.answering.service import Advisor

    home = tmp_path_factory.mktemp("ui") / "home"
    copy_tree(library_home, home)
    return Advisor(make_settings(home), embedder=embedder)


@pytest.fixture(scope="module")
def url(ui_advisor) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from advisor.interfaces.cli.serve_cmd import create_app

    with serving(create_app(ui_advisor)) as address:
        yield address


@pytest.fixture(scope="module")
def auth_url(ui_advisor) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from advisor.interfaces.cli.serve_cmd import create_app

    with serving(create_app(ui_advisor, [("alice", "alice-pw"), ("bob", "bob-pw")])) as address:
        yield address


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ui-screenshots")


def shot(page: Any, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


# -- the browser -----------------------------------------------------------------------


def no_browser(reason: str) -> NoReturn:
    """Untested UI is a failure in CI (CI=true) and a skip on a dev machine."""
    if in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        no_browser(f"no Chromium at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        no_browser(f"playwright is not importable ({exc}): pip install -e '.[dev]'")

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


class Network:
    """Lets a page reach only this machine; records every request and what it blocked."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []

    def attach(self, context: Any) -> None:
        def route(r: Any) -> None:
            self.seen.append(r.request.url)
            host = r.request.url.split("/")[2] if "://" in r.request.url else ""
            if host.split(":")[0] in ("127.0.0.1", "localhost") or r.request.url.startswith(
                ("data:", "blob:")
            ):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)

    def watch(self, page: Any) -> None:
        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)


@pytest.fixture(scope="module")
def network() -> Network:
    return Network()


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def open_page(
    browser: Any, network: Network, address: str, viewport: dict[str, int] = DESKTOP
) -> Any:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    network.attach(context)
    page = context.new_page()
    network.watch(page)
    page.goto(address)
    return page


@pytest.fixture(scope="module")
def page(browser, network, url) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    page = open_page(browser, network, url)
    page.wait_for_selector("#advisor-question textarea")
    yield page
    page.context.close()


def tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def new_chat(page: Any) -> None:
    tab(page, "Chat")
    clear = page.locator("#advisor-chatbot button[aria-label='Clear']")
    if clear.count():
        clear.first.click()
    page.wait_for_function("() => !document.querySelector('#advisor-chatbot [data-testid=bot]')")


def ask(page: Any, question: str) -> Any:
    """Ask, wait until the answer is complete, return the last bot message row."""
    tab(page, "Chat")
    rows = page.locator("#advisor-chatbot .bot-row")
    before = rows.count()
    box = page.locator("#advisor-question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#advisor-chatbot .bot-row').length > n", arg=before
    )
    # Complete when the textbox is usable again (ChatInterface locks it while streaming).
    page.wait_for_function(
        "() => { const t = document.querySelector('#advisor-question textarea');"
        " return t && !t.disabled; }"
    )
    return rows.last


def source_titles(row: Any) -> list[str]:
    return [t.strip() for t in row.locator(".thought-group .title").all_inner_texts()]
