"""Writes ``bench/questions.txt``: distinct questions a person might ask the advisor,
templates × topics of the corpus (``corpus/*.md``), shuffled with a fixed seed.

    .venv/bin/python bench/make_questions.py          # rewrite the file
    .venv/bin/python bench/make_questions.py --check  # exit 1 when the file is stale

The timed answer, tutorial-recipe, cold-ask and API figures each draw their own slice of
this file, so no process is ever timed on a question it has embedded before (the
embedder caches every text it has seen). Every topic must occur in the corpus; the
generator refuses one that does not.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "questions.txt"
SEED = 14

# (how the question names it, a word that must occur in corpus/*.md)
TOPICS = [
    ("passive income", "passive income"),
    ("active income", "active income"),
    ("dividend stocks", "dividend"),
    ("dividend-paying ETFs", "ETF"),
    ("REITs", "REIT"),
    ("rental properties", "rental propert"),
    ("peer-to-peer lending", "peer-to-peer"),
    ("an online course", "online course"),
    ("writing an eBook", "eBook"),
    ("royalties from creative work", "royalt"),
    ("affiliate marketing", "affiliate"),
    ("a blog", "blog"),
    ("a podcast", "podcast"),
    ("dropshipping", "dropship"),
    ("a SaaS product", "SaaS"),
    ("selling software", "software"),
    ("a Patreon page", "Patreon"),
    ("a Substack newsletter", "Substack"),
    ("a robo-advisor", "robo"),
    ("mutual funds", "mutual fund"),
    ("bonds", "bond"),
    ("real estate", "real estate"),
    ("a side hustle", "side hustle"),
    ("leverage", "leverage"),
    ("assets and liabilities", "liabilit"),
    ("cash flow", "cash flow"),
    ("diversification", "diversif"),
    ("automation", "automat"),
    ("making music", "music"),
    ("a website", "website"),
    ("lending money", "lend"),
    ("compound growth", "compound"),
    ("inflation", "inflation"),
    ("financial freedom", "financial freedom"),
    ("multiple income streams", "multiple streams"),
    ("an app", "app"),
]

TEMPLATES = [
    "What is {t}?",
    "Can you explain {t} in simple terms?",
    "How does {t} make money while I sleep?",
    "Is {t} really passive?",
    "How passive is {t} once it is set up?",
    "How much money do I need to start with {t}?",
    "What are the risks of {t}?",
    "What can go wrong with {t}?",
    "How long before {t} pays anything?",
    "What are the pros and cons of {t}?",
    "How many hours a week does {t} take?",
    "Can a beginner get into {t}?",
    "What skills do I need for {t}?",
    "Is {t} a good idea for someone with little capital?",
    "How do I get started with {t}?",
    "What does the upkeep of {t} look like?",
    "Does {t} scale well?",
    "how risky is {t} really",
    "is {t} worth it in your opinion",
    "whats the catch with {t}",
    "Why do people recommend {t} for passive income?",
    "What mistakes do people make with {t}?",
    "How can I reduce the risk of {t}?",
    "How liquid is {t} if I need my money back?",
    "Tell me about {t}.",
    "What should I research before {t}?",
    "Is {t} active or passive income?",
    "How does {t} fit into a diversified plan?",
    "Could {t} replace my salary one day?",
    "What does it cost to keep {t} going?",
    "Give me an example of {t}.",
    "What kind of person is {t} good for?",
    "Do I need to quit my job to do {t}?",
    "How do taxes and fees eat into {t}?",
    "What return can I expect from {t}?",
    "I have 5 hours a week, is {t} realistic?",
    "what do the sources say about {t}",
    "How do I know if {t} is working?",
    "Is {t} a scam or legit?",
    "What is the first step toward {t}?",
]

PAIR_TEMPLATES = [
    "Which is more passive, {t} or {u}?",
    "Should I choose {t} or {u}?",
    "How does {t} compare with {u}?",
]


def corpus_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.md")))


def generate() -> list[str]:
    text = corpus_text().lower()
    missing = [t for t, w in TOPICS if w.lower() not in text]
    if missing:
        raise SystemExit(f"topics not in corpus/*.md: {missing}")
    topics = [t for t, _ in TOPICS]
    out = [tpl.format(t=t) for t in topics for tpl in TEMPLATES]
    rng = random.Random(SEED)
    pairs = [(a, b) for i, a in enumerate(topics) for b in topics[i + 1 :]]
    for a, b in rng.sample(pairs, 300):
        out.extend(tpl.format(t=a, u=b) for tpl in PAIR_TEMPLATES)
    questions = list(dict.fromkeys(re.sub(r"\s+", " ", q) for q in out))
    rng.shuffle(questions)
    return questions


def render() -> str:
    return "\n".join(generate()) + "\n"


def load() -> list[str]:
    return [q for q in OUT.read_text(encoding="utf-8").splitlines() if q.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != render():
            print(f"{OUT} is stale: run bench/make_questions.py", file=sys.stderr)
            raise SystemExit(1)
        return
    OUT.write_text(render(), encoding="utf-8")
    print(f"{len(load())} questions -> {OUT}")


if __name__ == "__main__":
    main()
