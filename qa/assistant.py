"""The Assistant: question in, cited answer out."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from collections.abc import Sequence
from pathlib import Path

from .documents import Change, add_documents
from .errors import QAError, QuestionError
from .index import Index
from .question import check_question, is_follow_up, parse
from .read import ExtractiveReader, Reading
from .retrieve import Retriever
from .settings import Settings
from .terms import content_terms
from .types import Answer, Citation, DocumentMeta

READERS = ("extractive", "hf-qa", "generative")
_ABOUT = re.compile(r"^(?:and\s+)?(?:what|how) about\b", re.I)  # a follow-up that asks the same again
# A year the question asks about ("in 2007", not "the 2030 Agenda" or "resolution 2005/47"): a
# follow-up's own takes its place.
_DATED = re.compile(r"(?:^|\s+)(?:in|for|during|by)\s+(?:19|20)\d\d\b(?![/-]\d),?", re.I)


class Assistant:
    """Answers questions over a corpus with verbatim, cited quotes.

    ``Assistant()`` answers over the bundled corpus (building its index on first use).
    Thread-safe: an index is read-only once built, models are loaded once, and adding
    documents swaps in a new retriever that questions already being answered do not see.

    Args:
        settings: pipeline settings; default :class:`Settings`.
        retriever: an already open retriever to share (else one is opened).
    """

    def __init__(self, settings: Settings | None = None, retriever: Retriever | None = None) -> None:
        self.settings = settings or Settings()
        self.retriever = retriever or Retriever(settings=self.settings)
        self._readers: dict[str, object] = {"extractive": ExtractiveReader()}
        self._lock = threading.Lock()
        self._adding = threading.Lock()

    @property
    def documents(self) -> list[DocumentMeta]:
        """Metadata of the corpus documents, in file order."""
        return [d.meta for d in self.retriever.index.documents.values()]

    def document_text(self, doc: str) -> str:
        """The raw text of a corpus file (citations' offsets point into it)."""
        try:
            return self.retriever.index.documents[doc].text
        except KeyError:
            raise QAError(f"no document named {doc!r} in the corpus; see Assistant.documents") from None

    def add_documents(self, paths: Sequence[Path | str], title: str = "", organisation: str = "",
                      date: str = "") -> Change:
        """Add files to the corpus and answer from them from now on.

        See :func:`qa.documents.add_documents` for the formats, limits and errors.
        """
        with self._adding:
            change = add_documents(paths, self.retriever.settings, title, organisation, date)
            self.retriever = Retriever(settings=self.retriever.settings, index=change.index,
                                       mode=self.retriever.mode)
        return change

    def ask(self, question: str, history: list[dict] | None = None, k: int | None = None,
            reader: str | None = None) -> Answer:
        """Answer a question from the documents.

        Args:
            question: the question, in English.
            history: earlier turns, ``[{"role": "user"|"assistant", "content": str}, ...]``;
                a short follow-up ("and what about women?") is read with the last question.
            k: how many passages to retrieve (default 10).
            reader: ``"extractive"`` (default), ``"hf-qa"`` (a SQuAD-style model) or
                ``"generative"`` (a causal LM, checked against the passages); the transformer
                readers use ``settings.reader_model``.

        Raises:
            QuestionError: the question is empty, too long, not in English, or has nothing
                to look up (only common words such as "what is the"); ``history`` is not a list.
            QAError: ``k`` is not a whole number of at least 1, or the reader is unknown.
        """
        text = check_question(question, self.settings.max_question_chars)
        if history is not None and not isinstance(history, (list, tuple)):
            raise QuestionError(f"history must be a list of {{'role', 'content'}} messages, "
                                f"not {type(history).__name__}")
        query = self._with_context(text, history or [])
        if not content_terms(query):
            raise QuestionError(f"the question {text!r} has only common words; say what it is about, "
                                "for example 'What do the documents say about remittance costs?'")
        retriever = self.retriever  # the same one throughout, even if documents are added meanwhile
        retrieval = retriever.retrieve(query, 10 if k is None else k)
        parsed = parse(query)
        if query != text:  # a follow-up: its own words are the focus, and "how often…?" its own kind
            own = parse(text)
            parsed = replace(parsed, focus=text) if _ABOUT.match(text) else replace(own, text=query, focus=text)
        reading: Reading = self._reader(reader).read(parsed, retrieval, retriever)
        ix = retriever.index
        # A generative reader's text numbers the sentences; quoted sentences that follow each
        # other in the document are one quote.
        quotes = [[s] for s in reading.sentences] if reading.text else _runs(ix, reading.sentences)
        citations = tuple(_cite(ix, run) for run in quotes)
        if reading.abstained:
            answer_text = f"The documents don't say. {reading.reason}"
        elif reading.text:
            answer_text = reading.text
        else:
            answer_text = " ".join(" ".join(ix.sentences[s].text for s in run) + f" [{i}]"
                                   for i, run in enumerate(quotes, 1))
        return Answer(question=text, text=answer_text, short_answer=reading.short_answer,
                      citations=citations, confidence=reading.confidence, abstained=reading.abstained,
                      reason=reading.reason, retrieved=retrieval.hits)

    def _with_context(self, text: str, history: list[dict]) -> str:
        previous = [t.get("content", "") for t in history if isinstance(t, dict) and t.get("role") == "user"]
        if previous and is_follow_up(text):
            try:  # the earlier question passes the same checks as a new one
                earlier = check_question(previous[-1], self.settings.max_question_chars)
                if _DATED.search(text):  # "Who chaired the GMG in 2007?" "and in 2013?"
                    earlier = _DATED.sub("", earlier).strip()
                return f"{earlier} {text}"
            except QuestionError:
                return text
        return text

    def _reader(self, name: str | None):
        name = name or self.settings.reader
        if not isinstance(name, str) or name not in READERS:
            raise QAError(f"unknown reader {name!r}; use one of {', '.join(READERS)}")
        with self._lock:
            if name not in self._readers:
                self._readers[name] = _make_reader(name, self.settings.reader_model)
            return self._readers[name]


def _runs(ix: Index, sentences: Sequence[int]) -> list[list[int]]:
    """Sentences grouped into runs that follow each other in one paragraph (one passage, or the
    two halves of a paragraph the chunker cut), a sentence a page break cut with its rest: one
    sentence is one citation ("For example, the" / "Berne Initiative, a States-owned…"; as two,
    nineteen gold sets held eighteen answers whose other half was the unsupported citation)."""
    runs: list[list[int]] = []
    for s in sentences:
        if runs and _goes_on(ix, runs[-1][-1], s):
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def _goes_on(ix: Index, a: int, b: int) -> bool:
    """True when sentence ``b`` goes on from sentence ``a`` in one quote: it is the next of its
    paragraph, or the rest of ``a`` past a page break."""
    return ix.continues.get(a) == b \
        or b == a + 1 and _one_paragraph(ix, ix.sentences[a].passage, ix.sentences[b].passage)


def _one_paragraph(ix: Index, a: int, b: int) -> bool:
    """True when passages ``a`` and ``b`` are one, or two parts of one paragraph."""
    first, second = ix.passages[a], ix.passages[b]
    return a == b or (first.doc, first.section, first.paragraph) == (second.doc, second.section, second.paragraph)


def _cite(ix: Index, run: list[int]) -> Citation:
    """One citation quoting a run of consecutive sentences; what a page break put inside a
    sentence it cut is elided."""
    first, last = ix.sentences[run[0]], ix.sentences[run[-1]]
    passage = ix.passages[first.passage]
    doc = ix.documents[first.doc]
    cuts = ((ix.sentences[a].end, ix.sentences[b].start) for a, b in zip(run, run[1:]) if ix.continues.get(a) == b)
    return Citation(doc=first.doc, title=doc.meta.title, section=passage.section,
                    paragraph=passage.paragraph, start=first.start, end=last.end,
                    quote=doc.text[first.start:last.end], page=doc.meta.page_at(first.start),
                    elided=tuple((a, b) for a, b in cuts if doc.text[a:b].strip()))


def _make_reader(name: str, model: str):
    """A transformer reader, imported only when asked for."""
    if name == "hf-qa":
        from .read_span import SpanReader

        return SpanReader(model)
    from .read_generate import GenerativeReader

    return GenerativeReader(model)
