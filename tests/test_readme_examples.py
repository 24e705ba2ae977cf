"""Every shell and Python example of README.md and docs/*.md runs as printed, or says why
it cannot.

Each fenced ``sh``/``bash``/``console``/``python`` block follows a ``<!-- example: NAME
-->`` line that a test runs by that name, or a ``<!-- example: manual — WHY -->`` line
when it needs a person or a third-party app (Docker, Ollama, a PyPI install); the first
test fails on a block that is neither, in the README or in any docs page. Only what must
be swapped is swapped: the address or port of a server the test started, and files the
documentation names as placeholders (the tests create them). ``advisor`` commands run in
this process through the CLI's entry point (as the ``advisor`` script does; one shared
model load), over a temporary ``ADVISOR_HOME``; servers a block starts (``advisor api``,
``advisor serve``, ``chroma run``) run as real child processes, are checked to answer,
and are stopped. The LangChain agent example runs in ``tests/test_langchain.py``. The
README stays short (at most 350 lines) and every relative link of README.md and
docs/*.md, anchors included, resolves.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from advisor_servers import ADVISOR_BIN, START_TIMEOUT, free_port, serve, with_user_notes
from helpers import cli, make_settings
from readme_examples import (
    ROOT,
    argv,
    documentation_blocks,
    documentation_files,
    marker_count,
    pointed_at,
    readme_blocks,
    readme_example,
    shell_commands,
)

TESTS = Path(__file__).resolve().parent
RUNNABLE = {"sh", "bash", "console", "shell", "python", "py", "pycon"}
# Blocks in a section another README owner edits that have no marker yet, by (section,
# first line): the Evaluation section's command synopsis (`[--split dev|test|all]` …) is
# not runnable as written. Remove the entry once the block is marked.
UNMARKED_ELSEWHERE: set[tuple[str, str]] = set()
API_ADDRESS = "http://127.0.0.1:8000"
MCP_ADDRESS = "http://127.0.0.1:8765/mcp"
ALICE_KEY, WEBUI_KEY = "k-alice-7f3a9c2e51", "k-webui-0b8d44e6a9"  # as in the README
VENV_BIN = str(Path(ADVISOR_BIN).parent)


# ---- every block is run or marked ---------------------------------------------------------


def test_every_shell_and_python_block_is_run_or_marked_manual() -> None:
    blocks = documentation_blocks()
    assert {b.path for b in blocks} > {"README.md"}, "docs/*.md examples are checked too"
    tests = "\n".join(path.read_text(encoding="utf-8") for path in TESTS.glob("test_*.py"))
    problems: list[str] = []
    marked = [b for b in blocks if b.marker is not None]
    if marker_count() != len(marked):
        problems.append(
            "an <!-- example: ... --> line in README.md or docs/*.md is not right above a "
            "fenced block"
        )
    names = [b.marker for b in marked if b.manual is None]
    problems += [
        f"two examples are called {name!r}" for name in set(names) if names.count(name) > 1
    ]
    unmarked = set()
    for block in blocks:
        where = f"{block.path}:{block.line} (## {block.section}, ```{block.lang})"
        if block.lang not in RUNNABLE:
            continue
        if block.marker is None:
            key = (block.section, block.code.splitlines()[0])  # by section, in any file
            if key in UNMARKED_ELSEWHERE:
                unmarked.add(key)
                continue
            problems.append(
                f"{where} is neither run nor marked: put <!-- example: NAME --> above it and run "
                "it in a test, or <!-- example: manual — WHY --> if it needs a person or an app"
            )
        elif block.manual == "":
            problems.append(f"{where}: say why it is manual (<!-- example: manual — WHY -->)")
        elif block.manual is None and f'"{block.marker}"' not in tests:
            problems.append(f"{where}: no test runs the example {block.marker!r}")
    problems += [f"stale UNMARKED_ELSEWHERE entry {key}" for key in UNMARKED_ELSEWHERE - unmarked]
    assert not problems, "\n".join(problems)


def test_the_block_check_sees_a_new_unmarked_example() -> None:
    text = (
        "## Try\n\n```sh\nadvisor ask 'hi'\n```\n\n<!-- example: manual — needs a person -->\n"
        "```bash\nadvisor chat\n```\n\n<!-- example: one -->\n\n```python\nprint(1)\n```\n"
    )
    blocks = readme_blocks(text)
    assert [(b.line, b.lang, b.marker, b.section) for b in blocks] == [
        (3, "sh", None, "Try"),
        (8, "bash", "manual — needs a person", "Try"),
        (14, "python", "one", "Try"),
    ]
    assert blocks[1].manual == "needs a person" and blocks[2].manual is None
    assert marker_count(text) == 2
    assert shell_commands("a \\\n  b  # c\n\n# only a comment\nd") == ["a b  # c", "d"]
    assert argv("advisor profile --user ann set capital '$5k'   # 5000") == [
        "advisor", "profile", "--user", "ann", "set", "capital", "$5k"
    ]  # fmt: skip


# ---- a short README whose links all resolve ---------------------------------------------

README_MAX_LINES = 350  # issue 24: a README a newcomer reads to the end
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")


def test_the_readme_is_short_enough_to_read_to_the_end() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines (at most {README_MAX_LINES}): move reference "
        "material to a docs/*.md page and link it"
    )


def heading_anchors(text: str) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings (lower case, punctuation
    dropped, spaces to hyphens, ``-1``, ``-2``... on repeats), code blocks left out."""
    anchors: set[str] = set()
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if fenced or not re.match(r"#{1,6} ", line):
            continue
        slug = re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        unique, n = slug, 0
        while unique in anchors:
            n += 1
            unique = f"{slug}-{n}"
        anchors.add(unique)
    return anchors


