"""The evaluation runner: validate a gold set, ask every question, score, write a run folder.

A run folder holds ``predictions.jsonl`` (DESIGN.md's predictions format), ``questions.jsonl``
(the per-question rows of :func:`qa.metrics.question_row`), ``metrics.json``, ``report.md`` and
the plots it shows. Scoring works on prediction dicts only, so a saved run can be re-scored.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from . import report
from .errors import QAError
from .files import atomic_write
from .metrics import QUESTION_TYPES, DocSpan, GoldItem, aggregate, find_spans, question_row
from .types import Answer, Citation

GOLD_KEYS = ("id", "question", "answer", "long_answer", "doc", "evidence", "type")
PREDICTION_KEYS = ("id", "question", "answer", "short_answer", "abstained", "confidence",
                   "citations", "retrieved", "latency_s")
CITATION_KEYS = ("doc", "start", "end", "quote", "section", "paragraph")
RETRIEVED_KEYS = ("doc", "start", "end", "score")

__all__ = ["GoldFileError", "GoldItem", "RunFileError", "evaluate", "load_gold",
           "load_predictions", "predict", "score", "write_run"]


class GoldFileError(QAError):
    """A gold file cannot be used; the message names the file, the line and the fix."""


class RunFileError(QAError):
    """Predictions or a run folder cannot be used; the message names the file and the fix."""


class Assistant(Protocol):
    """Anything that answers a question, such as the library's assistant or a test fake."""

    def ask(self, question: str) -> Answer: ...


# -- gold -------------------------------------------------------------------------------------


def load_gold(path: str | Path, corpus_texts: Mapping[str, str]) -> list[GoldItem]:
    """Read and validate a gold file before any question is asked.

    Args:
        path: a JSONL file, one ``{"id", "question", "answer", "long_answer", "doc",
            "evidence", "type"}`` object a line (blank lines are skipped).
        corpus_texts: file name -> document text as read from the corpus.

    Returns:
        The questions in file order, with their evidence located.

    Raises:
        GoldFileError: the file is unreadable or empty, or a line is not a JSON object, lacks
            a key, has an unknown type or doc, repeats an id, or has evidence that is not
            verbatim in its document(s).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GoldFileError(f"{path}: not UTF-8 (bad byte at offset {exc.start}); "
                            "re-save it as UTF-8") from exc
    except OSError as exc:
        raise GoldFileError(f"{path}: cannot read the gold file ({exc.strerror}); "
                            "check the path") from exc
    items: list[GoldItem] = []
    first_line: dict[str, int] = {}
    # split("\n"), not splitlines(): JSON strings may hold U+2028 and other line separators.
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            item = _gold_item(line, corpus_texts)
        except ValueError as exc:
            raise GoldFileError(f"{path}:{lineno}: {exc}") from exc
        if item.id in first_line:
            raise GoldFileError(f"{path}:{lineno}: duplicate id {item.id!r} (first on line "
                                f"{first_line[item.id]}); give every question its own id")
        first_line[item.id] = lineno
        items.append(item)
    if not items:
        raise GoldFileError(f"{path}: holds no questions; write one JSON object a line with "
                            f"keys {', '.join(GOLD_KEYS)}")
    return items


def _gold_item(line: str, corpus_texts: Mapping[str, str]) -> GoldItem:
    """Parse one gold line; a ValueError says what is wrong and how to fix it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg}, column {exc.colno}); write one JSON "
                         "object a line") from None
    if not isinstance(record, dict):
        raise ValueError("not a JSON object; write one {...} object a line")
    missing = [key for key in GOLD_KEYS if key not in record]
    if missing:
        raise ValueError(f"missing key {', '.join(map(repr, missing))}; every line needs "
                         f"{', '.join(GOLD_KEYS)}")
    for key in ("id", "question", "answer", "long_answer", "type"):
        if not isinstance(record[key], str):
            raise ValueError(f"{key!r} must be a string, not {type(record[key]).__name__}; "
                             "quote it")
    if not record["id"].strip() or not record["question"].strip():
        raise ValueError("empty id or question; give every line both")
    qtype = record["type"]
    if qtype not in QUESTION_TYPES:
        raise ValueError(f"unknown type {qtype!r}; use one of {', '.join(QUESTION_TYPES)}")
    docs, evidence = _docs(record["doc"]), record["evidence"]
    if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
        raise ValueError("'evidence' must be a list of strings copied from the document")
    for doc in docs:
        if doc not in corpus_texts:
            known = ", ".join(sorted(corpus_texts)[:5])
            raise ValueError(f"unknown doc {doc!r}; use a corpus file name ({known}...)")
    if qtype == "unanswerable" and (docs or evidence or record["answer"]):
        raise ValueError('an unanswerable question has answer "", doc "" and evidence []; '
                         "clear them or give it an answerable type")
    if qtype != "unanswerable" and not (docs and evidence and record["answer"].strip()):
        raise ValueError(f"a {qtype} question needs an answer, a doc and at least one evidence "
                         "string; add them or make its type 'unanswerable'")
    spans = tuple(_locate(n, e, docs, corpus_texts) for n, e in enumerate(evidence, 1))
    return GoldItem(id=record["id"], question=record["question"], answer=record["answer"],
                    long_answer=record["long_answer"], type=qtype, docs=docs,
                    evidence=tuple(evidence), spans=spans)


