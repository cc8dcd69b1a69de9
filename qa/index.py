"""The Index: passages, sentences, their vectors (FAISS), a BM25 index and the vectors of the
passages' words, saved with a manifest.

On disk an index folder holds one sub-folder per build and a ``CURRENT`` file naming the live
one. A build is written completely into a fresh folder and read back (a full disk can make
numpy and FAISS lose data without raising), then ``CURRENT`` is replaced atomically, so an
interrupted or failed build never touches the index in use. A ``.lock`` file serialises
builds and keeps them from deleting a build that is being read. Every file's sha256 is in the
manifest and checked on load, and the folder must hold exactly the files listed: a truncated
or corrupted file is an error, never a wrong answer. Nothing is unpickled: arrays are ``.npy``
loaded with ``allow_pickle=False``, metadata is JSON, and the FAISS file is FAISS's own binary
format of plain numbers (see docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from .acronyms import contract, expand, find_acronyms
from .ann import build_faiss, resolve_factory, set_nprobe
from .chunk import chunk, continuations, references
from .corpus import corpus_hash
from .embed import Embedder
from .files import atomic_write
from .errors import CorpusError, IndexLoadError, QAError, StaleIndexError
from .lexical import Lexical
from .segment import segment
from .terms import written_forms
from .types import Document, Passage, Sentence

try:
    import fcntl
except ImportError:  # Windows: builds are not locked against each other
    fcntl = None

FORMAT_VERSION = 15
CURRENT = "CURRENT"
LOCK = ".lock"
MANIFEST = "manifest.json"
_BUILD_NAME = re.compile(r"build-[0-9a-f]{12}-\d+")
_TEMP_NAME = re.compile(r"\.build-[a-z0-9_]{8}")  # tempfile.mkdtemp(prefix=".build-")
TITLE_WEIGHT = 0.35  # how much of the section title's vector goes into passage and sentence vectors
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
    term_forms: dict[str, str]  # each content term of the passages -> the word embedded for it
    term_vectors: np.ndarray  # (n_terms, dim), unit rows, in the order of term_forms

    @property
    def passage_sentences(self) -> list[range]:
        """For each passage, the range of its sentences' positions."""
        return self._passage_sentences

    @property
    def texts(self) -> dict[str, str]:
        """Each document's raw text, by file name (sentence and passage offsets point into it)."""
        return {name: d.text for name, d in self.documents.items()}

    def __post_init__(self) -> None:
        bounds = np.searchsorted([s.passage for s in self.sentences], np.arange(len(self.passages) + 1))
        self._passage_sentences = [range(int(a), int(b)) for a, b in zip(bounds, bounds[1:])]
        # A sentence a page break cut -> where it goes on, and back (see qa.chunk.continuations).
        self.continues = continuations(self.sentences, self.texts)
        self.continued = {tail: head for head, tail in self.continues.items()}

    @cached_property
    def references(self) -> frozenset[int]:
        """Sentences that only cite a source: no answer, unless a web address is asked for
        (see qa.chunk.references; found when first read, not on every load)."""
        return references(self.sentences, self.texts)

    # --- building ---------------------------------------------------------------------

    @classmethod
    def build(cls, docs: list[Document], embedder: Embedder, passage_chars: int = 900,
              factory: str = "auto", progress: bool = False, reuse: "Index | None" = None,
              nprobe: int = 0) -> "Index":
        """Segment, chunk and embed a corpus. Each sentence is encoded once; a passage vector
        is the mean of its sentences' encodings plus a share of its section title's vector, and
        a sentence's stored vector is its encoding plus that share of the title's.

        Args:
            docs: the documents, in corpus order.
            embedder: encodes sentences and section titles.
            passage_chars: target passage size in characters.
            factory: a FAISS factory string, or ``"auto"`` (chosen by corpus size, see
                :func:`qa.ann.faiss_factory_for`).
            progress: show a progress bar while embedding.
            nprobe: the IVF lists a query scans (0: the default).
            reuse: an earlier index; a document it holds with the same text (sha256), built
                with the same format, model and passage size, keeps its passages and vectors, so
                adding or removing a document embeds only what is new, plus any document whose
                acronyms now read otherwise (see :func:`_parts_of`), and the words it did not
                embed. Positions are renumbered.

        Every content term of the passages is embedded too, by its most frequent written form,
        for the likeness of a question's words to a passage's (:class:`qa.terms.TermLikeness`).
        """
        started = time.perf_counter()
        acronyms = find_acronyms([d.text for d in docs])
        earlier = reuse if _compatible(reuse, embedder.model_id, passage_chars) else None
        kept = _parts_of(earlier, acronyms) if earlier is not None else {}
        parts = [_Part.of(kept[d.sha256], d.name) if d.sha256 in kept else
                 _Part(*chunk(d.name, d.text, segment(d.text), passage_chars)) for d in docs]
        for doc, part in zip(docs, parts):
            if not part.passages:
                raise CorpusError(f"{doc.name} has no sentences to index (only headings, page numbers or "
                                  "a table of contents); give it text or remove it")
        if not parts:
            raise QAError("the corpus has no text to index; add documents with sentences in them")
        embedded = _embed_new([p for p in parts if p.sentence_vectors is None], embedder, acronyms, progress)
        passages = [passage for part in parts for passage in part.passages]
        sentences: list[Sentence] = []
        shift = 0
        for part in parts:  # a part counts its passages from 0; renumber from where it starts now
            sentences += [replace(s, passage=s.passage + shift) for s in part.sentences]
            shift += len(part.passages)
        sentence_vectors = np.concatenate([part.sentence_vectors for part in parts])
        passage_vectors = np.concatenate([part.passage_vectors for part in parts])
        texts = [search_text(p, acronyms) for p in passages]
        term_forms = written_forms(texts)
        term_vectors, words_embedded = _term_vectors(term_forms, earlier, embedder, progress,
                                                     sentence_vectors.shape[1])
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
            "embedded": embedded,
            "terms": len(term_forms),
            "terms_embedded": words_embedded,
            "reused_documents": sum(d.sha256 in kept for d in docs),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        return cls(
            documents={d.name: d for d in docs},
            passages=passages,
            sentences=sentences,
            sentence_vectors=sentence_vectors,
            passage_vectors=passage_vectors,
            faiss_index=faiss_index,
            lexical=Lexical.build(texts),
            acronyms=acronyms,
            manifest=manifest,
            term_forms=term_forms,
            term_vectors=term_vectors,
        )

    # --- saving and loading -------------------------------------------------------------

    def save(self, index_dir: Path | str) -> Path:
        """Write a new build folder, read it back, then switch ``CURRENT`` to it atomically.

        Returns:
            The build folder written.

        Raises:
            QAError: the folder cannot be written (read-only, full disk...); the index in use
                is left as it was.
        """
        root = Path(index_dir)
        try:
            root.mkdir(parents=True, exist_ok=True)
            with _lock(root, exclusive=True):
                return self._save_locked(root)
        except OSError as exc:
            raise QAError(f"cannot write the index to {root} ({exc}); free some space or pass "
                          "--index DIR with a writable folder") from exc

    def _save_locked(self, root: Path) -> Path:
        import faiss

        _remove_leftovers(root)
        build = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
        try:
            np.save(build / "sentence_vectors.npy", self.sentence_vectors)
            np.save(build / "sentences.npy", np.array(
                [[_doc_no(self, s.doc), s.start, s.end, s.passage] for s in self.sentences], dtype=np.int64))
            _write_json(build / "passages.json", [[p.doc, p.start, p.end, p.section, p.paragraph]
                                                  for p in self.passages])
            _write_json(build / "acronyms.json", self.acronyms)
            _write_json(build / "terms.json", list(self.term_forms.items()))
            np.save(build / "term_vectors.npy", self.term_vectors)
            try:
                faiss.write_index(self.faiss_index, str(build / "passages.faiss"))
            except RuntimeError as exc:  # FAISS reports write errors as RuntimeError
                raise OSError(errno.EIO, f"FAISS could not write passages.faiss: {exc}") from exc
            np.save(build / "passage_vectors.npy", self.passage_vectors)
            self.lexical.save(build / "bm25")
            files = sorted(_files(build))
            manifest = dict(self.manifest, files={f: _sha256(build / f) for f in files})
            _write_json(build / MANIFEST, manifest)
            self._check_written(build, manifest)
            _sync(build)  # on disk before it can go live: a power cut leaves the old build whole
            final = root / f"build-{manifest['corpus_hash'][:12]}-{time.time_ns()}"
            os.replace(build, final)
            build = final  # from here on, a failure removes the renamed folder
            atomic_write(root / CURRENT, final.name)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        _remove_old_builds(root, keep=final.name)
        self.manifest = manifest
        return final

    def _check_written(self, build: Path, manifest: dict) -> None:
        """Read a written build back and compare it with this index: numpy and FAISS can lose
        data on a full disk without raising, and such a build must never go live."""
        import faiss

        try:
            back = _read_build(build, manifest, list(self.documents.values()))
        except IndexLoadError as exc:
            raise OSError(errno.EIO, f"the index written does not read back: {exc}") from exc
        same = (back.passages == self.passages and back.sentences == self.sentences
                and back.acronyms == self.acronyms and back.lexical == self.lexical
                and back.term_forms == self.term_forms and np.array_equal(back.term_vectors, self.term_vectors)
                and np.array_equal(back.sentence_vectors, self.sentence_vectors)
                and np.array_equal(back.passage_vectors, self.passage_vectors)
                and np.array_equal(faiss.serialize_index(back.faiss_index),
                                   faiss.serialize_index(self.faiss_index)))
        if not same:
            raise OSError(errno.EIO, "the index written reads back different from the index built")

    @classmethod
    def load(cls, index_dir: Path | str, docs: list[Document], model_id: str, nprobe: int = 0) -> "Index":
        """Load the live build and check it against the corpus and the embedding model.

        ``nprobe`` (IVF lists a query scans, 0: default) is set here and recorded in the
        in-memory manifest; lexical indexes of 100,000 passages or more are memory-mapped.

        Raises:
            IndexLoadError: no index, or a file is missing, extra, truncated or corrupted.
            StaleIndexError: built from another corpus, model or format version.
        """
        root = Path(index_dir)
        with _lock(root, exclusive=False):
            build = _live_build(root)
            manifest = _read_json(build / MANIFEST)
            _check_fresh(manifest, docs, model_id, root)
            _check_files(build, manifest)
            return _read_build(build, manifest, docs, nprobe)