def relative_links(text: str) -> list[str]:
    """Targets of the Markdown links and images of ``text`` outside code blocks that
    point into the repository (not ``http(s):`` or ``mailto:``)."""
    targets: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if fenced:
            continue
        for link, image in _LINK.findall(re.sub(r"`[^`]*`", "", line)):
            target = link or image
            if not re.match(r"[a-z]+:", target):
                targets.append(target)
    return targets


def test_every_relative_link_of_the_readme_and_docs_resolves() -> None:
    problems: list[str] = []
    for file in documentation_files():
        for target in relative_links(file.read_text(encoding="utf-8")):
            path, _, anchor = target.partition("#")
            linked = (file.parent / path).resolve() if path else file
            where = f"{file.relative_to(ROOT)}: ({target})"
            if not linked.exists():
                problems.append(f"{where} names no file")
            elif anchor and linked.suffix == ".md":
                if anchor not in heading_anchors(linked.read_text(encoding="utf-8")):
                    problems.append(f"{where}: {linked.name} has no heading #{anchor}")
    assert not problems, "\n".join(problems)


def test_the_readme_links_every_docs_page() -> None:
    linked = {
        (ROOT / target.partition("#")[0]).resolve()
        for target in relative_links((ROOT / "README.md").read_text(encoding="utf-8"))
    }
    pages = set(documentation_files()[1:])
    assert pages - linked == set(), "a docs page no README line links to"


def test_the_link_check_sees_a_broken_anchor() -> None:
    text = "# Title\n\n## The `GET /v1/x` route\n\n## Two\n\n## Two\n\n```sh\n# no heading\n```\n"
    assert heading_anchors(text) == {"title", "the-get-v1x-route", "two", "two-1"}
    links = "[a](docs/a.md#x) ![b](b.png) [c](https://example.org) `[d](e.md)`\n```\n[f](g)\n```"
    assert relative_links(links) == ["docs/a.md#x", "b.png"]


# ---- the examples, run as printed -------------------------------------------------------


@dataclass
class Ran:
    command: str
    out: str
    err: str


