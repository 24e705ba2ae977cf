"""The grounded engine's selection and stream on hand-written passages (issue #30; the
units themselves are in ``test_mutants_grounded.py``). The real embedder is given the
vectors of these texts through its own cache (``remember``, as the sentence-vector
store seeds it): each unit's cosine with the question is then a number written here,
so every weight, margin and threshold of the score is tried on both sides of its edge."""

from __future__ import annotations

import numpy as np
import pytest

from advisor.answering.engines.base import EngineRequest
from advisor.answering.engines.grounded import (
    GENERIC_QUERY,
    GroundedEngine,
    units_of,
)
from advisor.core.answers import Passage, Turn

DIM = 384


def basis(k: int) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    v[k] = 1.0
    return v


def near(cosine: float, k: int) -> np.ndarray:
    """A unit vector whose cosine with the question (axis 0) is ``cosine``; ``k`` (>= 2)
    gives it an axis of its own, so two such vectors meet only through the question."""
    return (cosine * basis(0) + np.sqrt(1 - cosine**2) * basis(k)).astype(np.float32)


@pytest.fixture
def engine():  # type: ignore[no-untyped-def]
    """A real embedder of its own (the session's is shared), with "passive income" on
    axis 1, away from every question here."""
    from advisor.embeddings.sentence_transformers import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    embedder.remember([GENERIC_QUERY], np.stack([basis(1)]))
    return GroundedEngine(embedder)


def ask(engine, question, passages, cosines=None, **extra):  # type: ignore[no-untyped-def]
    """The units ``select`` quotes for ``question``. ``passages``: one text per passage
    (sentences only); ``cosines``: sentence -> its cosine with the question (or a
    vector)."""
    seeded = {}
    for k, (sentence, c) in enumerate((cosines or {}).items(), start=2):
        seeded[sentence] = near(c, k) if isinstance(c, float) else c
    if seeded:
        engine.embedder.remember(list(seeded), np.stack(list(seeded.values())))
    found = [
        Passage(id=str(n), text=t, source=f"{n}.md", title=str(n), doc_id=str(n), score=0.5)
        for n, t in enumerate(passages, start=1)
    ]
    request = EngineRequest(question, found, basis(0), **extra)
    return [u.text for u in engine.select(request)]


S1 = "Coupons arrive twice a year for holders."


S2 = "Interest is paid on a schedule to lenders."


S3 = "Savings accounts give a small steady rate."


S4 = "Landlords collect rent from their tenants."


@pytest.mark.parametrize(("second", "lead"), [(0.625, S1), (0.6875, S2)])
def test_the_first_passage_s_rank_bonus_outweighs_a_slightly_closer_second_one(
    engine, second, lead
):
    # first: 0.5 + 0.3 / 1 = 0.8; second: cosine + 0.3 / 2 (0.775 or 0.8375)
    texts = ask(engine, "How do bonds work?", [S1, S2], {S1: 0.5, S2: second})
    assert texts[0] == lead and sorted(texts) == sorted([S1, S2])


def test_the_rank_bonus_counts_only_passages_with_something_to_quote(engine):
    # the heading-only first passage gives nothing: the others rank 1 and 2
    texts = ask(engine, "How do bonds work?", ["Bonds", S1, S2], {S1: 0.5, S2: 0.625})
    assert texts[0] == S1


@pytest.mark.parametrize(("other", "lead"), [(0.6, "Bonds"), (0.65, "other")])
def test_a_sentence_with_the_question_s_words_gains_a_quarter_of_their_share(engine, other, lead):
    named = "Bonds pay coupons twice a year to holders."  # "bond": half the words
    texts = ask(engine, "How do bonds work?", [f"{named} {S2}"], {named: 0.5, S2: other})
    # 0.5 + 0.25 x 1/2 = 0.625 against 0.6 or 0.65
    assert texts[0] == (named if lead == "Bonds" else S2)


