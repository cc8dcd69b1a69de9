"""Content terms: stemmed, stop-word-free tokens with corpus IDF, shared by retrieval and reading."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

from .lexical import PLURAL_CAPITALS, stem_words

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


_STOP_ACRONYM = "acronym"  # the mark of an acronym spelled like a stop word: "WHO" -> "WHOacronym"


def _acronym(run: re.Match) -> str:
    word = run.group()
    return f"{word}{_STOP_ACRONYM}" if len(word) > 1 and word.lower() in STOP else word


def content_terms(text: str) -> list[str]:
    """Lower-cased, stemmed words of ``text`` without stop words (numbers kept whole); an
    acronym spelled like a stop word ("WHO") is kept, as a term of its own."""
    return stem_words(_content_words(text))


def _content_words(text: str) -> list[str]:
    """The words :func:`content_terms` stems, as written (lower-cased)."""
    text = _CAPITALS.sub(_acronym, PLURAL_CAPITALS.sub(r"\1", text))
    text = _URL.sub(" ", text.lower()).replace("%", " percent ")  # web addresses are not content
    words = [w.replace(",", "") for w in _WORD.findall(text)]
    return [w for w in words if w not in STOP and (len(w) > 1 or w.isdigit())]


def written_forms(texts: Iterable[str]) -> dict[str, str]:
    """Each content term of ``texts`` by its most frequent written form ("citi": "cities"), for
    embedding. Only words of three letters or more: a number has no near-synonym ("2005" and
    "2006" embed alike), nor has a two-letter acronym ("UN", "EU") or one spelled like a stop word."""
    counts = Counter(w for text in texts for w in _content_words(text)
                     if len(w) > 2 and w.isalpha() and not w.endswith(_STOP_ACRONYM))
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
    passage that says "urban" goes some way to a question's "cities" (0.81 with MiniLM)."""

    def __init__(self, forms: dict[str, str], vectors: np.ndarray, floor: float) -> None:
        """``forms``: each term's written form, in the order of the rows of ``vectors``;
        ``floor``: the least likeness that counts."""
        self._row = {term: i for i, term in enumerate(forms)}
        self._terms = list(forms)
        self._forms = list(forms.values())
        self._vectors = vectors
        self._floor = floor
        # a term -> its alike terms and their likeness; filled as queries come, never changed
        # after (two threads may both compute an entry: the same, so no lock)
        self._alike: dict[str, dict[str, float]] = {}

    def weigher(self, weight: dict[str, float]) -> Weigher:
        """Weighs what a text holds of the weighted terms (see :meth:`Weigher.share`)."""
        alike = {t: self._terms_alike(t) for t in weight}
        return Weigher(weight, {t: near for t, near in alike.items() if near}, sum(weight.values()) or 1.0)

    def _terms_alike(self, term: str) -> dict[str, float]:
        """The terms whose words' likeness to the term's reaches the floor, but for its opposites
        by prefix, as written or as stems (see :func:`_prefixed`); found once a term. A term the
        texts never use has no vector, so none is alike to it."""
        if term not in self._alike and term in self._row:
            row = self._row[term]
            # einsum runs on the calling thread: a threaded BLAS product, called by several
            # clients at once, made searches 4 to 7 times slower (see Retriever._sentence_search)
            sims = np.einsum("ij,j->i", self._vectors, self._vectors[row])
            self._alike[term] = {self._terms[i]: float(sims[i]) for i in np.flatnonzero(sims >= self._floor)
                                 if i != row and not _prefixed(self._forms[row], self._forms[i])
                                 and not _prefixed(term, self._terms[i])}
        return self._alike.get(term, {})


@dataclass(frozen=True)
class Weigher:
    """A query's weighted terms (by rarity, say), and the terms alike to each (those that have
    some; the likeness's own cached dicts, shared by every query: read them, never write)."""

    weight: dict[str, float]
    alike: dict[str, dict[str, float]]
    total: float  # of the weights (1 when there are none)

    def share(self, have: Collection[str], alike: bool = True) -> float:
        """The share (0 to 1) of the weight that a text with these terms holds; with ``alike``,
        each term it lacks counts its likeness to the nearest term it holds. Plain Python: a
        numpy call per passage held the interpreter lock long enough to halve answers per second
        with 8 clients."""
        held = 0.0
        for term, w in self.weight.items():
            if term in have:
                held += w
            elif alike and term in self.alike:
                held += w * max((s for t, s in self.alike[term].items() if t in have), default=0.0)
        return held / self.total


# Beginnings that turn a word into its opposite or its counterpart: "un-", "il-legal", "in-" /
# "out-flow", "e-" / "im-migrants", "in-" / "de-crease", "wo-men", "fe-male", "ex-" / "im-port".
_OPPOSING = ("", "un", "in", "im", "il", "ir", "dis", "non", "mis", "anti", "de", "out", "ex", "e", "wo", "fe")


def _prefixed(a: str, b: str) -> bool:
    """True when one word is the other with an opposing beginning added or swapped: "legal" and
    "illegal" (0.84 with MiniLM), "inflow" and "outflow" (0.85), "emigrants" and "immigrants",
    "men" and "women". Such words embed alike and mean the opposite; not "largest" and "biggest".
    A few counterparts are lost ("mail", "email"); opposites with no shared root still count
    as alike ("higher", "lower" 0.79)."""
    return any(a.startswith(p) and len(rest := a[len(p):]) >= 3 and b == q + rest
               for p in _OPPOSING for q in _OPPOSING if p != q)
