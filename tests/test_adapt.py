"""The query adapter: fitting, saving and loading, where it applies, and ``qa adapt``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import run_cli
from qa.adapt import BUNDLED, MODEL, QueryAdapter, fit, load_adapter, training_pairs
from qa.errors import QAError
from qa.evaluate import load_gold
from qa.retrieve import Retriever, open_index

FEES = "Money transfer operators charge high fees in rural areas, where banks are scarce."
PERMITS = "Victims of trafficking who cannot safely return home should receive temporary residence permits."
GOLD = [
    {"id": "g1", "question": "Why is sending money expensive in the countryside?", "answer": "high fees",
     "long_answer": FEES, "doc": "alpha.txt", "evidence": [FEES], "type": "explain"},
    {"id": "g2", "question": "What should happen to trafficking victims?", "answer": "residence permits",
     "long_answer": PERMITS, "doc": "beta.txt", "evidence": [PERMITS], "type": "recommendation"},
    {"id": "g3", "question": "What was IOM's budget in 2030?", "answer": "", "long_answer": "", "doc": "",
     "evidence": [], "type": "unanswerable"},
]


def _rank(query: np.ndarray, sentences: np.ndarray, positive: int) -> int:
    return int(np.sum(sentences @ query > sentences[positive] @ query))


def test_fit_moves_questions_towards_their_evidence():
    rng = np.random.default_rng(0)
    sentences = rng.normal(size=(40, 8)).astype(np.float32)
    sentences /= np.linalg.norm(sentences, axis=1, keepdims=True)
    positives = [[i] for i in range(10)]
    queries = np.roll(sentences[:10], 1, axis=1) + 0.1 * rng.normal(size=(10, 8))  # a paraphrase "rotates" the vector
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    adapter = QueryAdapter(fit(queries, positives, sentences, l2=0.001, steps=300), MODEL, ("toy",), 10)
    before = [_rank(q, sentences, p[0]) for q, p in zip(queries, positives)]
    after = [_rank(q, sentences, p[0]) for q, p in zip(adapter.apply(queries), positives)]
    assert sum(after) < sum(before) / 2
    assert np.allclose(np.linalg.norm(adapter.apply(queries), axis=1), 1.0, atol=1e-5)


def test_strong_penalty_keeps_the_identity():
    sentences = np.eye(4, dtype=np.float32)
    matrix = fit(np.eye(4, dtype=np.float32)[[1]], [[0]], sentences, l2=1e6, steps=20)
    assert np.allclose(matrix, np.eye(4), atol=1e-3)


def test_fit_without_questions_or_evidence_says_what_to_check():
    with pytest.raises(QAError, match="no gold question has evidence"):
        fit(np.zeros((0, 4), dtype=np.float32), [], np.eye(4, dtype=np.float32))
    with pytest.raises(QAError, match="at least one evidence sentence"):
        fit(np.eye(4, dtype=np.float32)[:2], [[0], []], np.eye(4, dtype=np.float32))


def test_training_pairs_find_the_evidence_sentences(tiny_built, tmp_path):
    index = open_index(tiny_built)
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("\n".join(json.dumps(g) for g in GOLD), encoding="utf-8")
    gold = load_gold(gold_path, {name: d.text for name, d in index.documents.items()})
    queries, positives = training_pairs(index, gold, np.ones((3, index.sentence_vectors.shape[1]), np.float32))
    assert len(queries) == len(positives) == 2  # the unanswerable question is left out
    assert [[index.sentences[p].text for p in rows] for rows in positives] == [[FEES], [PERMITS]]


def test_save_and_load_round_trip(tmp_path):
    adapter = QueryAdapter(np.eye(384, dtype=np.float32) * 2, MODEL, ("new-1", "new-2"), 64)
    path = tmp_path / "adapter.npz"
    adapter.save(path)
    for model_id in ("all-MiniLM-L6-v2-onnx-int8", "all-MiniLM-L6-v2"):  # the int8 and fp32 builds
        loaded = load_adapter(str(path), model_id, 384)
        assert loaded is not None and loaded.trained_on == ("new-1", "new-2") and loaded.questions == 64
        assert np.array_equal(loaded.matrix, adapter.matrix)
    for model_id in ("hash-384", "all-MiniLM-L6-v2-finetuned"):
        with pytest.raises(QAError, match=f"fitted for all-MiniLM-L6-v2, not {model_id}.*QA_QUERY_ADAPTER=none"):
            load_adapter(str(path), model_id, 384)
    with pytest.raises(QAError, match="cannot write the query adapter"):
        adapter.save(tmp_path)  # a folder


def _write_npz(path, matrix, meta):
    with open(path, "wb") as f:
        np.savez(f, matrix=matrix, meta=np.array(json.dumps(meta)))
    return str(path)


@pytest.mark.parametrize("matrix, meta, problem", [
    (np.eye(100), {"model": MODEL, "trained_on": [], "questions": 1}, "100x100 matrix"),
    (np.full((384, 384), np.nan), {"model": MODEL, "trained_on": [], "questions": 1}, "non-finite"),
    (np.eye(384), {"trained_on": [], "questions": 1}, "KeyError"),
    (np.eye(384), ["not", "an", "object"], "TypeError"),
])
def test_a_malformed_adapter_is_one_clear_error(tmp_path, matrix, meta, problem):
    path = _write_npz(tmp_path / "bad.npz", matrix, meta)
    with pytest.raises(QAError, match=f"query adapter .*{problem}.*QA_QUERY_ADAPTER=none"):
        load_adapter(path, MODEL, 384)


def test_missing_or_broken_adapter_file_is_one_clear_error(tmp_path):
    with pytest.raises(QAError, match="cannot read the query adapter .*qa adapt"):
        load_adapter(str(tmp_path / "missing.npz"), MODEL, 384)
    for name, content in (("broken.npz", b"not an npz"), ("empty.npz", b"")):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(QAError, match="cannot read the query adapter"):
            load_adapter(str(tmp_path / name), MODEL, 384)
    np.save(tmp_path / "plain.npy", np.eye(384))
    with pytest.raises(QAError, match="cannot read the query adapter"):
        load_adapter(str(tmp_path / "plain.npy"), MODEL, 384)


def test_bundled_adapter_is_for_minilm_only():
    assert load_adapter("bundled", "hash-384", 384) is None
    assert load_adapter("bundled", "all-MiniLM-L6-v2-finetuned", 384) is None
    assert load_adapter("none", MODEL, 384) is None
    bundled = load_adapter("bundled", "all-MiniLM-L6-v2-onnx-int8", 384)
    assert bundled is not None and bundled.matrix.shape == (384, 384)
    assert "dev" not in bundled.trained_on and "dev-paraphrased" not in bundled.trained_on  # dev measures it unseen
    assert BUNDLED.is_file()


def test_cli_fits_and_the_retriever_uses_the_result(tiny_built, tmp_path):
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("\n".join(json.dumps(g) for g in GOLD), encoding="utf-8")
    out = tmp_path / "adapter.npz"
    done = run_cli(["adapt", "--gold", str(gold_path), "--out", str(out)], tiny_built)
    assert done.returncode == 0, done.stderr
    assert b"fitted on 2 questions of gold" in done.stdout
    retriever = Retriever(settings=tiny_built.with_(query_adapter=str(out)))
    assert retriever.adapter is not None and retriever.adapter.model == "hash-384"
    vector = retriever.query_vector("temporary residence permits")
    raw = retriever.embedder.embed(["temporary residence permits"])[0]
    assert np.allclose(vector, retriever.adapter.apply(raw[None, :])[0])
    assert Retriever(settings=tiny_built).adapter is None  # "bundled" is for MiniLM only


def test_cli_refuses_a_bad_out_path_and_gold_files_of_one_name(tiny_built, tmp_path):
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text(json.dumps(GOLD[0]), encoding="utf-8")
    done = run_cli(["adapt", "--gold", str(gold_path), "--out", str(tmp_path / "no" / "a.npz")], tiny_built)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == f"qa: error: --out {tmp_path / 'no' / 'a.npz'} must be a .npz file in an existing folder"
    (tmp_path / "other").mkdir()
    twin = tmp_path / "other" / "gold.jsonl"
    twin.write_text(json.dumps(GOLD[1]), encoding="utf-8")
    done = run_cli(["adapt", "--gold", str(gold_path), str(twin), "--out", str(tmp_path / "a.npz")], tiny_built)
    assert done.returncode == 2 and b"share a name" in done.stderr and not (tmp_path / "a.npz").exists()


@pytest.mark.model
def test_bundled_model_finds_a_paraphrased_answer_through_the_adapter(bundled_settings):
    retriever = Retriever(settings=bundled_settings)
    plain = Retriever(settings=bundled_settings.with_(query_adapter="none"))
    assert retriever.adapter is not None and retriever.adapter.questions > 300 and plain.adapter is None
    question = "Who does IOM think should help pay for training the workers the global labour market needs?"
    assert abs(float(np.linalg.norm(retriever.query_vector(question))) - 1.0) < 1e-5

    def rank(r: Retriever) -> int:  # the answer says "share the costs of ... human resource development"
        hits = r.search(question, k=50)
        return next((i for i, h in enumerate(hits) if "share the costs of" in h.text), 50)

    assert rank(retriever) < 5 <= rank(plain)
