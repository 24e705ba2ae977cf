"""The chat UI served for real (``create_app`` under uvicorn on 127.0.0.1), driven by
``gradio_client`` and by Debian's Chromium through Playwright.

One server and one browser per module; the browser tests share a page and run in file
order. Screenshots of each view go to this module's temp folder (printed on failure);
``ADVISOR_README_SCREENSHOT=docs/screenshot-chat.png`` also saves the chat view there.

Without Chromium (``ADVISOR_TEST_CHROMIUM``, default /usr/bin/chromium) or the playwright
package the browser tests are skipped on a dev machine and fail under ``CI=true``.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pytest
from helpers import cli, in_ci, make_settings
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

REIT_QUESTION = "How do real estate investment trusts pay their investors?"
NOTE_FACT = (
    "My vending machine route in Tallinn pays 430 euros a month in passive income "
    "and needs about two hours of restocking a week."
)
NOTE_QUESTION = "How much does my vending machine route in Tallinn pay?"
XSS_NAME = "dividend <img src=x onerror=alert(1)> notes.txt"
XSS_TEXT = (
    "Dividend reinvestment notes: <script>alert('xss')</script> my Tallinn vending machine "
    "route dividend plan <img src=x onerror=alert(2)> reinvests every payout."
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread on a free loopback port."""
    import uvicorn

    port = _free_port()
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
    from advisor.service import Advisor

    home = tmp_path_factory.mktemp("ui") / "home"
    copy_tree(library_home, home)
    return Advisor(make_settings(home), embedder=embedder)


@pytest.fixture(scope="module")
def url(ui_advisor) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from advisor.cli.serve_cmd import create_app

    with serving(create_app(ui_advisor)) as address:
        yield address


@pytest.fixture(scope="module")
def auth_url(ui_advisor) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from advisor.cli.serve_cmd import create_app

    with serving(create_app(ui_advisor, [("alice", "alice-pw"), ("bob", "bob-pw")])) as address:
        yield address


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ui-screenshots")


def _shot(page: Any, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


# -- the /chat endpoint through gradio_client -----------------------------------------


def _client(url: str, **kw: Any) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, **kw)


def _titles(messages: list[dict[str, Any]]) -> list[str]:
    return [(m.get("metadata") or {}).get("title", "") for m in messages]


def test_chat_endpoint_streams_an_answer_with_its_sources(url):
    from advisor.ui.render import from_html

    job = _client(url).submit(REIT_QUESTION, api_name="/chat")
    updates = list(job)
    assert len(updates) >= 2, "the answer arrives in pieces"
    final = job.outputs()[-1]
    answer = from_html(final[0]["content"])
    assert re.search(r"\[1\]", answer) and "trusts" in answer.lower()
    sources = [t for t in _titles(final) if t.startswith("[")]
    assert sources and "library" in sources[0]
    assert "Investors receive dividends" in from_html(final[1]["content"])


def test_chat_endpoint_follows_up_on_the_conversation(url):
    client = _client(url)
    client.predict(
        "What should I check before lending money on a peer-to-peer platform?", api_name="/chat"
    )
    final = client.predict("And what about REITs?", api_name="/chat")
    read_as = [t for t in _titles(final) if t.startswith("Read as")]
    assert read_as and "REITs" in read_as[0] and "check" in read_as[0].lower()


def test_chat_endpoint_declines_off_topic_questions_with_a_redirect(url):
    final = _client(url).predict("What is the capital of France?", api_name="/chat")
    assert len(final) == 1
    assert "passive and active income" in final[0]["content"]


def test_chat_endpoint_reports_bad_input_in_one_line(url):
    final = _client(url).predict("x" * 5000, api_name="/chat")
    assert final[0]["content"].startswith("⚠️ the question is 5,000 characters")


def test_a_server_with_logins_refuses_anonymous_api_calls(auth_url):
    with pytest.raises(Exception, match="(?i)login|auth|401|403"):
        _client(auth_url).predict("What is passive income?", api_name="/chat")


