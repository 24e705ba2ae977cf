"""Bad input through every door: one table of cases across the CLI (in process), the
OpenAI-compatible API (a real uvicorn server, raw HTTP so bodies can be broken), MCP
(the SDK's client, in process) and uploads (``userdata.add_documents``). Each case
names the clear one-line error it must get; after each one, everything stored before
(the library, alice's and bob's documents, alice's profile) is unchanged and still
retrievable. Then property-based tests (hypothesis) for the cleaner, the splitter,
profile validation and the calculators."""

from __future__ import annotations

import json
import math
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from advisor_servers import ALICE_NOTE, BOB_NOTE, serve, with_user_notes
from helpers import make_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.core.errors import AdvisorError, InputError
from advisor.ingest.corpus import clean_text
from advisor.ingest.splitting import split_text
from advisor.interfaces.cli.main import run
from advisor.recommender import calculators
from advisor.store import LIBRARY
from advisor.users.profile import (
    MAX_HORIZON_YEARS,
    MAX_HOURS_PER_WEEK,
    MAX_MONEY,
    Profile,
    parse_amount,
    set_field,
    validate_profile,
)
from advisor.users.profile_store import save_profile

KEYS = {"alice-key-0123456789": "alice", "frontend-key-0123456789": "*"}
ALICE = {"Authorization": "Bearer alice-key-0123456789"}
FRONTEND = {"Authorization": "Bearer frontend-key-0123456789"}
CHAT = "/v1/chat/completions"
ALICE_PROFILE = Profile(capital=20000, hours_per_week=3, risk_tolerance="medium")
MB = 1_000_000


# ---- the data folder every case runs against ------------------------------------------


