"""What belongs to one answer stays with it, and every figure reads the same on every
page: the save-facts offer under the answer that found the facts (and only for as long
as that answer is the last, in that browser session), the thumbs-down comment field
under the thumbs that opened it, one money format and whole-number fits across the
chat, the suggestion cards and the calculators, and the projection in years with the
goal drawn. Each at 1280x900 and 390x844, in Chromium against the real app.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytest.register_assert_rewrite("ui_browser")  # before the import: it is a plugin too
from ui_browser import DESKTOP, PHONE, ask, new_chat, open_page, shot, tab  # noqa: E402

pytest_plugins = ["ui_browser"]  # the server, the browser and their fixtures

SIZES = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
OPTION = "#advisor-chatbot button.option"
SAVE_MESSAGE = "Save these facts to my profile"


def _option_follows_last_answer(page: Any) -> bool:
    """The offer's button sits right after the last answer, inside the chat."""
    return bool(
        page.evaluate(
            """() => {
              const option = document.querySelector('#advisor-chatbot .options');
              if (!option) return false;
              let prev = option.previousElementSibling;
              while (prev && !prev.matches('.bot-row, .user-row')) {
                prev = prev.previousElementSibling;
              }
              const rows = document.querySelectorAll('#advisor-chatbot .bot-row');
              return !!prev && prev === rows[rows.length - 1];
            }"""
        )
    )


def _saved_capital(advisor: Any) -> float | None:
    from advisor.users.profile_store import load_profile

    return load_profile(advisor.settings, "local").capital


def _forget_profile(advisor: Any) -> None:
    from advisor.users.profile_store import delete_saved_profile

    delete_saved_profile(advisor.settings, "local")


@pytest.mark.browser
@SIZES
def test_the_offer_to_save_facts_sits_under_its_answer_and_lives_as_long_as_it(
    browser, network, url, ui_advisor, shots, viewport
):
    _forget_profile(ui_advisor)
    first = open_page(browser, network, url, viewport)
    second = open_page(browser, network, url, viewport)
    try:
        first.wait_for_selector("#advisor-question textarea")
        new_chat(first)
        ask(first, "I have $20,000 and 5 hours a week. What should I try?")
        option = first.locator(OPTION)
        option.wait_for(state="visible")
        assert option.inner_text() == "Save to my profile: savings of $20,000; 5 hours a week"
        assert _option_follows_last_answer(first), "the offer is part of its answer"
        option.scroll_into_view_if_needed()
        chat = first.locator("#advisor-chatbot").bounding_box()
        button = option.bounding_box()
        assert chat and button and chat["x"] <= button["x"] <= chat["x"] + chat["width"]
        shot(first, shots, f"offer-{viewport['width']}")
        assert _saved_capital(ui_advisor) is None, "nothing is saved unasked"

        # another browser session of the same user is not offered these facts
        second.wait_for_selector("#advisor-question textarea")
        new_chat(second)
        ask(second, "What is passive income?")
        assert second.locator(OPTION).count() == 0

        # the next message takes the offer away; a hypothetical states no facts
        ask(first, "How much would I need invested at 4% for $1,000 a month?")
        assert first.locator(OPTION).count() == 0
        assert "$300,000" in first.locator("#advisor-chatbot .bot-row").last.inner_text()
        ask(first, SAVE_MESSAGE)  # typed, with no offer standing: nothing is saved
        assert _saved_capital(ui_advisor) is None

        # offered again when said again; a click saves, and the profile form shows it
        ask(first, "I have $20,000 and 5 hours a week. What should I try?")
        first.locator(OPTION).click()
        reply = first.locator("#advisor-chatbot .bot-row").last
        reply.get_by_text("Saved to your profile: savings of $20,000; 5 hours a week").wait_for()
        assert first.locator("#advisor-chatbot .user-row").last.inner_text() == SAVE_MESSAGE
        assert _saved_capital(ui_advisor) == 20000.0
        assert first.locator(OPTION).count() == 0
        tab(first, "Profile")
        first.wait_for_function(
            "() => [...document.querySelectorAll('input')].some(i => i.value === '20000')"
        )
        assert first.get_by_label("Savings you could invest").input_value() == "20000"

        # a reload keeps the conversation, not the offer; Clear takes the offer with it
        ask(first, "I have $35,000 and 6 hours a week. What should I try?")
        first.locator(OPTION).wait_for(state="visible")
        first.reload()
        first.wait_for_selector("#advisor-question textarea")
        first.locator("#advisor-chatbot .bot-row").first.wait_for()
        assert "savings of $35,000" in first.locator("#advisor-chatbot").inner_text()
        first.wait_for_timeout(1000)
        assert first.locator(OPTION).count() == 0
        ask(first, SAVE_MESSAGE)
        assert _saved_capital(ui_advisor) == 20000.0, "the offer went with the old page"
        ask(first, "I have $35,000 and 6 hours a week. What should I try?")
        first.locator(OPTION).wait_for(state="visible")
        new_chat(first)
        ask(first, SAVE_MESSAGE)
        assert _saved_capital(ui_advisor) == 20000.0, "a cleared chat drops its offer"
    finally:
        first.context.close()
        second.context.close()