def test_a_supporting_sentence_needs_two_thirds_of_the_lead_s_score_or_less_after_it(engine):
    # in one passage: lead S1 (0.9 + 0.3 = 1.2); S3 and S4 are no neighbours of it
    far = f"{S1} A filler sentence of no interest here. Another one with no use at all. {S3} {S4}"
    cos = {
        S1: 0.9,
        "A filler sentence of no interest here.": 0.1,
        "Another one with no use at all.": 0.1,
        S3: 0.49,  # 0.79 >= 0.65 x 1.2 = 0.78
        S4: 0.47,  # 0.77 < 0.78
    }
    assert ask(engine, "How do bonds work?", [far], cos) == [S1, S3]
    # right after the lead, 0.45 of it (0.54) is enough
    near_ = f"{S1} {S4}"
    assert ask(engine, "How do bonds work?", [near_], {S1: 0.9, S4: 0.25}) == [S1, S4]
    assert ask(engine, "How do bonds work?", [near_], {S1: 0.9, S4: 0.23}) == [S1]


def test_a_near_duplicate_of_a_quoted_sentence_is_not_quoted_again(engine):
    lead = near(0.8, 2)
    close = (0.8 * basis(0) + 0.6 * (0.8 * basis(2) + 0.6 * basis(3))).astype(np.float32)
    # cosine of the two: 0.64 + 0.36 x 0.8 = 0.928 (> 0.85)
    assert float(lead @ close) == pytest.approx(0.928, abs=1e-6)
    text = f"{S1} {S3}"
    assert ask(engine, "How do bonds work?", [text], {S1: lead, S3: close}) == [S1]
    apart = (0.8 * basis(0) + 0.6 * (0.6 * basis(2) + 0.8 * basis(3))).astype(np.float32)
    assert float(lead @ apart) == pytest.approx(0.856, abs=1e-6)  # still over 0.85
    assert ask(engine, "How do bonds work?", [text], {S1: lead, S3: apart}) == [S1]
    further = (0.8 * basis(0) + 0.6 * (0.5 * basis(2) + np.sqrt(0.75) * basis(3))).astype(
        np.float32
    )
    assert float(lead @ further) == pytest.approx(0.82, abs=1e-6)  # under 0.85
    assert ask(engine, "How do bonds work?", [text], {S1: lead, S3: further}) == [S1, S3]


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("How do bonds work?", 4),  # the lead and three supporting sentences
        ("Is a bond safe for me?", 3),  # yes or no: two
        ("How much do bonds pay?", 3),  # a figure: two
        ("What are the ways bonds pay?", 2),  # a list: one
    ],
)
def test_the_number_of_supporting_sentences_depends_on_the_kind_of_question(
    engine, question, quoted
):
    sentences = [
        "Coupons arrive twice a year for every holder.",
        "Interest is paid on a fixed schedule to lenders.",
        "Savings accounts give a small and steady rate.",
        "Landlords collect their rent from the tenants.",
        "Royalties come in from every copy that sells.",
    ]
    cos = dict(zip(sentences, [0.9, 0.8, 0.75, 0.7, 0.65], strict=True))
    filler = " ".join(f"Filler line number {w} says nothing at all." for w in "abc")
    text = f"{sentences[0]} {filler} {' '.join(sentences[1:])}"
    for w in "abc":
        cos[f"Filler line number {w} says nothing at all."] = 0.05
    texts = ask(engine, question, [text], cos)
    assert texts == sentences[:quoted]


def test_supporting_sentences_stop_before_the_answer_passes_seventy_words(engine):
    lead = "Coupons arrive twice a year for every holder of the bond."  # 11 words
    long = " ".join(["Interest"] + ["word"] * 58) + "."  # 59 words: 70 in all
    longer = " ".join(["Savings"] + ["word"] * 59) + "."  # 60 words: 71
    cos = {lead: 0.9, long: 0.7, longer: 0.8}
    text = f"{lead} Nothing here at all to see, move along. {longer} {long}"
    cos["Nothing here at all to see, move along."] = 0.05
    assert ask(engine, "How do bonds work?", [text], cos) == [lead, long]


