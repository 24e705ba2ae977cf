"""The planner cases in ``evals/planner_cases.yaml``: for each profile, chat message,
principle question or calculation, what sound advice must and must not contain, run
against the real recommender, calculators and advisor (a fake LLM only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.interfaces.cli.suggest_cmd import render
from advisor.recommender import answer_for, load_catalog, suggest
from advisor.recommender.basics import principle_answer
from advisor.recommender.calculators import passivity, yield_warnings
from advisor.users.profile import validate_profile

CASES_FILE = Path(__file__).resolve().parent.parent / "evals" / "planner_cases.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]
KINDS = ("profile", "say", "question", "passivity", "capital")
CHECKS = {"excluded", "included_any", "not_first", "first_step", "missing_first", "contains",
          "not_contains", "label"}  # fmt: skip


def test_the_cases_are_enough_well_formed_and_split():
    assert len(CASES) >= 24
    assert len({c["id"] for c in CASES}) == len(CASES)
    ids = set(load_catalog().ids())
    for case in CASES:
        assert case["split"] in ("dev", "test") and case["reason"].strip(), case["id"]
        assert sum(k in case for k in KINDS) == 1 and set(case["expect"]) <= CHECKS, case["id"]
        for key in ("excluded", "included_any", "not_first"):
            assert set(case["expect"].get(key, [])) <= ids, case["id"]
    assert {c["split"] for c in CASES} == {"dev", "test"}


def _profile_outcome(case: dict[str, Any]) -> dict[str, Any]:
    profile = validate_profile(case["profile"])
    result = suggest(profile, top=len(load_catalog().streams))
    text = answer_for(profile)[0] + "\n" + render(suggest(profile, top=3))
    return {
        "streams": [s.stream for s in result.suggestions],
        "first_step": result.first_step,
        "missing": result.missing,
        "text": text,
    }


def _outcome(case: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    if "profile" in case:
        return _profile_outcome(case)
    if "say" in case:
        # the read-only advisor over the ingested corpus (tests/conftest.py); no user, so
        # nothing is saved
        answer = request.getfixturevalue("advisor").ask(case["say"])
        return {"text": answer.answer}
    if "question" in case:
        return {"text": principle_answer(case["question"]) or ""}
    if "passivity" in case:
        args = case["passivity"]
        rated = passivity(args["hours"], args["income"],
                          keeps_paying_without_you=False if args.get("stops") else None,
                          employment=args.get("employment", False))  # fmt: skip
        return {"label": rated.label, "text": rated.reason}
    return {"text": "\n".join(yield_warnings(case["capital"]["yield"]))}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_planner_case(case: dict[str, Any], request: pytest.FixtureRequest) -> None:
    got = _outcome(case, request)
    expect = case["expect"]
    why = f"{case['id']}: {case['reason']}"
    streams = got.get("streams", [])
    for stream in expect.get("excluded", []):
        assert stream not in streams, why
    if "included_any" in expect:
        assert set(expect["included_any"]) & set(streams[:3]), (why, streams[:3])
    if streams and "not_first" in expect:
        assert streams[0] not in expect["not_first"], (why, streams[0])
    if "first_step" in expect:
        if expect["first_step"] is None:
            assert got["first_step"] is None, (why, got["first_step"])
        else:
            assert got["first_step"] and expect["first_step"] in got["first_step"], why
    if "missing_first" in expect:
        assert got["missing"][0] == expect["missing_first"], why
    for text in expect.get("contains", []):
        assert text in got["text"], (why, got["text"][:600])
    for text in expect.get("not_contains", []):
        assert text not in got["text"], why
    if "label" in expect:
        assert got["label"] == expect["label"], why
