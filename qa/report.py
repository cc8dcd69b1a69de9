"""Rendering of a run: the markdown report, its plots and the comparison with a baseline run.

Pure functions over the metrics and per-question rows of :mod:`qa.evaluate`; writing the files
is the runner's job. Figures are drawn on matplotlib's Agg canvas without pyplot, so no GUI
backend or global figure state is involved.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

from .metrics import QUESTION_TYPES, GoldItem

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HEADLINE = (
    ("overall_correct", "correct, all questions"),
    ("correct_answerable", "correct, answerable"),
    ("refusal_rate_unanswerable", "refusal rate, unanswerable"),
    ("answer_rate_answerable", "answer rate, answerable"),
    ("hit@1", "hit@1"),
    ("hit@5", "hit@5"),
    ("hit@10", "hit@10"),
    ("mrr", "MRR"),
    ("evidence_recall@10", "evidence recall@10"),
    ("cite_exact", "citations quoted exactly"),
    ("citation_precision", "citation precision"),
    ("citation_evidence_recall", "citation evidence recall"),
    ("answer_em", "answer exact match"),
    ("answer_f1", "answer F1"),
    ("answer_recall", "answer recall"),
    ("answer_words", "answer length (words)"),
    ("abstention_precision", "abstention precision"),
    ("abstention_recall", "abstention recall"),
    ("abstention_f1", "abstention F1"),
    ("latency_p50_s", "latency p50 (s)"),
    ("latency_p95_s", "latency p95 (s)"),
)
PLOTS = {
    "correct_by_type.png": "Correct by question type",
    "reliability.png": "Reliability of confidence (answered questions)",
    "tradeoff.png": "Abstaining below a confidence threshold",
}
THRESHOLDS = tuple(i / 100 for i in range(101))
WORST = 10
QUOTE_CHARS = 300


def _fmt(value: Any, sign: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:{sign}.3f}"
    return f"{value:{sign}d}"


def _squash(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _mean(values: Sequence[Any]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


# -- threshold sweep and comparison -----------------------------------------------------------


def threshold_sweep(rows: Sequence[Mapping[str, Any]],
                    thresholds: Sequence[float] = THRESHOLDS) -> list[dict[str, Any]]:
    """What abstaining whenever ``confidence < threshold`` would do to the run.

    A question counts as abstained when it was, or when its confidence is below the
    threshold; an answerable question stays correct only if it is still answered.

    Args:
        rows: per-question rows with ``answerable``, ``abstained``, ``confidence``, ``correct``.
        thresholds: the thresholds to try.

    Returns:
        One dict per threshold: ``threshold``, ``refusal_rate_unanswerable``,
        ``answer_rate_answerable``, ``overall_correct`` (``None`` over an empty population).
    """
    sweep = []
    for threshold in thresholds:
        abstains = [r["abstained"] or r["confidence"] < threshold for r in rows]
        sweep.append({
            "threshold": threshold,
            "refusal_rate_unanswerable": _mean(
                [a for a, r in zip(abstains, rows, strict=True) if not r["answerable"]]),
            "answer_rate_answerable": _mean(
                [not a for a, r in zip(abstains, rows, strict=True) if r["answerable"]]),
            "overall_correct": _mean(
                [(r["correct"] and not a) if r["answerable"] else a
                 for a, r in zip(abstains, rows, strict=True)]),
        })
    return sweep


def compare(metrics: Mapping[str, Any], rows: Sequence[Mapping[str, Any]],
            base_metrics: Mapping[str, Any], base_rows: Sequence[Mapping[str, Any]],
            base_dir: str) -> dict[str, Any]:
    """This run against a baseline run: every numeric metric side by side, and flipped questions.

    Args:
        metrics: this run's metrics.
        rows: this run's per-question rows.
        base_metrics: the baseline's metrics (its own ``"baseline"`` entry is ignored).
        base_rows: the baseline's per-question rows.
        base_dir: where the baseline was read from, for the record.

    Returns:
        ``{"dir", "metrics": {name: {"baseline", "run", "delta"}}, "flipped": [{"id", "type",
        "question", "baseline", "run"}]}``; ``flipped`` lists questions of both runs whose
        ``correct`` differs, in this run's order.
    """
    def numeric(value: Any) -> TypeGuard[float]:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    names = [k for k, v in metrics.items() if numeric(v) or v is None]
    names += [k for k, v in base_metrics.items() if k not in metrics and (numeric(v) or v is None)]
    table = {}
    for name in names:
        run, base = metrics.get(name), base_metrics.get(name)
        delta = run - base if numeric(run) and numeric(base) else None
        table[name] = {"baseline": base, "run": run, "delta": delta}
    before = {r["id"]: r["correct"] for r in base_rows}
    flipped = [{"id": r["id"], "type": r["type"], "question": r["question"],
                "baseline": before[r["id"]], "run": r["correct"]}
               for r in rows if r["id"] in before and before[r["id"]] != r["correct"]]
    return {"dir": base_dir, "metrics": table, "flipped": flipped}


# -- figures ----------------------------------------------------------------------------------


def _figure(width: float = 6.4, height: float = 4.0) -> Figure:
    # Imported here so that importing the library does not pay for matplotlib.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def plots(rows: Sequence[Mapping[str, Any]]) -> dict[str, bytes]:
    """The report's plots as PNG bytes, by file name (see :data:`PLOTS`)."""
    figures = {
        "correct_by_type.png": _by_type_figure(rows),
        "reliability.png": _reliability_figure(rows),
        "tradeoff.png": _tradeoff_figure(rows),
    }
    out = {}
    for name, figure in figures.items():
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
        out[name] = buffer.getvalue()
    return out


