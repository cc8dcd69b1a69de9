"""Content terms: stemmed, stop-word-free tokens with corpus IDF, shared by retrieval and reading."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable

import numpy as np

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
    return stem_words(_content_words(text))


def _content_words(text: str) -> list[str]:
    """The words :func:`content_terms` stems, as written (lower-cased)."""
    text = _CAPITALS.sub(_acronym, text)
    text = _URL.sub(" ", text.lower()).replace("%", " percent ")  # web addresses are not content
    words = [w.replace(",", "") for w in _WORD.findall(text)]
    return [w for w in words if w not in STOP and (len(w) > 1 or w.isdigit())]


def written_forms(texts: Iterable[str]) -> dict[str, str]:
    """Each content term of ``texts`` by its most frequent written form ("citi": "cities"), for
    embedding. Only words of three letters or more: a number has no near-synonym ("2005" and
    "2006" embed alike) and neither has an acronym spelled like a stop word."""
    counts = Counter(w for text in texts for w in _content_words(text)
                     if len(w) > 2 and w.isalpha() and not w.endswith("acronym"))
    words = [w for w, _ in counts.most_common()]
    forms: dict[str, str] = {}
    for word, term in zip(words, stem_words(words)):
        forms.setdefault(term, word)
    return forms


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


class TermLikeness:
    """How close, by their words' embeddings, a text's terms come to the terms it lacks: a
    passage with "urban" and "rural" goes some way to a question's "cities" and "villages"."""

    def __init__(self, terms: list[str], vectors: np.ndarray) -> None:
        self._row = {term: i for i, term in enumerate(terms)}
        self._vectors = vectors

    def held(self, weight: dict[str, float], have: Collection[str], floor: float) -> float:
        """The weight of the terms ``have`` holds, each one it lacks counting its likeness to the
        nearest term it holds (a cosine) times its weight when that likeness reaches ``floor``."""
        total = sum(w for t, w in weight.items() if t in have)
        lacking = [t for t in weight if t not in have and t in self._row]
        rows = [self._row[t] for t in have if t in self._row] if lacking else []
        if rows:
            likeness = (self._vectors[rows] @ self._vectors[[self._row[t] for t in lacking]].T).max(axis=0)
            total += sum(weight[t] * float(s) for t, s in zip(lacking, likeness) if s >= floor)
        return total