def test_a_transition_sentence_never_supports(engine):
    lead = "Coupons arrive twice a year for every holder."
    moves = "In conclusion, bonds are a steady source of cash."
    text = f"{lead} Filler line says nothing at all here. {moves}"
    cos = {lead: 0.9, moves: 0.6, "Filler line says nothing at all here.": 0.05}
    assert ask(engine, "How do bonds work?", [text], cos) == [lead]


def test_a_definition_is_supported_only_by_definitions_or_what_follows_it(engine):
    lead = "A bond refers to a loan made to a government."
    remark = "Many people hold bonds for decades at a time."
    defines = "A coupon refers to the interest a bond pays."
    gap = "Filler line says nothing at all here."
    gaps = " ".join(gap.replace("here", g) for g in ("here", "there", "now"))
    text = f"{lead} {gaps} {remark} {defines}"
    cos = {lead: 0.9, remark: 0.85, defines: 0.8}
    for g in ("here", "there", "now"):
        cos[gap.replace("here", g)] = 0.05
    assert ask(engine, "What is a bond?", [text], cos) == [lead, defines]


def test_a_sentence_that_is_a_question_gives_its_score_to_the_answer_after_it(engine):
    asked = "Why would anyone want to buy bonds these days?"
    answer = "Coupons arrive twice a year for every holder."
    later = "Savings accounts give a small and steady rate."
    text = f"{asked} {answer} Filler line says nothing at all here. {later}"
    cos = {asked: 0.9, answer: 0.2, later: 0.7, "Filler line says nothing at all here.": 0.05}
    # answer: 0.9 + 0.3 - 0.01 = 1.19 leads; the question: 1.2 - 0.3 = 0.9; later 1.0
    assert ask(engine, "How do bonds work?", [text], cos) == [answer, later, asked]


def test_filler_that_shares_no_word_with_the_question_does_not_lead_a_close_one(engine):
    # "bond" is the question's own word; S1 has none and is nearer "passive income"
    named = "Bonds pay coupons twice a year to holders."
    filler = (0.6 * basis(0) + 0.8 * basis(1)).astype(np.float32)  # generic 0.8 > 0.6 + 0.05
    text = f"{S1} Nothing here at all to see, move along. {named}"
    cos = {S1: filler, named: 0.4, "Nothing here at all to see, move along.": 0.05}
    # filler: 0.6 + 0.3 = 0.9; named: 0.4 + 0.125 + 0.3 = 0.825 >= 0.9 - 0.08
    assert ask(engine, "How do bonds work?", [text], cos)[0] == named
    cos[named] = 0.3  # 0.725 < 0.82: the filler still leads
    assert ask(engine, "How do bonds work?", [text], cos)[0] == S1


def test_a_follow_up_about_a_new_topic_quotes_only_what_names_it(engine):
    reit = "REITs pay out most of their income to holders."
    text = f"{S1} {reit}"
    cos = {S1: 0.9, reit: 0.6}
    # S1: 0.9 + 0.3 = 1.2 would lead; REITs: 0.6 + 0.25 + 0.3 = 1.15 is within 0.08 of it
    assert ask(engine, "How do REITs pay?", [text], cos, focus="REITs") == [reit]
    assert ask(engine, "How do REITs pay?", [text], cos) == [S1, reit]
    # when nothing names it, answer from what there is
    assert ask(engine, "How do bonds work?", [S1], {S1: 0.9}, focus="gold") == [S1]