def test_v1_api_and_ui_share_one_server(url):
    import httpx

    response = httpx.get(url + "v1/models", timeout=30)
    assert response.status_code in (200, 401), response.text[:300]
    assert httpx.get(url, timeout=30).status_code == 200


# -- the browser -----------------------------------------------------------------------


def _no_browser(reason: str) -> NoReturn:
    """Untested UI is a failure in CI (CI=true) and a skip on a dev machine."""
    if in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        _no_browser(f"no Chromium at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _no_browser(f"playwright is not importable ({exc}): pip install -e '.[dev]'")

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


def _open(browser: Any, network: Network, address: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    network.attach(context)
    page = context.new_page()
    network.watch(page)
    page.goto(address)
    return page


@pytest.fixture(scope="module")
def page(browser, network, url) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    page = _open(browser, network, url)
    page.wait_for_selector("#advisor-question textarea")
    yield page
    page.context.close()


def _tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def _new_chat(page: Any) -> None:
    _tab(page, "Chat")
    clear = page.locator("#advisor-chatbot button[aria-label='Clear']")
    if clear.count():
        clear.first.click()
    page.wait_for_function("() => !document.querySelector('#advisor-chatbot [data-testid=bot]')")


def _ask(page: Any, question: str) -> Any:
    """Ask, wait until the answer is complete, return the last bot message row."""
    _tab(page, "Chat")
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


def _source_titles(row: Any) -> list[str]:
    return [t.strip() for t in row.locator(".thought-group .title").all_inner_texts()]


@pytest.mark.browser
def test_chat_streams_an_answer_with_an_expandable_source(page, shots):
    _new_chat(page)
    page.evaluate(
        """() => {
          window.__lengths = [];
          const root = document.querySelector('#advisor-chatbot');
          new MutationObserver(() => {
            const bot = root.querySelector('.bot-row [data-testid=bot]');
            if (bot) window.__lengths.push(bot.innerText.length);
          }).observe(root, {subtree: true, childList: true, characterData: true});
        }"""
    )
    row = _ask(page, REIT_QUESTION)
    lengths = page.evaluate("window.__lengths")
    assert len({n for n in lengths if n}) >= 2, f"no partial answer was shown: {lengths}"
    answer = row.locator("[data-testid=bot]").first.inner_text()
    assert "[1]" in answer and "dividends" in answer.lower()
    titles = _source_titles(row)
    assert titles and titles[0].startswith("[1]") and "library" in titles[0]
    source = row.locator(".thought-group").first
    assert "offers liquidity" not in source.inner_text()  # collapsed until clicked
    source.locator(".title").click()
    source.get_by_text("This investment vehicle offers liquidity").wait_for()
    assert "Source: passive-income-opportunities.md" in source.inner_text()
    _shot(page, shots, "chat")
    readme_shot = os.environ.get("ADVISOR_README_SCREENSHOT")
    if readme_shot:
        page.screenshot(path=readme_shot)


@pytest.mark.browser
def test_chat_follow_up_is_read_with_the_conversation(page, shots):
    _new_chat(page)
    _ask(page, "What should I check before lending money on a peer-to-peer platform?")
    row = _ask(page, "And what about REITs?")
    read_as = [t for t in _source_titles(row) if t.startswith("Read as")]
    assert read_as and "REITs" in read_as[0] and "check" in read_as[0].lower()
    assert "REIT" in row.locator("[data-testid=bot]").first.inner_text()
    _shot(page, shots, "chat-follow-up")


@pytest.mark.browser
def test_declined_question_shows_the_redirect(page):
    _new_chat(page)
    row = _ask(page, "Write a Python function that reverses a string")
    assert "passive and active income" in row.inner_text()
    assert _source_titles(row) == []


@pytest.mark.browser
def test_thumbs_down_with_a_comment_is_stored_and_imports_as_an_unreviewed_row(
    page, shots, ui_advisor, capsys, monkeypatch, tmp_path
):
    from advisor.eval.dataset import load_dataset
    from advisor.feedback import load_feedback
    from advisor.settings import get_settings

    before = len(load_feedback(ui_advisor.settings, "local"))
    _new_chat(page)
    row = _ask(page, REIT_QUESTION)
    answer = row.locator("[data-testid=bot]").first.inner_text()
    page.locator("#advisor-feedback-comment textarea").fill("it should name the tax rules")
    # the thumbs sit under the last answer, outside its message row
    page.locator("#advisor-chatbot button[aria-label='Dislike']").last.click()
    page.locator("#advisor-feedback-note").get_by_text("is recorded").wait_for()
    assert page.locator("#advisor-feedback-comment textarea").input_value() == ""
    stored = load_feedback(ui_advisor.settings, "local")
    assert len(stored) == before + 1
    record = stored[-1]
    assert record.rating == "down" and record.question == REIT_QUESTION
    assert record.comment == "it should name the tax rules"
    assert record.answer[:30] in answer and record.engine == "grounded"
    assert record.citations and record.citations[0].source == "passive-income-opportunities.md"
    _shot(page, shots, "chat-feedback")
    # a thumbs up on the same answer is a second rating, without a comment
    page.locator("#advisor-chatbot button[aria-label='Like']").last.click()
    page.wait_for_function(
        "n => document.querySelector('#advisor-feedback-note').innerText.includes('\U0001f44d')",
        arg=0,
    )
    ratings = [(f.rating, f.comment) for f in load_feedback(ui_advisor.settings, "local")]
    assert ratings[-2:] == [("down", "it should name the tax rules"), ("up", "")]
    # the down-vote becomes a row to fix in the test set
    monkeypatch.setenv("ADVISOR_HOME", str(ui_advisor.settings.home))
    get_settings.cache_clear()
    out = tmp_path / "feedback.jsonl"
    code, _, err = cli(capsys, "eval", "import-feedback", "--user", "local", "--out", str(out))
    assert code == 0, err
    rows = {row.id: row for row in load_dataset(out)}
    fix = rows[record.id]
    assert fix.category == "feedback_down" and fix.reviewed is False
    assert fix.source == "feedback" and fix.user_input == REIT_QUESTION
    assert fix.note is not None and "it should name the tax rules" in fix.note


@pytest.mark.browser
def test_hi_gets_a_greeting_and_facts_typed_in_the_chat_rank_streams_with_a_save_button(
    page, shots, ui_advisor
):
    from advisor.profile import load_profile
    from advisor.ui.auth import user_id_for

    me = user_id_for(None)
    _new_chat(page)
    row = _ask(page, "hi")
    assert "example" in row.inner_text() and _source_titles(row) == []
    assert "Hello" in row.inner_text(), "a greeting, not the decline"
    assert not page.locator("#advisor-save-facts").is_visible()

    row = _ask(page, "I have $20,000 and 5 hours a week. What should I try?")
    text = row.inner_text()
    assert "Understood: savings of 20,000 USD; 5 hours a week." in text
    assert "1. " in text and "fit" in text and "advisor profile" not in text
    save = page.locator("#advisor-save-facts")
    save.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "Save these facts" in page.locator("#advisor-chat-facts").inner_text()
    assert load_profile(ui_advisor.settings, me).capital is None, "not saved before the click"
    _shot(page, shots, "chat-facts")
    save.click()
    page.locator("#advisor-chat-facts", has_text="Saved to your profile").wait_for(
        timeout=TIMEOUT_MS
    )
    saved = load_profile(ui_advisor.settings, me)
    assert (saved.capital, saved.hours_per_week) == (20000.0, 5.0)
    save.wait_for(state="hidden", timeout=TIMEOUT_MS)


@pytest.mark.browser
def test_profile_form_saves_and_suggestions_show_ranked_streams_and_a_chart(page, shots):
    _tab(page, "Profile")
    page.get_by_label("Savings you could invest").fill("20000")
    page.get_by_label("Money left over each month").fill("500")
    page.get_by_label("Free hours a week").fill("5")
    page.get_by_label("medium").check()
    page.get_by_label("Skills (comma-separated)").fill("writing, teaching")
    page.get_by_label("Currency").fill("dollars")
    page.locator("#advisor-save-profile").click()
    status = page.locator("#advisor-profile-status")
    status.get_by_text("Not saved").wait_for()
    assert "three-letter code" in status.inner_text()
    page.get_by_label("Currency").fill("usd")
    page.locator("#advisor-save-profile").click()
    status.get_by_text("Saved.").wait_for()
    assert "Missing facts that would change the suggestions" in status.inner_text()
    assert "horizon" in status.inner_text()
    _shot(page, shots, "profile")
    page.reload()
    _tab(page, "Profile")
    saved = page.get_by_label("Savings you could invest")
    page.wait_for_function(
        "() => document.querySelector('#advisor-user').innerText.includes('local')"
    )
    assert saved.input_value() == "20000"
    assert page.get_by_label("Currency").input_value() == "USD"

    _tab(page, "Suggestions")
    suggestions = page.locator("#advisor-suggestions")
    suggestions.locator("h3").first.wait_for()
    text = suggestions.inner_text()
    assert re.search(r"1\. .+ · fit \d+/100", text), text[:300]
    assert "First steps" in text
    assert suggestions.locator("blockquote").count() >= 1  # cited passages
    chart = page.locator("#advisor-score-chart")
    chart.locator("canvas, svg").first.wait_for()
    _shot(page, shots, "suggestions")


@pytest.mark.browser
def test_calculators_show_capital_and_a_projection_plot(page, shots):
    _tab(page, "Suggestions")
    page.get_by_role("button", name="Calculate capital").click()
    capital = page.locator("#advisor-capital-result")
    capital.get_by_text("Capital needed").wait_for()
    assert "300,000" in capital.inner_text()  # 1,000 a month at 4 % a year
    page.locator("#advisor-project").click()
    result = page.locator("#advisor-projection-result")
    result.get_by_text("Goal reached after").wait_for()
    page.locator("#advisor-projection-chart").locator("canvas, svg").first.wait_for()
    _shot(page, shots, "calculators")


def _upload(page: Any, files: list[Path]) -> None:
    _tab(page, "My documents")
    page.locator("#advisor-upload input[type=file]").set_input_files([str(f) for f in files])
    page.locator("#advisor-doc-status").get_by_text("document(s)").wait_for()


def _doc_table_text(page: Any) -> str:
    return page.locator("#advisor-doc-table").inner_text()


@pytest.mark.browser
def test_uploaded_document_is_cited_then_deleted(page, shots, tmp_path):
    note = tmp_path / "vending-route.md"
    note.write_text(f"# Vending route\n\n{NOTE_FACT}\n", encoding="utf-8")
    _upload(page, [note])
    page.wait_for_function(
        "() => document.querySelector('#advisor-doc-table').innerText.includes('vending-route.md')"
    )
    _shot(page, shots, "documents")

    _new_chat(page)
    row = _ask(page, NOTE_QUESTION)
    titles = _source_titles(row)
    assert any("your documents" in t for t in titles), titles
    assert "430" in row.locator("[data-testid=bot]").first.inner_text()
    _shot(page, shots, "chat-my-document")

    _tab(page, "My documents")
    page.locator("#advisor-doc-choice input").click()
    page.get_by_role("option", name=re.compile("vending-route")).click()
    page.locator("#advisor-delete").click()
    page.locator("#advisor-doc-status").get_by_text("Deleted").wait_for()
    assert "vending-route.md" not in _doc_table_text(page)

    _new_chat(page)
    row = _ask(page, NOTE_QUESTION)
    assert not any("your documents" in t for t in _source_titles(row))


@pytest.mark.browser
def test_markup_in_a_document_shows_as_text(page, network, ui_advisor, shots, tmp_path):
    from advisor.userdata import add_documents

    note = tmp_path / "dividend-notes.txt"
    note.write_text(XSS_TEXT, encoding="utf-8")
    _upload(page, [note])
    # Gradio strips '<' and '>' from uploaded file names; a file added from the command
    # line keeps them, and its name becomes the title shown in the table and the chat.
    named = tmp_path / XSS_NAME
    named.write_text("Royalty notes: books and music pay royalties for years.", encoding="utf-8")
    assert not add_documents(ui_advisor, "local", [named]).errors
    page.reload()
    page.wait_for_selector("#advisor-question textarea")
    _tab(page, "My documents")
    page.wait_for_function(
        "t => document.querySelector('#advisor-doc-table').innerText.includes(t)",
        arg="<img src=x onerror=alert(1)>",
    )

    _new_chat(page)
    row = _ask(page, "What is my Tallinn vending machine route dividend plan?")
    mine = [t for t in _source_titles(row) if "your documents" in t]
    assert mine, _source_titles(row)
    index = _source_titles(row).index(mine[0])
    row.locator(".thought-group .title").nth(index).click()
    page.wait_for_function(
        "t => document.querySelector('#advisor-chatbot').innerText.includes(t)",
        arg="<script>alert('xss')</script>",
    )
    assert "<img src=x onerror=alert(2)>" in page.locator("#advisor-chatbot").inner_text()
    row = _ask(page, "What do my royalty notes say about books and music?")
    assert any("<img src=x onerror=alert(1)>" in t for t in _source_titles(row))
    assert page.locator("img[src=x], #advisor-chatbot script").count() == 0
    _shot(page, shots, "markup-as-text")
    assert network.dialogs == []


def _login(browser: Any, network: Network, address: str, user: str, password: str) -> Any:
    page = _open(browser, network, address)
    page.get_by_label(re.compile("username", re.I)).fill(user)
    page.get_by_label(re.compile("password", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("login", re.I)).click()
    page.wait_for_selector("#advisor-question textarea")
    return page


@pytest.mark.browser
def test_two_logged_in_users_never_see_each_others_documents(
    browser, network, auth_url, shots, tmp_path
):
    alice = _login(browser, network, auth_url, "alice", "alice-pw")
    bob = _login(browser, network, auth_url, "bob", "bob-pw")
    try:
        note = tmp_path / "alice-vending.md"
        note.write_text(f"# Alice's route\n\n{NOTE_FACT}\n", encoding="utf-8")
        _upload(alice, [note])
        assert "alice-vending.md" in _doc_table_text(alice)
        _tab(alice, "Profile")
        assert "alice" in alice.locator("#advisor-user").inner_text()

        _tab(bob, "My documents")
        bob.reload()
        bob.wait_for_selector("#advisor-question textarea")
        _tab(bob, "My documents")
        assert "alice-vending.md" not in _doc_table_text(bob)
        _tab(bob, "Profile")
        assert "bob" in bob.locator("#advisor-user").inner_text()
        row = _ask(bob, NOTE_QUESTION)
        assert not any("your documents" in t for t in _source_titles(row))
        _shot(bob, shots, "bob-chat")

        row = _ask(alice, NOTE_QUESTION)
        assert any("your documents" in t for t in _source_titles(row))
    finally:
        alice.context.close()
        bob.context.close()


def _host(address: str) -> str:
    return address.split("/")[2].rsplit(":", 1)[0] if "://" in address else ""


@pytest.mark.browser
def test_pages_reached_nothing_but_this_machine(browser, network, url):
    """Runs last: a page loaded here, and every page above, made requests (so the check
    saw something) and every one of them stayed on 127.0.0.1."""
    before = len(network.seen)
    page = _open(browser, network, url)
    try:
        page.wait_for_selector("#advisor-question textarea")
    finally:
        page.context.close()
    mine = network.seen[before:]
    assert url in mine, f"the page was not loaded through the watched context: {mine[:5]}"
    assert len(mine) >= 3, f"too few requests observed to show anything: {mine}"
    assert network.blocked == []
    elsewhere = [a for a in network.seen if not a.startswith("data:") and _host(a) != "127.0.0.1"]
    assert elsewhere == [], elsewhere[:10]
