"""The metrics that judge the assistant (DESIGN.md, "The metric definitions"), as pure functions.

Spans are ``(doc, start, end)`` with ``[start, end)`` in Python ``str`` indices into a corpus
file's text. Retrieval metrics count a passage as finding an evidence span when it covers at
least half of the span's characters; citation metrics count any overlap, because a citation is
a sentence-sized quote that rarely spans a whole evidence string.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from .types import Answer, Citation

QUESTION_TYPES = ("factoid", "list", "explain", "recommendation", "compare", "unanswerable")

# NLTK's English stop words, less the contraction forms (``don't``...) that the tokeniser never
# produces because it splits at apostrophes; their fragments (``don``, ``t``) are kept.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now d ll m o re
    ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan shouldn wasn
    weren won wouldn
    """.split()
)

_PER_CENT = re.compile(r"\bper[\s-]*cent\b")
# A number keeps inner "." and "," only between digits ("3.5", "1,000", "WHA63.16"), so the
# comma of "Bangladesh, Jamaica" or "1990, 2000" still separates tokens.
_TOKEN = re.compile(r"[^\W_]*\d(?:[.,]\d+)+|[^\W_]+")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")


class DocSpan(NamedTuple):
    """A ``[start, end)`` span of a corpus file; plain ``(doc, start, end)`` tuples work too."""

    doc: str
    start: int
    end: int


@dataclass(frozen=True)
class GoldItem:
    """One validated gold question, with its evidence located in the corpus.

    Attributes:
        id: unique question id.
        question: the question as asked.
        answer: the gold short answer ("" when unanswerable).
        long_answer: a fuller gold answer ("" when unanswerable).
        type: one of :data:`QUESTION_TYPES`.
        docs: the corpus files the evidence comes from (empty when unanswerable).
        evidence: verbatim substrings of those files.
        spans: where each evidence string first occurs, in the same order.
    """

    id: str
    question: str
    answer: str
    long_answer: str
    type: str
    docs: tuple[str, ...]
    evidence: tuple[str, ...]
    spans: tuple[DocSpan, ...]

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


# -- answer tokens ----------------------------------------------------------------------------


def _raw_tokens(text: str) -> list[str]:
    """Normalised tokens before plural stripping (stop words are recognised in this form)."""
    text = _PER_CENT.sub(" percent ", text.lower()).replace("%", " percent ")
    out: list[str] = []
    for token in _TOKEN.findall(text):
        if "," in token:
            if _THOUSANDS.fullmatch(token):
                out.append(token.replace(",", ""))
                continue
            # "2010,2011" is a list of numbers, not one number.
            out.extend(token.split(","))
            continue
        ordinal = _ORDINAL.fullmatch(token)
        out.append(ordinal.group(1) if ordinal else token)
    return out


def _singular(token: str) -> str:
    # Short words ("is", "has") and -ss/-us/-is endings ("process", "status", "analysis") are
    # not plurals; numbers such as "1990s" are left alone.
    if len(token) <= 3 or not token.isalpha() or token.endswith(("ss", "us", "is")):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    return token[:-1] if token.endswith("s") else token


def tokens(text: str) -> list[str]:
    """Split an answer into normalised tokens (DESIGN.md's answer tokenisation).

    Lower-cased alphanumeric runs; numbers keep inner ``.``/``,`` between digits; ``%`` and
    "per cent" become ``percent``; ordinals are reduced (``14th`` -> ``14``); thousands
    separators are dropped (``1,000`` -> ``1000``); a plural ``s``/``ies`` is stripped
    (``countries`` -> ``country``) except from stop words ("does"), which are kept here;
    see :func:`content_tokens`.

    Args:
        text: any text.

    Returns:
        The tokens in reading order.
    """
    return [t if t in STOP_WORDS else _singular(t) for t in _raw_tokens(text)]


def content_tokens(text: str) -> list[str]:
    """Like :func:`tokens`, without the English stop words of :data:`STOP_WORDS`.

    Args:
        text: any text.

    Returns:
        The content tokens in reading order, repeats kept.
    """
    out = []
    for raw in _raw_tokens(text):
        token = _singular(raw)
        if raw not in STOP_WORDS and token not in STOP_WORDS:
            out.append(token)
    return out


def _overlap(pred: list[str], gold: list[str]) -> int:
    return sum((Counter(pred) & Counter(gold)).values())


