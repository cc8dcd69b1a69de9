"""A query adapter: a linear map learned from gold questions that moves a question's vector
towards the sentences that answer it.

MiniLM places "Who does IOM think should help pay for training workers?" far from "...the public
and private sectors in countries of destination [should] share the costs of global human resource
development". A 384 x 384 matrix ``A = I + W``, applied to the query vector only (the index is
untouched), is fitted on (question, evidence sentences) pairs of gold sets: a softmax over every
sentence of the corpus makes the evidence win, and an L2 penalty keeps ``A`` near the identity.
The bundled adapter (``qa/data/query_adapter.npz``) was fitted on ``eval/gold/new-1.jsonl`` to
``new-10.jsonl`` over the bundled corpus; its weights never saw the dev set or its rewording (the
L2 penalty was chosen with dev as one held-out fold, and the reader's confidence is fitted on dev).
``qa adapt`` fits a new one.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from .acronyms import expand
from .errors import QAError
from .files import atomic_write

if TYPE_CHECKING:
    from .embed import Embedder
    from .index import Index
    from .metrics import GoldItem

BUNDLED = Path(__file__).resolve().parent / "data" / "query_adapter.npz"
MODEL = "all-MiniLM-L6-v2"
# The model ids that give MiniLM's vectors: the int8 and fp32 builds agree to cosine >= 0.998.
SAME_VECTORS = {"all-MiniLM-L6-v2-onnx-int8": MODEL}
MAX_PAIRS = 50_000_000  # questions x sentences that one fit holds in memory (about 2 GB)
# Fitted by leaving one gold set out at a time (new-1 to new-10, dev): mean reciprocal rank of the
# first evidence sentence among all 7,308, 0.468 unadapted; 0.584 (L2 0.3), 0.604 (0.1), 0.609 (0.03).
L2, TEMPERATURE, STEPS, LEARNING_RATE = 0.1, 0.05, 200, 1e-3


@dataclass(frozen=True)
class QueryAdapter:
    """A linear map for query vectors, and what it was fitted on."""

    matrix: np.ndarray  # (dim, dim)
    model: str
    trained_on: tuple[str, ...]
    questions: int

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        """The adapted, unit-length query vectors."""
        out = vectors @ self.matrix
        return (out / np.maximum(np.linalg.norm(out, axis=-1, keepdims=True), 1e-12)).astype(np.float32)

    def save(self, path: Path | str) -> None:
        """Write the adapter atomically as a compressed ``.npz``.

        Raises:
            QAError: the file cannot be written; nothing there is changed.
        """
        meta = json.dumps({"model": self.model, "trained_on": list(self.trained_on), "questions": self.questions})
        data = io.BytesIO()
        np.savez_compressed(data, matrix=self.matrix.astype(np.float32), meta=np.array(meta))
        try:
            atomic_write(Path(path), data.getvalue())
        except OSError as e:
            raise QAError(f"cannot write the query adapter to {path} ({e.strerror or e}); "
                          "choose a writable .npz path") from None


def model_of(model_id: str) -> str:
    """The model an embedder's vectors come from (the int8 MiniLM gives MiniLM's)."""
    return SAME_VECTORS.get(model_id, model_id)


def load_adapter(setting: str, model_id: str, dim: int) -> QueryAdapter | None:
    """The adapter a ``query_adapter`` setting names, or None.

    Args:
        setting: ``"bundled"`` (used when the embedder is MiniLM, else none), ``"none"``, or the
            path of an adapter written by ``qa adapt``.
        model_id: the embedder's model id; an adapter only fits the model it was fitted for.
        dim: the embedder's vector size.

    Raises:
        QAError: the file is missing, unreadable, malformed, or made for another model.
    """
    if setting == "none" or setting == "bundled" and model_of(model_id) != MODEL:
        return None
    path = BUNDLED if setting == "bundled" else Path(setting)
    fix = "write one with 'qa adapt' or set QA_QUERY_ADAPTER=none"
    try:
        with np.load(path, allow_pickle=False) as data:
            matrix, meta = np.asarray(data["matrix"], dtype=np.float32), json.loads(str(data["meta"]))
        adapter = QueryAdapter(matrix, str(meta["model"]), tuple(map(str, meta["trained_on"])), int(meta["questions"]))
    except Exception as e:  # a damaged file fails in many ways (zip, zlib, JSON, keys, types)
        raise QAError(f"cannot read the query adapter {path} ({type(e).__name__}: {e}); {fix}") from None
    finite = bool(np.isfinite(matrix).all())
    if matrix.shape != (dim, dim) or not finite:
        values = "" if finite else "non-finite values, "
        raise QAError(f"the query adapter {path} holds a {'x'.join(map(str, matrix.shape))} matrix with "
                      f"{values}not a finite {dim}x{dim} one; {fix}")
    if adapter.model != model_of(model_id):
        raise QAError(f"the query adapter {path} was fitted for {adapter.model}, not {model_id}; "
                      "fit one with 'qa adapt' or set QA_QUERY_ADAPTER=none")
    return adapter


def training_pairs(index: Index, gold: Sequence[GoldItem], vectors: np.ndarray) -> tuple[np.ndarray, list[list[int]]]:
    """The question vectors of the answerable gold items and, for each, the positions of the
    index sentences that overlap its evidence; items whose evidence no sentence holds are dropped."""
    starts: dict[str, list[int]] = {}
    for pos, s in enumerate(index.sentences):
        starts.setdefault(s.doc, []).append(pos)
    rows, positives = [], []
    for item, vector in zip(gold, vectors):
        found = sorted({pos for doc, start, end in item.spans for pos in starts.get(doc, [])
                        if index.sentences[pos].start < end and start < index.sentences[pos].end})
        if item.answerable and found:
            rows.append(vector)
            positives.append(found)
    return np.array(rows, dtype=np.float32).reshape(-1, index.sentence_vectors.shape[1]), positives


def fit(queries: np.ndarray, positives: list[list[int]], sentences: np.ndarray,
        l2: float = L2, temperature: float = TEMPERATURE, steps: int = STEPS) -> np.ndarray:
    """Fit ``A = I + W`` by Adam on the mean softmax loss of the evidence sentences among all
    ``sentences`` plus ``l2 * |W|^2``; returns ``A``."""
    if not len(queries):
        raise QAError("no gold question has evidence in the index; check the gold files and the corpus")
    if not all(positives) or len(positives) != len(queries):
        raise QAError("every question needs at least one evidence sentence; leave out those without")
    n, dim = queries.shape
    if n * len(sentences) > MAX_PAIRS:
        raise QAError(f"{n} questions x {len(sentences)} sentences is too much to fit in memory at once "
                      f"(at most {MAX_PAIRS:,}); fit on fewer questions")
    mask = np.zeros((n, len(sentences)), dtype=bool)
    for i, rows in enumerate(positives):
        mask[i, rows] = True
    w = np.zeros((dim, dim))
    m, v = np.zeros_like(w), np.zeros_like(w)
    for step in range(1, steps + 1):
        z = queries @ (np.eye(dim) + w)
        norm = np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        u = z / norm
        logits = u @ sentences.T / temperature
        p = np.exp(logits - logits.max(1, keepdims=True))
        p_all = p / p.sum(1, keepdims=True)
        p_pos = np.where(mask, p, 0)
        p_pos /= p_pos.sum(1, keepdims=True)
        d_u = (p_all - p_pos) @ sentences / (temperature * n)
        d_z = (d_u - u * np.sum(d_u * u, axis=1, keepdims=True)) / norm
        grad = queries.T @ d_z + 2 * l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad ** 2
        w -= LEARNING_RATE * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    matrix = (np.eye(dim) + w).astype(np.float32)
    if not np.isfinite(matrix).all():
        raise QAError("fitting the query adapter diverged; try a larger L2 penalty or fewer steps")
    return matrix


def fit_on_gold(index: Index, embedder: Embedder, gold: dict[str, Sequence[GoldItem]]) -> QueryAdapter:
    """Fit an adapter on named gold sets over an index, the questions embedded as the retriever
    embeds them (acronyms spelled out)."""
    items = [item for items in gold.values() for item in items]
    vectors = embedder.embed([expand(item.question, index.acronyms) for item in items])
    queries, positives = training_pairs(index, items, vectors)
    return QueryAdapter(fit(queries, positives, index.sentence_vectors), model_of(embedder.model_id),
                        tuple(gold), len(queries))
