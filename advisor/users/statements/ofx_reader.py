"""OFX and QFX (Quicken's OFX) through ofxtools: SGML (OFX 1.x) and XML (2.x) both."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from advisor.core.errors import InputError, MissingExtraError
from advisor.users.statements.model import Transaction


def _tree(path: Path) -> Any:
    try:
        from ofxtools.Parser import OFXTree
    except ImportError:
        raise MissingExtraError("ofxtools", "statements") from None
    parser = OFXTree()
    try:
        with path.open("rb") as handle:
            parser.parse(handle)
        return parser.convert()
    except OSError as exc:
        raise InputError(f"cannot read the statement {path}: {exc.strerror or exc}") from None
    except Exception as exc:  # ofxtools raises its own ParseError/ValueError kinds
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        raise InputError(f"{path.name}: not a readable OFX/QFX file ({first})") from None


def read_ofx(path: Path, default_currency: str) -> list[Transaction]:
    ofx = _tree(path)
    out: list[Transaction] = []
    position = 0
    for stmt in ofx.statements:
        currency = str(getattr(stmt, "curdef", None) or default_currency).upper()
        for trn in stmt.banktranlist or []:
            position += 1
            if trn.dtposted is None or trn.trnamt is None:
                raise InputError(f"{path.name}: transaction {position}: no date or no amount")
            text = " ".join(dict.fromkeys(t for t in (trn.name, trn.memo) if t))
            out.append(
                Transaction(
                    file=path.name,
                    row=position,
                    date=trn.dtposted.date(),
                    description=text or str(trn.trntype or ""),
                    amount=Decimal(trn.trnamt),
                    currency=str(trn.currency.cursym) if trn.currency else currency,
                )
            )
    if not out:
        raise InputError(f"{path.name}: no transactions in this OFX file")
    return out
