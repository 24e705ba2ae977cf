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


def _shot(page: Any, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


# -- the /chat endpoint through gradio_client -----------------------------------------


def _client(url: str, **kw: Any) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, **kw)


def _titles(messages: list[dict[str, Any]]) -> list[str]:
    return [(m.get("metadata") or {}).get("title", "") for m in messages]


def test_chat_endpoint_streams_an_answer_with_its_sources(url):
    from advisor.interfaces.ui.render import from_html

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

    response = httpx.get(url + "v1/models", timeout=30)  # no ADVISOR_API_KEYS: open
    assert response.status_code == 200, response.text[:300]
    assert [m["id"] for m in response.json()["data"]] == ["passive-income-advisor"]
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


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _open(browser: Any, network: Network, address: str, viewport: dict[str, int] = DESKTOP) -> Any:
    context = browser.new_context(viewport=viewport)
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
    page.wait_for_timeout(600)  # the passage slides open
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
def test_a_comparison_shows_as_a_table_and_a_calculation_with_its_assumptions(page, shots):
    _new_chat(page)
    row = _ask(page, "REIT vs a rental, which is less hassle?")
    table = row.locator("[data-testid=bot] table").first
    table.wait_for()
    headers = [h.strip() for h in table.locator("th").all_inner_texts()]
    assert headers[1].startswith("REITs") and headers[2] == "Rental property"
    assert "Risk (1-5)" in table.inner_text() and "|---" not in row.inner_text()
    _shot(page, shots, "chat-comparison")
    row = _ask(page, "How much do I need invested at 5% to earn $1,500 a month?")
    answer = row.locator("[data-testid=bot]").first.inner_text()
    assert "360,000" in answer and "Assumptions:" in answer


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
    from advisor.core.settings import get_settings
    from advisor.eval.dataset import load_dataset
    from advisor.users.feedback import load_feedback

    before = len(load_feedback(ui_advisor.settings, "local"))
    _new_chat(page)
    row = _ask(page, REIT_QUESTION)
    answer = row.locator("[data-testid=bot]").first.inner_text()
    comment = page.locator("#advisor-feedback-comment textarea")
    assert not comment.is_visible(), "no comment field until a thumbs-down"
    # the thumbs sit under the answer; a thumbs-down opens the comment field beside it
    page.locator("#advisor-chatbot button[aria-label='Dislike']").last.click()
    comment.wait_for(state="visible")
    assert "What was wrong" in page.locator("#advisor-feedback-note").inner_text()
    assert len(load_feedback(ui_advisor.settings, "local")) == before, "stored on Send"
    comment.fill("it should name the tax rules")
    page.locator("#advisor-feedback-send").click()
    page.locator("#advisor-feedback-note").get_by_text("rating is recorded").wait_for()
    comment.wait_for(state="hidden")
    stored = load_feedback(ui_advisor.settings, "local")
    assert len(stored) == before + 1
    record = stored[-1]
    assert record.rating == "down" and record.question == REIT_QUESTION
    assert record.comment == "it should name the tax rules"
    assert record.answer[:30] in answer and record.engine == "grounded"
    assert record.citations and record.citations[0].source == "passive-income-opportunities.md"
    _shot(page, shots, "chat-feedback")
    # a thumbs up on the same answer is a second rating, stored at once, no comment asked
    page.locator("#advisor-chatbot button[aria-label='Like']").last.click()
    page.locator("#advisor-feedback-note").get_by_text("marked as helpful").wait_for()
    assert not comment.is_visible()
    ratings = [(f.rating, f.comment) for f in load_feedback(ui_advisor.settings, "local")]
    assert ratings[-2:] == [("down", "it should name the tax rules"), ("up", "")]
    notes = page.locator("#advisor-chatbot, #advisor-feedback-note").all_inner_texts()
    assert not re.search("[\U0001f300-\U0001faff]", "".join(notes)), "icons, not emoji"
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
    from advisor.interfaces.ui.auth import user_id_for
    from advisor.users.profile_store import load_profile

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
        "() => document.querySelector('#advisor-user').innerText.includes('this computer')"
    )
    assert saved.input_value() == "20000"
    assert page.get_by_label("Currency").input_value() == "USD"

    _tab(page, "Suggestions")
    suggestions = page.locator("#advisor-suggestions")
    suggestions.locator("h3").first.wait_for()
    text = suggestions.inner_text()
    assert re.search(r"1\. .+ · fit \d+/100", text), text[:300]
    assert "First step:" in text and "97.5" not in text
    assert suggestions.locator("blockquote").count() >= 1  # cited passages
    # compact cards: at most three reasons each, the rest behind "Why, and more"
    cards = suggestions.locator("h3").count()
    assert suggestions.locator("details summary").count() >= 1
    box = suggestions.bounding_box()
    assert box is not None and box["height"] < 500 * cards, (box, cards)
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
    assert re.search(r"\d+ years \d+ months\): [\d,]+ USD a month", result.inner_text())
    page.locator("#advisor-projection-chart").locator("canvas, svg").first.wait_for()
    _shot(page, shots, "calculators")