def _docs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list) and value and all(isinstance(d, str) and d for d in value):
        return tuple(value)
    raise ValueError("'doc' must be a file name, a list of file names, or \"\" when unanswerable")


def _locate(number: int, evidence: str, docs: Sequence[str],
            corpus_texts: Mapping[str, str]) -> DocSpan:
    # A compare question's evidence lies in one of its documents, whichever holds it.
    for doc in docs:
        try:
            return DocSpan(doc, *find_spans(corpus_texts[doc], evidence))
        except ValueError:
            continue
    raise ValueError(f"evidence {number} {evidence[:60]!r} is not verbatim in "
                     f"{' or '.join(docs)}; copy it exactly from the document (quotes, dashes, "
                     "spaces and line breaks included)")


# -- predicting -------------------------------------------------------------------------------


class AtK:
    """An assistant whose questions all retrieve ``k`` passages, for the evaluation runner."""

    def __init__(self, assistant: Assistant, k: int) -> None:
        self._assistant, self._k = assistant, k

    def ask(self, question: str) -> Answer:
        return self._assistant.ask(question, k=self._k)


def predict(assistant: Assistant, gold: Sequence[GoldItem],
            progress: bool = True) -> list[dict[str, Any]]:
    """Ask every gold question and record the answers in the predictions format.

    The first question is asked once, untimed, before the timed pass, so lazy model loading
    is not counted: DESIGN.md's latency is wall time inside one warm process.

    Args:
        assistant: has ``ask(question) -> Answer``.
        gold: the questions.
        progress: show a progress bar on stderr.

    Returns:
        One dict per question: ``id``, ``question``, ``answer``, ``short_answer``,
        ``abstained``, ``confidence``, ``citations``, ``retrieved``, ``latency_s``.
    """
    if gold:
        assistant.ask(gold[0].question)
    predictions = []
    for item in tqdm(gold, desc="eval", unit="q", disable=not progress, file=sys.stderr):
        start = time.perf_counter()
        answer = assistant.ask(item.question)
        latency = time.perf_counter() - start
        predictions.append({
            "id": item.id,
            "question": item.question,
            "answer": answer.text,
            "short_answer": answer.short_answer,
            "abstained": answer.abstained,
            "confidence": round(float(answer.confidence), 4),
            "citations": [{"doc": c.doc, "start": c.start, "end": c.end, "quote": c.quote,
                           "section": c.section, "paragraph": c.paragraph}
                          for c in answer.citations],
            "retrieved": [{"doc": h.doc, "start": h.start, "end": h.end,
                           "score": round(float(h.score), 6)} for h in answer.retrieved],
            "latency_s": round(latency, 6),
        })
    return predictions


