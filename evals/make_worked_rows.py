"""Writes the worked-answer rows of reference_qa.jsonl (issue 23), once: every expected
figure is computed here with the closed form (not with advisor.recommender.calculators), and each
preference row is checked to move the recommender's ranking.

    python evals/make_worked_rows.py >> evals/reference_qa.jsonl
    python -m advisor.eval.dataset evals/reference_qa.jsonl   # assigns dev/test splits
"""

from __future__ import annotations

import json
import math

ROWS: list[dict[str, object]] = []


def row(kind: str, n: int, question: str, reference: str, **expected: object) -> None:
    history = expected.pop("history", [])
    data: dict[str, object] = {
        "id": f"{kind}-{n:02d}",
        "category": kind,
        "user_input": question,
        "reference": reference,
        "reference_contexts": [],
    }
    if history:
        data["history"] = history
    data.update({k: v for k, v in expected.items() if v not in (None, [], {}, False)})
    ROWS.append(data)


def capital(monthly: float, rate: float) -> float:
    return monthly * 12 / rate


def income(total: float, rate: float) -> float:
    return total * rate / 12


def months(goal: float, rate: float, add: float, start: float = 0.0) -> int:
    """Closed form of n in start·(1+r)^n + add·((1+r)^n − 1)/r ≥ goal·12/rate, r = rate/12."""
    r, target = rate / 12, capital(goal, rate)
    return math.ceil(math.log((target * r + add) / (start * r + add)) / math.log(1 + r))


def calc(n: int, q: str, values: list[float], what: str, history: object = ()) -> None:
    shown = " to ".join(f"{v:,.2f}" for v in values)
    row(
        "calculation", n, q, f"{what}: {shown} (closed form).",
        expected_route="calculation", expected_numbers=[round(v, 4) for v in values],
        history=list(history),  # type: ignore[call-overload]
    )  # fmt: skip


def turns(user: str) -> list[dict[str, str]]:
    return [
        {"role": "user", "content": user},
        {"role": "assistant", "content": "Streams that suit your profile, best fit first: ..."},
    ]


# capital needed = monthly income × 12 ÷ yield (a catalog range gives both ends)
calc(1, "How much do I need invested at 5% to earn $1,500 a month?", [capital(1500, 0.05)], "capital")
calc(2, "what size of portfolio pays $2,000 monthly at a 4% yield?", [capital(2000, 0.04)], "capital")
calc(3, "To get 3000 dollars a month from investments yielding 6%, how much capital do I need?", [capital(3000, 0.06)], "capital")
calc(4, "how much money would I need at 3.5% to make €1,200 a month", [capital(1200, 0.035)], "capital")
calc(5, "If my portfolio yields 4.5%, how much should I have saved to earn $24,000 a year?", [capital(2000, 0.045)], "capital")
calc(6, "how much do i need in REITs to make $500 a month", [capital(500, 0.06), capital(500, 0.03)], "capital, REIT yield 3-6%")
calc(7, "How much would I need in dividend stocks to get $1,000 a month?", [capital(1000, 0.05), capital(1000, 0.02)], "capital, dividend yield 2-5%")
# income = capital × yield ÷ 12
calc(8, "How much income would $250,000 generate at 4%?", [income(250_000, 0.04)], "monthly income")
calc(9, "what would $80k pay me a month at 5%", [income(80_000, 0.05)], "monthly income")
calc(10, "how much does £150,000 give me each month at 3%?", [income(150_000, 0.03)], "monthly income")
calc(11, "What monthly income can I expect from $500,000 in a money market fund?", [income(500_000, 0.01), income(500_000, 0.05)], "monthly income, money-fund yield 1-5%")
# yield = monthly income × 12 ÷ capital
calc(12, "What yield do I need for $300,000 to pay $1,000 a month?", [1000 * 12 / 300_000], "yield")
calc(13, "what return would I need on $200k to earn $1,500 a month?", [1500 * 12 / 200_000], "yield")
calc(14, "Which interest rate gets me $600 a month from $150,000?", [600 * 12 / 150_000], "yield")
# months to a goal, contributions at the end of each month, the yield reinvested
calc(15, "How long until my savings pay $800 a month if I add $400 a month at 4%?", [months(800, 0.04, 400)], "months")
calc(16, "Starting with $20,000 and adding $500 a month at 5%, how many months until I get $1,000 a month?", [months(1000, 0.05, 500, 20_000)], "months")
calc(17, "how many years till 2k a month if I invest 1000 a month at 6%", [months(2000, 0.06, 1000)], "months")
calc(18, "When will I reach $500 a month of dividends if I put in $300 a month at 3%?", [months(500, 0.03, 300)], "months")
# impossible or missing inputs: one line, no figure
calc(19, "how much do I need invested at 0% to earn $1,000 a month?", [], "no figure: a 0% yield pays nothing")
calc(20, "How much do I need to earn 10^15 dollars a month at 4%?", [], "no figure: the amount is impossible")
calc(21, "how much income does -$5,000 give at 4%?", [], "no figure: a negative sum")
calc(22, "How much capital do I need to earn $2,000 a month?", [], "no figure: the yield is missing")
# what the message leaves out comes from earlier turns
calc(23, "how much capital would that take at 5%?", [capital(2500, 0.05)], "capital", turns("I want $2,500 a month eventually."))
calc(24, "what would that pay a month at 4.5%?", [income(120_000, 0.045)], "monthly income", turns("I have $120,000 invested."))