def _upload(page: Any, files: list[Path]) -> None:
    _tab(page, "My documents")
    page.locator("#advisor-upload input[type=file]").set_input_files([str(f) for f in files])
    page.locator("#advisor-doc-status").get_by_text(re.compile("^(Added|Already)")).wait_for()


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
    status = page.locator("#advisor-doc-status").inner_text()
    assert status.startswith("Added vending-route.md (1 passage)"), status
    assert "chunk" not in status and "(s)" not in status
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
    page.locator("#advisor-delete").click()  # asks first; "Keep it" keeps it
    question = page.locator("#advisor-delete-question")
    question.get_by_text(re.compile(r"^Delete .+ \(vending-route\.md\)\?")).wait_for()
    page.locator("#advisor-delete-no").click()
    question.wait_for(state="hidden")
    assert "vending-route.md" in _doc_table_text(page)
    page.locator("#advisor-delete").click()
    page.locator("#advisor-delete-yes").click()
    status = page.locator("#advisor-doc-status")
    status.get_by_text("Deleted vending-route.md").wait_for()
    assert "no longer appear in your answers" in status.inner_text()
    assert "vending-route.md" not in _doc_table_text(page)

    _new_chat(page)
    row = _ask(page, NOTE_QUESTION)
    assert not any("your documents" in t for t in _source_titles(row))


@pytest.mark.browser
def test_markup_in_a_document_shows_as_text(page, network, ui_advisor, shots, tmp_path):
    from advisor.users.documents import add_documents

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
        assert "Signed in as alice" in alice.locator("#advisor-user").inner_text()

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


RECOMMEND = "I have $20,000 and 5 hours a week. What should I try?"


def _answer_top(page: Any) -> dict[str, float]:
    """Where the last answer starts, against the chat's scrolling box."""
    return page.evaluate(
        """() => {
          const rows = document.querySelectorAll('#advisor-chatbot .bot-row');
          const row = rows[rows.length - 1];
          let box = row.parentElement;
          while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowY)) {
            box = box.parentElement;
          }
          const chat = document.querySelector('#advisor-chatbot').getBoundingClientRect();
          return {row: row.getBoundingClientRect().top, box: box.getBoundingClientRect().top,
                  scrolled: box.scrollTop, overflow: box.scrollHeight - box.clientHeight,
                  chat: chat.height, bottom: chat.bottom};
        }"""
    )


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_chat_fills_the_window_and_a_new_answer_opens_at_its_start(
    browser, network, url, shots, viewport
):
    page = _open(browser, network, url, viewport)
    try:
        page.wait_for_selector("#advisor-question textarea")
        _new_chat(page)
        _ask(page, REIT_QUESTION)
        row = _ask(page, RECOMMEND)
        place = _answer_top(page)
        assert place["overflow"] > 0 and place["scrolled"] > 0, place  # long: it scrolled
        # the answer's first line is at the top of the chat, not its end
        assert 0 <= place["row"] - place["box"] < 40, place
        first = row.locator("[data-testid=bot]").first
        assert first.inner_text().startswith("Understood")
        assert "not financial advice" not in first.inner_text(), "the picks lead"
        titles = _source_titles(row)
        assert titles[-1] == "General information, not financial advice", titles
        assert place["chat"] >= 0.6 * viewport["height"], place
        assert place["bottom"] <= viewport["height"], "the question box stays in view"
        label = page.locator("#advisor-chatbot [data-testid=block-label]")
        assert label.count() == 0 or not label.first.is_visible(), "no label over the text"
        _shot(page, shots, f"chat-answer-start-{viewport['width']}")
    finally:
        page.context.close()


@pytest.mark.browser
def test_a_blank_question_is_not_sent(page):
    _new_chat(page)
    box = page.get_by_role("textbox", name="Your question")
    for blank in ("", "   "):
        box.fill(blank)
        box.press("Enter")
    page.get_by_role("button", name="Send question").click()
    page.wait_for_timeout(1500)
    assert page.locator("#advisor-chatbot .user-row, #advisor-chatbot .bot-row").count() == 0
    assert page.locator(".toast-body").count() == 0


@pytest.mark.browser
def test_errors_and_statuses_are_in_words(page, shots):
    _tab(page, "Suggestions")
    page.get_by_label("Annual yield (%)").first.fill("0")
    page.get_by_role("button", name="Calculate capital").click()
    capital = page.locator("#advisor-capital-result")
    capital.get_by_text("Enter an annual yield above 0%").wait_for()
    assert "annual_yield" not in capital.inner_text()
    page.get_by_label("Annual yield (%)").first.fill("4")
    page.get_by_role("button", name="Calculate capital").click()
    capital.get_by_text("Capital needed: 300,000 USD").wait_for()

    _tab(page, "Profile")
    page.get_by_label("Free hours a week").fill("-3")
    page.locator("#advisor-save-profile").click()
    status = page.locator("#advisor-profile-status")
    status.get_by_text("Not saved: free hours a week cannot be below 0").wait_for()
    assert page.locator(".toast-body").count() == 0, "no toast, no red 'Error'"
    assert "hours_per_week" not in status.inner_text()
    _shot(page, shots, "profile-error")
    page.get_by_label("Free hours a week").fill("5")
    page.locator("#advisor-save-profile").click()
    status.get_by_text("Saved.").wait_for()


