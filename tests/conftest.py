"""Shared fixtures: a tiny corpus and settings that use the model-free hash embedder."""

from __future__ import annotations

import json
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


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in TINY_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"documents": [
        {"file": "alpha.txt", "title": "Remittances Note", "organisation": "Alpha Centre", "date": "2010"},
    ]}), encoding="utf-8")
    return folder


@pytest.fixture
def tiny_settings(tiny_corpus: Path, tmp_path: Path) -> Settings:
    return Settings(corpus_dir=tiny_corpus, index_dir=tmp_path / "index", embedder="hash", candidates=10)


@pytest.fixture(scope="session")
def bundled_settings() -> Settings:
    """The bundled corpus with the real embedding model (tests using it are marked ``model``)."""
    return Settings(corpus_dir=PROJECT_ROOT / "corpus", index_dir=PROJECT_ROOT / "index")
