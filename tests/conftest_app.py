"""A deterministic fake of ``qa.Assistant`` for the app and render tests (imported, not a conftest),
and helpers that run the app: in-thread on a free loopback port, or its handler alone.

The fake answers from one tiny in-memory document, whose third paragraph holds a ``<script>``
tag so tests can check that document text is escaped.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import app_gradio
from qa.documents import Change
from qa.errors import QAError, QuestionError
from qa.settings import Settings
from qa.types import Answer, Citation, DocumentMeta, Hit

DOC = "fake_remittances.txt"
TITLE = "Remittances and Development: A Test Handbook"
META = DocumentMeta(file=DOC, title=TITLE, organisation="Test Organisation for Migration",
                    date="2020-05")
SECTION = "1. Remittances"
TEXT = (
    "1. Remittances\n\n"
    "Migrants sent home 441 billion dollars in 2015. This money pays for schools\n"
    "and clinics in many villages.\n\n"
    "Some agencies warned about fraud: <script>alert(1)</script> is not a payment channel.\n"
    "Transfer fees average 7 per cent of the amount sent.\n\n"
    "2. Diaspora\n\n"
    "Diaspora groups fund local projects such as wells and schools.\n"
)
SUM_QUOTE = "Migrants sent home 441 billion dollars in 2015."
FEES_QUOTE = "Transfer fees average 7 per cent of the amount sent."
SCRIPT_PARAGRAPH_START = TEXT.index("Some agencies")
UNANSWERABLE_REASON = ("The documents give no budget figures for 2008; the closest passages "
                       "are about remittance fees.")
FAILING = "Please fail this question."
FAILURE = "The index in /tmp/x is unreadable; rebuild it with: qa index build"
ANSWERABLE = "How much money did migrants send home in 2015?"
FEES = "How high are transfer fees?"
UNANSWERABLE = "What was the operational budget for 2008?"
UPLOAD_REFUSAL = "has no text layer (a scanned or image-only PDF); run OCR first"


def citation(quote: str, paragraph: int) -> Citation:
    """A citation of ``quote`` (which must occur in ``TEXT``)."""
    start = TEXT.index(quote)
    return Citation(doc=DOC, title=TITLE, section=SECTION, paragraph=paragraph, start=start,
                    end=start + len(quote), quote=quote)


def hit(quote_or_paragraph: str, paragraph: int, score: float) -> Hit:
    """A retrieved passage: the paragraph of ``TEXT`` holding the given text."""
    at = TEXT.index(quote_or_paragraph)
    start = TEXT.rfind("\n\n", 0, at) + 2
    end = TEXT.find("\n\n", at)
    return Hit(doc=DOC, start=start, end=end, score=score, text=" ".join(TEXT[start:end].split()),
               section=SECTION, paragraph=paragraph)


SUM_HIT = hit(SUM_QUOTE, 1, 0.9)
FEES_HIT = hit(FEES_QUOTE, 2, 0.7)
DIASPORA_HIT = Hit(doc=DOC, start=TEXT.index("Diaspora groups"), end=len(TEXT) - 1, score=0.2,
                   text="Diaspora groups fund local projects such as wells and schools.",
                   section="2. Diaspora", paragraph=1)


class FakeAssistant:
    """Answers a few known questions; echoes others with the previous question, for tests.

    Attributes:
        calls: ``(question, history, k, reader)`` of every ``ask``, in order.
        added: entries of the files added; a file named ``scan*`` is refused like an image PDF.
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls: list[tuple[str, list[dict[str, str]], int | None, str | None]] = []
        self.added: list[DocumentMeta] = []
        self._lock = threading.Lock()

    @property
    def documents(self) -> list[DocumentMeta]:
        return [META, *self.added]

    def add_documents(self, paths: list[str]) -> Change:
        names = [Path(path).name for path in paths]
        for name in names:
            if name.startswith("scan"):
                raise QAError(f"{name} {UPLOAD_REFUSAL}")
        added = tuple(DocumentMeta(file=f"{name}.txt", title=f"Uploaded {name}", source=name,
                                   pages=(0, 100, 200)) for name in names)
        with self._lock:
            self.added += added
        return Change(added, index=None, embedded=42, reused=1, seconds=0.5)  # type: ignore[arg-type]

    def document_text(self, doc: str) -> str:
        if doc != DOC:
            raise QAError(f"unknown document {doc!r}")
        return TEXT

    def ask(self, question: str, history: list[dict[str, str]] | None = None,
            k: int | None = None, reader: str | None = None) -> Answer:
        history = list(history or [])
        with self._lock:
            self.calls.append((question, history, k, reader))
        time.sleep(self.delay)
        if not question.strip():
            raise QuestionError("The question is empty: type a question.")
        if question == FAILING:
            raise QAError(FAILURE)
        retrieved = (SUM_HIT, FEES_HIT, DIASPORA_HIT)
        if question == UNANSWERABLE:
            return Answer(question=question, text="", short_answer="", citations=(),
                          confidence=0.1, abstained=True, reason=UNANSWERABLE_REASON,
                          retrieved=(FEES_HIT, SUM_HIT, DIASPORA_HIT))
        if question == FEES:
            return Answer(question=question, text=f"{FEES_QUOTE} [1]", short_answer="7 per cent",
                          citations=(citation(FEES_QUOTE, 2),), confidence=0.8, abstained=False,
                          retrieved=(FEES_HIT, SUM_HIT))
        if question == ANSWERABLE:
            return Answer(question=question,
                          text=f"{SUM_QUOTE} [1] It pays for schools and clinics. [2]",
                          short_answer="441 billion dollars",
                          citations=(citation(SUM_QUOTE, 1),
                                     citation("This money pays for schools\nand clinics", 1)),
                          confidence=0.9, abstained=False, retrieved=retrieved)
        previous = history[-2]["content"] if len(history) >= 2 else "none"
        return Answer(question=question,
                      text=f"Echo: {question} | previous: {previous} | {SUM_QUOTE} [1]",
                      short_answer=question, citations=(citation(SUM_QUOTE, 1),),
                      confidence=0.5, abstained=False, retrieved=retrieved)


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(assistant: Any, settings: Settings | None = None) -> tuple[Any, str]:
    """Launch the app over ``assistant`` in-thread with the default host; returns the demo and URL."""
    demo = app_gradio.build_demo(assistant, settings)
    with pytest.MonkeyPatch.context() as env:
        env.delenv("GRADIO_SERVER_NAME", raising=False)
        url = app_gradio.launch(demo, server_port=free_port(), prevent_thread_lock=True)
    return demo, url


def respond(demo: Any, question: str, history: list[dict[str, str]] | None = None,
            k: int = 10, reader: str = "extractive") -> list[tuple[Any, ...]]:
    """Everything the app's ``ask`` handler yields for one question, called without a server."""
    handler = next(f.fn for f in demo.fns.values() if f.api_name == "ask")
    history = history or []
    return list(handler(question, history, [], k, reader))
