"""The MCP server, driven by the official ``mcp`` SDK client: in process for the
tools' results, then ``advisor mcp`` over stdio and over streamable HTTP."""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from advisor_servers import ADVISOR_BIN, advisor_process, child_env, free_port, with_user_notes
from helpers import make_settings
from live_files import copy_tree
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

TOOLS = {
    "ask",
    "search_library",
    "suggest_streams",
    "capital_needed",
    "months_to_goal",
    "passivity",
    "import_statement",
}
ALICE_PROFILE = {"capital": 20000, "hours_per_week": 3, "risk_tolerance": "medium"}


@pytest.fixture(scope="module")
def mcp_home(library_home: Path, tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:  # type: ignore[no-untyped-def]
    """The library, the users' notes and a saved profile for alice."""
    from advisor.users.profile import Profile
    from advisor.users.profile_store import save_profile

    home = with_user_notes(library_home, tmp_path_factory.mktemp("mcp"), embedder)
    save_profile(make_settings(home), "alice", Profile.model_validate(ALICE_PROFILE))
    return home


@pytest.fixture(scope="module")
def mcp_advisor(mcp_home: Path, embedder):  # type: ignore[no-untyped-def]
    from advisor.answering.service import Advisor

    return Advisor(make_settings(mcp_home), embedder=embedder)


@pytest.fixture(scope="module")
def server(mcp_advisor):  # type: ignore[no-untyped-def]
    """A server as `advisor mcp` starts it: for the user `local`."""
    from advisor.interfaces.mcp_server import build_server

    built, _ = build_server(mcp_advisor)
    return built


@pytest.fixture(scope="module")
def alice_server(mcp_advisor):  # type: ignore[no-untyped-def]
    """A server as `advisor mcp --user alice` starts it."""
    from advisor.interfaces.mcp_server import build_server

    built, _ = build_server(mcp_advisor, user="alice")
    return built


def session(target: Any, body: Callable[[Client], Awaitable[Any]]) -> Any:
    """Connect an SDK client to ``target`` and run ``body`` with it."""

    async def main() -> Any:
        async with Client(target) as client:
            return await body(client)

    return anyio.run(main)


def call(server: Any, name: str, arguments: dict[str, Any]) -> Any:
    async def body(client: Client) -> Any:
        return await client.call_tool(name, arguments)

    return session(server, body)


# ---- the tools, in process ---------------------------------------------------------------


def test_tools_are_listed_with_schemas_from_type_hints(server: Any) -> None:
    async def body(client: Client) -> Any:
        return (await client.list_tools()).tools

    tools = {t.name: t for t in session(server, body)}
    assert set(tools) == TOOLS
    ask = tools["ask"]
    assert ask.input_schema["required"] == ["question"]
    assert "citations" in ask.output_schema["properties"]
    assert "not financial advice" in (ask.description or "").lower()
    yield_ = tools["capital_needed"].input_schema["properties"]["annual_yield"]
    assert "0.04 means 4%" in yield_["description"]
    risk = tools["suggest_streams"].input_schema["properties"]["risk_tolerance"]
    assert {"low", "medium", "high"} <= set(json.dumps(risk).replace('"', " ").split())


def test_ask_returns_the_answer_with_sources_and_structured_citations(server: Any) -> None:
    result = call(server, "ask", {"question": "What is passive income?"})
    assert not result.is_error
    text = result.content[0].text
    answer = result.structured_content
    assert answer["answer"] and answer["answer"] in text
    cited = [c for c in answer["citations"] if c["cited"]]
    assert cited
    for c in cited:
        assert f"- [{c['n']}] {c['title']}" in text.partition("\n\nSources:\n")[2]


def test_ask_with_a_user_reads_their_documents(server: Any, alice_server: Any) -> None:
    question = "How much does my vending machine route earn?"
    mine = call(alice_server, "ask", {"question": question, "user": "alice"}).structured_content
    assert any(c["origin"] == "user" and "vending" in c["text"] for c in mine["citations"])
    library = call(server, "ask", {"question": question}).structured_content
    assert all(c["origin"] == "library" for c in library["citations"])


def test_search_library_returns_passages(server: Any) -> None:
    result = call(server, "search_library", {"query": "dividend stocks", "k": 3})
    passages = result.structured_content["result"]
    assert len(passages) == 3
    assert all({"text", "source", "title", "score"} <= set(p) for p in passages)
    assert any("dividend" in p["text"].lower() for p in passages)


def test_suggest_streams_ranks_for_given_fields_and_saved_profiles(
    server: Any, alice_server: Any
) -> None:
    from advisor.recommender import suggest
    from advisor.users.profile import Profile

    fields = {"capital": 500, "hours_per_week": 10, "skills": ["writing"], "top": 3}
    given = call(server, "suggest_streams", fields).structured_content
    expected = suggest(Profile(capital=500, hours_per_week=10, skills=["writing"]), top=3)
    assert given == expected.model_dump(mode="json")
    assert 1 <= len(given["suggestions"]) <= 3

    saved = call(alice_server, "suggest_streams", {"user": "alice", "top": 3}).structured_content
    assert saved == suggest(Profile.model_validate(ALICE_PROFILE), top=3).model_dump(mode="json")


def _months_to_capital(target: float, contribution: float, annual: float) -> int:
    """Closed form: the first month n with contribution * ((1 + r)^n - 1) / r >= target."""
    r = annual / 12
    return math.ceil(math.log(1 + target * r / contribution) / math.log(1 + r))


def test_calculators_give_the_closed_form_figures(server: Any) -> None:
    capital = call(server, "capital_needed", {"monthly_income": 2000, "annual_yield": 0.05})
    assert capital.structured_content["capital"] == pytest.approx(480_000, abs=0.005)  # 24,000/5%

    args = {"goal_monthly_income": 500, "annual_yield": 0.04, "monthly_contribution": 400}
    plan = call(server, "months_to_goal", args).structured_content
    expected = _months_to_capital(500 * 12 / 0.04, 400, 0.04)  # 150,000 of capital
    assert expected == 244
    assert plan["reached"] is True and plan["months"] == expected
    months = [p["month"] for p in plan["yearly"]]
    assert months[0] == 0 and months[-1] == expected
    assert all(m % 12 == 0 for m in months[:-1])

    passive = call(server, "passivity", {"hours_per_month": 2, "monthly_income": 400})
    figures = passive.structured_content
    assert figures["hours_per_100"] == pytest.approx(0.5)  # 2 hours / 400 x 100
    assert figures["label"] == "passive" and figures["hours_per_month"] == 2  # at most 5 hours


def test_bad_arguments_are_tool_errors_the_model_can_read(server: Any) -> None:
    empty = call(server, "ask", {"question": "   "})
    assert empty.is_error and "the question is empty" in empty.content[0].text
    zero = call(server, "capital_needed", {"monthly_income": 100, "annual_yield": 0})
    assert zero.is_error and "annual_yield" in zero.content[0].text
    stranger = call(server, "ask", {"question": "What is a REIT?", "user": "../etc"})
    assert stranger.is_error and "invalid user id" in stranger.content[0].text
    other = call(server, "ask", {"question": "What is a REIT?", "user": "alice"})
    assert other.is_error and "acts for user 'local' only" in other.content[0].text


# ---- `advisor mcp` over real transports ----------------------------------------------------


async def _exercise(client: Client) -> dict[str, Any]:
    """List the tools and call each one once, as a host would."""
    names = {t.name for t in (await client.list_tools()).tools}
    calls = {
        "ask": {"question": "What is passive income?"},
        "search_library": {"query": "rental properties", "k": 2},
        "suggest_streams": {"capital": 1000, "hours_per_week": 5},
        "capital_needed": {"monthly_income": 1000, "annual_yield": 0.04},
        "months_to_goal": {
            "goal_monthly_income": 100,
            "annual_yield": 0.05,
            "monthly_contribution": 200,
        },
        "passivity": {"hours_per_month": 10, "monthly_income": 100},
    }
    results = {name: await client.call_tool(name, args) for name, args in calls.items()}
    return {"names": names, "results": results}


def _check_exercise(outcome: dict[str, Any]) -> None:
    assert outcome["names"] == TOOLS
    results = outcome["results"]
    assert not any(r.is_error for r in results.values()), {
        n: r.content for n, r in results.items() if r.is_error
    }
    assert "Sources:" in results["ask"].content[0].text
    assert len(results["search_library"].structured_content["result"]) == 2
    assert results["suggest_streams"].structured_content["suggestions"]
    assert results["capital_needed"].structured_content["capital"] == 300000
    assert results["passivity"].structured_content["label"] == "semi-passive"  # 10 h a month


@pytest.mark.slow
def test_advisor_mcp_over_stdio(mcp_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    copy_tree(mcp_home, home)
    params = StdioServerParameters(command=ADVISOR_BIN, args=["mcp"], env=child_env(home))
    errors = tmp_path / "stderr.log"

    async def main() -> dict[str, Any]:
        with errors.open("w") as errlog:
            async with Client(stdio_client(params, errlog=errlog)) as client:
                return await _exercise(client)

    _check_exercise(anyio.run(main))


@pytest.mark.slow
def test_advisor_mcp_over_streamable_http(mcp_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    copy_tree(mcp_home, home)
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    port = free_port()
    env = child_env(home, ADVISOR_API_KEYS=json.dumps({"local-mcp-key-0123456789": "local"}))
    client = httpx2.AsyncClient(headers={"Authorization": "Bearer local-mcp-key-0123456789"})
    with advisor_process(["mcp", "--http", "--port", str(port)], env, port):
        target = streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=client)
        outcome = session(target, _exercise)
    _check_exercise(outcome)


def test_mcp_http_refuses_a_public_address(capsys: pytest.CaptureFixture[str]) -> None:
    from advisor.interfaces.cli.main import run

    with pytest.raises(SystemExit) as exit_:
        run(["mcp", "--http", "--host", "0.0.0.0"])
    assert exit_.value.code == 2
    assert "refusing to serve MCP on 0.0.0.0" in capsys.readouterr().err


def test_ask_gives_the_route_figures_and_comparison_as_the_service_does(server: Any) -> None:
    calc = call(server, "ask", {"question": "How much do I need at 4% to earn $2,000 a month?"})
    answer = calc.structured_content
    assert answer["route"] == "calculation"
    assert [f["value"] for f in answer["figures"]] == [pytest.approx(600_000, abs=0.005)]
    side = call(server, "ask", {"question": "REIT vs a rental?"}).structured_content
    assert side["route"] == "comparison"
    assert [s["stream"] for s in side["comparison"]["sides"]] == ["reits", "rental_property"]


def test_ask_answers_carry_the_not_advice_line(server: Any) -> None:
    from advisor.answering.answer_text import not_advice

    result = call(server, "ask", {"question": "How do REITs pay their investors?"})
    assert result.structured_content["answer"].endswith(not_advice())
    assert not_advice() in result.content[0].text


# ---- identities ----------------------------------------------------------------------------


def test_a_tool_call_naming_another_user_is_refused_in_one_line(alice_server: Any) -> None:
    for name, args in (
        ("ask", {"question": "How much do my self-storage units bring in?", "user": "bob"}),
        ("search_library", {"query": "self-storage units rent", "user": "bob"}),
        ("suggest_streams", {"user": "bob"}),
    ):
        refused = call(alice_server, name, args)
        assert refused.is_error, name
        text = refused.content[0].text
        assert "acts for user 'alice' only" in text and "\n" not in text
        assert "900 euros" not in text
    own = call(alice_server, "search_library", {"query": "vending machine route", "k": 3})
    assert any("vending" in p["text"] for p in own.structured_content["result"])


def test_an_empty_library_names_the_data_folder_and_the_client_setting(
    embedder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from advisor.answering.service import Advisor
    from advisor.interfaces.mcp_server import build_server

    home = tmp_path / "elsewhere"
    built, _ = build_server(Advisor(make_settings(home), embedder=embedder))
    result = call(built, "ask", {"question": "What is passive income?"})
    assert result.is_error
    text = result.content[0].text
    assert str(home) in text and '"ADVISOR_HOME"' in text and "\n" not in text


@pytest.mark.slow
def test_advisor_mcp_over_stdio_serves_the_user_named_at_start(
    mcp_home: Path, tmp_path: Path
) -> None:
    params = StdioServerParameters(
        command=ADVISOR_BIN, args=["mcp", "--user", "alice"], env=child_env(mcp_home)
    )

    async def main() -> tuple[Any, Any]:
        with (tmp_path / "stderr.log").open("w") as errlog:
            async with Client(stdio_client(params, errlog=errlog)) as client:
                own = await client.call_tool("search_library", {"query": "vending machine", "k": 3})
                other = await client.call_tool("search_library", {"query": "x", "user": "bob"})
                return own, other

    own, other = anyio.run(main)
    assert any("vending" in p["text"] for p in own.structured_content["result"])
    assert other.is_error and "acts for user 'alice' only" in other.content[0].text


@pytest.mark.slow
def test_advisor_mcp_over_http_needs_a_key_that_decides_the_user(
    mcp_home: Path, tmp_path: Path
) -> None:
    import httpx
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    keys = {"alice-mcp-key-0123456789": "alice", "front-mcp-key-0123456789": "*"}
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    env = child_env(mcp_home, ADVISOR_API_KEYS=json.dumps(keys))

    def with_key(key: str) -> Any:
        headers = {"Authorization": f"Bearer {key}"}
        return streamable_http_client(url, http_client=httpx2.AsyncClient(headers=headers))

    async def as_alice(client: Client) -> tuple[Any, Any]:
        own = await client.call_tool("search_library", {"query": "vending machine", "k": 3})
        other = await client.call_tool("search_library", {"query": "storage", "user": "bob"})
        return own, other

    async def as_front(client: Client) -> Any:
        return await client.call_tool(
            "search_library", {"query": "self-storage units", "k": 3, "user": "bob"}
        )

    with advisor_process(["mcp", "--http", "--port", str(port)], env, port):
        for headers in ({}, {"Authorization": "Bearer wrong-key-0123456789"}):
            got = httpx.post(url, headers=headers, json={}, timeout=30)
            assert got.status_code == 401 and "missing or wrong API key" in got.text
        own, other = session(with_key("alice-mcp-key-0123456789"), as_alice)
        bobs = session(with_key("front-mcp-key-0123456789"), as_front)
    assert any("vending" in p["text"] for p in own.structured_content["result"])
    assert other.is_error and "acts for user 'alice' only" in other.content[0].text
    assert any("storage" in p["text"] for p in bobs.structured_content["result"])


def test_mcp_http_without_keys_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from advisor.interfaces.cli.main import run

    monkeypatch.setenv("ADVISOR_HOME", str(tmp_path))
    monkeypatch.delenv("ADVISOR_API_KEYS", raising=False)
    with pytest.raises(SystemExit) as exit_:
        run(["mcp", "--http"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "MCP over HTTP needs API keys" in err and len(err.strip().splitlines()) == 1
