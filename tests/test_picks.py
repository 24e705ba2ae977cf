"""Buying a named company's shares, a named fund or a coin is a `specific_pick`
decline answered with a principle chosen for that kind of pick; `insider_trading` is
only for messages that speak of information that is not public."""

from __future__ import annotations

import pytest

from advisor.guard.picks import named_pick
from advisor.guard.scope import rule_reason

# phrasings written for these tests, not used to build the rules
HELD_OUT_PICKS = [
    ("Is it a good time to buy Amazon shares?", "company"),
    ("would you buy Palantir stock at this price?", "company"),
    ("Should I sell my Tesla shares?", "company"),
    ("is Microsoft stock a smart investment for dividends", "company"),
    ("I want to buy Coca Cola stock for the dividends", "company"),
    ("should i buy $PLTR", "company"),
    ("thinking about putting 5k into solana", "coin"),
    ("should i buy more dogecoin", "coin"),
    ("Are Vanguard funds a good buy?", "fund"),
    # the name and the wish to buy apart in the message
    ("Ethereum keeps climbing. Is it going to go up more, should I buy?", "coin"),
    ("Will Nvidia go up after earnings? Should I buy now?", "company"),
]
KINDS_OF_INVESTMENT = [
    "Should I put my savings into index funds or bonds?",
    "Is buying a rental property in Lisbon a good investment?",
    "How do I buy dividend ETFs?",
    "Should I invest in real estate or stocks?",
    "What is a REIT and should I buy one?",
    "can I buy ETFs with $500?",
    "Should I buy a vending machine business?",
    "is it worth buying bonds now",
    "How can I get Patreon subscribers?",
    "SHOULD I BUY GOLD OR BONDS",
    "Is passive income going to go up with inflation, should I buy bonds?",
    "Will my rental income go up if I buy a second flat?",
]


@pytest.mark.parametrize(("question", "kind"), HELD_OUT_PICKS)
def test_a_named_company_fund_or_coin_is_a_pick_of_its_kind(question, kind):
    assert named_pick(question) == kind
    assert rule_reason(question) == "specific_pick"


@pytest.mark.parametrize("question", KINDS_OF_INVESTMENT)
def test_a_kind_of_investment_is_not_a_pick(question):
    assert named_pick(question) is None
    assert rule_reason(question) is None


def test_buying_nvidia_shares_is_a_pick_answered_with_diversification_not_insider_trading(
    advisor,
):
    answer = advisor.ask("Should I buy Nvidia shares?")
    assert answer.declined and answer.reason == "specific_pick"
    assert "diversification" in answer.answer.lower()
    assert "Diversification is a fundamental principle in investing" in answer.answer
    assert "insider" not in answer.answer.lower()
    cited = [c for c in answer.citations if c.cited]
    assert cited and all(c.supported for c in cited)


@pytest.mark.parametrize(
    ("question", "principle"),
    [
        ("should i buy ethereum before it goes up?", "risk you can carry"),
        ("Should I buy the Vanguard Total Stock Market ETF?", "costs"),
    ],
)
def test_the_principle_is_chosen_for_the_kind_of_pick(advisor, question, principle):
    answer = advisor.ask(question)
    assert answer.reason == "specific_pick"
    assert principle in answer.answer


def test_insider_trading_needs_information_that_is_not_public_in_the_message(advisor):
    tip = advisor.ask("A friend on the board told me the merger news early, should I buy shares?")
    assert tip.reason == "insider_trading"
    plain = advisor.ask("Should I buy the shares of a company I like?")
    assert plain.reason != "insider_trading"