def test_a_comparison_quotes_one_sentence_per_side(engine):
    reit = "REITs pay out most of their income to holders."
    bond = "Bonds pay a fixed coupon to every holder."
    both = "REITs and bonds both pay their holders in cash."
    text = f"{both} {reit} {bond}"
    cos = {both: 0.5, reit: 0.6, bond: 0.5}
    # "both" names each side but also the other (-0.1); the subject bonus (+0.08) goes to
    # sentences that start with the side
    assert ask(engine, "REITs vs bonds", [text], cos) == [reit, bond]


def test_no_units_means_no_quotes(engine):
    assert ask(engine, "How do bonds work?", ["Bonds", "Short one."]) == []


def test_the_answer_streams_word_by_word_with_markers_and_lists_apart(engine):
    listed = "Ways to earn:\n- Rent out a spare room to a lodger.\n- Buy and hold dividend stocks."
    after = "Coupons arrive twice a year for every holder."
    passages = [
        Passage(id="1", text=listed, source="1.md", title="1", doc_id="1", score=0.9),
        Passage(id="2", text=after, source="2.md", title="2", doc_id="2", score=0.5),
    ]
    engine.embedder.remember([listed, after], np.stack([near(0.9, 2), near(0.9, 3)]))
    request = EngineRequest("What are the ways to earn rent?", passages, basis(0))
    pieces = list(engine.stream(request))
    assert "".join(pieces) == (
        "Ways to earn:\n- Rent out a spare room to a lodger.\n"
        "- Buy and hold dividend stocks [1].\n\nCoupons arrive twice a year for every holder [2]."
    )
    assert pieces[:3] == ["Ways ", "to ", "earn:\n"]
    assert all(pieces)


def test_an_answer_the_passages_do_not_cover_says_so(engine):
    from advisor import prompts

    said = [prompts.text("not_covered.txt").strip()]
    far = Passage(id="1", text=S1, source="1.md", title="1", doc_id="1", score=0.24)
    assert list(engine.stream(EngineRequest("How do coupons arrive?", [far], basis(0)))) == said
    # at the floor (0.25) the passage answers; a follow-up is answered whatever its score
    at = Passage(id="1", text=S1, source="1.md", title="1", doc_id="1", score=0.25)
    engine.embedder.remember([S1], np.stack([near(0.9, 2)]))
    quoted = "Coupons arrive twice a year for holders [1]."
    assert "".join(engine.stream(EngineRequest("How do coupons arrive?", [at], basis(0)))) == quoted
    history = [Turn(role="user", content="How do bonds work?"), Turn(role="assistant", content="…")]
    request = EngineRequest("How do coupons arrive?", [far], basis(0), history=history)
    assert "".join(engine.stream(request)) == quoted


def test_a_sentence_repeated_by_an_overlapping_chunk_is_one_unit_with_both_places(engine):
    from advisor.answering.engines.context import Unit as U

    passages = [
        Passage(id="1", text=f"{S1} {S2}", source="a.md", title="a", doc_id="a"),
        Passage(id="2", text=f"{S2} {S3}", source="a.md", title="a", doc_id="a"),
    ]
    units = engine._units(EngineRequest("How do bonds work?", passages, basis(0)))
    assert units == [U(S1, 1, 0), U(S2, 1, 1, places=[(1, 1), (2, 0)]), U(S3, 2, 1)]


def test_a_filler_sentence_right_after_the_lead_is_kept_only_when_it_leans_on_it(engine):
    lead = "Bonds pay coupons twice a year to holders."
    leaning = "This keeps the cash coming for decades."  # leans, shares no question word
    plain = "Savings accounts give a small steady rate."
    generic = (0.6 * basis(0) + 0.8 * basis(1)).astype(np.float32)  # filler
    gap = "Filler line says nothing at all here."
    # right after the lead and leaning on it: kept although it is filler
    cos = {lead: 0.9, leaning: generic, gap: 0.05}
    assert ask(engine, "How do bonds work?", [f"{lead} {leaning}"], cos) == [lead, leaning]
    # filler right after the lead that does not lean: left out
    cos = {lead: 0.9, plain: generic, gap: 0.05}
    assert ask(engine, "How do bonds work?", [f"{lead} {plain}"], cos) == [lead]
    # filler that leans but is far from the lead: left out
    text = f"{lead} {gap} {gap.replace('here', 'now')} {gap.replace('here', 'there')} {leaning}"
    cos = {lead: 0.9, leaning: generic, gap: 0.05}
    cos.update({gap.replace("here", g): 0.05 for g in ("now", "there")})
    assert ask(engine, "How do bonds work?", [text], cos) == [lead]


