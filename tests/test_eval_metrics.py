"""The eval metrics on small hand-made cases whose answers are known."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from advisor.core.errors import InputError
from advisor.eval import earlier as earlier_runs
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


def _result(
    id: str,
    category: str,
    declined: bool,
    latency: float,
    split: str = "test",
    reason: str | None = None,
    **scores: float,
) -> RowResult:
    metrics = dict.fromkeys(runner.ROW_METRICS)
    metrics.update(scores)
    return RowResult(
        id=id,
        category=category,
        user_input="q " + id,
        reference="r",
        reference_contexts=[],
        split=split,
        response="a",
        retrieved_contexts=[],
        declined=declined,
        reason=reason,
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
    assert set(summary) == {"rows", "engine", "split", "metrics", "by_category", "by_split"}
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
    earlier = earlier_runs.load_earlier(tmp_path)
    now_results = [RESULTS[0].model_copy(update={"metrics": {**RESULTS[0].metrics, "mrr": 0.0}})]
    now_results += RESULTS[1:]
    now = runner.summarise(now_results, "grounded")
    table = {
        name: (a, b, change) for name, a, b, change in earlier_runs.compare_table(now, earlier)
    }
    assert table["mrr"] == (0.5, 0.1667, -0.3333)
    assert table["groundedness"][2] == 0.0
    flips = earlier_runs.flipped(now_results, earlier)
    assert [(r.id, before) for r, before in flips] == [("b", False)]


def test_compare_with_a_folder_without_a_summary_says_so(tmp_path: Path):
    with pytest.raises(InputError, match="no summary.json"):
        earlier_runs.load_earlier(tmp_path)


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


# --- how the answer reads -----------------------------------------------------------------


def test_fact_recall_finds_a_quote_in_the_answer_despite_markers_case_and_quotes():
    answer = "Rich people buy ASSETS [1]. “Poor people only spend” [2]."
    assert (
        m.answer_fact_recall(answer, ["Rich people buy assets.", "Poor people only spend."]) == 1.0
    )
    # any one of the places a source states the fact is enough
    assert m.answer_fact_recall(answer, ["Rich people buy assets.", "The middle class buys"]) == 1.0
    assert m.answer_fact_recall("", ["Rich people buy assets."]) == 0.0
    assert m.answer_fact_recall(answer, []) is None


def test_fact_recall_counts_a_lightly_edited_quote_but_not_words_from_all_over():
    quote = "REITs allow individuals to invest in real estate without the need to manage properties"
    trimmed = "REITs allow individuals to invest in real estate without managing properties [1]."
    assert m.answer_fact_recall(trimmed, [quote]) == 1.0  # 6 of 7 content words, one sentence
    scattered = (
        "REITs are trusts [1]. Individuals invest [1]. Real estate is big [2]. "
        "Managing properties is work [2]."
    )
    assert m.answer_fact_recall(scattered, [quote]) == 0.0  # no single sentence has 80%


def test_answer_words_counts_words_not_markers_or_dashes():
    assert m.answer_words("Reinvest the dividends [1] – it compounds, about 150,000 [2].") == 7
    assert m.answer_words("") == 0


def _embed_by_word(texts: list[str]) -> np.ndarray:
    """A stand-in embedder: one axis per topic, its words synonyms, so similarities are
    known (a text with none of them is nearly orthogonal to every topic)."""
    axes = [("reit", "trust"), ("dividend",), ("blog",), ("weather",)]
    vectors = [[float(any(w in t.lower() for w in axis)) for axis in axes] + [0.01] for t in texts]
    return np.array(vectors)


def test_a_sentence_sharing_no_topic_word_and_unlike_the_question_is_filler():
    question, reference = "what is a REIT?", "A REIT lets you invest in real estate."
    answer = (
        "REITs allow individuals to invest in real estate [1]. "
        "Passive income has gained significant traction [2]. "  # only generic words shared
        "The weather was lovely [3]."
    )
    flags = m.filler_flags(answer, question, reference, [], _embed_by_word)
    assert flags == [False, True, True]
    assert m.filler_rate(answer, question, reference, [], _embed_by_word) == pytest.approx(2 / 3)


def test_a_paraphrase_without_shared_words_is_not_filler_when_it_embeds_close():
    # "Trusts" shares no word with the question or reference, but embeds like "REIT".
    assert m.filler_flags("Trusts pay out [1].", "REIT?", "Dividends.", [], _embed_by_word) == [
        False
    ]
    # Nothing in common, and unlike both in meaning: filler.
    assert m.filler_flags("Those pay out [1].", "REIT?", "Dividends.", [], _embed_by_word) == [True]


def test_list_numbers_are_not_sentences_and_an_empty_answer_has_no_filler_rate():
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return _embed_by_word(texts)

    answer = "1.\nREITs allow individuals to invest [1].\n2."
    assert m.filler_flags(answer, "what is a REIT", "REITs pool money.", [], embed) == [False]
    assert calls == []  # every sentence shared a topic word: nothing was embedded
    assert m.filler_rate("", "q", "r", [], embed) is None


# Every sentence of the grounded engine's dev-split answers that shares no topic word
# with its row, labelled by reading it: (max cosine with question or reference, filler?).
DEV_FILLER_LABELS = [
    (0.332, True),  # adv-07 tips to get more: "This is why a side hustle may be your best option."
    (0.803, True),  # fact-02 where it comes from: "Passive income is a financial concept that..."
    (0.302, False),  # fact-07 investor's leverage: "Wealth" (the list heading that answers)
    (0.088, True),  # fact-07: "People (e.g., teams, networks), human-organized systems"
    (0.069, True),  # fact-07: "Media (e.g. internet, publishing houses) + automated systems"
    (0.474, True),  # col-31 babysit investments: "the typical American household may not..."
    (0.380, True),  # mt-05 how would a blog make money: "Even if you choose to build an..."
    (0.221, True),  # mt-06 and a liability?: "– Rich Dad, Poor Dad 1."
    (0.359, True),  # mt-08 what to do with payouts: "This is why a side hustle may be..."
    (0.549, True),  # mt-12 truly passive then?: "At its core, passive income refers to..."
]


def test_the_filler_threshold_is_the_one_chosen_on_the_dev_labels():
    assert m.choose_filler_threshold(DEV_FILLER_LABELS) == m.FILLER_THRESHOLD
    assert m.choose_filler_threshold([(0.2, True), (0.6, False)]) == 0.25


def _chat(id: str, split: str, reason: str | None, declined: bool = False) -> RowResult:
    return _result(id, "small_talk", declined, 5, split=split, reason=reason)


def test_small_talk_has_its_own_rate_and_is_never_a_false_decline():
    results = [
        _result("a", "fact", False, 10, answer_words=40.0),
        _result("b", "fact", True, 10),
        _chat("hi", "test", "small_talk", declined=False),
        _chat("bye", "test", "off_topic", declined=True),  # declined small talk
        _chat("yo", "dev", None),  # answered like a question
    ]
    got = runner.aggregate(results)
    assert got["small_talk_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert got["false_decline_rate"] == 0.5  # rows a and b only
    assert got["decline_rate_out_of_scope"] is None


def test_answer_words_is_summarised_by_its_median():
    results = [
        _result(i, "fact", False, 10, answer_words=w)
        for i, w in [("a", 10.0), ("b", 20.0), ("c", 30.0), ("d", 400.0)]
    ]
    assert runner.aggregate(results)["answer_words"] == 25.0


def test_the_summary_reports_each_split_with_its_categories():
    results = [
        _result("a", "fact", False, 10, split="dev", mrr=1.0),
        _result("b", "fact", False, 10, split="test", mrr=0.0),
        _result("c", "out_of_scope", True, 10, split="test"),
    ]
    summary = runner.summarise(results, "grounded")
    assert summary["metrics"]["mrr"] == 0.5
    dev, test = summary["by_split"]["dev"], summary["by_split"]["test"]
    assert (dev["rows"], test["rows"]) == (1, 2)
    assert dev["metrics"]["mrr"] == 1.0 and test["metrics"]["mrr"] == 0.0
    assert set(test["by_category"]) == {"fact", "out_of_scope"}
    assert set(dev["by_category"]) == {"fact"}
    only_dev = runner.summarise(results[:1], "grounded", split="dev")
    assert only_dev["split"] == "dev" and set(only_dev["by_split"]) == {"dev"}


def test_a_gate_for_the_test_split_ignores_the_dev_rows(tmp_path: Path):
    results = [
        _result("a", "fact", False, 10, split="dev", mrr=0.0),
        _result("b", "fact", False, 10, split="test", mrr=1.0),
    ]
    summary = runner.summarise(results, "grounded")
    assert gate.gate_failures(summary, {"mrr": 0.9}, {}, split="test") == []
    assert gate.gate_failures(summary, {"mrr": 0.9}, {}) == ["mrr 0.5 is under its floor 0.9"]
    assert gate.gate_failures(summary, {"mrr": 0.9}, {}, split="dev") == [
        "mrr 0 is under its floor 0.9 on the dev split"
    ]
    dev_only = runner.summarise(results[:1], "grounded", split="dev")
    (failure,) = gate.gate_failures(dev_only, {"mrr": 0.9}, {}, split="test")
    assert "no test rows" in failure and "--split test" in failure

    text = gate.gate_from_baseline(summary, split="test")
    assert text.count('split = "test"') == 1 and "--split test" in text
    path = tmp_path / "gate.toml"
    path.write_text(text)
    floors, _ = gate.load_gate(path)
    assert floors["mrr"] == 0.95  # from the test split's 1.0, not the run's 0.5
    assert gate.gate_split(path) == "test"
    assert "answer_words" not in text  # length is not gated
    path.write_text('split = "train"\n[floors]\n')
    with pytest.raises(InputError, match="split = 'train'"):
        gate.gate_split(path)


class _Embedder:
    def embed(self, texts: list[str]) -> np.ndarray:
        return _embed_by_word(texts)


class _FakeAdvisor:
    """Answers from a script and records what it was asked, as Advisor.ask would be."""

    embedder = _Embedder()

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[dict[str, str]]]] = []

    def ask(self, question: str, *, history=(), k=None, engine=None):  # type: ignore[no-untyped-def]
        from advisor.core.answers import Answer, Citation

        self.calls.append((question, list(history)))
        if question == "hi":
            return Answer(answer="Hi there!", reason="small_talk", question=question)
        passage = Citation(n=1, source="s", title="t", text=REIT, score=0.9)
        text = "Investors receive dividends based on the rental income [1]."
        return Answer(answer=text, citations=[passage], question="REIT dividends?")


def test_the_runner_passes_history_and_records_reason_split_and_the_new_metrics():
    from advisor.eval.dataset import parse_lines

    turns = [
        {"role": "user", "content": "What is a REIT?"},
        {"role": "assistant", "content": "A trust."},
    ]
    rows = parse_lines(
        [
            json.dumps(
                {"id": "mt", "category": "multi_turn", "user_input": "and do they pay?",
                 "reference": "REIT investors receive dividends from the rental income.",
                 "reference_contexts": ["Investors receive dividends based on the rental income"],
                 "history": turns, "split": "dev"}
            ),
            json.dumps(
                {"id": "hi", "category": "small_talk", "user_input": "hi",
                 "reference": "Hello!", "reference_contexts": []}
            ),
        ]
    )  # fmt: skip
    advisor = _FakeAdvisor()
    results = runner.run_rows(advisor, rows)  # type: ignore[arg-type]
    assert ("and do they pay?", turns) in advisor.calls
    mt, hi = results
    assert (mt.split, mt.history, mt.question) == ("dev", turns, "REIT dividends?")
    assert mt.metrics["answer_fact_recall"] == 1.0 and mt.metrics["filler_rate"] == 0.0
    assert mt.metrics["answer_words"] == 8.0 and mt.ok
    assert (hi.split, hi.reason, hi.ok) == ("test", "small_talk", True)
    assert hi.metrics["filler_rate"] is None and hi.metrics["semantic_similarity"] is None
    assert hi.metrics["groundedness"] is None  # a small-talk reply cites nothing by design
    summary = runner.summarise(results, "fake")
    assert summary["metrics"]["small_talk_rate"] == 1.0
    assert summary["metrics"]["false_decline_rate"] == 0.0  # the multi-turn row only


def test_a_composed_answer_is_judged_by_its_quotes_and_a_quote_answer_whole():
    worked = (
        "| | REITs | Rental property |\n| --- | --- | --- |\n"
        "| Capital to start | $1,000 | $50,000 |\n\n"
        "REITs: “REITs let you invest in real estate without managing properties” [1]."
    )
    assert m.quoted_part(worked) == (
        "REITs: “REITs let you invest in real estate without managing properties” [1]."
    )
    passages = {1: "REITs let you invest in real estate without managing properties."}
    assert m.groundedness(m.claims(worked, "comparison"), passages) == 1.0
    assert m.groundedness(m.claims(worked, "general"), passages) < 1.0  # table rows count
    assert m.claims(worked, None) == worked
