"""A transformers span reader: a SQuAD-style extractive QA model reads the top passages.

No such model is bundled (DESIGN.md), so this reader is for users who have one: any
``AutoModelForQuestionAnswering`` folder or name. The span it picks is mapped back to the
sentence that holds it, so the answer is still a verbatim, cited quote, and the span itself
becomes the short answer. SQuAD 2.0 models can say "no answer" (the [CLS] span); when that
wins in every passage the reader abstains.
"""

from __future__ import annotations

import threading

import numpy as np

from .errors import QAError
from .hf import load_model
from .question import Question
from .read import Reading
from .retrieve import Retrieval, Retriever

SPAN_PASSAGES = 5
MAX_TOKENS = 384
MAX_ANSWER_TOKENS = 30


class SpanReader:
    """Quote the sentence holding the best answer span of a transformers QA model.

    Args:
        model: a local model folder or a model name already in the Hugging Face cache.
    """

    name = "hf-qa"

    def __init__(self, model: str) -> None:
        if not model:
            raise QAError("the hf-qa reader needs a model: set reader_model (qa --reader-model DIR, "
                          "or QA_READER_MODEL) to a SQuAD-style question-answering model folder")
        self.model_name = model
        self._loaded: tuple | None = None
        self._lock = threading.Lock()

    def read(self, question: Question, retrieval: Retrieval, retriever: Retriever) -> Reading:
        ix = retriever.index
        best: tuple[float, str, int] | None = None  # (probability, span text, sentence position)
        null = 0.0
        for hit in retrieval.hits[:SPAN_PASSAGES]:
            rows = ix.passage_sentences[hit.position]
            context, starts = "", []
            for s in rows:
                starts.append(len(context))
                context += ix.sentences[s].text + " "
            found = self._best_span(question.text, context)
            if found is None:
                continue
            prob, start, end, no_answer = found
            null = max(null, no_answer)
            if best is None or prob > best[0]:
                owner = rows[int(np.searchsorted(starts, start, side="right")) - 1]
                best = (prob, context[start:end].strip(), owner)
        if best is None or not best[1] or null > best[0]:
            return Reading((), "", 0.0, True, "The question-answering model found no answer in the "
                                              "closest passages.")
        prob, span, owner = best
        return Reading((owner,), span, prob, False, "")

    def _best_span(self, question: str, context: str) -> tuple[float, int, int, float] | None:
        """The most probable answer span of one context, as character offsets, with the
        probability of "no answer"; ``None`` when the context has no room after the question."""
        tokenizer, model, torch = self._load()
        with self._lock, torch.no_grad():  # a fast tokenizer is not safe to share between threads
            # longest_first: a long question is cut too, instead of raising
            enc = tokenizer(question, context, truncation="longest_first", max_length=MAX_TOKENS,
                            return_offsets_mapping=True, return_tensors="pt")
            offsets = enc.pop("offset_mapping")[0].tolist()
            in_context = [i for i, sid in enumerate(enc.sequence_ids(0)) if sid == 1]
            if not in_context:
                return None
            out = model(**enc)
        start_p = torch.softmax(out.start_logits[0], -1).numpy()
        end_p = torch.softmax(out.end_logits[0], -1).numpy()
        lo, hi = in_context[0], in_context[-1] + 1
        # Joint probability of every (start, end) pair inside the context, end >= start.
        grid = np.triu(np.outer(start_p[lo:hi], end_p[lo:hi]))
        grid = np.tril(grid, MAX_ANSWER_TOKENS - 1)
        i, j = np.unravel_index(int(np.argmax(grid)), grid.shape)
        return float(grid[i, j]), offsets[lo + i][0], offsets[lo + j][1], float(start_p[0] * end_p[0])

    def _load(self):
        with self._lock:
            if self._loaded is None:
                self._loaded = load_model("AutoModelForQuestionAnswering", self.model_name, self.model_name,
                                          self.name, "question-answering")
            return self._loaded
