"""The Gradio app: Chat, Profile, Suggestions and My documents tabs.

Every handler works out the user from the request (Gradio's login name, or the one
local user when there is no login), so one browser user never reaches another's
documents or profile. All document and answer text is shown escaped
(:mod:`advisor.ui.render`), and the page needs nothing from the internet: the theme
uses the fonts Gradio ships, and the footer links to nothing outside.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd

from advisor.answers import Answer
from advisor.errors import AdvisorError, InputError
from advisor.ui import render
from advisor.ui.auth import user_id_for
from advisor.ui.quiet import quiet_gradio_tracebacks

if TYPE_CHECKING:
    import fastapi

    from advisor.profile import Profile
    from advisor.service import Advisor

log = logging.getLogger(__name__)

TITLE = "Passive-income advisor"
EXAMPLES = [
    "What is the difference between active and passive income?",
    "How do real estate investment trusts pay their investors?",
    "Is a passive income side hustle really passive?",
    "What should I check before lending money on a peer-to-peer platform?",
]
UPLOAD_TYPES = [".txt", ".md", ".markdown", ".pdf", ".docx", ".csv", ".html", ".htm"]
RISK_CHOICES = ["low", "medium", "high"]
SOURCE_COLUMNS = ["Name", "Hours a month", "Monthly income"]
DOC_COLUMNS = ["Title", "File", "Chunks", "Added"]
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
}
CSS = """
.advisor-note { font-size: var(--text-sm); color: var(--body-text-color-subdued); }
#advisor-chatbot blockquote {
  margin: 0.25em 0 0.5em; padding-left: 0.75em;
  border-left: 3px solid var(--color-accent); font-style: italic;
}
#advisor-chatbot p { margin: 0.25em 0; }
"""


def theme() -> gr.themes.Base:
    """Gradio's default look with system fonts: nothing is fetched from a font CDN."""
    return gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "monospace"],
    )


def _user(request: gr.Request | None) -> str:
    return user_id_for(getattr(request, "username", None) if request is not None else None)


def _error(exc: AdvisorError) -> str:
    return render.escape_markdown(f"⚠️ {exc}")


def _quote(text: str) -> str:
    """``text`` as an escaped Markdown block quote, line breaks kept."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return "\n".join(f"> {render.escape_markdown(line)}" if line else ">" for line in lines)


def _number(value: Any) -> float | None:
    """An empty form number (None or NaN) is 'not given'."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _describe_missing(missing: list[str]) -> str:
    if not missing:
        return "Your profile has every fact the suggestions use."
    names = ", ".join(FIELD_LABELS.get(m, m.replace("_", " ")) for m in missing)
    return "**Missing facts that would change the suggestions:** " + render.escape_markdown(
        f"{names}."
    )


