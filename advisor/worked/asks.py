"""Which calculation a message asks, read by rules: the cue words of each ("how much do
I need", "how long", "what yield", "what would X pay"), a question whose figures alone
imply one ("$750 a month at 4.5%: the capital?"), a follow-up ("and at 4%?"), and the
questions that ask advice or an opinion of their figures instead. Used by the router
and by :mod:`advisor.worked.calculation`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from advisor.conversation.facts import asks_what_to_do
from advisor.worked.reading import Numbers

_I = re.IGNORECASE
_ANY = r"(?:[^?.]|\.(?=\d))"  # within one sentence; "$1.5k" keeps its decimal point
MONTHS_CUE = re.compile(
    r"\bhow\s+(?:long|soon|many\s+(?:months|years|yrs|mos))\b|\bwhen\s+(?:will|would|could|can|do|does)\b"
    r"|\buntil\b|\btill\b|\btime\s+to\s+reach\b|\bby\s+when\b"
    r"|\b(?:years?|months?|time)\s+(?:needed|required|it\s+(?:will\s+)?takes?|to\s+(?:get|hit))\b",
    _I,
)
YIELD_CUE = re.compile(
    r"\b(?:what|which)\s+(?:\w+\s+){0,3}(?:yield|return|rate|interest)\b"
    r"|\bwhat\s+(?:%|percent(?:age)?\b)"
    r"|\b(?:yield|return|rate)\s+(?:do\s+i\s+|would\s+i\s+|will\s+i\s+|)(?:need|required)"
    r"|\b(?:required|needed|necessary|minimum)\s+(?:yield|return|rate|interest)",
    _I,
)
CAPITAL_CUE = re.compile(
    r"\bhow\s+much\s+(?:(?!(?:time|hours?|effort|work|experience|skills?)\b)\w+\s+){0,2}?"
    rf"(?:do|would|will|should|must)\s+i\s+(?:need|have)\b|\bhow\s+much\b{_ANY}{{0,30}}\b(?:invest\w*|capital|saved|save\s+up|nest\s+egg)"
    r"|\bwhat\s+(?:capital|sum|amount|size|corpus)\b|\bhow\s+(?:big|large)\b|\bcapital\s+(?:needed|required|necessary|for|to)\b"
    # "how much for $1,000 a month?", "how much to draw 500 a week", "what nest egg"
    r"|\bhow\s+much\s+(?:money\s+|cash\s+|capital\s+|savings\s+)?(?:for|to\s+(?:get|make|earn|draw|net"
    r"|clear|take\s+home"
    r"|have|live\s+o(?:n|ff)|retire\s+on|cover|take\s+out|receive|generate|produce))\b"
    r"|\bhow\s+much\s+(?:would|will|does|do)\s+(?:that|this|it)\s+(?:take|need|require|cost)\b"
    # "how much in bonds for 1k a month?", "how much in REITs to make $500 a month"
    r"|\bhow\s+much\s+in\s+(?:[\w-]+\s+){1,3}?(?:for|to\s+(?:get|make|earn|generate|produce))\b"
    r"|\bwhat\s+(?:would|will|do|does|should|must)\s+i\s+need\b"
    r"|\b(?:what|which|how\s+big\s+(?:a|of\s+a))\s+(?:size\s+(?:of\s+)?)?(?:nest[\s-]?egg"
    r"|portfolio|pot)\b|\b(?:portfolio|capital|nest[\s-]?egg|pot)\s+size\b"
    r"|\bsize\s+of\s+(?:the\s+|my\s+|a\s+)?(?:portfolio|nest[\s-]?egg|pot)\b",
    _I,
)
# "can I get $500 a month by 2030 ...?": when, asked with a calendar year
_BY_YEAR = re.compile(r"\b(?:by|before|in)\s+(?:the\s+end\s+of\s+)?(?:19|20)\d\d\b", _I)
# "and at 4 percent?", "what about at 5%?", "with $600 a month instead?": the previous
# calculation again with a new figure
FOLLOW_UP = re.compile(
    r"^\s*(?:(?:and|but|ok(?:ay)?|so|then|well)\b[\s,]*)*(?:(?:what|how)\s+about\b"
    r"|(?:what\s+)?if\b|at\b|with\b|for\b|on\b|in\b|after\b|over\b|adding\b|using\b"
    r"|assum\w*|suppose\b|say\b|is\s+\S+\s+enough\b)",
    _I,
)
INCOME_CUE = re.compile(
    rf"\bhow\s+much\b{_ANY}{{0,50}}\b(?:pay|earn|generate|make|give|bring|income|produce|get|receive"
    r"|draw|collect)"
    r"|\bwhat\s+(?:monthly\s+|yearly\s+|annual\s+)?income\s+(?:would|will|does|do|can|could)\b"
    rf"|\bwhat\s+(?:would|will|does|do|can|could)\b{_ANY}{{0,40}}"
    r"\b(?:pay|earn|generate|give|bring|yield|return|get|receive)"
    r"|\bincome\s+(?:from|on|of)\b|\b(?:monthly|weekly|yearly|annual)\s+(?:income|interest|payout"
    r"|dividends?|returns?)\b"
    r"|\bwhat\s+(?:could|can|would|will|might|should)\s+i\s+(?:expect|get|earn|receive|collect)\b",
    _I,
)

# savings that grow: "how much will I have after 10 years", "what will $25,000 grow to",
# "what will it be worth"; "how much must I save a month to have $500k in 25 years"
FUTURE_CUE = re.compile(
    r"\bhow\s+much\s+(?:money\s+)?(?:will|would|could|can|do|does)\s+(?:i|we|it|that|this|they"
    r"|my\s+\w+)\s+(?:have|be|get|end\s+up|grow|accumulate|be\s+worth)\b(?!\s+(?:invested|saved"
    r"|put\s+(?:in|away)|to\s+(?:invest|save|put)))"
    rf"|\bwhat(?:'ll|\s+will|\s+would|\s+could|\s+does|\s+do|\s+might)\b{_ANY}{{0,80}}?\b"
    r"(?:be\s+worth|grow\s+(?:in)?to"
    r"|become|turn\s+into|amount\s+to|end\s+up|add\s+up\s+to|i\s+have)\b"
    r"|\b(?:be\s+)?worth\s+(?:in|after)\b|\bend\s+up\s+with\b|\bfuture\s+value\b"
    r"|\bfinal\s+(?:amount|value|corpus|balance|sum)\b|\bmaturity\s+(?:amount|value)\b"
    r"|\b(?:corpus|balance|total)\s+(?:after|in|at\s+the\s+end)\b"
    # "how much after 5 years?", "what will my $50k be in 20 years?"
    r"|\bhow\s+much\s+(?:money\s+|is\s+that\s+|will\s+that\s+be\s+)?(?:after|in|by)\s+(?:\d|a|an|one|two"
    r"|three|four|five|six|seven|eight|nine|ten|twenty|thirty)"
    rf"|\bwhat(?:'ll|\s+will|\s+would)\b{_ANY}{{0,60}}?\bbe\s+(?:in|after|by)\b"
    rf"|\bhow\s+much\s+(?:would|will)\b{_ANY}{{0,60}}?\b(?:grow|become|add\s+up)\b",
    _I,
)
SAVING_CUE = re.compile(
    rf"\bhow\s+much\b{_ANY}{{0,40}}?\b(?:save|invest|put\s+(?:away|aside|in)|add|set\s+aside"
    r"|contribute|deposit)\s+(?:(?:each|a|per|every)\s+(?:month|year|week)|monthly|yearly|weekly)\b"
    r"|\bhow\s+much\s+(?:\w+\s+){0,4}?(?:a|per|each|every)\s+(?:month|year)\s+(?:to|should|must|do)\b"
    r"|\b(?:monthly|yearly)\s+(?:savings?|contributions?|investments?|deposits?)\s+"
    r"(?:needed|required|do\s+i\s+need|would\s+i\s+need)"
    r"|\bwhat\s+(?:monthly\s+|yearly\s+|weekly\s+)?(?:saving|contribution|deposit|investment)s?\s+"
    r"(?:gets?|would\s+get|takes?|do\s+i\s+need|is\s+needed)\b",
    _I,
)
# "per year?", "and monthly?": the previous calculation, in the other period (the answer
# gives both)
PERIOD_ONLY = re.compile(
    r"^\s*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:what\s+about\s+|how\s+much\s+)?(?:(?:per|a|each|every|in\s+a)\s+"
    r"(?:year|month|week)|yearly|annually|monthly|per\s+annum|annual(?:ly)?)\s*\??\s*$",
    _I,
)
# "need 1 mil by 50 ... how much a month?": with a sum to reach, the saving a month
HOW_MUCH_A_MONTH = re.compile(r"\bhow\s+much\s+(?:a|per|each|every)\s+(?:month|week)\b", _I)
# "how long to double my money": a sum multiplied
MULTIPLY = re.compile(r"\b(?P<word>double|triple|quadruple|(?P<times>[2-9]|10)\s?x)\b", _I)

# "when will interest rates drop below 4%?": a forecast of the markets, which no
# calculation answers (the articles do not either)
_FORECAST = re.compile(
    r"\b(?:interest\s+rates?|mortgage\s+rates?|rates|prices|the\s+(?:stock\s+)?market|markets"
    r"|inflation|the\s+economy|house\s+prices|a\s+recession)\s+(?:\w+\s+){0,2}"
    r"(?:drop|fall|rise|go\s+(?:up|down)|come\s+down|crash|recover|peak|bottom\s+out"
    r"|increase|decrease|start|end)\b",
    _I,
)


# "what if rates drop to 3%?": a supposition, not a forecast
_SUPPOSE = re.compile(r"\b(?:what\s+if|if|suppose|supposing|assuming|say)\b", _I)


def asks_calculation(text: str) -> bool:
    if _FORECAST.search(text) and not _SUPPOSE.search(text):
        return False
    cues = (MONTHS_CUE, YIELD_CUE, CAPITAL_CUE, INCOME_CUE, FUTURE_CUE, SAVING_CUE)
    return any(p.search(text) for p in cues) or bool(
        _BY_YEAR.search(text) and re.search(r"\b(?:can|could|will|would)\s+i\b", text, _I)
    )


# "what yield do I need?" with no figure at all: asked of the person's own plan
NEEDS_YIELD = re.compile(
    r"\b(?:what|which)\s+(?:\w+\s+){0,2}(?:yield|return|rate|interest(?:\s+rate)?)\s+"
    r"(?:do|would|will|should|must)\s+i\s+need\b|\b(?:required|needed)\s+(?:yield|return|rate)\b",
    re.IGNORECASE,
)
# living on one's investments: "how long until I can live off my investments?" asks a
# calculation whose figures are still to be given
LIVE_OFF = re.compile(
    r"\b(?:live\s+o(?:ff|n)\s+(?:my\s+)?(?:investments?|savings|portfolio|dividends|interest|passive)"
    r"|retire|financial(?:ly)?\s+(?:independen\w+|free(?:dom)?)|quit\s+my\s+job"
    r"|replace\s+my\s+(?:salary|income|wage))",
    re.IGNORECASE,
)
# money a month or a year: "how much capital do I need for a monthly income?" asks for
# the one figure it lacks (the income), not the articles
INCOME_WORDS = re.compile(
    r"\b(?:income|a\s+month|monthly|per\s+month|a\s+year|yearly)\b", re.IGNORECASE
)
# a question, of any wording: what its figures imply is asked (see implies_calculation)
_ASKS = re.compile(
    r"\?|\b(?:how|what|what'?s|which|when|calculate|compute|work\s+out|figure\s+out)\b", _I
)
_YIELD_WORD = re.compile(r"\b(?:yield|return|rate|interest|percent(?:age)?)\b|%", _I)
# money owed, kept for emergencies or spent is not money to invest: "$20,000 of card
# debt at 24%", "5k in an emergency fund at 4%" are for the basics
_OWED = re.compile(
    r"\b(?:debts?|loans?|owe|owing|apr|borrow\w*|emergency|expenses|(?<!t-)bills)\b", _I
)


# an opinion asked about the figures ("is a 5% yield on $20k sustainable?"): the articles
_OPINION = re.compile(
    r"\b(?:good|bad|safe|safer|sustainable|risks?|risky|realistic|reasonable|normal|worth"
    r"|better|best|fair|typical|taxe[ds]?|tax)\b|\b(?:is|are)\s+(?:that|it|this)\s+ok(?:ay)?\b"
    r"|\bshould\s+i\s+(?:pick|choose|buy|go|use|do|start|try|get|sell|keep)\b",
    _I,
)
# what a sum at a rate is asked for: what it pays over a period
_PAYS = re.compile(
    r"\b(?:a|per|each|every)\s+(?:month|year|week)\b|\b(?:monthly|yearly|annual(?:ly)?|weekly)\b"
    r"|\b(?:payout|pays?|earns?|income|produces?|generates?|gives?|yields?\s+me)\b",
    _I,
)


def without_tax_word(text: str) -> str:
    """``text`` without the word "tax": beside a tax rate ("and after a 20% tax?") it
    names a figure to compute, not an opinion asked."""
    return re.sub(r"\btax(?:es|ed)?\b", "", text, flags=_I)


def asks_advice(text: str) -> bool:
    """Whether ``text`` asks what to do or an opinion of its figures, not a figure."""
    return asks_what_to_do(text) or bool(_OPINION.search(text))


def implies_calculation(text: str, numbers: Numbers, *, yields: bool = False) -> bool:
    """A question whose figures alone say which calculation, in words no cue knows:
    an income or a sum with a rate ("$750 a month at 4.5%, the capital?"), an income
    and a sum asking a rate, or an income wanted with a saving a month. A message with
    hours describes a source (passivity), not a calculation. ``yields``: a stream named
    has a typical yield (it stands for the rate)."""
    if not _ASKS.search(text) or numbers.hours_per_month is not None or _OWED.search(text):
        return False
    if asks_advice(without_tax_word(text) if numbers.tax_rate else text):
        return False  # "with a 25% tax, ...": a figure to compute, not tax advice
    income, total = numbers.first("income"), numbers.first("sum")
    if numbers.first("contribution") and numbers.duration_months:
        return True  # "save 250 a wk at 7 pct for 10 yrs how much"
    rated = bool(numbers.rates) or yields  # "half a million in bonds: the income?"
    if rated and (income or (total and _PAYS.search(text))):
        return True
    if income and total and _YIELD_WORD.search(text):
        return True
    return bool(income and numbers.first("contribution"))


_POINTS_BACK = re.compile(r"\b(?:that|this|it|those|these)\b", _I)


def implied_with_earlier(
    text: str, numbers: Numbers, earlier: Sequence[Numbers], *, yields: bool = False
) -> bool:
    """ "and at 5%, what's that monthly?" after "I've saved $80,000", "and at 3.5%?"
    after "I'm aiming for 1000 a month": a message with a figure that points back or
    follows on, whose figures with the earlier turns' imply a calculation."""
    how_much = yields and re.search(r"\bhow\s+much\b", text, _I)  # "how much with REITs?"
    if not earlier or not (numbers.rates or numbers.amounts or how_much):
        return False  # a figure of its own: "and what about REITs?" asks no calculation
    if not (_POINTS_BACK.search(text) or FOLLOW_UP.match(text) or how_much):
        return False
    amounts = [*numbers.amounts, *(a for n in reversed(earlier) for a in n.amounts)]
    rates = numbers.rates or next((n.rates for n in reversed(earlier) if n.rates), [])
    merged = Numbers(amounts, rates, numbers.hours_per_month, numbers.hours_per_week)
    return implies_calculation(text, merged, yields=yields)


def wants_months(text: str, numbers: Numbers | None = None) -> bool:
    """ "how long ...", or "can I get X by 2030" or an income wanted with a saving a
    month, that asks no other calculation."""
    if MONTHS_CUE.search(text):
        return True
    if any(p.search(text) for p in (YIELD_CUE, CAPITAL_CUE, INCOME_CUE)):
        return False
    saving = numbers is not None and numbers.first("contribution") and numbers.first("income")
    return asks_calculation(text) or bool(saving)
