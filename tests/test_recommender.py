"""The stream recommender: catalog grounded in the corpus, personas, properties that
hold for every profile, diversification, missing facts, the CLI and the JSON shape."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from helpers import cli
from hypothesis import example, given, settings
from hypothesis import strategies as st

from advisor.core.errors import InputError
from advisor.core.settings import get_settings
from advisor.ingest.corpus import load_article
from advisor.recommender import (
    Catalog,
    answer_for,
    load_catalog,
    rank,
    score_stream,
    suggest,
)
from advisor.users.profile import Profile
from advisor.users.profile_store import save_profile

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CATALOG = load_catalog()
STREAMS = {s.id: s for s in CATALOG.streams}
CONTENT = {"online_courses", "ebooks_royalties", "blog_ads", "paid_subscriptions"}
DIVERSIFIED_FUNDS = ("dividend_etfs", "robo_advisor", "money_market_funds")


@cache
def corpus_text(source: str) -> str:
    return load_article(CORPUS / source).text


def ids(profile: Profile, top: int = 5) -> list[str]:
    return [s.stream for s in suggest(profile, top=top).suggestions]


profiles = st.builds(
    Profile,
    capital=st.none() | st.floats(0, 2_000_000),
    monthly_surplus=st.none() | st.floats(0, 20_000),
    hours_per_week=st.none() | st.floats(0, 80),
    risk_tolerance=st.none() | st.sampled_from(["low", "medium", "high"]),
    skills=st.lists(
        st.sampled_from(
            [
                "writing",
                "coding",
                "property",
                "marketing",
                "teaching",
                "design",
                "video",
                "management",
                "gardening",
            ]
        ),
        max_size=3,
    ),  # fmt: skip
    horizon_years=st.none() | st.floats(0, 40),
    goal_monthly_income=st.none() | st.floats(0, 30_000),
)


# -- the catalog ---------------------------------------------------------------------


def test_catalog_covers_every_stream_the_issue_names():
    assert set(STREAMS) == {
        "dividend_stocks", "dividend_etfs", "reits", "rental_property", "p2p_lending",
        "money_market_funds", "robo_advisor", "online_courses", "ebooks_royalties",
        "blog_ads", "affiliate_marketing", "digital_products", "paid_subscriptions",
        "dropshipping", "saas", "business_others_run", "bonds_tbills_cds",
    }  # fmt: skip


@pytest.mark.parametrize("stream", CATALOG.streams, ids=lambda s: s.id)
def test_every_catalog_quote_is_in_the_cleaned_corpus(stream):
    assert stream.quotes
    for quote in stream.quotes:
        assert quote.text in corpus_text(quote.source), quote.text


@pytest.mark.parametrize("stream", CATALOG.streams, ids=lambda s: s.id)
def test_every_figure_names_its_source_and_the_date_it_holds_for(stream):
    returns = stream.returns
    for source in (returns.source, stream.figures.source):
        assert "common knowledge" not in source
        named = re.search(r"\b[A-Z][\w&.'-]+", source)  # a reference, e.g. "Udemy", "FTSE"
        assert named or (CORPUS / source).is_file(), source
    assert re.fullmatch(r"20\d\d(-\d\d)?", returns.as_of) and stream.figures.as_of
    if returns.unit == "annual_yield":
        assert returns.total_return is not None and returns.total_return.as_of


def test_the_catalog_is_not_ingested_as_an_article():
    from advisor.ingest.corpus import corpus_files

    assert all(p.suffix != ".yaml" for p in corpus_files(CORPUS))


def test_a_broken_catalog_is_a_clear_error(tmp_path):
    bad = tmp_path / "streams.yaml"
    bad.write_text("asset_classes: {a: b}\nstreams:\n  - id: x\n")
    with pytest.raises(InputError, match="streams.yaml is not a valid catalog"):
        load_catalog(bad)


# -- personas ------------------------------------------------------------------------


def test_little_capital_writing_and_free_evenings_put_content_above_rental():
    p = Profile(capital=800, skills=["writing"], hours_per_week=12)
    ranked = [s.stream.id for s in rank(p)]
    best_content = min(ranked.index(c) for c in CONTENT)
    assert best_content < ranked.index("rental_property")
    top = ids(p, top=3)
    assert CONTENT & set(top)
    assert "rental_property" not in ids(p, top=16)  # it does not fit: it needs $30,000+


def test_large_capital_and_two_hours_a_week_put_reits_or_dividend_funds_above_a_blog():
    p = Profile(capital=400_000, hours_per_week=2, risk_tolerance="medium")
    ranked = [s.stream.id for s in rank(p)]
    assert min(ranked.index("reits"), ranked.index("dividend_etfs")) < ranked.index("blog_ads")
    top = ids(p, top=3)
    assert {"reits", "dividend_etfs"} & set(top)
    assert "blog_ads" not in ids(p, top=16)


def test_no_capital_and_no_time_says_nothing_fits_and_what_would_change_that():
    result = suggest(Profile(capital=0, hours_per_week=0))
    assert result.suggestions == []
    assert result.disclaimer.startswith("Nothing fits yet")
    assert "would open" in result.disclaimer
    assert "$100" in result.disclaimer and "3 hours a week" in result.disclaimer
    assert "monthly_surplus" in result.missing  # saving a surplus would change it
    assert "not financial advice" in result.disclaimer


def test_a_monthly_surplus_opens_funds_for_someone_with_no_savings():
    p = Profile(capital=0, hours_per_week=0, monthly_surplus=200)
    assert "money_market_funds" in ids(p)


def test_an_empty_profile_still_ranks_but_lists_every_fact_that_matters():
    result = suggest(Profile())
    assert result.suggestions
    assert {"capital", "hours_per_week", "skills"} <= set(result.missing)
    assert any(r.startswith("unknown (capital)") for r in result.suggestions[0].reasons) or any(
        "needs next to no money" in r for r in result.suggestions[0].reasons
    )


def test_missing_lists_only_facts_that_would_change_the_suggestions():
    # Plenty of everything: a monthly surplus on top could not change the picks.
    p = Profile(
        capital=3_000_000,
        hours_per_week=60,
        risk_tolerance="high",
        skills=["writing", "coding"],
        horizon_years=30,
        goal_monthly_income=1000,
    )
    assert suggest(p).missing[:3] == ["emergency_fund", "monthly_expenses", "high_interest_debt"]
    basics_known = p.model_copy(update={"emergency_fund_months": 6, "high_interest_debt": 0})
    assert suggest(basics_known).missing == []


# -- properties for every profile -------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(profile=profiles, a=st.floats(0, 2_000_000), b=st.floats(0, 2_000_000))
def test_more_capital_never_lowers_a_score(profile, a, b):
    low, high = sorted((a, b))
    for stream in CATALOG.streams:
        poorer = score_stream(profile.model_copy(update={"capital": low}), stream).score
        richer = score_stream(profile.model_copy(update={"capital": high}), stream).score
        assert richer >= poorer, stream.id


@settings(max_examples=150, deadline=None)
@given(profile=profiles, a=st.floats(0, 168), b=st.floats(0, 168))
def test_fewer_free_hours_never_raise_a_score(profile, a, b):
    fewer, more = sorted((a, b))
    for stream in CATALOG.streams:
        busy = score_stream(profile.model_copy(update={"hours_per_week": fewer}), stream).score
        free = score_stream(profile.model_copy(update={"hours_per_week": more}), stream).score
        assert busy <= free, stream.id


@settings(max_examples=150, deadline=None)
@given(profile=profiles)
def test_low_risk_tolerance_never_ranks_p2p_above_a_diversified_fund(profile):
    cautious = profile.model_copy(update={"risk_tolerance": "low"})
    ranked = [s.stream.id for s in rank(cautious)]
    shown = ids(cautious, top=len(CATALOG.streams))
    for fund in DIVERSIFIED_FUNDS:
        assert ranked.index(fund) < ranked.index("p2p_lending")
    # risk 4 is two steps above what "low" accepts: a hard block, so never offered
    assert "p2p_lending" not in shown


def test_top_three_of_one_asset_class_say_why():
    """Three of one class only when nothing else fits, or when the others fit clearly
    worse or less safely, and the third says which. On a catalog of three funds and a
    blog, so both sides are reached (the real catalog always has another class that
    fits); the counts prove they were."""
    catalog = _tiny_catalog(with_content=True)
    classes_of = {s.id: s.asset_class for s in catalog.streams}
    reached = {"one class": 0, "mixed": 0}

    @settings(max_examples=100, deadline=None)
    @given(profile=profiles)
    @example(profile=Profile(capital=50_000, hours_per_week=1, risk_tolerance="medium"))
    @example(profile=Profile(capital=50_000, hours_per_week=10, skills=["writing"],
                             risk_tolerance="medium"))  # fmt: skip
    def check(profile: Profile) -> None:
        top = suggest(profile, top=3, catalog=catalog).suggestions
        classes = {classes_of[s.stream] for s in top}
        if len(top) == 3 and len(classes) == 1:
            reached["one class"] += 1
            fitting = {s.stream.asset_class for s in rank(profile, catalog) if s.fits_profile}
            why = (
                "nothing from another asset class fits your profile"
                if fitting == classes
                else "it still fits clearly better than the other asset classes left"
            )
            assert any(why in r for r in top[2].reasons), top[2].reasons
        elif len(top) == 3:
            reached["mixed"] += 1

    check()
    assert reached["one class"] and reached["mixed"], reached


@settings(max_examples=100, deadline=None)
@given(profile=profiles)
def test_every_suggestion_cites_corpus_text_and_explains_itself(profile):
    result = suggest(profile, top=4)
    for s in result.suggestions:
        assert s.citations and s.first_steps
        assert all(c.text in corpus_text(c.source) for c in s.citations)
        assert any(r.startswith(("fit (", "partial fit (", "misfit (", "unknown (")) for r in
                   s.reasons)  # fmt: skip
        assert 0 <= s.score <= 100
    assert set(result.missing) <= set(Profile.model_fields)


# -- diversification with a catalog that forces it --------------------------------------


def _tiny_catalog(with_content: bool) -> Catalog:
    base = STREAMS["dividend_etfs"].model_dump()
    streams = [
        {**base, "id": "fund_a", "name": "Fund A"},
        {**base, "id": "fund_b", "name": "Fund B", "risk": 2},
        {**base, "id": "fund_c", "name": "Fund C", "risk": 1},
    ]
    if with_content:
        streams.append({**STREAMS["blog_ads"].model_dump(), "id": "blog", "name": "Blog"})
    return Catalog.model_validate(
        {"asset_classes": CATALOG.asset_classes, "skill_aliases": {}, "streams": streams}
    )


def test_diversification_promotes_another_class_and_says_why():
    p = Profile(capital=50_000, hours_per_week=10, skills=["writing"], risk_tolerance="medium")
    result = suggest(p, top=3, catalog=_tiny_catalog(with_content=True))
    names = [s.stream for s in result.suggestions]
    assert "blog" in names
    blog = result.suggestions[names.index("blog")]
    assert any(r.startswith("diversification: listed ahead of") for r in blog.reasons)


def test_three_of_one_class_only_when_the_profile_forces_it_and_it_says_so():
    p = Profile(capital=50_000, hours_per_week=1, risk_tolerance="medium")  # no time for a blog
    result = suggest(p, top=3, catalog=_tiny_catalog(with_content=True))
    assert {s.stream for s in result.suggestions} == {"fund_a", "fund_b", "fund_c"}
    assert any("nothing from another asset class fits" in r for r in result.suggestions[2].reasons)


# -- reasons and the goal --------------------------------------------------------------


def test_goal_reasons_use_the_calculators():
    p = Profile(capital=100_000, monthly_surplus=1_000, hours_per_week=1, goal_monthly_income=2_000,
                risk_tolerance="medium", horizon_years=20)  # fmt: skip
    etf = next(s for s in suggest(p, top=16).suggestions if s.stream == "dividend_etfs")
    joined = " ".join(etf.reasons)
    assert "needs $800,000" in joined  # 2,000 x 12 / 3%
    assert "goal plan:" in joined and "months" in joined


def test_top_must_be_positive():
    with pytest.raises(InputError, match="top"):
        suggest(Profile(), top=0)


# -- the command and its JSON ----------------------------------------------------------


def test_suggest_json_matches_the_schema(capsys, tmp_path):
    f = tmp_path / "me.yaml"
    f.write_text("capital: $2k\nskills: [writing]\nhours_per_week: 10\n")
    code, out, _ = cli(capsys, "suggest", "--profile", str(f), "--json", "--top", "3")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"suggestions", "missing", "disclaimer", "first_step", "basics"}
    assert data["first_step"] is None and data["basics"] == []  # the basics are not known
    assert data["missing"][0] == "emergency_fund"  # asked first
    assert isinstance(data["missing"], list) and isinstance(data["disclaimer"], str)
    assert len(data["suggestions"]) == 3
    for s in data["suggestions"]:
        assert set(s) == {"stream", "name", "score", "reasons", "citations", "first_steps"}
        assert isinstance(s["stream"], str) and isinstance(s["name"], str)
        assert isinstance(s["score"], float)
        assert all(isinstance(r, str) for r in s["reasons"] + s["first_steps"])
        assert s["citations"] and all(set(c) == {"source", "text"} for c in s["citations"])
        assert all(c["text"] in corpus_text(c["source"]) for c in s["citations"])


def test_suggest_for_a_saved_user_prints_reasons_sources_and_steps(capsys):
    save_profile(get_settings(), "cy", Profile(capital=400_000, hours_per_week=2))
    code, out, _ = cli(capsys, "suggest", "--user", "cy", "--top", "2")
    assert code == 0
    assert out.startswith("1. ") and "Sources:" in out and "First steps:" in out
    assert "advisor profile --user cy set" in out  # the facts that would change it
    assert "not financial advice" in out


def test_suggest_without_a_profile_says_how_to_give_one(capsys):
    code, out, err = cli(capsys, "suggest")
    assert code == 2 and "--profile FILE or --user ID" in err


def test_suggest_with_a_bad_profile_file_names_the_field(capsys, tmp_path):
    f = tmp_path / "me.json"
    f.write_text(json.dumps({"capital": "-$5k"}))
    code, _, err = cli(capsys, "suggest", "--profile", str(f))
    assert code == 2 and "capital" in err and len(err.strip().splitlines()) == 1


# -- the chat answer --------------------------------------------------------------------


def test_answer_for_without_a_profile_says_which_facts_to_give_in_words_any_interface_can_use():
    text, passages = answer_for(None, user="dee")
    assert "I have $5,000 saved" in text and "savings you could invest" in text  # as said
    assert "advisor " not in text and "--" not in text  # no terminal syntax
    assert passages == []


def test_answer_for_numbers_one_quote_per_stream_from_the_corpus():
    from advisor.answering.citations import verify

    p = Profile(capital=800, skills=["writing"], hours_per_week=12)
    text, passages = answer_for(p, user="dee", top=3)
    assert text.startswith("Streams that suit your profile")
    assert len(passages) == 3
    for n, passage in enumerate(passages, start=1):
        assert f"[{n}]" in text
        assert passage.text in corpus_text(passage.source)
    checked = verify(text, {n: p.text for n, p in enumerate(passages, start=1)})
    assert checked.cited == {1, 2, 3} and not checked.unsupported() and not checked.warnings


def test_catalog_passivity_is_the_calculators_definition():
    from advisor.recommender.calculators import passivity

    for s in load_catalog().streams:
        rated = passivity(s.upkeep_hours_per_month, 1000, s.keeps_paying_without_you)
        assert s.passivity == rated.label, s.id
    assert load_catalog().get("paid_subscriptions").passivity == "active"  # pays for new work