class Handlers:
    """The event handlers, bound to one :class:`Advisor`."""

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor
        # facts a user typed in the chat, waiting for their "save" (never saved unasked)
        self._pending_facts: dict[str, dict[str, Any]] = {}

    # -- chat ---------------------------------------------------------------
    def chat(
        self, message: str, history: list[dict[str, Any]], request: gr.Request
    ) -> Iterator[list[dict[str, Any]]]:
        """Stream the answer, then show it with its sources under it."""
        user = _user(request)
        text = ""
        try:
            profile = self._profile_facts(user)
            events = self.advisor.stream(
                message, history=render.history_turns(history), user=user, profile=profile
            )
            for event in events:
                if isinstance(event, Answer):
                    if event.profile_facts:
                        self._pending_facts[user] = dict(event.profile_facts)
                    yield render.answer_messages(event, asked=message)
                    return
                text += event
                yield [{"role": "assistant", "content": render.to_html(text)}]
        except AdvisorError as exc:
            yield [{"role": "assistant", "content": render.to_html(f"⚠️ {exc}")}]

    def pending_facts(self, request: gr.Request) -> tuple[str, dict[str, Any]]:
        """What the person told the chat about themselves, with a button to save it."""
        from advisor.facts import describe

        facts = self._pending_facts.get(_user(request))
        if not facts:
            return "", gr.update(visible=False)
        text = render.escape_markdown(
            f"From the chat: {describe(facts)}. Save these facts to your profile so "
            "suggestions use them next time?"
        )
        return text, gr.update(visible=True)

    def save_pending_facts(self, request: gr.Request) -> tuple[str, dict[str, Any]]:
        """Merge the facts from the chat into the saved profile (the person clicked)."""
        from advisor.profile import missing_fields, save_facts

        user = _user(request)
        facts = self._pending_facts.get(user)
        if not facts:
            return "Nothing from the chat to save.", gr.update(visible=False)
        try:
            profile = save_facts(self.advisor.settings, user, facts)
        except AdvisorError as exc:
            return _error(exc), gr.update(visible=True)
        self._pending_facts.pop(user, None)
        return render.escape_markdown("Saved to your profile. ") + _describe_missing(
            missing_fields(profile)
        ), gr.update(visible=False)

    def _profile_facts(self, user: str) -> dict[str, Any] | None:
        facts = self._load_profile(user).model_dump(exclude_none=True, exclude_defaults=True)
        return facts or None

    # -- profile ------------------------------------------------------------
    def _load_profile(self, user: str) -> Profile:
        from advisor.profile import load_profile

        return load_profile(self.advisor.settings, user)

    def load_profile_form(self, request: gr.Request) -> list[Any]:
        """The saved profile as form values, plus what is missing from it."""
        from advisor.profile import missing_fields

        user = _user(request)
        try:
            p = self._load_profile(user)
        except AdvisorError as exc:
            return [gr.skip()] * 10 + [_error(exc)]
        sources = pd.DataFrame(
            [[s.name, s.hours_per_month, s.monthly_income] for s in p.income_sources],
            columns=SOURCE_COLUMNS,
        )
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
            render.escape_markdown(f"Signed in as {user}."),
            _describe_missing(missing_fields(p)),
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
        sources: pd.DataFrame | None,
        request: gr.Request,
    ) -> str:
        """Validate and save the form; the reply names what is still missing."""
        from advisor.profile import missing_fields, save_profile, validate_profile

        user = _user(request)
        rows = []
        if sources is not None:
            for row in sources.itertuples(index=False, name=None):
                name, hours, income = (list(row) + [None, None, None])[:3]
                name = "" if name is None else str(name).strip()
                if name and name.lower() != "nan":
                    rows.append(
                        {
                            "name": name,
                            "hours_per_month": _number(hours),
                            "monthly_income": _number(income),
                        }
                    )
        data = {
            "capital": _number(capital),
            "monthly_surplus": _number(monthly_surplus),
            "hours_per_week": _number(hours_per_week),
            "risk_tolerance": risk_tolerance or None,
            "skills": skills or "",
            "horizon_years": _number(horizon_years),
            "goal_monthly_income": _number(goal_monthly_income),
            "currency": (currency or "").strip() or "USD",
            "income_sources": rows,
        }
        try:
            profile = validate_profile(data)
            save_profile(self.advisor.settings, user, profile)
        except AdvisorError as exc:
            return render.escape_markdown(f"⚠️ Not saved: {exc}")
        return render.escape_markdown("Saved. ") + _describe_missing(missing_fields(profile))

    # -- suggestions --------------------------------------------------------
    def suggestions(self, request: gr.Request) -> tuple[str, pd.DataFrame]:
        """Ranked streams for the saved profile, as text and as a score chart."""
        from advisor.recommender import suggest

        user = _user(request)
        empty = pd.DataFrame({"stream": [], "score": []})
        try:
            result = suggest(self._load_profile(user))
        except AdvisorError as exc:
            return _error(exc), empty
        parts: list[str] = []
        if result.missing:
            parts.append(_describe_missing(result.missing))
        for rank, s in enumerate(result.suggestions, start=1):
            esc = render.escape_markdown
            block = [f"### {rank}\\. {esc(s.name)} · fit {s.score:.0f}/100"]
            block.append("\n".join(f"- {esc(r)}" for r in s.reasons))
            if s.first_steps:
                steps = "\n".join(f"{n}. {esc(step)}" for n, step in enumerate(s.first_steps, 1))
                block.append(f"**First steps**\n\n{steps}")
            if s.citations:
                quotes = "\n\n".join(
                    _quote(c.text) + "\n>\n> " + esc(f"— {c.source}") for c in s.citations
                )
                block.append(
                    f"<details><summary>Sources ({len(s.citations)})</summary>\n\n"
                    f"{quotes}\n\n</details>"
                )
            parts.append("\n\n".join(block))
        if not result.suggestions:
            parts.append("No stream fits this profile yet.")
        parts.append(f"*{render.escape_markdown(result.disclaimer)}*")
        chart = pd.DataFrame(
            {
                "stream": [s.name for s in result.suggestions],
                "score": [s.score for s in result.suggestions],
            }
        )
        return "\n\n".join(parts), chart

    # -- calculators --------------------------------------------------------
    def calculator_defaults(self, request: gr.Request) -> list[Any]:
        """Start the calculators from the profile: goal, monthly surplus, capital."""
        try:
            p = self._load_profile(_user(request))
        except AdvisorError:
            return [gr.skip()] * 4

        def value(v: float | None) -> Any:
            return gr.skip() if v is None else v

        goal = value(p.goal_monthly_income)
        return [goal, goal, value(p.monthly_surplus), value(p.capital)]

    def capital_needed(self, monthly_income: Any, yield_percent: Any) -> str:
        from advisor.calculators import capital_needed

        try:
            capital = capital_needed(
                _number(monthly_income) or 0.0, (_number(yield_percent) or 0.0) / 100
            )
        except AdvisorError as exc:
            return _error(exc)
        return render.escape_markdown(
            f"Capital needed: {capital:,.0f} (an income of {_number(monthly_income) or 0:,.0f} "
            f"a month at {_number(yield_percent) or 0:g}% a year)."
        )

    def months_to_goal(
        self,
        goal: Any,
        yield_percent: Any,
        contribution: Any,
        start_capital: Any,
        growth_percent: Any,
    ) -> tuple[str, pd.DataFrame]:
        from advisor.calculators import months_to_goal

        empty = pd.DataFrame({"month": [], "monthly_income": []})
        try:
            projection = months_to_goal(
                _number(goal) or 0.0,
                (_number(yield_percent) or 0.0) / 100,
                _number(contribution) or 0.0,
                start_capital=_number(start_capital) or 0.0,
                annual_growth=(_number(growth_percent) or 0.0) / 100,
            )
        except AdvisorError as exc:
            return _error(exc), empty
        if projection.months is None:
            headline = "The goal is not reached within the projection."
        else:
            years, months = divmod(projection.months, 12)
            headline = f"Goal reached after {projection.months} months ({years} y {months} m)."
        lines = [render.escape_markdown(headline)]
        lines.extend(f"- {render.escape_markdown(a)}" for a in projection.assumptions)
        chart = pd.DataFrame(
            {
                "month": [p.month for p in projection.points],
                "monthly_income": [p.monthly_income for p in projection.points],
            }
        )
        return "\n".join(lines), chart

    # -- documents ----------------------------------------------------------
    def _doc_table(self, user: str) -> tuple[pd.DataFrame, dict[str, Any]]:
        from advisor.userdata import list_documents

        rows = list_documents(self.advisor, user)
        table = pd.DataFrame(
            [
                [
                    r.title,
                    r.source,
                    r.n_chunks,
                    datetime.fromtimestamp(r.added_at).strftime("%Y-%m-%d %H:%M"),
                ]
                for r in rows
            ],
            columns=DOC_COLUMNS,
        )
        choices = [(f"{r.title} ({r.source})", r.doc_id) for r in rows]
        return table, gr.update(choices=choices, value=None)

    def list_documents(self, request: gr.Request) -> tuple[pd.DataFrame, dict[str, Any]]:
        return self._doc_table(_user(request))

    def add_documents(
        self,
        files: list[str] | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects it by default value
    ) -> tuple[str, pd.DataFrame, dict[str, Any], None]:
        """Ingest the uploaded files into the user's own collection, with progress."""
        from advisor.userdata import add_documents

        user = _user(request)
        try:
            paths = uploaded_files(files)
        except AdvisorError as exc:
            table, choices = self._doc_table(user)
            return _error(exc), table, choices, None
        if not paths:
            table, choices = self._doc_table(user)
            return "Choose one or more files to add.", table, choices, None
        done = 0
        progress((0, len(paths)), desc="Reading and indexing")

        def step(name: str, _chunks: int) -> None:
            nonlocal done
            done += 1
            progress((done, len(paths)), desc=f"Indexed {name}")

        try:
            report = add_documents(self.advisor, user, paths, progress=step)
            lines = [render.escape_markdown(report.summary())]
            lines.extend(f"- {render.escape_markdown(e)}" for e in report.errors)
            status = "\n".join(lines)
        except AdvisorError as exc:
            status = _error(exc)
        finally:
            for path in paths:  # the store has the text now; leave no copy in Gradio's cache
                path.unlink(missing_ok=True)
        table, choices = self._doc_table(user)
        return status, table, choices, None

    def delete_document(
        self, doc_id: str | None, request: gr.Request
    ) -> tuple[str, pd.DataFrame, dict[str, Any]]:
        from advisor.userdata import delete_document

        user = _user(request)
        if not doc_id:
            table, choices = self._doc_table(user)
            return "Pick a document to delete.", table, choices
        try:
            removed = delete_document(self.advisor, user, doc_id)
            status = render.escape_markdown(f"Deleted {doc_id} ({removed} chunks).")
        except AdvisorError as exc:
            status = _error(exc)
        table, choices = self._doc_table(user)
        return status, table, choices