@contextlib.contextmanager
def _lock(root: Path, exclusive: bool) -> Iterator[None]:
    """Hold ``root/.lock``: exclusively while a build is written and swapped in, shared while
    one is read, so two builds never remove each other's folder nor one that is being read.

    Reading never creates the lock file, so a read-only index loads (unlocked).
    """
    try:
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT if exclusive else os.O_RDONLY, 0o644)
    except OSError:
        if exclusive:
            raise
        yield
        return
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # releases the lock


def _files(build: Path) -> set[str]:
    """Every file of a build folder but its manifest, as relative POSIX paths."""
    return {p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file()} - {MANIFEST}


def _check_files(build: Path, manifest: dict) -> None:
    """The build holds exactly the files its manifest lists, each with the listed sha256."""
    fix = "rebuild it with: qa index build"
    listed, present = manifest.get("files"), _files(build)
    if not isinstance(listed, dict) or set(listed) != present:
        raise IndexLoadError(f"the files in {build} do not match its manifest (a file is missing or "
                             f"extra, or the index is corrupted); {fix}")
    for name in sorted(present):
        if _sha256(build / name) != listed[name]:
            raise IndexLoadError(f"index file {build / name} is missing or corrupted; {fix}")


def _read_build(build: Path, manifest: dict, docs: list[Document], nprobe: int = 0) -> Index:
    """The index stored in a build folder whose files were checked, its IVF lists to scan set."""
    try:
        import faiss

        by_name = {d.name: d for d in docs}
        names = list(manifest["documents"])
        passages = [Passage(doc, a, b, sec, para, _clean_span(by_name[doc], a, b))
                    for doc, a, b, sec, para in _read_json(build / "passages.json")]
        rows = np.load(build / "sentences.npy", allow_pickle=False)
        sentences = [Sentence(names[d], int(a), int(b), int(p), _clean_span(by_name[names[d]], a, b))
                     for d, a, b, p in rows]
        faiss_index = faiss.read_index(str(build / "passages.faiss"))
        manifest = dict(manifest, faiss_nprobe=set_nprobe(faiss_index, nprobe))
        index = Index(
            documents=by_name,
            passages=passages,
            sentences=sentences,
            sentence_vectors=np.load(build / "sentence_vectors.npy", allow_pickle=False),
            passage_vectors=np.load(build / "passage_vectors.npy", allow_pickle=False),
            faiss_index=faiss_index,
            lexical=Lexical.load(build / "bm25", mmap=len(passages) >= MMAP_PASSAGES),
            acronyms=_read_json(build / "acronyms.json"),
            manifest=manifest,
            term_forms=dict(_read_json(build / "terms.json")),
            term_vectors=np.load(build / "term_vectors.npy", allow_pickle=False),
        )
    except (OSError, ValueError, KeyError, IndexError, TypeError, RuntimeError) as exc:
        raise IndexLoadError(f"the index in {build} is unreadable ({exc}); "
                             "rebuild it with: qa index build") from exc
    dim = manifest.get("dim")
    if (index.sentence_vectors.shape != (len(sentences), dim) or index.passage_vectors.shape != (len(passages), dim)
            or index.term_vectors.shape != (len(index.term_forms), dim)
            or index.faiss_index.ntotal != len(passages) or any(s.passage >= len(passages) for s in sentences)):
        raise IndexLoadError(f"the index in {build} does not fit together (vector shapes or counts differ "
                             "from its passages); rebuild it with: qa index build")
    return index