SIDES = [
    ("stocks or real estate?", ["Dividend stocks", "Rental property"]),
    ("REIT vs a rental - which is less work?", ["REITs", "Rental property"]),
    ("p2p or a money fund, which is safer?", ["Peer-to-peer lending", "Money-market funds"]),
    ("blog or course: which should I start?", ["Blog with ads", "Online courses"]),
    ("bonds or dividend stocks, which is safer?", ["bonds", "Dividend stocks"]),
    ("blog or YouTube channel, which takes less time?", ["Blog with ads", "YouTube channel"]),
    ("dividend ETFs versus robo-advisor for a beginner", ["Dividend ETFs", "Robo-advisor"]),
    ("Compare affiliate marketing and dropshipping", ["Affiliate marketing", "Dropshipping"]),
    ("ebooks or digital products - which earns sooner?", ["eBooks", "Digital products"]),
    ("Is SaaS better than a Patreon?", ["SaaS", "Paid subscriptions"]),
    ("peer to peer lending vs REITs for a small sum", ["Peer-to-peer lending", "REITs"]),
    ("which is riskier, a rental property or dividend stocks?", ["Rental property", "Dividend stocks"]),
    ("money market fund or robo advisor: where should I park savings?", ["Money-market funds", "Robo-advisor"]),
    ("online course vs ebook, which needs less money to start?", ["Online courses", "eBooks"]),
    ("franchise or rental property, which is more hands-off?", ["business that others run", "Rental property"]),
    ("REITs or dividend ETFs or p2p lending?", ["REITs", "Dividend ETFs", "Peer-to-peer lending"]),
]
for i, (q, sides) in enumerate(SIDES, start=1):
    row("side_by_side", i, q, "A side-by-side of " + " and ".join(sides) + " from the catalog.",
        expected_route="comparison", expected_sides=sides)  # fmt: skip


def per_100(hours_per_month: float, monthly: float) -> float:
    return hours_per_month / monthly * 100


PASSIVE = [
    ("My side business makes $900 a month and takes 25 hours a month: is that passive?", [per_100(25, 900)]),
    ("I earn $2,000 a month from a rental and spend 4 hours a month on it. Is that passive income?", [per_100(4, 2000)]),
    ("My blog brings in $300 a month for 10 hours a week - is it really passive?", [per_100(10 * 52 / 12, 300)]),
    ("I make 1500 euros a month tutoring, 40 hours a month. Is that passive?", [per_100(40, 1500)]),
    ("Is an online course passive?", []),
    ("Is rental property really passive?", []),
    ("Are dividend ETFs passive income?", []),
    ("is dropshipping passive or not?", []),
    ("Would a vending machine business be passive?", []),
    ("Does affiliate marketing count as passive income?", []),
]
for i, (q, numbers) in enumerate(PASSIVE, start=1):
    row("passivity", i, q, "A passive / semi-passive / active verdict with the passage that says why.",
        expected_route="passivity", expected_numbers=[round(v, 4) for v in numbers])  # fmt: skip

PREFERENCES = [
    ("I have $20,000, 10 hours a week and high risk tolerance. What should I do?", "I'd rather keep the risk low", {"risk_tolerance": "low"}),
    ("I have $5,000, 10 hours a week and I write well, what suits me?", "actually only 3 hours a week", {"hours_per_week": 3.0}),
    ("I have $2,000 and 5 hours a week. Which streams suit me?", "what if I had $50k", {"capital": 50000.0}),
    ("I have $100,000 and low risk tolerance, what do you suggest?", "Actually I'm fine with high risk", {"risk_tolerance": "high"}),
    ("I have $1,000 and 20 hours a week, suggestions?", "what if I only had 2 hours a week?", {"hours_per_week": 2.0}),
    ("I have $30,000, 2 hours a week and high risk tolerance. What should I do?", "I prefer low risk", {"risk_tolerance": "low"}),
    ("I have 15 hours a week and I write well. Ideas?", "what if I had $100k?", {"capital": 100000.0}),
    ("I have $500, 1 hour a week and I write well. Options?", "I can spare 8 hours a week", {"hours_per_week": 8.0}),
    ("I have $50,000, 1 hour a week and I teach. What suits me?", "actually I have 10 hours a week", {"hours_per_week": 10.0}),
    ("I have $3,000, 5 hours a week and high risk tolerance. What now?", "I'd rather play it safe", {"risk_tolerance": "low"}),
]


def top3(profile: dict[str, object]) -> list[str]:
    from advisor.users.profile import validate_profile
    from advisor.recommender import rank

    return [f"{s.stream.id}:{s.score}" for s in rank(validate_profile(profile)) if s.fits_profile][:3]


def stated(text: str) -> dict[str, object]:
    from advisor.conversation.facts import extract_facts

    return {k: v for k, v in extract_facts(text).items() if k != "currency"}


for i, (first, q, facts) in enumerate(PREFERENCES, start=1):
    before = stated(first)
    assert top3(before) != top3({**before, **facts}), f"preference-{i:02d}: nothing moves"
    row("preference", i, q, "The change acknowledged and the new ranking with what moved.",
        history=turns(first), expected_route="preference", expected_facts=facts,
        expected_moves=True)  # fmt: skip

PICKS = [
    "Should I buy Nvidia shares?",
    "Is Tesla stock a good buy right now?",
    "Should I put my savings into Bitcoin?",
    "Which is better to buy today, Apple or Microsoft shares?",
    "Is the Vanguard S&P 500 ETF a good fund to buy?",
    "should i buy amazon stock before earnings",
    "Is Dogecoin going to go up, should I buy?",
    "What do you think of buying Realty Income shares?",
]
for i, q in enumerate(PICKS, start=1):
    row("pick", i, q, "Declined as a specific pick, with a principle (diversification, costs, risk).",
        expected_route="decline", expected_reason="specific_pick")  # fmt: skip

if __name__ == "__main__":
    for r in ROWS:
        print(json.dumps(r, ensure_ascii=False))
