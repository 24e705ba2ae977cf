"""The recipe for simonw's ``llm`` CLI (docs/other-tools.md), run for real: the ``llm``
command as a subprocess, configured only by the docs' ``extra-openai-models.yaml`` and
``llm keys set`` in its own folder (``LLM_USER_PATH``), against a running ``advisor api``
whose key maps to alice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from advisor_servers import advisor_process, child_env, free_port, with_user_notes

pytestmark = [pytest.mark.slow, pytest.mark.server]

LLM_BIN = str(Path(sys.executable).with_name("llm"))
KEY = "llm-cli-key-0123456789"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "other-tools.md"


def recipe(port: int) -> str:
    """The ``extra-openai-models.yaml`` of docs/other-tools.md, pointed at ``port``."""
    section = DOCS.read_text(encoding="utf-8").split("## simonw's `llm` CLI", 1)[1]
    yaml = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "127.0.0.1:8000/v1" in yaml and "api_key_name: advisor" in yaml, yaml
    return yaml.replace("127.0.0.1:8000", f"127.0.0.1:{port}")


@pytest.fixture(scope="module")
def advisor_port(
    library_home: Path, tmp_path_factory: pytest.TempPathFactory, embedder: object
) -> Iterator[int]:
    home = with_user_notes(library_home, tmp_path_factory.mktemp("llm-cli"), embedder)
    port = free_port()
    env = child_env(home, ADVISOR_API_KEYS=json.dumps({KEY: "alice"}))
    with advisor_process(["api", "--port", str(port)], env, port):
        yield port


def llm(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLM_"))}
    env["LLM_USER_PATH"] = str(folder)
    return subprocess.run(
        [LLM_BIN, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def llm_home(tmp_path: Path, advisor_port: int) -> Path:
    folder = tmp_path / "llm"
    folder.mkdir()
    (folder / "extra-openai-models.yaml").write_text(recipe(advisor_port))
    done = llm(folder, "keys", "set", "advisor", "--value", KEY)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.mark.parametrize("mode", [[], ["--no-stream"]], ids=["streamed", "not-streamed"])
def test_llm_cli_gets_the_answer_and_its_sources_from_advisor_api(
    llm_home: Path, mode: list[str]
) -> None:
    done = llm(llm_home, "-m", "advisor", *mode, "How much does my vending machine route earn?")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "340 pounds" in text  # alice's own note, reached through the key
    answer, sep, sources = text.partition("Sources:")
    assert sep, text
    assert "[1]" in answer
    assert "alice-notes.txt" in sources


def test_llm_cli_with_a_wrong_key_fails_with_one_clear_error(llm_home: Path) -> None:
    done = llm(llm_home, "-m", "advisor", "--key", "wrong-key-0123456789", "What is a REIT?")
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: Error code: 401 - missing or wrong API key"), lines[0]
    assert "ADVISOR_API_KEYS" in lines[0]
    assert "Traceback" not in done.stderr