def _f1(pred: str, gold: str) -> float:
    p, g = content_tokens(pred), content_tokens(gold)
    if not p or not g:
        return float(p == g)  # SQuAD: two empty answers agree, one empty answer scores 0
    same = _overlap(p, g)
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def answer_f1(pred: str, gold: str, long_gold: str = "") -> float:
    """SQuAD-style token F1 over content tokens, the better of the two gold answers.

    Args:
        pred: the predicted answer.
        gold: the gold short answer.
        long_gold: the gold long answer; ignored when empty.

    Returns:
        F1 in [0, 1]; 1.0 when prediction and gold both have no content tokens.
    """
    score = _f1(pred, gold)
    return max(score, _f1(pred, long_gold)) if long_gold else score


def answer_recall(pred: str, gold: str) -> float:
    """Share of the gold answer's content tokens found in the prediction, with multiplicity.

    Args:
        pred: the predicted answer.
        gold: the gold answer.

    Returns:
        Recall in [0, 1]; when the gold has no content tokens, 1.0 for an equally empty
        prediction and 0.0 otherwise (the SQuAD convention for empty answers).
    """
    p, g = content_tokens(pred), content_tokens(gold)
    if not g:
        return float(not p)
    return _overlap(p, g) / len(g)


def exact_match(pred: str, gold: str) -> float:
    """1.0 when prediction and gold have the same content tokens in the same order, else 0.0."""
    return float(content_tokens(pred) == content_tokens(gold))


# -- spans and retrieval ----------------------------------------------------------------------


def find_spans(doc_text: str, evidence: str) -> tuple[int, int]:
    """Locate an evidence string verbatim in a document.

    Args:
        doc_text: the document text as read from the corpus.
        evidence: a non-empty verbatim substring of it.

    Returns:
        ``(start, end)`` of its first occurrence.

    Raises:
        ValueError: the evidence is empty or does not occur verbatim.
    """
    start = doc_text.find(evidence) if evidence else -1
    if start < 0:
        raise ValueError(f"evidence not found verbatim: {evidence[:60]!r}")
    return start, start + len(evidence)


def _shared_chars(a: tuple[str, int, int], b: tuple[str, int, int]) -> int:
    if a[0] != b[0]:
        return 0
    return max(0, min(a[2], b[2]) - max(a[1], b[1]))


def covers(span_a: tuple[str, int, int], span_b: tuple[str, int, int]) -> bool:
    """Whether passage ``span_a`` covers at least half of the characters of evidence ``span_b``.

    Args:
        span_a: a retrieved passage ``(doc, start, end)``.
        span_b: a gold evidence span ``(doc, start, end)``.
    """
    length = span_b[2] - span_b[1]
    return length > 0 and 2 * _shared_chars(span_a, span_b) >= length


def _first_hit(retrieved: Sequence[tuple[str, int, int]],
               evidence_spans: Sequence[tuple[str, int, int]]) -> int | None:
    for rank, passage in enumerate(retrieved, 1):
        if any(covers(passage, span) for span in evidence_spans):
            return rank
    return None


def hit_at_k(retrieved: Sequence[tuple[str, int, int]],
             evidence_spans: Sequence[tuple[str, int, int]], k: int) -> bool:
    """Whether one of the top-k passages covers at least half of some gold evidence span.

    Args:
        retrieved: ranked passages ``(doc, start, end)``, best first.
        evidence_spans: the question's gold evidence spans.
        k: how many top passages count.
    """
    rank = _first_hit(retrieved, evidence_spans)
    return rank is not None and rank <= k


def reciprocal_rank(retrieved: Sequence[tuple[str, int, int]],
                    evidence_spans: Sequence[tuple[str, int, int]]) -> float:
    """1 / rank of the first passage that covers half of some evidence span; 0.0 if none does.

    The whole ranked list counts (the predictions format keeps at least 10 passages).
    """
    rank = _first_hit(retrieved, evidence_spans)
    return 1.0 / rank if rank else 0.0


