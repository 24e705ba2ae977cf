"""Background tasks of chat front ends (Open WebUI's "### Task:" prompts, LibreChat's
title prompt) answered over HTTP with the real ``openai`` SDK, in the JSON they ask for,
from the conversation: no retrieval (an empty library still answers), no decline.

The prompts below keep the shape of Open WebUI's DEFAULT_*_PROMPT_TEMPLATE
(backend/open_webui/config.py): the "### Task:" opener, the "JSON format: { "key": ...}"
line and the chat in <chat_history> as USER:/ASSISTANT: lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from advisor_servers import serve
from helpers import make_settings

MODEL = "passive-income-advisor"
CHAT = (
    "USER: Are dividend stocks a good source of passive income?\n"
    "ASSISTANT: Dividend stocks pay part of company profits to shareholders [1].\n"
    "USER: How much would I need to invest?"
)


def task(opening: str, output: str, history: str = CHAT) -> str:
    return (
        f"### Task:\n{opening}\n### Guidelines:\n- Use the chat's primary language.\n"
        f"### Output:\nJSON format: {output}\n### Chat History:\n<chat_history>\n{history}\n"
        "</chat_history>"
    )


TITLE = task(
    "Generate a concise, 3-5 word title summarizing the chat history.",
    '{ "title": "your concise title here" }',
)
TAGS = task(
    "Generate 1-3 broad tags categorizing the main themes of the chat history.",
    '{ "tags": ["tag1", "tag2", "tag3"] }',
)
FOLLOW_UPS = task(
    "Suggest 3-5 relevant follow-up questions the user might naturally ask next.",
    '{ "follow_ups": ["Question 1?", "Question 2?", "Question 3?"] }',
)
QUERIES = (
    "### Task:\nAnalyze the chat history to determine the necessity of generating search "
    'queries.\n### Guidelines:\n- Respond in the format: { "queries": ["query1", "query2"] }\n'
    f"### Chat History:\n<chat_history>\n{CHAT}\n</chat_history>"
)


@pytest.fixture(scope="module")
def url(embedder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A server over an EMPTY library: any retrieval would be a 404."""
    from advisor.answering.service import Advisor
    from advisor.interfaces.api.app import create_api

    home = tmp_path_factory.mktemp("tasks") / "empty-home"
    with serve(create_api(Advisor(make_settings(home), embedder=embedder), api_keys={})) as base:
        yield base


def send(url: str, content: str, **kwargs: Any) -> Any:
    client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0, timeout=60)
    return client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": content}], **kwargs
    )


def answered(reply: Any) -> Any:
    info = (reply.model_extra or {})["advisor"]
    assert info["declined"] is False and info["reason"] == "front_end_task"
    assert (reply.model_extra or {})["citations"] == []
    return json.loads(reply.choices[0].message.content)


def test_title_task_gets_a_short_title_from_the_first_question(url: str) -> None:
    got = answered(send(url, TITLE))
    assert set(got) == {"title"}
    words = got["title"].split()
    assert 1 <= len(words) <= 5
    assert "Dividend" in words and "Stocks" in words


def test_tags_task_gets_a_broad_tag_and_the_streams_named(url: str) -> None:
    got = answered(send(url, TAGS))
    assert got["tags"][0] == "Personal Finance"
    assert "Dividend Stocks" in got["tags"]
    assert all(isinstance(t, str) and t for t in got["tags"])


def test_follow_ups_task_gets_three_questions_about_the_stream(url: str) -> None:
    got = answered(send(url, FOLLOW_UPS))
    questions = got["follow_ups"]
    assert len(questions) == 3 and all(q.endswith("?") for q in questions)
    assert any("dividend stocks" in q.lower() for q in questions)


def test_queries_task_gets_the_last_question(url: str) -> None:
    assert answered(send(url, QUERIES)) == {"queries": ["How much would I need to invest?"]}


def test_an_unknown_task_gets_its_key_empty_not_a_decline(url: str) -> None:
    prompt = task("You are an autocompletion system.", '{ "text": "<your_completion>" }')
    assert answered(send(url, prompt)) == {"text": ""}


def test_streamed_task_is_one_json_text(url: str) -> None:
    chunks = list(send(url, TITLE, stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert set(json.loads(text)) == {"title"}
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(finals) == 1
    assert (finals[0].model_extra or {})["advisor"]["reason"] == "front_end_task"
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0


def test_librechat_title_prompt_gets_a_plain_title(url: str) -> None:
    prompt = (
        "Provide a concise, 5-word-or-less title for the conversation, using title case "
        "conventions. Only return the title itself.\n\nConversation:\n"
        "User: How do REITs pay their investors?\nAI: REITs pay dividends [1]."
    )
    reply = send(url, prompt)
    assert reply.choices[0].message.content == "REITs Pay Investors"


def test_a_question_is_not_a_task(url: str) -> None:
    # the empty library answers no question: a real question reaches retrieval and 404s
    with pytest.raises(openai.NotFoundError):
        send(url, '### Notes: what is passive income? Reply in JSON format: { "a": 1 }')
    with pytest.raises(openai.NotFoundError):
        send(url, "Can you suggest a title for my blog about dividend stocks?")
