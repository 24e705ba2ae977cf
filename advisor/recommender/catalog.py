"""The stream catalog (``corpus/streams.yaml``): each passive-income stream with what it
takes (capital, hours, risk, skills, ...) and the corpus passages those figures come
from, validated on load."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    ValidationError,
    computed_field,
    model_validator,
)

from advisor.core.errors import InputError
from advisor.core.settings import DEFAULT_CORPUS
from advisor.recommender.calculators import PassivityLabel, passivity_label

CATALOG_PATH = DEFAULT_CORPUS / "streams.yaml"

Level = Literal["low", "medium", "high"]


class SourceQuote(BaseModel):
    source: str  # corpus file name, as in a Passage
    text: str  # exact text of the cleaned article


class Range(BaseModel):
    min: float = Field(ge=0)
    typical: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.typical < self.min:
            raise ValueError("typical must be at least min")
        return self


AS_OF = r"^(19|20)\d\d(-[01]\d)?$"  # the year (or month) a figure holds for


def _percent(fraction: float) -> str:
    """0.035 -> "3.5%", 0.04 -> "4%"."""
    return f"{fraction * 100:.1f}".removesuffix(".0") + "%"


# A source says what it rests on; where nothing public backs a figure, the stream lists
# it under ``unverified`` instead of calling it an estimate.
_UNMARKED_GUESS = re.compile(r"\bestimates?\b", re.IGNORECASE)


def _no_silent_guess(source: str) -> str:
    if _UNMARKED_GUESS.search(source):
        raise ValueError("say what is unverified in the stream's `unverified`, not 'estimate'")
    return source


# a named public reference or a corpus file, with no silent "estimate" in it
Source = Annotated[str, Field(min_length=10), AfterValidator(_no_silent_guess)]


class TotalReturn(BaseModel):
    """What the capital earns a year in all (income and price change), before inflation."""

    low: float
    high: float
    source: Source
    as_of: str = Field(pattern=AS_OF)


class Provenance(BaseModel):
    """Where a stream's other numbers (capital, hours, risk) come from, and when."""

    source: Source
    as_of: str = Field(pattern=AS_OF)


# The figures of a stream that need a reference or an `unverified` line each.
FigureKind = Literal["return", "total_return", "capital", "hours", "risk", "first_income"]


class Reference(BaseModel):
    """A named public reference for one figure of a stream: the page as it was stored
    when it was read (``url``), the sentence of it that supports the figure (``says``,
    as the page writes it) and the date that sentence holds for."""

    figure: FigureKind
    name: str = Field(min_length=3)
    url: str = Field(pattern=r"^https?://\S+$")
    says: str = Field(min_length=10)
    # the year (or month) the sentence holds for; "undated" when the page gives none
    as_of: str = Field(pattern=r"^((19|20)\d\d(-[01]\d)?|undated)$")


class Returns(BaseModel):
    low: float
    high: float
    unit: Literal["annual_yield", "share_of_sale", "commission", "per_1000_views"]
    what: str
    source: Source
    as_of: str = Field(pattern=AS_OF)
    # for annual_yield streams: plans compound at this; the yield (or withdrawal rate)
    # above is only what can be spent
    total_return: TotalReturn | None = None

    @model_validator(mode="after")
    def _total_for_yields(self) -> Returns:
        if self.unit == "annual_yield" and self.total_return is None:
            raise ValueError("an annual_yield stream needs a total_return to plan with")
        return self

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    @property
    def total_mid(self) -> float:
        """The total return plans compound at (the yield when none is given)."""
        if self.total_return is None:
            return self.mid
        return (self.total_return.low + self.total_return.high) / 2

    def describe(self) -> str:
        if self.unit == "per_1000_views":
            span = f"${self.low:g}-${self.high:g}"
        else:
            span = f"{_percent(self.low)}-{_percent(self.high)}"
        return f"{span} {self.what} (source: {self.source}; as of {self.as_of})"


class Stream(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    asset_class: str
    capital: Range
    setup_effort: Level
    hours_per_week: Range
    risk: int = Field(ge=1, le=5)
    liquidity: Level
    skills: list[str] = Field(default_factory=list)
    skills_needed: list[str] = Field(default_factory=list)
    months_to_first_income: float = Field(ge=0)
    scalability: Level
    diversified: bool = False  # a fund that spreads its own risk; may hold all the money
    keeps_paying_without_you: bool
    upkeep_hours_per_month: float = Field(ge=0, le=744)
    returns: Returns
    figures: Provenance
    references: list[Reference] = Field(default_factory=list)
    # figures no stored public reference backs, each "kind: what and why", e.g.
    # "hours: the 4-10 hours a week to record a course are the project's own reading"
    unverified: list[str] = Field(default_factory=list)
    notes: str = ""
    quotes: list[SourceQuote] = Field(min_length=1)
    first_steps: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_figure_has_provenance(self) -> Stream:
        kinds: list[str] = ["return", "capital", "hours", "risk", "first_income"]
        if self.returns.total_return is not None:
            kinds.append("total_return")
        referenced = {r.figure for r in self.references}
        marked = {line.split(":", 1)[0].strip() for line in self.unverified}
        missing = [k for k in kinds if k not in referenced and k not in marked]
        if missing:
            raise ValueError(
                f"{self.id}: no reference or `unverified` line for {', '.join(missing)}"
            )
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passivity(self) -> PassivityLabel:
        """Passive, semi-passive or active, by the one definition the calculator uses."""
        return passivity_label(self.keeps_paying_without_you, self.upkeep_hours_per_month)


class Catalog(BaseModel):
    asset_classes: dict[str, str]
    skill_aliases: dict[str, str] = Field(default_factory=dict)
    streams: list[Stream] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        ids = [s.id for s in self.streams]
        if len(ids) != len(set(ids)):
            raise ValueError("stream ids must be unique")
        for s in self.streams:
            if s.asset_class not in self.asset_classes:
                raise ValueError(f"{s.id}: unknown asset_class {s.asset_class!r}")
        return self

    def get(self, stream_id: str) -> Stream:
        for s in self.streams:
            if s.id == stream_id:
                return s
        raise InputError(f"unknown stream {stream_id!r}: use one of {', '.join(self.ids())}")

    def ids(self) -> list[str]:
        return [s.id for s in self.streams]


@cache
def _load_cached(path: Path) -> Catalog:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Catalog.model_validate(data)
    except FileNotFoundError:
        raise InputError(f"stream catalog not found: {path}") from None
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError(f"{path.name} is not a valid catalog: {str(exc).splitlines()[0]}") from exc


def load_catalog(path: Path | None = None) -> Catalog:
    """The stream catalog, read once per path."""
    return _load_cached((path or CATALOG_PATH).resolve())
