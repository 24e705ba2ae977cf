"""The environment that keeps the libraries under the advisor offline and quiet: no
model hub, no analytics, no telemetry. Defined once; the CLI, the embedding model, the
tests and the benchmarks all apply it."""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def offline_defaults() -> None:
    """Set each variable of :data:`OFFLINE_ENV` the environment does not already set."""
    for name, value in OFFLINE_ENV.items():
        os.environ.setdefault(name, value)
