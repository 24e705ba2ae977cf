"""Answers that answer: the grounded engine quotes the unit that answers the question
first (a whole list, a table row, one sentence per side), leaves filler out, and the
chat behaves like a conversation (small talk, typos, facts typed in it; follow-ups are in
``test_condense.py``).

Run over the real corpus with the real packaged embedding model."""

from __future__ import annotations

import json

import pytest
from helpers import cli

from advisor.answering.answer_text import strip_label
from advisor.conversation.facts import asks_what_to_do, describe, extract_facts
from advisor.conversation.question_types import question_type

FILLER = "The concept of passive income has gained significant traction"


def _words(text: str) -> int:
    return len(text.split())


# -- answer by question type ----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What are the two major problems in creating passive income?", "list"),
        ("which kinds of passive income are there", "list"),
        ("What is a REIT?", "definition"),
        ("Is a side hustle really passive?", "yes_no"),
        ("What is the difference between active and passive income?", "comparison"),
        ("REITs or rental property?", "comparison"),
        ("How much do I need to invest for 1000 a month?", "number"),
        ("How do I find the right side hustle?", "how"),
        ("Why is leverage essential?", "why"),
    ],
)
def test_the_kind_of_answer_a_question_wants_is_recognised(question, kind):
    assert question_type(question).kind == kind


def test_a_list_question_gets_the_whole_list_as_one_cited_unit_and_no_filler(advisor):
    answer = advisor.ask("What are the two major problems in creating passive income?")
    assert "small impact area" in answer.answer
    assert "Dependent on continuous time investment" in answer.answer
    lead = answer.answer.split("[", 1)[0]
    assert "small impact area" in lead and "continuous time investment" in lead, (
        "lead-in and items are one unit, cited once"
    )
    assert FILLER not in answer.answer
    assert _words(answer.answer) <= 60
    assert all(c.supported is not False for c in answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "What is passive income?",
        "How do real estate investment trusts pay their investors?",
        "Is a passive income side hustle really passive?",
        "What should I check before lending money on a peer-to-peer platform?",
    ],
)
def test_answers_are_short_cited_quotes(advisor, question):
    answer = advisor.ask(question)
    assert not answer.declined and answer.reason is None
    assert _words(strip_label(answer.answer)) <= 80  # the quotes, without the label
    assert "[1]" in answer.answer or "[2]" in answer.answer
    assert not [w for w in answer.warnings if w.startswith("unsupported")]


@pytest.mark.parametrize(
    ("question", "lead", "goes_on"),
    [
        # the next sentence of the same paragraph
        (
            "Can I earn money with a Patreon subscription?",
            "platforms like Patreon or Substack",
            "This model not only provides a steady stream of income",
        ),
        # the next sentence is in the next chunk: the lead's chunk ends before it
        ("How do REITs work?", "REITs allow individuals", "These trusts pool funds"),
    ],
)
def test_a_sentence_going_on_with_the_lead_is_quoted_though_it_names_no_word_asked(
    advisor, question, lead, goes_on
):
    answer = advisor.ask(question)
    first, rest = answer.answer.split("]", 1)
    assert lead in first
    assert rest.lstrip(". ").startswith(goes_on), "read in the source's order, right after"
    assert _words(answer.answer) <= 80


def test_the_name_under_a_quote_is_never_quoted_as_an_answer(advisor):
    history = [
        {"role": "user", "content": "What does Rich Dad, Poor Dad call an asset?"},
        {"role": "assistant", "content": "..."},
    ]
    answer = advisor.ask("And a liability?", history=history)
    assert answer.question == "What does Rich Dad, Poor Dad call a liability?"
    assert "– Rich Dad" not in answer.answer
    assert answer.answer.startswith("A liability is something")


def test_a_sentence_follows_the_lead_in_any_passage_that_repeats_them():
    from advisor.answering.engines.grounded import Unit, _distance, _follows

    lead = Unit("REITs allow it.", 1, 4, places=[(1, 4), (2, 0)])
    after = Unit("These trusts pool funds.", 2, 1, places=[(2, 1)])
    far = Unit("Something later on.", 2, 5, places=[(2, 5)])
    before = Unit("Another avenue is REITs.", 1, 3, places=[(1, 3)])
    assert _follows(after, lead) and _distance(after, lead) == 1
    assert not _follows(far, lead)
    assert not _follows(before, lead) and _distance(before, lead) == 0


# -- a conversation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "message", ["hi", "Hello there!", "thanks, that was helpful!", "who are you?", "bye"]
)
def test_small_talk_gets_a_short_friendly_reply_not_a_decline(advisor, message):
    answer = advisor.ask(message)
    assert answer.reason == "small_talk" and not answer.declined
    assert answer.citations == [] and answer.answer
    assert _words(answer.answer) <= 80


def test_typos_and_informal_spelling_still_find_the_definition(advisor):
    answer = advisor.ask("wat is pasive incom exactly")
    assert not answer.declined
    assert "without a sustained time commitment" in answer.answer or (
        "not actively involved" in answer.answer
    )


