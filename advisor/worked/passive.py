"""Is it passive? A verdict from the person's own figures (hours a month against the
income, with :func:`advisor.recommender.calculators.passivity`) or from the catalog's passivity and
hours for a stream, with the passage that says why."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from advisor.core.answers import Passage
from advisor.core.sentences import split_sentences, strip_markers
from advisor.recommender import calculators
from advisor.recommender.chat import quote_passage
from advisor.worked.base import (
    Citer,
    Worked,
    best_quote,
    figure,
    money,
    plural,
    quoted,
)
from advisor.worked.reading import Numbers

if TYPE_CHECKING:
    from advisor.recommender import Stream
    from advisor.store.manifest import Manifest

# "is <subject> (really) passive (income)?": the subject is the named group
PASSIVE_CUE = re.compile(
    r"\b(?:is|are|would|isn'?t|does)\s+(?P<subject>(?:[^?.,;:]|[.,](?=\d)){0,90}?)\s*(?:be\s+)?"
    r"(?:really\s+|truly\s+|still\s+|actually\s+|considered\s+|counted\s+as\s+|count\s+as\s+|"
    r"more\s+|less\s+)?passive(?:\s+income)?(?=\s*(?:[?,.!:;]|$|\bor\b|\bonce\b|\bif\b|"
    r"\bwhen\b|\bat\s+all\b|\benough\b|\bthan\b|\bbecause\b|\bsince\b|\bnow\b"
    r"|(?:i|we|it|my)\b))"
    r"|\bhow\s+passive\s+(?:is|are)\s+(?P<subject2>(?:[^?.,;:]|[.,](?=\d)){1,90})"
    # "... 20 hours a week. passive?", "passive or not?", "is that passive or active?"
    r"|(?:^|[.!?,;:]\s*|\s[-–—]+\s*)(?:so\s+)?(?:really\s+|truly\s+)?passive(?:\s+income)?\s*(?:\?|$)"
    r"|\bpassive\s+or\s+(?:not|active)\b|\bactive\s+or\s+passive\b"
    r"|\bpassive\s*,\s*semi(?:[- ]?passive)?\s*,?\s*or\s+active\b"
    # "how would you classify that", "what kind of income is that"
    r"|\bhow\s+(?:would|do|should)\s+(?:you|i|we)\s+(?:classify|call|class|label|categori[sz]e|rate)"
    r"\s+(?:that|it|this)\b|\bwhat\s+(?:kind|type|sort)\s+of\s+income\s+is\s+(?:that|it|this)\b",
    re.IGNORECASE,
)
# a job is active income whatever it pays; work paid by the hour or the client, and a
# side hustle, stop paying when the person stops (the articles: "fees for services
# rendered", side hustles that are "actively strategic")
_EMPLOYMENT = re.compile(
    r"\b(?:my\s+job|(?:a|the|full[- ]time|part[- ]time)\s+job|salary|salaried|wages?|"
    r"employ(?:ed|er|ment)|paycheck|my\s+boss)\b",
    re.IGNORECASE,
)
_TIME_FOR_MONEY = re.compile(
    r"\b(?:tutor\w*|freelanc\w*|consult\w*|client\s+work|per\s+hour|hourly|deliver(?:y|ies|ing)|"
    r"side\s+(?:business|hustle|gig)|"
    r"stops?\s+(?:when|if)\s+I\s+stop)\b",
    re.IGNORECASE,
)
# what a sentence that says why a source is or is not passive talks about
_WHY = re.compile(r"\b(?:time|active(?:ly)?|involve\w*|effort|work|hours?|hands)\b", re.IGNORECASE)


def asks_passivity(text: str) -> str | None:
    """The subject of "is X passive?" ("" for "is that passive?"), or None."""
    m = PASSIVE_CUE.search(text)
    if m is None:
        return None
    return (m.group("subject") or m.group("subject2") or "").strip()


def _why_passage(passages: Sequence[Passage]) -> tuple[str, Passage] | None:
    """The first retrieved sentence that says what makes income passive or not."""
    from advisor.answering.citations import instructions

    for passage in passages:
        if instructions(passage.text):
            continue  # a document that gives orders is never quoted as the reason
        for sentence in split_sentences(passage.text):
            clean = strip_markers(sentence).strip()
            if re.search(r"\bpassive\b", clean, re.IGNORECASE) and _WHY.search(clean):
                if 40 <= len(clean) <= 400:
                    return clean, passage
    return None


def from_figures(text: str, numbers: Numbers, citer: Citer) -> Worked | None:
    """The verdict for a source the person describes in ``text``: whether it keeps
    paying without them (a job never does), then its hours a month against its pay."""
    income = next((a for a in numbers.amounts if a.per), None)
    taken = ""
    if income is None and numbers.hours_per_month is not None and numbers.amounts:
        # "6h a month for 200": the pay shares the hours' month
        income, taken = numbers.amounts[0], " (the pay taken as a month's, like the hours)"
    if numbers.hours_per_month is None or income is None:
        return None
    monthly = income.value / 12 if income.per == "year" else income.value
    cur = numbers.currency
    if monthly <= 0:
        return Worked(
            "passivity", "The income must be above 0 to rate how passive it is.", "calculator"
        )
    employment = bool(_EMPLOYMENT.search(text))
    keeps = False if _TIME_FOR_MONEY.search(text) or _PAID_FOR_TIME.search(text) else None
    try:
        rated = calculators.passivity(
            numbers.hours_per_month, monthly, keeps_paying_without_you=keeps, employment=employment
        )
    except Exception as exc:  # InputError: more hours than a month has, ...
        return Worked("passivity", f"I cannot rate that: {exc}.", "calculator")
    per = rated.hours_per_100
    lines = [
        f"**{rated.label.capitalize()}**: {rated.reason}.",
        "",
        f"{plural(round(numbers.hours_per_month, 2), 'hour')} a month for "
        f"{money(monthly, cur)} a month{taken} "
        f"is {per:.2f} hours per 100 of income a month (a secondary figure: high pay does not "
        "make work passive).",
        "",
        "Rule (the advisor's calculator): " + "; ".join(rated.assumptions) + ".",
    ]
    if (why := _why_passage(citer.pool)) is not None:
        lines += ["", f"Why it matters: {quoted(why[0], citer.cite(why[1]))}"]
    figures = [figure("hours per 100 of income", per, f"{per:.2f}")]
    return Worked(
        "passivity", "\n".join(lines), "calculator", passages=citer.passages, figures=figures
    )


_PAID_FOR_TIME = re.compile(
    r"\b(?:tutor\w*|freelanc\w*|consult\w*|client\s+work|per\s+hour|hourly|shifts?|gig\s+work"
    r"|uber|doordash|delivery\s+driv\w*)\b",
    re.IGNORECASE,
)


def employed(text: str) -> bool:
    """Whether the message speaks of a job, a salary or wages, or work paid by the hour
    or the client (freelancing, tutoring, consulting)."""
    return bool(_EMPLOYMENT.search(text) or _PAID_FOR_TIME.search(text))


def from_employment(citer: Citer) -> Worked:
    """The verdict on a job's pay, whatever it pays and with no figures needed."""
    text = (
        "**Active**: pay for your time (a salary, wages, freelance or hourly work) stops "
        "when you stop working, however well it pays. "
        "Passive income is what keeps coming without your continuous time; high pay does "
        "not make work passive."
    )
    if (why := _why_passage(citer.pool)) is not None:
        text += f"\n\nWhy: {quoted(why[0], citer.cite(why[1]))}"
    return Worked("passivity", text, "calculator", passages=citer.passages)


def from_catalog(stream: Stream, citer: Citer, manifest: Manifest | None) -> Worked:
    """The verdict the catalog gives a stream, with its hours and a quote."""
    hours = stream.hours_per_week
    quote = best_quote(stream)
    text = (
        f"**{stream.name}: {stream.passivity}** once it runs, in the advisor's catalog: about "
        f"{hours.typical:g} hours a week at a comfortable pace (at least {hours.min:g}), "
        f"{stream.setup_effort} setup effort, first income after about "
        f"{plural(stream.months_to_first_income, 'month')}.\n\n"
        f"{quoted(quote.text, citer.cite(quote_passage(quote, manifest)))}\n\n{stream.notes}"
    ).strip()
    return Worked("passivity", text, "catalog", passages=citer.passages)
