"""Is it passive? asked of work paid for one's time, with or without figures: a job, a
salary however high, freelancing, hourly gigs are active; a stream the catalog holds
gets the catalog's verdict, and a side hustle is left to the articles (some are passive)."""

from __future__ import annotations

import pytest

from advisor.answering.service import Advisor


@pytest.mark.parametrize(
    "question",
    [
        "Is my salary passive income?",
        "I earn $8,000 a month at my job. Is that passive because it's high?",
        "is a part-time job passive?",
        "Is freelancing passive?",
        "is driving for uber passive income?",
    ],
)
def test_pay_for_ones_time_is_active_whatever_it_pays(advisor: Advisor, question: str):
    answer = advisor.ask(question)
    assert answer.route == "passivity", answer.answer
    assert answer.answer.startswith("**Active**: pay for your time")
    assert "high pay does not make work passive" in answer.answer


def test_a_catalog_stream_named_beside_a_job_gets_the_streams_verdict(advisor: Advisor):
    answer = advisor.ask("I have a job, but is a rental property passive income?")
    assert answer.route == "passivity"
    assert answer.answer.startswith("**Rental property: semi-passive**")


def test_a_side_hustle_is_not_called_active_by_rule(advisor: Advisor):
    assert advisor.ask("Is a side hustle passive?").route != "passivity"