def uploaded_files(files: Any) -> list[Path]:
    """The paths of files Gradio received in an upload, or an InputError.

    A handler is reachable by ``fn_index`` with any JSON a client cares to send, so a
    path is accepted only when it resolves (symlinks followed) to a regular file inside
    Gradio's upload folder, where its upload route writes; never a path elsewhere on
    the server, which would be read, ingested and then deleted.
    """
    from gradio.utils import get_upload_folder

    if files is None:
        return []
    if isinstance(files, str | Path):
        files = [files]
    if not isinstance(files, list):
        raise InputError("upload the files with the upload box")
    root = Path(get_upload_folder()).resolve()
    paths: list[Path] = []
    for item in files:
        if not isinstance(item, str | Path) or not str(item):
            raise InputError("upload the files with the upload box")
        path = Path(item)
        resolved = path.resolve()
        if not resolved.is_relative_to(root) or resolved == root or not resolved.is_file():
            raise InputError(
                f"refused {path.name or 'that file'}: only files uploaded through this page "
                "can be added; use the upload box"
            )
        paths.append(resolved)
    return paths


def _md(value: str = "", **kwargs: Any) -> gr.Markdown:
    """Markdown for text we escaped ourselves; LaTeX off so '$' stays a dollar."""
    return gr.Markdown(value, latex_delimiters=[], sanitize_html=True, **kwargs)


