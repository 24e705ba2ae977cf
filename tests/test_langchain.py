"""The LangChain exports: ``as_runnable`` (invoke, batch, stream) and the tools, called
directly the way an app or a LangGraph node would, over the real ingested library."""

from __future__ import annotations

import functools
import json
import math
import operator
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from advisor_servers import with_user_notes
from helpers import make_settings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field
from readme_examples import readme_example

QUESTION = "What is passive income?"


@pytest.fixture(scope="module")
def notes_advisor(library_home: Path, tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    from advisor.answering.service import Advisor

    home = with_user_notes(library_home, tmp_path_factory.mktemp("lc"), embedder)
    return Advisor(make_settings(home), embedder=embedder)


@pytest.fixture(scope="module")
def runnable(notes_advisor):  # type: ignore[no-untyped-def]
    from advisor import as_runnable

    return as_runnable(notes_advisor)


@pytest.fixture(scope="module")
def lc_tools(notes_advisor) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from advisor.interfaces.langchain import make_tools

    return {t.name: t for t in make_tools(notes_advisor)}


def test_import_advisor_stays_cheap_and_exports_are_listed() -> None:
    code = (
        "import json, sys, advisor\n"
        "heavy = [m for m in ('langchain_core', 'torch', 'fastapi', 'mcp', 'chromadb')"
        " if m in sys.modules]\n"
        "names = {n: type(getattr(advisor, n)).__name__ for n in advisor.__all__}\n"
        "print(json.dumps({'heavy': heavy, 'all': advisor.__all__, 'names': names}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    result = json.loads(out.stdout)
    assert result["heavy"] == []
    assert result["all"] == ["Advisor", "Answer", "Citation", "as_runnable", "tools"]
    assert result["names"] == {
        "Advisor": "type",
        "Answer": "ModelMetaclass",
        "Citation": "ModelMetaclass",
        "as_runnable": "function",
        "tools": "list",
    }
    with pytest.raises(AttributeError):
        import advisor

        advisor.not_an_export  # noqa: B018


# ---- the runnable --------------------------------------------------------------------------


def test_invoke_returns_the_answer_with_citations(runnable, notes_advisor) -> None:  # type: ignore[no-untyped-def]
    result = runnable.invoke({"question": QUESTION})
    assert result == notes_advisor.ask(QUESTION).public()
    assert any(c["cited"] for c in result["citations"])
    assert runnable.invoke(QUESTION) == result, "a bare string is a question"


def test_history_as_langchain_messages_carries_the_follow_up(runnable) -> None:  # type: ignore[no-untyped-def]
    first = "How much capital do dividend stocks need?"
    earlier = runnable.invoke(first)["answer"]
    follow_up = "And what about rental properties?"
    messages = [SystemMessage("be brief"), HumanMessage(first), AIMessage(earlier)]
    result = runnable.invoke({"question": follow_up, "history": messages})
    assert "rental properties" in result["question"] and "capital" in result["question"]
    as_dicts = [{"role": "user", "content": first}, {"role": "assistant", "content": earlier}]
    assert runnable.invoke({"question": follow_up, "history": as_dicts}) == result


def test_stream_yields_pieces_that_add_up_to_the_answer(runnable) -> None:  # type: ignore[no-untyped-def]
    chunks = list(runnable.stream({"question": QUESTION}))
    assert len(chunks) > 2
    assert all(set(c) == {"answer"} for c in chunks[:-1])
    assert "citations" in chunks[-1] and "answer" not in chunks[-1]
    whole = functools.reduce(operator.add, chunks)
    invoked = runnable.invoke({"question": QUESTION})
    assert whole["answer"].strip() == invoked["answer"].strip()
    assert whole["citations"] == invoked["citations"]


def test_batch_answers_each_input(runnable) -> None:  # type: ignore[no-untyped-def]
    questions = [QUESTION, "What is a REIT?"]
    results = runnable.batch([{"question": q} for q in questions])
    assert [r["question"] for r in results] == questions
    assert results[0] == runnable.invoke(QUESTION)


def test_user_in_the_input_reads_their_documents(runnable) -> None:  # type: ignore[no-untyped-def]
    question = "How much does my vending machine route earn?"
    mine = runnable.invoke({"question": question, "user": "alice"})
    assert any(c["origin"] == "user" and "vending" in c["text"] for c in mine["citations"])
    theirs = runnable.invoke({"question": question, "user": "bob"})
    assert not any("vending" in c["text"] for c in theirs["citations"])


def test_bad_input_raises_a_one_line_input_error(runnable) -> None:  # type: ignore[no-untyped-def]
    from advisor.core.errors import InputError

    with pytest.raises(InputError, match="question"):
        runnable.invoke({"query": QUESTION})
    with pytest.raises(InputError, match="empty"):
        runnable.invoke({"question": "  "})
    with pytest.raises(InputError, match="history item"):
        runnable.invoke({"question": QUESTION, "history": [42]})


def test_input_schema_documents_question_history_and_user(runnable) -> None:  # type: ignore[no-untyped-def]
    schema = runnable.get_input_jsonschema()
    ask_input = schema["$defs"]["AskInput"]
    assert set(ask_input["properties"]) == {"question", "history", "user"}
    assert ask_input["required"] == ["question"]


# ---- the tools -----------------------------------------------------------------------------


def test_tools_cover_ask_suggest_and_the_calculators(lc_tools: dict[str, Any]) -> None:
    assert set(lc_tools) == {
        "ask",
        "search_library",
        "suggest_streams",
        "capital_needed",
        "months_to_goal",
        "passivity",
    }
    schema = lc_tools["months_to_goal"].tool_call_schema.model_json_schema()
    required = {"goal_monthly_income", "annual_yield", "monthly_contribution"}
    assert set(schema["required"]) == required
    assert "Not financial advice" in lc_tools["ask"].description


def test_ask_tool_gives_text_with_sources_and_the_answer_as_artifact(
    lc_tools: dict[str, Any], notes_advisor: Any
) -> None:
    call = {
        "name": "ask",
        "args": {"question": QUESTION},
        "id": "call-1",
        "type": "tool_call",
    }
    message = lc_tools["ask"].invoke(call)
    assert isinstance(message, ToolMessage)
    assert message.artifact == notes_advisor.ask(QUESTION).public()
    assert message.content.startswith(message.artifact["answer"])
    assert "\n\nSources:\n- [" in message.content
    assert lc_tools["ask"].invoke({"question": QUESTION}) == message.content


def test_calculator_and_suggest_tools_match_the_library(lc_tools: dict[str, Any]) -> None:
    from advisor.recommender import suggest
    from advisor.users.profile import Profile

    capital = lc_tools["capital_needed"].invoke({"monthly_income": 1500, "annual_yield": 0.06})
    assert capital["capital"] == pytest.approx(300_000, abs=0.005)  # 18,000 a year / 6%
    plan = lc_tools["months_to_goal"].invoke(
        {"goal_monthly_income": 300, "annual_yield": 0.05, "monthly_contribution": 250}
    )
    # closed form: the first n with 250 ((1 + r)^n - 1) / r >= 72,000 (300 x 12 / 5%)
    r = 0.05 / 12
    months = math.ceil(math.log(1 + 72_000 * r / 250) / math.log(1 + r))
    assert plan["months"] == months == 190
    passive = lc_tools["passivity"].invoke({"hours_per_month": 1, "monthly_income": 1000})
    assert passive["hours_per_100"] == pytest.approx(0.1)  # 1 hour / 1,000 x 100
    assert passive["label"] == "passive" and passive["hours_per_month"] == 1
    ranked = lc_tools["suggest_streams"].invoke({"capital": 200000, "risk_tolerance": "low"})
    expected = suggest(Profile(capital=200000, risk_tolerance="low"))
    assert ranked == expected.model_dump(mode="json")
    found = lc_tools["search_library"].invoke({"query": "royalties from a book", "k": 2})
    assert len(found["passages"]) == 2


def test_tool_errors_come_back_as_text_for_the_model(lc_tools: dict[str, Any]) -> None:
    zero = lc_tools["capital_needed"].invoke({"monthly_income": 100, "annual_yield": 0})
    assert isinstance(zero, str) and "annual_yield" in zero
    empty = lc_tools["ask"].invoke({"question": " "})
    assert "the question is empty" in empty
    wrong_type = lc_tools["passivity"].invoke({"hours_per_month": "lots", "monthly_income": 10})
    assert isinstance(wrong_type, str)


def test_default_tools_use_the_configured_data_folder(home_copy: Path) -> None:
    from advisor import tools

    by_name = {t.name: t for t in tools}
    reply = by_name["ask"].invoke({"question": QUESTION})
    assert "Sources:" in reply


def test_invalid_arguments_name_the_argument_and_what_it_accepts(
    lc_tools: dict[str, Any], notes_advisor: Any
) -> None:
    import anyio
    from mcp import Client

    from advisor.interfaces.mcp_server import build_server

    cases = [
        ("capital_needed", {"monthly_income": 100, "annual_yield": 4}, "annual_yield",
         "Input should be less than or equal to 1 (a fraction a year: 0.04 means 4%)"),
        ("suggest_streams", {"risk_tolerance": "very low"}, "risk_tolerance",
         "Input should be 'low', 'medium' or 'high'"),
        ("months_to_goal", {"goal_monthly_income": 100, "annual_yield": 0.05},
         "monthly_contribution", "Field required (an amount in one currency, e.g. 2000)"),
    ]  # fmt: skip
    server = build_server(notes_advisor)[0]

    async def mcp_says(name: str, args: dict[str, Any]) -> str:
        async with Client(server) as client:
            result = await client.call_tool(name, args)
        assert result.is_error
        return str(result.content[0].text)

    for name, args, argument, problem in cases:
        said = lc_tools[name].invoke(args)
        assert said == f"invalid argument {argument} for {name}: {problem}"
        assert said.startswith(anyio.run(mcp_says, name, args)), "the MCP server's words"
        call = {"name": name, "args": args, "id": "call-9", "type": "tool_call"}
        message = lc_tools[name].invoke(call)
        assert message.status == "error" and message.content == said


# ---- an agent (LangChain 1.x create_agent) over the tools -----------------------------------


class ToolCallingModel(BaseChatModel):
    """A chat model that calls tools the way a real one would, without a server: asked a
    question, it calls ``ask`` with it; given the tool's reply, it passes it on."""

    calls: list[list[BaseMessage]] = Field(default_factory=list)
    bound: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "tool-calling-test-model"

    def bind_tools(self, tools: Any, *, tool_choice: Any = None, **kwargs: Any) -> Any:
        self.bound[:] = [t.name for t in tools]
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> ChatResult:
        self.calls.append(list(messages))
        last = messages[-1]
        if isinstance(last, ToolMessage):
            reply = AIMessage(content=f"Here is what the advisor says:\n\n{last.text}")
        else:
            call = {"name": "ask", "args": {"question": last.text}, "id": "call-ask-1"}
            reply = AIMessage(content="", tool_calls=[{**call, "type": "tool_call"}])
        return ChatResult(generations=[ChatGeneration(message=reply)])


def _check_agent_run(messages: list[BaseMessage], model: ToolCallingModel, advisor: Any) -> None:
    from advisor.answering.answer_text import with_sources

    calls = [c for m in messages if isinstance(m, AIMessage) for c in m.tool_calls]
    assert [(c["name"], c["args"]) for c in calls] == [("ask", {"question": QUESTION})]
    tool_messages = [m for m in messages if isinstance(m, ToolMessage)]
    assert len(tool_messages) == 1 and tool_messages[0].status == "success"
    answer = advisor.ask(QUESTION)
    assert tool_messages[0].content == with_sources(answer)
    assert tool_messages[0].artifact == answer.public()
    assert any(c.cited for c in answer.citations)
    assert messages[-1].text.endswith(with_sources(answer)), "the cited answer came back"
    assert set(model.bound) == {
        "ask", "search_library", "suggest_streams", "capital_needed", "months_to_goal",
        "passivity",
    }  # fmt: skip
    assert len(model.calls) == 2


def test_create_agent_calls_ask_and_gets_the_cited_answer(notes_advisor: Any) -> None:
    from langchain.agents import create_agent

    from advisor.interfaces.langchain import make_tools

    model = ToolCallingModel()
    agent = create_agent(model, tools=make_tools(notes_advisor))
    result = agent.invoke({"messages": [{"role": "user", "content": QUESTION}]})
    _check_agent_run(result["messages"], model, notes_advisor)


def test_the_readme_agent_example_runs_as_printed(
    notes_advisor: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's example, only with this test model for the server it points at and
    the tools over the test data folder."""
    import langchain_openai

    import advisor.interfaces.langchain
    from advisor.answering.answer_text import with_sources

    language, code = readme_example("langchain-agent")
    assert language == "python" and "create_agent(" in code and QUESTION in code
    made: list[ToolCallingModel] = []
    server: dict[str, Any] = {}

    def chat_openai(**kwargs: Any) -> ToolCallingModel:
        server.update(kwargs)
        made.append(ToolCallingModel())
        return made[-1]

    monkeypatch.setattr(langchain_openai, "ChatOpenAI", chat_openai)
    monkeypatch.setattr(
        advisor.interfaces.langchain,
        "tools",
        advisor.interfaces.langchain.make_tools(notes_advisor),
    )
    capsys.readouterr()
    exec(compile(code, "README.md:langchain-agent", "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out
    assert server["base_url"] == "http://127.0.0.1:8080/v1"
    assert made and len(made[0].calls) == 2
    system = made[0].calls[0][0]
    assert isinstance(system, SystemMessage) and "[n] citations" in system.text
    assert printed.startswith(f"called ask {{'question': '{QUESTION}'}}\n")
    assert printed.rstrip().endswith(with_sources(notes_advisor.ask(QUESTION)).rstrip())
