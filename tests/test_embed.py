import numpy as np
import pytest

from qa.embed import get_embedder

TEXTS = ["Remittances reached USD 325 billion in 2010.", "Circular migration",
         "Remittances reached USD 325 billion in 2010.",
         "The Business Advisory Board was convened in Geneva in November 2005 and meets twice a year."]


@pytest.mark.model
def test_int8_batches_by_length_and_encodes_repeats_once():
    embedder = get_embedder("minilm-int8")
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (4, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2])
    # The same texts one at a time (no padding at all) give the same vectors.
    alone = np.stack([embedder.embed([t])[0] for t in TEXTS])
    assert np.min(np.sum(alone * vectors, axis=1)) > 0.999
    assert embedder.count_tokens(TEXTS[:2]) == sum(len(t) for t in embedder.tokenize(TEXTS[:2]))


@pytest.mark.model
def test_int8_agrees_with_fp32():
    pytest.importorskip("sentence_transformers")
    cosine = np.sum(get_embedder("minilm-int8").embed(TEXTS) * get_embedder("minilm").embed(TEXTS), axis=1)
    assert cosine.min() >= 0.99
