"""The reasons an answer gives (advisor/core/reasons.py) are defined once: every other
list of them (the guard's classes, the decline texts, the API's schemas, the feedback
import, docs/reasons.md) is the registry or a part of it."""

from __future__ import annotations

from pathlib import Path

from advisor import prompts
from advisor.core import reasons
from advisor.core.answers import Answer
from advisor.eval import from_feedback
from advisor.interfaces.api.schemas import AdvisorInfo, FeedbackRequest

ROOT = Path(__file__).resolve().parent.parent


def _enum(model: type, field: str) -> set[str]:
    schema = model.model_json_schema()["properties"][field]  # type: ignore[attr-defined]
    return {v for option in schema["anyOf"] for v in option.get("enum", [])}


def test_declines_are_a_part_of_the_reasons_and_each_is_described():
    assert set(reasons.DECLINE_REASONS) < set(reasons.REASONS)
    assert list(reasons.DESCRIPTIONS) == list(reasons.REASONS)
    assert all(text.strip() for text in reasons.DESCRIPTIONS.values())


def test_the_guard_classes_and_decline_texts_name_only_decline_reasons():
    anchors = set(prompts.data("guard_anchors.yaml")) - {"in_scope"}
    assert anchors <= set(reasons.DECLINE_REASONS), anchors - set(reasons.DECLINE_REASONS)
    texts = set(prompts.data("decline_reasons.yaml"))
    assert texts <= set(reasons.DECLINE_REASONS), texts - set(reasons.DECLINE_REASONS)


def test_the_schemas_accept_and_describe_exactly_the_registry():
    for model in (Answer, AdvisorInfo, FeedbackRequest):
        assert _enum(model, "reason") == set(reasons.REASONS), model
    described = AdvisorInfo.model_json_schema()["properties"]["reason"]["description"]
    assert all(name in described for name in reasons.REASONS)


def test_the_feedback_import_uses_the_registry():
    assert from_feedback.DECLINE_REASONS is reasons.DECLINE_REASONS


def test_the_docs_page_is_the_registry_table():
    page = (ROOT / "docs" / "reasons.md").read_text(encoding="utf-8")
    assert reasons.markdown_table() in page, "docs/reasons.md: paste reasons.markdown_table()"