@pytest.mark.browser
def test_an_income_source_keeps_every_letter_typed(page, ui_advisor):
    from advisor.users.profile_store import load_profile

    _tab(page, "Profile")
    sources = page.get_by_label(re.compile("Income sources you have now"))
    sources.click()
    sources.press("Control+a")
    sources.press("Delete")
    page.keyboard.type("Freelance writing, 20, 300")
    page.keyboard.press("Enter")
    page.keyboard.type("Rental flat, 5, $1,200")
    page.locator("#advisor-save-profile").click()
    deadline = time.monotonic() + 60
    while not (saved := load_profile(ui_advisor.settings, "local").income_sources):
        assert time.monotonic() < deadline, "the profile was not saved"
        time.sleep(0.2)
    assert [(s.name, s.hours_per_month, s.monthly_income) for s in saved] == [
        ("Freelance writing", 20.0, 300.0),
        ("Rental flat", 5.0, 1200.0),
    ]
    page.reload()
    page.wait_for_selector("#advisor-question textarea")
    _tab(page, "Profile")
    page.wait_for_function(
        "() => document.querySelector('#advisor-income-sources textarea').value.length > 0"
    )
    assert sources.input_value() == "Freelance writing, 20, 300\nRental flat, 5, 1200"


@pytest.mark.browser
def test_an_offer_to_save_facts_lives_in_its_session_and_the_chat_survives_a_reload(
    browser, network, url, shots
):
    first = _open(browser, network, url)
    second = _open(browser, network, url)
    try:
        first.wait_for_selector("#advisor-question textarea")
        _new_chat(first)
        _ask(first, RECOMMEND)
        first.locator("#advisor-save-facts").wait_for(state="visible")
        # another browser session of the same user is not offered these facts
        second.wait_for_selector("#advisor-question textarea")
        _new_chat(second)
        _ask(second, "What is passive income?")
        second.wait_for_timeout(1000)
        assert not second.locator("#advisor-save-facts").is_visible()
        # a reload keeps the conversation; the offer stayed with the old session
        first.reload()
        first.wait_for_selector("#advisor-question textarea")
        first.locator("#advisor-chatbot .bot-row").first.wait_for()
        assert "Understood: savings of 20,000 USD" in first.locator("#advisor-chatbot").inner_text()
        first.wait_for_timeout(1000)
        assert not first.locator("#advisor-save-facts").is_visible()
        # offered again when said again; clearing the chat takes the offer with it
        _ask(first, RECOMMEND)
        first.locator("#advisor-save-facts").wait_for(state="visible")
        _new_chat(first)
        first.locator("#advisor-save-facts").wait_for(state="hidden")
        first.reload()
        first.wait_for_selector("#advisor-question textarea")
        first.wait_for_timeout(1500)
        assert first.locator("#advisor-chatbot .bot-row").count() == 0, "cleared stays cleared"
    finally:
        first.context.close()
        second.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_tabs_labels_and_an_axe_check_for_phones_and_screen_readers(
    browser, network, url, shots, viewport
):
    from axe_playwright_python.sync_playwright import Axe

    page = _open(browser, network, url, viewport)
    try:
        page.wait_for_selector("#advisor-question textarea")
        for name in ("Chat", "Profile", "Suggestions", "My documents"):
            assert page.get_by_role("tab", name=name).is_visible(), name
        assert not page.get_by_role("button", name="More tabs").is_visible()
        _new_chat(page)
        row = _ask(page, REIT_QUESTION)
        assert page.get_by_role("textbox", name="Your question").is_visible()
        assert page.get_by_role("button", name="Send question").is_visible()
        toggle = row.locator(".thought-group [role=button]").first
        page.wait_for_function(
            "() => document.querySelector('#advisor-chatbot .thought-group [role=button]')"
            ".getAttribute('aria-expanded') === 'false'"
        )
        toggle.click()
        page.wait_for_function(
            "() => document.querySelector('#advisor-chatbot .thought-group [role=button]')"
            ".getAttribute('aria-expanded') === 'true'"
        )
        problems = []
        for tab in ("Chat", "Profile", "Suggestions", "My documents"):
            _tab(page, tab)
            page.wait_for_timeout(500)
            found = Axe().run(page).response["violations"]
            problems += [
                (tab, v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
                for v in found
                if v["impact"] in ("serious", "critical")
            ]
        _shot(page, shots, f"accessibility-{viewport['width']}")
        assert problems == [], "\n".join(map(str, problems))
    finally:
        page.context.close()


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
