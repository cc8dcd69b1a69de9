"""Each metric against a small example computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import pytest

from qa.metrics import (
    DocSpan,
    GoldItem,
    aggregate,
    answer_f1,
    answer_recall,
    citation_evidence_recall,
    citation_precision,
    cite_exact,
    content_tokens,
    covers,
    evidence_recall_at_k,
    exact_match,
    find_spans,
    hit_at_k,
    is_correct,
    question_row,
    reciprocal_rank,
    supports,
    tokens,
)
from qa.types import Answer, Citation


def cite(doc: str, start: int, end: int, quote: str = "") -> Citation:
    return Citation(doc=doc, title="", section="", paragraph=1, start=start, end=end, quote=quote)


def answer(text: str, citations: tuple[Citation, ...] = (), abstained: bool = False,
           confidence: float = 0.5) -> Answer:
    return Answer(question="q", text=text, short_answer="", citations=citations,
                  confidence=confidence, abstained=abstained)


def gold(answer_text: str = "About 14%", spans: tuple[DocSpan, ...] = (DocSpan("d", 100, 200),),
         qtype: str = "factoid") -> GoldItem:
    return GoldItem(id="g", question="q", answer=answer_text, long_answer="", type=qtype,
                    docs=tuple({s.doc for s in spans}), evidence=("e",) * len(spans), spans=spans)


UNANSWERABLE = gold("", (), "unanswerable")


# -- tokens -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("About 14 per cent", ["about", "14", "percent"]),
    ("14%", ["14", "percent"]),
    ("14 per-cent", ["14", "percent"]),
    ("1,000 migrants", ["1000", "migrant"]),
    ("1,000,000.5", ["1000000.5"]),
    ("2,157 incidents involving 103,958", ["2157", "incident", "involving", "103958"]),
    ("Bangladesh, Jamaica and Moldova", ["bangladesh", "jamaica", "and", "moldova"]),
    ("1990, 2000 and 2010,2011", ["1990", "2000", "and", "2010", "2011"]),  # lists, not numbers
    ("USD 3.5 billion in 2005.", ["usd", "3.5", "billion", "in", "2005"]),
    ("the 14th, 1st, 2nd and 63rd", ["the", "14", "1", "2", "and", "63"]),
    ("Countries send migrants", ["country", "send", "migrant"]),
    ("is as us has this process status analysis", ["is", "as", "us", "has", "this", "process",
                                                   "status", "analysis"]),
    ("IOM's WHA63.16 (60/277)", ["iom", "s", "wha63.16", "60", "277"]),
])
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_content_tokens_drop_stop_words() -> None:
    # "what is the ... of the" are stop words; "states" -> "state"; "does" is a stop word and
    # is dropped before plural stripping could turn it into "doe".
    assert content_tokens("What is the role of the States? Does it matter?") == \
        ["role", "state", "matter"]
    assert content_tokens("About 14 per cent") == ["14", "percent"]


# -- answer metrics ---------------------------------------------------------------------------


def test_answer_f1_takes_the_better_gold() -> None:
    pred = "Migrants sent 14% of income"  # content: migrant sent 14 percent income (5)
    # vs "14 per cent" -> [14 percent] (2): overlap 2, P = 2/5, R = 2/2, F1 = 2*.4*1/1.4 = 4/7
    assert answer_f1(pred, "14 per cent") == pytest.approx(4 / 7)
    # vs long: [migrant sent 14 percent income home] (6): overlap 5, P = 1, R = 5/6,
    # F1 = 2*(5/6)/(11/6) = 10/11, better than 4/7
    long_gold = "Migrants sent about 14 per cent of their income home"
    assert answer_f1(pred, "14 per cent", long_gold) == pytest.approx(10 / 11)
    assert answer_f1("", "") == 1.0 and answer_f1("x", "") == 0.0  # SQuAD's empty rule


def test_answer_recall_counts_multiplicity() -> None:
    # gold [state state state]; pred [state state]: overlap min(2, 3) = 2 -> 2/3
    assert answer_recall("states states", "state state state") == pytest.approx(2 / 3)
    # gold [member state observer state] (4); pred [state] -> 1/4
    assert answer_recall("States", "member States and observer States") == pytest.approx(1 / 4)
    # gold [14 percent]; pred [14 percent left] ("some" is a stop word) -> 2/2
    assert answer_recall("Some 14 per cent left", "About 14%") == 1.0


def test_exact_match() -> None:
    # both reduce to [united kingdom]
    assert exact_match("The United Kingdom.", "united kingdom") == 1.0
    assert exact_match("United Kingdom", "The United Kingdom, in 2001") == 0.0


# -- spans and retrieval ----------------------------------------------------------------------


def test_find_spans() -> None:
    text = "abc The IOM met. xyz"
    assert find_spans(text, "The IOM met.") == (4, 16)  # 4 + len("The IOM met.") = 16
    with pytest.raises(ValueError):
        find_spans(text, "The IOM  met.")


def test_covers_exactly_half_but_not_less() -> None:
    evidence = ("d", 10, 20)  # 10 characters
    assert covers(("d", 15, 40), evidence)  # shares 15..20 = 5 = half
    assert not covers(("d", 16, 40), evidence)  # shares 4 < 5
    assert not covers(("e", 0, 100), evidence)  # another document


def test_hit_at_k_and_reciprocal_rank() -> None:
    spans = [DocSpan("d", 10, 20)]
    retrieved = [("d", 100, 200), ("d", 15, 40), ("d", 0, 5)]  # rank 2 covers exactly half
    assert not hit_at_k(retrieved, spans, 1)
    assert hit_at_k(retrieved, spans, 2)
    assert reciprocal_rank(retrieved, spans) == 0.5  # 1 / 2
    less_than_half = [("d", 16, 40)]
    assert not hit_at_k(less_than_half, spans, 10)
    assert reciprocal_rank(less_than_half, spans) == 0.0


def test_evidence_recall_needs_every_side_of_a_compare_question() -> None:
    spans = [DocSpan("a", 0, 10), DocSpan("b", 50, 70)]
    retrieved = [("a", 0, 100), ("c", 0, 1000), ("b", 60, 200)]  # rank 3 shares 60..70 = 10/20
    assert hit_at_k(retrieved, spans, 1)  # hit@k needs only some span
    assert evidence_recall_at_k(retrieved, spans, 2) == 0.5  # 1 of 2 spans in the top 2
    assert evidence_recall_at_k(retrieved, spans, 3) == 1.0  # both sides in the top 3


# -- citations --------------------------------------------------------------------------------


def test_cite_exact() -> None:
    texts = {"d": "Remittances rose to USD 27 billion."}
    assert cite_exact(cite("d", 0, 11, "Remittances"), texts)  # text[0:11] == "Remittances"
    assert not cite_exact(cite("d", 0, 11, "remittances"), texts)
    assert not cite_exact(cite("x", 0, 11, "Remittances"), texts)  # unknown file
    assert not cite_exact(cite("d", 30, 99, "billion."), texts)  # past the end
    assert not cite_exact(cite("d", 3, 3, ""), texts)  # an empty quote cites nothing


def test_citation_precision_overlap_and_short_answer_rule() -> None:
    spans = [DocSpan("d", 100, 200)]
    citations = [
        cite("d", 190, 250, "..."),  # overlaps 190..200 -> supports
        cite("d", 300, 350, "Some 14 per cent of them left."),  # holds [14 percent] = 2/2
        cite("d", 400, 420, "Nothing relevant here."),  # no overlap, 0/2
        cite("e", 100, 200, "14 things"),  # other file; holds [14] = 1/2 < 0.6
    ]
    assert citation_precision(citations, spans, "About 14%") == 0.5  # 2 of 4
    assert citation_precision([], spans, "About 14%") == 0.0


def test_short_answer_rule_threshold_is_sixty_percent() -> None:
    gold_answer = "Canada, Guatemala, Italy, Albania and Jamaica"  # 5 content tokens
    far = DocSpan("d", 0, 1)
    assert supports(cite("d", 500, 600, "Canada, Guatemala and Italy"), [far], gold_answer)  # 3/5
    assert not supports(cite("d", 500, 600, "Canada and Guatemala"), [far], gold_answer)  # 2/5
    assert not supports(cite("d", 500, 600, "anything"), [far], "")  # no gold tokens, no rule


def test_citation_evidence_recall() -> None:
    spans = [DocSpan("d", 100, 200), DocSpan("d", 500, 600)]
    # one character of overlap is enough: 199..200 overlaps the first span only -> 1/2
    assert citation_evidence_recall([cite("d", 199, 250), cite("e", 500, 600)], spans) == 0.5


# -- correctness and aggregate ----------------------------------------------------------------


def test_is_correct_answerable() -> None:
    item = gold("About 14%")
    on_evidence = cite("d", 150, 160, "x")
    assert is_correct(answer("Some 14 per cent of migrants.", (on_evidence,)), item)  # recall 1
    assert not is_correct(answer("Some 14 per cent.", (on_evidence,), abstained=True), item)
    assert not is_correct(answer("Unclear.", (on_evidence,)), item)  # recall 0
    assert not is_correct(answer("Some 14 per cent.", (cite("d", 0, 9, "Other."),)), item)
    assert not is_correct(answer("Some 14 per cent."), item)  # no citation at all


def test_is_correct_unanswerable() -> None:
    assert is_correct(answer("", abstained=True), UNANSWERABLE)
    assert not is_correct(answer("Italy."), UNANSWERABLE)


def test_aggregate_by_hand() -> None:
    texts = {"d": "x" * 300}
    good = (cite("d", 150, 160, "x" * 10),)  # exact and on evidence
    rows = [
        # answerable, correct, evidence found at rank 1, latency 1
        question_row(answer("14 per cent", good), [("d", 100, 200)], gold(), texts, 1.0),
        # answerable list, answered wrong and off evidence (quote not verbatim), hit at rank 2
        question_row(answer("No idea", (cite("d", 0, 5, "wrong"),)),
                     [("d", 250, 300), ("d", 100, 200)], gold(qtype="list"), texts, 4.0),
        question_row(answer("", abstained=True, confidence=0.1), [], UNANSWERABLE, texts, 3.0),
        question_row(answer("Italy."), [], UNANSWERABLE, texts, 2.0),
    ]
    m = aggregate(rows)
    assert m["hit@1"] == 0.5 and m["hit@5"] == 1.0  # ranks 1 and 2 over 2 answerable
    assert m["mrr"] == 0.75  # (1 + 1/2) / 2
    assert m["cite_exact"] == 0.5  # 1 of 2 citations
    assert m["citation_precision"] == 0.5  # (1 + 0) / 2 answered answerable
    assert m["answer_recall"] == 0.5  # (2/2 + 0/2) / 2
    assert m["answer_words"] == 2.5  # (3 + 2) / 2
    assert m["refusal_rate_unanswerable"] == 0.5 and m["answer_rate_answerable"] == 1.0
    assert m["correct_factoid"] == 1.0 and m["correct_list"] == 0.0
    assert m["correct_unanswerable"] == 0.5
    assert m["correct_answerable"] == 0.5 and m["overall_correct"] == 0.5  # 2 of 4
    # latencies sorted 1 2 3 4: p50 = 2.5; p95 at index 0.95*3 = 2.85 -> 3 + 0.85 = 3.85
    assert m["latency_p50_s"] == 2.5 and m["latency_p95_s"] == pytest.approx(3.85)
    # abstained: one question, unanswerable -> precision 1/1, recall 1/2, F1 = 1/1.5 = 2/3
    assert m["abstention_precision"] == 1.0 and m["abstention_recall"] == 0.5
    assert m["abstention_f1"] == pytest.approx(2 / 3)
    assert (m["n_questions"], m["n_answerable"], m["n_answered_answerable"]) == (4, 2, 2)
