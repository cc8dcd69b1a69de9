"""The Retriever: hybrid search (dense passages, dense sentences, BM25) fused by rank."""

from __future__ import annotations

import numbers
import re
import sys
from dataclasses import dataclass

import numpy as np

from .acronyms import contract, expand
from .adapt import load_adapter
from .corpus import load_corpus
from .embed import get_embedder
from .errors import IndexLoadError, QAError, QuestionError, StaleIndexError
from .index import Index, search_text
from .question import KIND_CUES, parse
from .terms import Idf, TermLikeness, Weigher, content_terms
from .settings import Settings
from .sources import author_forms
from .types import Hit

# Weights of the three ranked lists in reciprocal rank fusion (measured on the dev set).
WEIGHTS = {"dense": 1.0, "sentence": 1.0, "lexical": 1.0}
MODES = ("hybrid", "dense", "lexical")
RERANK_POOL = 50
_LOWER_WORD = re.compile(r"\b[a-zß-öø-ÿ]+\b")
# Reranking weights, set on the twelve gold sets new-1 to new-12 (new-1 to new-10 each ranked with
# a query adapter fitted without it; new-11 and new-12 are unseen by the bundled one; dev and its
# rewording were left out) by a grid over the passage and coverage weights, the BM25 rank's weight
# and KIND_BONUS, for the best hit@5 + hit@10 + evidence recall@10 + hit@1 / 2. There: hit@5
# 0.938 -> 0.948, hit@10 0.969 -> 0.982, evidence recall 0.929 -> 0.941; dev, held out: hit@10
# 0.942 -> 0.962, evidence recall 0.920 -> 0.939, hit@5 0.923 both. The BM25 rank's weight came
# out 0 (it was 0.12), and KIND_BONUS 0.05 to 0.15 scored the same.
RERANK = {"sentence": 1.0, "passage": 0.75, "coverage": 1.0}
# Added to a sentence's similarity when it has the wording the question's kind asks for (a
# recommendation's "should", an explanation's "because"). Dev set: hit@5 0.846 -> 0.885, hit@10
# 0.885 -> 0.904, no question lost; the same from 0.08 to 0.12 (leave-one-question-out
# over 0-0.3: hit@5 0.885, hit@10 0.904). A list's shape is left out: it changes nothing.
KIND_BONUS = 0.1
BONUS_KINDS = ("recommendation", "explain")
# A question's term a passage lacks counts towards its coverage by its likeness to the passage's
# nearest word (cosine of the two words' own embeddings: "cities" and "urban" 0.81; never an
# opposite by prefix, "illegal" for "legal"), when at least LIKENESS_FLOOR; a word the corpus
# never uses has no vector and counts for nothing (embedding the question's unknown words too
# changed nothing measurable). Over the fourteen gold sets (dev, its rewording, new-1 to new-12)
# against none: mean hit@5 0.968 -> 0.976, evidence recall@10 0.956 -> 0.958, hit@10 0.992
# both, hit@1 0.806 -> 0.802; dev hit@5 0.923 -> 0.942 (b064),
# new-11 0.906 -> 0.938, new-12 0.938 -> 0.969, new-13 0.818 -> 0.841. A floor of 0.65 or 0.75
# gave mean hit@5 0.974 and the same dev; 0.5 lowered it (0.965); counting half the likeness, 0.974.
LIKENESS_FLOOR = 0.7


@dataclass(frozen=True)
class Retrieval:
    """Ranked hits plus what the reader reuses: the expanded query and its vector."""

    query: str
    expanded: str
    vector: np.ndarray
    hits: tuple[Hit, ...]