def evidence_recall_at_k(retrieved: Sequence[tuple[str, int, int]],
                         evidence_spans: Sequence[tuple[str, int, int]], k: int) -> float:
    """Share of the evidence spans each covered at least half by some top-k passage.

    Stricter than :func:`hit_at_k`: a compare question scores 1.0 only when the spans of
    every side are retrieved.

    Returns:
        Recall in [0, 1]; 0.0 when there are no evidence spans.
    """
    if not evidence_spans:
        return 0.0
    top = retrieved[:k]
    found = sum(any(covers(p, span) for p in top) for span in evidence_spans)
    return found / len(evidence_spans)


# -- citations --------------------------------------------------------------------------------


def _span_of(citation: Citation) -> DocSpan:
    return DocSpan(citation.doc, citation.start, citation.end)


def cite_exact(citation: Citation, corpus_texts: Mapping[str, str]) -> bool:
    """Whether a citation's non-empty quote is exactly ``text[start:end]`` of the named file.

    Args:
        citation: the citation to check.
        corpus_texts: file name -> document text as read from the corpus.
    """
    text = corpus_texts.get(citation.doc)
    if text is None or not 0 <= citation.start < citation.end <= len(text):
        return False
    return text[citation.start:citation.end] == citation.quote


def supports(citation: Citation, evidence_spans: Sequence[tuple[str, int, int]],
             gold_answer: str) -> bool:
    """Whether a citation backs the gold answer.

    It does when it overlaps a gold evidence span by at least one character (same file) or
    when its quote holds at least 60% of the gold short answer's content tokens.

    Args:
        citation: the citation to judge.
        evidence_spans: the question's gold evidence spans.
        gold_answer: the gold short answer.
    """
    span = _span_of(citation)
    if any(_shared_chars(span, gold) > 0 for gold in evidence_spans):
        return True
    return bool(content_tokens(gold_answer)) and answer_recall(citation.quote, gold_answer) >= 0.6


def citation_precision(citations: Sequence[Citation],
                       evidence_spans: Sequence[tuple[str, int, int]], gold_answer: str) -> float:
    """Share of an answer's citations that :func:`supports` the gold answer.

    Returns:
        Precision in [0, 1]; 0.0 for an answer without citations (it cites nothing useful).
    """
    if not citations:
        return 0.0
    return sum(supports(c, evidence_spans, gold_answer) for c in citations) / len(citations)


def citation_evidence_recall(citations: Sequence[Citation],
                             evidence_spans: Sequence[tuple[str, int, int]]) -> float:
    """Share of the gold evidence spans that some citation overlaps by at least one character.

    Returns:
        Recall in [0, 1]; 0.0 when there are no evidence spans.
    """
    if not evidence_spans:
        return 0.0
    spans = [_span_of(c) for c in citations]
    found = sum(any(_shared_chars(s, gold) > 0 for s in spans) for gold in evidence_spans)
    return found / len(evidence_spans)


# -- per question and aggregate ---------------------------------------------------------------


def is_correct(pred: Answer, gold: GoldItem) -> bool:
    """DESIGN.md's ``correct``.

    Answerable: not abstained, answer recall >= 0.5 and at least one supporting citation.
    Unanswerable: abstained.
    """
    if not gold.answerable:
        return pred.abstained
    return (not pred.abstained and answer_recall(pred.text, gold.answer) >= 0.5
            and any(supports(c, gold.spans, gold.answer) for c in pred.citations))


def question_row(pred: Answer, retrieved: Sequence[tuple[str, int, int]], gold: GoldItem,
                 corpus_texts: Mapping[str, str], latency_s: float) -> dict[str, Any]:
    """Every per-question measure, the input of :func:`aggregate`.

    A measure is ``None`` where the question is outside its population: retrieval measures
    exist for answerable questions, answer and citation measures for answered answerable ones.

    Args:
        pred: the assistant's answer.
        retrieved: its ranked passages ``(doc, start, end)``, best first.
        gold: the gold question.
        corpus_texts: file name -> document text, to check quotes.
        latency_s: wall time of the question in seconds.

    Returns:
        A flat JSON-serialisable dict.
    """
    answered = gold.answerable and not pred.abstained
    spans, citations = gold.spans, pred.citations

    def when(flag: bool, value: Any) -> Any:
        return value if flag else None

    return {
        "id": gold.id,
        "type": gold.type,
        "question": gold.question,
        "answerable": gold.answerable,
        "abstained": pred.abstained,
        "confidence": pred.confidence,
        "hit@1": when(gold.answerable, hit_at_k(retrieved, spans, 1)),
        "hit@5": when(gold.answerable, hit_at_k(retrieved, spans, 5)),
        "hit@10": when(gold.answerable, hit_at_k(retrieved, spans, 10)),
        "rr": when(gold.answerable, reciprocal_rank(retrieved, spans)),
        "evidence_recall@10": when(gold.answerable, evidence_recall_at_k(retrieved, spans, 10)),
        "n_citations": len(citations),
        "citation_exact": [cite_exact(c, corpus_texts) for c in citations],
        "citation_supports": [supports(c, spans, gold.answer) for c in citations],
        "citation_precision": when(answered, citation_precision(citations, spans, gold.answer)),
        "citation_evidence_recall": when(answered, citation_evidence_recall(citations, spans)),
        "answer_em": when(answered, exact_match(pred.text, gold.answer)),
        "answer_f1": when(answered, answer_f1(pred.text, gold.answer, gold.long_answer)),
        "answer_recall": when(answered, answer_recall(pred.text, gold.answer)),
        "answer_words": when(answered, len(pred.text.split())),
        "correct": is_correct(pred, gold),
        "latency_s": latency_s,
    }


