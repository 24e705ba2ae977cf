"""``advisor eval --judge``: faithfulness, answer correctness and context precision
from a judge model (the scripted OpenAI-compatible and Ollama servers, judging by what
they are sent), cached on disk, saved per row; absent, with a note, without a judge."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from advisor_servers import free_port
from helpers import cli
from llm_servers import ScriptedServer, passages_in
from test_eval_cli import ROWS

from advisor.eval.judge import json_object, score

JUDGED = ("faithfulness", "answer_correctness", "context_precision")


def _block(prompt: str, tag: str) -> str:
    found = re.search(rf"<{tag}>\n(.*?)\n</{tag}>", prompt, re.DOTALL)
    return found.group(1) if found else ""


def scripted_judge(prompt: str) -> str:
    """A judge that decides from the prompt alone: a claim is supported when its sentence
    (markers dropped) is in the contexts; an answer is correct when it states the
    reference's key figure or phrase; a passage is useful when it holds one."""
    keys = ("150,000", "without the need to manage properties")
    if "<contexts>" in prompt:
        contexts = _block(prompt, "contexts")
        answer = re.sub(r"\s*\[\d+\]", "", _block(prompt, "answer"))
        claims = [c.strip() for c in re.split(r"(?<=[.!?])\s+", answer) if c.strip()]
        verdicts = [
            {"claim": c, "supported": c.rstrip(".") in contexts.replace("\n", " ")} for c in claims
        ]
        return json.dumps({"claims": verdicts})
    if "<passages>" in prompt:
        useful = [any(k in text for k in keys) for _, text in sorted(passages_in(prompt).items())]
        return "```json\n" + json.dumps({"useful": useful}) + "\n```"
    answer = _block(prompt, "answer")
    verdict = "correct" if any(k in answer for k in keys) else "incorrect"
    return json.dumps({"verdict": verdict, "reason": "scripted"})


@pytest.fixture
def judge_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer("openai", plain=True, reply_with=scripted_judge).start()
    yield server
    server.stop()


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "small.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    return path


