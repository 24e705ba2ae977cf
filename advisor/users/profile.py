"""A person's situation, as far as they have told us, stored per user.

Every field is optional: ``None`` (or an empty skills list) means *unknown*, never
zero, so the recommender can say which missing facts would change its answer.
Values typed by people ("5,000", "$5k", "10 hours") are parsed here, and each bad
value is a one-line :class:`InputError` that names the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from advisor.core.errors import InputError

Risk = Literal["low", "medium", "high"]

# Upper bounds past which a value is a typo, not a plan.
MAX_MONEY = 1e12
MAX_HOURS_PER_WEEK = 168.0
MAX_HOURS_PER_MONTH = 744.0
MAX_HORIZON_YEARS = 100.0
MAX_MONTHS_SAVED = 1200.0
MAX_DEBT_RATE = 1000.0  # percent a year; payday loans can pass 300


# The basics a planner asks first: a buffer for emergencies and no costly debt. Until
# they hold, nothing that can fall is suggested (advisor.recommender.basics).
BASICS_FIELDS = ("emergency_fund", "monthly_expenses", "high_interest_debt")
# The numbers a form asks for them, in order (the fund as an amount or in months).
BASICS_INPUTS = (
    "emergency_fund",
    "emergency_fund_months",
    "monthly_expenses",
    "high_interest_debt",
    "debt_rate",
)

# Fields whose value can change which streams suit a person, most telling first.
RANKING_FIELDS = (
    "capital",
    "hours_per_week",
    "risk_tolerance",
    "skills",
    "monthly_surplus",
    "goal_monthly_income",
    "horizon_years",
)


_EMPLOYMENT = re.compile(r"\b(?:job|salary|wages?|employ\w*|paycheck|payroll)\b", re.IGNORECASE)


class IncomeSource(BaseModel):
    """Money the person already earns, and the hours it takes."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    hours_per_month: float | None = Field(default=None, ge=0, le=MAX_HOURS_PER_MONTH)
    monthly_income: float | None = Field(default=None, ge=0, le=MAX_MONEY)

    @property
    def employment(self) -> bool:
        """Whether the name says it is a job (employment is always active income)."""
        return bool(_EMPLOYMENT.search(self.name))


class Profile(BaseModel):
    """What the recommender knows about a person; ``None`` means not told."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    capital: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    monthly_surplus: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    hours_per_week: float | None = Field(default=None, ge=0, le=MAX_HOURS_PER_WEEK)
    risk_tolerance: Risk | None = None
    skills: list[str] = Field(default_factory=list, max_length=50)
    horizon_years: float | None = Field(default=None, ge=0, le=MAX_HORIZON_YEARS)
    goal_monthly_income: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    currency: str = "USD"
    income_sources: list[IncomeSource] = Field(default_factory=list, max_length=50)
    emergency_fund: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    emergency_fund_months: float | None = Field(default=None, ge=0, le=MAX_MONTHS_SAVED)
    monthly_expenses: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    high_interest_debt: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    debt_rate: float | None = Field(default=None, ge=0, le=MAX_DEBT_RATE)  # percent a year

    @field_validator("skills")
    @classmethod
    def _tidy_skills(cls, skills: list[str]) -> list[str]:
        out: list[str] = []
        for skill in skills:
            tidy = " ".join(str(skill).lower().split())
            if len(tidy) > 60:
                raise ValueError(f"skill {tidy[:20]!r}… is longer than 60 characters")
            if tidy and tidy not in out:
                out.append(tidy)
        return out

    @field_validator("currency")
    @classmethod
    def _currency_code(cls, code: str) -> str:
        code = code.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise ValueError("use a three-letter code such as USD, EUR or GBP")
        return code

    def is_empty(self) -> bool:
        return self == Profile(currency=self.currency)


# Every field as a person would name it: the UI's form and hints, the chat's hints.
FIELD_LABELS = {
    "capital": "savings you could invest",
    "monthly_surplus": "money left over each month",
    "hours_per_week": "free hours a week",
    "risk_tolerance": "risk tolerance",
    "skills": "skills",
    "horizon_years": "horizon in years",
    "goal_monthly_income": "monthly income goal",
    "currency": "currency",
    "income_sources": "current income sources",
    "emergency_fund": "emergency fund",
    "emergency_fund_months": "emergency fund in months of expenses",
    "monthly_expenses": "monthly expenses",
    "high_interest_debt": "high-interest debt (cards, personal loans)",
    "debt_rate": "interest rate on that debt (% a year)",
}


def field_list(fields: Sequence[str]) -> str:
    """Fields as a person names them, in a sentence: "emergency fund, monthly expenses
    and horizon in years"."""
    labels = [FIELD_LABELS.get(f, f.replace("_", " ")) for f in fields]
    return " and ".join(labels) if len(labels) < 3 else f"{', '.join(labels[:-1])} and {labels[-1]}"