@pytest.fixture(scope="module")
def bad_home(library_home: Path, tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:  # type: ignore[no-untyped-def]
    """The library, alice's and bob's notes and alice's profile (copied once)."""
    home = with_user_notes(library_home, tmp_path_factory.mktemp("bad-inputs"), embedder)
    save_profile(make_settings(home), "alice", ALICE_PROFILE)
    return home


@pytest.fixture(scope="module")
def bad_advisor(bad_home: Path, embedder):  # type: ignore[no-untyped-def]
    from advisor.answering.service import Advisor

    return Advisor(make_settings(bad_home), embedder=embedder)


@pytest.fixture(scope="module")
def api_url(bad_advisor) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from advisor.interfaces.api.app import create_api

    with serve(create_api(bad_advisor, api_keys=KEYS)) as url:
        yield url


@pytest.fixture(scope="module")
def mcp_server(bad_advisor):  # type: ignore[no-untyped-def]
    from advisor.interfaces.mcp_server import build_server

    return build_server(bad_advisor, user="alice")[0]  # as `advisor mcp --user alice`


def stored(advisor: Any) -> dict[str, Any]:
    """Everything a bad input must leave alone: manifest, BM25 rows, vectors, profile,
    users and the files of the data folder (SQLite's side files and caches aside)."""
    manifest = advisor.store.manifest
    home: Path = advisor.settings.home
    state: dict[str, Any] = {}
    for collection in (LIBRARY, "user-alice", "user-bob"):
        ids = sorted(manifest.chunk_ids(collection))
        state[collection] = {
            "docs": [(d.doc_id, d.content_hash, d.n_chunks) for d in manifest.docs(collection)],
            "chunks": {i: r.text for i, r in manifest.get(ids).items()},
            "vectors": sorted(advisor.store.vectors.all_ids(collection)),
        }
    state["pending"] = manifest.pending()
    state["profile"] = (advisor.settings.users_dir / "alice" / "profile.json").read_text()
    state["files"] = sorted(
        str(p.relative_to(home))
        for p in home.rglob("*")
        if not p.name.endswith(("-wal", "-shm", "-journal"))
        and p.relative_to(home).parts[0] != "cache"
    )
    return state


def still_retrievable(advisor: Any) -> None:
    mine = advisor.search("How much does my vending machine route earn?", user="alice", k=3)
    assert mine[0].origin == "user" and mine[0].text == ALICE_NOTE
    theirs = advisor.search("self-storage units rent", user="bob", k=3)
    assert theirs[0].origin == "user" and theirs[0].text == BOB_NOTE
    library = advisor.search("How many email subscribers does Smart Passive Income have?", k=3)
    assert any("150,000" in p.text for p in library)


@pytest.fixture(scope="module")
def baseline(bad_advisor) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    still_retrievable(bad_advisor)
    return stored(bad_advisor)


# ---- bad files ----------------------------------------------------------------------------

Maker = Callable[[Path], Path]


def file_of(name: str, data: bytes) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def zip_bomb(folder: Path) -> Path:
    """A zip named like a Word file whose one member inflates 1000:1."""
    path = folder / "statement.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (30 * 1024 * 1024))
    return path


def sparse(name: str, size: int) -> Maker:
    """A file over the size limit that costs no disk (a hole)."""

    def make(folder: Path) -> Path:
        path = folder / name
        with path.open("wb") as handle:
            handle.truncate(size)
        return path

    return make


def empty_folder(folder: Path) -> Path:
    path = folder / "nothing-here"
    path.mkdir()
    (path / ".hidden").write_text("hidden files are not documents\n")
    return path


def text_file(name: str, text: str) -> Maker:
    return file_of(name, text.encode("utf-8"))


BROKEN_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n%% truncated here"
NOT_UTF8 = "Loyer du café: 300 euros par mois.\n".encode("latin-1")
WITH_NUL = b"My savings plan\x00\x00\x01 for next year.\n" * 10


# ---- the table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One bad input: where it goes, what is sent, and the error it must get."""

    id: str
    where: str  # cli | api | mcp | upload
    says: str  # a substring of the one-line error
    argv: list[str | Maker] = field(default_factory=list)  # cli
    body: Any = None  # api: JSON-able, or raw bytes
    headers: Mapping[str, str | bytes] = field(default_factory=dict)  # api
    status: int = 400  # api
    tool: str = ""  # mcp
    args: dict[str, Any] = field(default_factory=dict)  # mcp
    files: list[Maker] = field(default_factory=list)  # upload
    user: str = "alice"  # upload


def msg(content: Any, **extra: Any) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": content}], **extra}


CASES = [
    # -- the command line --
    Case("cli-ask-nul-bytes", "cli", "error: the question is empty", ["ask", "\x00\x00 \x00"]),
    Case(
        "cli-ask-1mb",
        "cli",
        "the question is 1,000,000 characters; the limit is 4,000 (ADVISOR_MAX_QUESTION_CHARS)",
        ["ask", "x" * MB],
    ),
    Case(
        "cli-ask-invalid-utf8",
        "cli",
        "error: the question is not valid UTF-8 text (character 9)",
        # how a terminal's undecodable bytes reach argv: os.fsdecode(b"What is \xff\xfe ...")
        ["ask", "What is \udcff\udcfe a REIT?"],
    ),
    Case(
        "cli-ask-user-with-newline",
        "cli",
        "error: invalid user id 'alice\\n'",
        ["ask", "What is a REIT?", "--user", "alice\n"],
    ),
    Case(
        "cli-ingest-zip-bomb-docx",
        "cli",
        "error: statement.docx: refused, the .docx would inflate to 31,457,288 bytes",
        ["ingest", "--user", "alice", zip_bomb],
    ),
    Case(
        "cli-ingest-pdf-that-fails-to-parse",
        "cli",
        "error: broken.pdf: not a readable PDF",
        ["ingest", "--user", "alice", file_of("broken.pdf", BROKEN_PDF)],
    ),
    Case(
        "cli-ingest-oversized",
        "cli",
        "error: huge.txt: 60,000,000 bytes is over the 52,428,800-byte limit (ADVISOR_MAX_FILE",
        ["ingest", "--user", "alice", sparse("huge.txt", 60 * MB)],
    ),
    Case(
        "cli-ingest-nul-bytes",
        "cli",
        "error: plan.txt: binary content, not text",
        ["ingest", "--user", "alice", file_of("plan.txt", WITH_NUL)],
    ),
    Case(
        "cli-ingest-invalid-utf8",
        "cli",
        "error: loyer.md: not UTF-8 text (byte 12)",
        ["ingest", "--user", "alice", file_of("loyer.md", NOT_UTF8)],
    ),
    Case(
        "cli-ingest-whitespace-only",
        "cli",
        "error: blank.md: no text found in the file",
        ["ingest", "--user", "alice", text_file("blank.md", " \n\t\n   \n")],
    ),
    Case(
        "cli-ingest-empty-folder",
        "cli",
        "error: no files to ingest in ",
        ["ingest", "--user", "alice", empty_folder],
    ),
    Case(
        "cli-ingest-path-like-user",
        "cli",
        "error: invalid user id '../../etc'",
        ["ingest", "--user", "../../etc", text_file("note.txt", "I rent a garage.\n")],
    ),
    Case(
        "cli-docs-delete-path-like-document",
        "cli",
        "error: user alice has no document '../../index.sqlite3'",
        ["docs", "--user", "alice", "delete", "--yes", "../../index.sqlite3"],
    ),
    Case(
        "cli-profile-negative-capital",
        "cli",
        "error: capital cannot be negative (-5000)",
        ["profile", "--user", "alice", "set", "capital", "-5000"],
    ),
    Case(
        "cli-profile-absurd-hours",
        "cli",
        "error: hours_per_week must be at most 168; 500.0 looks like a typo",
        ["profile", "--user", "alice", "set", "hours_per_week", "500"],
    ),
    Case(
        "cli-profile-absurd-capital",
        "cli",
        "error: capital must be at most 1e+12",
        ["profile", "--user", "alice", "set", "capital", "5e15"],
    ),
    Case(
        "cli-profile-invalid-utf8",
        "cli",
        "error: skills: the value is not valid UTF-8 text",
        ["profile", "--user", "alice", "set", "skills", "writ\udcffing"],
    ),
    Case(
        "cli-profile-import-unknown-field",
        "cli",
        "error: unknown profile field 'salary'",
        [
            "profile",
            "--user",
            "alice",
            "import",
            text_file("me.json", '{"capital": 100, "salary": 5000}'),
        ],
    ),
    Case(
        "cli-profile-import-wrong-types",
        "cli",
        "error: risk_tolerance: Input should be 'low', 'medium' or 'high'",
        ["profile", "--user", "alice", "import", text_file("me.json", '{"risk_tolerance": [1]}')],
    ),
    # -- the OpenAI-compatible API --
    Case(
        "api-invalid-utf8-body",
        "api",
        "the request body is not valid JSON: send UTF-8 encoded JSON",
        body=b'{"messages": [{"role": "user", "content": "caf\xe9 \xff\xfe"}]}',
    ),
    Case(
        "api-escaped-lone-surrogate",
        "api",
        "the question is not valid UTF-8 text (character 9)",
        body=b'{"messages": [{"role": "user", "content": "What is \\udcff a REIT?"}]}',
    ),
    Case("api-nul-bytes", "api", "the question is empty", body=msg("\x00\x00\x00")),
    Case(
        "api-whitespace",
        "api",
        "the last user message is empty: ask something about passive income",
        body=msg(" \n\t "),
    ),
    Case(
        "api-1mb-question",
        "api",
        "the question is 999,000 characters; the limit is 4,000",
        body=msg("x" * 999_000),
    ),
    Case(
        "api-oversized-body",
        "api",
        "the request body is over 1,000,000 bytes",
        body=msg("x" * (MB + 10)),
        status=413,
    ),
    Case(
        "api-body-is-a-list",
        "api",
        'the request body must be a JSON object such as {"messages": [...]}',
        body=[{"role": "user", "content": "What is a REIT?"}],
    ),
    Case(
        "api-messages-wrong-type",
        "api",
        "messages: Input should be a valid list",
        body={"messages": "What is a REIT?"},
    ),
    Case(
        "api-stream-wrong-type",
        "api",
        "stream: Input should be a valid boolean",
        body=msg("What is a REIT?", stream="yes"),
    ),
    Case(
        "api-content-wrong-type",
        "api",
        "messages.0.content.str: Input should be a valid string",
        body=msg(42),
    ),
    Case(
        "api-only-an-image-part",
        "api",
        "the last user message is empty",
        body=msg([{"type": "image_url", "image_url": {"url": "data:,"}}]),
    ),
    Case(
        "api-path-like-user",
        "api",
        "invalid user id '../alice'",
        body=msg("What is a REIT?", user="../alice"),
        headers=FRONTEND,
    ),
    Case(
        "api-key-with-invalid-bytes",
        "api",
        "missing or wrong API key",
        body=msg("What is a REIT?"),
        headers={"Authorization": b"Bearer \xff\xfe-not-a-key"},
        status=401,
    ),
    # -- MCP --
    Case(
        "mcp-ask-nul-bytes", "mcp", "the question is empty", tool="ask", args={"question": "\x00"}
    ),
    Case(
        "mcp-ask-1mb",
        "mcp",
        "the question is 1,000,000 characters; the limit is 4,000",
        tool="ask",
        args={"question": "y" * MB},
    ),
    Case(
        "mcp-ask-wrong-type",
        "mcp",
        "invalid argument question for ask: Input should be a valid string",
        tool="ask",
        args={"question": 42},
    ),
    Case(
        "mcp-search-negative-k",
        "mcp",
        "invalid argument k for search_library: Input should be greater than or equal to 1",
        tool="search_library",
        args={"query": "rent", "k": -1},
    ),
    Case(
        "mcp-search-path-like-user",
        "mcp",
        "invalid user id '../bob'",
        tool="search_library",
        args={"query": "storage units", "user": "../bob"},
    ),
    Case(
        "mcp-suggest-negative-capital",
        "mcp",
        "invalid argument capital for suggest_streams: Input should be greater than or equal to 0",
        tool="suggest_streams",
        args={"capital": -5},
    ),
    Case(
        "mcp-suggest-absurd-capital",
        "mcp",
        "capital must be at most 1e+12",
        tool="suggest_streams",
        args={"capital": 1e15, "user": "alice"},
    ),
    Case(
        "mcp-suggest-unknown-risk",
        "mcp",
        "invalid argument risk_tolerance for suggest_streams: Input should be 'low', 'medium'",
        tool="suggest_streams",
        args={"risk_tolerance": "yolo"},
    ),
    Case(
        "mcp-months-absurd-yield",
        "mcp",
        "invalid argument annual_yield for months_to_goal: Input should be less than or equal to 1",
        tool="months_to_goal",
        args={"goal_monthly_income": 100, "annual_yield": 5, "monthly_contribution": 10},
    ),
    # -- uploads (what the UI and `advisor ingest --user` call) --
    Case(
        "upload-zip-bomb-docx",
        "upload",
        "statement.docx: refused, the .docx would inflate to 31,457,288 bytes (compression",
        files=[zip_bomb],
    ),
    Case(
        "upload-pdf-that-fails-to-parse",
        "upload",
        "broken.pdf: not a readable PDF",
        files=[file_of("broken.pdf", BROKEN_PDF)],
    ),
    Case(
        "upload-oversized",
        "upload",
        "big.pdf: 52,428,801 bytes is over the 52,428,800-byte limit",
        files=[sparse("big.pdf", 52_428_801)],
    ),
    Case(
        "upload-html-with-nul-bytes",
        "upload",
        "page.html: binary content, not HTML",
        files=[file_of("page.html", b"<html>\x00\x00<script>x()</script></html>")],
    ),
    Case(
        "upload-csv-not-utf8",
        "upload",
        "rents.csv: not UTF-8 text",
        files=[file_of("rents.csv", b"month,rent\njan," + "300€".encode("cp1252") + b"\n")],
    ),
    Case(
        "upload-word-file-that-is-not-a-zip",
        "upload",
        "plan.docx: not a readable Word .docx file",
        files=[text_file("plan.docx", "plain text pretending to be Word")],
    ),
    Case(
        "upload-unsupported-type",
        "upload",
        "tool.exe: unsupported file type .exe",
        files=[file_of("tool.exe", b"MZ\x90\x00")],
    ),
    Case(
        "upload-empty-file",
        "upload",
        "zero.txt: the file is empty",
        files=[file_of("zero.txt", b"")],
    ),
    Case(
        "upload-path-like-user",
        "upload",
        "invalid user id 'alice/../bob'",
        files=[text_file("note.txt", "I rent a garage.\n")],
        user="alice/../bob",
    ),
    Case(
        "upload-user-with-nul",
        "upload",
        "invalid user id 'alice\\x00'",
        files=[text_file("note.txt", "I rent a garage.\n")],
        user="alice\x00",
    ),
]


# ---- running a case through its interface ----------------------------------------------


def run_cli(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    argv = [a(tmp_path) if callable(a) else a for a in case.argv]
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        run([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert exit_.value.code == 2, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def run_api(case: Case, url: str) -> str:
    given = {"content-type": "application/json", **ALICE, **case.headers}
    headers = {k.encode(): v if isinstance(v, bytes) else v.encode() for k, v in given.items()}
    raw = case.body if isinstance(case.body, bytes) else json.dumps(case.body).encode()
    reply = httpx.post(url + CHAT, content=raw, headers=headers, timeout=120)
    assert reply.status_code == case.status, reply.text[:500]
    error = reply.json()["error"]
    assert set(error) >= {"message", "type", "code"}
    assert error["type"] in {"invalid_request_error", "server_error"}
    return str(error["message"])


def run_mcp(case: Case, server: Any) -> str:
    from mcp import Client

    async def main() -> Any:
        async with Client(server) as client:
            return await client.call_tool(case.tool, case.args)

    result = anyio.run(main)
    assert result.is_error, result.content
    return str(result.content[0].text)


def run_upload(case: Case, tmp_path: Path, advisor: Any) -> str:
    from advisor.users.documents import add_documents

    paths = [make(tmp_path) for make in case.files]
    try:
        report = add_documents(advisor, case.user, paths)
    except AdvisorError as exc:
        return str(exc)
    assert report.added == 0 and not report.results, report.summary()
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


def test_the_table_has_at_least_30_cases_through_every_interface() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.where for c in CASES} == {"cli", "api", "mcp", "upload"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_a_clear_error_and_everything_stored_stays(
    case: Case,
    bad_home: Path,
    bad_advisor: Any,
    baseline: dict[str, Any],
    api_url: str,
    mcp_server: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from advisor.core.settings import get_settings

    monkeypatch.setenv("ADVISOR_HOME", str(bad_home))
    get_settings.cache_clear()
    if case.where == "cli":
        message = run_cli(case, tmp_path, capsys)
    elif case.where == "api":
        message = run_api(case, api_url)
    elif case.where == "mcp":
        message = run_mcp(case, mcp_server)
    else:
        message = run_upload(case, tmp_path, bad_advisor)
    assert case.says in message, message
    assert "\n" not in message and "Traceback" not in message
    assert len(message) < 400, "one short line, not an echo of the input"
    assert stored(bad_advisor) == baseline
    still_retrievable(bad_advisor)


# ---- properties (hypothesis) -------------------------------------------------------------

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIELDS = list(Profile.model_fields)
anything = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@PROPERTY
@given(st.dictionaries(st.sampled_from([*FIELDS, "salary", ""]), anything, max_size=6))
def test_validate_profile_gives_a_sane_profile_or_one_line_naming_the_problem(data):
    try:
        profile = validate_profile(data)
    except InputError as exc:
        text = str(exc)
        assert text and "\n" not in text and "Traceback" not in text
        return
    for name, top in (
        ("capital", MAX_MONEY),
        ("monthly_surplus", MAX_MONEY),
        ("goal_monthly_income", MAX_MONEY),
        ("hours_per_week", MAX_HOURS_PER_WEEK),
        ("horizon_years", MAX_HORIZON_YEARS),
    ):
        value = getattr(profile, name)
        assert value is None or 0 <= value <= top, (name, value)
    assert profile.risk_tolerance in (None, "low", "medium", "high")
    assert re.fullmatch(r"[A-Z]{3}", profile.currency)
    assert validate_profile(profile.model_dump(mode="json")) == profile


@PROPERTY
@given(st.sampled_from(FIELDS), st.text(max_size=60))
def test_set_field_from_any_text_sets_a_valid_value_or_refuses_in_one_line(name, text):
    try:
        profile = set_field(ALICE_PROFILE, name, text)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert validate_profile(profile.model_dump(mode="json")) == profile
    others = {f for f in FIELDS if f != name}
    assert profile.model_dump(include=others) == ALICE_PROFILE.model_dump(include=others)


@PROPERTY
@given(st.floats(min_value=0, max_value=1e11, allow_nan=False), st.sampled_from(["", "$", "€"]))
def test_amounts_typed_with_separators_and_symbols_parse_to_their_value(value, symbol):
    cents = round(value, 2)
    assert parse_amount("capital", f"{symbol}{cents:,.2f}") == pytest.approx(cents, rel=1e-12)
    assert parse_amount("capital", f"{value / 1000!r}k") == pytest.approx(value, rel=1e-9)


@PROPERTY
@given(st.floats(allow_nan=False, max_value=-1e-9), st.sampled_from(["capital", "horizon_years"]))
def test_negative_values_are_refused_naming_the_field(value, name):
    with pytest.raises(InputError, match=f"^{name}"):
        set_field(Profile(), name, repr(value))


number = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**20), 10**20)


@PROPERTY
@given(number, number)
def test_capital_needed_is_finite_and_non_negative_or_refused(income, rate):
    try:
        capital = calculators.capital_needed(income, rate)
    except InputError as exc:
        assert "\n" not in str(exc) and re.match(r"^(monthly_income|annual_yield)", str(exc))
        return
    assert math.isfinite(capital) and capital >= 0
    assert capital == pytest.approx(income * 12 / rate)


@PROPERTY
@given(st.floats(0, 1e6), st.floats(0, 1e6), st.floats(0.001, 1.0))
def test_more_income_never_needs_less_capital(a, b, rate):
    low, high = sorted((a, b))
    assert calculators.capital_needed(low, rate) <= calculators.capital_needed(high, rate)


@PROPERTY
@given(number, number)
def test_passivity_is_a_label_for_any_numbers_or_refused(hours, income):
    try:
        rated = calculators.passivity(hours, income)
    except InputError as exc:
        assert re.match(r"^(hours_per_month|monthly_income)", str(exc))
        return
    assert math.isfinite(rated.hours_per_100) and rated.hours_per_100 >= 0
    assert rated.label in ("passive", "semi-passive", "active")


LABELS = ["passive", "semi-passive", "active"]


@PROPERTY
@given(st.floats(0, 744), st.floats(0, 744), st.floats(1, 1e6))
def test_more_hours_for_the_same_income_is_never_more_passive(a, b, income):
    fewer, more = sorted((a, b))
    first = calculators.passivity(fewer, income).label
    second = calculators.passivity(more, income).label
    assert LABELS.index(first) <= LABELS.index(second)


@settings(max_examples=60, deadline=None)
@given(
    goal=st.floats(10, 5_000),
    rate=st.floats(0.01, 0.1),
    a=st.floats(0, 3_000),
    b=st.floats(0, 3_000),
    start=st.floats(0, 100_000),
)
def test_a_bigger_monthly_contribution_never_takes_longer(goal, rate, a, b, start):
    small, big = sorted((a, b))
    slow = calculators.months_to_goal(goal, rate, small, start_capital=start, max_months=600)
    fast = calculators.months_to_goal(goal, rate, big, start_capital=start, max_months=600)
    never = 10**9
    assert (fast.months if fast.months is not None else never) <= (
        slow.months if slow.months is not None else never
    )


@PROPERTY
@given(number, number, number, number, number)
def test_months_to_goal_refuses_impossible_arguments_in_one_line(
    goal, rate, contribution, start, growth
):
    try:
        plan = calculators.months_to_goal(goal, rate, contribution, start, growth, max_months=24)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert plan.points[0].month == 0 and len(plan.points) <= 25
    assert all(math.isfinite(p.capital) and p.capital >= 0 for p in plan.points)


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFG0123456789", min_size=1, max_size=15)
separators = st.sampled_from([" ", " ", " ", "\n", "\n\n", ". ", ", ", "? ", "; "])
prose = st.lists(st.tuples(words, separators), min_size=1, max_size=300).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)


@PROPERTY
@given(prose, st.integers(40, 400), st.integers(0, 80))
def test_splitting_loses_no_word_and_keeps_chunks_within_size(text, size, overlap):
    cleaned = clean_text(text)
    chunks = split_text("doc", cleaned, chunk_size=size, chunk_overlap=overlap)
    token = re.compile(r"[A-Za-z0-9]+")
    assert set(token.findall(cleaned)) <= {t for c in chunks for t in token.findall(c.text)}
    assert all(0 < len(c.text) <= size for c in chunks)
    assert [c.ord for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks)
    again = split_text("doc", cleaned, chunk_size=size, chunk_overlap=overlap)
    assert [c.id for c in again] == [c.id for c in chunks]


@PROPERTY
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=2000))
def test_cleaning_any_text_yields_storable_text_without_control_characters(text):
    cleaned = clean_text(text)
    cleaned.encode("utf-8")  # what SQLite and Chroma will be given
    assert not re.search(r"[\x00-\x08\x0e-\x1f\x7f]", cleaned)
    assert cleaned == cleaned.strip()
