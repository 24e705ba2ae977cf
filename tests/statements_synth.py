"""Synthetic bank statements with known labels, for the statement tests (#26).

    python tests/statements_synth.py   # rewrites tests/fixtures/statements/

Writes, from a fixed seed: ``labelled.csv`` (description, amount, true label, dev/test
split; rules are chosen on dev only) and one statement in each export layout the reader
supports, copying the real banks' column names, date formats, decimal commas and sign
conventions, with ``truth.json`` giving the true label of each of their rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parent / "fixtures" / "statements"
SEED = 26

DATA = Path(__file__).resolve().parent / "fixtures" / "statements_synth.yaml"


@cache
def data() -> dict[str, Any]:
    """Payers, shops, templates and amounts (tests/fixtures/statements_synth.yaml)."""
    loaded = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _ref(rng: random.Random) -> str:
    return str(rng.randint(10_000, 9_999_999))


def _case(rng: random.Random, text: str) -> str:
    return text.upper() if rng.random() < 0.5 else text


def describe(rng: random.Random, label: str) -> str:
    d = data()
    extra = d["unknown_payers"].get(label, []) if rng.random() < 0.04 else []
    text = rng.choice(d["templates"][label] + extra).format(
        e=rng.choice(d["employers"]),
        k=rng.choice(d["brokers"]),
        b=rng.choice(d["banks"]),
        t=rng.choice(d["tenants"]),
        s=rng.choice(d["shops"]),
        r=_ref(rng),
    )
    return _case(rng, text)


def amount(rng: random.Random, label: str) -> float:
    low, high = data()["amounts"][label]
    return round(rng.uniform(low, high), 2)


def labelled(rng: random.Random, n: int = 400) -> list[dict[str, str]]:
    labels = list(data()["templates"])
    weights = [3 if lab in ("salary", "dividends", "interest", "refund") else 2 for lab in labels]
    rows = []
    for _ in range(n):
        label = rng.choices(labels, weights)[0]
        low, high = data()["amounts"][label]
        rows.append(
            {
                "split": "dev" if rng.random() < 0.5 else "test",
                "label": label,
                "description": describe(rng, label),
                "amount": f"{rng.uniform(low, high):.2f}",
            }
        )
    return rows


Row = tuple[dt.date, str, float, str, str]  # date, description, amount, currency, label


def person(
    rng: random.Random, streams: dict[str, int], currency: str, months: int = 6
) -> list[Row]:
    """Six months of one person's account: the income streams given (how many payments a
    month), spending, refunds and transfers to and from savings."""
    rows: list[Row] = []
    pay = {s: amount(rng, s) for s in streams}
    for m in range(months):
        start = dt.date(2024, 1 + m, 1)
        for stream, times in streams.items():
            for i in range(times):
                day = start + dt.timedelta(days=rng.randint(0, 27) if times > 1 else 14 + i)
                value = (
                    pay[stream] if stream in ("salary", "rent_received") else amount(rng, stream)
                )
                rows.append((day, describe(rng, stream), value, currency, stream))
        for _ in range(rng.randint(12, 20)):
            day = start + dt.timedelta(days=rng.randint(0, 27))
            rows.append(
                (
                    day,
                    _case(rng, f"{rng.choice(data()['shops'])} {_ref(rng)}"),
                    -round(rng.uniform(3, 250), 2),
                    currency,
                    "spending",
                )
            )
        rows.append(
            (
                start + dt.timedelta(days=20),
                _case(rng, "Transfer to savings"),
                -round(rng.uniform(200, 600), 2),
                currency,
                "own_transfer",
            )
        )
        if rng.random() < 0.5:
            label = rng.choice(["refund", "own_transfer"])
            rows.append(
                (
                    start + dt.timedelta(days=rng.randint(0, 27)),
                    describe(rng, label),
                    amount(rng, label),
                    currency,
                    label,
                )
            )
    rows.sort(key=lambda r: r[0])
    return rows


def _csv(rows: list[list[str]], delimiter: str = ",", quote: int = csv.QUOTE_MINIMAL) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=quote, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def _balances(rows: list[Row], start: float) -> list[float]:
    out, bal = [], start
    for r in rows:
        bal = round(bal + r[2], 2)
        out.append(bal)
    return out


# The header rows of the exports copied.
CHASE = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #,"
SPARKASSE = (
    "Auftragskonto;Buchungstag;Valutadatum;Buchungstext;Verwendungszweck;"
    "Beguenstigter/Zahlungspflichtiger;Kontonummer;BLZ;Betrag;Waehrung;Info"
)
WISE = (
    "TransferWise ID,Date,Amount,Currency,Description,Payment Reference,Running Balance,"
    "Exchange From,Exchange To,Exchange Rate,Payer Name,Payee Name,Payee Account Number,"
    "Merchant,Card Last Four Digits,Card Holder Full Name,Attachment,Note,Total fees"
)


def us_chase(rows: list[Row]) -> tuple[str, list[Row]]:
    """Chase checking: MM/DD/YYYY, one signed amount, newest first, trailing comma."""
    bal = _balances(rows, 3200.0)
    lines = [CHASE.split(",")]
    for r, b in reversed(list(zip(rows, bal, strict=True))):
        lines.append(
            [
                "CREDIT" if r[2] > 0 else "DEBIT",
                r[0].strftime("%m/%d/%Y"),
                r[1],
                f"{r[2]:.2f}",
                "ACH_CREDIT" if r[2] > 0 else "DEBIT_CARD",
                f"{b:.2f}",
                "",
                "",
            ]
        )
    return _csv(lines), rows[::-1]


def uk_nationwide(rows: list[Row]) -> tuple[str, list[Row]]:
    """Nationwide: account lines above the header, '05 Jan 2024', paid out / paid in with
    £ and thousands commas, cp1252."""
    bal = _balances(rows, 1850.0)
    lines = [
        ["Account Name:", "FlexAccount ****12345"],
        ["Account Balance:", f"£{bal[-1]:,.2f}"],
        ["Available Balance: ", f"£{bal[-1]:,.2f}"],
        [],
        ["Date", "Transaction type", "Description", "Paid out", "Paid in", "Balance"],
    ]
    for r, b in zip(rows, bal, strict=True):
        out, inn = (f"£{-r[2]:,.2f}", "") if r[2] < 0 else ("", f"£{r[2]:,.2f}")
        lines.append(
            [
                r[0].strftime("%d %b %Y"),
                "Payment to" if r[2] < 0 else "Bank credit",
                r[1],
                out,
                inn,
                f"£{b:,.2f}",
            ]
        )
    return _csv(lines, quote=csv.QUOTE_ALL), rows


def _de(x: float) -> str:
    return f"{x:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def de_sparkasse(rows: list[Row]) -> tuple[str, list[Row]]:
    """Sparkasse CSV-CAMT: ';', DD.MM.YY, decimal comma and dot thousands, newest first."""
    head = SPARKASSE.split(";")
    lines = [head]
    for r in reversed(rows):
        text = (
            "LOHN GEHALT" if r[4] == "salary" else ("GUTSCHRIFT" if r[2] > 0 else "KARTENZAHLUNG")
        )
        lines.append(
            [
                "DE12500105170648489890",
                r[0].strftime("%d.%m.%y"),
                r[0].strftime("%d.%m.%y"),
                text,
                r[1],
                "",
                "DE0000000000",
                "50010517",
                _de(r[2]),
                "EUR",
                "Umsatz gebucht",
            ]
        )
    return _csv(lines, delimiter=";", quote=csv.QUOTE_ALL), rows[::-1]


def generic_debit_credit(rows: list[Row]) -> tuple[str, list[Row]]:
    """A generic export: ISO dates, debit and credit columns, thousands commas."""
    bal = _balances(rows, 900.0)
    lines = [["Date", "Description", "Debit", "Credit", "Balance"]]
    for r, b in zip(rows, bal, strict=True):
        lines.append(
            [
                r[0].isoformat(),
                r[1],
                f"{-r[2]:,.2f}" if r[2] < 0 else "",
                f"{r[2]:,.2f}" if r[2] > 0 else "",
                f"{b:,.2f}",
            ]
        )
    return _csv(lines), rows


def wise_multi(rows: list[Row]) -> tuple[str, list[Row]]:
    """Wise: DD-MM-YYYY, signed amount, a currency column (several currencies)."""
    head = WISE.split(",")
    lines = [head]
    for i, r in enumerate(rows):
        lines.append(
            [
                f"TRANSFER-{1000 + i}",
                r[0].strftime("%d-%m-%Y"),
                f"{r[2]:.2f}",
                r[3],
                r[1],
                *[""] * 13,
                "0.00",
            ]
        )
    return _csv(lines), rows


def ofx(rows: list[Row]) -> tuple[str, list[Row]]:
    """OFX 1.02 (SGML), as US banks' 'Quicken/Money' downloads."""
    trns = "".join(
        f"<STMTTRN><TRNTYPE>{'CREDIT' if r[2] > 0 else 'DEBIT'}<DTPOSTED>{r[0]:%Y%m%d}120000"
        f"<TRNAMT>{r[2]:.2f}<FITID>{i}<NAME>{r[1][:32]}</STMTTRN>\n"
        for i, r in enumerate(rows)
    )
    text = (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        "<DTSERVER>20240701120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>\n"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        "<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000248<ACCTID>1234567890"
        "<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
        f"<BANKTRANLIST><DTSTART>20240101<DTEND>20240630\n{trns}</BANKTRANLIST>"
        "<LEDGERBAL><BALAMT>1000.00<DTASOF>20240630</LEDGERBAL></STMTRS></STMTTRNRS>"
        "</BANKMSGSRSV1></OFX>\n"
    )
    return text, rows