def shell_session(
    code: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> list[Ran]:
    """Run a README shell block's commands in this process as a shell would: ``export``
    sets the environment (until the test ends), ``advisor ...`` runs the CLI's entry
    point; each must exit 0."""
    from advisor.core.settings import get_settings

    ran: list[Ran] = []
    for command in shell_commands(code):
        words = argv(command)
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            monkeypatch.setenv(name, value)
            get_settings.cache_clear()
            continue
        assert words[0] == "advisor", f"not an advisor command: {command}"
        code_, out, err = cli(capsys, *words[1:])
        assert code_ == 0, f"`{command}` exited {code_}:\n{err}"
        ran.append(Ran(command, out, err))
    return ran


def output_of(ran: list[Ran], prefix: str) -> str:
    found = [r.out for r in ran if r.command.startswith(prefix)]
    assert len(found) == 1, f"one command starting {prefix!r} in {[r.command for r in ran]}"
    return found[0]


class Terminal(io.StringIO):
    """Standard input that is a terminal where the person answers each question."""

    def isatty(self) -> bool:
        return True


ME_YAML = """\
capital: 20000
monthly_surplus: 400
hours_per_week: 5
risk_tolerance: medium
skills: [writing]
goal_monthly_income: 500
horizon_years: 10
"""


def test_profile_suggest_and_calc_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "me.yaml").write_text(ME_YAML, encoding="utf-8")  # the README's placeholder
    _, code = readme_example("profile-calc")
    ran = shell_session(code, capsys, monkeypatch)
    assert "5000" in output_of(ran, "advisor profile --user ann set capital")
    shown = output_of(ran, "advisor profile --user ann show")
    assert "writing" in shown and "low" in shown and "not known yet" in shown
    suggested = output_of(ran, "advisor suggest --user ann")
    assert suggested.startswith("1. ") and "fit (capital)" in suggested and "$20,000" in suggested
    assert "600,000.00" in output_of(ran, "advisor calc capital")  # the comments' figures
    assert "month" in output_of(ran, "advisor calc months")
    assert output_of(ran, "advisor calc passivity").startswith(
        "active: employment is active income"
    )


@pytest.mark.integration  # new shells and `advisor` processes
def test_reach_advisor_example_finds_the_command_with_and_without_activating(
    tmp_path: Path,
) -> None:
    """The README's `.venv` is this test run's virtual environment; the shell starts with
    a PATH that does not hold it, so only `source .venv/bin/activate` can put `advisor`
    there."""
    venv = Path(VENV_BIN).parent
    _, code = readme_example("reach-advisor")
    commands = shell_commands(code)
    assert [argv(c)[0] for c in commands] == ["source", "advisor", ".venv/bin/advisor"]
    (tmp_path / ".venv").symlink_to(venv)  # the README's relative path, from the clone
    bare = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != VENV_BIN)
    env = {**os.environ, "PATH": bare}
    env.pop("VIRTUAL_ENV", None)
    missing = subprocess.run(
        ["bash", "-c", "command -v advisor"], env=env, capture_output=True, text=True
    )
    assert missing.returncode != 0, "advisor is on the PATH before activating"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join(commands)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Usage: advisor") == 2, done.stdout[:500]