def _mean(values: Iterable[Any]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0  # scikit-learn's zero_division=0


def aggregate(per_question_rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Every headline metric from the rows of :func:`question_row`.

    Means over an empty population are ``None``; abstention precision, recall and F1 follow
    scikit-learn's ``zero_division=0``.

    Args:
        per_question_rows: one row per gold question.

    Returns:
        A flat dict: ``hit@1``, ``hit@5``, ``hit@10``, ``mrr``, ``evidence_recall@10``,
        ``cite_exact``, ``citation_precision``, ``citation_evidence_recall``, ``answer_em``,
        ``answer_f1``, ``answer_recall``, ``answer_words``, ``refusal_rate_unanswerable``,
        ``answer_rate_answerable``, ``correct_<type>`` per question type,
        ``correct_answerable``, ``overall_correct``, ``latency_p50_s``, ``latency_p95_s``,
        ``abstention_precision``, ``abstention_recall``, ``abstention_f1`` and the counts
        ``n_questions``, ``n_answerable``, ``n_unanswerable``, ``n_answered_answerable``,
        ``n_citations``.
    """
    rows = list(per_question_rows)
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    exact = [flag for r in rows for flag in r["citation_exact"]]
    latencies = [r["latency_s"] for r in rows]

    metrics: dict[str, Any] = {
        key: _mean(r[src] for r in rows)
        for key, src in (("hit@1", "hit@1"), ("hit@5", "hit@5"), ("hit@10", "hit@10"),
                         ("mrr", "rr"), ("evidence_recall@10", "evidence_recall@10"))
    }
    metrics["cite_exact"] = _mean(exact)
    for key in ("citation_precision", "citation_evidence_recall", "answer_em", "answer_f1",
                "answer_recall", "answer_words"):
        metrics[key] = _mean(r[key] for r in rows)
    metrics["refusal_rate_unanswerable"] = _mean(r["abstained"] for r in unanswerable)
    metrics["answer_rate_answerable"] = _mean(not r["abstained"] for r in answerable)
    for qtype in QUESTION_TYPES:
        of_type = [r["correct"] for r in rows if r["type"] == qtype]
        if of_type:
            metrics[f"correct_{qtype}"] = _mean(of_type)
    metrics["correct_answerable"] = _mean(r["correct"] for r in answerable)
    metrics["overall_correct"] = _mean(r["correct"] for r in rows)
    metrics["latency_p50_s"] = float(np.percentile(latencies, 50)) if latencies else None
    metrics["latency_p95_s"] = float(np.percentile(latencies, 95)) if latencies else None

    true_pos = sum(r["abstained"] for r in unanswerable)
    precision = _ratio(true_pos, sum(r["abstained"] for r in rows))
    recall = _ratio(true_pos, len(unanswerable))
    metrics["abstention_precision"] = precision
    metrics["abstention_recall"] = recall
    metrics["abstention_f1"] = _ratio(2 * precision * recall, precision + recall)

    metrics["n_questions"] = len(rows)
    metrics["n_answerable"] = len(answerable)
    metrics["n_unanswerable"] = len(unanswerable)
    metrics["n_answered_answerable"] = sum(not r["abstained"] for r in answerable)
    metrics["n_citations"] = len(exact)
    return metrics
