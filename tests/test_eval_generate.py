"""``advisor eval generate``: rows drafted from a folder of documents by a model (the
scripted OpenAI-compatible server, drafting from the passage it is sent), every quote
checked against the source, written with ``reviewed: false``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from advisor_servers import free_port
from helpers import cli
from llm_servers import ScriptedServer

from advisor.core.settings import get_settings
from advisor.eval.dataset import load_dataset
from advisor.eval.metrics import normalise

DOCS = {
    "vending.txt": (
        "My vending machine route earns 340 pounds a month in net profit after stock costs. "
        "Restocking the machines takes me four hours every month, mostly on Saturdays."
    ),
    "storage.md": (
        "# Storage\n\nThe self-storage units bring in 900 euros a month in rent from six "
        "tenants. Managing the storage units takes two hours a month of my time."
    ),
    "lighthouse.txt": (
        "The old lighthouse cottage is rented to holiday guests for most of the summer. "
        "Cleaning between guests is done by a local company for a fixed fee."
    ),
}
INVENTED = "The lighthouse earns a million dollars a week with no work at all."


def drafting_model(prompt: str) -> str:
    """Quotes the first sentence of the passage it is sent, except about the lighthouse,
    where it invents its quote."""
    passage = re.search(r"<passage>\n(.*?)\n</passage>", prompt, re.DOTALL)
    assert passage is not None, prompt
    text = passage.group(1)
    first = re.split(r"(?<=[.!?])\s+", text.replace("# Storage\n\n", "").strip())[0]
    quote = INVENTED if "lighthouse" in text else first
    return json.dumps(
        {"question": f"What does this say: {first[:40]}?", "reference": first, "quotes": [quote]}
    )


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    server = ScriptedServer("openai", plain=True, reply_with=drafting_model).start()
    monkeypatch.setenv("ADVISOR_OPENAI_BASE_URL", server.url)
    yield server
    server.stop()


def test_generate_writes_checked_unreviewed_rows_and_drops_invented_quotes(
    docs, model, tmp_path, capsys
):
    out = tmp_path / "drafted.jsonl"
    code, printed, err = cli(capsys, "eval", "generate", "--from", str(docs), "--n", "3",
                             "--judge", "openai:scripted", "--out", str(out), "-q")  # fmt: skip
    assert code == 0, err
    assert len(model.requests) == 3  # one passage a document, each asked once
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 2 and {r["source"] for r in rows} == {"vending.txt", "storage.md"}
    for row in rows:
        assert row["reviewed"] is False and row["category"] == "generated"
        source = normalise(DOCS[row["source"]])
        assert row["reference_contexts"] and all(
            normalise(q) in source for q in row["reference_contexts"]
        )
    assert all(INVENTED not in r["reference_contexts"] for r in rows)
    assert "wrote 2 rows" in printed and "dropped 1 draft:" in printed
    assert "lighthouse.txt: a quote is not in the source" in printed
    assert "only 2 of 3" in printed and "set reviewed: true" in printed
    # the drafts are a dataset advisor eval reads as is
    loaded = load_dataset(out)
    assert [r.id for r in loaded] == [r["id"] for r in rows]
    assert all(r.reviewed is False for r in loaded)


def test_generate_stops_at_n_rows(docs, model, tmp_path, capsys):
    out = tmp_path / "one.jsonl"
    code, _, err = cli(capsys, "eval", "generate", "--from", str(docs), "--n", "1",
                       "--judge", "openai:scripted", "--out", str(out), "-q")  # fmt: skip
    assert code == 0, err
    assert len(out.read_text().splitlines()) == 1


def test_generate_errors_are_one_line(docs, tmp_path, capsys, monkeypatch):
    base = ["eval", "generate", "--n", "2", "--judge", "openai:m", "--out", str(tmp_path / "x")]
    code, out, err = cli(capsys, *base, "--from", str(tmp_path / "missing"))
    assert code == 2 and err.count("\n") == 1 and "no such file or folder" in err
    monkeypatch.setenv("ADVISOR_OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    get_settings.cache_clear()  # read the setting again, as a new process would
    code, out, err = cli(capsys, *base, "--from", str(docs))
    assert code == 2 and err.count("\n") == 1 and "unreachable" in err
    code, _, err = cli(capsys, "eval", "generate", "--from", str(docs))
    assert code == 2 and err.count("\n") == 1 and "advisor eval generate" in err
