"""Whether a text is words at all (:func:`unknown_share`: keyboard mash) and whether
it is written in another language (:func:`foreign_language`), from the word lists of
:mod:`advisor.conversation.vocabulary`; the guard declines both, and the speller leaves a foreign
text alone.
"""

from __future__ import annotations

import re

from advisor.conversation.vocabulary import _TOKEN, _norm, is_word

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