def build_ui(advisor: Advisor, *, title: str = TITLE) -> gr.Blocks:
    """The whole app; events other than the ``/chat`` endpoint stay out of the API docs."""
    h = Handlers(advisor)
    hidden: dict[str, Any] = {"api_visibility": "undocumented"}
    with gr.Blocks(title=title, analytics_enabled=False) as demo:
        gr.Markdown(f"# {title}")
        with gr.Tab("Chat", id="chat"):
            chatbot = gr.Chatbot(
                label="Advisor",
                height=520,
                render_markdown=False,  # messages are escaped HTML (advisor.ui.render)
                latex_delimiters=[],
                sanitize_html=True,
                allow_tags=False,
                placeholder="Ask about passive and active income. Answers cite their sources.",
                elem_id="advisor-chatbot",
            )
            gr.ChatInterface(
                h.chat,
                chatbot=chatbot,
                textbox=gr.Textbox(
                    placeholder="Ask a question…",
                    show_label=False,
                    submit_btn=True,
                    elem_id="advisor-question",
                ),
                examples=EXAMPLES,
                cache_examples=False,
                api_name="chat",
                api_description="Ask the advisor; returns the answer and its sources.",
                fill_height=False,
                autofocus=False,
            )
            with gr.Row():
                facts_note = _md(elem_id="advisor-chat-facts")
                save_facts = gr.Button(
                    "Save these facts to my profile",
                    visible=False,
                    size="sm",
                    elem_id="advisor-save-facts",
                )
            _md(
                "Answers quote the library and your own documents; expand a source to "
                "read the passage. Tell the chat about yourself (\u201cI have $20,000 and 5 "
                "hours a week\u201d) for suggestions that fit. This is general information, "
                "not financial advice.",
                elem_classes=["advisor-note"],
            )

        with gr.Tab("Profile", id="profile"):
            who = _md(elem_id="advisor-user")
            with gr.Row():
                capital = gr.Number(label="Savings you could invest", minimum=0)
                surplus = gr.Number(label="Money left over each month", minimum=0)
                hours = gr.Number(label="Free hours a week", minimum=0)
            with gr.Row():
                risk = gr.Radio(RISK_CHOICES, label="Risk tolerance")
                horizon = gr.Number(label="Horizon (years)", minimum=0)
                goal = gr.Number(label="Monthly income goal", minimum=0)
                currency = gr.Textbox(label="Currency", value="USD", max_lines=1)
            skills = gr.Textbox(
                label="Skills (comma-separated)", placeholder="writing, teaching, programming"
            )
            sources = gr.Dataframe(
                headers=SOURCE_COLUMNS,
                datatype=["str", "number", "number"],
                row_count=1,
                column_count=3,
                label="Income sources you have now",
                interactive=True,
            )
            save = gr.Button("Save profile", variant="primary", elem_id="advisor-save-profile")
            profile_status = _md(elem_id="advisor-profile-status")

        with gr.Tab("Suggestions", id="suggestions"):
            refresh = gr.Button("Suggest streams for my profile", variant="primary")
            with gr.Row():
                with gr.Column(scale=3):
                    suggestion_text = _md(elem_id="advisor-suggestions")
                with gr.Column(scale=2):
                    score_chart = gr.BarPlot(
                        x="stream",
                        y="score",
                        title="Fit with your profile",
                        x_title="Stream",
                        y_title="Fit (0-100)",
                        sort="-y",
                        y_lim=[0, 100],
                        x_label_angle=-30,
                        elem_id="advisor-score-chart",
                    )
            with gr.Accordion("Calculators", open=True):
                with gr.Row():
                    with gr.Column():
                        gr.Markdown("**Capital needed for a monthly income**")
                        cn_income = gr.Number(label="Monthly income", value=1000, minimum=0)
                        cn_yield = gr.Number(label="Annual yield (%)", value=4, minimum=0)
                        cn_button = gr.Button("Calculate capital")
                        cn_result = _md(elem_id="advisor-capital-result")
                    with gr.Column():
                        gr.Markdown("**Months to the goal, contributions reinvested**")
                        mg_goal = gr.Number(label="Monthly income goal", value=1000, minimum=0)
                        mg_yield = gr.Number(label="Annual yield (%)", value=4, minimum=0)
                        mg_contribution = gr.Number(
                            label="Monthly contribution", value=500, minimum=0
                        )
                        mg_start = gr.Number(label="Starting capital", value=0, minimum=0)
                        mg_growth = gr.Number(label="Annual growth (%)", value=0)
                        mg_button = gr.Button("Project", elem_id="advisor-project")
                        mg_result = _md(elem_id="advisor-projection-result")
                projection_chart = gr.LinePlot(
                    x="month",
                    y="monthly_income",
                    title="Projected monthly income",
                    x_title="Month",
                    y_title="Monthly income",
                    elem_id="advisor-projection-chart",
                )

        with gr.Tab("My documents", id="documents"):
            _md(
                "Add notes, statements or articles (text, Markdown, PDF, Word, CSV, HTML). "
                "They are used in your answers at once and only ever for you.",
                elem_classes=["advisor-note"],
            )
            upload = gr.File(
                label="Add documents",
                file_count="multiple",
                file_types=UPLOAD_TYPES,
                elem_id="advisor-upload",
            )
            doc_status = _md(elem_id="advisor-doc-status")
            doc_table = gr.Dataframe(
                headers=DOC_COLUMNS,
                datatype=["str", "str", "number", "str"],
                interactive=False,
                label="My documents",
                elem_id="advisor-doc-table",
            )
            with gr.Row():
                doc_choice = gr.Dropdown(label="Document", choices=[], elem_id="advisor-doc-choice")
                delete = gr.Button("Delete document", variant="stop", elem_id="advisor-delete")

        chatbot.change(
            h.pending_facts, None, [facts_note, save_facts], show_progress="hidden", **hidden
        )
        saved_facts = save_facts.click(
            h.save_pending_facts, None, [facts_note, save_facts], **hidden
        )
        profile_fields = [capital, surplus, hours, risk, skills, horizon, goal, currency, sources]
        demo.load(h.load_profile_form, None, [*profile_fields, who, profile_status], **hidden)
        saved_facts.then(
            h.load_profile_form, None, [*profile_fields, who, profile_status], **hidden
        )
        demo.load(h.list_documents, None, [doc_table, doc_choice], **hidden)
        calculator_inputs = [cn_income, mg_goal, mg_contribution, mg_start]
        demo.load(h.suggestions, None, [suggestion_text, score_chart], **hidden)
        demo.load(h.calculator_defaults, None, calculator_inputs, **hidden)
        saved = save.click(h.save_profile_form, profile_fields, profile_status, **hidden)
        saved.then(h.suggestions, None, [suggestion_text, score_chart], **hidden)
        saved.then(h.calculator_defaults, None, calculator_inputs, **hidden)
        refresh.click(h.suggestions, None, [suggestion_text, score_chart], **hidden)
        cn_button.click(h.capital_needed, [cn_income, cn_yield], cn_result, **hidden)
        mg_button.click(
            h.months_to_goal,
            [mg_goal, mg_yield, mg_contribution, mg_start, mg_growth],
            [mg_result, projection_chart],
            **hidden,
        )
        upload.upload(
            h.add_documents, upload, [doc_status, doc_table, doc_choice, upload], **hidden
        )
        delete.click(h.delete_document, doc_choice, [doc_status, doc_table, doc_choice], **hidden)
    return demo


def mount_ui(
    app: fastapi.FastAPI,
    advisor: Advisor,
    *,
    path: str = "/",
    auth: list[tuple[str, str]] | Callable[[str, str], bool] | None = None,
) -> fastapi.FastAPI:
    """Mount the UI on a FastAPI app (the API's), with our offline theme and no SSR."""
    demo = build_ui(advisor)
    mounted = gr.mount_gradio_app(
        app,
        demo,
        path=path,
        auth=auth or None,
        auth_message="Sign in to see your own documents and profile." if auth else None,
        footer_links=["api", "settings"],
        ssr_mode=False,
        theme=theme(),
        css=CSS,
    )
    # Gradio checks that a file sent to a handler is one it received in an upload only
    # once the Blocks "has launched"; ``launch()`` sets that, mounting does not, so a
    # client could name any file on the server. Turn the check on for the mounted app.
    demo.has_launched = True
    quiet_gradio_tracebacks()
    return mounted
