"""The advisor inside LangChain and LangGraph apps (LangServe is deprecated, so these
are a plain ``Runnable`` and tools).

    from advisor import as_runnable, tools

    chain = as_runnable()
    chain.invoke({"question": "What is a REIT?"})          # -> {"answer", "citations", ...}
    for chunk in chain.stream({"question": "And what about ETFs?", "history": [...]}):
        print(chunk.get("answer", ""), end="")

    from langchain.agents import create_agent               # the `langchain` extra

    agent = create_agent(model, tools=tools)               # ask, search, suggest, calculators

A tool called with arguments outside its schema answers the model with one line naming
the argument and what it accepts (``invalid argument annual_yield for capital_needed:
Input should be less than or equal to 1 (a fraction a year: 0.04 means 4%)``), the
words the MCP server uses, so the model can correct the call.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NotRequired

from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.utils import AddableDict
from langchain_core.tools import BaseTool, ToolException, tool
from pydantic import BaseModel, ValidationError
from typing_extensions import TypedDict

from advisor.answering.answer_text import strip_sources, with_sources
from advisor.answering.service import Advisor
from advisor.core.answers import Turn
from advisor.core.errors import AdvisorError, InputError
from advisor.interfaces.toolkit import Toolkit, describe

__all__ = ["AdvisorRunnable", "AskInput", "as_runnable", "make_tools", "tools"]

_ROLES = {"user": "user", "human": "user", "assistant": "assistant", "ai": "assistant"}


class AskInput(TypedDict):
    """What the runnable takes (a bare string is a question without history)."""

    question: str
    history: NotRequired[list[Any]]  # {"role", "content"} dicts, Turns or LangChain messages
    user: NotRequired[str | None]  # also use this advisor user's documents and profile


def _turn(item: object) -> Turn | None:
    """One history item as a Turn; system and tool messages are dropped."""
    if isinstance(item, Turn):
        return item
    if isinstance(item, BaseMessage):
        role, content = item.type, item.text
    elif isinstance(item, dict):
        role, content = str(item.get("role", "")), item.get("content", "")
    elif isinstance(item, tuple) and len(item) == 2:
        role, content = str(item[0]), item[1]
    else:
        raise InputError(
            f"a history item must be a message, a {{'role', 'content'}} dict or a "
            f"(role, content) pair, not {type(item).__name__}"
        )
    if role not in _ROLES:
        return None
    if not isinstance(content, str):
        raise InputError("history messages must hold text")
    return Turn(role=_ROLES[role], content=strip_sources(content))  # type: ignore[arg-type]


def _parse(value: AskInput | str) -> tuple[str, list[Turn], str | None]:
    if isinstance(value, str):
        return value, [], None
    if not isinstance(value, dict) or "question" not in value:
        raise InputError('the input must be a question or {"question": ..., "history"?, "user"?}')
    history: Iterable[object] = value.get("history") or []
    turns = [t for t in (_turn(item) for item in history) if t is not None]
    return value["question"], turns, value.get("user")


class AdvisorRunnable(Runnable[AskInput | str, dict[str, Any]]):
    """Answers with citations: ``invoke`` returns the ``Answer.public()`` dict; ``stream``
    yields ``{"answer": piece}`` chunks, then one chunk with the other fields, so adding
    the chunks up gives the whole answer."""

    def __init__(self, advisor: Advisor | None = None) -> None:
        self._kit = Toolkit(advisor)

    def invoke(
        self, input: AskInput | str, config: RunnableConfig | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        return self._call_with_config(self._answer, input, config, run_type="chain")

    def _answer(self, value: AskInput | str) -> dict[str, Any]:
        question, history, user = _parse(value)
        return self._kit.advisor.ask(question, history=history, user=user).public()

    def stream(
        self, input: AskInput | str, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        return self._transform_stream_with_config(iter([input]), self._pieces, config, "chain")

    def transform(
        self, input: Iterator[AskInput | str], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        return self._transform_stream_with_config(input, self._pieces, config, "chain")

    def _pieces(self, inputs: Iterator[AskInput | str]) -> Iterator[dict[str, Any]]:
        value: Any = None
        for item in inputs:  # the last input wins: inputs are whole, not partial
            value = item
        question, history, user = _parse(value)
        events = self._kit.advisor.stream(question, history=history, user=user)
        for piece in events:
            yield AddableDict(answer=piece)
        rest = events.answer().public()
        rest.pop("answer")
        yield AddableDict(rest)


def as_runnable(advisor: Advisor | None = None) -> AdvisorRunnable:
    """The advisor as a LangChain ``Runnable`` (default: an Advisor from the settings)."""
    return AdvisorRunnable(advisor)


def _jsonable(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if isinstance(result, list):
        return {"passages": [_jsonable(item) for item in result]}
    return result


def _invalid_arguments(made: BaseTool) -> Callable[[Any], str]:
    """The message for arguments that fail ``made``'s schema: the first bad argument,
    what was wrong, and the argument's description (its unit or allowed values)."""

    def message(exc: Any) -> str:
        errors = exc.errors() if isinstance(exc, ValidationError) else []
        if not errors:  # pydantic v1 errors or none: still say which tool
            return f"invalid arguments for {made.name}: {' '.join(str(exc).split())}"
        err = errors[0]
        where = ".".join(str(p) for p in err["loc"]) or "arguments"
        text = f"invalid argument {where} for {made.name}: {err['msg']}"
        schema = made.args.get(str(err["loc"][0])) if err["loc"] else None
        hint = (schema or {}).get("description")
        return f"{text} ({hint})" if hint else text

    return message


def _as_tool(fn: Callable[..., Any], like: Callable[..., Any], **options: Any) -> BaseTool:
    """A LangChain tool named after ``like``, with its schema and docstring; advisor
    errors and arguments outside the schema come back to the model as the tool's
    answer, in one line, instead of crashing the agent."""

    @functools.wraps(like)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AdvisorError as exc:
            raise ToolException(str(exc).splitlines()[0]) from None

    run.__signature__ = inspect.signature(like, eval_str=True)  # type: ignore[attr-defined]
    made = tool(run, description=describe(like), **options)
    made.handle_tool_error = True
    made.handle_validation_error = _invalid_arguments(made)
    return made


def make_tools(advisor: Advisor | None = None) -> list[BaseTool]:
    """``ask``, ``search_library``, ``suggest_streams`` and the calculators as tools.

    ``ask`` returns the answer with its Sources list as the content and the whole
    ``Answer.public()`` dict as the artifact; the others return JSON-ready dicts.
    """
    kit = Toolkit(advisor)

    def ask(question: str, user: str | None = None) -> tuple[str, dict[str, Any]]:
        answer = kit.ask(question, user)
        return with_sources(answer), answer.public()

    made = [_as_tool(ask, kit.ask, response_format="content_and_artifact")]
    others: Sequence[Callable[..., Any]] = (
        kit.search_library,
        kit.suggest_streams,
        kit.capital_needed,
        kit.months_to_goal,
        kit.passivity,
    )
    for fn in others:
        made.append(_as_tool(_returning_json(fn), fn))
    return made


def _returning_json(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return _jsonable(fn(*args, **kwargs))

    return call


tools: list[BaseTool] = make_tools()
"""The tools over a default Advisor (from the settings, created on the first call)."""