# Other names people type for a field (`advisor profile set debt 5000`).
FIELD_ALIASES = {
    "debt": "high_interest_debt",
    "card_debt": "high_interest_debt",
    "credit_card_debt": "high_interest_debt",
    "expenses": "monthly_expenses",
    "emergency": "emergency_fund",
    "buffer": "emergency_fund",
    "interest_rate": "debt_rate",
    "apr": "debt_rate",
}


def _field_names() -> list[str]:
    return list(Profile.model_fields)


def _one_line(exc: ValidationError) -> str:
    """The first pydantic error as ``field: message``."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "profile"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return f"unknown profile field {where!r}: use one of {', '.join(_field_names())}"
    limit = (err.get("ctx") or {}).get("le")
    if err["type"] == "less_than_equal" and limit is not None:
        return f"{where} must be at most {limit:,g}; {err['input']!r} looks like a typo"
    if err["type"] == "greater_than_equal":
        return f"{where} cannot be negative ({err['input']!r})"
    return f"{where}: {msg}"


# -- parsing values people type --------------------------------------------------

_SUFFIX = {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]*)$")
_UNKNOWN = {"", "unknown", "none", "null", "unset", "?", "n/a"}
_UNITS = (
    "hours a week",
    "hours/week",
    "hours per week",
    "h/week",
    "hours",
    "hrs",
    "h",
    "years",
    "year",
    "yrs",
    "y",
    "per month",
    "a month",
    "/month",
    "/mo",
)
_RISK_WORDS: dict[str, Risk] = {
    "low": "low",
    "conservative": "low",
    "cautious": "low",
    "safe": "low",
    "medium": "medium",
    "med": "medium",
    "moderate": "medium",
    "balanced": "medium",
    "high": "high",
    "aggressive": "high",
    "adventurous": "high",
}


# Units typed after a number that only one field takes ("3 months", "24% APR").
_FIELD_UNITS = {
    "emergency_fund_months": re.compile(r"\s*(?:months?(?:\s+of\s+expenses)?|mo)\s*$"),
    "debt_rate": re.compile(r"\s*(?:%|percent)?\s*(?:a\s+year|apr|per\s+year|/\s*year)?\s*$"),
}


def parse_amount(field: str, raw: str) -> float | None:
    """``5000``, ``5,000``, ``$5k``, ``1.2m``, ``€300 per month`` → a float; blank → None."""
    text = raw.strip().lower()
    if text in _UNKNOWN:
        return None
    for unit in _UNITS:
        if text.endswith(unit) and text[: -len(unit)].strip():
            text = text[: -len(unit)].strip()
            break
    text = re.sub(r"[\s,_'$€£¥]", "", text)
    text = re.sub(r"^(usd|eur|gbp|chf|cad|aud)|(usd|eur|gbp|chf|cad|aud)$", "", text)
    match = _NUMBER.match(text)
    if not match or match.group(2) not in ("", *_SUFFIX):
        raise InputError(f"{field}: {raw.strip()!r} is not a number (try 5000, 5,000 or $5k)")
    value = float(match.group(1)) * _SUFFIX.get(match.group(2), 1.0)
    if value < 0:
        raise InputError(f"{field} cannot be negative ({raw.strip()})")
    return value


def _parse_skills(raw: str) -> list[str]:
    if raw.strip().lower() in _UNKNOWN:
        return []
    return [s for s in re.split(r"[,;/]|\band\b", raw) if s.strip()]


def _parse_income_sources(raw: str) -> list[dict[str, Any]]:
    """JSON (``[{"name": "job", "hours_per_month": 160, "monthly_income": 4000}]``) or
    ``name:hours_per_month:monthly_income`` items separated by ``;``."""
    text = raw.strip()
    if text.lower() in _UNKNOWN:
        return []
    if text.startswith(("[", "{")):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"income_sources: not valid JSON ({exc.msg})") from exc
        return loaded if isinstance(loaded, list) else [loaded]
    sources: list[dict[str, Any]] = []
    for item in filter(None, (part.strip() for part in text.split(";"))):
        name, *numbers = (p.strip() for p in item.split(":"))
        if len(numbers) > 2 or not name:
            raise InputError(
                f"income_sources: {item!r} should look like name:hours_per_month:monthly_income"
            )
        hours = parse_amount("income_sources hours_per_month", numbers[0]) if numbers else None
        income = (
            parse_amount("income_sources monthly_income", numbers[1]) if len(numbers) > 1 else None
        )
        sources.append({"name": name, "hours_per_month": hours, "monthly_income": income})
    return sources


def _parse_value(field: str, raw: str) -> Any:
    if field in (
        "capital",
        "monthly_surplus",
        "hours_per_week",
        "horizon_years",
        "goal_monthly_income",
        *BASICS_FIELDS,
    ):
        return parse_amount(field, raw)
    if field in _FIELD_UNITS:
        return parse_amount(field, _FIELD_UNITS[field].sub("", raw.strip().lower()))
    if field == "risk_tolerance":
        word = raw.strip().lower()
        if word in _UNKNOWN:
            return None
        if word not in _RISK_WORDS:
            raise InputError(f"risk_tolerance: use low, medium or high, not {raw.strip()!r}")
        return _RISK_WORDS[word]
    if field == "skills":
        return _parse_skills(raw)
    if field == "currency":
        return "USD" if raw.strip().lower() in _UNKNOWN else raw
    return _parse_income_sources(raw)


def canonical_field(field: str) -> str:
    """The profile field a typed name (or alias, such as ``debt``) means."""
    return _canonical_field(field)


def _canonical_field(field: str) -> str:
    name = field.strip().lower().replace("-", "_").replace(" ", "_")
    name = FIELD_ALIASES.get(name, name)
    if name not in Profile.model_fields:
        raise InputError(f"unknown profile field {field!r}: use one of {', '.join(_field_names())}")
    return name


def set_field(profile: Profile, field: str, value: str) -> Profile:
    """A copy of ``profile`` with ``field`` set from text; ``unknown`` or blank unsets it."""
    name = _canonical_field(field)
    try:  # undecodable bytes from a terminal arrive as lone surrogates
        str(value).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{name}: the value is not valid UTF-8 text; type it again") from None
    data = profile.model_dump()
    data[name] = _parse_value(name, str(value))
    data.update(one_buffer_form(name))
    return validate_profile(data)


def one_buffer_form(*given: str) -> dict[str, Any]:
    """The emergency fund is an amount or months of expenses: giving one clears the other."""
    if "emergency_fund" in given and "emergency_fund_months" not in given:
        return {"emergency_fund_months": None}
    if "emergency_fund_months" in given and "emergency_fund" not in given:
        return {"emergency_fund": None}
    return {}


def validate_profile(data: object) -> Profile:
    """A :class:`Profile` from a mapping (a file, a form, an API body), accepting the
    same friendly text values as :func:`set_field`."""
    if isinstance(data, Profile):
        return data
    if data is None:
        return Profile()
    if not isinstance(data, dict):
        raise InputError("a profile must be a mapping of field: value")
    clean: dict[str, Any] = {}
    for key, value in data.items():
        name = _canonical_field(str(key))
        if isinstance(value, str) and name != "currency":
            value = _parse_value(name, value)
        elif name in ("skills", "income_sources") and value is None:
            value = []
        elif name == "currency" and value is None:
            value = "USD"
        clean[name] = value
    try:
        return Profile.model_validate(clean)
    except ValidationError as exc:
        raise InputError(_one_line(exc)) from None


def missing_basics(profile: Profile) -> list[str]:
    """The basics not known yet: the emergency fund (as an amount or in months), the
    monthly expenses when the fund is an amount, and high-interest debt."""
    out = []
    if profile.emergency_fund is None and profile.emergency_fund_months is None:
        out.append("emergency_fund")
    if profile.monthly_expenses is None and not (
        profile.emergency_fund_months is not None or profile.emergency_fund == 0
    ):
        out.append("monthly_expenses")
    if profile.high_interest_debt is None:
        out.append("high_interest_debt")
    return out


def missing_fields(profile: Profile) -> list[str]:
    """The basics, then the ranking fields, the person has not told us, most telling
    first."""
    ranking = [
        name
        for name in RANKING_FIELDS
        if getattr(profile, name) is None or getattr(profile, name) == []
    ]
    return missing_basics(profile) + ranking
