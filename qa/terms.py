"""Content terms: stemmed, stop-word-free tokens with corpus IDF, shared by retrieval and reading."""

from __future__ import annotations

import math
import re
from collections import Counter

from .lexical import stem_words

STOP = frozenset("""a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just me more
most my no nor not now of off on once only or other our out over own same she should so some such
than that the their them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours according say says said
tell give given many much mean make made per cent one two""".split())
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+\.(?:int|org|com|net|pdf)\b\S*")


# A run of words in capitals: one word alone is an acronym ("WHO"), several a heading ("WHO WE ARE").
_CAPITALS = re.compile(r"\b[A-Z]+\b(?:\s+[A-Z]+\b)*")


def _acronym(run: re.Match) -> str:
    word = run.group()
    return f"{word}acronym" if len(word) > 1 and word.lower() in STOP else word


def content_terms(text: str) -> list[str]:
    """Lower-cased, stemmed words of ``text`` without stop words (numbers kept whole); an
    acronym spelled like a stop word ("WHO") is kept, as a term of its own."""
    text = _CAPITALS.sub(_acronym, text)
    text = _URL.sub(" ", text.lower()).replace("%", " percent ")  # web addresses are not content
    words = [w.replace(",", "") for w in _WORD.findall(text)]
    return stem_words([w for w in words if w not in STOP and (len(w) > 1 or w.isdigit())])


class Idf:
    """Inverse document frequencies of content terms, given each text's set of terms."""

    def __init__(self, term_sets: list[frozenset[str]]) -> None:
        df: Counter[str] = Counter()
        for terms in term_sets:
            df.update(terms)
        self.n = len(term_sets)
        self._df = df

    def share(self, term: str) -> float:
        """The share of texts holding the term."""
        return self._df.get(term, 0) / max(self.n, 1)

    def __call__(self, term: str) -> float:
        return math.log((self.n + 1) / (self._df.get(term, 0) + 0.5))
