"""The packaged all-MiniLM-L6-v2 forward pass in NumPy, for short texts in a new process.

A first ``advisor ask`` embeds one question, the guard's examples and the sentences it
quotes: a few hundred short texts. Importing torch, transformers and
sentence-transformers to do that costs far more than the arithmetic (seconds against
milliseconds), so short batches run here: the same weights (``model.safetensors``), the
same tokenizer (``tokenizer.json`` through Hugging Face ``tokenizers``), the same BERT
encoder, mean pooling and normalisation, so the vectors match sentence-transformers'
to float32 rounding (``tests/test_embeddings_numpy.py`` checks it) and both can fill
the same collections.

Written by hand because no library runs this model without torch: onnxruntime is
installed (chromadb needs it), but the package ships no ONNX file, and exporting one
needs torch again.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from advisor.embeddings.base import Vector

MAX_TOKENS = 256  # sentence_bert_config.json: max_seq_length
BATCH = 16


def erf(x: Vector) -> Vector:
    """The error function to within 1.5e-7 (Abramowitz and Stegun 7.1.26), below
    float32's resolution near 1; importing SciPy for it would cost a third of a second."""
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    out: Vector = np.sign(x) * (1.0 - poly * np.exp(-x * x))
    return out


class NumpyMiniLM:
    """BERT (6 layers, 12 heads, 384 wide) as in ``config.json``, mean-pooled."""

    def __init__(self, model_dir: Path) -> None:
        import json

        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.w: dict[str, Any] = load_file(str(model_dir / "model.safetensors"))
        self.dimension = int(config["hidden_size"])
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in the batch
        self.tokenizer = tokenizer
        self._lock = threading.Lock()  # a tokenizer's padding state is per object
        self._t: dict[str, Vector] = {}  # weights transposed once, on first use

    def _norm(self, x: Vector, name: str) -> Vector:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        out: Vector = (x - mean) / np.sqrt(var + self.eps) * self.w[f"{name}.weight"]
        return out + self.w[f"{name}.bias"]

    def _dense(self, x: Vector, name: str) -> Vector:
        """``x @ W.T + b`` as one 2-D product (a stacked product loops in NumPy)."""
        weight = self._t.get(name)
        if weight is None:
            weight = self._t[name] = np.ascontiguousarray(self.w[f"{name}.weight"].T)
        flat = x.reshape(-1, x.shape[-1]) @ weight + self.w[f"{name}.bias"]
        out: Vector = flat.reshape(*x.shape[:-1], weight.shape[1])
        return out

    def embed(self, texts: list[str]) -> Vector:
        """Texts sorted by length and run in small batches, so little is padding."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            encodings = self.tokenizer.encode_batch(texts)
        from threadpoolctl import threadpool_limits

        lengths = [sum(e.attention_mask) for e in encodings]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            part = order[start : start + BATCH]
            width = max(lengths[i] for i in part)
            ids = np.array([encodings[i].ids[:width] for i in part], dtype=np.int64)
            mask = np.array([encodings[i].attention_mask[:width] for i in part], np.float32)
            # one BLAS thread: these products are small, and more threads than a busy
            # machine has free cores spin rather than work
            with threadpool_limits(limits=1, user_api="blas"):
                out[part] = self._forward(ids, mask)
        return out

    def _forward(self, ids: Any, mask: Any) -> Vector:
        batch, length = ids.shape
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        width = self.dimension // self.heads
        # padding takes no attention: the smallest float32 added before the softmax
        blocked = (1.0 - mask)[:, None, None, :] * np.finfo(np.float32).min

        def split(t: Vector) -> Vector:
            return t.reshape(batch, length, self.heads, width).transpose(0, 2, 1, 3)

        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q = split(self._dense(x, f"{p}.attention.self.query"))
            k = split(self._dense(x, f"{p}.attention.self.key"))
            v = split(self._dense(x, f"{p}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(width)) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.dimension)
            x = self._norm(
                self._dense(context, f"{p}.attention.output.dense") + x,
                f"{p}.attention.output.LayerNorm",
            )
            h = self._dense(x, f"{p}.intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / np.float32(np.sqrt(2.0))))  # exact GELU, as BERT's "gelu"
            x = self._norm(self._dense(h, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)
