"""The ablation command: every retrieval mode through the real pipeline on the tiny corpus."""

from __future__ import annotations

import json

from qa.cli import main

HIRDA = "The Himilo Relief and Development Association (HIRDA) sends more than EUR 200,000 per year to Somalia."
GOLD = [
    {"id": "t1", "question": "How much does HIRDA send to Somalia each year?", "answer": "More than EUR 200,000.",
     "long_answer": HIRDA, "doc": "alpha.txt", "evidence": [HIRDA], "type": "factoid"},
    {"id": "t2", "question": "What was the budget of HIRDA in 2019?", "answer": "", "long_answer": "",
     "doc": "", "evidence": [], "type": "unanswerable"},
]


def test_ablate_writes_one_run_per_configuration_and_a_table(tiny_settings, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QA_EMBEDDER", "hash")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(g) + "\n" for g in GOLD), encoding="utf-8")
    out = tmp_path / "ablation"
    assert main(["ablate", "--gold", str(gold), "--out", str(out), "--corpus", str(tiny_settings.corpus_dir),
                 "--index", str(tiny_settings.index_dir)]) == 0
    table = json.loads((out / "ablation.json").read_text())
    assert [row["config"] for row in table] == ["lexical-extractive", "dense-extractive", "hybrid-extractive"]
    assert all(0 <= row["hit@5"] <= 1 for row in table)
    for row in table:
        assert (out / row["config"] / "predictions.jsonl").is_file()
    markdown = (out / "ablation.md").read_text()
    assert markdown.startswith("| retrieval | reader | hit@1") and markdown.count("\n") == 5
    assert "| hybrid | extractive |" in capsys.readouterr().out


def test_ablate_rejects_an_unknown_reader_before_any_work(tmp_path, capsys):
    assert main(["ablate", "--gold", "g.jsonl", "--out", str(tmp_path / "x"), "--readers", "extractive,oracle"]) == 2
    assert "unknown reader 'oracle'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_eval_and_ablate_need_at_least_ten_passages(capsys):
    for command in (["eval", "--gold", "g.jsonl", "--out", "x", "-k", "5"],
                    ["ablate", "--gold", "g.jsonl", "--out", "x", "-k", "5"]):
        assert main(command) == 2
        assert "at least 10 retrieved passages" in capsys.readouterr().err