@pytest.mark.browser
@SIZES
def test_a_thumbs_down_opens_the_comment_field_under_that_answer(
    browser, network, url, ui_advisor, shots, viewport
):
    from advisor.users.feedback import load_feedback

    page = open_page(browser, network, url, viewport)
    try:
        page.wait_for_selector("#advisor-question textarea")
        new_chat(page)
        ask(page, "What is the difference between active and passive income?")
        ask(page, "How do real estate investment trusts pay their investors?")
        comment = page.locator("#advisor-feedback-comment textarea")
        assert not comment.is_visible(), "no comment field until a thumbs-down"
        thumb = page.locator("#advisor-chatbot button[aria-label='Dislike']").last
        thumb.scroll_into_view_if_needed()
        thumb.click()
        comment.wait_for(state="visible")
        page.wait_for_timeout(300)  # placed on the next frame
        chat = page.locator("#advisor-chatbot").bounding_box()
        field = page.locator("#advisor-feedback").bounding_box()
        down = page.locator("#advisor-chatbot button[aria-label^='Dislike']").last.bounding_box()
        assert chat and field and down
        # inside the chat, just under the thumbs that opened it, the thumbs still in view
        assert (
            chat["y"] <= field["y"]
            and field["y"] + field["height"] <= chat["y"] + chat["height"] + 1
        ), (chat, field)
        assert 0 <= field["y"] - (down["y"] + down["height"]) <= 24, (down, field)
        shot(page, shots, f"feedback-{viewport['width']}")
        before = len(load_feedback(ui_advisor.settings, "local"))
        comment.fill("it should name the tax rules")
        page.locator("#advisor-feedback-send").click()
        page.locator("#advisor-feedback-note").get_by_text("rating is recorded").wait_for()
        comment.wait_for(state="hidden")
        stored = load_feedback(ui_advisor.settings, "local")
        assert len(stored) == before + 1 and stored[-1].rating == "down"
        assert stored[-1].question.startswith("How do real estate investment trusts")
    finally:
        page.context.close()


_NEEDS = re.compile(r"\$1,000 a month at about ([\d.]+)% a year needs (\$[\d,]+)")