def test_insider_trading_is_declined_with_the_principle_not_quotes(advisor):
    answer = advisor.ask("My friend at Apple told me about earnings early, can I trade on that?")
    assert answer.declined
    assert "reinvest" not in answer.answer.lower()


# -- facts typed in the chat ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        (
            "I have $20,000 and 5 hours a week, low risk, I write well",
            {
                "capital": 20000.0,
                "hours_per_week": 5.0,
                "risk_tolerance": "low",
                "skills": ["writing"],
                "currency": "USD",
            },
        ),
        (
            "I have 20k euros saved and about 500 a month left over",
            {"capital": 20000.0, "monthly_surplus": 500.0, "currency": "EUR"},
        ),
        (
            "I want to make $1,000 a month in 10 years",
            {"goal_monthly_income": 1000.0, "horizon_years": 10.0, "currency": "USD"},
        ),
        (
            "I can spare 2 hours a day and I am a programmer",
            {"hours_per_week": 14.0, "skills": ["programming"]},
        ),
        ("I work 40 hours a week", {}),
        ("How much do I need to invest for 1000 a month at 4%?", {}),
        ("What is passive income?", {}),
    ],
)
def test_facts_typed_in_a_message_become_profile_fields(text, facts):
    assert extract_facts(text) == facts


def test_stated_facts_are_said_back_in_words():
    facts = extract_facts("I have $20,000 and 5 hours a week")
    assert describe(facts) == "savings of $20,000; 5 hours a week"
    assert asks_what_to_do("What should I try?") and not asks_what_to_do("What is a REIT?")


def test_facts_in_the_chat_rank_streams_at_once_and_are_not_saved_unasked(writable_advisor):
    from advisor.users.profile_store import load_profile

    answer = writable_advisor.ask(
        "I have $20,000 and 5 hours a week. What should I try?", user="sam"
    )
    assert answer.engine == "recommender" and not answer.declined
    assert answer.profile_facts == {"capital": 20000.0, "hours_per_week": 5.0, "currency": "USD"}
    assert answer.answer.startswith("Understood: savings of $20,000; 5 hours a week.")
    assert "1. " in answer.answer and "[1]" in answer.answer
    assert "advisor profile" not in answer.answer and "`" not in answer.answer
    assert load_profile(writable_advisor.settings, "sam").is_empty()


def test_ask_json_carries_reason_and_profile_facts_and_saves_only_when_told(capsys, home_copy):
    question = "I have $20,000 and 5 hours a week. What should I try?"
    code, out, err = cli(capsys, "ask", "--json", "--user", "kim", question)
    assert code == 0, err
    data = json.loads(out)
    assert data["profile_facts"]["capital"] == 20000.0 and data["profile_saved"] is False
    assert "reason" in data
    code, out, _ = cli(capsys, "profile", "--user", "kim", "show", "--json")
    assert json.loads(out)["capital"] is None
    code, out, err = cli(capsys, "ask", "--user", "kim", "--save-facts", question)
    assert code == 0 and "Saved these facts to the profile of kim" in out
    code, out, _ = cli(capsys, "profile", "--user", "kim", "show", "--json")
    assert json.loads(out)["capital"] == 20000.0 and json.loads(out)["hours_per_week"] == 5.0
    code, out, _ = cli(capsys, "ask", "--json", "hi")
    assert json.loads(out)["reason"] == "small_talk"


def test_the_answer_stream_gives_text_then_the_answer_and_runs_hooks_once(advisor):
    seen = []
    events = advisor.stream("What is passive income?").then(seen.append)
    pieces = list(events)
    answer = events.answer()
    assert pieces and "".join(pieces).strip() == answer.answer.strip()
    assert answer.citations and answer.reason is None
    assert seen == [answer] and events.answer() is answer  # asked twice: the same answer


def test_asking_for_the_answer_reads_the_text_not_read_yet(advisor):
    events = advisor.stream("What is passive income?")
    first = next(events)
    answer = events.answer()
    assert answer.answer.startswith(first.strip()[:10])
    assert list(events) == []


def test_bad_input_is_raised_while_reading_the_stream_not_when_it_is_made(advisor):
    from advisor.core.errors import InputError

    events = advisor.stream("   ")
    with pytest.raises(InputError):
        events.answer()


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("How much do I need invested at 5% to earn $1,500 a month?", {}),
        ("how much would I need for $1,000 a month?", {}),
        ("I have $20,000. How long until I make $500 a month at 4%?", {"capital": 20000.0}),
        ("I want to earn $1,500 a month", {"goal_monthly_income": 1500.0}),
        ("My goal is $2,000 a month. What should I do?", {"goal_monthly_income": 2000.0}),
    ],
)
def test_a_goal_asked_about_is_not_a_goal_stated(text, facts):
    found = extract_facts(text)
    found.pop("currency", None)
    assert found == facts
