"""Small talk: greetings, thanks, "who are you", "what can you do", goodbyes.

A message that is *only* small talk gets a short reply of its own (from
``prompts/small_talk.yaml``) and a few example questions, without retrieval or the
guard; anything with a real question in it ("hi, what is a REIT?") is not small talk.
Cheap: regular expressions over the message's clauses, no model.

The service calls :func:`small_talk_reply` first and answers with its text when it is
not None.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from advisor import prompts

MAX_CHARS = 100  # small talk is short; a longer message is a question

_NAME = (
    r"(?:\s+(?:there|again|all|everyone|everybody|folks|guys|friend|buddy|mate|advisor|bot|"
    r"assistant|man))*"
)
_ACK = (
    r"(?:ok|okay|k|kk|alright|all\s+right|right|cool|nice|great|good|perfect|awesome|"
    r"got\s+it|i\s+see|understood|noted|sure|fine|wow|interesting|neat|sweet|lol|haha|oh|ah)"
)
_SO = r"(?:\s+(?:so|very|really|super|quite|extremely|that|this|it))*"

# Each kind: whole clauses (after normalising) that are that kind of small talk.
_PATTERNS: dict[str, str] = {
    "greeting": (
        r"(?:hi|hello|hey|heya|hiya|howdy|yo|hallo|hola|bonjour|salut|ciao|greetings|"
        r"hey hey|hi hi|good\s+(?:morning|afternoon|evening|day)|morning|evening)"
        + _NAME
        + r"|(?:hi|hello|hey)?\s*(?:how\s+are\s+(?:you|u|ya)(?:\s+doing)?(?:\s+today)?|"
        r"how's\s+it\s+going|how\s+is\s+it\s+going|how\s+do\s+you\s+do|"
        r"what's\s+up|whats\s+up|wassup|sup|nice\s+to\s+meet\s+you)"
    ),
    "thanks": (
        r"(?:thanks|thank\s+you|thank\s+u|thankyou|thx|thnx|tnx|ty|tysm|cheers|"
        r"many\s+thanks|much\s+appreciated|appreciate\s+it|(?:i\s+)?appreciate\s+(?:it|that|"
        r"this|your\s+help)|thanks\s+a\s+(?:lot|ton|bunch|million))"
        r"(?:\s+(?:so\s+much|very\s+much|a\s+lot|a\s+ton|again|heaps))*"
        r"(?:\s+for\s+(?:the|that|this|your|all\s+the)(?:\s+\w+)?\s+"
        r"(?:help|answer|answers|info|information|explanation|advice|reply|tips?))?"
        r"(?:\s+for\s+(?:helping|your\s+help|the\s+help))?"
        + _NAME
        + r"|(?:that|this|it|you)(?:'s|'re|\s+is|\s+was|\s+were|\s+are|\s+have\s+been)?"
        + _SO
        + r"\s+(?:helpful|useful|great|clear|interesting|informative|amazing|awesome|"
        r"perfect|brilliant|excellent)"
        r"|(?:that|this)\s+help(?:s|ed)(?:\s+(?:a\s+lot|a\s+ton|so\s+much|me))*"
        r"|(?:very|really|super|so)\s+(?:helpful|useful|informative)"
        r"|great\s+(?:answer|explanation|info|advice)|good\s+to\s+know|makes\s+sense"
    ),
    "ack": rf"{_ACK}(?:\s+{_ACK})*(?:\s+then)?",
    "identity": (
        r"who\s+(?:are|r)\s+(?:you|u)|what\s+(?:are|r)\s+(?:you|u)|"
        r"what(?:'s|\s+is)\s+your\s+name|who\s+am\s+i\s+(?:talking|speaking|chatting)\s+"
        r"(?:to|with)|are\s+you\s+(?:a\s+|an\s+)?(?:bot|robot|human|ai|person|real|"
        r"real\s+person|chatbot|machine)|who\s+(?:made|built|created|wrote)\s+you|"
        r"introduce\s+yourself|tell\s+me\s+about\s+yourself"
    ),
    "capabilities": (
        r"(?:please\s+)?help(?:\s+me)?(?:\s+please)?|i\s+need\s+(?:some\s+)?help|"
        r"what\s+(?:can|do|could)\s+(?:you|u)\s+do(?:\s+for\s+me)?|"
        r"what\s+(?:can|should|could)\s+i\s+ask(?:\s+(?:you|about))?|"
        r"how\s+(?:can|could|do)\s+(?:you|u)\s+help(?:\s+me)?|(?:can|could)\s+(?:you|u)\s+"
        r"help(?:\s+me)?|how\s+do\s+(?:i|you)\s+use\s+(?:you|this)|how\s+does\s+this\s+work|"
        r"what\s+are\s+you\s+(?:for|good\s+for|able\s+to\s+do)|what\s+do\s+you\s+know"
        r"(?:\s+about)?|what\s+(?:topics|questions)\s+(?:do|can)\s+you\s+(?:cover|answer|handle)|"
        r"what\s+do\s+you\s+(?:cover|answer|offer)"
    ),
    "goodbye": (
        r"(?:bye|bye\s+bye|byebye|goodbye|good\s+bye|cya|farewell|ciao|adios|ttyl|"
        r"see\s+(?:you|ya|u)(?:\s+(?:later|soon|around|tomorrow|next\s+time))?|later|"
        r"good\s*night|take\s+care|talk\s+(?:to\s+you\s+)?(?:later|soon)|"
        r"have\s+a\s+(?:good|nice|great|lovely)\s+(?:day|one|night|evening|weekend)|"
        r"that's\s+all(?:\s+for\s+(?:now|today))?|that\s+is\s+all|i'm\s+done|im\s+done|"
        r"gotta\s+go|i\s+(?:have|need)\s+to\s+go)"
        r"(?:\s+(?:for\s+now|then|now))?" + _NAME
    ),
}
_COMPILED = {kind: re.compile(rf"(?:{p})", re.IGNORECASE) for kind, p in _PATTERNS.items()}
# When a message holds several kinds ("hi, what can you do?"), the reply is for the
# most specific one.
_PRIORITY = ("capabilities", "identity", "goodbye", "thanks", "greeting", "ack")

# Where each kind's examples start in the list: a first greeting gets the basics.
_FIRST_EXAMPLE = {
    "greeting": 0,
    "identity": 0,
    "capabilities": 1,
    "goodbye": 2,
    "thanks": 3,
    "ack": 4,
}

_CLAUSES = re.compile(r"[,.!?;:\n]+|\s+(?:and|&)\s+|\s+-+\s+")
_NOISE = re.compile(r"[^\w\s',.!?;:&-]")  # emoji and symbols
_REPEATS = re.compile(r"([a-z])\1{2,}")  # "hiii", "byeee", "soooo"


def _clauses(text: str) -> list[str]:
    lowered = _NOISE.sub(" ", text.lower().replace("’", "'"))
    lowered = _REPEATS.sub(r"\1", lowered)
    parts = (" ".join(p.split()) for p in _CLAUSES.split(lowered))
    return [p for p in parts if p]


def _kind_of(phrase: str) -> str | None:
    for kind in _PRIORITY:
        if _COMPILED[kind].fullmatch(phrase):
            return kind
    return None


def _clause_kinds(clause: str) -> set[str] | None:
    """The kinds of small talk a clause is made of ("thanks that was helpful" is two
    phrases without a comma), or None when some of it is not small talk."""
    kind = _kind_of(clause)
    if kind is not None:
        return {kind}
    words = clause.split()
    # covers[j]: the kinds that make up words[:j], when they can all be small talk
    covers: list[set[str] | None] = [set()] + [None] * len(words)
    for j in range(1, len(words) + 1):
        for i in range(j):
            before = covers[i]
            if before is None:
                continue
            kind = _kind_of(" ".join(words[i:j]))
            if kind is not None:
                covers[j] = before | {kind}
                break
    return covers[-1]


def small_talk_kind(text: str) -> str | None:
    """``greeting``, ``thanks``, ``ack``, ``identity``, ``capabilities`` or ``goodbye``
    when the message is only small talk; None when it asks anything else."""
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        return None
    clauses = _clauses(text)
    if not clauses:
        return None
    kinds: set[str] = set()
    for clause in clauses:
        found = _clause_kinds(clause)
        if found is None:
            return None
        kinds |= found
    return next(k for k in _PRIORITY if k in kinds)


@cache
def _replies() -> dict[str, Any]:
    loaded = yaml.safe_load(prompts.text("small_talk.yaml"))
    assert isinstance(loaded, dict)
    return loaded


def examples(kind: str, n: int = 3) -> list[str]:
    """``n`` example questions for a reply of this kind (a different few per kind)."""
    pool: list[str] = list(_replies()["examples"])
    start = _FIRST_EXAMPLE.get(kind, 0) % len(pool)
    return [pool[(start + i) % len(pool)] for i in range(min(n, len(pool)))]


def small_talk_reply(text: str) -> str | None:
    """A short friendly reply and a few example questions when ``text`` is only small
    talk, else None (then answer the question as usual)."""
    kind = small_talk_kind(text)
    if kind is None:
        return None
    data = _replies()
    lines = [str(data["replies"][kind]).strip(), "", str(data["examples_intro"]).strip()]
    lines += [f"- {q}" for q in examples(kind)]
    return "\n".join(lines)
