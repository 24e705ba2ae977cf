"""The scope guard: is this a question about income and personal finance?

Two layers. Rules first: plain patterns for the requests that must never be answered
whatever their wording near the domain (instructions to override the assistant,
role-play jailbreaks, code, insider trading, tax-form specifics, gambling, trade
signals), and word checks for text that is not words at all or not English. Then the
embedding check: the question's nearest example request per class
(``prompts/guard_anchors.yaml``) and the best retrieved passage. Instructions hidden
in documents never reach it: it only ever looks at the user's own question.

The service calls it with the spelling-corrected question (``advisor.conversation.spelling``), the
vector of the standalone question and the best passage score.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from advisor import prompts
from advisor.conversation.language import foreign_language, unknown_share
from advisor.core.reasons import DeclineReason
from advisor.embeddings import Embedder, Vector
from advisor.guard.picks import named_pick
from advisor.retrieval.sentence_vectors import SentenceVectors

_I = re.IGNORECASE | re.DOTALL

# Direct attempts to override the assistant; the anchors catch paraphrases.
_OVERRIDE = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules?|prompt|"
    r"guidelines|restrictions|filters?)\b"
    r"|\b(system|hidden|developer)\s+(prompt|message|instructions?)\b"
    r"|\bprint\s+(your|the)\s+(prompt|instructions)\b"
    r"|\bsystem\s+override\b|\bjail\s?break\w*|\b(developer|dev|god|unrestricted)\s+mode\b"
    r"|\bdo\s+anything\s+now\b|\b(you\s+are|you're|ur)\s+now\b",
    _I,
)
# Role-play that sheds the rules: "pretend you are DAN with no rules".
_ROLE_PLAY = re.compile(
    r"\b(pretend|imagine|act|behave|role-?play|play\s+(the\s+role|a\s+game)|from\s+now\s+on|"
    r"respond|answer|reply|talk)\b.{0,80}(\b(no|without|zero|free\s+(of|from)|ignor\w*|"
    r"any)\s+(rules|restrictions|filters|guidelines|censorship|ethics|morals|policies)\b|"
    r"\b(unfiltered|uncensored|unrestricted|evil)\b)",
    _I,
)
_DAN = re.compile(r"\bDAN\b")  # the best-known jailbreak persona (upper case only)
# A request addressed to the assistant: at the start, or after "can you", "please"...
_ASK = (
    r"(^\W*|[.!?,;:]\s*|\b(can|could|would|will)\s+(you|u)\s+|\bplease\s+|\bpls\s+|"
    r"\bi\s+(need|want)\s+(you\s+to\s+)?|\bhelp\s+me\s+)"
)
_LANGUAGES = (
    r"code|script|regex|sql|python|javascript|typescript|java|c\+\+|c#|rust|golang|bash|"
    r"powershell|html|css|react|vba|macro|excel\s+formula"
)
_CODE = re.compile(
    _ASK
    + r"((write|implement|code\s+up|code\s+me|debug|refactor)\b.{0,60}\b("
    + _LANGUAGES
    + r"|function|program|class|query|algorithm)|(give\s+me|show\s+me|fix)\b.{0,60}\b("
    + _LANGUAGES
    + r"))\b",
    _I,
)
# Trading on information the market does not have yet.
_INSIDER = re.compile(
    r"\binsider\s+(trading|info\w*|tips?|knowledge|scoop)\b"
    r"|\b(material\s+)?non-?public\s+(info\w*|news|data)\b",
    _I,
)
_NOT_PUBLIC = re.compile(
    r"\bbefore\s+(it'?s|it\s+is|it\s+gets|they'?re|they\s+are|it\s+goes|the\s+news\s+is)\s+"
    r"(public|announced|released|out)\b|\b(before|ahead\s+of)\s+the\s+(announcement|"
    r"news\s+(is|gets|goes)|press\s+release)\b|\b(isn'?t|not)\s+(yet\s+)?(been\s+)?"
    r"announced\b|\b(isn'?t|not)\s+public\s+yet\b|\bnot\s+yet\s+public\b|"
    r"\bhasn'?t\s+been\s+(announced|released|made\s+public)\b|"
    r"\binside\s+(info\w*|scoop|tip)\b|\bconfidential\s+(info\w*|news|data)\b",
    _I,
)
_TIPPED = re.compile(
    r"\b(told\s+me|tipped|tip-?off|(got|had)\s+a\s+tip|tip\s+from|heads[-\s]up|leak(ed|s)?|"
    r"works?\s+(at|for)|"
    r"friend\s+(at|in))\b",
    _I,
)
# Someone placed to know ("an accountant at a pharma company", "on the board").
_INSIDE_SOURCE = re.compile(
    r"\b(?:at|for|with)\s+(?:a|an|the|my|his|her|their|that)\s+(?:[\w-]+\s+){0,2}"
    r"(?:company|firm|startup|bank|corporation|corp|lab|biotech)\b|\bon\s+the\s+board\b"
    r"|\bat\s+work\b",
    _I,
)
_EARLY = re.compile(
    r"\b(early|before|ahead|first|next\s+(week|month|quarter'?s?)|tomorrow|soon)\b", _I
)
_COMPANY_NEWS = re.compile(
    r"\b(earnings|merger|acquisition|acquire[sd]?|takeover|buyout|quarterly\s+(results|"
    r"numbers|figures|report)|guidance|(fda|drug|regulatory)\s+approval|layoffs|bankruptcy|"
    r"announcement)\b",
    _I,
)
_TRADE = re.compile(
    r"\b(trad(e|es|ing)|buy(ing)?|sell(ing)?|short(ing)?|calls?|puts?|options|shares?|stocks?|"
    r"profit)\b",
    _I,
)
# Tax-form specifics: forms, boxes, lines, schedules, filing software. "W-2" and "1099"
# alone also name kinds of worker, so they count only as forms.
_FORM = r"1040\w*|1099(-\w+)?|w-?[2489]\w*|k-?1|8949"
_TAX = re.compile(
    r"\b(1040\w*|8949|w-?8ben\w*)\b"
    r"|\b(form|box|line|schedule)\s+(" + _FORM + r")\b|\b(" + _FORM + r")\s+(form|box|line)\b"
    r"|\b(on|in|from|of|to)\s+(my|the|a)\s+(" + _FORM + r")\b"
    r"|\b(?-i:[Ss]chedule\s+[A-F])\b|\bschedule\s+[a-f]\s+(form|line|of|on|for|in)\b"
    r"|\b(which|what)\s+(box|line|field|section)\b.{0,40}\b(form|tax|return|schedule|"
    + _FORM
    + r")\b|\b(box|line)\s+\d+\w?\b.{0,40}\b(form|tax|return|schedule|"
    + _FORM
    + r")\b|\b(turbo\s?tax|h&r\s+block|taxact|irs\s+form|hmrc|self[-\s]assessment|tax\s+(form|"
    r"return|filing|software)s?|file\s+(my|our|the)?\s*tax(es)?|fill\s+(in|out)\s+(my|the)\s+"
    r"tax)\b",
    _I,
)
_GAMBLING = re.compile(
    r"\b(lottery|lotteries|lotto|powerball|mega\s?millions|euromillions|scratch(ers|\s+cards?|"
    r"\s+tickets?|\s+offs?)|casinos?|roulette|blackjack|poker|slot\s+machines?|"
    r"sports?\s?bet\w*|betting\s+(tips|odds|sites?|strategy|system|app)|bookies?|"
    r"bookmakers?|parlays?|horse\s+rac\w+|(place|make|put)\s+a\s+bet|"
    r"bet\s+on\s+(the\s+)?(game|match|race|fight|team)|win(ning)?\s+numbers|"
    r"odds\s+(on|for)\s+(the\s+)?(game|match|race|fight)|should\s+i\s+gamble|"
    r"gambl\w+\s+(strategy|strategies|tips|system|sites?|online|apps?))\b",
    _I,
)
# A trade call: signals, currency pairs, stop-losses, price targets, leverage multiples.
_SIGNAL = re.compile(
    r"\b(forex|fx|trading|trade|crypto|buy|sell|options?)\s+signals?\b"
    r"|\b(eur|usd|gbp|jpy|aud|cad|chf|nzd|btc|eth)\s*/\s*(usd|eur|gbp|jpy|aud|cad|chf|nzd|"
    r"usdt|btc)\b"
    r"|\b(stop[-\s]?loss|take[-\s]?profit|price\s+target|go(ing)?\s+long\s+or\s+short|"
    r"long\s+or\s+short\s+(on|position)|\d{2,3}\s?x\s+leverage|leverage\s+of\s+\d{2,3}|"
    r"calls?\s+or\s+puts?)\b",
    _I,
)

# An anchor-only "pick" decline needs a word of picking, promising or timing a trade:
# "how do i not fall behind as new investment stuff comes out" resembles "promise that
# my investment cannot lose money" in meaning, but asks nothing of the kind.
_PICK_CUE = re.compile(
    r"\b(which|name|pick|choose|best|top|exact|single|buy|sell|dump|ticker|stocks?|shares?|"
    r"coins?|crypto|tokens?|funds?|etfs?|guarantee\w*|promise\w*|sure\s+(to|thing)|"
    r"(cannot|can'?t|never|won'?t)\s+lose|double\w*|moon\w*|go(es|ing)?\s+up|tonight|today|"
    r"tomorrow|(this|next)\s+(week|month|year)|signals?|positions?|\d+\s?%|percent)\b",
    _I,
)
IN_SCOPE_FLOOR = 0.30  # below this neither anchors nor passages relate to the domain
MARGIN = 0.04
PICK_MARGIN = 0.06  # a request for a pick must look more like one than like a question
RULE_CLASSES: tuple[DeclineReason, ...] = ("insider_trading", "tax_specific", "gambling")
CLASS_FLOOR = 0.5  # an anchor-only decline for those classes needs a close match
GIBBERISH_SHARE = 0.6  # this share of non-words, and nothing near the domain


@dataclass
class Verdict:
    """The guard's decision. ``reason`` says why a question is out of scope: one of
    ``advisor.core.reasons.DECLINE_REASONS`` (each described there, and in
    docs/reasons.md)."""

    in_scope: bool
    reason: DeclineReason | None = None
    scores: dict[str, float] = field(default_factory=dict)
    # for a specific_pick: what is named (company, fund, coin), or other (a trade
    # signal, a guarantee, "the one stock"); it chooses the principle the answer gives
    pick: str | None = None


def _insider_tip(question: str) -> bool:
    """News that is not public yet, and a trade on it ("my friend at Apple told me
    about earnings early, can I trade on that?")."""
    news = bool(_COMPANY_NEWS.search(question))
    trade = bool(_TRADE.search(question))
    if _NOT_PUBLIC.search(question):
        return news or trade
    return bool(_TIPPED.search(question) and news and trade and _EARLY.search(question))


def non_public(question: str) -> bool:
    """The message itself speaks of information that is not public (a tip, news not
    announced yet, "insider info", someone at the company and what is coming): only
    then is it about insider trading."""
    if _INSIDER.search(question) or _NOT_PUBLIC.search(question) or _TIPPED.search(question):
        return True
    return bool(_INSIDE_SOURCE.search(question) and _EARLY.search(question))


def rule_reason(question: str) -> DeclineReason | None:
    """The reason a question is declined by the rules alone (no model), or None."""
    if _OVERRIDE.search(question) or _ROLE_PLAY.search(question) or _DAN.search(question):
        return "injection"
    if _CODE.search(question):
        return "code"
    if _INSIDER.search(question) or _insider_tip(question):
        return "insider_trading"
    if _TAX.search(question):
        return "tax_specific"
    if _GAMBLING.search(question):
        return "gambling"
    if _SIGNAL.search(question) or named_pick(question):
        return "specific_pick"
    return None


def anchor_texts() -> list[str]:
    """The example requests of every class, in file order."""
    anchors = prompts.data("guard_anchors.yaml")
    return [t for c in anchors for t in anchors[c]]


class Guard:
    """``vectors``: where library sentence vectors are kept (filled at ingest, so a new
    process does not embed the examples); else they are cached in ``cache_dir``."""

    def __init__(
        self,
        embedder: Embedder,
        cache_dir: Path | None = None,
        vectors: SentenceVectors | None = None,
    ) -> None:
        self.embedder = embedder
        anchors = prompts.data("guard_anchors.yaml")
        self.classes = list(anchors)
        texts = anchor_texts()
        self.labels = [c for c in self.classes for _ in anchors[c]]
        if vectors is not None:
            self.matrix = vectors.embed(texts, [True] * len(texts))
        else:
            self.matrix = self._embed_anchors(texts, cache_dir)

    def _embed_anchors(self, texts: list[str], cache_dir: Path | None) -> Vector:
        key = hashlib.sha256(("\n".join(texts) + self.embedder.name).encode()).hexdigest()[:16]
        path = cache_dir / f"anchors-{key}.npy" if cache_dir else None
        if path is not None and path.exists():
            try:
                cached: Vector = np.load(path)
                if cached.shape == (len(texts), self.embedder.dimension):
                    return cached
            except (OSError, ValueError):
                pass
        matrix = self.embedder.embed(texts)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp.npy")
                np.save(tmp, matrix)
                tmp.replace(path)
            except OSError:
                pass  # a cache only
        return matrix

    def check(self, question: str, vector: Vector, top_passage: float) -> Verdict:
        """``question``: the user's own words (spelling-corrected is fine); ``vector``:
        the embedding of the standalone question; ``top_passage``: the best retrieved
        passage's score."""
        sims = self.matrix @ vector
        best = {c: 0.0 for c in self.classes}
        for label, s in zip(self.labels, sims, strict=True):
            best[label] = max(best[label], float(s))
        domain = max(best["in_scope"], top_passage)
        scores = {**best, "top_passage": top_passage, "domain": domain}

        def no(reason: DeclineReason) -> Verdict:
            pick = (named_pick(question) or "other") if reason == "specific_pick" else None
            return Verdict(False, reason, scores, pick)

        if foreign_language(question):
            return no("other_language")
        reason = rule_reason(question)
        if reason:
            return no(reason)
        if domain < IN_SCOPE_FLOOR and unknown_share(question) >= GIBBERISH_SHARE:
            return no("gibberish")
        if best["code"] > max(domain, best["off_topic"]) + MARGIN:
            return no("code")
        if best["injection"] >= 0.45 and best["injection"] > domain + MARGIN:
            return no("injection")
        for cls in RULE_CLASSES:
            score = best.get(cls, 0.0)
            if cls == "insider_trading" and not non_public(question):
                continue  # "Should I buy Nvidia shares?" names a pick, not a tip
            if score >= CLASS_FLOOR and score > best["in_scope"] + MARGIN:
                return no(cls)
        pick = best["specific_pick"]
        if pick >= 0.5 and pick > best["in_scope"] + PICK_MARGIN and _PICK_CUE.search(question):
            return no("specific_pick")
        if domain < IN_SCOPE_FLOOR or best["off_topic"] > domain + MARGIN:
            return no("off_topic")
        return Verdict(True, None, scores)
