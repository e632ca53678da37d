"""The numpy sentence encoder gives the reference model's embeddings."""
from __future__ import annotations

import numpy as np

from engine.text.embeddings import embed, model_folder


def test_matches_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    texts = ["rain on a tin roof", "A dog barks twice in the distance, echoing off the hills",
             "", "émigré café — naïve", "word " * 400]
    reference = SentenceTransformer(str(model_folder()), device="cpu").encode(
        texts, normalize_embeddings=True)
    ours = embed(texts)
    assert ours.shape == (5, 384) and ours.dtype == np.float32
    assert np.max(np.abs(ours - reference)) < 1e-5


def test_similar_meanings_are_closer():
    rain, roof, dog = embed(["rain falling", "raindrops drumming on a roof", "a dog barking"])
    assert rain @ roof > rain @ dog + 0.2
    assert embed([]).shape == (0, 384)