@dataclass
class _Part:
    """One document's passages and sentences (positions counted from 0) and their vectors,
    which are None until embedded."""

    passages: list[Passage]
    sentences: list[Sentence]
    sentence_vectors: np.ndarray | None = None
    passage_vectors: np.ndarray | None = None

    @classmethod
    def of(cls, part: "_Part", name: str) -> "_Part":
        """The same part under a document name (a renamed file keeps its vectors)."""
        if not part.passages or part.passages[0].doc == name:
            return part
        return cls([replace(p, doc=name) for p in part.passages],
                   [replace(s, doc=name) for s in part.sentences], part.sentence_vectors, part.passage_vectors)


def _compatible(index: Index | None, model_id: str, passage_chars: int) -> bool:
    return (index is not None and index.manifest.get("format_version") == FORMAT_VERSION
            and index.manifest.get("model_id") == model_id and index.manifest.get("passage_chars") == passage_chars)


def _parts_of(index: Index, acronyms: dict[str, str]) -> dict[str, _Part]:
    """An index cut back into its documents' parts, by document sha256.

    A part whose embedded texts read otherwise under the new corpus' ``acronyms`` (a document
    that defines one of its acronyms was added or removed) is left out, to be embedded again
    whole: the stored vectors cannot be corrected sentence by sentence.
    """
    spans: dict[str, list[int]] = {}  # a document's passages are consecutive: [first, last + 1)
    for position, passage in enumerate(index.passages):
        spans.setdefault(passage.doc, [position, position])[1] = position + 1
    parts = {}
    for name, (a, b) in spans.items():
        lo, hi = index.passage_sentences[a].start, index.passage_sentences[b - 1].stop
        part = _Part(index.passages[a:b], [replace(s, passage=s.passage - a) for s in index.sentences[lo:hi]],
                     index.sentence_vectors[lo:hi], index.passage_vectors[a:b])
        if index.acronyms == acronyms or embedding_texts(part.passages, part.sentences, index.acronyms) == \
                embedding_texts(part.passages, part.sentences, acronyms):
            parts[index.documents[name].sha256] = part
    return parts


