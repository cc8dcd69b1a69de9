import json
import subprocess
import sys

import pytest

from conftest import CLI_TIMEOUT_S, cli_env
from qa.cli import main
from qa.settings import PROJECT_ROOT


def _run(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_index_build_search_and_ask(tiny_settings, capsys, monkeypatch):
    monkeypatch.setenv("QA_EMBEDDER", "hash")
    common = ["--corpus", str(tiny_settings.corpus_dir), "--index", str(tiny_settings.index_dir)]
    code, out, _ = _run(["index", "build", *common], capsys)
    assert code == 0 and "2 documents" in out
    code, out, _ = _run(["search", "Business Advisory Board", "-k", "2", "--json", *common], capsys)
    hits = json.loads(out)
    assert code == 0 and hits[0]["doc"] == "beta.txt" and {"start", "end", "score", "section"} <= hits[0].keys()
    code, out, _ = _run(["ask", "How much does HIRDA send to Somalia per year?", *common], capsys)
    assert code == 0 and "Sources:" in out and "[1]" in out
    code, out, _ = _run(["ask", "How much does HIRDA send to Somalia per year?", "--json", *common], capsys)
    assert json.loads(out)["citations"][0]["quote"]


@pytest.mark.parametrize("args, message", [
    (["search", "  "], "empty"),
    (["ask", ""], "empty"),
    (["search", "x", "--corpus", "/no/such/folder"], "does not exist"),
    (["ask", "Qu'est-ce que c'est? " * 300], "characters long"),
])
def test_errors_are_one_line_without_traceback(tiny_settings, capsys, monkeypatch, args, message):
    monkeypatch.setenv("QA_EMBEDDER", "hash")
    extra = [] if "--corpus" in args else ["--corpus", str(tiny_settings.corpus_dir)]
    code, _, err = _run([*args, *extra, "--index", str(tiny_settings.index_dir)], capsys)
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err


def test_unwritable_index_dir(tiny_settings, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("QA_EMBEDDER", "hash")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = _run(["index", "build", "--corpus", str(tiny_settings.corpus_dir), "--index", str(blocker / "ix")],
                        capsys)
    assert code == 2 and "cannot write the index" in err


def test_console_script_entry_point_runs():
    result = subprocess.run([sys.executable, "-m", "qa.cli", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "ask" in result.stdout


def test_output_cut_short_by_its_reader_is_no_error(tiny_built):
    """`qa ask … | head`: the pipe closes before the answer is written."""
    ask = subprocess.Popen([sys.executable, "-m", "qa.cli", "ask", "How much does HIRDA send to Somalia per year?"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(tiny_built), cwd=PROJECT_ROOT)
    ask.stdout.close()  # (long before the process has loaded and answered)
    err = ask.stderr.read()
    assert ask.wait(timeout=CLI_TIMEOUT_S) == 141 and err == b""
