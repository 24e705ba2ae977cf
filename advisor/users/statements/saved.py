"""A person's statements, kept as their own documents: each imported file's rows and
summary in ``users/<id>/statements/<name>.json`` under ADVISOR_HOME, listed and
deletable, with the profile facts saved from them recorded beside them
(``saved_facts.json``) so that deleting a statement takes those facts with it.

Every interface imports through :func:`import_statements` and reads the stored figures
through :func:`stored_report`, so the CLI, the API, MCP, the UI and the chat show the
same numbers for the same files."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from advisor.core.errors import InputError, NotFoundError, StoreError
from advisor.core.settings import Settings
from advisor.users.ids import validate_user_id
from advisor.users.statements.model import Transaction

STATEMENTS_DIR = "statements"
FACTS_FILE = "saved_facts.json"  # never a statement: those end in .stmt.json
SUFFIX = ".stmt.json"
MAX_STATEMENTS = 200


def statements_dir(settings: Settings, user: str) -> Path:
    return settings.users_dir / validate_user_id(user) / STATEMENTS_DIR


def statement_name(file_name: str) -> str:
    """The name a statement is kept and deleted under: its file name, made safe."""
    from advisor.ingest.loaders import slug

    base = file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base in (".", ".."):
        raise InputError("a statement file needs a name, e.g. checking.csv")
    return slug(base)


def _encode(row: Transaction) -> list[Any]:
    balance = None if row.balance is None else str(row.balance)
    return [row.date.isoformat(), row.description, str(row.amount), row.currency, balance, row.row]


def _decode(name: str, cells: list[Any]) -> Transaction:
    date, description, amount, currency, balance, line = cells
    return Transaction(
        file=name,
        row=int(line),
        date=dt.date.fromisoformat(date),
        description=str(description),
        amount=Decimal(amount),
        currency=str(currency),
        balance=None if balance is None else Decimal(balance),
    )


def _stage(path: Path, body: Any) -> Path:
    """``body`` written beside ``path`` under a temporary name, ready to replace it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".stmt-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(body, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _write_json(path: Path, body: Any) -> None:
    """Atomically: readers see the old file or the new, never half."""
    os.replace(_stage(path, body), path)