def test_a_weak_far_sentence_does_not_stop_the_search_for_a_following_one(engine):
    gaps = [f"Filler line {w} says nothing at all here." for w in ("one", "two", "three")]
    text = f"{S1} {S4} {' '.join(gaps)} {S3}"
    cos = {S1: 0.9, S4: 0.26, S3: 0.45, **{g: 0.05 for g in gaps}}
    # S3 (0.75) is under 0.65 x 1.2 but before S4 (0.56 >= 0.45 x 1.2) in score order
    assert ask(engine, "How do bonds work?", [text], cos) == [S1, S4]


def test_a_near_duplicate_does_not_stop_the_search_for_a_later_sentence(engine):
    lead = near(0.8, 2)
    close = (0.8 * basis(0) + 0.6 * (0.8 * basis(2) + 0.6 * basis(3))).astype(np.float32)
    text = f"{S1} {S3} {S4}"
    cos = {S1: lead, S3: close, S4: 0.6}
    assert ask(engine, "How do bonds work?", [text], cos) == [S1, S4]


def test_the_word_budget_counts_every_supporting_sentence(engine):
    lead = "Coupons arrive twice a year for every holder of the bond."  # 11 words
    first = " ".join(["Interest"] + ["word"] * 29) + "."  # 30 words: 41
    second = " ".join(["Savings"] + ["word"] * 29) + "."  # 30 more: 71
    cos = {lead: 0.9, first: 0.8, second: 0.7}
    assert ask(engine, "How do bonds work?", [f"{lead} {first} {second}"], cos) == [lead, first]


def test_a_question_with_no_words_of_its_own_scores_by_meaning_alone(engine):
    gaps = [f"Filler line {w} says nothing at all here." for w in ("one", "two", "three")]
    text = f"{S1} {' '.join(gaps)} {S3}"
    cos = {S1: 0.9, S3: 0.47, **{g: 0.05 for g in gaps}}
    # 0.77 < 0.65 x 1.2; no share of words is added to either
    assert ask(engine, "Tell me more, really.", [text], cos) == [S1]
    cos[S3] = 0.49
    assert ask(engine, "Tell me more, really.", [text], cos) == [S1, S3]


def test_supporting_sentences_after_the_lead_come_in_the_source_s_order(engine):
    lead = "Bonds pay a fixed coupon to every holder."
    x = "Interest is paid on a schedule to lenders."
    y = "Savings accounts give a small steady rate."
    # x is also the first passage's only sentence; in the second it comes two after the
    # lead, y one after
    passages = [x, f"{lead} {y} {x}"]
    cos = {x: 0.6, lead: 0.95, y: 0.8}
    assert ask(engine, "How do bonds work?", passages, cos) == [lead, y, x]


def test_when_every_chosen_sentence_leans_on_a_missing_one_the_best_that_stands_alone_leads(
    engine,
):
    leaning = "This means coupons arrive twice a year for holders."
    gaps = [f"Filler line {w} says nothing at all here." for w in ("one", "two", "three")]
    alone = "Bonds pay a fixed coupon to every holder."
    text = f"{leaning} {' '.join(gaps)} {alone}"
    cos = {leaning: 0.9, alone: 0.2, **{g: 0.05 for g in gaps}}
    assert ask(engine, "How do bonds work?", [text], cos) == [alone]


