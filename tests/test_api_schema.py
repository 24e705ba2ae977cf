"""Property-based: every request schemathesis derives from the API's OpenAPI schema
(valid and invalid, with and without a key) gets a documented answer from a real
server, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from advisor_servers import serve
from helpers import make_settings
from hypothesis import HealthCheck, settings
from live_files import copy_tree
from schemathesis.specs.openapi.checks import positive_data_acceptance

KEYS = {"schema-key-0123456789": "alice"}
# A schema cannot say "the last message is the user's, non-empty and under the size
# limit", so some schema-valid requests are rightly a 400; every other check runs.
SEMANTIC_400 = [positive_data_acceptance]
RUN = settings(
    max_examples=20,
    derandomize=True,  # the same cases on every run: CI failures reproduce
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _openapi(api_keys: dict[str, str]) -> dict[str, Any]:
    """The schema, built without loading anything (the Advisor is lazy)."""
    from advisor.answering.service import Advisor
    from advisor.interfaces.api.app import create_api

    return create_api(Advisor(make_settings(Path("unused"))), api_keys=api_keys).openapi()


open_schema = schemathesis.openapi.from_dict(_openapi({}))
keyed_schema = schemathesis.openapi.from_dict(_openapi(KEYS))


@pytest.fixture(scope="module")
def urls(library_home: Path, tmp_path_factory, embedder) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    from advisor.answering.service import Advisor
    from advisor.interfaces.api.app import create_api

    # a private copy: the fuzzed requests include valid POST /v1/feedback bodies, which
    # store ratings, and the session's library folder must hold no one's data
    home = tmp_path_factory.mktemp("schema") / "home"
    copy_tree(library_home, home)
    advisor = Advisor(make_settings(home), embedder=embedder)
    with serve(create_api(advisor, api_keys={})) as open_url:
        with serve(create_api(advisor, api_keys=KEYS)) as keyed_url:
            yield {"open": open_url, "keyed": keyed_url}


@pytest.mark.slow
@open_schema.parametrize()
@RUN
def test_without_keys_every_request_gets_a_documented_answer(case, urls) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(base_url=urls["open"], excluded_checks=SEMANTIC_400, timeout=120)


@pytest.mark.slow
@keyed_schema.parametrize()
@RUN
def test_with_keys_every_request_gets_a_documented_answer(case, urls) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {next(iter(KEYS))}"}
    case.call_and_validate(
        base_url=urls["keyed"], headers=headers, excluded_checks=SEMANTIC_400, timeout=120
    )
