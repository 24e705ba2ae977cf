"""``advisor eval import-feedback``: rated answers (stored as the chat and POST
/v1/feedback store them) become unreviewed dataset rows that ``advisor eval`` runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import cli, make_settings

from advisor.core.reasons import DECLINE_REASONS
from advisor.core.settings import get_settings
from advisor.eval.dataset import load_dataset
from advisor.eval.from_feedback import TO_FIX, feedback_row
from advisor.users.feedback import Feedback, record_feedback

REIT = "what's a REIT and do I have to manage buildings?"
CODE = "write a javascript function for me"
LOTTERY = "which lottery numbers should I play this week?"


def rate(settings, user, advisor, question, rating, comment=None):  # type: ignore[no-untyped-def]
    answer = advisor.ask(question)
    return record_feedback(
        settings,
        user,
        question=question,
        answer=answer.answer,
        rating=rating,
        comment=comment,
        citations=[c.model_dump() for c in answer.citations],
        engine=answer.engine,
        reason=answer.reason,
    )


@pytest.fixture
def rated(home_copy: Path, advisor):  # type: ignore[no-untyped-def]
    """alice up-votes a REIT answer and a decline and down-votes an answer; bob down-votes."""
    get_settings.cache_clear()  # ADVISOR_HOME now names the copy, as in a new process
    settings = make_settings(home_copy)
    up = rate(settings, "alice", advisor, REIT, "up")
    decline = rate(settings, "alice", advisor, CODE, "up", "right to refuse")
    down = rate(settings, "alice", advisor, "how do I pick a dividend stock?", "down", "too vague")
    bobs = rate(settings, "bob", advisor, "What is passive income?", "down")
    return {"up": up, "decline": decline, "down": down, "bob": bobs}


def test_rated_answers_become_unreviewed_rows_and_a_down_vote_is_a_row_to_fix(
    rated, tmp_path, capsys
):
    out = tmp_path / "feedback.jsonl"
    code, printed, err = cli(
        capsys, "eval", "import-feedback", "--user", "alice", "--out", str(out)
    )
    assert code == 0, err
    assert f"wrote 3 rows to {out}" in printed and "1 down-voted to fix" in printed
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(rows) == {rated["up"].id, rated["decline"].id, rated["down"].id}
    assert all(r["reviewed"] is False and r["source"] == "feedback" for r in rows.values())
    up = rows[rated["up"].id]
    assert up["category"] == "feedback_up" and up["user_input"] == REIT
    assert up["reference"] and "[1]" not in up["reference"]
    assert up["reference_contexts"] == [c.text for c in rated["up"].citations]
    decline = rows[rated["decline"].id]
    assert decline["category"] == "out_of_scope" and decline["reference_contexts"] == []
    assert "right to refuse" in decline["note"]
    down = rows[rated["down"].id]
    assert down["category"] == "feedback_down" and down["reference"] == TO_FIX
    assert down["reference_contexts"] == []
    assert "too vague" in down["note"] and rated["down"].answer[:40] in down["note"]
    assert {r.id for r in load_dataset(out)} == set(rows)


def test_imported_rows_run_through_advisor_eval(rated, tmp_path, capsys):
    out = tmp_path / "feedback.jsonl"
    assert cli(capsys, "eval", "import-feedback", "--out", str(out))[0] == 0
    assert len(load_dataset(out)) == 4, "without --user, everyone who rated"
    run = tmp_path / "run"
    code, _, err = cli(capsys, "eval", "--dataset", str(out), "--out", str(run), "-q")
    assert code == 0, err
    summary = json.loads((run / "summary.json").read_text())
    assert summary["rows"] == 4
    assert set(summary["by_category"]) == {"feedback_up", "feedback_down", "out_of_scope"}
    assert summary["metrics"]["decline_rate_out_of_scope"] == 1.0


def test_import_feedback_errors_are_one_line(home_copy, tmp_path, capsys):
    get_settings.cache_clear()
    out = str(tmp_path / "x.jsonl")
    code, _, err = cli(capsys, "eval", "import-feedback", "--out", out)
    assert code == 2 and err.count("\n") == 1 and "no rated answers from anyone" in err
    code, _, err = cli(capsys, "eval", "import-feedback", "--user", "nobody", "--out", out)
    assert code == 2 and err.count("\n") == 1 and "no rated answers from nobody" in err
    code, _, err = cli(capsys, "eval", "import-feedback", "--user", "../etc", "--out", out)
    assert code == 2 and err.count("\n") == 1 and "invalid user id" in err
    assert not Path(out).exists()


def test_an_up_voted_gambling_decline_is_imported_as_an_out_of_scope_row(
    home_copy, advisor, tmp_path, capsys
):
    get_settings.cache_clear()
    record = rate(make_settings(home_copy), "carol", advisor, LOTTERY, "up")
    assert record.reason == "gambling", "the guard declines it as gambling"
    out = tmp_path / "feedback.jsonl"
    code, _, err = cli(capsys, "eval", "import-feedback", "--user", "carol", "--out", str(out))
    assert code == 0, err
    (row,) = map(json.loads, out.read_text(encoding="utf-8").splitlines())
    assert row["category"] == "out_of_scope" and row["reference_contexts"] == []


@pytest.mark.parametrize("reason", DECLINE_REASONS)
def test_every_up_voted_decline_reason_becomes_an_out_of_scope_row(reason):
    record = Feedback(
        id="fb-1",
        user="alice",
        created="2026-01-01T00:00:00+00:00",
        rating="up",
        question="a question",
        answer="I can't help with that.",
        reason=reason,
    )
    assert feedback_row(record)["category"] == "out_of_scope"
    assert feedback_row(record.model_copy(update={"reason": None}))["category"] == "feedback_up"
