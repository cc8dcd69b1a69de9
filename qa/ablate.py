"""The ablation table: the same gold set through each retrieval mode and each reader.

``qa ablate --gold FILE --out DIR`` runs every configuration in one process (the index and the
models are loaded once), keeps each configuration's full run folder under ``DIR/<name>/`` and
writes the comparison to ``DIR/ablation.md`` and ``DIR/ablation.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .assistant import Assistant
from .evaluate import AtK, GoldItem, predict, score, write_run
from .files import atomic_write
from .index import Index
from .retrieve import Retriever
from .settings import Settings

COLUMNS = ("hit@1", "hit@5", "hit@10", "evidence_recall@10", "overall_correct", "correct_answerable",
           "citation_precision", "answer_f1", "latency_p50_s")


@dataclass(frozen=True)
class Config:
    """One row of the table: a retrieval mode and a reader."""

    mode: str
    reader: str

    @property
    def name(self) -> str:
        return f"{self.mode}-{self.reader}"


def configs(readers: Sequence[str] = ("extractive",)) -> list[Config]:
    """Retrieval ablated with the default reader, then every other reader on fused retrieval."""
    rows = [Config(mode, "extractive") for mode in ("lexical", "dense", "hybrid")]
    return rows + [Config("hybrid", r) for r in readers if r != "extractive"]


def ablate(settings: Settings, gold: Sequence[GoldItem], index: Index, out_dir: Path,
           readers: Sequence[str] = ("extractive",), k: int = 10,
           progress: bool = False) -> list[dict[str, Any]]:
    """Score each configuration on one loaded index and write its run folder plus the table.

    Returns:
        One dict per configuration: ``config``, ``mode``, ``reader`` and the metrics of
        :data:`COLUMNS`.
    """
    corpus_texts = {name: d.text for name, d in index.documents.items()}
    table = []
    retrievers: dict[str, Retriever] = {}
    for config in configs(readers):
        retriever = retrievers.get(config.mode) or Retriever(settings=settings, mode=config.mode, index=index)
        retrievers[config.mode] = retriever
        assistant = Assistant(settings.with_(reader=config.reader), retriever=retriever)
        predictions = predict(AtK(assistant, k), gold, progress=progress)
        metrics, rows = score(predictions, gold, corpus_texts)
        write_run(out_dir / config.name, predictions, metrics, rows, gold)
        table.append({"config": config.name, "mode": config.mode, "reader": config.reader,
                      **{c: metrics.get(c) for c in COLUMNS}})
    atomic_write(out_dir / "ablation.json", json.dumps(table, indent=1) + "\n")
    atomic_write(out_dir / "ablation.md", markdown(table))
    return table


def markdown(table: Sequence[dict[str, Any]]) -> str:
    """The table as Markdown, latency in milliseconds."""
    head = ["retrieval", "reader", *(c.replace("latency_p50_s", "p50 ms") for c in COLUMNS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in table:
        cells = [row["mode"], row["reader"]]
        for c in COLUMNS:
            value = row[c]
            cells.append("–" if value is None else f"{value * 1000:.0f}" if c == "latency_p50_s" else f"{value:.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
