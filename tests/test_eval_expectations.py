"""The harness checks what a worked-answer row expects: route, figures within 1 %, the
sides named, the decline reason, the facts read and the ranking moved."""

from __future__ import annotations

from advisor.core.answers import AnswerInfo
from advisor.eval.dataset import Row
from advisor.eval.expectations import failures, met
from advisor.eval.runner import _result
from advisor.eval.targets import Reply


def _row(**expected: object) -> Row:
    return Row.model_validate(
        {"id": "r", "category": "calculation", "user_input": "q", "reference": "r", **expected}
    )


def test_a_figure_within_one_percent_passes_and_further_fails():
    row = _row(expected_route="calculation", expected_numbers=[1500 * 12 / 0.05])
    close = Reply(response="You need 361,000 USD.", info=AnswerInfo(route="calculation"))
    far = Reply(response="You need 370,000 USD.", info=AnswerInfo(route="calculation"))
    assert met(row, close) == 1.0
    assert failures(row, far) == [f"figure {1500 * 12 / 0.05:g} not stated"]


def test_route_sides_reason_facts_and_moves_are_each_checked():
    row = _row(
        category="preference",
        history=[{"role": "user", "content": "I have $5,000"}],
        expected_route="preference",
        expected_sides=["REITs"],
        expected_facts={"hours_per_week": 3.0},
        expected_moves=True,
    )
    reply = Reply(
        response="Noted.",
        info=AnswerInfo(route="general", profile_facts={"hours_per_week": 5.0}),
    )
    missed = failures(row, reply)
    assert len(missed) == 4 and missed[0] == "route general instead of preference"
    good = Reply(
        response="REITs … What moved in your ranking: …",
        info=AnswerInfo(route="preference", profile_facts={"hours_per_week": 3.0}),
    )
    assert met(row, good) == 1.0


def test_a_pick_row_expects_a_decline_and_is_not_a_false_decline():
    row = _row(category="pick", expected_route="decline", expected_reason="specific_pick")
    assert row.expects == "decline" and not row.in_scope
    wrong = _result(
        row, Reply(response="No.", declined=True, info=AnswerInfo(reason="insider_trading")), 1.0
    )
    right = _result(
        row, Reply(response="No.", declined=True, info=AnswerInfo(reason="specific_pick")), 1.0
    )
    assert not wrong.ok and wrong.missed == [
        "route None instead of decline",
        "reason insider_trading instead of specific_pick",
    ]
    assert right.ok is False  # the route was not said either
    said = _result(
        row,
        Reply(
            response="No.",
            declined=True,
            info=AnswerInfo(reason="specific_pick", route="decline"),
        ),
        1.0,
    )
    assert said.ok and not said.expects_answer
