"""The evaluation runner: gold validation, an end-to-end run with a fake assistant, baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.errors import QAError
from qa.evaluate import (
    GoldFileError,
    RunFileError,
    evaluate,
    load_gold,
    load_predictions,
    predict,
    score,
    write_run,
)
from qa.report import threshold_sweep
from qa.types import Answer, Citation, Hit

ROOT = Path(__file__).resolve().parents[1]

TEXTS = {
    "a.txt": "Remittances to Somalia exceeded EUR 200,000 per year. The BAB meets twice a year "
             "in Geneva.\n\nOther text about trade unions and employers.\n",
    "b.txt": "The IOM has 118 member states and 20 observers. Migration is not only for "
             "development.\n",
}
BAB = "The BAB meets twice a year in Geneva."
REMIT = "Remittances to Somalia exceeded EUR 200,000 per year."
IOM = "The IOM has 118 member states and 20 observers."
OTHER = "Other text about trade unions and employers."

GOLD = [
    {"id": "q1", "question": "How often does the BAB meet?", "answer": "Twice a year.",
     "long_answer": "The BAB meets twice a year in Geneva.", "doc": "a.txt",
     "evidence": [BAB], "type": "factoid"},
    {"id": "q2", "question": "How many IOM members are there, and what do remittances reach?",
     "answer": "118 member states; more than EUR 200,000 a year.", "long_answer": "",
     "doc": ["a.txt", "b.txt"], "evidence": [REMIT, IOM], "type": "compare"},
    {"id": "q3", "question": "What was IOM's budget in 2008?", "answer": "", "long_answer": "",
     "doc": "", "evidence": [], "type": "unanswerable"},
    {"id": "q4", "question": "Who won the 2006 World Cup?", "answer": "", "long_answer": "",
     "doc": "", "evidence": [], "type": "unanswerable"},
]


def write_gold(path: Path, records: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records),
                    encoding="utf-8")
    return path


def span(doc: str, sentence: str) -> tuple[str, int, int]:
    start = TEXTS[doc].index(sentence)
    return doc, start, start + len(sentence)


def cite(doc: str, sentence: str) -> Citation:
    _, start, end = span(doc, sentence)
    return Citation(doc=doc, title=doc, section="Intro", paragraph=1, start=start, end=end,
                    quote=sentence)


def hit(doc: str, sentence: str, score: float) -> Hit:
    _, start, end = span(doc, sentence)
    return Hit(doc=doc, start=start, end=end, score=score, text=sentence, section="Intro",
               paragraph=1)


class FakeAssistant:
    """Answers from a table: question -> (text, citations, confidence, abstained)."""

    def __init__(self, fixed_q2: bool = False) -> None:
        q2 = (("118 member states and more than EUR 200,000 a year.", (cite("b.txt", IOM),), 0.8)
              if fixed_q2 else ("It is unclear.", (cite("a.txt", OTHER),), 0.8))
        self.table = {
            GOLD[0]["question"]: ("The BAB meets twice a year.", (cite("a.txt", BAB),), 0.9),
            GOLD[1]["question"]: q2,
            GOLD[2]["question"]: ("", (), 0.1),
            GOLD[3]["question"]: ("Italy.", (cite("b.txt", IOM),), 0.3),
        }

    def ask(self, question: str) -> Answer:
        text, citations, confidence = self.table[question]
        retrieved = (hit("b.txt", IOM, 0.7), hit("a.txt", BAB, 0.5), hit("a.txt", REMIT, 0.2))
        return Answer(question=question, text=text, short_answer=text, citations=citations,
                      confidence=confidence, abstained=not text, retrieved=retrieved)


@pytest.fixture
def gold(tmp_path: Path):
    return load_gold(write_gold(tmp_path / "gold.jsonl", GOLD), TEXTS)


# -- gold validation --------------------------------------------------------------------------


def bad(**changes) -> dict:
    return {**GOLD[0], "id": "bad", **changes}


@pytest.mark.parametrize("line, problem", [
    ('{"id": "x", ', "not valid JSON"),
    ("[1, 2]", "not a JSON object"),
    ({k: v for k, v in GOLD[0].items() if k != "type"} | {"id": "bad"}, "missing key 'type'"),
    (bad(type="trivia"), "unknown type 'trivia'"),
    (bad(doc="c.txt"), "unknown doc 'c.txt'"),
    (bad(doc=["a.txt", "c.txt"]), "unknown doc 'c.txt'"),
    (bad(id="q1"), "duplicate id 'q1' (first on line 1)"),
    (bad(evidence=["The BAB meets twice a year in Brussels."]), "evidence 1"),
    (bad(doc=["b.txt"], evidence=[IOM, BAB]), "evidence 2"),  # BAB is in a.txt only
    (bad(evidence=[]), "needs an answer, a doc and at least one evidence"),
    (bad(type="unanswerable"), "an unanswerable question has"),
    (bad(question=7), "'question' must be a string, not int"),
])
def test_gold_errors_name_file_line_and_fix(tmp_path: Path, line, problem: str) -> None:
    # The bad line is line 3: a blank line 2 still counts.
    path = write_gold(tmp_path / "gold.jsonl", [GOLD[0], "", line])
    with pytest.raises(GoldFileError) as info:
        load_gold(path, TEXTS)
    message = str(info.value)
    assert isinstance(info.value, QAError)
    assert message.startswith(f"{path}:3: ") and problem in message
    assert "; " in message and "\n" not in message  # a fix follows, on the same line


def test_gold_file_missing_or_empty(tmp_path: Path) -> None:
    with pytest.raises(GoldFileError, match="cannot read"):
        load_gold(tmp_path / "nope.jsonl", TEXTS)
    with pytest.raises(GoldFileError, match="holds no questions"):
        load_gold(write_gold(tmp_path / "empty.jsonl", [""]), TEXTS)


def test_gold_locates_evidence_in_the_right_document(gold) -> None:
    assert gold[1].docs == ("a.txt", "b.txt")
    assert gold[1].spans == (span("a.txt", REMIT), span("b.txt", IOM))
    assert not gold[2].answerable and gold[2].spans == ()


class Oracle:
    """Answers every real dev question with its gold answer, citing its gold evidence."""

    def __init__(self, items: list) -> None:
        self.items = {i.question: i for i in items}

    def ask(self, question: str) -> Answer:
        item = self.items[question]
        citations = tuple(Citation(doc=s.doc, title="", section="", paragraph=1, start=s.start,
                                   end=s.end, quote=e)
                          for s, e in zip(item.spans, item.evidence, strict=True))
        hits = tuple(Hit(doc=s.doc, start=s.start, end=s.end, score=1.0, text="", section="",
                         paragraph=1) for s in item.spans)
        return Answer(question=question, text=item.answer, short_answer=item.answer,
                      citations=citations, confidence=1.0, abstained=not item.answerable,
                      retrieved=hits)


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "eval" / "gold").glob("*.jsonl")))
def test_every_shipped_gold_set_is_valid_and_an_oracle_scores_full_marks(name: str) -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "corpus").glob("*.txt")}
    items = load_gold(ROOT / "eval" / "gold" / name, texts)
    assert len(items) == len({i.id for i in items}) >= 40
    for item in items:
        for (doc, start, end), evidence in zip(item.spans, item.evidence, strict=True):
            assert texts[doc][start:end] == evidence
    metrics = evaluate(Oracle(items), items, texts, progress=False)
    for name in ("overall_correct", "hit@1", "evidence_recall@10", "cite_exact",
                 "citation_precision", "citation_evidence_recall", "answer_em", "answer_f1",
                 "refusal_rate_unanswerable", "abstention_f1"):
        assert metrics[name] == 1.0, name


# -- a run end to end -------------------------------------------------------------------------


def test_end_to_end_run(tmp_path: Path, gold) -> None:
    predictions = predict(FakeAssistant(), gold, progress=False)
    assert [p["id"] for p in predictions] == ["q1", "q2", "q3", "q4"]
    for p in predictions:
        assert set(p) == {"id", "question", "answer", "short_answer", "abstained", "confidence",
                          "citations", "retrieved", "latency_s"}
        assert all(set(c) == {"doc", "start", "end", "quote", "section", "paragraph"}
                   for c in p["citations"])
        assert all(set(r) == {"doc", "start", "end", "score"} for r in p["retrieved"])
        assert p["latency_s"] >= 0
    metrics, rows = score(predictions, gold, TEXTS)
    # q1 right, q2 wrong (off-evidence citation), q3 abstained (right), q4 answered (wrong)
    assert [r["correct"] for r in rows] == [True, False, True, False]
    assert metrics["overall_correct"] == 0.5
    assert metrics["hit@1"] == 0.5  # rank 1 (b.txt IOM) is evidence of q2 only
    assert metrics["evidence_recall@10"] == 1.0  # q1: 1/1, q2: both sides in the top 3
    assert metrics["cite_exact"] == 1.0

    report = write_run(tmp_path / "run", predictions, metrics, rows, gold)
    run = tmp_path / "run"
    assert report == run / "report.md"
    names = {p.name for p in run.iterdir()}
    assert {"predictions.jsonl", "questions.jsonl", "metrics.json", "report.md",
            "correct_by_type.png", "reliability.png", "tradeoff.png"} == names  # no temp files
    for png in ("correct_by_type.png", "reliability.png", "tradeoff.png"):
        assert (run / png).read_bytes().startswith(b"\x89PNG")
    text = report.read_text(encoding="utf-8")
    for part in ("| correct, all questions | 0.500 |", "## By question type",
                 "| compare | 1 | 1 | 0.000 |", "The worst 4 questions", "![",
                 "[off-evidence] a.txt", "Other text about trade unions"):
        assert part in text
    assert json.loads((run / "metrics.json").read_text())["overall_correct"] == 0.5

    # A saved run re-scores to the same metrics.
    again, _ = score(load_predictions(run / "predictions.jsonl"), gold, TEXTS)
    assert again == metrics


def test_evaluate_is_predict_plus_score(gold) -> None:
    metrics = evaluate(FakeAssistant(), gold, TEXTS, progress=False)
    assert metrics["overall_correct"] == 0.5 and metrics["n_questions"] == 4


def test_baseline_lists_flipped_questions(tmp_path: Path, gold) -> None:
    for name, assistant in (("before", FakeAssistant()), ("after", FakeAssistant(fixed_q2=True))):
        predictions = predict(assistant, gold, progress=False)
        metrics, rows = score(predictions, gold, TEXTS)
        baseline = tmp_path / "before" if name == "after" else None
        write_run(tmp_path / name, predictions, metrics, rows, gold, baseline_dir=baseline)
    saved = json.loads((tmp_path / "after" / "metrics.json").read_text())
    assert saved["overall_correct"] == 0.75
    flipped = saved["baseline"]["flipped"]
    assert [(f["id"], f["baseline"], f["run"]) for f in flipped] == [("q2", False, True)]
    assert saved["baseline"]["metrics"]["overall_correct"] == \
        {"baseline": 0.5, "run": 0.75, "delta": 0.25}
    text = (tmp_path / "after" / "report.md").read_text(encoding="utf-8")
    assert "## Compared with" in text and "| overall_correct | 0.500 | 0.750 | +0.250 |" in text
    assert "- q2 (compare): wrong → correct" in text


def test_baseline_folder_must_be_a_run(tmp_path: Path, gold) -> None:
    predictions = predict(FakeAssistant(), gold, progress=False)
    metrics, rows = score(predictions, gold, TEXTS)
    with pytest.raises(RunFileError, match="pass a folder written by an earlier evaluation"):
        write_run(tmp_path / "run", predictions, metrics, rows, gold, baseline_dir=tmp_path)
    assert not (tmp_path / "run").exists()  # nothing written


def test_threshold_sweep(gold) -> None:
    _, rows = score(predict(FakeAssistant(), gold, progress=False), gold, TEXTS)
    at = {s["threshold"]: s for s in threshold_sweep(rows, [0.0, 0.5, 0.85, 1.0])}
    assert at[0.0]["overall_correct"] == 0.5  # as run
    # 0.5: q4 (0.3) now abstains -> refusal 2/2; q1 q3 q4 right -> 3/4
    assert (at[0.5]["refusal_rate_unanswerable"], at[0.5]["overall_correct"]) == (1.0, 0.75)
    # 0.85: q2 (0.8) abstains too -> answer rate 1/2, still 3/4 right
    assert (at[0.85]["answer_rate_answerable"], at[0.85]["overall_correct"]) == (0.5, 0.75)
    # 1.0: everything abstains -> only the 2 unanswerable are right
    assert (at[1.0]["answer_rate_answerable"], at[1.0]["overall_correct"]) == (0.0, 0.5)


# -- predictions files ------------------------------------------------------------------------


def test_load_predictions_rejects_bad_lines(tmp_path: Path, gold) -> None:
    good = predict(FakeAssistant(), gold, progress=False)[0]
    path = tmp_path / "predictions.jsonl"
    broken = {k: v for k, v in good.items() if k != "retrieved"}
    path.write_text(json.dumps(good) + "\n" + json.dumps(broken) + "\n", encoding="utf-8")
    with pytest.raises(RunFileError, match=r"predictions.jsonl:2: missing key 'retrieved'"):
        load_predictions(path)


def test_score_needs_a_prediction_for_every_question(gold) -> None:
    predictions = predict(FakeAssistant(), gold, progress=False)
    with pytest.raises(RunFileError, match=r"no prediction for \['q4'\]"):
        score(predictions[:3], gold, TEXTS)