def embedding_texts(passages: list[Passage], sentences: list[Sentence],
                    acronyms: dict[str, str]) -> tuple[list[str], list[str]]:
    """What a build embeds: every sentence's text, then the text of each distinct section
    title, each with the long forms of the acronyms it uses (as a query has them); also those
    titles, in the same order. The model cannot know that "GMG" is the Global Migration Group
    (dev set: hit@10 0.904 -> 0.923, citation precision 0.731 -> 0.750, nothing lost)."""
    titles = sorted({p.section for p in passages})
    texts = [s.text for s in sentences] + [_title_text(t) for t in titles]
    return [expand(text, acronyms) for text in texts], titles


def _embed_new(parts: list[_Part], embedder: Embedder, acronyms: dict[str, str], progress: bool) -> int:
    """Embed the sentences and section titles of parts without vectors; returns how many texts."""
    if not parts:
        return 0
    texts, titles = embedding_texts([p for part in parts for p in part.passages],
                                    [s for part in parts for s in part.sentences], acronyms)
    vectors = embedder.embed(texts, progress=progress)
    title_of = dict(zip(titles, vectors[len(texts) - len(titles):]))
    at = 0
    for part in parts:
        sentences = vectors[at: at + len(part.sentences)]
        at += len(part.sentences)
        owner = np.array([s.passage for s in part.sentences], dtype=np.int64)
        sums = np.zeros((len(part.passages), vectors.shape[1]), dtype=np.float32)
        np.add.at(sums, owner, sentences)
        means = sums / np.maximum(np.bincount(owner, minlength=len(part.passages)), 1)[:, None]
        section_vectors = np.stack([title_of[p.section] for p in part.passages])
        part.passage_vectors = _unit(means + TITLE_WEIGHT * section_vectors)
        # A sentence is read in its section too: "It recommends..." in the FAO chapter is FAO's
        # (dev set: hit@10 0.846 -> 0.885, citation precision 0.608 -> 0.637).
        part.sentence_vectors = _unit(sentences + TITLE_WEIGHT * section_vectors[owner])
    return len(vectors)


