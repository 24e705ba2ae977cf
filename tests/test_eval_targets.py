"""``advisor eval --target``: any OpenAI-compatible chat endpoint scored on the same
reference set, against a real ``advisor api`` process and the scripted plain LLM."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from advisor_servers import advisor_process, child_env, free_port
from helpers import cli
from live_files import copy_tree
from llm_servers import ScriptedServer
from test_eval_cli import ROWS

from advisor.eval.runner import PASSAGE_METRICS, RATE_METRICS

PLAIN_REPLY = "A REIT lets you invest in real estate without managing buildings yourself."
API_KEY = "eval-key-0123456789"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    rows = [*ROWS]
    rows.append(
        {
            "id": "follow",
            "category": "definition",
            "user_input": "and do I have to manage buildings?",
            "reference": "A REIT lets you invest in real estate without managing properties.",
            "reference_contexts": [
                "invest in real estate without the need to manage properties directly"
            ],
            "history": [
                {"role": "user", "content": "what's a REIT?"},
                {"role": "assistant", "content": "A real estate investment trust."},
            ],
        }
    )
    path = tmp_path / "small.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def plain_llm() -> Iterator[ScriptedServer]:
    server = ScriptedServer("openai", api_key="sk-plain-llm", plain=True).start()
    server.script(condense_reply=PLAIN_REPLY)  # a plain chat model: no passages, no flags
    yield server
    server.stop()


@pytest.fixture
def advisor_api(library_home: Path, tmp_path: Path) -> Iterator[str]:
    home = tmp_path / "api-home"
    copy_tree(library_home, home)
    port = free_port()
    env = child_env(home, ADVISOR_API_KEYS=json.dumps({API_KEY: "eval"}))
    with advisor_process(["api", "--port", str(port)], env, port):
        yield f"http://127.0.0.1:{port}/v1"


def _summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text())


def _results(folder: Path) -> list[dict]:
    return [json.loads(x) for x in (folder / "results.jsonl").read_text().splitlines()]


@pytest.mark.slow
def test_the_advisor_api_and_a_plain_llm_are_scored_on_one_set_and_compared(
    advisor_api, plain_llm, dataset, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("EVAL_API_KEY", API_KEY)
    monkeypatch.setenv("PLAIN_KEY", "sk-plain-llm")
    api_run, plain_run = tmp_path / "api", tmp_path / "plain"

    code, out, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(api_run), "-q",
                         "--target", advisor_api, "--target-key-env", "EVAL_API_KEY",
                         "--workers", "2")  # fmt: skip
    assert code == 0, err
    summary = _summary(api_run)
    # the API returns its citations and its decline flag: everything is measured
    assert summary["engine"] == f"passive-income-advisor @ {advisor_api}"
    assert summary["target"] == {"url": advisor_api, "model": "passive-income-advisor"}
    assert "not_measured" not in summary
    metrics = summary["metrics"]
    rows = {r["id"]: r for r in _results(api_run)}
    assert rows["subs"]["metrics"]["hit_at_5"] == rows["reit"]["metrics"]["hit_at_5"] == 1.0
    assert metrics["context_recall"] is not None and metrics["mrr"] is not None
    assert metrics["groundedness"] == 1.0 and metrics["decline_rate_out_of_scope"] == 1.0
    assert [r["id"] for r in _results(api_run)] == [r["id"] for r in ROWS] + ["follow"]
    subs = rows["subs"]
    assert "150,000" in subs["response"] and "Sources:" not in subs["response"]
    assert any("150,000" in c for c in subs["retrieved_contexts"])
    assert rows["code"]["declined"] is True and rows["code"]["ok"] is True
    # the history reached the API: it answered a question rewritten with it
    assert rows["follow"]["question"] not in ("", rows["follow"]["user_input"])
    assert "n/a" not in out

    code, out, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(plain_run), "-q",
                         "--target", plain_llm.url, "--target-model", "scripted",
                         "--target-key-env", "PLAIN_KEY", "--compare", str(api_run))  # fmt: skip
    assert code == 0, err
    # each row went once (plus one untimed warm-up), its history as earlier messages
    sent = [r.body["messages"] for r in plain_llm.requests]
    assert len(sent) == len(ROWS) + 2
    follow = [m for m in sent if m[-1]["content"] == "and do I have to manage buildings?"]
    assert follow == [
        [
            {"role": "user", "content": "what's a REIT?"},
            {"role": "assistant", "content": "A real estate investment trust."},
            {"role": "user", "content": "and do I have to manage buildings?"},
        ]
    ]
    assert all(r.headers["authorization"] == "Bearer sk-plain-llm" for r in plain_llm.requests)
    summary = _summary(plain_run)
    assert summary["not_measured"] == [*PASSAGE_METRICS, *RATE_METRICS]
    for name in (*PASSAGE_METRICS, *RATE_METRICS):
        assert summary["metrics"][name] is None, name  # not measured, never zero
        assert summary["intervals"][name] is None, name
    assert summary["metrics"]["rouge_l"] > 0 and summary["metrics"]["semantic_similarity"] > 0
    plain_rows = {r["id"]: r for r in _results(plain_run)}
    assert plain_rows["reit"]["response"] == PLAIN_REPLY
    assert plain_rows["reit"]["retrieved_contexts"] == [] and not plain_rows["reit"]["measured"]
    assert plain_rows["code"]["declined"] is None
    # the comparison pairs the two targets row by row; unmeasured metrics say so
    paired = summary["compare"]
    assert paired["rows_paired"] == len(ROWS) + 1
    assert paired["metrics"]["hit_at_5"]["change"] == "not measured"
    assert paired["metrics"]["rouge_l"]["pairs"] == 3  # the rows that want an answer
    hit = next(line for line in out.splitlines() if line.startswith("hit_at_5 "))
    assert hit.split()[1] != "n/a" and hit.split()[2] == "n/a"
    html = (plain_run / "report.html").read_text()
    assert "n/a, not measured: hit_at_1" in html and "Paired by row" in html
    # one report shows both: the plain LLM now, the advisor's API as the earlier run
    assert paired["against_engine"] == f"passive-income-advisor @ {advisor_api}"
    assert f"Now: <b>scripted @ {plain_llm.url}</b>" in html
    assert f"earlier: <b>passive-income-advisor @ {advisor_api}</b>" in html
    assert "What changed, row by row" in html


def test_a_plain_llm_target_without_a_comparison_prints_n_a(plain_llm, dataset, tmp_path, capsys):
    plain_llm.api_key = None
    code, out, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(tmp_path / "r"),
                         "-q", "--target", plain_llm.url, "--target-model", "scripted")  # fmt: skip
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("context_recall"))
    assert line.split()[1] == "n/a"
    assert "n/a: not measured" in out
    rouge = next(x for x in out.splitlines() if x.startswith("rouge_l"))
    assert "n/a" not in rouge


def test_a_target_that_is_down_is_a_one_line_error(dataset, tmp_path, capsys):
    url = f"http://127.0.0.1:{free_port()}/v1"
    code, out, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(tmp_path / "r"),
                         "-q", "--target", url, "--target-model", "m")  # fmt: skip
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"cannot reach the target {url}" in err
    assert "--target" in err and "Traceback" not in err


def test_a_target_that_lists_no_models_asks_for_target_model(plain_llm, dataset, tmp_path, capsys):
    code, _, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(tmp_path / "r"),
                       "-q", "--target", plain_llm.url)  # fmt: skip
    assert code == 2 and err.count("\n") == 1 and "--target-model" in err


def test_an_unset_key_variable_and_engine_with_target_are_usage_errors(
    plain_llm, dataset, tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("NO_SUCH_KEY", raising=False)
    base = ["eval", "--dataset", str(dataset), "--out", str(tmp_path / "r"), "-q"]
    code, _, err = cli(capsys, *base, "--target", plain_llm.url, "--target-model", "scripted",
                       "--target-key-env", "NO_SUCH_KEY")  # fmt: skip
    assert code == 2 and "NO_SUCH_KEY" in err and err.count("\n") == 1
    code, _, err = cli(capsys, *base, "--target", plain_llm.url, "--engine", "grounded")
    assert code == 2 and "not with --target" in err


def test_a_rejected_key_stops_the_run_with_a_one_line_error(plain_llm, dataset, tmp_path, capsys):
    code, out, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(tmp_path / "r"),
                         "-q", "--target", plain_llm.url, "--target-model", "scripted")  # fmt: skip
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "HTTP 401" in err and "--target-key-env" in err


def test_a_row_the_target_fails_is_that_rows_error_not_a_measured_zero(
    plain_llm, dataset, tmp_path, capsys
):
    plain_llm.api_key = None
    plain_llm.script("cite", condense_reply=PLAIN_REPLY)
    plain_llm.default = "error"  # every answer after the warm-up fails with HTTP 500
    code, _, err = cli(capsys, "eval", "--dataset", str(dataset), "--out", str(tmp_path / "r"),
                       "-q", "--target", plain_llm.url, "--target-model", "scripted")  # fmt: skip
    assert code == 0, err
    rows = _results(tmp_path / "r")
    crashed = "the target answered HTTP 500: the model crashed"
    assert [r["error"] for r in rows] == [crashed] * len(rows)
    assert not any(r["ok"] for r in rows)
    summary = _summary(tmp_path / "r")
    assert summary["metrics"]["hit_at_5"] is None and "hit_at_5" in summary["not_measured"]


@pytest.mark.slow
def test_one_run_scores_the_advisor_api_and_a_plain_llm_side_by_side(
    advisor_api, plain_llm, dataset, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("EVAL_API_KEY", API_KEY)
    monkeypatch.setenv("PLAIN_KEY", "sk-plain-llm")
    run = tmp_path / "both"
    args = ["eval", "--dataset", str(dataset), "--out", str(run), "-q",
            "--target", advisor_api, "--target-model", "passive-income-advisor",
            "--target-key-env", "EVAL_API_KEY",
            "--target", plain_llm.url, "--target-model", "scripted",
            "--target-key-env", "PLAIN_KEY"]  # fmt: skip
    code, out, err = cli(capsys, *args)
    assert code == 0, err
    api_name, plain_name = f"passive-income-advisor @ {advisor_api}", f"scripted @ {plain_llm.url}"
    summary = _summary(run)
    api, plain = summary["targets"]
    assert (api["name"], plain["name"]) == (api_name, plain_name)
    assert (api["url"], plain["url"], plain["model"]) == (advisor_api, plain_llm.url, "scripted")
    assert summary["rows"] == api["rows"] == plain["rows"] == len(ROWS) + 1
    # the API shows its passages and declines; the plain LLM's are not measured, not zero
    assert api["not_measured"] == [] and api["metrics"]["hit_at_5"] > 0
    assert plain["not_measured"] == [*PASSAGE_METRICS, *RATE_METRICS]
    assert plain["metrics"]["hit_at_5"] is None and plain["intervals"]["hit_at_5"] is None
    assert api["metrics"]["rouge_l"] > 0 and plain["metrics"]["rouge_l"] > 0
    assert api["intervals"]["rouge_l"] is not None
    # the second is paired row by row with the first
    assert "compare" not in api
    paired = plain["compare"]
    assert paired["against_engine"] == api_name and paired["rows_paired"] == len(ROWS) + 1
    assert paired["metrics"]["hit_at_5"]["change"] == "not measured"
    assert paired["metrics"]["rouge_l"]["pairs"] == 3  # the rows that want an answer
    # each target's own run, in its sub-folder
    ids = [r["id"] for r in ROWS] + ["follow"]
    for target in ("target-1", "target-2"):
        assert [r["id"] for r in _results(run / target)] == ids
    assert _summary(run / "target-1")["engine"] == api_name
    assert _summary(run / "target-2")["compare"]["rows_paired"] == len(ROWS) + 1
    assert all(r.headers["authorization"] == "Bearer sk-plain-llm" for r in plain_llm.requests)
    # the terminal and the report show both, side by side
    header = out.splitlines()[0]
    assert f"1. {api_name}" in header and f"2. {plain_name}" in header
    hit = next(line for line in out.splitlines() if line.startswith("hit_at_5 "))
    assert hit.split()[1] != "n/a" and hit.split()[-1] == "n/a"
    assert f"{plain_name} against {api_name}:" in out
    html = (run / "report.html").read_text()
    assert f"1. {api_name}" in html and f"2. {plain_name}" in html
    assert "<a href='target-1/report.html'>" in html and "<a href='target-2/report.html'>" in html
    assert "n/a, not measured" in html and f"{plain_name} against {api_name}" in html
    assert f"This target: <b>{plain_name}</b> · the first target: <b>{api_name}</b>" in html
    assert "Paired by row" in html

    # --resume goes on per target: only the plain LLM's lost rows are asked again
    lines = (run / "target-2" / "results.jsonl").read_text().splitlines(keepends=True)
    (run / "target-2" / "results.jsonl").write_text("".join(lines[:2]))
    asked_before = len(plain_llm.requests)
    code, out, err = cli(capsys, *[a if a != "--out" else "--resume" for a in args])
    assert code == 0, err
    assert len(plain_llm.requests) - asked_before == len(ids) - 2 + 1  # plus the warm-up
    assert [r["id"] for r in _results(run / "target-2")] == ids
    resumed = _summary(run)["targets"][1]["metrics"]
    scores = [n for n in plain["metrics"] if not n.startswith("latency")]
    assert [resumed[n] for n in scores] == [plain["metrics"][n] for n in scores]


def test_several_targets_take_model_and_key_once_or_once_each(dataset, tmp_path, capsys):
    base = ["eval", "--dataset", str(dataset), "--out", str(tmp_path / "r"), "-q",
            "--target", "http://127.0.0.1:1/v1", "--target", "http://127.0.0.1:2/v1",
            "--target", "http://127.0.0.1:3/v1"]  # fmt: skip
    code, out, err = cli(capsys, *base, "--target-model", "a", "--target-model", "b")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--target-model given 2 times for 3 targets" in err
    code, _, err = cli(capsys, *base, "--compare", str(tmp_path), "--fail-under", "mrr=0.5")
    assert code == 2 and err.count("\n") == 1
    assert "--compare, --fail-under: with several --target" in err
    assert not (tmp_path / "r").exists()


def test_a_target_option_given_once_applies_to_every_target_and_empty_means_its_default():
    from advisor.eval.multi import per_target

    assert per_target([], 2, "--target-model") == [None, None]
    assert per_target(["llama3"], 3, "--target-model") == ["llama3"] * 3
    assert per_target(["", "llama3"], 2, "--target-model") == [None, "llama3"]
