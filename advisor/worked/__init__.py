"""Answers the advisor works out instead of quoting: calculations (with
:mod:`advisor.recommender.calculators`), side-by-side comparisons and passivity verdicts (from the
stream catalog), and preference updates (with the recommender). :mod:`advisor.answering.router`
decides which, if any, answers a message; each handler returns a :class:`Worked`.

``reading.py`` reads amounts, rates and hours from a message; ``names.py`` finds the
catalog streams it names; ``calculation.py``, ``comparison.py``, ``passive.py`` and
``preference.py`` are the handlers; ``phrasing.py`` hands a worked answer to an LLM
to phrase and checks that its figures survived."""
