"""The chat UI served for real (``create_app`` under uvicorn on 127.0.0.1), driven by
``gradio_client`` and by Debian's Chromium through Playwright.

One server and one browser per module; the browser tests share a page and run in file
order. Screenshots of each view go to this module's temp folder (printed on failure);
the documentation's screenshots are made by ``bench/ui_screenshots.py``.

Without Chromium (``ADVISOR_TEST_CHROMIUM``, default /usr/bin/chromium) or the playwright
package the browser tests are skipped on a dev machine and fail under ``CI=true``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import cli

pytest.register_assert_rewrite("ui_browser")  # before the import: it is a plugin too
from ui_browser import (  # noqa: E402
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    Network,
    ask,
    new_chat,
    open_page,
    shot,
    source_titles,
    tab,
)

# the server, the browser and the shared page: fixtures in tests/ui_browser.py
pytest_plugins = ["ui_browser"]

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


@pytest.mark.browser
def test_chat_streams_an_answer_with_an_expandable_source(page, shots):
    new_chat(page)
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
    row = ask(page, REIT_QUESTION)
    lengths = page.evaluate("window.__lengths")
    assert len({n for n in lengths if n}) >= 2, f"no partial answer was shown: {lengths}"
    answer = row.locator("[data-testid=bot]").first.inner_text()
    assert "[1]" in answer and "dividends" in answer.lower()
    titles = source_titles(row)
    assert titles and titles[0].startswith("[1]") and "library" in titles[0]
    source = row.locator(".thought-group").first
    assert "offers liquidity" not in source.inner_text()  # collapsed until clicked
    source.locator(".title").click()
    source.get_by_text("This investment vehicle offers liquidity").wait_for()
    assert "Source: passive-income-opportunities.md" in source.inner_text()
    page.wait_for_timeout(600)  # the passage slides open
    shot(page, shots, "chat")


@pytest.mark.browser
def test_chat_follow_up_is_read_with_the_conversation(page, shots):
    new_chat(page)
    ask(page, "What should I check before lending money on a peer-to-peer platform?")
    row = ask(page, "And what about REITs?")
    read_as = [t for t in source_titles(row) if t.startswith("Read as")]
    assert read_as and "REITs" in read_as[0] and "check" in read_as[0].lower()
    assert "REIT" in row.locator("[data-testid=bot]").first.inner_text()
    shot(page, shots, "chat-follow-up")


@pytest.mark.browser
def test_a_comparison_shows_as_a_table_and_a_calculation_with_its_assumptions(page, shots):
    new_chat(page)
    row = ask(page, "REIT vs a rental, which is less hassle?")
    table = row.locator("[data-testid=bot] table").first
    table.wait_for()
    headers = [h.strip() for h in table.locator("th").all_inner_texts()]
    assert headers[1].startswith("REITs") and headers[2] == "Rental property"
    assert "Risk (1-5)" in table.inner_text() and "|---" not in row.inner_text()
    shot(page, shots, "chat-comparison")
    row = ask(page, "How much do I need invested at 5% to earn $1,500 a month?")
    answer = row.locator("[data-testid=bot]").first.inner_text()
    assert "360,000" in answer and "Assumptions:" in answer


@pytest.mark.browser
def test_declined_question_shows_the_redirect(page):
    new_chat(page)
    row = ask(page, "Write a Python function that reverses a string")
    assert "passive and active income" in row.inner_text()
    assert source_titles(row) == []


@pytest.mark.browser
def test_thumbs_down_with_a_comment_is_stored_and_imports_as_an_unreviewed_row(
    page, shots, ui_advisor, capsys, monkeypatch, tmp_path
):
    from advisor.core.settings import get_settings
    from advisor.eval.dataset import load_dataset
    from advisor.users.feedback import load_feedback

    before = len(load_feedback(ui_advisor.settings, "local"))
    new_chat(page)
    row = ask(page, REIT_QUESTION)
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
    shot(page, shots, "chat-feedback")
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
    new_chat(page)
    row = ask(page, "hi")
    assert "example" in row.inner_text() and source_titles(row) == []
    assert "Hello" in row.inner_text(), "a greeting, not the decline"
    assert page.locator("#advisor-chatbot button.option").count() == 0

    row = ask(page, "I have $20,000 and 5 hours a week. What should I try?")
    text = row.inner_text()
    assert "Understood: savings of $20,000; 5 hours a week." in text
    assert "1. " in text and "fit" in text and "advisor profile" not in text
    save = page.locator("#advisor-chatbot button.option")  # offered under the answer
    save.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert save.inner_text().startswith("Save to my profile: savings of $20,000")
    assert load_profile(ui_advisor.settings, me).capital is None, "not saved before the click"
    shot(page, shots, "chat-facts")
    save.click()
    page.locator("#advisor-chatbot .bot-row", has_text="Saved to your profile").wait_for(
        timeout=TIMEOUT_MS
    )
    saved = load_profile(ui_advisor.settings, me)
    assert (saved.capital, saved.hours_per_week) == (20000.0, 5.0)
    assert save.count() == 0


@pytest.mark.browser
def test_profile_form_saves_and_suggestions_show_ranked_streams_and_a_chart(page, shots):
    tab(page, "Profile")
    page.get_by_label("Savings you could invest", exact=True).fill("20000")
    page.get_by_label("Money left over each month", exact=True).fill("500")
    page.get_by_label("Free hours a week", exact=True).fill("5")
    page.get_by_label("medium", exact=True).check()
    page.get_by_label("Skills (comma-separated)", exact=True).fill("writing, teaching")
    page.get_by_label("Currency", exact=True).fill("dollars")
    page.locator("#advisor-save-profile").click()
    status = page.locator("#advisor-profile-status")
    status.get_by_text("Not saved").wait_for()
    assert "three-letter code" in status.inner_text()
    page.get_by_label("Currency", exact=True).fill("usd")
    page.locator("#advisor-save-profile").click()
    status.get_by_text("Saved.").wait_for()
    assert "Missing facts that would change the suggestions" in status.inner_text()
    assert "horizon" in status.inner_text()
    shot(page, shots, "profile")
    page.reload()
    tab(page, "Profile")
    saved = page.get_by_label("Savings you could invest", exact=True)
    page.wait_for_function(
        "() => document.querySelector('#advisor-user').innerText.includes('this computer')"
    )
    assert saved.input_value() == "20000"
    assert page.get_by_label("Currency", exact=True).input_value() == "USD"

    tab(page, "Suggestions")
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
    shot(page, shots, "suggestions")


@pytest.mark.browser
def test_calculators_show_capital_and_a_projection_plot(page, shots):
    tab(page, "Suggestions")
    page.get_by_role("button", name="Calculate capital").click()
    capital = page.locator("#advisor-capital-result")
    capital.get_by_text("Capital needed").wait_for()
    assert "300,000" in capital.inner_text()  # 1,000 a month at 4 % a year
    page.locator("#advisor-project").click()
    result = page.locator("#advisor-projection-result")
    result.get_by_text("Goal reached after").wait_for()
    assert re.search(
        r"\d+ years \d+ months \(\d+ months\): \$300,000 at 4% a year pays \$1,000 a month",
        result.inner_text(),
    )
    page.locator("#advisor-projection-chart").locator("canvas, svg").first.wait_for()
    shot(page, shots, "calculators")


def _upload(page: Any, files: list[Path]) -> None:
    tab(page, "My documents")
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
    shot(page, shots, "documents")

    new_chat(page)
    row = ask(page, NOTE_QUESTION)
    titles = source_titles(row)
    assert any("your documents" in t for t in titles), titles
    assert "430" in row.locator("[data-testid=bot]").first.inner_text()
    shot(page, shots, "chat-my-document")

    tab(page, "My documents")
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

    new_chat(page)
    row = ask(page, NOTE_QUESTION)
    assert not any("your documents" in t for t in source_titles(row))


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
    tab(page, "My documents")
    page.wait_for_function(
        "t => document.querySelector('#advisor-doc-table').innerText.includes(t)",
        arg="<img src=x onerror=alert(1)>",
    )

    new_chat(page)
    row = ask(page, "What is my Tallinn vending machine route dividend plan?")
    mine = [t for t in source_titles(row) if "your documents" in t]
    assert mine, source_titles(row)
    index = source_titles(row).index(mine[0])
    row.locator(".thought-group .title").nth(index).click()
    page.wait_for_function(
        "t => document.querySelector('#advisor-chatbot').innerText.includes(t)",
        arg="<script>alert('xss')</script>",
    )
    assert "<img src=x onerror=alert(2)>" in page.locator("#advisor-chatbot").inner_text()
    row = ask(page, "What do my royalty notes say about books and music?")
    assert any("<img src=x onerror=alert(1)>" in t for t in source_titles(row))
    assert page.locator("img[src=x], #advisor-chatbot script").count() == 0
    shot(page, shots, "markup-as-text")
    assert network.dialogs == []


def _login(browser: Any, network: Network, address: str, user: str, password: str) -> Any:
    page = open_page(browser, network, address)
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
        tab(alice, "Profile")
        assert "Signed in as alice" in alice.locator("#advisor-user").inner_text()

        tab(bob, "My documents")
        bob.reload()
        bob.wait_for_selector("#advisor-question textarea")
        tab(bob, "My documents")
        assert "alice-vending.md" not in _doc_table_text(bob)
        tab(bob, "Profile")
        assert "bob" in bob.locator("#advisor-user").inner_text()
        row = ask(bob, NOTE_QUESTION)
        assert not any("your documents" in t for t in source_titles(row))
        shot(bob, shots, "bob-chat")

        row = ask(alice, NOTE_QUESTION)
        assert any("your documents" in t for t in source_titles(row))
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
    page = open_page(browser, network, url, viewport)
    try:
        page.wait_for_selector("#advisor-question textarea")
        new_chat(page)
        ask(page, REIT_QUESTION)
        row = ask(page, RECOMMEND)
        place = _answer_top(page)
        assert place["overflow"] > 0 and place["scrolled"] > 0, place  # long: it scrolled
        # the answer's first line is at the top of the chat, not its end
        assert 0 <= place["row"] - place["box"] < 40, place
        first = row.locator("[data-testid=bot]").first
        assert first.inner_text().startswith("Understood")
        assert "not financial advice" not in first.inner_text(), "the picks lead"
        titles = source_titles(row)
        assert titles[-1] == "General information, not financial advice", titles
        assert place["chat"] >= 0.6 * viewport["height"], place
        assert place["bottom"] <= viewport["height"], "the question box stays in view"
        label = page.locator("#advisor-chatbot [data-testid=block-label]")
        assert label.count() == 0 or not label.first.is_visible(), "no label over the text"
        shot(page, shots, f"chat-answer-start-{viewport['width']}")
    finally:
        page.context.close()


@pytest.mark.browser
def test_a_blank_question_is_not_sent(page):
    new_chat(page)
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
    tab(page, "Suggestions")
    page.get_by_label("Annual yield (%)", exact=True).first.fill("0")
    page.get_by_role("button", name="Calculate capital").click()
    capital = page.locator("#advisor-capital-result")
    capital.get_by_text("Enter an annual yield above 0%").wait_for()
    assert "annual_yield" not in capital.inner_text()
    page.get_by_label("Annual yield (%)", exact=True).first.fill("4")
    page.get_by_role("button", name="Calculate capital").click()
    capital.get_by_text("Capital needed: $300,000 at 4% a year").wait_for()

    tab(page, "Profile")
    page.get_by_label("Free hours a week", exact=True).fill("-3")
    page.locator("#advisor-save-profile").click()
    status = page.locator("#advisor-profile-status")
    status.get_by_text("Not saved: free hours a week cannot be below 0").wait_for()
    assert page.locator(".toast-body").count() == 0, "no toast, no red 'Error'"
    assert "hours_per_week" not in status.inner_text()
    shot(page, shots, "profile-error")
    page.get_by_label("Free hours a week", exact=True).fill("5")
    page.locator("#advisor-save-profile").click()
    status.get_by_text("Saved.").wait_for()


@pytest.mark.browser
def test_an_income_source_keeps_every_letter_typed(page, ui_advisor):
    from advisor.users.profile_store import load_profile

    tab(page, "Profile")
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
    tab(page, "Profile")
    page.wait_for_function(
        "() => document.querySelector('#advisor-income-sources textarea').value.length > 0"
    )
    assert sources.input_value() == "Freelance writing, 20, 300\nRental flat, 5, 1200"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_tabs_labels_and_an_axe_check_for_phones_and_screen_readers(
    browser, network, url, shots, viewport
):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, network, url, viewport)
    try:
        page.wait_for_selector("#advisor-question textarea")
        for name in ("Chat", "Profile", "Suggestions", "My documents"):
            assert page.get_by_role("tab", name=name).is_visible(), name
        assert not page.get_by_role("button", name="More tabs").is_visible()
        new_chat(page)
        row = ask(page, REIT_QUESTION)
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
        for name in ("Chat", "Profile", "Suggestions", "My documents"):
            tab(page, name)
            page.wait_for_timeout(500)
            found = Axe().run(page).response["violations"]
            problems += [
                (name, v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
                for v in found
                if v["impact"] in ("serious", "critical")
            ]
        shot(page, shots, f"accessibility-{viewport['width']}")
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
    page = open_page(browser, network, url)
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
