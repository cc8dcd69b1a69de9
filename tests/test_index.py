import json
from pathlib import Path

import numpy as np
import pytest

from qa.corpus import load_corpus
from qa.embed import get_embedder
from qa.errors import CorpusError, IndexLoadError, StaleIndexError
from qa.index import Index
from qa.retrieve import Retriever


def _build(settings):
    docs = load_corpus(settings.corpus_dir)
    index = Index.build(docs, get_embedder("hash"))
    index.save(settings.index_dir)
    return docs, index


def test_save_load_round_trip_gives_identical_results(tiny_settings):
    docs, built = _build(tiny_settings)
    loaded = Index.load(tiny_settings.index_dir, docs, "hash-384")
    assert loaded.passages == built.passages and loaded.sentences == built.sentences
    assert np.array_equal(loaded.sentence_vectors, built.sentence_vectors)
    r1 = Retriever(settings=tiny_settings).search("remittance costs", k=3)
    r2 = Retriever(settings=tiny_settings).search("remittance costs", k=3)
    assert r1 == r2 and r1


def test_every_offset_points_at_the_raw_text(tiny_settings):
    docs, index = _build(tiny_settings)
    texts = {d.name: d.text for d in docs}
    for s in index.sentences:
        raw = texts[s.doc][s.start:s.end]
        assert raw.strip() == raw and raw


def test_changed_corpus_is_detected_and_named(tiny_settings):
    _build(tiny_settings)
    (tiny_settings.corpus_dir / "beta.txt").write_text("Changed text.\n", encoding="utf-8")
    with pytest.raises(StaleIndexError, match="beta.txt"):
        Index.load(tiny_settings.index_dir, load_corpus(tiny_settings.corpus_dir), "hash-384")
    # The retriever rebuilds instead of using a stale index.
    hits = Retriever(settings=tiny_settings).search("changed text", k=1)
    assert "Changed" in hits[0].text


def test_other_model_is_stale(tiny_settings):
    docs, _ = _build(tiny_settings)
    with pytest.raises(StaleIndexError, match="built with hash-384"):
        Index.load(tiny_settings.index_dir, docs, "all-MiniLM-L6-v2")


def test_corrupted_file_is_an_error_not_a_wrong_answer(tiny_settings):
    docs, _ = _build(tiny_settings)
    build = tiny_settings.index_dir / (tiny_settings.index_dir / "CURRENT").read_text()
    vectors = build / "sentence_vectors.npy"
    vectors.write_bytes(vectors.read_bytes()[:-64])
    with pytest.raises(IndexLoadError, match="corrupted"):
        Index.load(tiny_settings.index_dir, docs, "hash-384")


def test_missing_index_says_how_to_build(tiny_settings):
    with pytest.raises(IndexLoadError, match="qa index build"):
        Index.load(tiny_settings.index_dir, load_corpus(tiny_settings.corpus_dir), "hash-384")


def test_a_failed_save_keeps_the_previous_index(tiny_settings, monkeypatch):
    docs, index = _build(tiny_settings)
    before = (tiny_settings.index_dir / "CURRENT").read_text()

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("qa.index._write_json", boom)
    with pytest.raises(Exception, match="No space left"):
        index.save(tiny_settings.index_dir)
    assert (tiny_settings.index_dir / "CURRENT").read_text() == before
    assert Index.load(tiny_settings.index_dir, docs, "hash-384").passages == index.passages
    assert not list(Path(tiny_settings.index_dir).glob(".build-*"))


@pytest.mark.parametrize("content, message", [
    (b"", "empty"), (b"\xff\xfe bad", "not UTF-8"), (b"\x00\x01binary", "binary")])
def test_bad_corpus_files_are_named(tiny_corpus, content, message):
    (tiny_corpus / "bad.txt").write_bytes(content)
    with pytest.raises(CorpusError, match=f"bad.txt.*{message}|{message}.*bad.txt|bad.txt"):
        load_corpus(tiny_corpus)


def test_duplicate_documents_are_rejected(tiny_corpus):
    (tiny_corpus / "copy.txt").write_text((tiny_corpus / "alpha.txt").read_text(), encoding="utf-8")
    with pytest.raises(CorpusError, match="same text"):
        load_corpus(tiny_corpus)


def test_manifest_gives_titles(tiny_corpus):
    docs = {d.name: d for d in load_corpus(tiny_corpus)}
    assert docs["alpha.txt"].meta.title == "Remittances Note"
    assert docs["beta.txt"].meta.title == "beta"
    json.loads((tiny_corpus / "manifest.json").read_text())


