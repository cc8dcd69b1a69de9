"""BM25 lexical search (bm25s) with English stemming and stop words."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from .errors import MissingDependencyError


@functools.lru_cache(maxsize=1)
def _stemmer():
    try:
        import Stemmer
    except ImportError as exc:
        raise MissingDependencyError("lexical search needs PyStemmer; run: pip install PyStemmer") from exc
    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]):
    """bm25s tokens (ids plus vocabulary) of texts: lower-cased, English stop words out, stemmed."""
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer().stemWords, show_progress=False)


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

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, mmap: bool = False) -> "Lexical":
        import bm25s

        return cls(bm25s.BM25.load(str(folder), mmap=mmap, load_corpus=False, show_progress=False))
