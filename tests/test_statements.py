"""Reading bank statements (#26): the layouts of real exports, bad input as one line,
overlapping exports, several currencies, and the `advisor statement` command."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import cli
from hypothesis import given
from hypothesis import strategies as st
from statements_synth import data

from advisor.core.errors import InputError
from advisor.users.statements.classify import classify
from advisor.users.statements.reader import read_statement, read_statements
from advisor.users.statements.summary import summarize

FIXTURES = Path(__file__).parent / "fixtures" / "statements"
TRUTH: dict[str, list[str]] = json.loads((FIXTURES / "truth.json").read_text(encoding="utf-8"))
WITH_BALANCE = ["us_chase.csv", "uk_nationwide.csv", "generic_debit_credit.csv"]


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_every_layout_reads_each_row_with_its_sign_and_size(name: str) -> None:
    rows = read_statement(FIXTURES / name)
    assert len(rows) == len(TRUTH[name])
    for row, label in zip(rows, TRUTH[name], strict=True):
        assert row.date.year == 2024 and 1 <= row.date.month <= 6
        if label == "spending" or (label == "own_transfer" and row.amount < 0):
            assert row.amount < 0, row
        else:
            low, high = data()["amounts"][label]
            # decimal commas and thousands separators: 2.503,32 is 2503.32, not 2.5
            assert low <= row.amount <= high, row


@pytest.mark.parametrize("name", WITH_BALANCE)
def test_each_balance_is_the_one_before_plus_the_amount(name: str) -> None:
    rows = sorted(read_statement(FIXTURES / name), key=lambda r: (r.date, r.balance is None))
    chronological = sorted(rows, key=lambda r: r.row, reverse=name == "us_chase.csv")
    for before, row in zip(chronological, chronological[1:], strict=False):
        assert before.balance is not None and row.balance is not None
        assert row.balance == before.balance + row.amount, row


def test_currency_comes_from_a_column_a_symbol_or_the_default() -> None:
    assert {r.currency for r in read_statement(FIXTURES / "uk_nationwide.csv")} == {"GBP"}
    assert {r.currency for r in read_statement(FIXTURES / "de_sparkasse.csv", "USD")} == {"EUR"}
    assert {r.currency for r in read_statement(FIXTURES / "us_chase.csv", "CAD")} == {"CAD"}


def test_day_first_dates_are_read_day_first_when_one_date_says_so(tmp_path: Path) -> None:
    path = tmp_path / "uk.csv"
    path.write_text(
        "Date,Description,Amount\n03/04/2024,SHOP,-1.00\n25/04/2024,ACME SALARY,100.00\n"
    )
    assert [r.date.isoformat() for r in read_statement(path)] == ["2024-04-03", "2024-04-25"]


def test_money_in_two_currencies_is_summed_apart() -> None:
    rows = read_statement(FIXTURES / "wise_multi.csv")
    summaries = summarize(rows)
    assert sorted(s.currency for s in summaries) == ["EUR", "GBP", "USD"]
    for s in summaries:
        mine = [r for r in rows if r.currency == s.currency]
        assert s.rows == len(mine)
        money_in = [r.amount for r in mine if r.amount > 0 and classify(r).kind != "own_transfer"]
        assert s.money_in == sum(money_in, Decimal(0))
    assert sum(s.rows for s in summaries) == len(rows)


def test_overlapping_exports_count_shared_rows_once(tmp_path: Path) -> None:
    lines = (FIXTURES / "generic_debit_credit.csv").read_text().splitlines()
    header, body = lines[0], lines[1:]
    first, second = tmp_path / "jan-apr.csv", tmp_path / "mar-jun.csv"
    first.write_text("\n".join([header, *body[: len(body) * 2 // 3]]) + "\n")
    second.write_text("\n".join([header, *body[len(body) // 3 :]]) + "\n")
    merged = read_statements([first, second])
    whole = read_statement(FIXTURES / "generic_debit_credit.csv")
    assert [r.key() for r in merged] == [r.key() for r in whole]


def test_two_equal_rows_in_one_export_are_two_transactions(tmp_path: Path) -> None:
    path = tmp_path / "coffee.csv"
    path.write_text("Date,Description,Amount\n2024-01-02,COFFEE,-3.50\n2024-01-02,COFFEE,-3.50\n")
    assert len(read_statements([path, path])) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Name,Note\nann,hi\n", "bad.csv: unknown layout"),
        (
            "Date,Description,Amount\n2024-01-02,SHOP,\n",
            "bad.csv: row 2, column 'Amount': no amount",
        ),
        (
            "Date,Description,Amount\n2024-01-02,SHOP,-1\n2024-13-45,SHOP,-2\n",
            "bad.csv: row 3, column 'Date': '2024-13-45' is not a date",
        ),
        (
            "Date,Description,Debit,Credit\n2024-01-02,SHOP,1.0,\n2024-01-03,X,,12x\n",
            "bad.csv: row 3, column 'Credit': '12x' is not an amount",
        ),
    ],
)
def test_bad_input_is_one_line_naming_file_row_and_column(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        read_statement(path)
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_ofx_is_read_through_ofxtools_and_a_broken_one_is_one_line(tmp_path: Path) -> None:
    rows = read_statement(FIXTURES / "us_bank.ofx")
    assert len(rows) == len(TRUTH["us_bank.ofx"]) and {r.currency for r in rows} == {"USD"}
    broken = tmp_path / "broken.qfx"
    broken.write_text("OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS>")
    with pytest.raises(InputError, match=r"^broken.qfx: not a readable OFX/QFX file"):
        read_statement(broken)


def test_what_is_not_income() -> None:
    from datetime import date

    from advisor.users.statements.model import Transaction

    def kind(text: str, amount: str) -> str:
        label = classify(Transaction("f", 1, date(2024, 1, 1), text, Decimal(amount), "USD"))
        return label.stream or label.kind

    assert kind("AMAZON REFUND 123", "12.00") == "refund"
    assert kind("AMAZON KDP ROYALTIES", "12.00") == "royalties"
    assert kind("PAYMENT, THANK YOU", "500") == "card_payment"
    assert kind("TRANSFER FROM SAVINGS", "500") == "own_transfer"
    assert kind("TRANSFER TO SAVINGS", "-500") == "own_transfer"
    assert kind("INTEREST CHARGE", "-5") == "spending"
    assert kind("J DOE", "40") == "unclassified"


def test_cli_prints_the_summary_and_saves_facts_only_when_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [str(FIXTURES / "us_chase.csv"), str(FIXTURES / "us_bank.ofx")]
    code, out, _ = cli(capsys, "statement", "--user", "ann", "import", *files, "--json")
    assert code == 0
    report = json.loads(out)
    usd = report["currencies"][0]
    assert usd["months_covered"] == 6 and usd["income_per_month"]["salary"]["passivity"] == "active"
    assert report["proposed_facts"]["monthly_surplus"] == usd["monthly_surplus"]
    code, out, _ = cli(capsys, "profile", "--user", "ann", "show", "--json")
    assert json.loads(out)["monthly_surplus"] is None  # not saved without --save-facts
    code, out, _ = cli(capsys, "statement", "--user", "ann", "import", *files, "--save-facts")
    assert code == 0 and "passive share" in out and "saved to the profile of ann" in out
    profile = json.loads(cli(capsys, "profile", "--user", "ann", "show", "--json")[1])
    assert profile["monthly_surplus"] == usd["monthly_surplus"]
    assert {s["name"] for s in profile["income_sources"]} >= {"salary", "dividends", "interest"}


def test_cli_bad_file_is_one_line_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text('Date,Description,Amount\n2024-01-02,ACME SALARY,"1,000.00.0"\n')
    good = str(FIXTURES / "us_chase.csv")
    code, out, err = cli(capsys, "statement", "-u", "ann", "import", good, str(bad), "--save-facts")
    assert code == 2 and err.count("\n") == 1 and "bad.csv: row 2" in err
    assert (
        json.loads(cli(capsys, "profile", "--user", "ann", "show", "--json")[1])["income_sources"]
        == []
    )


def test_facts_in_another_currency_than_the_profile_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli(capsys, "profile", "--user", "ann", "set", "capital", "5000")[0] == 0
    sparkasse = str(FIXTURES / "de_sparkasse.csv")
    code, _, err = cli(capsys, "statement", "-u", "ann", "import", sparkasse, "--save-facts")
    assert code == 2 and "amounts are never converted" in err


def test_random_bytes_are_an_unknown_layout(tmp_path: Path) -> None:
    import random

    path = tmp_path / "noise.csv"
    path.write_bytes(random.Random(7).randbytes(4000))
    with pytest.raises(InputError, match=r"^noise.csv: unknown layout"):
        read_statement(path)


def test_a_semicolon_file_without_decimals_reads_dots_as_thousands(tmp_path: Path) -> None:
    path = tmp_path / "konto.csv"
    path.write_text("Datum;Text;Betrag\n01.02.2024;Gehalt ACME;1.234\n03.02.2024;Miete;-800\n")
    rows = read_statement(path, "EUR")
    assert [r.amount for r in rows] == [Decimal(1234), Decimal(-800)]
    assert classify(rows[0]).stream == "salary"


def test_a_label_is_remembered_for_later_imports_and_goes_with_the_user(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "acme.csv"
    path.write_text("Date,Description,Amount\n2024-01-05,MRS K OKAFOR 42,250.00\n")
    args = ("statement", "--user", "ann", "import", str(path), "--json")
    before = json.loads(cli(capsys, *args)[1])["currencies"][0]["income_per_month"]
    assert before["unclassified"]["examples"] == ["MRS K OKAFOR 42"]  # no rule, no near payer
    code, out, _ = cli(capsys, "statement", "-u", "ann", "label", "Mrs K  Okafor", "royalties")
    assert code == 0 and "royalties" in out
    after = json.loads(cli(capsys, *args)[1])["currencies"][0]
    assert set(after["income_per_month"]) == {"royalties"}
    assert after["income_per_month"]["royalties"]["passivity"] == "semi-passive"
    code, _, err = cli(capsys, "statement", "-u", "ann", "label", "MRS K OKAFOR", "lottery")
    assert code == 2 and err.startswith("error: unknown label 'lottery'")
    assert cli(capsys, "users", "delete", "ann", "--yes")[0] == 0
    again = json.loads(cli(capsys, *args)[1])["currencies"][0]["income_per_month"]
    assert set(again) == {"unclassified"}  # the label went with the user


def test_a_card_bill_is_spending_once_with_or_without_the_cards_export(tmp_path: Path) -> None:
    checking, card = tmp_path / "checking.csv", tmp_path / "card.csv"
    checking.write_text(
        "Date,Description,Amount\n2024-03-01,ACME PAYROLL,1000.00\n"
        "2024-03-20,CREDIT CARD PAYMENT 991,-500.00\n"
    )
    card.write_text(
        "Transaction Date,Description,Amount\n2024-03-03,GROCER,-300.00\n"
        '2024-03-09,CINEMA,-200.00\n2024-03-21,"PAYMENT, THANK YOU",500.00\n'
    )
    alone = summarize(read_statements([checking]))[0]
    both = summarize(read_statements([checking, card]))[0]
    assert alone.money_out == both.money_out == Decimal(500)
    assert alone.monthly_surplus() == both.monthly_surplus() == Decimal(500)
    assert both.income() == Decimal(1000)


@given(
    cents=st.integers(min_value=-(10**11), max_value=10**11),
    style=st.sampled_from(["us", "eu", "plain", "paren", "trailing"]),
)
def test_an_amount_written_as_banks_write_it_reads_back_exactly(cents: int, style: str) -> None:
    from advisor.users.statements.values import decimal_comma, parse_amount

    value = Decimal(cents) / 100
    us = f"{abs(value):,.2f}"
    text = {
        "us": f"{'-' if value < 0 else ''}${us}",
        "eu": ("-" if value < 0 else "") + us.translate(str.maketrans(",.", ".,")) + " EUR",
        "plain": f"{value:.2f}",
        "paren": f"({us})" if value < 0 else us,
        "trailing": f"{us}-" if value < 0 else us,
    }[style]
    assert parse_amount(text, decimal_comma([text])) == value


@pytest.mark.parametrize("name", WITH_BALANCE)
def test_the_savings_fact_is_the_balance_after_the_last_row(name: str) -> None:
    from advisor.users.statements.report import statement_report

    rows = read_statement(FIXTURES / name)
    chronological = sorted(rows, key=lambda r: r.row, reverse=name == "us_chase.csv")
    first = chronological[0]
    assert first.balance is not None
    end = first.balance - first.amount + sum((r.amount for r in rows), Decimal(0))
    report = statement_report([FIXTURES / name])
    assert report["currencies"][0]["balance_at_end"] == float(end)
    assert report["proposed_facts"]["capital"] == float(end)


def test_an_export_without_balances_proposes_no_savings() -> None:
    from advisor.users.statements.report import statement_report

    report = statement_report([FIXTURES / "de_sparkasse.csv"])
    assert report["currencies"][0]["balance_at_end"] is None
    assert "capital" not in report["proposed_facts"]


def test_a_row_no_rule_names_is_guessed_near_a_labelled_payer_and_a_label_wins(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor.core.settings import get_settings

    ofx = str(FIXTURES / "us_bank.ofx")  # a German fund payout no rule knows
    args = ("statement", "--user", "ann", "import", ofx, "--json")
    guessed = json.loads(cli(capsys, *args)[1])["currencies"][0]["income_per_month"]
    assert "unclassified" not in guessed and guessed["dividends"]["guessed_rows"] == 1
    monkeypatch.setenv("ADVISOR_STATEMENT_GUESS", "false")
    get_settings.cache_clear()
    plain = json.loads(cli(capsys, *args)[1])["currencies"][0]["income_per_month"]
    assert plain["unclassified"]["examples"] == ["Ertraegnisgutschrift Ausschuettu"]
    monkeypatch.delenv("ADVISOR_STATEMENT_GUESS")
    get_settings.cache_clear()
    assert (
        cli(capsys, "statement", "-u", "ann", "label", "Ertraegnisgutschrift", "interest")[0] == 0
    )
    labelled = json.loads(cli(capsys, *args)[1])["currencies"][0]["income_per_month"]
    assert labelled["interest"]["rows"] == plain.get("interest", {"rows": 0})["rows"] + 1
    assert labelled["dividends"]["guessed_rows"] == 0


def test_a_stream_label_says_its_passivity_and_how_many_rows_were_guessed() -> None:
    from advisor.users.statements.report import stream_label

    assert stream_label({"passivity": "passive", "guessed_rows": 0}) == "passive"
    assert stream_label({"passivity": None}) == "not classified yet"
    assert stream_label({"passivity": "active", "guessed_rows": 1}) == (
        "active (1 row guessed from similar payers: check, and label if wrong)"
    )
    assert stream_label({"passivity": "passive", "guessed_rows": 3}).endswith(
        "(3 rows guessed from similar payers: check, and label if wrong)"
    )