def _eval(capsys, dataset: Path, out: Path, *extra: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return cli(capsys, "eval", "--dataset", str(dataset), "--out", str(out), "-q", *extra)


def test_judge_metrics_come_from_the_judges_verdicts_and_are_saved_per_row(
    home_copy, judge_server, dataset, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("ADVISOR_OPENAI_BASE_URL", judge_server.url)
    run = tmp_path / "run"
    code, out, err = _eval(capsys, dataset, run, "--judge", "openai:scripted", "--workers", "2")
    assert code == 0, err
    summary = json.loads((run / "summary.json").read_text())
    assert summary["judge"] == {"model": "openai:scripted"}
    metrics = summary["metrics"]
    lines = (run / "results.jsonl").read_text().splitlines()
    rows = {r["id"]: r for r in map(json.loads, lines)}
    # each row's score is what its judge's verdict says; the summary is their mean
    for name in JUDGED:
        per_row = [
            score(name, json_object(r["judge"]["raw"][name]), len(r["retrieved_contexts"]))
            for r in rows.values()
            if r["judge"]
        ]
        assert [r["metrics"][name] for r in rows.values() if r["judge"]] == per_row
        assert metrics[name] == pytest.approx(sum(per_row) / len(per_row), abs=1e-4)
        lo, hi = summary["intervals"][name]
        assert lo <= metrics[name] <= hi
    # the REIT answer quotes its passage word for word: every claim supported, the fact
    # stated, the useful passage ranked first
    assert {n: rows["reit"]["metrics"][n] for n in JUDGED} == dict.fromkeys(JUDGED, 1.0)
    assert rows["subs"]["metrics"]["answer_correctness"] == 1.0
    subs = rows["subs"]["judge"]
    assert subs["model"] == "openai:scripted" and set(subs["prompts"]) == set(JUDGED)
    assert rows["subs"]["response"] in subs["prompts"]["faithfulness"]
    sent = {r.body["messages"][-1]["content"]: r for r in judge_server.requests}
    for name in JUDGED:  # the saved prompt is what the judge got; the raw reply is its reply
        assert subs["prompts"][name] in sent
        assert subs["raw"][name] == scripted_judge(subs["prompts"][name])
    assert rows["code"]["judge"] is None  # a decline has nothing to judge
    assert rows["code"]["metrics"]["faithfulness"] is None
    assert len(judge_server.requests) == 2 * 3  # two answered rows, three questions each
    assert "faithfulness" in out and "no judge configured" not in out
    html = (run / "report.html").read_text()
    assert "judge verdicts (openai:scripted)" in html and "no judge configured" not in html

    # The same answers again: every verdict comes from the cache, the judge is not asked.
    judge_server.requests.clear()
    again = tmp_path / "again"
    code, _, err = _eval(capsys, dataset, again, "--judge", "openai:scripted")
    assert code == 0, err
    assert judge_server.requests == []
    again_metrics = json.loads((again / "summary.json").read_text())["metrics"]
    assert {n: again_metrics[n] for n in JUDGED} == {n: metrics[n] for n in JUDGED}


def test_an_unsupported_answer_is_judged_unfaithful_and_incorrect(
    home_copy, judge_server, dataset, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("ADVISOR_OPENAI_BASE_URL", judge_server.url)
    run = tmp_path / "run"
    engine = "fake:The moon landing was faked by penguins [1]."
    code, _, err = _eval(capsys, dataset, run, "--judge", "openai:scripted", "--engine", engine,
                         "--fail-under", "faithfulness=0.5", "context_precision=0.5")  # fmt: skip
    assert code == 1  # the judge metrics take floors like any other
    assert "faithfulness" in err and "context_precision" not in err
    metrics = json.loads((run / "summary.json").read_text())["metrics"]
    assert metrics["faithfulness"] == 0.0 and metrics["answer_correctness"] == 0.0
    assert metrics["context_precision"] == 1.0  # retrieval is unchanged


def test_an_ollama_judge_works_through_the_same_plumbing(
    home_copy, dataset, tmp_path, capsys, monkeypatch
):
    server = ScriptedServer("ollama", plain=True, reply_with=scripted_judge).start()
    try:
        monkeypatch.setenv("ADVISOR_OLLAMA_URL", server.url)
        run = tmp_path / "run"
        code, _, err = _eval(capsys, dataset, run, "--judge", "ollama:scripted")
        assert code == 0, err
        assert all(r.path == "/api/chat" for r in server.requests) and server.requests
    finally:
        server.stop()
    summary = json.loads((run / "summary.json").read_text())
    assert summary["judge"] == {"model": "ollama:scripted"}
    assert summary["metrics"]["answer_correctness"] == 1.0


def test_an_unreachable_judge_is_a_one_line_error(
    home_copy, dataset, tmp_path, capsys, monkeypatch
):
    url = f"http://127.0.0.1:{free_port()}/v1"
    monkeypatch.setenv("ADVISOR_OPENAI_BASE_URL", url)
    code, out, err = _eval(capsys, dataset, tmp_path / "run", "--judge", "openai:scripted")
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "the judge openai:scripted failed" in err and "unreachable" in err
    assert "ADVISOR_OPENAI_BASE_URL" in err
    code, _, err = _eval(capsys, dataset, tmp_path / "r2", "--judge", "gpt-judge")
    assert code == 2 and "give openai:MODEL or ollama:MODEL" in err


def test_without_a_judge_the_offline_metrics_run_and_judge_metrics_are_absent_with_a_note(
    home_copy, dataset, tmp_path, capsys
):
    run = tmp_path / "run"
    code, out, err = _eval(capsys, dataset, run)
    assert code == 0, err
    summary = json.loads((run / "summary.json").read_text())
    assert summary["judge"] is None
    assert not set(JUDGED) & set(summary["metrics"]) and not set(JUDGED) & set(summary["intervals"])
    assert summary["metrics"]["hit_at_5"] == 1.0
    assert "no judge configured (--judge openai:MODEL or ollama:MODEL)" in out
    assert "no judge configured" in (run / "report.html").read_text()


@pytest.mark.parametrize(
    ("metric", "reply", "contexts", "value"),
    [
        ("faithfulness", '{"claims": [{"supported": true}, {"supported": false}]}', 2, 0.5),
        ("faithfulness", '{"claims": []}', 2, None),
        ("answer_correctness", '<think>hmm</think>{"verdict": "partly correct"}', 0, 0.5),
        ("answer_correctness", "I think it is correct.", 0, None),
        ("context_precision", '{"useful": [false, true, true]}', 3, (1 / 2 + 2 / 3) / 2),
        ("context_precision", '{"useful": [false, false]}', 2, 0.0),
        ("context_precision", '{"useful": [true]}', 3, None),  # one verdict for 3 passages
    ],
)  # fmt: skip
def test_a_verdict_becomes_a_score_or_none_when_unusable(metric, reply, contexts, value):
    assert score(metric, json_object(reply), contexts) == pytest.approx(value)
