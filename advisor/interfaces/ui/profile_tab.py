"""The Profile tab: the facts suggestions use, as a form, and what is still missing."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import gradio as gr

from advisor.core.errors import AdvisorError
from advisor.interfaces.ui import render
from advisor.interfaces.ui.auth import LOCAL_USER
from advisor.interfaces.ui.common import (
    FIELD_LABELS,
    describe_missing,
    error_text,
    markdown,
    number,
    user_of,
)

if TYPE_CHECKING:
    from advisor.answering.service import Advisor

RISK_CHOICES = ["low", "medium", "high"]
_SEPARATOR = re.compile(r",\s+|;|\t")  # "1,200" stays one number


class ProfileTab:
    """The profile form and its handlers, bound to one :class:`Advisor`."""

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor

    def build(self) -> None:
        """The tab's components; call inside ``gr.Tab``."""
        self.who = markdown(elem_id="advisor-user")
        with gr.Row():
            self.capital = gr.Number(label="Savings you could invest")
            self.surplus = gr.Number(label="Money left over each month")
            self.hours = gr.Number(label="Free hours a week")
        with gr.Row():
            self.risk = gr.Radio(RISK_CHOICES, label="Risk tolerance")
            self.horizon = gr.Number(label="Horizon (years)")
            self.goal = gr.Number(label="Monthly income goal")
            self.currency = gr.Textbox(label="Currency", value="USD", max_lines=1)
        from advisor.users.profile import BASICS_INPUTS, FIELD_LABELS

        with gr.Row():
            self.basics = [
                gr.Number(label=FIELD_LABELS[name][0].upper() + FIELD_LABELS[name][1:], minimum=0)
                for name in BASICS_INPUTS
            ]
        self.skills = gr.Textbox(
            label="Skills (comma-separated)", placeholder="writing, teaching, programming"
        )
        self.sources = gr.Textbox(
            label="Income sources you have now: one a line, name, hours a month, monthly income",
            placeholder="Freelance writing, 20, 300\nRental flat, 5, 900",
            lines=3,
            max_length=4000,
            elem_id="advisor-income-sources",
        )
        self.save = gr.Button("Save profile", variant="primary", elem_id="advisor-save-profile")
        self.profile_status = markdown(elem_id="advisor-profile-status")
        from advisor.interfaces.ui.statements_panel import StatementsPanel

        self.statements = StatementsPanel(self.advisor)
        self.statements.build()

    @property
    def fields(self) -> list[Any]:
        """The form's inputs, in the order ``save_profile_form`` takes them."""
        return [
            self.capital,
            self.surplus,
            self.hours,
            self.risk,
            self.skills,
            self.horizon,
            self.goal,
            self.currency,
            self.sources,
            *self.basics,
        ]

    def load_profile_form(self, request: gr.Request) -> list[Any]:
        """The saved profile as form values, plus what is missing from it."""
        from advisor.users.profile import BASICS_INPUTS, missing_fields
        from advisor.users.profile_store import load_profile

        user = user_of(request)
        try:
            p = load_profile(self.advisor.settings, user)
        except AdvisorError as exc:
            return [gr.skip()] * (len(self.fields) + 1) + [error_text(exc)]
        sources = "\n".join(source_line(s) for s in p.income_sources)
        return [
            p.capital,
            p.monthly_surplus,
            p.hours_per_week,
            p.risk_tolerance,
            ", ".join(p.skills),
            p.horizon_years,
            p.goal_monthly_income,
            p.currency,
            sources,
            *(getattr(p, name) for name in BASICS_INPUTS),
            render.escape_markdown(
                "Your profile is kept on this computer (no sign-in needed)."
                if user == LOCAL_USER
                else f"Signed in as {user}: this profile is yours alone."
            ),
            describe_missing(missing_fields(p)),
        ]

    def save_profile_form(
        self,
        capital: Any,
        monthly_surplus: Any,
        hours_per_week: Any,
        risk_tolerance: str | None,
        skills: str | None,
        horizon_years: Any,
        goal_monthly_income: Any,
        currency: str | None,
        sources: str | None,
        emergency_fund: Any,
        emergency_fund_months: Any,
        monthly_expenses: Any,
        high_interest_debt: Any,
        debt_rate: Any,
        request: gr.Request,
    ) -> str:
        """Validate and save the form; the reply names what is still missing."""
        from advisor.users.profile import missing_fields, validate_profile
        from advisor.users.profile_store import save_profile

        user = user_of(request)
        try:
            rows = parse_sources(sources if isinstance(sources, str) else "")
        except AdvisorError as exc:
            return render.escape_markdown(f"⚠️ Not saved: {exc}")
        data = {
            "capital": number(capital),
            "monthly_surplus": number(monthly_surplus),
            "hours_per_week": number(hours_per_week),
            "risk_tolerance": risk_tolerance or None,
            "skills": skills or "",
            "horizon_years": number(horizon_years),
            "goal_monthly_income": number(goal_monthly_income),
            "currency": (currency or "").strip() or "USD",
            "income_sources": rows,
            "emergency_fund": number(emergency_fund),
            "emergency_fund_months": number(emergency_fund_months),
            "monthly_expenses": number(monthly_expenses),
            "high_interest_debt": number(high_interest_debt),
            "debt_rate": number(debt_rate),
        }
        negative = [k for k, v in data.items() if isinstance(v, float) and v < 0]
        if negative:
            name = FIELD_LABELS.get(negative[0], negative[0])
            return render.escape_markdown(
                f"⚠️ Not saved: {name} cannot be below 0 (you typed {data[negative[0]]:g})."
            )
        try:
            profile = validate_profile(data)
            save_profile(self.advisor.settings, user, profile)
        except AdvisorError as exc:
            return render.escape_markdown(f"⚠️ Not saved: {in_words(str(exc))}")
        return render.escape_markdown("Saved. ") + describe_missing(missing_fields(profile))


def in_words(message: str) -> str:
    """A validation message with the profile's field names as the form labels them."""
    for field, label in sorted(FIELD_LABELS.items(), key=lambda kv: -len(kv[0])):
        message = message.replace(field, label)
    return message


def source_line(source: Any) -> str:
    """One income source as the line the form shows: name, hours a month, income."""
    numbers = [source.hours_per_month, source.monthly_income]
    shown = ["" if n is None else f"{n:g}" for n in numbers]
    return ", ".join([source.name, *shown]).rstrip(", ")


def parse_sources(text: str) -> list[dict[str, Any]]:
    """The income-source lines as typed (``Freelance writing, 20, 300``), or an
    InputError that names the line and says what to type."""
    from advisor.core.errors import InputError
    from advisor.users.profile import parse_amount

    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, *numbers = (p.strip() for p in _SEPARATOR.split(line.strip()))
        if not name or len(numbers) > 2:
            raise InputError(
                f"income source line {n} ({line.strip()[:60]}) should read "
                "name, hours a month, monthly income; for example: Freelance writing, 20, 300"
            )
        hours, income = (numbers + ["", ""])[:2]
        rows.append(
            {
                "name": name,
                "hours_per_month": parse_amount(f"hours a month on line {n}", hours or "?"),
                "monthly_income": parse_amount(f"monthly income on line {n}", income or "?"),
            }
        )
    return rows
