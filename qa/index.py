"""The Index: passages, sentences, their vectors (FAISS) and a BM25 index, saved with a manifest.

On disk an index folder holds one sub-folder per build and a ``CURRENT`` file naming the live
one. A build is written completely into a fresh folder, then ``CURRENT`` is replaced
atomically, so an interrupted build never touches the index in use. Every file's sha256 is in
the manifest and checked on load: a truncated or corrupted file is an error, never a wrong
answer. Nothing is unpickled: arrays are ``.npy`` loaded with ``allow_pickle=False``, metadata
is JSON, and the FAISS file is FAISS's own binary format.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .acronyms import find_acronyms
from .ann import build_faiss, resolve_factory, set_nprobe
from .chunk import chunk
from .corpus import corpus_hash
from .embed import Embedder
from .errors import IndexLoadError, QAError, StaleIndexError
from .lexical import Lexical
from .segment import segment
from .types import Document, Passage, Sentence

FORMAT_VERSION = 1
CURRENT = "CURRENT"
TITLE_WEIGHT = 0.35  # how much of the section title's vector goes into a passage vector
MMAP_PASSAGES = 100_000  # lexical indexes of this many passages are memory-mapped, not read in


@dataclass
class Index:
    """Everything retrieval and reading need, for one corpus and one embedding model."""

    documents: dict[str, Document]
    passages: list[Passage]
    sentences: list[Sentence]
    sentence_vectors: np.ndarray  # (n_sentences, dim), unit rows
    passage_vectors: np.ndarray  # (n_passages, dim), unit rows
    faiss_index: object
    lexical: Lexical
    acronyms: dict[str, str]
    manifest: dict

    @property
    def passage_sentences(self) -> list[range]:
        """For each passage, the range of its sentences' positions."""
        return self._passage_sentences

    def __post_init__(self) -> None:
        bounds = np.searchsorted([s.passage for s in self.sentences], np.arange(len(self.passages) + 1))
        self._passage_sentences = [range(int(a), int(b)) for a, b in zip(bounds, bounds[1:])]

    # --- building ---------------------------------------------------------------------

    @classmethod
    def build(cls, docs: list[Document], embedder: Embedder, passage_chars: int = 900,
              factory: str = "auto", progress: bool = False, nprobe: int = 0) -> "Index":
        """Segment, chunk and embed a corpus. Each sentence is encoded once; a passage vector
        is the mean of its sentence vectors plus a share of its section title's vector.

        ``factory`` is a FAISS factory string or ``"auto"`` (chosen by corpus size, see
        :func:`qa.ann.faiss_factory_for`); ``nprobe`` the IVF lists a query scans (0: default)."""
        started = time.perf_counter()
        passages: list[Passage] = []
        sentences: list[Sentence] = []
        for doc in docs:
            p, s = chunk(doc.name, doc.text, segment(doc.text), passage_chars, len(passages))
            passages += p
            sentences += s
        if not passages:
            raise QAError("the corpus has no text to index; add documents with sentences in them")
        titles = sorted({p.section for p in passages})
        vectors = embedder.embed([s.text for s in sentences] + [_title_text(t) for t in titles],
                                 progress=progress)
        sentence_vectors, title_vectors = vectors[: len(sentences)], vectors[len(sentences):]
        title_of = {t: title_vectors[i] for i, t in enumerate(titles)}
        owner = np.array([s.passage for s in sentences])
        sums = np.zeros((len(passages), sentence_vectors.shape[1]), dtype=np.float32)
        np.add.at(sums, owner, sentence_vectors)
        means = sums / np.maximum(np.bincount(owner, minlength=len(passages)), 1)[:, None]
        passage_vectors = _unit(means + TITLE_WEIGHT * np.stack([title_of[p.section] for p in passages]))
        factory = resolve_factory(factory, len(passages))
        faiss_index = build_faiss(passage_vectors, factory)
        manifest = {
            "format_version": FORMAT_VERSION,
            "model_id": embedder.model_id,
            "dim": int(sentence_vectors.shape[1]),
            "corpus_hash": corpus_hash(docs),
            "documents": {d.name: d.sha256 for d in docs},
            "passage_chars": passage_chars,
            "faiss_factory": factory,
            "faiss_nprobe": set_nprobe(faiss_index, nprobe),
            "passages": len(passages),
            "sentences": len(sentences),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        return cls(
            documents={d.name: d for d in docs},
            passages=passages,
            sentences=sentences,
            sentence_vectors=sentence_vectors,
            passage_vectors=passage_vectors,
            faiss_index=faiss_index,
            lexical=Lexical.build([_title_text(p.section) + " " + p.text for p in passages]),
            acronyms=find_acronyms([d.text for d in docs]),
            manifest=manifest,
        )

    # --- saving and loading -------------------------------------------------------------

    def save(self, index_dir: Path | str) -> Path:
        """Write a new build folder, then switch ``CURRENT`` to it atomically.

        Returns:
            The build folder written.
        """
        root = Path(index_dir)
        try:
            root.mkdir(parents=True, exist_ok=True)
            build = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
        except OSError as exc:
            raise QAError(f"cannot write the index to {root}: {exc.strerror}; "
                          "pass --index DIR with a writable folder") from exc
        try:
            import faiss

            np.save(build / "sentence_vectors.npy", self.sentence_vectors)
            np.save(build / "sentences.npy", np.array(
                [[_doc_no(self, s.doc), s.start, s.end, s.passage] for s in self.sentences], dtype=np.int64))
            _write_json(build / "passages.json", [[p.doc, p.start, p.end, p.section, p.paragraph]
                                                  for p in self.passages])
            _write_json(build / "acronyms.json", self.acronyms)
            faiss.write_index(self.faiss_index, str(build / "passages.faiss"))
            np.save(build / "passage_vectors.npy", self.passage_vectors)
            self.lexical.save(build / "bm25")
            files = sorted(str(p.relative_to(build)) for p in build.rglob("*") if p.is_file())
            manifest = dict(self.manifest, files={f: _sha256(build / f) for f in files})
            _write_json(build / "manifest.json", manifest)
            final = root / f"build-{manifest['corpus_hash'][:12]}-{time.time_ns()}"
            os.replace(build, final)
            _atomic_write(root / CURRENT, final.name)
        except OSError as exc:
            shutil.rmtree(build, ignore_errors=True)
            raise QAError(f"cannot write the index to {root}: {exc}; free space or pass --index DIR") from exc
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        _remove_old_builds(root, keep=final.name)
        self.manifest = manifest
        return final

    @classmethod
    def load(cls, index_dir: Path | str, docs: list[Document], model_id: str, nprobe: int = 0) -> "Index":
        """Load the live build and check it against the corpus and the embedding model.

        ``nprobe`` (IVF lists a query scans, 0: default) is set here and recorded in the
        in-memory manifest; lexical indexes of 100,000 passages or more are memory-mapped.

        Raises:
            IndexLoadError: no index, or a file is missing, truncated or corrupted.
            StaleIndexError: built from another corpus, model or format version.
        """
        root = Path(index_dir)
        build = _live_build(root)
        manifest = _read_json(build / "manifest.json")
        _check_fresh(manifest, docs, model_id, root)
        for name, digest in manifest.get("files", {}).items():
            if not (build / name).is_file() or _sha256(build / name) != digest:
                raise IndexLoadError(f"index file {build / name} is missing or corrupted; "
                                     "rebuild it with: qa index build")
        try:
            import faiss

            by_name = {d.name: d for d in docs}
            names = list(manifest["documents"])
            passages = [Passage(doc, a, b, sec, para, _clean_span(by_name[doc], a, b))
                        for doc, a, b, sec, para in _read_json(build / "passages.json")]
            rows = np.load(build / "sentences.npy", allow_pickle=False)
            faiss_index = faiss.read_index(str(build / "passages.faiss"))
            manifest["faiss_nprobe"] = set_nprobe(faiss_index, nprobe)
            sentences = [Sentence(names[d], int(a), int(b), int(p), _clean_span(by_name[names[d]], a, b))
                         for d, a, b, p in rows]
            return cls(
                documents=by_name,
                passages=passages,
                sentences=sentences,
                sentence_vectors=np.load(build / "sentence_vectors.npy", allow_pickle=False),
                passage_vectors=np.load(build / "passage_vectors.npy", allow_pickle=False),
                faiss_index=faiss_index,
                lexical=Lexical.load(build / "bm25", mmap=len(passages) >= MMAP_PASSAGES),
                acronyms=_read_json(build / "acronyms.json"),
                manifest=manifest,
            )
        except (OSError, ValueError, KeyError, IndexError, RuntimeError) as exc:
            raise IndexLoadError(f"the index in {build} is unreadable ({exc}); "
                                 "rebuild it with: qa index build") from exc


def _live_build(root: Path) -> Path:
    pointer = root / CURRENT
    if not pointer.is_file():
        raise IndexLoadError(f"no index in {root}; build it with: qa index build --index {root}")
    build = root / pointer.read_text(encoding="utf-8").strip()
    if not build.is_dir() or build.parent != root:
        raise IndexLoadError(f"{pointer} names a missing build; rebuild with: qa index build")
    return build


def _check_fresh(manifest: dict, docs: list[Document], model_id: str, root: Path) -> None:
    fix = f"rebuild it with: qa index build --index {root}"
    if manifest.get("format_version") != FORMAT_VERSION:
        raise StaleIndexError(f"the index in {root} has format {manifest.get('format_version')}, "
                              f"this version reads {FORMAT_VERSION}; {fix}")
    if manifest.get("model_id") != model_id:
        raise StaleIndexError(f"the index in {root} was built with {manifest.get('model_id')}, "
                              f"not {model_id}; {fix}")
    if manifest.get("corpus_hash") != corpus_hash(docs):
        old, new = manifest.get("documents", {}), {d.name: d.sha256 for d in docs}
        changed = sorted(n for n in old.keys() | new.keys() if old.get(n) != new.get(n))
        raise StaleIndexError(f"the corpus changed since the index was built ({', '.join(changed)}); {fix}")


def _title_text(section: str) -> str:
    """The chapter and the innermost heading: enough context without long paths."""
    parts = section.split(" › ")
    return " › ".join(dict.fromkeys([parts[0], parts[-1]])) if section else ""


def _clean_span(doc: Document, start: int, end: int) -> str:
    from .segment import clean

    return clean(doc.text[int(start):int(end)])


def _doc_no(index: Index, name: str) -> int:
    return list(index.documents).index(name)


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexLoadError(f"index file {path} is unreadable ({exc}); rebuild it with: qa index build") from exc


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _remove_old_builds(root: Path, keep: str) -> None:
    for old in root.glob("build-*"):
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
