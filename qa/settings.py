"""One frozen settings object; only the edges (CLI, app) read environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .errors import QAError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = PROJECT_ROOT / "corpus"
BUNDLED_INDEX = PROJECT_ROOT / "index"


@dataclass(frozen=True)
class Settings:
    """Every tunable of the pipeline, with the defaults measured on the dev set.

    Attributes:
        corpus_dir: folder of documents plus ``manifest.json``.
        index_dir: folder where the built index lives.
        embedder: ``"minilm-int8"`` (bundled all-MiniLM-L6-v2, int8 ONNX), ``"minilm"`` (the
            same in fp32), a sentence-transformers model folder, or ``"hash"`` (model-free, tests).
        faiss_factory: FAISS index factory string for passage vectors ("Flat", "IVF1024,Flat",
            "HNSW32"...), or "auto": "Flat" below 50,000 passages, IVF above (see ``qa.ann``).
        faiss_nprobe: IVF lists a query scans; 0 picks 1/16 of the lists (at least 16).
        passage_chars: target size of a passage in characters.
        rrf_k: the constant of reciprocal rank fusion.
        candidates: how many hits each retriever contributes before fusion.
        reader: ``"extractive"`` (default, embedded), ``"hf-qa"`` or ``"generative"``.
        reader_model: model name or path for the transformers readers.
        max_question_chars: longer questions are refused with a clear message.
        max_document_mb: larger files are refused when adding documents to the corpus.
        query_adapter: ``"bundled"`` (the linear map fitted on gold questions, see ``qa.adapt``;
            used with the MiniLM embedders), ``"none"``, or the path of one ``qa adapt`` wrote.
    """

    corpus_dir: Path = BUNDLED_CORPUS
    index_dir: Path = BUNDLED_INDEX
    embedder: str = "minilm-int8"
    faiss_factory: str = "auto"
    faiss_nprobe: int = 0
    passage_chars: int = 900
    rrf_k: int = 60
    candidates: int = 50
    reader: str = "extractive"
    reader_model: str = ""
    max_question_chars: int = 2000
    max_document_mb: int = 50
    query_adapter: str = "bundled"

    def with_(self, **changes: object) -> "Settings":
        """A copy with some fields changed (paths given as strings are converted)."""
        for key in ("corpus_dir", "index_dir"):
            if key in changes and changes[key] is not None:
                changes[key] = Path(changes[key])  # type: ignore[arg-type]
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        """Settings with ``QA_<FIELD>`` environment variables applied (for the CLI and app).

        Raises:
            QAError: a variable of a whole-number field does not hold a whole number.
        """
        env = os.environ if environ is None else environ
        changes: dict[str, object] = {}
        for f in fields(cls):
            name = f"QA_{f.name.upper()}"
            raw = env.get(name)
            if raw is not None and f.type == "int":
                try:
                    changes[f.name] = int(raw)
                except ValueError:
                    raise QAError(f"{name}={raw!r} must be a whole number; fix or unset it") from None
            elif raw is not None:
                changes[f.name] = raw
        return cls().with_(**changes)