def _read_json(path: Path, user: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(
            f"a stored statement of {user!r} is damaged ({path.name}: {exc}); delete it "
            "and import the file again"
        ) from None


def _path(settings: Settings, user: str, name: str) -> Path:
    return statements_dir(settings, user) / (name + SUFFIX)


def _stored(settings: Settings, user: str) -> list[Path]:
    folder = statements_dir(settings, user)
    return sorted(folder.glob("*" + SUFFIX)) if folder.is_dir() else []


def list_statements(settings: Settings, user: str) -> list[dict[str, Any]]:
    """Each stored statement: its name, when it was imported, its rows and dates."""
    out = []
    for path in _stored(settings, user):
        body = _read_json(path, user)
        out.append({k: body[k] for k in ("name", "imported", "rows", "first_date", "last_date")})
    return out


def stored_rows(settings: Settings, user: str) -> tuple[list[str], list[list[Transaction]]]:
    """The names of the stored statements and their rows, one list a statement."""
    names, rows = [], []
    for path in _stored(settings, user):
        body = _read_json(path, user)
        names.append(str(body["name"]))
        rows.append([_decode(body["name"], cells) for cells in body["transactions"]])
    return names, rows


def stored_report(settings: Settings, user: str) -> dict[str, Any] | None:
    """The figures of every stored statement together (overlaps counted once), with the
    person's labels as they are now; None when none is stored."""
    from advisor.users.statements.labels import load_labels
    from advisor.users.statements.report import report_of

    names, rows = stored_rows(settings, user)
    if not names:
        return None
    from advisor.users.statements.guess import guesser

    return report_of(names, rows, load_labels(settings, user), guesser(settings))


def _check_size(settings: Settings, names: Sequence[str], rows: Sequence[list[Any]]) -> None:
    limit = settings.max_statement_rows
    for name, these in zip(names, rows, strict=True):
        if len(these) > limit:
            raise InputError(
                f"{name}: {len(these):,} rows, more than the {limit:,} one import takes "
                "(ADVISOR_MAX_STATEMENT_ROWS): export a shorter period"
            )
    if len(set(names)) != len(names):
        raise InputError("two statement files of one import have the same name: rename one")


def read_files(
    settings: Settings, user: str, files: Sequence[Path], currency: str | None = None
) -> tuple[list[str], list[list[Transaction]]]:
    """Every file read (any bad one stops all: nothing is kept), named for storing."""
    from advisor.users.profile_store import load_profile
    from advisor.users.statements.reader import read_statement

    if not files:
        raise InputError("no statement files given")
    default = (currency or load_profile(settings, user).currency).strip().upper()
    names = [statement_name(Path(f).name) for f in files]
    per_file = [read_statement(Path(f), default) for f in files]
    _check_size(settings, names, per_file)
    return names, per_file


def import_statements(
    settings: Settings,
    user: str,
    files: Sequence[Path],
    *,
    currency: str | None = None,
    save_facts: bool = False,
) -> dict[str, Any]:
    """Read the files, keep each as a statement of the user (a file of the same name is
    replaced), and return the figures of these files; with ``save_facts`` the proposed
    facts go to the profile, recorded as derived from these statements. A bad file, or
    facts that cannot be saved, keeps nothing."""
    from advisor.users.statements.guess import guesser
    from advisor.users.statements.labels import load_labels
    from advisor.users.statements.report import report_of
    from advisor.users.statements.summary import summarize

    names, per_file = read_files(settings, user, files, currency)
    labels, guess = load_labels(settings, user), guesser(settings)
    report = report_of(names, per_file, labels, guess)
    existing = {p.name.removesuffix(SUFFIX) for p in _stored(settings, user)}
    if len(existing | set(names)) > MAX_STATEMENTS:
        raise InputError(f"at most {MAX_STATEMENTS} statements a person: delete old ones first")
    if save_facts:
        from advisor.users.statements.facts import check_currency

        check_currency(settings, user, report["proposed_facts"])
    staged: list[tuple[Path, Path]] = []
    try:  # every file written first under a temporary name: a failure keeps none
        for name, rows, file_name in zip(names, per_file, files, strict=True):
            body = _body(name, Path(file_name).name, rows, summarize(rows, labels, guess))
            path = _path(settings, user, name)
            staged.append((_stage(path, body), path))
        for tmp, path in staged:
            os.replace(tmp, path)
        if save_facts:
            save_derived_facts(settings, user, names, report["proposed_facts"])
    except OSError as exc:
        raise StoreError(f"cannot keep the statements of {user!r}: {exc}") from exc
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return {**report, "stored": names, "saved": save_facts}


def _body(name: str, file_name: str, rows: list[Transaction], summary: list[Any]) -> dict[str, Any]:
    dates = [r.date for r in rows]
    return {
        "name": name,
        "file": file_name,
        "imported": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rows": len(rows),
        "first_date": min(dates).isoformat(),
        "last_date": max(dates).isoformat(),
        "summary": [s.as_dict() for s in summary],
        "transactions": [_encode(r) for r in rows],
    }


def _records(settings: Settings, user: str) -> list[dict[str, Any]]:
    path = statements_dir(settings, user) / FACTS_FILE
    if not path.exists():
        return []
    loaded = _read_json(path, user)
    return loaded if isinstance(loaded, list) else []


def save_derived_facts(
    settings: Settings, user: str, names: Sequence[str], facts: dict[str, Any]
) -> dict[str, Any]:
    """Save the facts to the profile and record which statements they came from; returns
    the facts saved. Savings the person typed are theirs: an account's balance does not
    replace them (a balance saved from an earlier statement is replaced)."""
    from advisor.users.profile_store import load_profile
    from advisor.users.statements.facts import save_statement_facts

    typed = load_profile(settings, user).capital
    derived = {r["facts"].get("capital") for r in _records(settings, user)}
    if typed is not None and typed not in derived:
        facts = {k: v for k, v in facts.items() if k != "capital"}
    save_statement_facts(settings, user, facts)
    records = [r for r in _records(settings, user) if set(r["from"]) - set(names)]
    records.append({"from": list(names), "facts": facts})
    _write_json(statements_dir(settings, user) / FACTS_FILE, records)
    return facts


def save_stored_facts(settings: Settings, user: str) -> dict[str, Any]:
    """Save the facts all stored statements propose (the UI's and the API's Save)."""
    report = stored_report(settings, user)
    if report is None:
        raise NotFoundError(f"no statement of {user!r} is stored: import one first")
    return save_derived_facts(settings, user, report["files"], report["proposed_facts"])


def delete_statement(settings: Settings, user: str, name: str) -> list[str]:
    """Remove a statement and every profile fact saved from it (those the person has not
    changed since); returns the facts removed."""
    path = _path(settings, user, statement_name(name)) if name.strip() else None
    if path is None or not path.exists():
        shown = ", ".join(s["name"] for s in list_statements(settings, user)) or "none"
        raise NotFoundError(f"user {user} has no statement {name[:80]!r} (stored: {shown})")
    key = path.name.removesuffix(SUFFIX)
    removed: list[str] = []
    kept = []
    for record in _records(settings, user):
        if key in record["from"]:
            removed += _unsave(settings, user, record["facts"])
        else:
            kept.append(record)
    try:
        _write_json(statements_dir(settings, user) / FACTS_FILE, kept)
        path.unlink()
    except OSError as exc:
        raise StoreError(f"cannot delete the statement {key!r} of {user!r}: {exc}") from exc
    return removed


def _unsave(settings: Settings, user: str, facts: dict[str, Any]) -> list[str]:
    """Take the facts out of the profile where it still holds them as saved."""
    from advisor.users.profile_store import load_profile, save_profile

    profile = load_profile(settings, user)
    removed = []
    if facts.get("monthly_surplus") is not None and profile.monthly_surplus == float(
        facts["monthly_surplus"]
    ):
        profile.monthly_surplus = None
        removed.append("monthly_surplus")
    saved = {(s["name"], s["monthly_income"]) for s in facts.get("income_sources", [])}
    sources = [s for s in profile.income_sources if (s.name, s.monthly_income) not in saved]
    if len(sources) != len(profile.income_sources):
        profile.income_sources = sources
        removed.append("income_sources")
    if facts.get("capital") is not None and profile.capital == float(facts["capital"]):
        profile.capital = None
        removed.append("capital")
    if removed:
        save_profile(settings, user, profile)
    return removed