# file name, writer, encoding, the person's streams (payments a month), currency
FIXTURES: list[
    tuple[str, Callable[[list[Row]], tuple[str, list[Row]]], str, dict[str, int], str]
] = [
    (
        "us_chase.csv",
        us_chase,
        "utf-8",
        {"salary": 2, "dividends": 1, "interest": 1, "ads_revenue": 1, "affiliate": 1},
        "USD",
    ),
    (
        "uk_nationwide.csv",
        uk_nationwide,
        "cp1252",
        {"salary": 1, "rent_received": 1, "royalties": 1, "interest": 1},
        "GBP",
    ),
    (
        "de_sparkasse.csv",
        de_sparkasse,
        "utf-8",
        {"salary": 1, "rent_received": 1, "dividends": 1, "interest": 1, "marketplace_sales": 2},
        "EUR",
    ),
    (
        "generic_debit_credit.csv",
        generic_debit_credit,
        "utf-8",
        {"freelance": 1, "subscriptions": 1, "marketplace_sales": 1, "dividends": 4, "interest": 2},
        "USD",
    ),
    ("us_bank.ofx", ofx, "ascii", {"salary": 2, "dividends": 1, "interest": 1}, "USD"),
]


def main(out: Path = OUT) -> None:
    rng = random.Random(SEED)
    out.mkdir(parents=True, exist_ok=True)
    rows = labelled(rng)
    with (out / "labelled.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["split", "label", "description", "amount"])
        writer.writeheader()
        writer.writerows(rows)
    truth: dict[str, list[str]] = {}
    for name, writer_fn, encoding, streams, currency in FIXTURES:
        text, order = writer_fn(person(rng, streams, currency))
        (out / name).write_bytes(text.encode(encoding))
        truth[name] = [r[4] for r in order]
    multi = sorted(
        person(rng, {"freelance": 2, "subscriptions": 1}, "USD")
        + person(rng, {"salary": 1, "interest": 1}, "EUR")
        + person(rng, {"rent_received": 1, "royalties": 1}, "GBP"),
        key=lambda r: r[0],
    )
    text, order = wise_multi(multi)
    (out / "wise_multi.csv").write_text(text, encoding="utf-8")
    truth["wise_multi.csv"] = [r[4] for r in order]
    (out / "truth.json").write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
