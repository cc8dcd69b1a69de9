"""The small frozen dataclasses passed between pipeline stages.

Every span is ``[start, end)`` in Python ``str`` indices into the document text exactly as
read from the corpus file, so ``document.text[start:end]`` is always the quoted text.
"""

from __future__ import annotations

import calendar
import hashlib
from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocumentMeta:
    """A corpus file's entry in the corpus manifest: display metadata and where it came from.

    Attributes:
        file: the UTF-8 text file that offsets point into (citations name it).
        title, organisation, date, language: shown with citations; editable in the manifest.
        source: the original file the text was extracted from (``report.pdf``); "" when the
            text file is the original.
        pages: start offset of each page in the text, for paged formats (PDF); empty otherwise.
    """

    file: str
    title: str
    organisation: str = ""
    date: str = ""
    language: str = "en"
    source: str = ""
    pages: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        pages = tuple(self.pages)
        if pages and (pages[0] != 0 or not all(isinstance(p, int) for p in pages)
                      or list(pages) != sorted(pages)):
            raise ValueError(f"pages of {self.file} must be increasing character offsets starting "
                             f"at 0, got {list(pages)[:5]}...")
        object.__setattr__(self, "pages", pages)  # a JSON list becomes a tuple

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def month(self) -> str:
        """The month of a "YYYY-MM" date by name ("April"); "" when the date gives none."""
        month = self.date[5:7]
        return calendar.month_name[int(month)] if month.isdigit() and 1 <= int(month) <= 12 else ""

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character ``offset`` of the text; None when not paged."""
        return bisect_right(self.pages, offset) if self.pages else None

    def to_dict(self) -> dict[str, Any]:
        """The manifest entry; the optional keys are left out when empty, as in older manifests."""
        entry = asdict(self) | {"pages": list(self.pages)}
        return {k: v for k, v in entry.items() if v or k not in ("source", "pages")}


@dataclass(frozen=True)
class Document:
    """One corpus file: its raw text and metadata."""

    name: str  # file name inside the corpus directory; citations refer to it
    text: str
    meta: DocumentMeta

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Sentence:
    """A sentence (or list item, or heading-free line) of a paragraph."""

    doc: str
    start: int
    end: int
    passage: int  # position of its passage in the index
    text: str  # cleaned text (what is embedded and read); the quote is the raw slice


@dataclass(frozen=True)
class Passage:
    """A chunk of consecutive sentences within one section; the unit of retrieval."""

    doc: str
    start: int
    end: int
    section: str
    paragraph: int  # 1-based number of its first paragraph within the section
    text: str  # cleaned text of the span, without the section title

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.start}-{self.end}"


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score (higher is better)."""

    doc: str
    start: int
    end: int
    score: float
    text: str
    section: str
    paragraph: int
    position: int = -1  # the passage's position in the index, for the reader

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """A verbatim quote backing a statement of an answer."""

    doc: str
    title: str
    section: str
    paragraph: int
    start: int
    end: int
    quote: str  # == document text[start:end]
    page: int | None = None  # 1-based page of ``start``, for paged formats (PDF)
    # [start, end) document offsets, in order, of what lies inside the quote but is no part of
    # it: what a page break put between the halves of a sentence it cut (the page's footnotes,
    # its number); shown as " … "
    elided: tuple[tuple[int, int], ...] = ()

    @property
    def shown(self) -> str:
        """The quote as it reads, each elided span replaced by " … "."""
        parts, at = [], self.start
        for start, end in self.elided:
            parts.append(self.quote[at - self.start:start - self.start].strip())
            at = end
        parts.append(self.quote[at - self.start:].strip())
        return " … ".join(part for part in parts if part)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "shown": self.shown}


@dataclass(frozen=True)
class Answer:
    """What the assistant says, with the evidence for it."""

    question: str
    text: str
    short_answer: str
    citations: tuple[Citation, ...]
    confidence: float
    abstained: bool
    reason: str = ""
    retrieved: tuple[Hit, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "short_answer": self.short_answer,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "reason": self.reason,
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [
                {"doc": h.doc, "start": h.start, "end": h.end, "score": round(h.score, 6),
                 "section": h.section, "paragraph": h.paragraph}
                for h in self.retrieved
            ],
        }