def _by_type_figure(rows: Sequence[Mapping[str, Any]]) -> Figure:
    figure = _figure()
    ax = figure.add_subplot()
    types = [t for t in QUESTION_TYPES if any(r["type"] == t for r in rows)]
    counts = [sum(r["type"] == t for r in rows) for t in types]
    shares = [_mean([r["correct"] for r in rows if r["type"] == t]) or 0.0 for t in types]
    bars = ax.bar(types, shares, color="#4C72B0")
    labels = [f"{s:.2f}\nn={n}" for s, n in zip(shares, counts, strict=True)]
    ax.bar_label(bars, labels=labels, fontsize=8)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("share correct")
    ax.set_title(PLOTS["correct_by_type.png"])
    return figure


def _reliability_figure(rows: Sequence[Mapping[str, Any]], bins: int = 10) -> Figure:
    # Only answered questions: confidence is the assistant's belief that its answer is right.
    figure = _figure(5.2, 5.0)
    ax = figure.add_subplot()
    by_bin: dict[int, list[bool]] = {}
    for r in rows:
        if not r["abstained"]:
            b = min(int(min(max(r["confidence"], 0.0), 1.0) * bins), bins - 1)
            by_bin.setdefault(b, []).append(r["correct"])
    for b, outcomes in by_bin.items():
        share = sum(outcomes) / len(outcomes)
        ax.bar(b / bins, share, width=1 / bins, align="edge", color="#4C72B0", edgecolor="white")
        ax.annotate(str(len(outcomes)), ((b + 0.5) / bins, share), ha="center", va="bottom",
                    fontsize=8)
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("confidence (bins; bar labels = questions)")
    ax.set_ylabel("share correct")
    ax.set_title(PLOTS["reliability.png"])
    ax.legend(loc="upper left")
    return figure


def _tradeoff_figure(rows: Sequence[Mapping[str, Any]]) -> Figure:
    sweep = threshold_sweep(rows)
    figure = _figure(10, 4.2)
    left, right = figure.subplots(1, 2)

    def series(key: str) -> list[float]:
        return [float("nan") if s[key] is None else s[key] for s in sweep]

    left.plot(series("answer_rate_answerable"), series("refusal_rate_unanswerable"), marker=".")
    left.plot(series("answer_rate_answerable")[:1], series("refusal_rate_unanswerable")[:1],
              "o", color="red", label="as run (threshold 0)")
    left.set_xlabel("answer rate on answerable")
    left.set_ylabel("refusal rate on unanswerable")
    left.set_xlim(-0.02, 1.02)
    left.set_ylim(-0.02, 1.02)
    left.legend(loc="lower left")
    thresholds = [s["threshold"] for s in sweep]
    for key in ("overall_correct", "answer_rate_answerable", "refusal_rate_unanswerable"):
        right.plot(thresholds, series(key), label=key)
    right.set_xlabel("abstain when confidence < threshold")
    right.set_ylim(-0.02, 1.02)
    right.legend(loc="best", fontsize=8)
    figure.suptitle(PLOTS["tradeoff.png"])
    return figure


# -- markdown ---------------------------------------------------------------------------------


