"""Which passive-income streams suit a person, why, and what it would take.

The catalog (``corpus/streams.yaml``) describes each stream; a :class:`Profile` says
what the person has. Each attribute gets a fit in [0, 1] and a one-line reason; the
score is their weighted mean on a 0-100 scale, so every number can be explained:

    capital 3, free time 3, risk 3, skills 2, goal 2, volatility 2, horizon 1,
    liquidity 1, passivity 1

An unknown fact is never read as zero: it scores 0.5 where the stream makes a demand
on it (1 where it makes none), and facts that could change the ranking are listed as
``missing``. A stream that needs more money or hours than the person has (after up to
a year of saving the monthly surplus), is two or more risk steps above their
tolerance, can fall while the money is needed within two years or the basics are unmet,
or (unless a fund) needs over half their money, does not *fit*; only fitting streams
are suggested. Every fit is
non-decreasing in capital and in free hours, so more of either never lowers a score.

The package: ``basics.py`` (the emergency fund and costly debt come first),
``catalog.py`` (the stream catalog), ``scoring.py`` (one stream against
one profile), ``suggestions.py`` (which streams to suggest), ``chat.py`` (suggestions
as a chat answer). Whether a question asks for suggestions is decided beside the guard,
in :mod:`advisor.conversation.suggest_intent`; the CLI's report is worded in
``advisor/interfaces/cli/suggest_cmd.py``.
"""

from advisor.recommender.basics import principle_answer
from advisor.recommender.catalog import Catalog, SourceQuote, Stream, load_catalog
from advisor.recommender.chat import answer_for, has_facts, profile_hint
from advisor.recommender.scoring import Fit, Scored, rank, score_stream
from advisor.recommender.suggestions import DISCLAIMER, Suggestion, Suggestions, suggest

__all__ = [
    "DISCLAIMER",
    "Catalog",
    "Fit",
    "Scored",
    "SourceQuote",
    "Stream",
    "Suggestion",
    "Suggestions",
    "answer_for",
    "has_facts",
    "load_catalog",
    "principle_answer",
    "profile_hint",
    "rank",
    "score_stream",
    "suggest",
]
