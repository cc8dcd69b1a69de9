import json

from qa.bench_report import render
from qa.cli import main

QUESTIONS = ["How much does HIRDA send to Somalia per year?", "When was the Business Advisory Board convened?",
             "What do remittance transfers cost?"]


def test_quick_bench_writes_json_and_markdown(tiny_settings, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QA_EMBEDDER", "hash")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"question": q}) + "\n" for q in QUESTIONS), encoding="utf-8")
    out = tmp_path / "bench"
    code = main(["bench", "--quick", "--out", str(out), "--gold", str(gold), "--corpus",
                 str(tiny_settings.corpus_dir), "--index", str(tiny_settings.index_dir)])
    assert code == 0 and "report:" in capsys.readouterr().out
    r = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    assert r["quick"] and r["corpus"]["faiss_factory"] == "Flat"
    for key in ("index_build_s", "cold_start_s"):
        assert r[key]["median"] > 0 and r[key]["runs"] == 1
    assert 0 < r["search_p50_ms"] <= r["search_p95_ms"] and 0 < r["query_p50_ms"] <= r["query_p95_ms"]
    assert r["rss_mb"] > 0 and r["query"]["answer"]["concurrent_8"]["questions_per_s"] > 0
    vector, = r["scale"]["vector"]
    assert vector["factory"].startswith("IVF") and 0 < vector["recall_at_10"] <= 1 and vector["sweep"]
    assert r["scale"]["lexical"][0]["mmap_search_p50_ms"] > 0
    md = (out / "bench.md").read_text(encoding="utf-8")
    assert "| figure | measured | target | met |" in md and "cold start" in md and "| 60,000 |" in md
    assert not list(out.glob(".*tmp"))

    # The int8 embedder's figures, as a full run reports them, render too.
    r["embedding"] = {"model_id": "m", "texts_embedded": 10, "bare_sentences_per_s": 200.0, "bare_tokens_per_s": 7000,
                      "build_tokens_per_s": 6600, "build_vs_bare": 0.943,
                      "tokens_embedded": 1000, "bare_tokens_per_cpu_s": 4000, "build_tokens_per_cpu_s": 3800,
                      "build_vs_bare_cpu": 0.95, "torch_after_cold_answer": False,
                      "cosine_vs_fp32": {"min": 0.991, "mean": 0.998, "n": 300},
                      "load_and_first_vector": {"minilm-int8": {"seconds": 0.5, "peak_rss_mb": 200, "torch_loaded": False}}}
    md = render(r)
    assert "| build tokens/s ÷ bare model tokens/s | 0.943 | ≥ 0.9 | yes |" in md and "min 0.991" in md


def test_bench_with_unreadable_questions_is_one_line(tiny_settings, tmp_path, capsys):
    code = main(["bench", "--quick", "--out", str(tmp_path / "b"), "--gold", str(tmp_path / "missing.jsonl")])
    err = capsys.readouterr().err
    assert code == 2 and "pass --gold" in err and err.count("\n") == 1