def load_predictions(path: str | Path) -> list[dict[str, Any]]:
    """Read a saved ``predictions.jsonl``, checking every line's format.

    Raises:
        RunFileError: the file is unreadable or a line is not a prediction.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RunFileError(f"{path}: cannot read predictions ({exc}); pass the predictions.jsonl "
                           "of a run folder") from exc
    predictions = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RunFileError(f"{path}:{lineno}: not valid JSON ({exc.msg}); the file is "
                               "damaged, run the evaluation again") from None
        problem = _prediction_problem(record)
        if problem:
            raise RunFileError(f"{path}:{lineno}: {problem}")
        predictions.append(record)
    return predictions


def _prediction_problem(record: Any) -> str:
    """What makes a record not a prediction ("" when it is one), with the fix."""
    fix = "; write predictions with qa.evaluate.predict"
    if not isinstance(record, dict):
        return "not a JSON object" + fix
    missing = [key for key in PREDICTION_KEYS if key not in record]
    if missing:
        return f"missing key {', '.join(map(repr, missing))}" + fix
    if not isinstance(record["abstained"], bool) or not _is_number(record["confidence"]) \
            or not _is_number(record["latency_s"]):
        return "'abstained' must be true/false, 'confidence' and 'latency_s' numbers" + fix
    for field, keys in (("citations", CITATION_KEYS), ("retrieved", RETRIEVED_KEYS)):
        entries = record[field]
        if not isinstance(entries, list) or not all(
                isinstance(e, dict) and all(k in e for k in keys)
                and isinstance(e["start"], int) and isinstance(e["end"], int) for e in entries):
            return f"each of {field!r} needs {', '.join(keys)} (start and end integers)" + fix
    return ""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# -- scoring ----------------------------------------------------------------------------------


def score(predictions: Sequence[Mapping[str, Any]], gold: Sequence[GoldItem],
          corpus_texts: Mapping[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Score predictions against the gold set.

    Args:
        predictions: one dict per gold question in the predictions format, in any order.
        gold: the gold questions (from :func:`load_gold`).
        corpus_texts: file name -> document text, to check quotes.

    Returns:
        The metrics of :func:`qa.metrics.aggregate` and one row per question, in gold order.

    Raises:
        RunFileError: a prediction is malformed or repeated, a gold question has none, or one
            answers a question that is not in the gold set.
    """
    by_id: dict[str, Mapping[str, Any]] = {}
    for number, record in enumerate(predictions, 1):
        problem = _prediction_problem(record)
        if problem:
            raise RunFileError(f"prediction {number}: {problem}")
        if record["id"] in by_id:
            raise RunFileError(f"prediction {number}: id {record['id']!r} appears twice; "
                               "keep one prediction per question")
        by_id[record["id"]] = record
    gold_ids = {item.id for item in gold}
    missing = [item.id for item in gold if item.id not in by_id]
    extra = [pid for pid in by_id if pid not in gold_ids]
    if missing or extra:
        raise RunFileError(f"predictions and gold set differ (no prediction for {missing[:5]}, "
                           f"no gold question for {extra[:5]}); score with the gold file the "
                           "predictions were made from")
    rows = []
    for item in gold:
        record = by_id[item.id]
        retrieved = [DocSpan(r["doc"], r["start"], r["end"]) for r in record["retrieved"]]
        rows.append(question_row(_answer(record), retrieved, item, corpus_texts,
                                 record["latency_s"]))
    return aggregate(rows), rows


def _answer(record: Mapping[str, Any]) -> Answer:
    """The Answer a prediction records (titles and passage texts are not saved, nor scored)."""
    citations = tuple(Citation(doc=c["doc"], title="", section=c["section"],
                               paragraph=c["paragraph"], start=c["start"], end=c["end"],
                               quote=c["quote"]) for c in record["citations"])
    return Answer(question=record["question"], text=record["answer"],
                  short_answer=record["short_answer"], citations=citations,
                  confidence=float(record["confidence"]), abstained=record["abstained"])


def evaluate(assistant: Assistant, gold: Sequence[GoldItem], corpus_texts: Mapping[str, str],
             progress: bool = True) -> dict[str, Any]:
    """Ask every gold question and return the metrics (see :func:`qa.metrics.aggregate`)."""
    return score(predict(assistant, gold, progress), gold, corpus_texts)[0]


# -- the run folder ---------------------------------------------------------------------------


def write_run(out_dir: str | Path, predictions: Sequence[Mapping[str, Any]],
              metrics: Mapping[str, Any], rows: Sequence[Mapping[str, Any]],
              gold: Sequence[GoldItem], baseline_dir: str | Path | None = None) -> Path:
    """Write a run folder, each file atomically (a temporary file, then ``os.replace``).

    Args:
        out_dir: the folder; created if needed, earlier files in it replaced.
        predictions: from :func:`predict` or :func:`load_predictions`.
        metrics: the metrics of :func:`score`.
        rows: the per-question rows of :func:`score`.
        gold: the gold questions.
        baseline_dir: a previous run folder to compare with: the report and ``metrics.json``
            (under ``"baseline"``) then show both runs' metrics and the questions whose
            ``correct`` flipped.

    Returns:
        The path of ``report.md``.

    Raises:
        RunFileError: the baseline folder lacks a readable metrics.json or questions.jsonl.
    """
    out = Path(out_dir)
    # Read the baseline before writing anything: it may be this very folder.
    baseline = _baseline(Path(baseline_dir), metrics, rows) if baseline_dir is not None else None
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "predictions.jsonl", _jsonl(predictions))
    atomic_write(out / "questions.jsonl", _jsonl(rows))
    for name, png in report.plots(rows).items():
        atomic_write(out / name, png)
    saved = {**metrics, **({"baseline": baseline} if baseline else {})}
    atomic_write(out / "metrics.json", json.dumps(saved, indent=2, ensure_ascii=False) + "\n")
    atomic_write(out / "report.md", report.render(metrics, rows, predictions, gold, baseline))
    return out / "report.md"


def _baseline(folder: Path, metrics: Mapping[str, Any],
              rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    try:
        base_metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        base_rows = [json.loads(line) for line in
                     (folder / "questions.jsonl").read_text(encoding="utf-8").split("\n")
                     if line.strip()]
        return report.compare(metrics, rows, base_metrics, base_rows, str(folder))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RunFileError(f"baseline {folder}: cannot read metrics.json and questions.jsonl "
                           f"({exc!r}); pass a folder written by an earlier evaluation "
                           "run") from exc


def _jsonl(records: Sequence[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