def render(metrics: Mapping[str, Any], rows: Sequence[Mapping[str, Any]],
           predictions: Sequence[Mapping[str, Any]], gold: Sequence[GoldItem],
           baseline: Mapping[str, Any] | None = None) -> str:
    """The markdown report of a run.

    Args:
        metrics: the run's metrics.
        rows: its per-question rows.
        predictions: its predictions (for the answers and citations of the worst questions).
        gold: the gold questions.
        baseline: the result of :func:`compare`, when comparing with an earlier run.

    Returns:
        Markdown that links the plots of :data:`PLOTS` beside it.
    """
    lines = [
        "# Evaluation report", "",
        f"{metrics['n_questions']} questions ({metrics['n_answerable']} answerable, "
        f"{metrics['n_unanswerable']} unanswerable); {metrics['n_answered_answerable']} "
        f"answerable ones answered; {metrics['n_citations']} citations.", "",
        "| metric | value |", "|---|---|",
        *(f"| {label} | {_fmt(metrics.get(key))} |" for key, label in HEADLINE), "",
        "## By question type", "",
        "| type | n | answered | correct | answer recall | hit@5 | evidence recall@10 |",
        "|---|---|---|---|---|---|---|",
    ]
    for qtype in QUESTION_TYPES:
        of_type = [r for r in rows if r["type"] == qtype]
        if of_type:
            answered = sum(not r["abstained"] for r in of_type)
            cells = [_mean([r[k] for r in of_type])
                     for k in ("correct", "answer_recall", "hit@5", "evidence_recall@10")]
            lines.append(f"| {qtype} | {len(of_type)} | {answered} | "
                         + " | ".join(_fmt(c) for c in cells) + " |")
    best = max(threshold_sweep(rows), key=lambda s: s["overall_correct"] or 0.0)
    lines += ["", "## Plots", "",
              f"Abstaining below confidence {best['threshold']:.2f} would give overall correct "
              f"{_fmt(best['overall_correct'])} on this set (tune thresholds on dev data only).",
              ""]
    lines += [f"![{title}]({name})" for name, title in PLOTS.items()]
    if baseline is not None:
        lines += _baseline_lines(baseline)
    lines += _worst_lines(rows, predictions, gold)
    return "\n".join(lines) + "\n"


def _baseline_lines(baseline: Mapping[str, Any]) -> list[str]:
    lines = ["", f"## Compared with {baseline['dir']}", "",
             "| metric | baseline | this run | delta |", "|---|---|---|---|"]
    for name, cell in baseline["metrics"].items():
        lines.append(f"| {name} | {_fmt(cell['baseline'])} | {_fmt(cell['run'])} "
                     f"| {_fmt(cell['delta'], '+')} |")
    flipped = baseline["flipped"]
    lines += ["", f"Questions whose `correct` flipped: {len(flipped)}", ""]
    lines += [f"- {f['id']} ({f['type']}): {'correct' if f['baseline'] else 'wrong'} → "
              f"{'correct' if f['run'] else 'wrong'}: {_squash(f['question'], 160)}"
              for f in flipped]
    return lines


def _worst_lines(rows: Sequence[Mapping[str, Any]], predictions: Sequence[Mapping[str, Any]],
                 gold: Sequence[GoldItem]) -> list[str]:
    # Wrong before right, then by answer F1, and confidently wrong before hesitantly wrong.
    worst = sorted(rows, key=lambda r: (r["correct"], r["answer_f1"] or 0.0, -r["confidence"]))
    by_id = {p["id"]: p for p in predictions}
    gold_by_id = {g.id: g for g in gold}
    lines = ["", f"## The worst {min(WORST, len(worst))} questions", ""]
    for number, row in enumerate(worst[:WORST], 1):
        pred, item = by_id[row["id"]], gold_by_id[row["id"]]
        given = "(abstained)" if pred["abstained"] else _squash(pred["answer"])
        lines += [
            f"### {number}. {row['id']} ({row['type']}): "
            f"{'correct' if row['correct'] else 'wrong'}",
            "",
            f"- question: {_squash(item.question)}",
            f"- gold: {_squash(item.answer) if item.answerable else '(unanswerable: abstain)'}",
            f"- given: {given}",
            f"- confidence {_fmt(float(pred['confidence']))}, answer F1 {_fmt(row['answer_f1'])}, "
            f"recall {_fmt(row['answer_recall'])}, hit@5 {_fmt(row['hit@5'])}",
        ]
        marks = zip(pred["citations"], row["citation_supports"], row["citation_exact"], strict=True)
        for cite, supports, exact in marks:
            flags = "supports" if supports else "off-evidence"
            flags += "" if exact else ", NOT verbatim"
            lines.append(f"  - [{flags}] {cite['doc']} {cite['start']}-{cite['end']} "
                         f"({_squash(str(cite['section']), 60)} ¶{cite['paragraph']}): "
                         f"“{_squash(cite['quote'])}”")
        if not pred["citations"]:
            lines.append("  - (no citations)")
        lines.append("")
    return lines