class Retriever:
    """Search a corpus' index. ``Retriever()`` opens the bundled corpus, building on first use.

    Args:
        corpus_dir: folder of documents (default: the bundled corpus).
        index_dir: where the index lives (default: ``index/`` of the project).
        settings: every other knob; ``corpus_dir``/``index_dir`` override its fields.
        auto_build: build (or rebuild, when stale) the index instead of raising.
        mode: ``"hybrid"`` (default), ``"dense"`` or ``"lexical"``, for ablations.
        index: an index already in memory (just built, say) instead of the saved one.
    """

    def __init__(self, corpus_dir=None, index_dir=None, settings: Settings | None = None,
                 auto_build: bool = True, mode: str = "hybrid", index: Index | None = None) -> None:
        if mode not in MODES:
            raise QAError(f"unknown retrieval mode {mode!r}; use one of {', '.join(MODES)}")
        self.settings = (settings or Settings()).with_(corpus_dir=corpus_dir, index_dir=index_dir)
        self.mode = mode
        self.embedder = get_embedder(self.settings.embedder)
        self.index = index if index is not None else open_index(self.settings, auto_build=auto_build)
        # the index's vectors give the model's size: a folder model's is known only once it loads
        self.adapter = load_adapter(self.settings.query_adapter, self.embedder.model_id,
                                    self.index.sentence_vectors.shape[1])
        terms = [frozenset(content_terms(search_text(p, self.index.acronyms))) for p in self.index.passages]
        self.idf = Idf(terms)
        # A passage also "holds" its document's title, organisation and date, so that questions
        # naming the source ("the South Centre note", "IOM's April 2006 paper") match its passages.
        self.document_terms = {name: frozenset(content_terms(f"{d.meta.title} {d.meta.organisation} {d.meta.month} "
                                                             f"{d.meta.year}"))
                               for name, d in self.index.documents.items()}
        self.authors = {name: author_forms(d.meta.organisation, self.index.acronyms)
                        for name, d in self.index.documents.items()}
        self.passage_terms = [t | self.document_terms[p.doc] for t, p in zip(terms, self.index.passages)]
        self.likeness = TermLikeness(self.index.term_forms, self.index.term_vectors, LIKENESS_FLOOR)
        # Words the corpus also writes in lower case: capitalised, they are no one's name.
        self.common_words = frozenset(w for d in self.index.documents.values() for w in _LOWER_WORD.findall(d.text))
        # For each kind in BONUS_KINDS, which sentences have its wording (1.0) or not (0.0).
        # A sentence whose innermost heading has that wording ("6. Recommendations for the 2013
        # HLD") fits too. Testing every heading below the chapter ("Suggested ways forward › 2.
        # Residency rights") was measured too: hit@10 over ten gold sets 0.947 -> 0.944.
        headings = [p.section.split(" › ")[-1] for p in self.index.passages]
        self.kind_fits = {kind: np.array([bool(cue.search(s.text) or cue.search(headings[s.passage]))
                                          for s in self.index.sentences], dtype=np.float32)
                          for kind in BONUS_KINDS for cue in [KIND_CUES[kind]]}

    def search(self, query: str, k: int = 10) -> list[Hit]:
        """The ``k`` best passages for a query, best first."""
        return list(self.retrieve(query, k).hits)

    def retrieve(self, query: str, k: int = 10) -> Retrieval:
        """Like :meth:`search`, also returning the query vector for the reader."""
        if not isinstance(query, str) or not query.strip():
            raise QuestionError("the query is empty; type a question or some keywords")
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise QAError(f"k={k!r} must be a whole number of at least 1")
        ix = self.index
        expanded = expand(query, ix.acronyms)
        vector = self.query_vector(expanded)
        n = min(len(ix.passages), max(self.settings.candidates, k))
        lists: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if self.mode in ("hybrid", "dense"):
            scores, ids = ix.faiss_index.search(vector[None, :], n)
            lists["dense"] = (ids[0][ids[0] >= 0], scores[0][ids[0] >= 0])
            lists["sentence"] = self._sentence_search(vector, n)
        if self.mode in ("hybrid", "lexical"):
            # Lexical search uses the question as typed: acronym expansions add common words
            # that match everything (measured: hit@10 0.788 with them, 0.808 without).
            lists["lexical"] = ix.lexical.search(f"{query} {contract(query, ix.acronyms)}", n)
        fused: dict[int, float] = {}
        for name, (ids, _) in lists.items():
            for rank, pos in enumerate(ids):
                fused[int(pos)] = fused.get(int(pos), 0.0) + WEIGHTS[name] / (self.settings.rrf_k + rank + 1)
        if self.mode == "hybrid":
            fused = self._rerank(query, vector, sorted(fused, key=lambda p: -fused[p])[:RERANK_POOL])
        best = sorted(fused, key=lambda p: -fused[p])[:k]
        hits = tuple(
            Hit(doc=p.doc, start=p.start, end=p.end, score=fused[i], text=p.text,
                section=p.section, paragraph=p.paragraph, position=i)
            for i in best
            for p in [ix.passages[i]]
        )
        return Retrieval(query, expanded, vector, hits)

    def _rerank(self, query: str, vector: np.ndarray, pool: list[int]) -> dict[int, float]:
        """Score the fused pool on what a reader checks: the best sentence's similarity (a sentence
        worded as the question's kind asks gains ``KIND_BONUS``), the passage's similarity, and how
        much of the query's rare vocabulary it holds, or words like it."""
        ix = self.index
        fits = self.kind_fits.get(parse(query).kind)
        coverage = self.coverage(query)
        scores = {}
        for pos in pool:
            rows = ix.passage_sentences[pos]
            sims = ix.sentence_vectors[rows.start:rows.stop] @ vector
            if fits is not None:
                sims = sims + KIND_BONUS * fits[rows.start:rows.stop]
            best_sentence = float(np.max(sims))
            scores[pos] = (RERANK["sentence"] * best_sentence
                           + RERANK["passage"] * float(ix.passage_vectors[pos] @ vector)
                           + RERANK["coverage"] * coverage.share(self.passage_terms[pos]))
        return scores

    def coverage(self, query: str) -> Weigher:
        """The query's vocabulary weighted by rarity (IDF), to weigh how much of it a text holds:
        a passage also holds a word it lacks by that word's likeness to its nearest word
        (:class:`qa.terms.TermLikeness`)."""
        return self.likeness.weigher({t: self.idf(t) for t in self.query_terms(query)})

    def query_vector(self, expanded: str) -> np.ndarray:
        """The query's vector (its acronyms spelled out), through the query adapter if any."""
        vector = self.embedder.embed([expanded])
        return (self.adapter.apply(vector) if self.adapter else vector)[0]

    def query_terms(self, query: str) -> set[str]:
        """The query's content terms plus the acronyms of the bodies it names in full."""
        return set(content_terms(f"{query} {contract(query, self.index.acronyms)}"))

    def _sentence_search(self, vector: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Passages ranked by their best-matching sentence."""
        # einsum runs on the calling thread: a threaded BLAS matrix-vector product waits for a
        # second core to wake up (7 ms instead of 0.7 ms for 7,112 sentences on 2 loaded cores).
        sims = np.einsum("ij,j->i", self.index.sentence_vectors, vector)
        top = np.argpartition(-sims, min(len(sims) - 1, 4 * n))[: 4 * n]
        top = top[np.argsort(-sims[top])]
        best: dict[int, float] = {}
        for s in top:
            best.setdefault(self.index.sentences[s].passage, float(sims[s]))
        ids = np.array(list(best)[:n], dtype=np.int64)
        return ids, np.array([best[i] for i in ids], dtype=np.float32)


def open_index(settings: Settings, auto_build: bool = True, progress: bool | None = None) -> Index:
    """Load the index for the settings' corpus; build or rebuild it when allowed.

    An index built here that cannot be saved (a read-only or full index folder) is still
    used, with a warning on stderr, and built again on the next start.
    """
    docs = load_corpus(settings.corpus_dir)
    embedder = get_embedder(settings.embedder)
    try:
        return Index.load(settings.index_dir, docs, embedder.model_id, nprobe=settings.faiss_nprobe)
    except (StaleIndexError, IndexLoadError) as exc:
        if not auto_build:
            raise
        print(f"qa: {exc}; building the index now...", file=sys.stderr)
    index = _build(settings, docs, progress)
    try:
        index.save(settings.index_dir)
    except QAError as exc:
        print(f"qa: {exc}; answering from the index built in memory this time", file=sys.stderr)
    return index


def build_index(settings: Settings, docs=None, progress: bool | None = None) -> Index:
    """Build and save the index of the settings' corpus."""
    index = _build(settings, docs if docs is not None else load_corpus(settings.corpus_dir), progress)
    index.save(settings.index_dir)
    return index


def _build(settings: Settings, docs, progress: bool | None) -> Index:
    show = sys.stderr.isatty() if progress is None else progress
    return Index.build(docs, get_embedder(settings.embedder), settings.passage_chars,
                       settings.faiss_factory, progress=show, nprobe=settings.faiss_nprobe)
