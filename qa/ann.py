"""The FAISS vector index: its type chosen by corpus size, its search breadth, its recall.

The index type is a FAISS factory string (``"Flat"``, ``"IVF1024,Flat"``, ``"HNSW32"``...), set in
:class:`~qa.settings.Settings` and recorded in the manifest. ``"auto"`` picks one by size:
exact search while it is fast enough, an inverted file (IVF) above that. ``nprobe`` (how many IVF
lists a query scans) is a search-time knob: it is set when the index is built or loaded.
"""

from __future__ import annotations

import math

import numpy as np

from .errors import QAError

AUTO = "auto"
FLAT_MAX = 50_000  # below this, exact search of 384-d vectors takes about a millisecond
SQ8_MIN = 2_000_000  # from here, 8-bit scalar codes: a quarter of the float32 memory


def faiss_factory_for(n_vectors: int) -> str:
    """The factory string ``"auto"`` stands for, for a corpus of ``n_vectors`` passages.

    ``Flat`` (exact) below 50,000 passages; above, an IVF with about ``sqrt(n)`` lists (a power of
    two, so training stays within a minute on 2 cores), storing full vectors up to 2 million
    passages and 8-bit codes beyond.
    """
    if n_vectors < FLAT_MAX:
        return "Flat"
    nlist = 2 ** round(math.log2(math.sqrt(n_vectors)))
    return f"IVF{nlist},{'SQ8' if n_vectors >= SQ8_MIN else 'Flat'}"


def resolve_factory(factory: str, n_vectors: int) -> str:
    """The concrete factory string for a setting that may be ``"auto"``."""
    return faiss_factory_for(n_vectors) if factory == AUTO else factory


def default_nprobe(nlist: int) -> int:
    """IVF lists scanned per query: 1/16 of them, at least 16 (recall@10 0.96 at 10^5 and 1.0 at
    10^6 passages against exact search, on the synthetic corpora of ``qa bench``)."""
    return min(nlist, max(16, nlist // 16))


def build_faiss(vectors: np.ndarray, factory: str, train_max: int = 100_000):
    """A FAISS inner-product index over unit vectors, trained on at most ``train_max`` of them.

    Args:
        vectors: ``(n, dim)`` float32 unit rows.
        factory: a concrete FAISS factory string (not ``"auto"``).
        train_max: training sample size (k-means on a sample is as good and much faster).
    """
    import faiss

    try:
        index = faiss.index_factory(vectors.shape[1], factory, faiss.METRIC_INNER_PRODUCT)
    except RuntimeError as exc:
        raise QAError(f"bad FAISS factory string {factory!r} ({str(exc).strip().splitlines()[-1]}); "
                      "use 'auto', 'Flat', 'IVF1024,Flat', 'HNSW32' or another faiss.index_factory string") from exc
    if not index.is_trained:
        step = max(1, len(vectors) // train_max)
        index.train(np.ascontiguousarray(vectors[::step]))
    index.add(vectors)
    return index


def set_nprobe(index, nprobe: int = 0) -> int:
    """Set how many IVF lists a query scans (0: :func:`default_nprobe`); 0 for non-IVF indexes.

    Returns:
        The value set, for the manifest.
    """
    import faiss

    try:
        ivf = faiss.extract_index_ivf(index)
    except RuntimeError:  # not an IVF index: nothing to tune
        return 0
    ivf.nprobe = min(ivf.nlist, nprobe or default_nprobe(ivf.nlist))
    return int(ivf.nprobe)


def index_bytes(index) -> int:
    """Bytes the index takes (its serialised size, which is what it holds in memory)."""
    import faiss

    return int(faiss.serialize_index(index).nbytes)


def recall_at_k(found: np.ndarray, exact: np.ndarray, k: int = 10) -> float:
    """Share of the exact top-``k`` neighbours that the approximate search also returned.

    Args:
        found: ``(n_queries, >=k)`` ids from the approximate index (-1 for none).
        exact: ``(n_queries, >=k)`` ids from exact search.
    """
    found, exact = np.asarray(found)[:, :k], np.asarray(exact)[:, :k]
    if found.shape[0] != exact.shape[0] or exact.shape[1] < k:
        raise QAError(f"recall@{k} needs {k} exact ids per query for every query; "
                      f"got shapes {found.shape} and {exact.shape}")
    hits = sum(len(set(f[f >= 0]) & set(e)) for f, e in zip(found, exact))
    return hits / exact.size