def test_first_session_example_answers_suggests_and_calculates(
    home_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's first session, over a copy of an ingested library (so its `advisor
    ingest` finds every article already there, as a second run does)."""
    _, code = readme_example("first-session")
    ran = shell_session(code, capsys, monkeypatch)
    assert "0 chunk(s) added" in output_of(ran, "advisor ingest")
    answer = output_of(ran, 'advisor ask "Is a REIT')
    assert "[1]" in answer and "Sources:" in answer
    as_json = json.loads(output_of(ran, "advisor ask --json"))
    assert not as_json["declined"] and any(c["cited"] for c in as_json["citations"])
    assert "20000" in output_of(ran, "advisor profile --user me set capital")
    suggested = output_of(ran, "advisor suggest --user me")
    assert suggested.startswith("1. ") and "fit (capital)" in suggested
    income, percent = 500, 4  # the example's --income and --yield
    assert f"{income * 12 / (percent / 100):,.2f}" in output_of(ran, "advisor calc capital")


def test_openai_compatible_server_example(
    home_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from llm_servers import ScriptedServer

    _, code = readme_example("llm-openai")
    server = ScriptedServer("openai", models=("MODEL",)).start()  # the README's placeholder
    try:
        code = pointed_at(code, "http://127.0.0.1:8080/v1", server.url)
        ran = shell_session(code, capsys, monkeypatch)
    finally:
        server.stop()
    assert server.answers(), "the model was never asked"
    (answer,) = ran
    assert "[1]" in answer.out and "Sources:" in answer.out
    assert "grounded engine instead" not in answer.out + answer.err


RENT = "My flat on Elm Street brings in 1,150 dollars of rent a month after the agent's fee."


def placeholder_documents(folder: Path) -> None:
    """The files the README's ingest example names, with a little of the person's life."""
    from test_loaders_formats import make_docx, make_pdf

    (folder / "notes").mkdir()
    (folder / "notes" / "flat.md").write_text(f"# My flat\n\n{RENT}\n", encoding="utf-8")
    make_pdf(folder / "statement.pdf", ["March statement. Rent received for the flat: 1,150."])
    make_docx(folder / "plan.docx")
    (folder / "budget.csv").write_text("month,amount\nJan,300\nFeb,320\n", encoding="utf-8")
    (folder / "saved-page.html").write_text(
        "<html><head><title>Saved</title></head><body><p>Index funds pay dividends every "
        "quarter.</p><script>alert(1)</script></body></html>",
        encoding="utf-8",
    )


def test_user_documents_example(
    home_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    placeholder_documents(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", Terminal("y\n" * 10))  # deletes ask on a terminal
    _, code = readme_example("user-documents")
    ran = shell_session(code, capsys, monkeypatch)
    answer = output_of(ran, "advisor ask --user ann")
    assert "1,150" in answer and "your documents)" in answer
    listed = output_of(ran, "advisor docs --user ann list")
    for doc in ("flat.md", "statement.pdf", "plan.docx", "budget.csv", "saved-page.html"):
        assert doc in listed
    deleted = output_of(ran, "advisor docs --user ann delete statement.pdf")
    assert "Delete statement.pdf and every chunk of it for ann?" in deleted  # asked first
    assert "deleted statement.pdf (" in deleted
    assert "ann" in output_of(ran, "advisor users list")
    assert "deleted user ann" in output_of(ran, "advisor users delete ann")
    assert cli(capsys, "users", "list")[1].strip() == "no users yet"


def test_user_documents_python_example(
    home_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_loaders_formats import make_pdf

    from advisor.core.settings import get_settings

    make_pdf(tmp_path / "statement.pdf", [f"March statement. {RENT}"])
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    _, code = readme_example("user-documents-python")
    namespace: dict[str, Any] = {"__name__": "readme"}
    exec(compile(code, "README.md:user-documents-python", "exec"), namespace)
    assert namespace["report"].errors == []
    answer = namespace["answer"]
    assert "1,150" in answer.answer
    assert any(c.cited and c.origin == "user" for c in answer.citations)


@pytest.fixture(scope="module")
def examples_home(library_home: Path, tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:  # type: ignore[no-untyped-def]
    """The library plus alice's and bob's notes (the API example's key answers as alice)."""
    return with_user_notes(library_home, tmp_path_factory.mktemp("readme"), embedder)


@pytest.fixture(scope="module")
def examples_advisor(examples_home: Path, embedder):  # type: ignore[no-untyped-def]
    from advisor.answering.service import Advisor

    return Advisor(make_settings(examples_home), embedder=embedder)


def test_langchain_runnable_example(
    examples_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from advisor.core.settings import get_settings

    monkeypatch.setenv("ADVISOR_HOME", str(examples_home))
    get_settings.cache_clear()
    _, code = readme_example("langchain-runnable")
    namespace: dict[str, Any] = {"__name__": "readme"}
    capsys.readouterr()
    exec(compile(code, "README.md:langchain-runnable", "exec"), namespace)
    printed = capsys.readouterr().out
    answer = namespace["answer"]
    assert "REIT" in answer["answer"] and any(c["cited"] for c in answer["citations"])
    assert "[1]" in printed


@contextmanager
def background(  # type: ignore[no-untyped-def]
    command: str, cwd: Path, ready: str, headers: dict[str, str] | None = None, **env: str
):
    """Run a README command the way a person runs a server, in its own terminal (a child
    process group in ``cwd`` with this process's environment, ``env`` and the venv on
    PATH), until ``ready`` answers 200; stop the group after."""
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", **env}
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            ["bash", "-c", command],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def output() -> str:
            log.seek(0)
            return log.read()[-3000:]

        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                assert proc.poll() is None, f"`{command}` exited {proc.returncode}:\n{output()}"
                try:
                    if httpx.get(ready, headers=headers, timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"`{command}` did not answer {ready} within {START_TIMEOUT} s:\n{output()}"
                    )
                time.sleep(0.3)
            yield
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


@pytest.mark.integration  # starts `chroma run` and `advisor serve` as processes
def test_chroma_server_example(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``chroma run`` and ``advisor serve`` run in their own terminals; the rest in
    this one, sharing the exported ADVISOR_CHROMA_URL."""
    chroma_port, serve_port = free_port(), free_port()
    _, code = readme_example("chroma-server")
    code = code.replace("/srv/advisor-chroma", str(tmp_path / "advisor-chroma"))  # placeholder
    code = pointed_at(code, "--port 8000", f"--port {chroma_port}")
    code = pointed_at(code, "127.0.0.1:8000", f"127.0.0.1:{chroma_port}")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "flat.md").write_text(RENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    served = False
    with ExitStack() as stack:
        for command in shell_commands(code):
            words = argv(command)
            if words[0] == "chroma":
                heartbeat = f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat"
                stack.enter_context(background(command, tmp_path, heartbeat))
            elif words[:2] == ["advisor", "serve"]:
                command = shlex.join([*words, "--port", str(serve_port)])  # a free port
                url = f"http://127.0.0.1:{serve_port}"
                stack.enter_context(background(command, tmp_path, f"{url}/v1/models"))
                assert httpx.get(f"{url}/", timeout=30).status_code == 200  # the chat UI
                reply = httpx.post(
                    f"{url}/v1/chat/completions",
                    json={"messages": [{"role": "user", "content": "What is a REIT?"}]},
                    timeout=120,
                ).json()
                assert reply["citations"] and not reply["advisor"]["declined"], reply
                served = True
            else:
                shell_session(command, capsys, monkeypatch)
    assert served
    assert os.environ["ADVISOR_CHROMA_URL"] == f"http://127.0.0.1:{chroma_port}"
    assert (tmp_path / "advisor-chroma" / "chroma.sqlite3").exists(), "the server kept the vectors"


# ---- the API examples, against the README's own `advisor api` with keys ----------------


@pytest.fixture(scope="module")
def api_url(examples_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The README's ``export ADVISOR_API_KEYS=…; advisor api --host 0.0.0.0 --port 8000``
    on a free port instead of 8000, over the library and alice's notes."""
    port = free_port()
    _, code = readme_example("api-keys")
    script = pointed_at(code, "--port 8000", f"--port {port}")
    url = f"http://127.0.0.1:{port}"
    cwd = tmp_path_factory.mktemp("api-cwd")
    auth = {"Authorization": f"Bearer {ALICE_KEY}"}
    with background(script, cwd, f"{url}/v1/models", auth, ADVISOR_HOME=str(examples_home)):
        yield url


@pytest.fixture(scope="module")
def mcp_url(examples_advisor) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from advisor.interfaces.api.security import KeyRing
    from advisor.interfaces.mcp_server import RequireKey, build_server

    keys = KeyRing({"A-LONG-RANDOM-KEY": "local"})  # the key the README's example sends
    server, _ = build_server(examples_advisor, keys=keys)
    with serve(RequireKey(server.streamable_http_app(), keys)) as url:
        yield f"{url}/mcp"


def run_shell(name: str, url: str) -> str:
    language, code = readme_example(name)
    assert language == "sh"
    return run_shell_code(code, url)


def run_shell_code(code: str, url: str) -> str:
    """A shell example's output, run by bash against the server at ``url``."""
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", pointed_at(code, API_ADDRESS, url)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def run_python(name: str, address: str, url: str, capsys: pytest.CaptureFixture[str]) -> str:
    language, code = readme_example(name)
    assert language == "python"
    capsys.readouterr()
    exec(compile(pointed_at(code, address, url), f"README.md:{name}", "exec"), {})
    return capsys.readouterr().out


def test_api_keys_example_serves_only_callers_with_a_key(api_url: str) -> None:
    assert httpx.get(f"{api_url}/v1/models", timeout=30).status_code == 401
    webui = {"Authorization": f"Bearer {WEBUI_KEY}"}
    assert httpx.get(f"{api_url}/v1/models", headers=webui, timeout=30).status_code == 200
    alice = {"Authorization": f"Bearer {ALICE_KEY}"}
    question = {
        "messages": [{"role": "user", "content": "What does my vending machine route earn?"}]
    }
    asked = httpx.post(f"{api_url}/v1/chat/completions", json=question, headers=alice, timeout=120)
    assert "340 pounds" in asked.json()["choices"][0]["message"]["content"]  # alice's notes


def test_curl_example_gets_the_answer_with_sources_usage_and_citations(
    api_url: str, examples_advisor: Any
) -> None:
    reply = json.loads(run_shell("curl-chat", api_url))
    assert reply["object"] == "chat.completion" and reply["model"] == "passive-income-advisor"
    text = reply["choices"][0]["message"]["content"]
    answer = examples_advisor.ask("What is a REIT?", user="alice")
    assert text.startswith(answer.answer) and "\n\nSources:\n- [1] " in text
    assert [c["n"] for c in reply["citations"]] == [c.n for c in answer.citations if c.cited]
    usage = reply["usage"]
    assert usage["prompt_tokens"] == 6  # what / is / a / re / ##it / ?
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert reply["advisor"]["declined"] is False and "reason" in reply["advisor"]


def test_curl_streaming_example_sends_chunks_then_done(api_url: str) -> None:
    lines = [line for line in run_shell("curl-stream", api_url).splitlines() if line]
    assert all(line.startswith("data: ") for line in lines), lines[:3]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    pieces = [c["choices"][0]["delta"].get("content") or "" for c in chunks]
    assert len([p for p in pieces if p]) > 2 and "\n\nSources:\n" in "".join(pieces)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["citations"] and set(chunks[-1]["advisor"]) >= {"reason", "profile_facts"}


def test_curl_sources_example_serves_a_cited_passage_as_json_and_html(api_url: str) -> None:
    """docs/other-tools.md's `GET /v1/sources/ID`, with alice's key for KEY and the id of
    a passage an answer cited for ID."""
    reply = json.loads(run_shell("curl-chat", api_url))
    cited = reply["citations"][0]
    _, code = readme_example("curl-sources")
    code = pointed_at(code, "Bearer KEY", f"Bearer {ALICE_KEY}")
    code = pointed_at(code, "/v1/sources/ID", f"/v1/sources/{cited['id']}")
    out = run_shell_code(code, api_url)
    passage, end = json.JSONDecoder().raw_decode(out)
    assert passage["object"] == "source" and passage["id"] == cited["id"]
    assert passage["text"] == cited["text"]
    page = out[end:]
    assert "<html" in page.lower() and html.escape(passage["title"]) in page


def test_openai_sdk_example(api_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_python("openai-sdk", API_ADDRESS, api_url, capsys)
    assert "\n\nSources:\n- [1] " in out
    assert "'cited': True" in out and "prompt_tokens=" in out


def test_openai_sdk_streaming_example(api_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_python("openai-sdk-stream", API_ADDRESS, api_url, capsys)
    assert "\n\nSources:\n- [1] " in out
    assert "'cited': True" in out and "'engine': 'grounded'" in out
    assert "CompletionUsage(completion_tokens=" in out, "the usage chunk came last"


def test_mcp_client_example(mcp_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_python("mcp-client", MCP_ADDRESS, mcp_url, capsys)
    lines = out.splitlines()
    assert lines[0] == str(
        ["ask", "search_library", "suggest_streams", "capital_needed", "months_to_goal",
         "passivity", "import_statement"]
    )  # fmt: skip
    assert "\n\nSources:\n- [1] " in out and "'cited': True" in out
    assert lines[-1].startswith("True invalid argument annual_yield for capital_needed: ")


def test_curl_feedback_example_stores_the_rating_for_the_keys_user(
    api_url: str, examples_advisor: Any
) -> None:
    from advisor.users.feedback import load_feedback

    reply = json.loads(run_shell("curl-feedback", api_url))
    assert reply["object"] == "feedback" and reply["user"] == "alice"
    record = load_feedback(examples_advisor.settings, "alice")[-1]
    assert record.id == reply["id"] and record.rating == "down"
    assert record.question == "What is a REIT?" and "pay out" in record.comment