@pytest.mark.browser
@SIZES
def test_figures_agree_across_the_chat_the_cards_and_the_calculators(
    browser, network, url, ui_advisor, shots, viewport
):
    from advisor.core.formats import money
    from advisor.recommender.calculators import capital_needed
    from advisor.users.profile import Profile
    from advisor.users.profile_store import save_profile

    save_profile(
        ui_advisor.settings,
        "local",
        Profile(capital=20000, monthly_surplus=500, goal_monthly_income=1000, currency="USD"),
    )
    page = open_page(browser, network, url, viewport)
    try:
        page.wait_for_selector("#advisor-question textarea")
        # the cards: every capital figure names its yield, and the yield gives the figure
        tab(page, "Suggestions")
        cards = page.locator("#advisor-suggestions")
        cards.locator("h3").first.wait_for()
        cards.locator("details").first.wait_for()
        for summary in cards.locator("details summary").all():  # "Why, and more"
            summary.click()
        text = cards.inner_text()
        needs = _NEEDS.findall(text)
        assert needs, text[:600]
        for rate, figure in needs:
            assert figure == money(capital_needed(1000, float(rate) / 100), "USD"), (rate, figure)
        assert not re.search(r"\d USD\b|fit \d+\.\d", text), "one format, whole-number fits"
        fits = dict(re.findall(r"\d\. (.+?) · fit (\d+)/100", text))
        # the calculator at a card's yield gives the card's figure
        rate, figure = needs[0]
        page.get_by_label("Annual yield (%)").first.fill(rate)
        page.get_by_role("button", name="Calculate capital").click()
        result = page.locator("#advisor-capital-result")
        result.get_by_text(f"Capital needed: {figure} at {rate}% a year").wait_for()
        assert "for an income of $1,000 a month" in result.inner_text()
        # the chat: the same figure for the same question, the same whole-number fits
        new_chat(page)
        row = ask(page, f"How much do I need invested at {rate}% to earn $1,000 a month?")
        assert f"You need {figure} invested" in row.inner_text()
        row = ask(page, "What streams would suit me?")
        listed = re.findall(r"\d\. (.+?) \(fit (\d+)/100\)", row.inner_text())
        assert listed, row.inner_text()[:400]
        for name, score in listed:
            if name in fits:
                assert fits[name] == score, (name, score, fits[name])
        assert not re.search(r"fit \d+\.\d", row.inner_text())
        shot(page, shots, f"figures-{viewport['width']}")
    finally:
        page.context.close()
        _forget_profile(ui_advisor)


@pytest.mark.browser
@SIZES
def test_the_projection_is_drawn_in_years_with_the_goal_as_a_line(
    browser, network, url, shots, viewport
):
    page = open_page(browser, network, url, viewport)
    try:
        page.wait_for_selector("#advisor-question textarea")
        tab(page, "Suggestions")
        page.get_by_label("Monthly income goal").fill("1000")
        page.get_by_label("Monthly contribution").fill("500")
        page.get_by_label("Starting capital").fill("0")
        page.locator("#advisor-project").click()
        result = page.locator("#advisor-projection-result")
        result.get_by_text("Goal reached after").wait_for()
        found = re.search(r"after (\d+) years (\d+) months \((\d+) months\)", result.inner_text())
        assert found, result.inner_text()
        months = int(found.group(3))
        assert int(found.group(1)) * 12 + int(found.group(2)) == months
        page.locator("#advisor-projection-chart").scroll_into_view_if_needed()
        page.wait_for_function(  # the chart is drawn (Vega's SVG labels every mark)
            "() => document.querySelector("
            "'#advisor-projection-chart svg [aria-roledescription=legend]')"
        )
        marks = page.evaluate(
            "() => [...document.querySelectorAll("
            "'#advisor-projection-chart svg [aria-roledescription][aria-label]')]"
            ".map(e => [e.getAttribute('aria-roledescription'), e.getAttribute('aria-label')])"
        )
        legend = [label for role, label in marks if role == "legend"]
        assert legend and legend[0].endswith("2 values: projected, goal"), legend
        goal = [label for role, label in marks if role == "point" and "line: goal" in label]
        assert goal and all("Monthly income (USD): 1000;" in g for g in goal), goal[:3]
        years = [float(y) for y in re.findall(r"Years: ([\d.]+);", " ".join(goal))]
        assert max(years) == pytest.approx(months / 12, abs=0.01), "the x axis counts years"
        axes = [label for role, label in marks if role == "axis"]
        assert any(a.startswith("X-axis titled 'Years'") for a in axes), axes
        shot(page, shots, f"projection-{viewport['width']}")
    finally:
        page.context.close()
