import numpy as np
import pytest

from qa.ann import build_faiss, default_nprobe, faiss_factory_for, index_bytes, recall_at_k, resolve_factory, set_nprobe
from qa.corpus import load_corpus
from qa.embed import get_embedder
from qa.errors import QAError
from qa.index import Index


@pytest.mark.parametrize("n, factory", [(1_981, "Flat"), (49_999, "Flat"), (100_000, "IVF256,Flat"),
                                        (1_000_000, "IVF1024,Flat"), (4_000_000, "IVF2048,SQ8")])
def test_auto_factory_by_corpus_size(n, factory):
    assert faiss_factory_for(n) == factory
    assert resolve_factory("auto", n) == factory and resolve_factory("HNSW32", n) == "HNSW32"


def test_recall_against_a_hand_example():
    exact = np.array([[1, 2, 3], [4, 5, 6]])
    found = np.array([[3, 9, 1], [-1, 6, 4]])  # 2 of 3, then 2 of 3 (the -1 is no result)
    assert recall_at_k(found, exact, k=3) == pytest.approx(4 / 6)
    assert recall_at_k(exact, exact, k=2) == 1.0
    with pytest.raises(QAError, match="recall@3"):
        recall_at_k(found, exact[:, :2], k=3)


def test_ivf_index_with_nprobe_set_and_recorded(tiny_settings):
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((2_000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = build_faiss(vectors, "IVF16,Flat")
    assert set_nprobe(index, 0) == default_nprobe(16) == 16 and set_nprobe(index, 4) == 4
    assert set_nprobe(build_faiss(vectors, "Flat")) == 0 and index_bytes(index) > vectors.nbytes
    with pytest.raises(QAError, match="bad FAISS factory string"):
        build_faiss(vectors, "NoSuchIndex")
    docs = load_corpus(tiny_settings.corpus_dir)
    built = Index.build(docs, get_embedder("hash"))
    assert built.manifest["faiss_factory"] == "Flat" and built.manifest["faiss_nprobe"] == 0
    built.save(tiny_settings.index_dir)
    assert Index.load(tiny_settings.index_dir, docs, "hash-384").manifest["faiss_nprobe"] == 0
