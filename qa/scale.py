"""Search on synthetic corpora of 10^5 to 10^6 passages, for ``qa bench``.

Vectors: each synthetic passage mixes two real sentence vectors of the corpus with a random
weight, plus Gaussian noise of half their norm, renormalised: a passage on two topics of the
corpus, in proportions of its own. This keeps the corpus' uneven layout, where uniform random
vectors would be a worst case no real corpus resembles (every point about equally far from every
other, so IVF lists carry no signal), without the easy case of copies of 7,000 seeds (one seed
plus noise: recall@10 was 0.99 already at nprobe 8 on 10^5 and 10^6 passages; mixtures 0.93 and
0.97). Queries are drawn the same way. Exact search (``IndexFlatIP``) gives the ground truth.

Lexical: each synthetic passage is 4 corpus sentences drawn at random (a real passage holds
3.6 on average), tokenised once; the BM25 index is built, saved, loaded memory-mapped and
queried with the benchmark's questions.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .ann import build_faiss, faiss_factory_for, index_bytes, recall_at_k, set_nprobe
from .lexical import Lexical, tokenize

NOISE = 0.5  # norm of the noise added to a mixture of two unit seed vectors
SENTENCES_PER_PASSAGE = 4
NPROBES = (8, 16, 32, 64, 128)


@dataclass(frozen=True)
class VectorScale:
    """Approximate vector search on ``n`` synthetic passages, against exact search."""

    n: int
    factory: str
    nprobe: int
    recall_at_10: float
    search_p50_ms: float
    search_p95_ms: float
    exact_p50_ms: float
    index_mb: float
    exact_index_mb: float
    build_s: float
    sweep: list[dict]  # recall and latency for each nprobe tried


@dataclass(frozen=True)
class LexicalScale:
    """BM25 search on ``n`` synthetic passages, in memory and memory-mapped."""

    n: int
    index_s: float
    search_p50_ms: float
    search_p95_ms: float
    mmap_search_p50_ms: float
    mmap_search_p95_ms: float
    disk_mb: float


def synthetic_vectors(seeds: np.ndarray, n: int, rng: np.random.Generator, chunk: int = 100_000) -> np.ndarray:
    """``n`` unit vectors, each a random mixture of two seed rows plus noise of norm about :data:`NOISE`."""
    dim = seeds.shape[1]
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        w = rng.random((m, 1), dtype=np.float32)
        v = w * seeds[rng.integers(len(seeds), size=m)] + (1 - w) * seeds[rng.integers(len(seeds), size=m)]
        v += rng.standard_normal((m, dim), dtype=np.float32) * np.float32(NOISE / np.sqrt(dim))
        out[start:start + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def vector_scale(seeds: np.ndarray, n: int, n_queries: int = 200, seed: int = 0) -> VectorScale:
    """Build the index ``"auto"`` picks for ``n`` passages and measure it against exact search.

    The reported ``nprobe`` is the default one (what :class:`~qa.index.Index` uses); the sweep
    shows the trade-off around it.
    """
    import faiss

    rng = np.random.default_rng(seed)
    vectors = synthetic_vectors(seeds, n, rng)
    queries = synthetic_vectors(seeds, n_queries, rng)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, 10)
    exact_ms = _latencies(exact, queries[:30])
    factory = faiss_factory_for(n)
    started = time.perf_counter()
    index = build_faiss(vectors, factory)
    build_s = time.perf_counter() - started
    del vectors
    sweep = []
    for nprobe in (NPROBES if "IVF" in factory else (0,)):
        if set_nprobe(index, nprobe) != nprobe:
            break  # more lists than the index has
        sweep.append(_measure(index, queries, truth, nprobe))
    chosen = _measure(index, queries, truth, set_nprobe(index, 0))
    return VectorScale(n=n, factory=factory, nprobe=chosen["nprobe"], recall_at_10=chosen["recall_at_10"],
                       search_p50_ms=chosen["p50_ms"], search_p95_ms=chosen["p95_ms"],
                       exact_p50_ms=round(float(np.median(exact_ms)), 2),
                       index_mb=round(index_bytes(index) / 2**20, 1),
                       exact_index_mb=round(index_bytes(exact) / 2**20, 1),
                       build_s=round(build_s, 1), sweep=sweep)


def lexical_scale(sentences: list[str], n: int, questions: list[str], seed: int = 0) -> LexicalScale:
    """Index ``n`` passages of random corpus sentences with BM25 and time searches."""
    import bm25s

    rng = np.random.default_rng(seed)
    tokens = tokenize(sentences)
    picks = rng.integers(len(sentences), size=(n, SENTENCES_PER_PASSAGE))
    ids = [[t for s in row for t in tokens.ids[s]] for row in picks]
    started = time.perf_counter()
    bm25 = bm25s.BM25()
    bm25.index(bm25s.tokenization.Tokenized(ids=ids, vocab=tokens.vocab), show_progress=False)
    index_s = time.perf_counter() - started
    del ids
    in_memory = _lexical_latencies(Lexical(bm25), questions)
    folder = Path(tempfile.mkdtemp(prefix="qa-bench-bm25-"))
    try:
        Lexical(bm25).save(folder)
        del bm25
        disk_mb = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20
        mapped = _lexical_latencies(Lexical.load(folder, mmap=True), questions)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return LexicalScale(n=n, index_s=round(index_s, 1), search_p50_ms=_pct(in_memory, 50),
                        search_p95_ms=_pct(in_memory, 95), mmap_search_p50_ms=_pct(mapped, 50),
                        mmap_search_p95_ms=_pct(mapped, 95), disk_mb=round(disk_mb, 1))


def as_dict(result: VectorScale | LexicalScale) -> dict:
    """A plain dict for ``bench.json``."""
    return asdict(result)


def _measure(index, queries: np.ndarray, truth: np.ndarray, nprobe: int) -> dict:
    _, found = index.search(queries, 10)
    ms = _latencies(index, queries)
    return {"nprobe": nprobe, "recall_at_10": round(recall_at_k(found, truth, 10), 4),
            "p50_ms": _pct(ms, 50), "p95_ms": _pct(ms, 95)}


def _latencies(index, queries: np.ndarray) -> list[float]:
    """Milliseconds of one-query searches, as a single client would send them."""
    out = []
    for q in queries:
        started = time.perf_counter()
        index.search(q[None, :], 10)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _lexical_latencies(lexical: Lexical, questions: list[str]) -> list[float]:
    out = []
    for q in questions:
        started = time.perf_counter()
        lexical.search(q, 50)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2)