def test_a_follow_up_s_topic_counts_when_a_sentence_names_nothing_else(engine):
    about = "REITs are what it is all about."  # its only content word is the topic's
    cos = {S1: 0.9, about: 0.7}
    # S1: 1.2, off the topic; about: 0.7 + 0.25 x 1/2 + 0.3 = 1.125 >= 1.2 - 0.08
    assert ask(engine, "How do REITs pay?", [f"{S1} {about}"], cos, focus="REITs") == [about]
    # nothing names the topic: every sentence may be quoted
    cos = {S1: 0.9, S2: 0.8}
    assert ask(engine, "How do bonds work?", [f"{S1} {S2}"], cos, focus="gold") == [S1, S2]


def test_a_question_in_the_text_gives_its_score_less_a_hair_to_the_sentence_after_it(engine):
    asked = "Why would anyone want to buy these at all?"
    answer = "Coupons arrive twice a year for every holder."
    rival = "Savings accounts give a small and steady rate."
    cos = {asked: 0.9, answer: 0.2, rival: 0.9}
    # answer: 1.2 - 0.01 = 1.19, just under the rival's 1.2; the question: 1.2 - 0.3
    assert ask(engine, "How do bonds work?", [f"{asked} {answer} {rival}"], cos)[0] == rival
    # a question as the last sentence has no answer to give its score to
    assert ask(engine, "How do bonds work?", [f"{rival} {asked}"], cos) == [rival, asked]


def test_a_question_in_closing_quotes_is_a_question_too(engine):
    asked = "He asked “why would anyone buy these at all?”"
    answer = "Coupons arrive twice a year for every holder."
    rival = "Savings accounts give a small and steady rate."
    assert [u.text for u in units_of(f"{asked}\n{answer}", 1)] == [asked, answer]
    cos = {asked: 0.95, answer: 0.2, rival: 0.9}
    # answer: 1.25 - 0.01 = 1.24 leads; the question 0.95, the rival 1.2
    text = f"{asked}\n{answer} {rival}"
    assert ask(engine, "How do bonds work?", [text], cos)[0] == answer


def test_a_sentence_a_little_closer_to_the_question_than_to_passive_income_is_still_filler(
    engine,
):
    named = "Bonds pay coupons twice a year to holders."
    # cosine 0.6 with the question, 0.62 with "passive income": 0.6 < 0.62 + 0.05
    vague = (0.6 * basis(0) + 0.62 * basis(1) + np.sqrt(1 - 0.36 - 0.3844) * basis(5)).astype(
        np.float32
    )
    gap = "Nothing here at all to see, move along."
    cos = {S1: vague, named: 0.4, gap: 0.05}
    text = f"{S1} {gap} {named}"
    assert ask(engine, "How do bonds work?", [text], cos)[0] == named


def test_sentences_are_joined_by_a_space_and_a_list_stands_apart(engine):
    listed = "Ways to earn:\n- Rent out a spare room to a lodger.\n- Buy and hold dividend stocks."
    passages = [
        Passage(id="1", text=S1, source="1.md", title="1", doc_id="1", score=0.5),
        Passage(id="2", text=S2, source="2.md", title="2", doc_id="2", score=0.5),
        Passage(id="3", text=listed, source="3.md", title="3", doc_id="3", score=0.5),
    ]
    engine.embedder.remember(
        [S1, S2, listed], np.stack([near(0.6, 2), near(0.7, 3), near(0.72, 4)])
    )
    request = EngineRequest("How do coupons arrive?", passages, basis(0))
    # S1: 0.6 + 0.25 + 0.3; S2: 0.7 + 0.15; the list: 0.72 + 0.1, in that order
    assert "".join(engine.stream(request)) == (
        f"{S1[:-1]} [1]. {S2[:-1]} [2].\n\n"
        "Ways to earn:\n- Rent out a spare room to a lodger.\n- Buy and hold dividend stocks [3]."
    )
