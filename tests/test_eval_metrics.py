"""The eval metrics on small hand-made cases whose answers are known."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from advisor.errors import InputError
from advisor.eval import gate, runner
from advisor.eval import metrics as m
from advisor.eval.runner import RowResult

REIT = (
    "REITs allow individuals to invest in real estate without the need to manage "
    "properties directly. Investors receive dividends based on the rental income."
)
BLOG = "A blog by itself may not be able to create an income. Monetize it with online ads."
P2P = "Peer-to-peer lending platforms let individuals lend money directly to borrowers."


def test_a_perfect_answer_is_fully_grounded_and_every_citation_is_right():
    answer = (
        "REITs allow individuals to invest in real estate without managing properties [1]. "
        "A blog by itself may not create an income [2]."
    )
    passages = {1: REIT, 2: BLOG}
    assert m.groundedness(answer, passages) == 1.0
    assert m.citation_precision(answer, passages) == 1.0
    assert m.rouge_l(answer, answer) == 1.0


def test_an_unsupported_sentence_halves_groundedness():
    answer = (
        "REITs allow individuals to invest in real estate without managing properties [1]. "
        "Bitcoin always doubles every winter [1]."
    )
    assert m.groundedness(answer, {1: REIT}) == 0.5
    assert m.citation_precision(answer, {1: REIT}) == 0.5


def test_an_uncited_sentence_counts_as_unsupported_but_has_no_citation_to_judge():
    answer = "REITs let people invest in real estate without managing properties [1]. Trust me."
    assert m.groundedness(answer, {1: REIT}) == 0.5
    assert m.citation_precision(answer, {1: REIT}) == 1.0


def test_a_wrong_citation_lowers_precision_not_groundedness_when_another_marker_backs_it():
    # The sentence is backed by [1]; its extra [2] points at an unrelated passage.
    answer = "REITs allow individuals to invest in real estate without managing properties [1] [2]."
    passages = {1: REIT, 2: P2P}
    assert m.groundedness(answer, passages) == 1.0
    assert m.citation_precision(answer, passages) == 0.5


def test_a_citation_to_a_passage_that_does_not_exist_is_wrong():
    answer = "REITs allow individuals to invest in real estate without managing properties [7]."
    assert m.citation_precision(answer, {1: REIT}) == 0.0
    assert m.groundedness(answer, {1: REIT}) == 0.0


def test_an_answer_without_sentences_or_citations_has_no_grounding_score():
    assert m.groundedness("", {1: REIT}) is None
    assert m.citation_precision("No markers here.", {1: REIT}) is None


def test_a_missed_passage_halves_context_recall_and_the_hit_is_ranked():
    quotes = ["invest in real estate without the need to manage", "lend money directly"]
    retrieved = [BLOG, REIT]
    assert m.context_recall(retrieved, quotes) == 0.5
    rank = m.first_hit(retrieved, quotes)
    assert rank == 2
    assert (m.hit_at(rank, 1), m.hit_at(rank, 3)) == (0.0, 1.0)
    assert m.reciprocal_rank(rank) == 0.5


def test_nothing_retrieved_is_a_miss_everywhere():
    assert m.first_hit([], ["anything"]) is None
    assert m.hit_at(None, 5) == 0.0
    assert m.reciprocal_rank(None) == 0.0
    assert m.context_recall([], ["anything"]) == 0.0
    assert m.context_recall([REIT], []) is None


def test_a_hit_ignores_curly_quotes_case_and_line_breaks():
    chunk = "By the above definition, homes and cars are liabilities rather than ‘assets’\nbecause"
    assert m.first_hit([chunk], ["Liabilities rather than 'assets'   because"]) == 1


def test_rouge_l_is_the_f1_of_the_longest_common_subsequence():
    # candidate 6 tokens, reference 5, LCS 5: P = 5/6, R = 1, F1 = 10/11
    assert m.rouge_l("the cat sat on the mat", "the cat on the mat") == pytest.approx(10 / 11)
    assert m.rouge_l("Dividends [2] pay.", "dividends pay") == 1.0
    assert m.rouge_l("alpha beta", "gamma delta") == 0.0
    assert m.rouge_l("", "anything") == 0.0


def test_cosine_is_clipped_to_the_unit_interval():
    a, b = np.array([1.0, 0.0]), np.array([0.6, 0.8])
    assert m.cosine(a, b) == pytest.approx(0.6)
    assert m.cosine(a, -a) == 0.0
    assert m.cosine(a, np.zeros(2)) == 0.0


def test_percentile_interpolates_and_mean_skips_missing_values():
    assert m.percentile([10.0, 20.0, 30.0, 40.0], 50) == 25.0
    assert m.percentile([], 50) is None
    assert m.mean([1.0, None, 0.0]) == 0.5
    assert m.mean([None]) is None


def _result(id: str, category: str, declined: bool, latency: float, **scores: float) -> RowResult:
    metrics = dict.fromkeys(runner.ROW_METRICS)
    metrics.update(scores)
    return RowResult(
        id=id,
        category=category,
        user_input="q " + id,
        reference="r",
        reference_contexts=[],
        response="a",
        retrieved_contexts=[],
        declined=declined,
        latency_ms=latency,
        metrics=metrics,
        ok=declined if category == "out_of_scope" else not declined,
    )


RESULTS = [
    _result("a", "fact", False, 10, hit_at_1=1.0, mrr=1.0, groundedness=1.0),
    _result("b", "fact", False, 20, hit_at_1=0.0, mrr=0.5, groundedness=0.5),
    _result("c", "advice", True, 30, hit_at_1=0.0, mrr=0.0),
    _result("d", "out_of_scope", True, 40),
    _result("e", "out_of_scope", False, 50, groundedness=0.0),
]


def test_summary_averages_over_the_rows_each_metric_applies_to():
    summary = runner.summarise(RESULTS, "grounded")
    assert set(summary) == {"rows", "engine", "metrics", "by_category"}
    assert set(summary["metrics"]) == set(runner.METRICS)
    got = summary["metrics"]
    assert got["hit_at_1"] == pytest.approx(1 / 3, abs=1e-4)
    assert got["mrr"] == 0.5
    assert got["groundedness"] == 0.5  # rows a, b, e; declined rows have none
    assert got["decline_rate_out_of_scope"] == 0.5
    assert got["false_decline_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert got["latency_p50_ms"] == 30.0
    fact = summary["by_category"]["fact"]
    assert fact["rows"] == 2 and fact["hit_at_1"] == 0.5 and fact["false_decline_rate"] == 0.0
    assert fact["decline_rate_out_of_scope"] is None
    assert summary["by_category"]["out_of_scope"]["hit_at_1"] is None


def test_gate_names_each_metric_on_the_wrong_side_of_its_threshold():
    summary = runner.summarise(RESULTS, "grounded")
    failures = gate.gate_failures(
        summary,
        {"mrr": 0.6, "hit_at_1": 0.3, "context_recall": 0.1},
        {"false_decline_rate": 0.2},
    )
    assert failures == [
        "mrr 0.5 is under its floor 0.6",
        "context_recall has no value in this run (floor 0.1)",
        "false_decline_rate 0.3333 is over its ceiling 0.2",
    ]
    assert gate.gate_failures(summary, {"mrr": 0.5}, {}) == []


@pytest.mark.parametrize(
    ("items", "ceiling", "message"),
    [
        (["hit_at_3"], False, "write METRIC=VALUE"),
        (["recall=0.5"], False, "unknown metric 'recall'"),
        (["mrr=high"], False, "mrr needs a number"),
        (["false_decline_rate=0.1"], False, "give it a ceiling (--fail-over)"),
        (["mrr=0.1"], True, "give it a floor (--fail-under)"),
    ],
)
def test_bad_thresholds_are_refused_with_a_hint(items, ceiling, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        gate.parse_thresholds(items, ceiling=ceiling)


def test_thresholds_parse_into_floats():
    assert gate.parse_thresholds(["hit_at_3=0.8", "mrr = 0.7"]) == {"hit_at_3": 0.8, "mrr": 0.7}
    assert gate.parse_thresholds(["latency_p95_ms=500"], ceiling=True) == {"latency_p95_ms": 500.0}


def test_gate_file_holds_floors_and_ceilings(tmp_path: Path):
    path = tmp_path / "gate.toml"
    path.write_text("[floors]\nhit_at_3 = 0.8\n[ceilings]\nfalse_decline_rate = 0.1\n")
    assert gate.load_gate(path) == ({"hit_at_3": 0.8}, {"false_decline_rate": 0.1})
    path.write_text("[floor]\nhit_at_3 = 0.8\n")
    with pytest.raises(InputError, match="unknown table 'floor'"):
        gate.load_gate(path)


def test_compare_lists_each_metric_change_and_the_rows_that_flipped(tmp_path: Path):
    earlier_summary = runner.summarise(RESULTS, "grounded")
    (tmp_path / "summary.json").write_text(json.dumps(earlier_summary))
    flipped_b = RESULTS[1].model_copy(update={"ok": False})
    (tmp_path / "results.jsonl").write_text(
        "\n".join(json.dumps(r.model_dump()) for r in [RESULTS[0], flipped_b]) + "\n"
    )
    earlier = runner.load_earlier(tmp_path)
    now_results = [RESULTS[0].model_copy(update={"metrics": {**RESULTS[0].metrics, "mrr": 0.0}})]
    now_results += RESULTS[1:]
    now = runner.summarise(now_results, "grounded")
    table = {name: (a, b, change) for name, a, b, change in runner.compare_table(now, earlier)}
    assert table["mrr"] == (0.5, 0.1667, -0.3333)
    assert table["groundedness"][2] == 0.0
    flips = runner.flipped(now_results, earlier)
    assert [(r.id, before) for r, before in flips] == [("b", False)]


def test_compare_with_a_folder_without_a_summary_says_so(tmp_path: Path):
    with pytest.raises(InputError, match="no summary.json"):
        runner.load_earlier(tmp_path)


def test_a_gate_file_generated_from_a_baseline_sits_a_margin_under_it(tmp_path: Path):
    summary = runner.summarise(RESULTS, "grounded")
    path = tmp_path / "gate.toml"
    path.write_text(gate.gate_from_baseline(summary, margin=0.05))
    floors, ceilings = gate.load_gate(path)
    assert floors["mrr"] == 0.45 and floors["decline_rate_out_of_scope"] == 0.45
    assert ceilings == {"false_decline_rate": 0.39}
    assert "context_recall" not in floors  # no value in the baseline, no floor
    assert not any(name.startswith("latency") for name in [*floors, *ceilings])
    assert gate.gate_failures(summary, floors, ceilings) == []
