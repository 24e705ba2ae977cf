"""Judge metrics, when a judge model is configured (``--judge openai:MODEL`` or
``ollama:MODEL``): faithfulness, answer correctness and context precision, in the
sense RAGAS gives them, asked of a chat model through the answer engines' own
LangChain plumbing (the same servers, settings and one-line errors).

- faithfulness: the model splits the answer into claims and marks each supported by
  the retrieved contexts or not; the score is the supported share.
- answer_correctness: the model calls the answer correct (1), partly correct (0.5) or
  incorrect (0) against the reference.
- context_precision: the model marks each retrieved passage useful for the reference
  or not; the score is the average precision over the useful ranks (useful passages
  ranked first score higher).

Prompts are files under ``advisor/prompts/judge_*.txt``. Each row keeps the judge's
model, the prompts it was sent and the raw replies. Verdicts are cached on disk by
(question, answer, contexts, judge, prompts), so a resumed or repeated run asks the
judge nothing it has already answered. The offline metrics never need a judge.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor import prompts
from advisor.core.errors import EngineError, InputError
from advisor.eval import metric_specs
from advisor.eval.metric_specs import JUDGE_METRICS
from advisor.eval.runner import RowResult

if TYPE_CHECKING:
    from advisor.answering.engines.llm import LLMEngine
    from advisor.core.settings import Settings

PROMPTS = {
    "faithfulness": "judge_faithfulness.txt",
    "answer_correctness": "judge_correctness.txt",
    "context_precision": "judge_context_precision.txt",
}
SYSTEM = "judge_system.txt"
CORRECTNESS = {"correct": 1.0, "partly correct": 0.5, "partially correct": 0.5, "incorrect": 0.0}
NOTE = (
    "Judge metrics (faithfulness, answer_correctness, context_precision) not run: "
    "no judge configured (--judge openai:MODEL or ollama:MODEL)."
)


def build_engine(spec: str, settings: Settings) -> LLMEngine:
    """The chat model behind ``spec``, built by the engine registry as the answer engine
    of that name is (a provider registered with ``chat=True``)."""
    from advisor.answering.engines import chat_engine

    return chat_engine(spec, settings, "--judge")


def _numbered(contexts: list[str]) -> str:
    return "\n".join(f'<passage n="{n}">\n{c}\n</passage>' for n, c in enumerate(contexts, 1))


def json_object(reply: str) -> dict[str, Any] | None:
    """The JSON object of a reply, tolerating ``<think>`` blocks and code fences."""
    text = re.sub(r"<think>.*?</think>", "", reply, flags=re.DOTALL)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        return None
    try:
        found = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    return found if isinstance(found, dict) else None


def score(metric: str, verdict: dict[str, Any] | None, contexts: int = 0) -> float | None:
    """The metric's value from the judge's parsed reply; None when it is unusable."""
    if verdict is None:
        return None
    if metric == "faithfulness":
        claims = verdict.get("claims")
        if not isinstance(claims, list):
            return None
        flags = [c.get("supported") is True for c in claims if isinstance(c, dict)]
        return sum(flags) / len(flags) if flags else None
    if metric == "answer_correctness":
        return CORRECTNESS.get(str(verdict.get("verdict", "")).strip().lower())
    if metric == "context_precision":
        useful = verdict.get("useful")
        if not isinstance(useful, list) or len(useful) != contexts:
            return None
        hits, total = 0, 0.0
        for k, flag in enumerate(useful, start=1):
            if flag is True:
                hits += 1
                total += hits / k
        return total / hits if hits else 0.0
    raise KeyError(metric)


class Judge:
    """Asks the judge model about one row at a time (thread-safe: one request each)."""

    def __init__(self, spec: str, settings: Settings, cache_dir: Path) -> None:
        self.spec = spec
        self.engine = build_engine(spec, settings)
        if self.engine.config_error is not None:
            raise InputError(f"--judge {spec}: {self.engine.config_error}")
        self.cache_dir = cache_dir
        texts = [prompts.text(name) for name in (SYSTEM, *PROMPTS.values())]
        self.prompt_hash = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]

    def _key(self, r: RowResult) -> str:
        parts = [r.user_input, r.response, r.retrieved_contexts, r.reference]
        raw = json.dumps([*parts, self.spec, self.prompt_hash], ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()

    def _ask(self, prompt: str) -> str:
        from advisor.answering.engines.base import Message

        messages = [Message("system", prompts.text(SYSTEM).strip()), Message("user", prompt)]
        try:
            return self.engine.reply(messages)
        except Exception as exc:
            error = self.engine.translate(exc)
            raise EngineError(f"the judge {self.spec} failed: {error}") from exc

    def judge(self, r: RowResult) -> dict[str, Any]:
        """``{"model", "prompt_version", "prompts", "raw", "scores"}`` for one row,
        from the cache when this row was judged before."""
        path = self.cache_dir / f"{self._key(r)}.json"
        try:
            cached: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return cached
        except (FileNotFoundError, json.JSONDecodeError):
            pass
        fields = {
            "question": r.user_input,
            "answer": r.response,
            "reference": r.reference,
            "contexts": _numbered(r.retrieved_contexts),
        }
        wanted = [  # a target that shows no passages has none to judge
            m.name
            for m in metric_specs.ALL
            if m.kind == "judge" and (r.retrieved_contexts or not m.needs_passages)
        ]
        sent = {m: prompts.text(PROMPTS[m]).strip().format(**fields) for m in wanted}
        raw = {m: self._ask(p) for m, p in sent.items()}
        scores = {
            m: score(m, json_object(raw[m]), len(r.retrieved_contexts)) for m in JUDGE_METRICS
        }
        verdict = {
            "model": self.spec,
            "prompt_version": self.prompt_hash,
            "prompts": sent,
            "raw": raw,
            "scores": scores,
        }
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{threading.get_ident()}.tmp")  # one per thread
        tmp.write_text(json.dumps(verdict, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        return verdict


def wants_judging(r: RowResult) -> bool:
    """Rows that want an answer and got one: a decline or an error has nothing to judge."""
    return r.expects_answer and not r.declined and not r.error and bool(r.response.strip())


def judge_rows(
    judge: Judge, results: list[RowResult], workers: int = 1, progress: Any = None
) -> None:
    """Judge every row that got an answer, ``workers`` at a time, into its ``metrics``
    and ``judge`` fields. The first row is asked alone: a judge that is down, refuses
    the key or lacks the model stops the run with its one-line error, and a later
    failure is recorded on its row."""
    from concurrent.futures import ThreadPoolExecutor

    todo = [r for r in results if wants_judging(r)]
    for r in results:
        for name in JUDGE_METRICS:
            r.metrics[name] = None

    def one(r: RowResult) -> None:
        try:
            verdict = judge.judge(r)
        except EngineError as exc:
            r.judge = {"model": judge.spec, "error": str(exc)}
        else:
            r.judge = verdict
            r.metrics.update(verdict["scores"])
        if progress is not None:
            progress(r.id)

    if not todo:
        return
    first = judge.judge(todo[0])  # raises: nothing judged yet, so the judge is the problem
    todo[0].judge = first
    todo[0].metrics.update(first["scores"])
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="judge") as pool:
        list(pool.map(one, todo[1:]))