class CountingEmbedder:
    """The hash embedder, remembering every text it was asked to embed."""

    def __init__(self):
        self.inner, self.texts = get_embedder("hash"), []
        self.model_id = self.inner.model_id

    def embed(self, texts, progress=False):
        self.texts += texts
        return self.inner.embed(texts, progress)


def _same(a: Index, b: Index) -> None:
    assert a.passages == b.passages and a.sentences == b.sentences
    assert np.allclose(a.sentence_vectors, b.sentence_vectors)
    assert np.allclose(a.passage_vectors, b.passage_vectors)
    assert a.term_forms == b.term_forms and np.allclose(a.term_vectors, b.term_vectors)
    assert a.manifest["corpus_hash"] == b.manifest["corpus_hash"]


def test_update_embeds_only_the_new_document_and_equals_a_rebuild(tiny_corpus):
    docs = load_corpus(tiny_corpus)
    old = Index.build(docs, get_embedder("hash"))
    (tiny_corpus / "gamma.txt").write_text("Gamma Notes\n\nSeasonal workers earn EUR 7 per hour. "
                                           "They share rooms.\n", encoding="utf-8")
    grown = load_corpus(tiny_corpus)
    counting = CountingEmbedder()
    updated = Index.build(grown, counting, reuse=old)
    gamma = [s.text for s in updated.sentences if s.doc == "gamma.txt"]
    texts, words = counting.texts[: len(gamma) + 1], counting.texts[len(gamma) + 1:]  # + 1 title
    assert texts[: len(gamma)] == gamma and updated.manifest["embedded"] == len(texts)
    assert updated.manifest["reused_documents"] == 2
    # then the words only the new document has ("seasonal"), for the likeness of terms
    assert "seasonal" in words and updated.manifest["terms_embedded"] == len(words)
    assert set(words) == set(updated.term_forms.values()) - set(old.term_forms.values())
    _same(updated, Index.build(grown, get_embedder("hash")))

    shrunk = [d for d in grown if d.name != "alpha.txt"]  # positions of the others move up
    counting.texts.clear()
    removed = Index.build(shrunk, counting, reuse=updated)
    assert counting.texts == [] and removed.manifest["embedded"] == 0
    _same(removed, Index.build(shrunk, get_embedder("hash")))


def test_an_update_embeds_a_word_again_when_its_most_frequent_form_changes(tiny_corpus):
    (tiny_corpus / "gamma.txt").write_text("Gamma\n\nCities grow. Cities shrink. The city sleeps.\n", encoding="utf-8")
    old = Index.build(load_corpus(tiny_corpus), get_embedder("hash"))
    assert old.term_forms["citi"] == "cities"
    (tiny_corpus / "delta.txt").write_text("Delta\n\nThe city grows. A city sleeps. This city shrinks.\n",
                                           encoding="utf-8")
    grown = load_corpus(tiny_corpus)
    counting = CountingEmbedder()
    updated = Index.build(grown, counting, reuse=old)
    assert updated.term_forms["citi"] == "city" and "city" in counting.texts
    _same(updated, Index.build(grown, get_embedder("hash")))


def test_sentences_are_embedded_with_their_acronyms_spelled_out_and_re_embedded_when_that_changes(tiny_corpus):
    (tiny_corpus / "gamma.txt").write_text("Gamma Notes\n\nThe GMG meets twice a year in Geneva.\n", encoding="utf-8")
    old = Index.build(load_corpus(tiny_corpus), get_embedder("hash"))
    (tiny_corpus / "delta.txt").write_text("Delta Notes\n\nThe Global Migration Group (GMG) was set up "
                                           "in 2006.\n", encoding="utf-8")
    grown = load_corpus(tiny_corpus)
    counting = CountingEmbedder()
    updated = Index.build(grown, counting, reuse=old)
    # gamma now reads "GMG" as the Global Migration Group, so it is embedded again; alpha and beta are not
    assert "The GMG meets twice a year in Geneva. (Global Migration Group)" in counting.texts
    assert updated.manifest["reused_documents"] == 2
    assert not any("Remittances" in text for text in counting.texts)
    _same(updated, Index.build(grown, get_embedder("hash")))

    shrunk = [d for d in grown if d.name != "delta.txt"]  # "GMG" is unexplained again
    counting.texts.clear()
    removed = Index.build(shrunk, counting, reuse=updated)
    assert "The GMG meets twice a year in Geneva." in counting.texts and removed.manifest["reused_documents"] == 2
    _same(removed, Index.build(shrunk, get_embedder("hash")))


def test_reuse_is_ignored_for_another_passage_size(tiny_corpus):
    docs = load_corpus(tiny_corpus)
    old = Index.build(docs, get_embedder("hash"))
    counting = CountingEmbedder()
    Index.build(docs, counting, passage_chars=300, reuse=old)
    assert len(counting.texts) >= len(old.sentences)