def _term_vectors(forms: dict[str, str], earlier: Index | None, embedder: Embedder, progress: bool,
                  dim: int) -> tuple[np.ndarray, int]:
    """A vector for each term, of its written form (an earlier index's vector when it embedded
    the same word), and how many words were embedded."""
    known = dict(zip(earlier.term_forms.values(), earlier.term_vectors)) if earlier is not None else {}
    new = [word for word in forms.values() if word not in known]
    if new:
        known.update(zip(new, embedder.embed(new, progress=progress)))
    return np.array([known[w] for w in forms.values()], dtype=np.float32).reshape(len(forms), dim), len(new)


def _live_build(root: Path) -> Path:
    pointer = root / CURRENT
    if not pointer.is_file():
        raise IndexLoadError(f"no index in {root}; build it with: qa index build --index {root}")
    try:
        build = root / pointer.read_text(encoding="utf-8").strip()
        if build.parent == root and build.name.startswith("build-") and build.is_dir():
            return build
    except (OSError, ValueError):  # unreadable, not UTF-8, or a NUL byte in the name
        pass
    raise IndexLoadError(f"{pointer} does not name a build in {root}; rebuild with: qa index build")


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


def search_text(passage: Passage, acronyms: dict[str, str]) -> str:
    """What lexical search sees of a passage: its titles, its text, and the acronyms of the
    bodies they name, so "FAO" finds the chapter titled "Food and Agriculture Organization"."""
    head = _title_text(passage.section)
    return f"{head} {passage.text} {contract(f'{passage.section} {passage.text}', acronyms)}"


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


def _sync(folder: Path) -> None:
    """Flush every file of a folder, and the folder itself, to disk."""
    for path in [*folder.rglob("*"), folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_leftovers(root: Path) -> None:
    """Remove what killed builds left behind (called with the build lock held, so no build
    is in progress)."""
    for old in root.glob(".build-*"):
        if _TEMP_NAME.fullmatch(old.name) and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    for old in root.glob(f".{CURRENT}.*.tmp"):
        old.unlink(missing_ok=True)


def _remove_old_builds(root: Path, keep: str) -> None:
    """Remove the builds other than ``keep``: only folders named as this module names them,
    so other files in a folder given as ``--index`` are never touched."""
    for old in root.glob("build-*"):
        if old.name != keep and _BUILD_NAME.fullmatch(old.name) and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
