"""BM25 lexical search (bm25s) with English stemming and stop words."""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

import numpy as np

from .errors import MissingDependencyError


_local = threading.local()


def _stemmer():
    """This thread's English stemmer: PyStemmer documents its stemmers as not thread-safe."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        try:
            import Stemmer
        except ImportError as exc:
            raise MissingDependencyError("lexical search needs PyStemmer; run: pip install PyStemmer") from exc
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


# British spellings read as American ones before stemming, so "labour" finds "labor" and
# "organisation" finds "organization". Applied to documents and queries alike.
_SPELLINGS = [(re.compile(p), r) for p, r in [
    (r"(?<=\w{3})our(s|ed|ing|er|ers|ite|ites|able|ably|al|ally)?$", r"or\1"),
    (r"(?<=\w{3})is(e|ed|es|ing|er|ers|ation|ations|ational|ationally)$", r"iz\1"),
    (r"(?<=\w{3})tre(s?)$", r"ter\1"),
    (r"(?<=\w{3})tred$", r"tered"),
    (r"(?<=\w{3})mme(s?)$", r"m\1"),
]]


@functools.lru_cache(maxsize=200_000)
def _american(word: str) -> str:
    for pattern, replacement in _SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


# An acronym's plural is the acronym ("GDPs", "NGOs", "RCPs"): the stemmer keeps an "s" after
# a run of consonants or after a vowel, so "gdps" and "gdp" would be two terms.
PLURAL_CAPITALS = re.compile(r"\b([A-Z]{2,})s\b")


def stem_words(words: list[str]) -> list[str]:
    """English stems, British and American spellings alike."""
    return _stemmer().stemWords([_american(w) for w in words])


def tokenize(texts: list[str]):
    """bm25s tokens (ids plus vocabulary) of texts: lower-cased, English stop words out, stemmed,
    an acronym's plural read as the acronym."""
    import bm25s

    singular = [PLURAL_CAPITALS.sub(r"\1", text) for text in texts]
    return bm25s.tokenize(singular, stopwords="en", stemmer=stem_words, show_progress=False)


class Lexical:
    """A BM25 index over a list of texts, addressed by their positions."""

    def __init__(self, bm25) -> None:
        self._bm25 = bm25

    @classmethod
    def build(cls, texts: list[str]) -> "Lexical":
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index(tokenize(texts), show_progress=False)
        return cls(bm25)

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Positions and BM25 scores of the best ``k`` texts (fewer if few match)."""
        tokens = tokenize([query])
        if not tokens.ids or not tokens.ids[0]:
            return np.array([], dtype=np.int64), np.array([], dtype=np.float32)
        k = min(k, self._bm25.scores["num_docs"])
        ids, scores = self._bm25.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        keep = scores[0] > 0
        return ids[0][keep].astype(np.int64), scores[0][keep]

    def __eq__(self, other: object) -> bool:
        """Same vocabulary and same score matrix (to check an index read back from disk)."""
        if not isinstance(other, Lexical):
            return NotImplemented
        mine, theirs = self._bm25.scores, other._bm25.scores
        return (self._bm25.vocab_dict == other._bm25.vocab_dict and mine["num_docs"] == theirs["num_docs"]
                and all(np.array_equal(mine[k], theirs[k]) for k in ("data", "indices", "indptr")))

    __hash__ = None  # type: ignore[assignment]  # mutable wrapper: equal by content, not hashable

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, mmap: bool = False) -> "Lexical":
        import bm25s

        return cls(bm25s.BM25.load(str(folder), mmap=mmap, load_corpus=False, show_progress=False))
