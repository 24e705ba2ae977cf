"""Statements kept as the person's own documents (#26): listed, deletable, and deleting
one (or the user) removes every figure and profile fact derived from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import cli

FIXTURES = Path(__file__).parent / "fixtures" / "statements"


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    code, out, err = cli(capsys, *argv)
    assert code == 0, err
    return dict(json.loads(out))


def _profile(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return _json(capsys, "profile", "--user", "ann", "show", "--json")


def test_an_import_is_kept_listed_and_its_stored_figures_equal_the_printed_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from advisor.core.settings import get_settings
    from advisor.users.statements.saved import stored_report

    files = [str(FIXTURES / "us_chase.csv"), str(FIXTURES / "us_bank.ofx")]
    printed = _json(capsys, "statement", "-u", "ann", "import", *files, "--json")
    assert printed["stored"] == ["us_chase.csv", "us_bank.ofx"]
    listed = _json(capsys, "statement", "-u", "ann", "list", "--json")["statements"]
    assert sorted(s["name"] for s in listed) == ["us_bank.ofx", "us_chase.csv"]
    stored = stored_report(get_settings(), "ann")
    assert stored is not None
    assert stored["currencies"] == printed["currencies"]
    assert stored["proposed_facts"] == printed["proposed_facts"]


def test_deleting_a_statement_removes_it_and_the_facts_saved_from_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    chase = str(FIXTURES / "us_chase.csv")
    assert cli(capsys, "profile", "--user", "ann", "set", "hours_per_week", "6")[0] == 0
    tutoring = ("income_sources", "tutoring:8:300")
    assert cli(capsys, "profile", "--user", "ann", "set", *tutoring)[0] == 0
    report = _json(capsys, "statement", "-u", "ann", "import", chase, "--save-facts", "--json")
    saved = _profile(capsys)
    assert saved["monthly_surplus"] == report["proposed_facts"]["monthly_surplus"]
    assert saved["capital"] == report["proposed_facts"]["capital"]
    assert len(saved["income_sources"]) == len(report["proposed_facts"]["income_sources"]) + 1
    code, out, _ = cli(capsys, "statement", "-u", "ann", "delete", "us_chase.csv")
    assert code == 0 and "monthly_surplus" in out and "income_sources" in out
    after = _profile(capsys)
    assert after["monthly_surplus"] is None and after["capital"] is None  # the last balance
    assert [s["name"] for s in after["income_sources"]] == ["tutoring"]  # typed: kept
    assert after["hours_per_week"] == 6
    assert _json(capsys, "statement", "-u", "ann", "list", "--json")["statements"] == []
    code, _, err = cli(capsys, "statement", "-u", "ann", "delete", "us_chase.csv")
    assert code != 0 and err.count("\n") == 1 and "no statement 'us_chase.csv'" in err


def test_a_fact_the_person_changed_after_saving_is_theirs_and_stays(
    capsys: pytest.CaptureFixture[str],
) -> None:
    chase = str(FIXTURES / "us_chase.csv")
    assert cli(capsys, "statement", "-u", "ann", "import", chase, "--save-facts")[0] == 0
    assert cli(capsys, "profile", "--user", "ann", "set", "monthly_surplus", "1234")[0] == 0
    assert cli(capsys, "statement", "-u", "ann", "delete", "us_chase.csv")[0] == 0
    after = _profile(capsys)
    assert after["monthly_surplus"] == 1234 and after["income_sources"] == []


def test_savings_the_person_typed_are_not_replaced_by_an_accounts_balance(
    capsys: pytest.CaptureFixture[str],
) -> None:
    chase = str(FIXTURES / "us_chase.csv")
    assert cli(capsys, "profile", "--user", "ann", "set", "capital", "50000")[0] == 0
    report = _json(capsys, "statement", "-u", "ann", "import", chase, "--save-facts", "--json")
    assert report["proposed_facts"]["capital"] != 50000  # the statement has a balance
    saved = _profile(capsys)
    assert saved["capital"] == 50000  # typed: kept
    assert saved["monthly_surplus"] == report["proposed_facts"]["monthly_surplus"]
    assert cli(capsys, "statement", "-u", "ann", "delete", "us_chase.csv")[0] == 0
    assert _profile(capsys)["capital"] == 50000  # not derived, so not removed either


def test_a_balance_saved_from_a_statement_is_replaced_by_the_next_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    chase = str(FIXTURES / "us_chase.csv")
    report = _json(capsys, "statement", "-u", "ann", "import", chase, "--save-facts", "--json")
    assert _profile(capsys)["capital"] == report["proposed_facts"]["capital"]
    again = _json(capsys, "statement", "-u", "ann", "import", chase, "--save-facts", "--json")
    assert _profile(capsys)["capital"] == again["proposed_facts"]["capital"]


def test_deleting_the_user_leaves_nothing_derived_from_their_statements(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from advisor.core.settings import get_settings
    from advisor.users.statements.saved import statements_dir, stored_report

    chase = str(FIXTURES / "us_chase.csv")
    assert cli(capsys, "statement", "-u", "ann", "import", chase, "--save-facts")[0] == 0
    assert statements_dir(get_settings(), "ann").is_dir()
    assert cli(capsys, "users", "delete", "ann", "--yes")[0] == 0
    assert not statements_dir(get_settings(), "ann").exists()
    assert stored_report(get_settings(), "ann") is None
    profile = _profile(capsys)
    assert profile["monthly_surplus"] is None and profile["income_sources"] == []
    assert profile["capital"] is None


def test_a_bad_file_in_an_import_keeps_none_of_its_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Description,Amount\n2024-02-30,ACME SALARY,100.00\n")
    code, _, err = cli(
        capsys, "statement", "-u", "ann", "import", str(FIXTURES / "us_chase.csv"), str(bad)
    )
    assert code == 2 and err.count("\n") == 1 and "bad.csv: row 2, column 'Date'" in err
    assert _json(capsys, "statement", "-u", "ann", "list", "--json")["statements"] == []


def test_an_import_over_the_row_limit_is_one_line_and_keeps_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor.core.settings import get_settings

    monkeypatch.setenv("ADVISOR_MAX_STATEMENT_ROWS", "10")
    get_settings.cache_clear()
    big = tmp_path / "big.csv"
    big.write_text(
        "Date,Description,Amount\n"
        + "".join(f"2024-01-{d % 28 + 1:02d},SHOP {d},-1.00\n" for d in range(11))
    )
    code, _, err = cli(capsys, "statement", "-u", "ann", "import", str(big))
    assert code == 2 and err.count("\n") == 1 and "big.csv: 11 rows" in err
    assert _json(capsys, "statement", "-u", "ann", "list", "--json")["statements"] == []
    get_settings.cache_clear()
