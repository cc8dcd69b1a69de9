"""Shared fixtures and helpers: a tiny corpus, settings that use the model-free hash embedder,
and running the ``qa`` command as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.settings import PROJECT_ROOT, Settings

TINY_DOCS = {
    "alpha.txt": """Remittances and Development

1. Remittance costs

Remittances sent by migrants reached USD 325 billion in 2010. The cost of sending money
home averages 9 per cent of the amount sent.

Money transfer operators charge high fees in rural areas, where banks are scarce.

2. Diaspora engagement

The Himilo Relief and Development Association (HIRDA) sends more than EUR 200,000 per year to Somalia.
""",
    "beta.txt": """Labour Migration Report

Introduction

The Business Advisory Board was convened in Geneva in November 2005 and meets twice a year.
It brings together chief executives of large companies.

Trafficking

Victims of trafficking who cannot safely return home should receive temporary residence permits.
""",
}


CLI_TIMEOUT_S = 120


def write_tiny_corpus(folder: Path) -> Path:
    """Write the tiny corpus (two documents and a manifest) into a new ``folder``."""
    folder.mkdir(parents=True)
    for name, text in TINY_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"documents": [
        {"file": "alpha.txt", "title": "Remittances Note", "organisation": "Alpha Centre", "date": "2010"},
    ]}), encoding="utf-8")
    return folder


def hash_settings(root: Path, corpus: Path | None = None) -> Settings:
    """Settings with the hash embedder, the index in ``root/index``, and by default the tiny
    corpus written to ``root/corpus``."""
    return Settings(corpus_dir=corpus or write_tiny_corpus(root / "corpus"), index_dir=root / "index",
                    embedder="hash", candidates=10)


def cli_env(settings: Settings) -> dict[str, str]:
    """The environment for a ``qa`` process on ``settings``, running this checkout's code."""
    return dict(os.environ, QA_EMBEDDER=settings.embedder, QA_CORPUS_DIR=str(settings.corpus_dir),
                QA_INDEX_DIR=str(settings.index_dir), QA_CANDIDATES=str(settings.candidates),
                QA_QUERY_ADAPTER=settings.query_adapter,
                PYTHONPATH=str(PROJECT_ROOT))


def run_cli(args: list[str | bytes], settings: Settings) -> subprocess.CompletedProcess[bytes]:
    """Run ``qa ARGS`` as a real process; stdout and stderr are kept as bytes."""
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True,
                          env=cli_env(settings), cwd=PROJECT_ROOT, timeout=CLI_TIMEOUT_S)


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    return write_tiny_corpus(tmp_path / "corpus")


@pytest.fixture
def tiny_settings(tiny_corpus: Path, tmp_path: Path) -> Settings:
    return hash_settings(tmp_path, tiny_corpus)


@pytest.fixture(scope="module")
def tiny_built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Tiny-corpus settings whose index is built once per module; tests must not change it."""
    from qa.retrieve import build_index

    settings = hash_settings(tmp_path_factory.mktemp("tiny"))
    build_index(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def bundled_settings() -> Settings:
    """The bundled corpus with the real embedding model (tests using it are marked ``model``)."""
    return Settings(corpus_dir=PROJECT_ROOT / "corpus", index_dir=PROJECT_ROOT / "index")
