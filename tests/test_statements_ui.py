"""The Profile tab's bank statements in a real browser (#26): Debian's Chromium through
Playwright against the app served by uvicorn on loopback. A fixture statement is
imported, its passive share and proposed facts show, Save puts them in the profile and
the suggestions change; deleting the statement takes the saved facts away again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import make_settings
from live_files import copy_tree

pytest.register_assert_rewrite("ui_browser")  # before the import: it is a plugin too
from ui_browser import Network, open_page, serving  # noqa: E402

pytest_plugins = ["ui_browser"]  # the browser fixture

FIXTURES = Path(__file__).parent / "fixtures" / "statements"
STATEMENT = FIXTURES / "us_chase.csv"


@pytest.fixture(scope="module")
def statements_url(
    library_home: Path, tmp_path_factory: pytest.TempPathFactory, embedder
) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from advisor.answering.service import Advisor
    from advisor.interfaces.cli.serve_cmd import create_app

    home = tmp_path_factory.mktemp("ui-statements") / "home"
    copy_tree(library_home, home)
    with serving(create_app(Advisor(make_settings(home), embedder=embedder))) as address:
        yield address


FORM = {
    "Savings you could invest": "2000",
    "Free hours a week": "3",
    "Horizon (years)": "5",
    "Monthly income goal": "500",
    "Emergency fund in months of expenses": "6",
    "High-interest debt (cards, personal loans)": "0",
}


def _top(extra: dict[str, Any]) -> str:
    """The first suggestion's heading, as the recommender ranks the form's profile."""
    from advisor.recommender import suggest
    from advisor.users.profile import Profile

    form: dict[str, Any] = {
        "capital": 2000,
        "hours_per_week": 3,
        "horizon_years": 5,
        "goal_monthly_income": 500,
        "emergency_fund_months": 6,
        "high_interest_debt": 0,
        "risk_tolerance": "medium",
    }
    profile = Profile.model_validate({**form, **extra})
    first = suggest(profile).suggestions[0]
    return f"1. {first.name} · fit {first.score:.0f}/100"


def _wait_for_top(page: Any, heading: str) -> None:
    page.get_by_role("tab", name="Suggestions").click()
    page.locator("#advisor-suggestions h3").first.get_by_text(heading).wait_for()
    page.get_by_role("tab", name="Profile").click()


@pytest.mark.browser
def test_a_statement_shows_its_passive_share_and_saving_it_changes_the_suggestions(
    browser: Any,  # noqa: F811
    statements_url: str,
) -> None:
    from advisor.users.statements.report import statement_report

    expected = statement_report([STATEMENT])
    usd, facts = expected["currencies"][0], expected["proposed_facts"]
    surplus = f"{facts['monthly_surplus']:,.2f} USD"
    page = open_page(browser, Network(), statements_url)
    page.get_by_role("tab", name="Profile").click()
    page.wait_for_function(  # the saved profile has loaded into the form
        "() => document.querySelector('#advisor-user').innerText.includes('this computer')"
    )
    for label, value in FORM.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("medium").check()
    page.locator("#advisor-save-profile").click()
    page.locator("#advisor-profile-status").get_by_text("Saved.").wait_for()
    _wait_for_top(page, _top({}))

    page.get_by_role("tab", name="Profile").click()
    upload = page.locator("#advisor-statement-upload input[type=file]")
    upload.set_input_files([str(STATEMENT)])
    status = page.locator("#advisor-statement-status")
    status.get_by_text("Imported us_chase.csv").wait_for()
    figures = page.locator("#advisor-statement-figures").inner_text()
    assert f"Passive share of income: {usd['passive_share'] * 100:.1f}%" in figures
    assert "Proposed profile facts" in figures and surplus in figures
    for name in usd["income_per_month"]:
        assert name.replace("_", " ") in figures

    page.locator("#advisor-save-statement-facts").click()
    status.get_by_text("Saved to your profile").wait_for()
    field = page.get_by_label("Money left over each month")
    page.wait_for_function("el => el.value !== ''", arg=field.element_handle())
    assert float(field.input_value()) == facts["monthly_surplus"]
    # the savings typed in the form are the person's: the account's balance does not replace them
    typed = float(FORM["Savings you could invest"])
    assert facts["capital"] != typed
    assert float(page.get_by_label("Savings you could invest").input_value()) == typed
    saved = {k: v for k, v in facts.items() if k not in ("currency", "capital")}
    assert _top(saved) != _top({})  # the recommender ranks differently with the surplus
    _wait_for_top(page, _top(saved))

    page.get_by_role("tab", name="Profile").click()
    page.locator("#advisor-statement-choice input").click()
    page.get_by_role("option", name="us_chase.csv").click()
    page.locator("#advisor-delete-statement").click()  # asks first; "Keep it" keeps it
    question = page.locator("#advisor-statement-delete-question")
    question.get_by_text(re.compile(r"^Delete us_chase\.csv\? The profile facts")).wait_for()
    page.locator("#advisor-statement-delete-no").click()
    question.wait_for(state="hidden")
    assert float(field.input_value()) == facts["monthly_surplus"]  # nothing deleted
    assert "Passive share of income" in page.locator("#advisor-statement-figures").inner_text()
    page.locator("#advisor-delete-statement").click()
    page.locator("#advisor-statement-delete-yes").click()
    status.get_by_text(re.compile("Deleted us_chase.csv and the facts saved from it")).wait_for()
    page.wait_for_function(
        "() => !document.querySelector('#advisor-save-statement-facts') || "
        "document.querySelector('#advisor-save-statement-facts').offsetParent === null"
    )
    page.wait_for_function("el => el.value === ''", arg=field.element_handle())
    assert "No statement imported yet" in page.locator("#advisor-statement-figures").inner_text()
    page.context.close()
