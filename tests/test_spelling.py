"""Typos and informal spelling, corrected against the library's own words."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from advisor.conversation.language import foreign_language, unknown_share
from advisor.conversation.spelling import Speller, speller_for
from advisor.conversation.vocabulary import INFORMAL, is_word


@pytest.fixture(scope="module")
def speller(library_home: Path) -> Speller:
    from advisor.store.sqlite_manifest import SqliteManifest

    manifest = SqliteManifest(library_home / "index.sqlite3")
    try:
        return speller_for(manifest)
    finally:
        manifest.close()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("wat is pasive incom exactly", "what is passive income exactly"),
        ("how do i start p2p lending", "how do i start peer-to-peer lending"),
        ("divident stocks", "dividend stocks"),
        ("is p2p lending worth it lol", "is peer-to-peer lending worth it lol"),
        ("whats the diffrence between assets and liabilites", None),
        ("finacial independance thru royalites", "financial independence through royalties"),
        ("recieve rentel incme from my proprety", "receive rental income from my property"),
        ("should i do affilate marketing or dropshiping", None),
        ("is bloging still profitible in 2024", "is blogging still profitable in 2024"),
        ("how much do u need to retire early", "how much do you need to retire early"),
        (
            "which bits of my side gig could i outsorce",
            "which bits of my side gig could i outsource",
        ),
        ("i need mony, cahs and wrok", "i need money, cash and work"),
        ("dividens and intrest", "dividends and interest"),
    ],
)
def test_typos_and_informal_forms_are_corrected(speller: Speller, typed: str, meant: str | None):
    corrected = speller.correct(typed)
    if meant is None:
        assert corrected != typed
        assert "  " not in corrected
    else:
        assert corrected == meant


def test_specific_corrections(speller: Speller):
    assert speller.correct("whats the diffrence between assets and liabilites") == (
        "what's the difference between assets and liabilities"
    )
    assert speller.correct("should i do affilate marketing or dropshiping") == (
        "should i do affiliate marketing or dropshipping"
    )


@pytest.mark.parametrize(
    "text",
    [
        "How do I make money while I sleep?",
        "Which parts of it can I hand off to someone else?",
        "is a reit better than an etf",
        "Can I invest in Vanguard ETFs?",  # a name mid-sentence
        "My friend at Apple told me about earnings early, can I trade on that?",
        "I have $20,000 and 5 hours a week, 3x a year",
        "check https://example.com/pasive-incom or me@exampel.com",
        "Wie wird das Wetter morgen?",
        "¿Cuál es la capital de Francia?",
        "asdkjh qwe zxcmn",
        "what's the weather like in the morning, pizza or guitar or football?",
        "give me a parlay for sunday's nfl games",
        "how many points did lebron score last night",
        "100x leverage long on doge tonight",
    ],
)
def test_text_that_needs_nothing_is_left_exactly_as_typed(speller: Speller, text: str):
    assert speller.correct(text) == text


# Correctly spelt English words that the three articles do not use: none may be
# "corrected" into a library word one letter away.
CORRECT_WORDS = """apple weather morning evening sleep lottery pizza guitar football earns
reinvests landlords mortgage pension retire retirement annuity crypto bitcoin forex
vacation tomorrow yesterday nephew cousin sister wedding kitchen garden doctor lawyer
plumber rooftop solar panels vending machines storage parking laundromat franchise
tutoring babysitting freelance freelancing copywriting newsletter podcasting youtube
instagram tiktok etsy shopify kindle amazon ebay craigslist airbnb uber lyft doordash
spreadsheet budget budgeting frugal thrifty saving savers stocks bonds index indexes
treasury treasuries inflation recession layoffs salary wages paycheck overtime bonus
commute remote hybrid quitting burnout hobby hobbies photography painting knitting
baking woodworking gardening fishing hiking""".split()


def test_correctly_spelt_words_are_never_changed(speller: Speller):
    changed = {w: speller.correct(w) for w in CORRECT_WORDS if speller.correct(w) != w}
    assert not changed


def test_case_is_kept():
    s = Speller(["passive", "income", "dividend"])
    assert s.correct("WAT IS PASIVE INCOM") == "WHAT IS PASSIVE INCOME"
    assert s.correct("Divident stocks") == "Dividend stocks"
    assert s.correct("P2P lending vs REITs?") == "Peer-to-peer lending vs REITs?"
    assert s.correct("is U ok") == "is You ok"  # a capital kept on an informal form


def test_short_words_numbers_and_known_words_stay():
    s = Speller(["income", "interest"])
    assert s.correct("the tax on 401k") == "the tax on 401k"  # short word, number
    assert s.correct("incme") == "income"
    assert s.suggest("income") is None
    assert s.suggest("xyzzyplugh") is None  # nothing close


def test_frequent_words_win_ties():
    s = Speller(["bonds"] * 5 + ["bands"])
    assert s.correct("bxnds") == "bonds"


def test_informal_map_is_explicit_and_lower_case():
    assert INFORMAL["p2p"] == "peer-to-peer"
    assert INFORMAL["wat"] == "what"
    assert INFORMAL["u"] == "you"
    assert all(k == k.lower() for k in INFORMAL)
    assert "reit" not in INFORMAL and "etf" not in INFORMAL  # kept as typed


def test_speller_is_built_fast_and_corrects_in_about_a_millisecond(library_home: Path):
    from advisor.store.sqlite_manifest import SqliteManifest

    manifest = SqliteManifest(library_home / "index.sqlite3")
    try:
        start = time.perf_counter()
        with manifest.connection() as con:
            speller = Speller.from_texts(r[0] for r in con.execute("SELECT text FROM chunks"))
        built = time.perf_counter() - start
        questions = [
            "wat is pasive incom exactly",
            "how do i start p2p lending",
            "recieve rentel incme from my proprety",
            "should i do affilate marketing or dropshiping",
            "How do REITs pay their investors?",
        ] * 20
        start = time.perf_counter()
        for q in questions:
            speller.correct(q)
        per_question = (time.perf_counter() - start) / len(questions)
    finally:
        manifest.close()
    assert built < 1.0, built
    assert per_question < 0.005, per_question  # ~0.1-1 ms; generous for a busy machine


def _manifest_with(tmp_path: Path, rows: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    from advisor.store.sqlite_manifest import DocRow, SqliteManifest

    manifest = SqliteManifest(tmp_path / "index.sqlite3")
    for collection, texts in rows.items():
        doc = DocRow(collection, "doc", "doc.md", "Doc", "note", "library", "h", len(texts), 0.0)
        manifest.commit_doc(doc, [(f"{collection}-{i}", i, t) for i, t in enumerate(texts)])
    return manifest


def test_speller_for_is_cached_and_rebuilt_when_the_library_changes(tmp_path: Path):
    from advisor.store.sqlite_manifest import DocRow

    manifest = _manifest_with(tmp_path, {"library": ["Quokkanomics explains everything."]})
    first = speller_for(manifest)
    assert speller_for(manifest) is first
    assert first.correct("quokanomics") == "quokkanomics"
    doc = DocRow("library", "doc2", "doc2.md", "Doc 2", "note", "library", "h2", 1, 0.0)
    manifest.commit_doc(doc, [("library-x", 0, "Wombatonomy is new.")])
    second = speller_for(manifest)
    assert second is not first
    assert second.correct("wombatonomi") == "wombatonomy"
    # a document replaced by one of the same size (its rowids may come back) still counts
    doc2 = DocRow("library", "doc2", "doc2.md", "Doc 2", "note", "library", "h3", 1, 0.0)
    manifest.commit_doc(doc2, [("library-y", 0, "Platypusonomy replaces it.")])
    third = speller_for(manifest)
    assert third is not second
    assert third.correct("platypusonomi") == "platypusonomy"
    manifest.close()


def test_a_users_own_words_never_shape_the_library_speller(tmp_path: Path):
    manifest = _manifest_with(
        tmp_path,
        {"library": ["Passive income explained."], "user-alice": ["Zorbulant secret plans."]},
    )
    assert speller_for(manifest).correct("zorbulan plans") == "zorbulan plans"
    manifest.close()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Cuál es la capital de Francia?", "es"),
        ("Wie wird das Wetter morgen?", "de"),
        ("Wie koche ich am besten Spargel?", "de"),
        ("Quel temps fera-t-il demain à Paris ?", "fr"),
        ("Chi ha vinto la partita di ieri sera?", "it"),
        ("Qual é a melhor praia do Brasil para surfar?", "pt"),
        ("東京でおすすめのラーメン屋はどこですか？", "other"),
        ("Что такое пассивный доход?", "other"),
        ("what is passive income", None),
        ("is p2p lending worth it lol", None),
        ("ha ha passive income lol", None),
        ("Hola! what is a REIT and how does it pay dividends?", None),
        ("is a REIT de-risked compared with rental property?", None),
    ],
)
def test_foreign_language(text: str, language: str | None):
    assert foreign_language(text) == language


def test_unknown_share_tells_keyboard_mash_from_words():
    assert unknown_share("asdkjh qwe zxcmn") == 1.0
    assert unknown_share("??? !!!") == 1.0
    assert unknown_share("what is passive income") == 0.0
    assert unknown_share("wat is pasive incom exactly") < 0.6
    assert is_word("dividends") and is_word("REIT") and not is_word("zxcmn")
